"""How big one render job is when pickled (what a process pool or a hub sends a worker), and what
making its inputs costs, at the sample's 13 products and at a synthetic 1,000.

The reference is what a job carried before RenderInputs: the whole Project and Catalog (measured
here the same way, in the same run). The 1,000-product catalogue is the sample's YAML copied under
new slugs in a temporary folder, photos hard-linked (copied where linking fails).

    .venv/bin/python bench/jobs_bench.py [--products 1000]
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.build.jobs import RenderJob  # noqa: E402
from pipeline.catalog.reader import load_catalog  # noqa: E402
from pipeline.common.project import Project  # noqa: E402
from pipeline.render.inputs import DaySettings, Loader  # noqa: E402


def synthetic(root: Path, count: int) -> Project:
    """The sample project with `count` products: each sample product copied under new slugs."""
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy2(REPO / "schedule.yaml", root / "schedule.yaml")
    content = root / "content"
    shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("media", "products"))
    (content / "media").mkdir()
    for photo in (REPO / "content" / "media").iterdir():
        try:
            os.link(photo, content / "media" / photo.name)
        except OSError:
            shutil.copy2(photo, content / "media" / photo.name)
    sources = sorted((REPO / "content" / "products").glob("*.yaml"))
    (content / "products").mkdir()
    for i in range(count):
        src = sources[i % len(sources)]
        (content / "products" / f"{src.stem}-{i:04d}.yaml").write_bytes(src.read_bytes())
    return Project.at(root)


def measure(project: Project, label: str) -> dict[str, float]:
    catalog = load_catalog(project.content)
    slug = sorted(catalog.products)[0]
    started = time.perf_counter()
    loader = Loader(project, catalog)
    setup = time.perf_counter() - started
    per_day = []
    for _ in range(20):
        started = time.perf_counter()
        inputs = loader.inputs(slug, DaySettings(draft=True))
        inputs.digest()
        per_day.append(time.perf_counter() - started)
    job = RenderJob(inputs, loader.blobs(inputs), Path("out"))
    size = len(pickle.dumps(job))
    before = len(pickle.dumps((project, catalog, catalog.products[slug])))  # what the old RenderJob carried
    print(f"{label}: {len(catalog.products)} products")
    print(f"  pickled job now       {size / 1000:8.1f} kB (inputs {len(pickle.dumps(inputs)) / 1000:.1f} kB, "
          f"blob paths {len(pickle.dumps(job.blobs)) / 1000:.1f} kB)")
    print(f"  project + catalogue   {before / 1000:8.1f} kB (the job before RenderInputs): ratio {size / before:.3f}")
    print(f"  loader (brand, templates, font and music digests) {setup * 1000:7.1f} ms once per build")
    print(f"  inputs + digest per day  median {statistics.median(per_day) * 1000:.2f} ms")
    return {"size": size, "before": before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    args = parser.parse_args()
    small = measure(Project.at(REPO), "sample content/")
    with tempfile.TemporaryDirectory(prefix="etalase-jobs-bench-") as tmp:
        big = measure(synthetic(Path(tmp) / "project", args.products), "synthetic")
    print(f"job size at {args.products} products / at 13: {big['size'] / small['size']:.3f} "
          f"(before: {big['before'] / small['before']:.1f})")


if __name__ == "__main__":
    main()
