"""Time cover + 5 slides for every sample product at 1080x1920 (target: <= 300 ms per image).

Per product: the cover, photo slides (cycling through its photos) and the details card, six
images in all, each rendered and JPEG-encoded in memory. The reference, measured in the same
run on the same photos, is the floor any renderer pays: decode the photo in full, scale it to
1080x1920 and encode a JPEG, with no text, layers or checks.

Uses content/ when it has valid products; otherwise a generated catalogue of phone-size photos
(3000x4000, like a 12 MP phone camera), so decoding costs what it does in real use.

    .venv/bin/python bench/images_bench.py [--content DIR] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.catalog.reader import load_catalog  # noqa: E402
from pipeline.common.project import PACKAGED_TEMPLATES, Project  # noqa: E402
from pipeline.render import photo as photo_cache  # noqa: E402
from pipeline.render.brand import load_brand  # noqa: E402
from pipeline.render.context import post_context  # noqa: E402
from pipeline.render.draw import render  # noqa: E402
from pipeline.render.images import LAYOUTS, jpeg_bytes  # noqa: E402
from pipeline.render.layout import load_layout  # noqa: E402

SIZE = (1080, 1920)
SLIDES = 5
TARGET_MS = 300


def generated_content(root: Path) -> Path:
    """Four products with three phone-size photos each, drawn by tools/make_photos.py."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    from make_photos import draw_photo

    content = root / "content"
    for sub in ("artisans", "products", "media"):
        (content / sub).mkdir(parents=True)
    (content / "crafts.yaml").write_text(
        "crafts:\n  - slug: anyaman-purun\n    name: Anyaman Purun\n    hashtags: ['#AnyamanPurun']\n"
        "  - slug: batik\n    name: Batik Sergai\n    color: '#1F4E5F'\n")
    (content / "artisans/ani.yaml").write_text(
        "name: Kelompok Ani\nkecamatan: Tanjung Beringin\ncrafts: [anyaman-purun, batik]\n"
        "whatsapp: '+62 812-0000-0001'\nphoto_consent: true\n")
    names = ["Tas Anyaman Purun Motif Pucuk Rebung Ukuran Besar dengan Tali Kulit Asli", "Dompet Purun",
             "Kain Batik Daun Tembakau", "Selendang Batik 'Ombak'"]
    for n, name in enumerate(names):
        kind, craft = ("purun", "anyaman-purun") if n < 2 else ("batik", "batik")
        files = []
        for v in range(3):
            file = f"p{n}-{v}.jpg"
            size = (1440, 1920) if v != 2 else (1920, 1440)  # one landscape photo each
            im = draw_photo(kind, v, size, seed=n).resize((3000, 4000) if v != 2 else (4000, 3000))
            im.save(content / "media" / file, quality=85)
            files.append(file)
        (content / f"products/p{n}.yaml").write_text(
            f"name: \"{name}\"\nartisan: ani\ncraft: {craft}\nprice: {95000 + n * 40000}\n"
            "materials: [purun, pewarna alami]\nsize: 35 x 28 cm\nphotos: [" + ", ".join(files) + "]\n")
    return content


def reference_ms(paths: list[Path]) -> tuple[float, float]:
    """Decode in full, scale to 1080x1920, encode: the floor for one image (wall, CPU)."""
    times = []
    for path in paths:
        t, c = time.perf_counter(), time.process_time()
        with Image.open(path) as im:
            im = im.convert("RGB").resize(SIZE, Image.Resampling.BILINEAR)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=90)
        times.append(((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000))
    return statistics.median(w for w, _ in times), statistics.median(c for _, c in times)


def product_images_ms(project: Project, catalog, product, brand, layouts) -> list[float]:
    ctx = post_context(product, catalog, brand)
    plan = [("cover", product.hero)]
    plan += [("photo", product.photos[(i + 1) % len(product.photos)]) for i in range(SLIDES - 1)]
    plan += [("details", None)]
    times = []
    for role, photo in plan:
        t, c = time.perf_counter(), time.process_time()
        jpeg_bytes(render(layouts[role], ctx, photo=photo, size=SIZE).image, brand.jpeg_quality)
        times.append(((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000))
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--content", type=Path, default=Path(__file__).resolve().parent.parent / "content")
    ap.add_argument("--runs", type=int, default=3, help="repeat the whole set; medians are reported")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        content = args.content
        catalog = load_catalog(content)
        if len(catalog.products) < 2:
            content = generated_content(Path(tmp))
            catalog = load_catalog(content)
            print(f"fewer than 2 valid products in {args.content}: using {len(catalog.products)} generated "
                  "products with 3000x4000 photos")
        project = Project.at(root=content.parent, content=content, templates=PACKAGED_TEMPLATES)
        brand = load_brand(project)
        layouts = {role: load_layout(project, name, brand) for role, name in LAYOUTS.items()}
        products = sorted(catalog.products.values(), key=lambda p: p.slug)
        per_image: list[tuple[float, float]] = []
        covers: list[tuple[float, float]] = []
        for _ in range(args.runs):
            photo_cache._CACHE.clear()  # every run decodes again, as a fresh build would
            for product in products:
                times = product_images_ms(project, catalog, product, brand, layouts)
                per_image += times
                covers.append(times[0])
        photos = sorted({p.path for product in products for p in product.photos})
        ref_wall, ref_cpu = reference_ms(photos[:24])
    wall = sorted(w for w, _ in per_image)
    cpu = sorted(c for _, c in per_image)
    print(f"{len(products)} products x {SLIDES + 1} images x {args.runs} runs at {SIZE[0]}x{SIZE[1]}")
    print(f"per image, wall: median {statistics.median(wall):6.1f} ms  p90 {wall[int(len(wall) * 0.9)]:6.1f} ms"
          f"  max {wall[-1]:6.1f} ms")
    print(f"per image, CPU:  median {statistics.median(cpu):6.1f} ms  p90 {cpu[int(len(cpu) * 0.9)]:6.1f} ms"
          f"  max {cpu[-1]:6.1f} ms")
    print(f"cover (cold decode of the hero), wall: median {statistics.median(w for w, _ in covers):6.1f} ms")
    print(f"reference (full decode + scale + encode, no layers): wall {ref_wall:6.1f} ms, CPU {ref_cpu:6.1f} ms")
    print(f"ratio per image / reference: wall {statistics.median(wall) / ref_wall:.2f}, "
          f"CPU {statistics.median(cpu) / ref_cpu:.2f}")
    p90 = wall[int(len(wall) * 0.9)]
    print(f"target {TARGET_MS} ms per image (wall p90 {p90:.0f} ms): {'met' if p90 <= TARGET_MS else 'NOT met'}"
          " (other work on the machine inflates wall time; CPU time shows the renderer's own cost)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
