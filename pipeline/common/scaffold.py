"""A new council project on disk: `etalase init DIR [--sample]`.

The starter is valid from the first minute (`etalase check` passes and a draft build runs): one
example craft, artisan and product with a placeholder photo, the council's identity as placeholders
in content/region.yaml and templates/brand.yaml, a commented schedule.yaml, and a templates/ folder
for the council's own overrides. `sample=True` copies the bundled Serdang Bedagai sample instead.
Never overwrites: a folder that already holds anything is refused.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from pipeline.common.errors import ConfigError
from pipeline.common.project import PACKAGED_TEMPLATES

# The sample project: copied into the wheel by setup.py, else the repository root of a checkout.
PACKAGED_SAMPLE = Path(__file__).resolve().parents[1] / "defaults" / "sample"
CHECKOUT_SAMPLE = Path(__file__).resolve().parents[2]
SAMPLE_PARTS = ("content", "templates", "schedule.yaml")
PLACEHOLDER_PHOTO = "contoh-produk-1.jpg"
PLACEHOLDER_PHOTOS = (PLACEHOLDER_PHOTO, "contoh-produk-2.jpg", "contoh-produk-3.jpg")  # check asks for three


@dataclass(frozen=True)
class Identity:
    """Who the new project belongs to; placeholders until the council fills them in."""

    council: str = "Dekranasda Kabupaten Contoh"
    short_name: str = "Dekranasda Contoh"
    handle: str = "@dekranasda.contoh"
    regency: str = "Contoh"
    kecamatan: tuple[str, ...] = ("Kecamatan Satu", "Kecamatan Dua")


def sample_root() -> Path:
    """Where the bundled sample project lies (installed wheel first, then a source checkout)."""
    for root in (PACKAGED_SAMPLE, CHECKOUT_SAMPLE):
        if (root / "content" / "crafts.yaml").is_file():
            return root
    raise ConfigError.single(str(PACKAGED_SAMPLE), None, "", "the bundled sample project is missing",
                             "reinstall Etalase from its wheel or repository")


def init_project(dest: Path | str, *, sample: bool = False, identity: Identity | None = None) -> list[Path]:
    """Write a new project into `dest` (created when missing); returns the files written."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ConfigError.single(str(dest), None, "", "the folder is not empty: etalase init never overwrites",
                                 "choose a new or empty folder")
    dest.mkdir(parents=True, exist_ok=True)
    if sample:
        _copy_sample(dest)
    else:
        _write_starter(dest, identity or Identity())
    return sorted(p for p in dest.rglob("*") if p.is_file())


def _copy_sample(dest: Path) -> None:
    root = sample_root()
    for name in SAMPLE_PARTS:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.is_file():
            shutil.copy2(src, dest / name)


