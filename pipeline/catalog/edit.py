"""Creating and editing product and artisan YAML from the dashboard, and taking in uploaded photos.

Curators and editors also edit these files by hand, so a dashboard edit must not wreck their
work: ruamel.yaml's round-trip mode keeps comments, key order, quoting and block styles, and
only the fields that changed are touched. Every write is validated with the same declared
fields the catalogue uses (so errors read the same) and lands atomically (temp file, then
os.replace). An edit changes the product's content hash, which is what sends an approved product
back to review (DESIGN invariant 1): nothing here needs to know about curation.

Uploaded photos are never trusted: the type is sniffed by Pillow (not the name or the browser's
content type), size and pixel count are capped, the image is decoded whole and re-encoded as JPEG
with no EXIF at all (so no GPS or other location data survives; orientation is applied first),
and the file name is made from the product slug and the bytes' hash, never from the upload. An
upright sRGB JPEG that needs no scaling is kept as it is with its metadata cut out (jpegstrip):
the same pixels, no second lossy encode.
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from pipeline.catalog import jpegstrip
from pipeline.catalog import reader as C
from pipeline.catalog.media import FORMATS, MAX_PIXELS, needs_conversion, to_rgb
from pipeline.catalog.rupiah import parse_price
from pipeline.common import atomic, safefile
from pipeline.common import fields as F
from pipeline.common.errors import ContentError, NotFound, Problem
from pipeline.common.yamlread import YamlDoc, loads

MAX_PHOTO_BYTES = 20 * 1024 * 1024  # TikTok's own per-image cap for photo posts; phone photos are 2-8 MB
MAX_LONG_SIDE = 4096  # re-encoded photos are scaled down to this; renders never need more
JPEG_QUALITY = 90
LIST_FIELDS = ("materials", "colours", "tags", "certifications", "crafts")
FLAGS = ("go_global",)  # off by default: written only when true, so a file that never asked stays as it was
ACCEPTED = "kirim foto JPEG, PNG, WebP atau HEIC"


@dataclass(frozen=True)
class Saved:
    """What a save wrote: the file, its new text, and whether it was created."""

    path: Path
    text: str
    created: bool

    @property
    def text_hash(self) -> str:
        return text_hash(self.text)


def text_hash(text: str) -> str:
    """Fingerprint of a file's text, sent with an edit form to catch edits made meanwhile."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# Forms -> values ---------------------------------------------------------------------------

def values_from_form(form: Mapping[str, str], fields: Iterable[F.Field]) -> dict[str, Any]:
    """Form text to YAML values: lists split on commas or new lines, empty text means "remove"."""
    out: dict[str, Any] = {}
    for f in fields:
        if f.name not in form or f.name == "photos":
            continue
        raw = str(form[f.name]).replace("\r\n", "\n").strip()
        if f.name in LIST_FIELDS:
            out[f.name] = [p.strip() for p in re.split(r"[,\n]", raw) if p.strip()] or None
        elif f.name in C.YES_NO:  # a form's ticked box: "1"/"on"/"ya" is true
            out[f.name] = raw.lower() in ("1", "true", "on", "ya", "yes")
        elif f.name == "price":
            out[f.name] = _price_value(raw)
        else:
            out[f.name] = raw or None
    return out


def _price_value(raw: str) -> int | str | None:
    if not raw:
        return None
    try:
        return parse_price(raw)
    except ValueError:
        return raw  # kept as typed so validation names it with the accepted forms


# Products and artisans ---------------------------------------------------------------------

def product_path(content: Path, slug: str) -> Path:
    return _entry_path(content, "products", slug)


def artisan_path(content: Path, slug: str) -> Path:
    return _entry_path(content, "artisans", slug)


