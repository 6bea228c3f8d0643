"""content/ -> Catalog: reads every file, reports every problem, never stops at the first.

Layout: crafts.yaml, region.yaml (optional), artisans/<slug>.yaml, products/<slug>.yaml,
media/<photos>. Each product gets a content hash (its YAML text plus its photos' bytes) that
approvals and render caches are bound to.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.catalog.media import MIN_SHORT_SIDE, MediaError, PhotoInfo, probe
from pipeline.catalog.rupiah import parse_price
from pipeline.common import fields as F
from pipeline.common import safefile
from pipeline.common.errors import ContentError, Problem
from pipeline.common.models import MOODS, Artisan, Catalog, Craft, Photo, Product, Region
from pipeline.common.yamlread import YamlDoc, load

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WHATSAPP = re.compile(r"^\+62[0-9]{8,13}$")
AVAILABILITY = ("in_stock", "made_to_order")
MAX_PHOTOS = 35  # TikTok's photo mode takes at most 35; past it the list is refused, not probed photo by photo


def slug(value: Any) -> str:
    v = F.text(value)
    if not SLUG.match(v):
        raise ValueError(f"`{v}` is not a slug: use lowercase letters, digits and hyphens, e.g. anyaman-purun")
    return v


def hashtags(value: Any) -> tuple[str, ...]:
    out = []
    for tag in F.text_list(value):
        tag = tag if tag.startswith("#") else "#" + tag
        if not re.fullmatch(r"#[\w]+", tag):
            raise ValueError(f"`{tag}` is not a hashtag: letters, digits and _ only, no spaces")
        out.append(tag)
    return tuple(out)


def whatsapp(value: Any) -> str:
    raw = F.text(value)
    v = re.sub(r"[\s\-().]", "", raw)
    if v.startswith("08"):
        v = "+62" + v[1:]
    if not WHATSAPP.match(v):
        raise ValueError(f"`{raw}` is not a WhatsApp number in +62 form, e.g. \"+62 812-3456-7890\"")
    return v


CRAFT_FIELDS = [
    F.Field("slug", slug, required=True, help="short id used by products, e.g. anyaman-purun"),
    F.Field("name", F.nonempty_text, required=True, help="name in Bahasa Indonesia"),
    F.Field("name_en", F.text, default="", help="name in English, for Go Global captions"),
    F.Field("hashtags", hashtags, default=(), help="hashtags added to every post of this craft"),
    F.Field("color", F.hex_colour, default="#8A6D3B", help="accent colour for this craft's posts"),
    F.Field("mood", F.choice(*MOODS), default=None, help="music mood of its videos: " + ", ".join(MOODS)),
]

ARTISAN_FIELDS = [
    F.Field("name", F.nonempty_text, required=True, help="the artisan's or group's name"),
    F.Field("kecamatan", F.nonempty_text, required=True, help="one of the regency's districts"),
    F.Field("village", F.text, default="", help="desa or kelurahan"),
    F.Field("crafts", F.text_list, default=(), help="craft slugs from crafts.yaml"),
    F.Field("story", F.text, default="", help="a short story in Bahasa Indonesia"),
    F.Field("whatsapp", whatsapp, default=None, help="contact for orders, +62 form", written=True),
    F.Field("photo_consent", F.boolean, default=False, help="true when the artisan agreed to appear in posts"),
]

HOOK_MAX = 60  # characters: a hook is the cover's headline, two or three lines at the title's size


def hook_text(value: Any) -> str:
    """A product's `hook`: one line of at most HOOK_MAX characters."""
    text = F.text(value).strip()
    if "\n" in text:
        raise ValueError("a hook is one line: put the rest in `story`")
    if len(text) > HOOK_MAX:
        raise ValueError(f"the hook has {len(text)} characters, at most {HOOK_MAX} fit the cover: shorten it")
    return text