def _write_starter(dest: Path, who: Identity) -> None:
    content = dest / "content"
    files = {
        content / "crafts.yaml": CRAFTS,
        content / "region.yaml": _region(who),
        content / "artisans" / "contoh-pengrajin.yaml": ARTISAN.format(kecamatan=_quoted(who.kecamatan[0])),
        content / "products" / "contoh-produk.yaml": PRODUCT.format(photos="\n".join(f"  - {p}"
                                                                               for p in PLACEHOLDER_PHOTOS)),
        dest / "schedule.yaml": SCHEDULE,
        dest / "templates" / "README.md": TEMPLATES_README,
        dest / "templates" / "brand.yaml": _brand(who),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for shade, name in enumerate(PLACEHOLDER_PHOTOS):
        _placeholder_photo(content / "media" / name, shade)
    music = sample_root() / "content" / "music"  # royalty-free (synthesised by tools/make_music.py)
    if music.is_dir():
        shutil.copytree(music, content / "music", ignore=shutil.ignore_patterns("*.py", "__pycache__"))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _region(who: Identity) -> str:
    districts = "\n".join(f"  - {_quoted(k)}" for k in who.kecamatan)
    return REGION.format(regency=_quoted(who.regency), kecamatan=districts)


def _brand(who: Identity) -> str:
    """The packaged brand.yaml with the council's identity written in (the rest stays the default look)."""
    text = (PACKAGED_TEMPLATES / "brand.yaml").read_text(encoding="utf-8")
    head = ("# This council's brand kit, started by `etalase init` from the packaged default: fill in the\n"
            "# council's name, handle and hashtags; `etalase check` names the line of any mistake.\n")
    text = head + text[text.index("\ncouncil:") + 1:]
    for key, value in (("council", who.council), ("short_name", who.short_name), ("handle", who.handle)):
        text = re.sub(rf"(?m)^{key}: .*$", f"{key}: {_quoted(value)}", text, count=1)
    return text


def _placeholder_photo(path: Path, shade: int = 0) -> None:
    """A 1080x1440 JPEG that reads as a stand-in: replace it with the product's own photos."""
    w, h = 1080, 1440
    im = Image.new("RGB", (w, h), (236, 226, 208))
    draw = ImageDraw.Draw(im)
    for i in range(0, w, 40):  # a woven-looking band, so covers and slides have something to crop
        draw.rectangle([i, h // 5, i + 22, h * 4 // 5], fill=(150 - 25 * shade, 108, 62 + 25 * shade))
    for j in range(h // 5, h * 4 // 5, 40):
        draw.rectangle([w // 10, j, w * 9 // 10, j + 12], fill=(112, 76, 40))
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, "JPEG", quality=85)


CRAFTS = """\
# The crafts this council curates. Products name one of these slugs in `craft:`.
# Fields: slug (short id), name (Bahasa Indonesia), name_en, hashtags, color (accent on posts).
crafts:
  - slug: anyaman
    name: Anyaman
    name_en: Weaving
    hashtags: ["#Anyaman"]
    color: "#8A6D3B"
"""

REGION = """\
# The council's regency: how posts name it and the districts (kecamatan) artisans may name.
# Replace the placeholders with your own regency and its full list of kecamatan.
regency: {regency}
# short_name: ""               # an everyday short form, e.g. on the call-to-action card
# province: ""                 # e.g. Sumatera Utara
# province_en: ""              # e.g. North Sumatra, for English captions
kecamatan:
{kecamatan}
"""

ARTISAN = """\
# An example artisan: copy this file for each artisan or group (the file name is its slug).
name: Kelompok Pengrajin Contoh
kecamatan: {kecamatan}         # one of region.yaml's kecamatan
village: Desa Contoh
crafts: [anyaman]
story: Kelompok contoh. Ganti dengan cerita singkat pengrajin dalam Bahasa Indonesia.
# whatsapp: "+62 812-0000-0000"  # for orders, +62 form
photo_consent: true            # only once the artisan agreed to appear in posts
"""

PRODUCT = """\
# An example product: copy this file for each product (the file name is its slug). Every product
# needs a curator's approval (`etalase review approve`) before it is posted.
name: Produk Contoh
artisan: contoh-pengrajin      # a file name in artisans/ without .yaml
craft: anyaman                 # a slug from crafts.yaml
photos:                        # files in content/media/; the first is the cover photo
{photos}
price: "Rp 150.000"            # 150000, "Rp 150.000" or "150rb"
materials: [purun]
size: "30 x 20 x 10 cm"
story: >-
  Produk contoh. Ganti dengan dua sampai empat kalimat tentang produk ini dalam Bahasa Indonesia.
tags: [contoh]
availability: in_stock         # in_stock or made_to_order
"""

SCHEDULE = """\
# When Etalase prepares posts and how it picks the product for each day.
# Every key is optional: the values below are the defaults. `etalase plan` reports mistakes with their line.

timezone: Asia/Jakarta      # WIB. WITA: Asia/Makassar, WIT: Asia/Jayapura
prepare_at: "05:00"         # the scheduler builds the coming days at this time
post_at: "19:00"            # suggested posting time on each day's checklist
horizon_days: 7             # how many days ahead are kept ready
formats: both               # video, carousel (photo slides) or both

# Per weekday (monday..sunday or senin..minggu): theme, post_at, formats, e.g.
# weekdays:
#   friday: {theme: anyaman}
#   sunday: {post_at: "10:00"}

# National days (Hari Kartini, HUT RI, Hari Batik Nasional, ...) get a themed intro unless this is false;
# special_days adds the council's own dates ("MM-DD" every year, or YYYY-MM-DD), e.g.
national_days: true
# special_days:
#   "12-10": {name: Pameran Kerajinan, intro: "Kunjungi stan kami di pameran hari ini!"}

rotation:
  product_days: 14          # a product appears at most once per 14 days
  artisan_days: 3           # an artisan appears at most once per 3 days

# No post on these dates: a single date or start..end (both included).
blackout: []
"""

TEMPLATES_README = """\
# This council's own templates

Etalase looks for every template here first, then in its packaged defaults. To change one, copy
the packaged file (`pipeline/defaults/templates/` inside the installed package) to the same
relative path here and edit the copy: `brand.yaml`, `fonts/`, `captions/*.j2`, `layouts/*.yaml`,
`videos/*.yaml`, `export/*.html.j2`. A file here always wins; `etalase check` reports mistakes
with their file and line.

`brand.yaml` here holds the council's name, handle and hashtags: fill them in.
"""
