"""Time `etalase import` of a 1,000-row spreadsheet with 3 photos per row, against `etalase check` of the
catalogue it produces, in the same run.

Targets (issue 16): a dry run at most 2x that check, an apply at most 10x. The photos are distinct (a
mark of their own in the pixels, and EXIF with GPS as a phone writes it) so each is hashed, probed, taken
in and stored for real. As JPEGs (the default) they are what most phones send: upright, untagged sRGB, so
they are kept as they are minus their metadata; `--png` sends PNGs instead, which are decoded and
re-encoded (the path of HEIC, rotated, Display P3 and CMYK photos). Also timed: the dry run and apply of
the same file again, which must write nothing.

    .venv/bin/python bench/import_bench.py [--rows 1000] [--png]
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.catalog.importer.apply import apply  # noqa: E402
from pipeline.catalog.importer.plan import plan_import  # noqa: E402
from pipeline.catalog.reader import load_catalog  # noqa: E402

CRAFTS = "crafts:\n  - slug: anyaman-purun\n    name: Anyaman Purun\n  - slug: tenun\n    name: Tenun Sergai\n"
KECAMATAN = ("Sei Rampah", "Perbaungan", "Pantai Cermin", "Tanjung Beringin", "Dolok Masihul")


def base_photo() -> Image.Image:
    im = Image.new("RGB", (1080, 1440), (230, 220, 200))
    d = ImageDraw.Draw(im)
    for x in range(0, 1080, 24):
        d.rectangle([x, 150, x + 12, 1300], fill=(150, 110, 60))
    return im


def unique_photo(base: Image.Image, n: int, fmt: str) -> bytes:
    """The base photo with its number as a row of dark and light squares, saved as a phone would."""
    im = base.copy()
    d = ImageDraw.Draw(im)
    for bit in range(14):
        shade = 30 if n >> bit & 1 else 250
        d.rectangle([40 + bit * 48, 40, 80 + bit * 48, 80], fill=(shade, shade, shade))
    exif = Image.Exif()
    exif[0x010F] = "Ponsel Contoh"
    exif[0x8825] = {1: "N", 2: (3.0, 35.0, 12.5), 3: "E", 4: (98.0, 59.0, 1.0)}
    buf = io.BytesIO()
    if fmt == "jpg":
        im.save(buf, "JPEG", quality=85, exif=exif.tobytes())
    else:
        im.save(buf, "PNG", compress_level=1, exif=exif.tobytes())
    return buf.getvalue()


def generate(root: Path, rows: int, fmt: str = "jpg") -> tuple[Path, Path]:
    content = root / "content"
    for sub in ("artisans", "products", "media"):
        (content / sub).mkdir(parents=True)
    (content / "crafts.yaml").write_text(CRAFTS, encoding="utf-8")
    shutil.copy2(REPO / "content" / "region.yaml", content / "region.yaml")  # the kecamatan the rows name
    photos = root / "foto"
    photos.mkdir()
    base = base_photo()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pengrajin"
    ws.append(["Nama", "Kecamatan", "Desa", "WhatsApp", "Kerajinan", "Izin foto"])
    for a in range(50):
        ws.append([f"Pengrajin {a}", KECAMATAN[a % 5], f"Desa {a}", 81200000000 + a, "Anyaman Purun", "ya"])
    ws = wb.create_sheet("Produk")
    ws.append(["DAFTAR PRODUK"])
    ws.append([])
    ws.append(["Nama", "Pengrajin", "Kerajinan", "Harga", "Foto", "Bahan", "Ukuran", "Warna", "Cerita",
               "Ketersediaan"])
    for i in range(rows):
        names = [f"IMG_{i:04d}_{k}.{fmt}" for k in range(3)]
        for k, name in enumerate(names):
            (photos / name).write_bytes(unique_photo(base, i * 3 + k, fmt))
        ws.append([f"Tas Purun Nomor {i}", f"Pengrajin {i % 50}", "Anyaman Purun", f"Rp {150 + i % 90}.000,-",
                   ", ".join(names), "purun, pewarna alami", "35 x 28 x 12 cm", "coklat, krem",
                   f"Tas anyaman purun nomor {i}, dianyam tangan oleh kelompok pengrajin di Serdang Bedagai.",
                   "tersedia" if i % 3 else "sesuai pesanan"])
    source = root / "produk.xlsx"
    wb.save(source)
    return source, photos


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--png", action="store_true", help="PNG photos: every one decoded and re-encoded")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source, photos = generate(root, args.rows, "png" if args.png else "jpg")
        content, state = root / "content", root / "state"
        t_dry, plan = timed(lambda: plan_import(content, state, source, photos=photos))
        assert not plan.errors, plan.errors[:3]
        t_apply, applied = timed(lambda: apply(plan_import(content, state, source, photos=photos), state))
        assert not applied.problems, applied.problems[:3]
        checks = [timed(lambda: load_catalog(content)) for _ in range(3)]  # the reference: their median,
        t_check, cat = sorted(checks, key=lambda c: c[0])[1]  # a shared machine's one slow moment is not it
        assert len(cat.products) == args.rows and not cat.errors, cat.errors[:3]
        t_dry2, again = timed(lambda: plan_import(content, state, source, photos=photos))
        t_apply2, applied2 = timed(lambda: apply(plan_import(content, state, source, photos=photos), state))
        assert applied2.written == [] and all(e.status == "unchanged" for e in again.products)
    print(f"{args.rows} rows, {args.rows * 3} {'PNG' if args.png else 'JPEG'} photos")
    print(f"check of the imported catalogue: {t_check:7.2f} s  (reference, the median of 3)")
    print(f"dry run (first import):          {t_dry:7.2f} s  = {t_dry / t_check:5.2f}x check (target <= 2x)")
    print(f"apply (first import):            {t_apply:7.2f} s  = {t_apply / t_check:5.2f}x check (target <= 10x)")
    print(f"dry run again (all unchanged):   {t_dry2:7.2f} s  = {t_dry2 / t_check:5.2f}x check")
    print(f"apply again (writes nothing):    {t_apply2:7.2f} s  = {t_apply2 / t_check:5.2f}x check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
