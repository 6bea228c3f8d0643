"""A cold `etalase build --days 7` of the sample catalogue, a warm one, and the ffmpeg reference.

(a) cold: a fresh copy of the sample project (content, templates, schedule.yaml) with every
    sample product approved by the demo's curator, then `etalase build --days 7` in a child
    process (Python start and imports included): seven full-size days, images, captions,
    videos, checks, pages.
(b) warm: the same command again with nothing changed (target <= 2 s).
(r) the reference: bench/video_bench.py's hand-written ffmpeg filtergraph for one 15 s
    1080x1920 product video, run before and after the cold build (their mean), so the
    ratio cold / (7 x reference) sees the same machine load (target <= 1.3).

    .venv/bin/python bench/build_bench.py [--days 7] [--workers 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import video_bench  # noqa: E402

from pipeline.build.demo import approve_samples  # noqa: E402
from pipeline.cli.common import day_count  # noqa: E402
from pipeline.common.project import Project  # noqa: E402


def sample_project(root: Path) -> Project:
    root.mkdir(parents=True)
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "schedule.yaml", root / "schedule.yaml")
    project = Project.at(root)
    approve_samples(project)
    return project


def reference(root: Path) -> dict:
    project = video_bench.make_project(root / "project")
    work = root / "layers"
    work.mkdir(exist_ok=True)
    return video_bench.run(video_bench.reference_command(project, work, root / "ffmpeg.mp4"))


def build(project: Project, days: int, workers: int) -> dict:
    cmd = [sys.executable, "-m", "pipeline", "--root", str(project.root), "build", "--days", str(days),
           "--workers", str(workers)]
    return video_bench.run(cmd)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=day_count, default=7)
    parser.add_argument("--workers", type=int, default=1, help="passed to etalase build")
    parser.add_argument("--keep", type=Path, help="keep the projects and exports here")
    args = parser.parse_args(argv)
    root = Path(args.keep or tempfile.mkdtemp(prefix="etalase-build-bench-"))
    try:
        t = time.perf_counter()
        project = sample_project(root / "sample")
        ref_before = reference(root / "reference")
        print(f"setup {time.perf_counter() - t:.1f} s; ffmpeg reference (15 s video) before: "
              f"{ref_before['wall']:.2f} s wall, {ref_before['cpu']:.1f} s CPU", flush=True)
        cold = build(project, args.days, args.workers)
        print(f"cold build --days {args.days}: {cold['wall']:.1f} s wall, {cold['cpu']:.1f} s CPU, "
              f"peak RSS {cold['rss'] / 1e6:.0f} MB", flush=True)
        ref_after = reference(root / "reference")
        warm = [build(project, args.days, args.workers)["wall"] for _ in range(3)]
        ref = statistics.mean([ref_before["wall"], ref_after["wall"]])
        ref_cpu = statistics.mean([ref_before["cpu"], ref_after["cpu"]])
        posts = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(project.exports.glob("*/post.json"))]
        video_s = sum(p.get("video", {}).get("duration", 0) for p in posts)
        renders = [p["render_seconds"] for p in posts]
        print(f"ffmpeg reference after: {ref_after['wall']:.2f} s wall, {ref_after['cpu']:.1f} s CPU "
              f"(means {ref:.2f} s wall, {ref_cpu:.1f} s CPU)")
        print(f"days exported: {len(posts)}; video made: {video_s:.1f} s in total; render per day: "
              + ", ".join(f"{r:.1f}" for r in renders) + " s")
        print("warm build (nothing changed), 3 runs: " + ", ".join(f"{w:.2f}" for w in warm)
              + f" s; median {statistics.median(warm):.2f} s  (target <= 2 s)")
        print(f"cold / ({args.days} x reference), wall: {cold['wall'] / (args.days * ref):.3f}  (target <= 1.3)")
        print(f"cold / ({args.days} x reference), CPU seconds (less sensitive to other load): "
              f"{cold['cpu'] / (args.days * ref_cpu):.3f}")
        per_video_second = (cold["wall"] / video_s) / (ref / 15) if video_s else float("nan")
        print(f"cold per second of video / reference per second of video: {per_video_second:.3f}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