def save_product(content: Path, slug: str, values: Mapping[str, Any], *, create: bool = False,
                 base_hash: str | None = None, known_artisans: Iterable[str] | None = None,
                 known_crafts: Iterable[str] | None = None, finish: Callable[[str], str] | None = None) -> Saved:
    """Write products/<slug>.yaml with `values` changed (a None value removes the field).

    Raises ContentError with every problem (file, line, field, hint) and writes nothing then.
    `finish` may change the final text before it is validated (the importer adds its record line).
    """
    path = product_path(content, slug)
    doc = _open_for_edit(path, create, base_hash, "produk")
    if create and "photos" not in values:
        values = {**values, "photos": []}
    _apply(doc, values, C.PRODUCT_FIELDS)
    text = finish(_dump(doc)) if finish else _dump(doc)

    def extra(r: F.FieldReader, v: dict[str, Any]) -> None:
        _check_reference(r, ("artisan",), v["artisan"], known_artisans, "pengrajin")
        _check_reference(r, ("craft",), v["craft"], known_crafts, "kerajinan")
        _check_photos(r, content, r.doc.data.get("photos"))

    _validate(content, path, text, C.PRODUCT_FIELDS, extra)
    return _write(path, text, create)


def save_artisan(content: Path, slug: str, values: Mapping[str, Any], *, create: bool = False,
                 base_hash: str | None = None, known_crafts: Iterable[str] | None = None,
                 finish: Callable[[str], str] | None = None) -> Saved:
    """Write artisans/<slug>.yaml with `values` changed; same rules as save_product."""
    path = artisan_path(content, slug)
    doc = _open_for_edit(path, create, base_hash, "pengrajin")
    _apply(doc, values, C.ARTISAN_FIELDS)
    text = finish(_dump(doc)) if finish else _dump(doc)
    districts = kecamatan_names(content)

    def extra(r: F.FieldReader, v: dict[str, Any]) -> None:
        if v["kecamatan"] and districts and v["kecamatan"] not in districts:
            r.error(("kecamatan",), f"`{v['kecamatan']}` bukan kecamatan di kabupaten ini",
                    "pilih salah satu: " + ", ".join(districts))
        for i, craft in enumerate(v["crafts"] or ()):
            _check_reference(r, ("crafts", i), craft, known_crafts, "kerajinan")

    _validate(content, path, text, C.ARTISAN_FIELDS, extra)
    return _write(path, text, create)


def kecamatan_names(content: Path) -> tuple[str, ...]:
    """The districts artisans may name, read by the catalogue's own rule (the council's region.yaml; none
    when it has none), so the dashboard's form offers and accepts exactly what the catalogue will."""
    return C.kecamatan_names(content)


def read_text(path: Path) -> str:
    """An entry's text, refused like the catalogue refuses it (a FIFO, a folder, a link out of content/)."""
    if not os.path.lexists(path):
        raise NotFound(f"{path.name} does not exist")
    try:
        raw = safefile.read_bytes(path, within=path.parent.parent, limit=safefile.max_file_bytes())
    except safefile.FileRefused as exc:
        raise ContentError.single(f"content/{path.parent.name}/{path.name}", None, "", exc.message, exc.hint) from None
    return raw.decode("utf-8-sig")


def _entry_path(content: Path, folder: str, slug: str) -> Path:
    if not isinstance(slug, str) or not C.SLUG.match(slug) or len(slug) > 80:
        raise ContentError.single(f"content/{folder}/", None, "slug", f"`{slug}` tidak bisa dipakai sebagai nama file",
                                  "pakai huruf kecil, angka dan tanda hubung, mis. tas-purun-pucuk-rebung")
    return Path(content) / folder / f"{slug}.yaml"


def _shown(path: Path) -> str:
    return f"content/{path.parent.name}/{path.name}"


def _yaml(text: str = "") -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap the curators' lines
    sequence, offset = 4, 2
    if text:
        try:
            _, guessed, dash = load_yaml_guess_indent(text)
        except YAMLError:
            guessed, dash = None, None
        if guessed and dash is not None:
            sequence, offset = guessed, dash
    y.indent(mapping=2, sequence=sequence, offset=offset)
    return y


class _Doc:
    """A round-trip document plus how its file was written (newlines), so saves look hand-made."""

    def __init__(self, path: Path, text: str, data: CommentedMap, created: bool):
        self.path, self.text, self.data, self.created = path, text, data, created
        self.newline = "\r\n" if "\r\n" in text else "\n"


