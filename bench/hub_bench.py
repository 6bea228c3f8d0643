"""The hub: N councils x D days on a dask.distributed LocalCluster (2 workers, 127.0.0.1) against the
same jobs run one after another in one process, in the same run.

Each council is a copy of the sample project with its own brand colour, every sample product approved
by the demo's curator. Printed: wall ratio (cluster / sequential), CPU seconds per second of video
(each side's own processes and their ffmpeg children), peak RSS per worker (Python + ffmpeg), the
cache hit rate of a second cluster run after one council's brand changed and every day folder was
removed, so each day asks the render cache (target: only that council's D jobs re-render), and the
pickled size of one job (inputs only, and shipped with its blobs' bytes).

    .venv/bin/python bench/hub_bench.py [--councils 20] [--days 7] [--draft] [--keep DIR]

20 x 7 full-size days is 140 videos a side: about 80 minutes on a 2-core machine for both sides
together; `--councils 2 --days 2` gives the same ratios in minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pickle
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.build import orchestrate as B  # noqa: E402
from pipeline.build.demo import approve_samples  # noqa: E402
from pipeline.build.jobs import ShippedJob  # noqa: E402
from pipeline.cli.common import day_count  # noqa: E402
from pipeline.common.clock import FixedClock  # noqa: E402
from pipeline.export import folders as X  # noqa: E402
from pipeline.hub.councils import find_councils, open_council  # noqa: E402
from pipeline.hub.engine import executor_for  # noqa: E402
from pipeline.hub.run import HubReport, build_councils  # noqa: E402
from pipeline.plan.admin import open_context, plan_days  # noqa: E402
from pipeline.render.inputs import DaySettings, Loader  # noqa: E402

CLOCK = FixedClock(dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC))  # 05:00 WIB on 1 December 2026


def make_councils(folder: Path, n: int) -> list[Path]:
    for i in range(n):
        root = folder / f"council-{i:03d}"
        root.mkdir(parents=True)
        for name in ("content", "templates"):
            shutil.copytree(REPO / name, root / name)
        shutil.copy2(REPO / "schedule.yaml", root / "schedule.yaml")
        brand = root / "templates" / "brand.yaml"
        text = brand.read_text(encoding="utf-8")
        colour = f'"#{(0x40 + 7 * i) % 256:02X}{(0x30 + 13 * i) % 256:02X}{(0x20 + 29 * i) % 256:02X}"'
        lines = [(f"  primary: {colour}" if line.strip().startswith("primary:") else line) for line in text.split("\n")]
        brand.write_text("\n".join(lines), encoding="utf-8")
        approve_samples(open_council(root), clock=CLOCK)
    return find_councils(folder)


def cpu_self_children() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def worker_usage() -> dict:
    """Run on each worker: its own CPU and peak RSS, and those of the ffmpeg children it waited for."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cpu": s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime, "rss": s.ru_maxrss * 1024,
            "child_rss": c.ru_maxrss * 1024}


def video_seconds(roots: list[Path]) -> float:
    import json

    total = 0.0
    for root in roots:
        for post in (root / "exports").glob("*/post.json"):
            total += json.loads(post.read_text(encoding="utf-8")).get("video", {}).get("duration", 0)
    return total


def job_sizes(root: Path) -> tuple[int, int]:
    project = open_council(root)
    ctx = open_context(project, CLOCK)
    slot = next(s for s in plan_days(ctx, [CLOCK.now().date() + dt.timedelta(days=1)]) if s.product)
    loader = Loader(project, ctx.catalog)
    inputs = loader.inputs(slot.product, DaySettings.of(slot, draft=False, timezone=ctx.settings.timezone))
    ctx.conn.close()
    return len(pickle.dumps(inputs)), len(pickle.dumps(ShippedJob.of(inputs, loader.blobs(inputs))))


def summary(report: HubReport) -> str:
    return (f"{report.count(B.BUILT)} built, {report.count(B.UNCHANGED)} unchanged, "
            f"{report.count(B.FAILED)} failed, renders {sum(c.report.renders for c in report.councils if c.report)}")