PRODUCT_FIELDS = [
    F.Field("name", F.nonempty_text, required=True, help="product name as shown on the cover", written=True),
    F.Field("artisan", F.nonempty_text, required=True, help="artisan slug (file name in artisans/)"),
    F.Field("craft", F.nonempty_text, required=True, help="craft slug from crafts.yaml"),
    F.Field("photos", lambda v: v, required=True, help="photo files under content/media/, the first is the hero"),
    F.Field("price", parse_price, default=None, help="150000, \"Rp 150.000\" or \"150rb\"", written=True),
    F.Field("materials", F.text_list, default=(), help="e.g. [purun, pewarna alami]"),
    F.Field("size", F.text, default="", help="e.g. \"35 x 28 x 12 cm\"", written=True),
    F.Field("colours", F.text_list, default=(), help="colour names in Bahasa Indonesia"),
    F.Field("story", F.text, default="", help="2-4 sentences in Bahasa Indonesia"),
    F.Field("story_en", F.text, default="", help="optional English story for Go Global posts"),
    F.Field("tags", F.text_list, default=(), help="free tags, also used for weekday themes"),
    F.Field("certifications", F.text_list, default=(), help="e.g. [OVOP Bintang 3]"),
    F.Field("availability", F.choice(*AVAILABILITY), default="in_stock", help="in_stock or made_to_order"),
    F.Field("mood", F.choice(*MOODS), default=None, help="music mood of its video, over the craft's: "
            + ", ".join(MOODS)),
    F.Field("go_global", F.boolean, default=False,
            help="true: every post of it also gets an English caption (caption-en.txt) from story_en"),
    F.Field("hook", hook_text, default="",
            help=f"optional short line for the cover and the video's opening (at most {HOOK_MAX} characters)"),
]

# The yes/no fields and what a file that leaves one out means: one table for the dashboard's form, the
# spreadsheet importer and the review diff (a product that never named go_global was "tidak").
YES_NO = {f.name: f.default for f in (*ARTISAN_FIELDS, *PRODUCT_FIELDS) if f.parse is F.boolean}

REGION_FIELDS = [
    F.Field("regency", F.nonempty_text, required=True, help="the regency's (kabupaten's) name, as posts write it"),
    F.Field("short_name", F.text, default="", help="its everyday short form, e.g. Labura"),
    F.Field("province", F.text, default="", help="the province, in Bahasa Indonesia"),
    F.Field("province_en", F.text, default="", help="the province in English, for Go Global captions"),
    F.Field("kecamatan", F.text_list, required=True, help="the districts artisans may name"),
]