def _open_for_edit(path: Path, create: bool, base_hash: str | None, kind: str) -> _Doc:
    shown = _shown(path)
    if create:
        if path.exists():
            raise ContentError.single(shown, None, "slug", f"{kind} dengan nama ini sudah ada",
                                      "pilih nama lain, atau ubah yang sudah ada")
        return _Doc(path, "", CommentedMap(), True)
    text = read_text(path)
    if base_hash and base_hash != text_hash(text):
        raise ContentError.single(shown, None, "", "file ini berubah sejak formulir dibuka",
                                  "buka formulir lagi dan ulangi perubahan; belum ada yang disimpan")
    try:
        data = _yaml(text).load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ContentError.single(shown, mark.line + 1 if mark else None, "", f"kesalahan sintaks YAML: {exc}",
                                  "perbaiki file ini secara manual dulu; dasbor hanya mengubah file yang sah") from None
    if not isinstance(data, CommentedMap):
        raise ContentError.single(shown, 1, "", "isi file bukan daftar `kolom: nilai`",
                                  "perbaiki file ini secara manual dulu; dasbor hanya mengubah file yang sah")
    return _Doc(path, text, data, False)


def _apply(doc: _Doc, values: Mapping[str, Any], fields: Iterable[F.Field]) -> None:
    """Change only what differs, in place, so untouched lines keep their comments and style."""
    order = [f.name for f in fields]
    for name in order:
        if name not in values:
            continue
        new = values[name]
        if name in FLAGS and new is False and doc.data.get(name) is not False:
            new = None  # off: the key goes (a file saying `false` keeps its line and comment)
        if new is None or new == [] or new == ():
            if name in doc.data and name != "photos":
                del doc.data[name]
            elif name == "photos":
                _set_photos(doc.data, [])
            continue
        if name == "photos":
            files = [new] if isinstance(new, str) else new
            if not isinstance(files, (list, tuple)) or not all(_valid_photo(f) for f in files):
                raise ContentError.single(_shown(doc.path), None, "photos", "photos harus daftar nama file foto",
                                          'mis. ["tas-purun-1.jpg", "tas-purun-2.jpg"]')
            _set_photos(doc.data, list(files))
        elif isinstance(new, (list, tuple)):
            _set_list(doc.data, name, [str(v) for v in new])
        elif isinstance(new, str):
            _set_text(doc.data, name, new.replace("\r\n", "\n"))
        elif doc.data.get(name) != new:
            doc.data[name] = new
    if doc.created:
        doc.data = _ordered(doc.data, order)


def _valid_photo(item: Any) -> bool:
    if isinstance(item, Mapping):
        focus = item.get("focus")
        return isinstance(item.get("file"), str) and (focus is None or (
            isinstance(focus, (list, tuple)) and len(focus) == 2 and all(isinstance(v, (int, float)) for v in focus)))
    return isinstance(item, str)


def _ordered(data: CommentedMap, order: list[str]) -> CommentedMap:
    out = CommentedMap()
    for name in order + [k for k in data if k not in order]:
        if name in data:
            out[name] = data[name]
    return out


def _set_text(data: CommentedMap, name: str, new: str) -> None:
    """A text field changed only when its words did; a block (`|`) or folded (`>`) scalar keeps its style,
    its chomping (the form drops the final newline that `>`/`|` keep) and, folded, its line width."""
    old = data.get(name)
    if isinstance(old, str) and str(old).rstrip() == new.rstrip():
        return
    if isinstance(old, (FoldedScalarString, LiteralScalarString)):
        new = new.rstrip("\n") + "\n" * (len(str(old)) - len(str(old).rstrip("\n")))
        if isinstance(old, FoldedScalarString):
            folded = FoldedScalarString(new)
            folded.fold_pos = fold_positions(new, _folded_width(old))
            data[name] = folded
        else:
            data[name] = LiteralScalarString(new)
    elif "\n" in new:
        data[name] = LiteralScalarString(new)
    elif type(old) is not str and isinstance(old, str) and "\n" not in str(old):
        data[name] = type(old)(new)  # keep the quoting the curator chose
    else:
        data[name] = new


FOLD_WIDTH = 72  # a folded story with a single line gives no width to follow


def _folded_width(old: FoldedScalarString) -> int:
    """The longest line the curator folded at, so an edited story wraps like the rest of their file."""
    text, cuts = str(old), getattr(old, "fold_pos", None) or []
    lines = [len(line) for part in _split_at(text, cuts) for line in part.split("\n")]
    return max(max(lines, default=0), 40) if cuts else FOLD_WIDTH


