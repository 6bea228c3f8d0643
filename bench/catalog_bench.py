"""Time `etalase check` over 1,000 generated products.

Each product gets its own hero photo file (a distinct JPEG: same pixels, a unique comment
segment, so it is hashed and probed for real) plus two hard-linked shared photos, as the issue
allows. The reference is reading every file's bytes once in the same run: the I/O floor.

    .venv/bin/python bench/catalog_bench.py [--products 1000]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.catalog.reader import load_catalog  # noqa: E402

CRAFTS = """crafts:
  - slug: anyaman-purun
    name: Anyaman Purun
    hashtags: ["#AnyamanPurun"]
  - slug: tenun
    name: Tenun Sergai
"""


def base_jpeg() -> bytes:
    im = Image.new("RGB", (1440, 1920), (230, 220, 200))
    d = ImageDraw.Draw(im)
    for x in range(0, 1440, 24):
        d.rectangle([x, 200, x + 12, 1700], fill=(150, 110, 60))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def unique_jpeg(base: bytes, n: int) -> bytes:
    comment = f"etalase bench photo {n}".encode()
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return base[:2] + segment + base[2:]


def generate(root: Path, count: int) -> None:
    content = root / "content"
    for sub in ("artisans", "products", "media"):
        (content / sub).mkdir(parents=True)
    (content / "crafts.yaml").write_text(CRAFTS)
    for a in range(50):
        (content / f"artisans/a{a}.yaml").write_text(
            f"name: Pengrajin {a}\nkecamatan: Sei Rampah\ncrafts: [anyaman-purun, tenun]\nphoto_consent: true\n")
    base = base_jpeg()
    (content / "media/shared-1.jpg").write_bytes(base)
    (content / "media/shared-2.jpg").write_bytes(unique_jpeg(base, -1))
    for i in range(count):
        (content / f"media/hero-{i}.jpg").write_bytes(unique_jpeg(base, i))
        for k in (1, 2):
            os.link(content / f"media/shared-{k}.jpg", content / f"media/p{i}-{k}.jpg")
        (content / f"products/produk-{i}.yaml").write_text(
            f"name: Produk Anyaman Nomor {i}\nartisan: a{i % 50}\ncraft: anyaman-purun\nprice: \"Rp 150.000\"\n"
            f"photos:\n  - file: hero-{i}.jpg\n    focus: [0.5, 0.4]\n  - p{i}-1.jpg\n  - p{i}-2.jpg\n"
            "materials: [purun]\nstory: >-\n  Dianyam tangan oleh kelompok pengrajin.\ntags: [tas]\n")


def read_all(content: Path) -> int:
    total = 0
    for path in content.rglob("*"):
        if path.is_file():
            total += len(path.read_bytes())
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.products)
        checks, floors = [], []
        for _ in range(args.runs):
            t = time.perf_counter()
            read_all(root / "content")
            floors.append(time.perf_counter() - t)
            t = time.perf_counter()
            cat = load_catalog(root / "content")
            checks.append(time.perf_counter() - t)
        assert len(cat.products) == args.products, cat.problems[:3]
        check, floor = statistics.median(checks), statistics.median(floors)
        print(f"check of {args.products} products: median {check:.2f} s over {args.runs} runs "
              f"(target <= 3 s); reading every byte once: {floor:.2f} s; ratio {check / floor:.2f}")


if __name__ == "__main__":
    main()