def second_run(roots: list[Path], changed: Path, options: B.Options, executor) -> str:
    """One council's brand colour changed, every council's day folders removed (so each day asks the
    render cache instead of being skipped as unchanged), then the hub again: what re-rendered, what
    the cache served. Target: only `changed`'s days render."""
    brand = changed / "templates" / "brand.yaml"
    lines = [("  primary: \"#101010\"" if line.strip().startswith("primary:") else line)
             for line in brand.read_text(encoding="utf-8").split("\n")]
    brand.write_text("\n".join(lines), encoding="utf-8")
    for root in roots:
        for day in X.day_folders(root / "exports"):
            shutil.rmtree(root / "exports" / day.isoformat())
    second = build_councils(roots, options, executor, clock=CLOCK)
    assert second.ok, [(c.name, c.error) for c in second.councils if not c.ok]
    renders = {c.name: c.report.renders for c in second.councils}
    hits = sum(c.report.cache_hits for c in second.councils)
    return (f"second run after {changed.name}'s brand change, every day folder removed: {summary(second)}; "
            "re-rendered per council: " + (", ".join(f"{k}={v}" for k, v in renders.items() if v) or "none")
            + f"; cache hits {hits}, hit rate {hits / max(1, hits + sum(renders.values())):.3f} "
            f"(target: only {changed.name}'s {options.days} jobs render)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=20)
    parser.add_argument("--days", type=day_count, default=7)
    parser.add_argument("--draft", action="store_true", help="540x960 draft videos (a quick look, not the figure)")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args(argv)
    from distributed import LocalCluster

    root = Path(args.keep or tempfile.mkdtemp(prefix="etalase-hub-bench-"))
    try:
        seq_roots = make_councils(root / "sequential", args.councils)
        hub_roots = make_councils(root / "hub", args.councils)
        inputs_size, shipped_size = job_sizes(seq_roots[0])
        options = B.Options(days=args.days, draft=args.draft)

        cpu0, t0 = cpu_self_children(), time.perf_counter()
        for r in seq_roots:  # one process, one day after another: the reference
            rep = B.build(open_council(r), options, clock=CLOCK)
            assert rep.ok, [d.message for d in rep.failed]
        seq_wall, seq_cpu = time.perf_counter() - t0, cpu_self_children() - cpu0
        seq_video = video_seconds(seq_roots)
        print(f"sequential: {seq_wall:.1f} s wall, {seq_cpu:.1f} s CPU, {seq_video:.1f} s of video", flush=True)

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address="127.0.0.1:0", worker_dashboard_address=None) as cluster:
            with executor_for(cluster.scheduler_address) as executor:
                client = executor._client
                before = client.run(worker_usage)
                hub_cpu0, t0 = cpu_self_children(), time.perf_counter()
                first = build_councils(find_councils(root / "hub"), B.Options(days=args.days, draft=args.draft,
                                                                           ship_blobs=True), executor, clock=CLOCK)
                hub_wall = time.perf_counter() - t0
                after = client.run(worker_usage)
                hub_cpu = (cpu_self_children() - hub_cpu0) + sum(after[w]["cpu"] - before[w]["cpu"] for w in after)
                assert first.ok, [(c.name, c.error) for c in first.councils if not c.ok]
                print(f"cluster, first run: {hub_wall:.1f} s wall, {hub_cpu:.1f} s CPU (hub + workers); "
                      + summary(first), flush=True)
                hub_video = video_seconds(hub_roots)
                print(second_run(hub_roots, hub_roots[0], B.Options(days=args.days, draft=args.draft,
                                                                    ship_blobs=True), executor), flush=True)
        print(f"wall ratio cluster / sequential: {hub_wall / seq_wall:.3f}")
        print(f"CPU seconds per second of video: sequential {seq_cpu / seq_video:.2f}, cluster "
              f"{hub_cpu / hub_video:.2f}")
        for w, u in after.items():
            print(f"worker {w}: peak RSS {u['rss'] / 1e6:.0f} MB (Python) + {u['child_rss'] / 1e6:.0f} MB "
                  f"(largest ffmpeg)")
        print(f"pickled job: inputs {inputs_size / 1000:.1f} kB; shipped with blob bytes {shipped_size / 1e6:.2f} MB")
        per_day = hub_cpu / max(1, first.count(B.BUILT))  # CPU seconds of one day on the cluster
        print(f"on paper: 514 councils x 7 days = {514 * 7} days x {per_day:.1f} CPU s = "
              f"{514 * 7 * per_day / 3600:.1f} core-hours (sequential rate: "
              f"{514 * 7 * seq_cpu / max(1, first.count(B.BUILT)) / 3600:.1f})")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("ETALASE_NOW", CLOCK.now().isoformat())
    sys.exit(main())