@dataclass
class _MediaCache:
    """Probe results and hashes keyed by inode + size + mtime: a shared photo is read once; `within`
    is content/ with its folders resolved once, for refusing links that lead out of it."""

    within: safefile.Within
    infos: dict[tuple, PhotoInfo | MediaError] = field(default_factory=dict)
    hashes: dict[tuple, str] = field(default_factory=dict)

    @staticmethod
    def key(path: Path) -> tuple:
        st = path.stat()
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def probe(self, path: Path) -> PhotoInfo:
        k = self.key(path)
        if k not in self.infos:
            try:
                self.infos[k] = probe(path)
            except MediaError as exc:
                self.infos[k] = exc
        result = self.infos[k]
        if isinstance(result, MediaError):
            raise result
        return result

    def digest(self, path: Path) -> str:
        k = self.key(path)
        if k not in self.hashes:
            h = hashlib.blake2b(digest_size=32)  # ~1.6x sha256's speed here; photos are the bulk of the bytes
            with path.open("rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            self.hashes[k] = h.hexdigest()
        return self.hashes[k]


def load_catalog(root: Path | str) -> Catalog:
    """Read content/; problems are collected on the catalog, valid entries still load."""
    root = Path(root)
    cat = Catalog(root=root)
    if not root.is_dir():
        cat.problems.append(Problem(str(root), None, "", "content folder not found",
                                    "pass --content DIR or run from the project folder"))
        return cat
    cache = _MediaCache(safefile.Within(root))
    cat.region = _load_region(root, cat)
    kecamatan = cat.region.kecamatan
    _load_crafts(root, cat)
    for path in sorted((root / "artisans").glob("*.y*ml")):
        _load_artisan(root, path, cat, kecamatan, cache.within)
    for path in sorted((root / "products").glob("*.y*ml")):
        _load_product(root, path, cat, cache)
    return cat


def _shown(root: Path, path: Path) -> str:
    try:
        return str(PurePosixPath(path.relative_to(root.parent)))
    except ValueError:
        return str(path)


def _read(root: Path, path: Path, cat: Catalog, within: safefile.Within | None = None) -> YamlDoc | None:
    try:
        return load(path, _shown(root, path), within=within or root)
    except ContentError as exc:
        cat.problems.extend(exc.problems)
        return None


def kecamatan_names(content: Path | str) -> tuple[str, ...]:
    """The districts artisans may name: region.yaml's list, () when there is none (problems are the
    catalogue's to report)."""
    return load_region(content).kecamatan


def load_region(content: Path | str) -> Region:
    """content/region.yaml alone (the dashboard's forms, curation defaults); problems are the catalogue's."""
    content = Path(content)
    return _load_region(content, Catalog(root=content))


def craft_table(content: Path | str) -> dict[str, Craft]:
    """crafts.yaml's valid crafts by slug, read by the catalogue's own rule (problems are the catalogue's)."""
    cat = Catalog(root=Path(content))
    _load_crafts(cat.root, cat)
    return cat.crafts


def _load_region(root: Path, cat: Catalog) -> Region:
    """Each council names its own regency and districts: nothing about one regency lives in code."""
    path = root / "region.yaml"
    if not os.path.lexists(path):
        cat.problems.append(Problem(_shown(root, path), None, "", "region.yaml is missing: artisans' kecamatan "
                                    "are not checked and posts name no regency",
                                    "write the regency and its kecamatan there (`etalase init` writes one)",
                                    "warning"))
        return Region()
    doc = _read(root, path, cat)
    if doc is None:
        return Region()
    r = F.FieldReader(doc)
    values = r.mapping((), REGION_FIELDS)
    cat.problems.extend(r.problems)
    if not values or any(p.is_error for p in r.problems):
        return Region(source=doc.path)
    return Region(values["regency"], values["short_name"], values["province"], values["province_en"],
                  tuple(values["kecamatan"]), doc.path)


def _load_crafts(root: Path, cat: Catalog) -> None:
    path = root / "crafts.yaml"
    if not os.path.lexists(path):
        cat.problems.append(Problem(_shown(root, path), None, "", "crafts.yaml is missing",
                                    "list the craft types there; see README 'Content'"))
        return
    doc = _read(root, path, cat)
    if doc is None:
        return
    r = F.FieldReader(doc)
    top = r.mapping((), [F.Field("crafts", lambda v: v, required=True)])
    items = (top or {}).get("crafts")
    if items is not None and not isinstance(items, list):
        r.error(("crafts",), f"expected a list of crafts, got {F.type_name(items)}")
        items = None
    for i, _ in enumerate(items or []):
        v = r.mapping(("crafts", i), CRAFT_FIELDS)
        if not v or not v["slug"] or not v["name"]:
            continue
        if v["slug"] in cat.crafts:
            r.error(("crafts", i, "slug"), f"duplicate craft slug `{v['slug']}`", "each craft needs its own slug")
            continue
        cat.crafts[v["slug"]] = Craft(v["slug"], v["name"], v["name_en"], v["hashtags"], v["color"],
                                       v["mood"])
    cat.problems.extend(r.problems)


def _slug_from_file(path: Path, r: F.FieldReader) -> str | None:
    if not SLUG.match(path.stem):
        r.error((), f"file name `{path.name}` is not a slug",
                "rename it with lowercase letters, digits and hyphens, e.g. tas-purun.yaml")
        return None
    return path.stem


def _load_artisan(root: Path, path: Path, cat: Catalog, kecamatan: tuple[str, ...],
                  within: safefile.Within | None = None) -> None:
    doc = _read(root, path, cat, within)
    if doc is None:
        cat.invalid_artisans[path.stem] = _shown(root, path)
        return
    r = F.FieldReader(doc)
    key = _slug_from_file(path, r)
    v = r.mapping((), ARTISAN_FIELDS)
    if v:
        if v["kecamatan"] and kecamatan:  # no region.yaml: districts are not checked
            v["kecamatan"] = _kecamatan(r, v["kecamatan"], kecamatan)
        crafts = _craft_names(cat)
        for i, c in enumerate(v["crafts"]):
            if craft_key(c) not in crafts:
                r.error(("crafts", i), f"unknown craft `{c}`", "crafts: " + ", ".join(cat.crafts))
        v["crafts"] = tuple(crafts.get(craft_key(c), c) for c in v["crafts"])
        if not v["photo_consent"]:
            r.warn(("photo_consent",), "no photo consent recorded",
                   "set photo_consent: true once the artisan agreed to appear in posts")
    cat.problems.extend(r.problems)
    if key and (not v or any(p.is_error for p in r.problems)):
        cat.invalid_artisans[key] = doc.path
    elif key and v:
        cat.artisans[key] = Artisan(key, v["name"], v["kecamatan"], v["village"], v["crafts"], v["story"],
                                    v["whatsapp"], v["photo_consent"], doc.path)


def _squash(name: str) -> str:
    return " ".join(name.split()).casefold()


def _kecamatan(r: F.FieldReader, written: str, kecamatan: tuple[str, ...]) -> str:
    """The district as region.yaml spells it, however its case and spaces were typed."""
    canonical = {_squash(k): k for k in kecamatan}
    found = canonical.get(_squash(written))
    if found is None:
        near = difflib.get_close_matches(_squash(written), list(canonical), n=1)
        r.error(("kecamatan",), f"`{written}` is not a kecamatan of the regency",
                f"did you mean `{canonical[near[0]]}`?" if near else "one of: " + ", ".join(kecamatan))
        return written
    return found


def craft_key(name: str) -> str:
    """"Anyaman Purun", "anyaman_purun" and "ANYAMAN-PURUN" all name the craft anyaman-purun."""
    return re.sub(r"[\s_-]+", "-", name.strip().casefold())


def _craft_names(cat: Catalog) -> dict[str, str]:
    """craft_key of each craft's slug and of its name -> the slug."""
    out = {craft_key(c.name): c.slug for c in cat.crafts.values()}
    out.update({craft_key(slug): slug for slug in cat.crafts})
    return out


def _photo_list(r: F.FieldReader, root: Path, raw: Any, cache: _MediaCache) -> list[Photo]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        r.error(("photos",), "expected a list of at least one photo file",
                "e.g.\n      photos:\n        - tas-purun-1.jpg")
        return []
    if len(raw) > MAX_PHOTOS:
        r.error(("photos",), f"{len(raw):,} photos, more than {MAX_PHOTOS}",
                f"TikTok shows at most {MAX_PHOTOS} photos in one post: keep the best ones")
        return []
    photos = []
    for i, item in enumerate(raw):
        key = ("photos", i)
        focus = (0.5, 0.5)
        if isinstance(item, dict):
            v = r.mapping(key, [F.Field("file", F.nonempty_text, required=True),
                                F.Field("focus", _focus, default=(0.5, 0.5), help="[x, y] as fractions 0-1")])
            if not v or not v["file"]:
                continue
            name, focus, fkey = v["file"], v["focus"], (*key, "file")
        elif isinstance(item, str):
            name, fkey = item.strip(), key
        else:
            r.error(key, f"expected a file name, got {F.type_name(item)}")
            continue
        photo = _photo(r, root, fkey, name, focus, cache)
        if photo:
            photos.append(photo)
    return photos


def _focus(value: Any) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("focus must be [x, y], fractions of width and height, e.g. [0.5, 0.4]")
    x, y = (F.number(v) for v in value)
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise ValueError(f"focus [{x}, {y}] must lie between 0 and 1")
    return (x, y)


def _photo(r: F.FieldReader, root: Path, key: tuple, name: str, focus, cache: _MediaCache) -> Photo | None:
    rel = PurePosixPath(name.replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        r.error(key, f"`{name}` must be a file name inside content/media/", "e.g. tas-purun-1.jpg")
        return None
    path = root / "media" / rel
    if not os.path.lexists(path):
        r.error(key, f"photo `{name}` not found in content/media/", "check the spelling and the file extension")
        return None
    try:
        safefile.check(path, within=cache.within)
    except safefile.FileRefused as exc:
        r.error(key, f"photo `{name}` {exc.message}", exc.hint)
        return None
    try:
        info = cache.probe(path)
    except MediaError as exc:
        r.error(key, f"photo `{name}`: {exc}", "replace the file with a good JPEG, PNG, WebP or HEIC photo")
        return None
    for note in info.notes:
        r.warn(key, f"photo `{name}`: {note}",
               "the photo can still be used; saving it again from a photo app usually repairs its metadata")
    if min(info.width, info.height) < MIN_SHORT_SIDE:
        r.warn(key, f"photo `{name}` is {info.width}x{info.height}, under {MIN_SHORT_SIDE} px on its short side",
               "it will look soft on TikTok; use a larger original if there is one")
    return Photo(str(rel), path, focus)


def _load_product(root: Path, path: Path, cat: Catalog, cache: _MediaCache) -> None:
    doc = _read(root, path, cat, cache.within)
    if doc is None:
        cat.invalid[path.stem] = _shown(root, path)
        return
    r = F.FieldReader(doc)
    key = _slug_from_file(path, r)
    if key and (key in cat.products or key in cat.invalid):
        other = cat.products[key].source if key in cat.products else cat.invalid[key]
        r.error((), f"duplicate product slug `{key}` (also {other})", "rename one of the two files")
        cat.problems.extend(r.problems)
        return
    v = r.mapping((), PRODUCT_FIELDS)
    photos: list[Photo] = []
    if v:
        if v["artisan"] in cat.invalid_artisans:
            r.error(("artisan",), f"artisan `{v['artisan']}` has errors",
                    f"fix {cat.invalid_artisans[v['artisan']]} first (see its errors above)")
        elif v["artisan"] and v["artisan"] not in cat.artisans:
            r.error(("artisan",), f"unknown artisan `{v['artisan']}`",
                    "use a file name from content/artisans/ without .yaml: " + ", ".join(sorted(cat.artisans)))
        if v["craft"]:
            craft = _craft_names(cat).get(craft_key(v["craft"]))
            if craft is None:
                r.error(("craft",), f"unknown craft `{v['craft']}`", "crafts: " + ", ".join(cat.crafts))
            v["craft"] = craft or v["craft"]
        if v["photos"] is not None:
            photos = _photo_list(r, root, v["photos"], cache)
        given = doc.data.get("price") is not None  # a price that failed to parse has its own error
        if v["price"] is None and not given and v["availability"] == "in_stock":
            r.warn(("price",), "no price given", "captions read better with a price, e.g. \"Rp 150.000\"")
        if v["go_global"] and not v["story_en"]:
            r.warn(("go_global",), "go_global is true but there is no story_en: the English caption has no story",
                   "add story_en: two or three sentences in English")
    cat.problems.extend(r.problems)
    if not key or not v or any(p.is_error for p in r.problems):
        cat.invalid[path.stem] = doc.path
        return
    photos = [replace(p, digest=cache.digest(p.path)) for p in photos]
    digest = content_hash(doc.text, [(p.file, p.digest) for p in photos])
    cat.products[key] = Product(
        key, v["name"], v["artisan"], v["craft"], tuple(photos), v["price"], v["materials"], v["size"],
        v["colours"], v["story"], v["story_en"], v["tags"], v["certifications"], v["availability"],
        doc.path, digest, v["go_global"], mood=v["mood"], hook=v["hook"])


def content_hash(yaml_text: str, photos: list[tuple[str, str]]) -> str:
    """sha256 over the YAML text (line endings normalised) and each photo's name and bytes' hash."""
    h = hashlib.sha256(b"etalase-product-v1\n")
    body = yaml_text.replace("\r\n", "\n").encode("utf-8")
    h.update(len(body).to_bytes(8, "big") + body)
    for name, digest in photos:
        h.update(f"{name}\n{digest}\n".encode())
    return h.hexdigest()


def photo_digest(path: Path) -> str:
    return _MediaCache(safefile.Within(path.parent)).digest(path)