def _split_at(text: str, cuts: list[int]) -> list[str]:
    bounds = [-1, *sorted(cuts), len(text)]
    return [text[a + 1:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def fold_positions(text: str, width: int) -> list[int]:
    """Indices of the spaces where a folded scalar breaks its lines: greedy, at most `width` characters a
    line (a longer word stays whole). Only a single space between words can fold, as YAML requires."""
    cuts: list[int] = []
    start, last = 0, None
    for i, ch in enumerate(text):
        if ch == "\n":
            start, last = i + 1, None
        elif ch == " " and 0 < i < len(text) - 1 and not text[i - 1].isspace() and not text[i + 1].isspace():
            if i - start > width and last is not None and last >= start:
                cuts.append(last)
                start = last + 1
            last = i
    end = len(text.rstrip("\n"))
    if end - start > width and last is not None and last >= start:
        cuts.append(last)
    return cuts


def _set_list(data: CommentedMap, name: str, items: list[str]) -> None:
    old = data.get(name)
    if isinstance(old, CommentedSeq):
        if [str(v) for v in old] != items:
            old[:] = items  # in place: a flow list stays a flow list
    elif isinstance(old, str) and len(items) == 1:
        data[name] = items[0]
    else:
        data[name] = items


def _set_photos(data: CommentedMap, files: list) -> None:
    """Photo entries in the given order (the first is the hero). An entry is a file name, which keeps the
    entry's focus point and comment, or {"file", "focus": (x, y)}, which sets its focus point."""
    old = data.get("photos")
    old_items = list(old) if isinstance(old, list) else ([old] if isinstance(old, str) else [])
    by_file = {(item.get("file") if isinstance(item, dict) else str(item)): item for item in old_items}
    new = [_photo_entry(by_file.get(_photo_file(item)), item) for item in files]
    if isinstance(old, CommentedSeq):
        if list(old) != new:
            _reorder(old, new)
    else:
        data["photos"] = CommentedSeq(new)


def _reorder(seq: CommentedSeq, new: list) -> None:
    """Replace a list's entries, each end-of-line comment moving with its entry (ruamel keys them by index);
    full-line comments after the list's last entry (ruamel hangs them on it) stay after the list."""
    old = dict(seq.ca.items)
    where = {_entry_file(item): i for i, item in enumerate(seq)}
    last = _token(old, len(seq) - 1)
    tail = last.value.partition("\n")[2] if last is not None else ""
    seq[:] = new
    seq.ca.items.clear()
    for j, item in enumerate(new):
        i = where.get(_entry_file(item))
        token = _token(old, i)
        eol = token.value.partition("\n")[0] if token is not None else ""
        if eol.strip() and isinstance(item, CommentedMap) and not item.ca.items.get("file"):
            item.yaml_add_eol_comment(eol.strip(), "file")  # a plain entry that became {file, focus}
            eol = ""
        after = tail if j == len(new) - 1 else ""
        if after.strip() and isinstance(item, CommentedMap) and item:
            key = list(item)[-1]  # under a {file, focus} entry the comment hangs on its last key
            slots = item.ca.items.setdefault(key, [None, None, None, None])
            if slots[2] is None:
                slots[2] = copy.copy(last)
                slots[2].value = "\n" + after
            else:
                slots[2].value = slots[2].value.rstrip("\n") + "\n" + after
            after = ""
        if eol.strip() or after.strip():
            moved = copy.copy(token if token is not None else last)
            moved.value = (eol if eol.strip() else "") + "\n" + after
            seq.ca.items[j] = [moved, None]


def _token(comments: dict, index: int | None) -> Any:
    entry = comments.get(index) if index is not None else None
    return entry[0] if entry else None


def _entry_file(item: Any) -> str:
    return str(item.get("file")) if isinstance(item, Mapping) else str(item)


def _photo_file(item: Any) -> str:
    return item["file"] if isinstance(item, Mapping) else item


def _photo_entry(old: Any, item: Any) -> Any:
    """The YAML entry for one photo: the old one untouched unless its focus point really moved."""
    name = _photo_file(item)
    focus = item.get("focus") if isinstance(item, Mapping) else None
    if focus is None:
        return name if old is None else old
    focus = [round(float(v), 3) for v in focus]
    current = old.get("focus") if isinstance(old, Mapping) else None
    if current is not None and [float(v) for v in current] == focus:
        return old
    if current is None and focus == [0.5, 0.5]:  # the default centre: nothing to write
        return name if old is None else old
    point = CommentedSeq(focus)
    point.fa.set_flow_style()  # `focus: [0.5, 0.4]`, as the curators write it
    if isinstance(old, CommentedMap):
        old["focus"] = point
        return old
    return CommentedMap([("file", name), ("focus", point)])


def _dump(doc: _Doc) -> str:
    buf = io.StringIO()
    _yaml(doc.text).dump(doc.data, buf)
    text = buf.getvalue()
    return text.replace("\n", doc.newline) if doc.newline != "\n" else text


def _validate(content: Path, path: Path, text: str, fields: list[F.Field], extra) -> None:
    shown = _shown(path)
    yaml_doc: YamlDoc = loads(text, shown)
    r = F.FieldReader(yaml_doc)
    values = r.mapping((), fields)
    if values is not None:
        extra(r, values)
    errors = [p for p in r.problems if p.is_error]
    if errors:
        raise ContentError(errors)


def _check_reference(r: F.FieldReader, key: tuple, value: str | None, known: Iterable[str] | None,
                     label: str) -> None:
    if value is None or known is None:
        return
    known = sorted(known)
    if value not in known:
        r.error(key, f"{label} `{value}` tidak dikenal", "pilih salah satu: " + ", ".join(known))


def _check_photos(r: F.FieldReader, content: Path, raw: Any) -> None:
    if not raw:
        r.error(("photos",), "produk perlu paling sedikit satu foto", "unggah foto; foto pertama menjadi sampul")
        return
    for i, item in enumerate(raw if isinstance(raw, list) else [raw]):
        name = item.get("file") if isinstance(item, dict) else item
        if not isinstance(name, str):
            continue
        focus = item.get("focus") if isinstance(item, dict) else None
        if focus is not None and not (isinstance(focus, list) and len(focus) == 2 and all(
                isinstance(v, (int, float)) and 0 <= v <= 1 for v in focus)):
            r.error(("photos", i, "focus"), f"titik fokus `{focus}` tidak bisa dipakai",
                    "ketuk lagi bagian foto yang penting; nilainya [x, y], masing-masing antara 0 dan 1")
        rel = PurePosixPath(name.replace("\\", "/"))
        if rel.is_absolute() or ".." in rel.parts or not (content / "media" / rel).is_file():
            r.error(("photos", i), f"foto `{name}` tidak ada di content/media/", "unggah foto itu lagi")


def _write(path: Path, text: str, created: bool) -> Saved:
    write_atomic(path, text.encode("utf-8"), exclusive=created)
    return Saved(path, text, created)


def write_atomic(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """An atomic write (pipeline.atomic); with `exclusive`, two people creating one slug get a clear error."""
    try:
        atomic.write_bytes(path, data, exclusive=exclusive)
    except FileExistsError:
        raise _exists(path) from None


# Photo intake ------------------------------------------------------------------------------

class UploadRefused(ContentError):
    """An uploaded file that is not taken in; the message says why and what to do instead."""


def check_upload_name(name: str | None) -> None:
    """Browsers send a bare file name; anything with a path in it is a crafted request."""
    if not name:
        return
    if "/" in name or "\\" in name or "\0" in name or ".." in name or len(name) > 255:
        raise _refused(name, "nama file berisi jalur folder", "pilih lagi fotonya dari ponsel atau komputer")


def intake_photo(content: Path, data: bytes, *, product_slug: str, uploaded_name: str | None = None) -> str:
    """Check, clean and store one uploaded photo; returns its name relative to content/media/."""
    check_upload_name(uploaded_name)
    shown = uploaded_name or "photo"
    if len(data) > MAX_PHOTO_BYTES:
        raise _refused(shown, f"ukuran file {len(data) / 2**20:.0f} MB, melebihi batas {MAX_PHOTO_BYTES // 2**20} MB",
                       "kirim foto yang lebih kecil (foto ponsel biasanya 2-8 MB)")
    if not data:
        raise _refused(shown, "file kosong", "pilih lagi fotonya")
    image, raw = _decode(data, shown)
    if raw is None:
        image.thumbnail((MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        # No exif= and no icc_profile= argument: Pillow then writes neither, so GPS, camera serials and dates
        # go, and so does the colour profile: `_decode` already converted the pixels to sRGB, which untagged
        # means. Baseline, not progressive: progressive saved 1-5% more on top of optimize's 12-40% and took
        # three times as long to encode (measured on the sample photos; the photos feed renders and the
        # dashboard's resized previews, never a slow page load).
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        raw = out.getvalue()
    stem = _entry_path(content, "products", product_slug).stem
    name = f"{stem}-{hashlib.sha256(raw).hexdigest()[:10]}.jpg"
    target = Path(content) / "media" / name
    if not target.exists():
        write_atomic(target, raw)
    return name


def _decode(data: bytes, shown: str) -> tuple[Image.Image, bytes | None]:
    """The photo upright and in sRGB, or (for a photo kept as it is, see `_keeps_as_is`) its stripped bytes."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                if im.format not in FORMATS:
                    raise _refused(shown, f"file {im.format} tidak diterima", ACCEPTED)
                if im.width * im.height > MAX_PIXELS:
                    raise _refused(shown, f"gambar {im.width}x{im.height} piksel terlalu besar",
                                   "kirim foto asli dari ponsel, bukan panorama yang digabung")
                kept = _stripped(data) if _keeps_as_is(im, len(data)) else None
                if kept is not None:
                    _check_decodes(kept)
                    return im, kept
                im.load()
                upright = im
                if im.getexif().get(ORIENTATION, 1) != 1:  # exif_transpose copies even an upright photo
                    upright = ImageOps.exif_transpose(im) or im
                rgb = to_rgb(upright)  # through a profile that parses (ImageCms) to sRGB; one that does not is ignored
    except UploadRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refused(shown, "file ini bukan foto yang bisa dibaca", ACCEPTED) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise _refused(shown, f"foto rusak ({exc})", "salin atau ekspor foto itu lagi, lalu coba lagi") from None
    rgb.info.pop("icc_profile", None)  # the pixels are sRGB now; a leftover tag would be applied twice by viewers
    return rgb, None


ORIENTATION = 0x0112
# A phone's own JPEG is 0.2-0.35 bytes a pixel; a heavier one (quality ~95 and up) is re-encoded at JPEG_QUALITY,
# so keeping photos as they are grows content/media/ by at most about half of what re-encoding would store.
AS_IS_BYTES_PER_PIXEL = 0.4


def _keeps_as_is(im: Image.Image, size: int) -> bool:
    """An upright sRGB (or untagged) JPEG within MAX_LONG_SIDE and not needlessly heavy is kept byte for byte,
    minus its metadata: a re-encode would only lose detail (a second lossy pass) and cost most of an import's
    time. Read from the headers alone; a greyscale, CMYK, rotated or otherwise tagged photo is converted."""
    return (im.format in ("JPEG", "MPO") and not needs_conversion(im) and max(im.size) <= MAX_LONG_SIDE
            and im.getexif().get(ORIENTATION, 1) == 1 and size <= AS_IS_BYTES_PER_PIXEL * im.width * im.height)


def _check_decodes(kept: bytes) -> None:
    """Every scan of the bytes to be stored is decoded (at 1/8 scale, libjpeg's own shortcut: the same entropy
    decoding, no full-size pixels), so a cut-off or damaged file is refused as a re-encode would refuse it."""
    with Image.open(io.BytesIO(kept)) as im:
        im.draft("RGB", (max(1, im.width // 8), max(1, im.height // 8)))
        im.load()


def _stripped(data: bytes) -> bytes | None:
    try:
        return jpegstrip.strip_metadata(data)
    except jpegstrip.NotJpeg:
        return None  # Pillow read it, the segment walk did not: re-encode it instead


def _exists(path: Path) -> ContentError:
    return ContentError.single(_shown(path), None, "slug", "file dengan nama ini sudah ada", "pilih nama lain")


def _refused(shown: str, message: str, hint: str) -> UploadRefused:
    return UploadRefused(Problem(shown, None, "photos", message, hint))
