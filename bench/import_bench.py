"""Time `etalase import` of a 1,000-row spreadsheet with 3 photos per row, against `etalase check` of the
catalogue it produces, in the same run.

Targets (issue 16): a dry run at most 2x that check, an apply at most 10x. The photos are distinct files
(same pixels, a unique JPEG comment) so each is hashed, probed and re-encoded for real. Also timed: the
dry run and apply of the same file again, which must write nothing.

    .venv/bin/python bench/import_bench.py [--rows 1000]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.catalog.importer.apply import apply  # noqa: E402
from pipeline.catalog.importer.plan import plan_import  # noqa: E402
from pipeline.catalog.reader import load_catalog  # noqa: E402

CRAFTS = "crafts:\n  - slug: anyaman-purun\n    name: Anyaman Purun\n  - slug: tenun\n    name: Tenun Sergai\n"
KECAMATAN = ("Sei Rampah", "Perbaungan", "Pantai Cermin", "Tanjung Beringin", "Dolok Masihul")


def base_jpeg() -> bytes:
    im = Image.new("RGB", (1080, 1440), (230, 220, 200))
    d = ImageDraw.Draw(im)
    for x in range(0, 1080, 24):
        d.rectangle([x, 150, x + 12, 1300], fill=(150, 110, 60))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def unique_jpeg(base: bytes, n: int) -> bytes:
    comment = f"etalase import bench photo {n}".encode()
    return base[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + base[2:]


def generate(root: Path, rows: int) -> tuple[Path, Path]:
    content = root / "content"
    for sub in ("artisans", "products", "media"):
        (content / sub).mkdir(parents=True)
    (content / "crafts.yaml").write_text(CRAFTS, encoding="utf-8")
    photos = root / "foto"
    photos.mkdir()
    base = base_jpeg()
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
        names = [f"IMG_{i:04d}_{k}.jpg" for k in range(3)]
        for k, name in enumerate(names):
            (photos / name).write_bytes(unique_jpeg(base, i * 3 + k))
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source, photos = generate(root, args.rows)
        content, state = root / "content", root / "state"
        t_dry, plan = timed(lambda: plan_import(content, state, source, photos=photos))
        assert not plan.errors, plan.errors[:3]
        t_apply, applied = timed(lambda: apply(plan_import(content, state, source, photos=photos), state))
        assert not applied.problems, applied.problems[:3]
        t_check, cat = timed(lambda: load_catalog(content))
        assert len(cat.products) == args.rows and not cat.errors, cat.errors[:3]
        t_dry2, again = timed(lambda: plan_import(content, state, source, photos=photos))
        t_apply2, applied2 = timed(lambda: apply(plan_import(content, state, source, photos=photos), state))
        assert applied2.written == [] and all(e.status == "unchanged" for e in again.products)
    print(f"{args.rows} rows, {args.rows * 3} photos")
    print(f"check of the imported catalogue: {t_check:7.2f} s  (reference)")
    print(f"dry run (first import):          {t_dry:7.2f} s  = {t_dry / t_check:5.2f}x check (target <= 2x)")
    print(f"apply (first import):            {t_apply:7.2f} s  = {t_apply / t_check:5.2f}x check (target <= 10x)")
    print(f"dry run again (all unchanged):   {t_dry2:7.2f} s  = {t_dry2 / t_check:5.2f}x check")
    print(f"apply again (writes nothing):    {t_apply2:7.2f} s  = {t_apply2 / t_check:5.2f}x check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
