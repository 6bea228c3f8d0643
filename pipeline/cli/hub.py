"""`etalase hub build`: every council project under a folder, in one run, on a process pool or Dask."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.build import orchestrate as B
from pipeline.cli.build import line
from pipeline.cli.cache import size_arg
from pipeline.cli.common import day_count
from pipeline.hub.councils import find_councils, hub_state
from pipeline.hub.engine import executor_for
from pipeline.hub.run import STATUSES, HubReport, build_councils

ORDER = 80


def register(sub: argparse._SubParsersAction) -> None:
    hub = sub.add_parser("hub", help="build many councils' projects in one run (a national hub)",
                         description="Commands for a hub that serves many councils, each a project folder "
                                     "with its own content, templates, schedule and state.")
    hsub = hub.add_subparsers(dest="hub_command", metavar="COMMAND")
    b = hsub.add_parser("build", help="build every council under COUNCILS_DIR",
                        description="Build the coming days of every council project under COUNCILS_DIR (each "
                                    "subfolder with a content/ folder). Render jobs run on a local process pool, "
                                    "or on a dask.distributed cluster with --scheduler (pip install "
                                    "'etalase[hub]'). One council's failure never stops the others; a summary "
                                    "table follows, and the command exits 1 if any council or day failed.")
    b.add_argument("councils", type=Path, metavar="COUNCILS_DIR")
    b.add_argument("--days", type=day_count, metavar="N", help="how many days from today (default: each council's "
                                                          "horizon_days)")
    b.add_argument("--draft", action="store_true", help="small, fast videos (540x960)")
    b.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://127.0.0.1:8786 "
                                                          "(default: a local process pool)")
    b.add_argument("--workers", type=int, default=2, metavar="N", help="local pool size without --scheduler "
                                                                        "(default 2)")
    b.add_argument("--parallel", type=int, default=4, metavar="N",
                   help="councils planned and published at once on the hub (default 4)")
    b.add_argument("--cache-size", type=size_arg, metavar="SIZE",
                   help="the size the hub's shared render cache (COUNCILS_DIR/.etalase-hub/) is trimmed to "
                        "after the run, never removing this run's renders, e.g. 20 GB (default: 2 GB per "
                        "council)")
    b.set_defaults(func=run_hub_build)
    hub.set_defaults(func=lambda args: (hub.print_help(), 2)[1])


def progress(name: str, event: str, data) -> None:
    if event == "start":
        days, to_render = data
        print(f"[{name}] {len(days)} day(s), {to_render} to render", file=sys.stderr, flush=True)
    elif event == "day":
        print(f"[{name}] {line(data)}", file=sys.stderr, flush=True)
    elif event == "done" and data.error:
        print(f"[{name}] error: {data.error.strip().splitlines()[0]}", file=sys.stderr, flush=True)


def table(report: HubReport) -> str:
    """Per council: its days by status, then how many renders ran and how many the render cache served."""
    heads = ["council", *STATUSES, "renders", "cache_hits", "result"]

    def work(c) -> list[str]:
        return [str(c.report.renders), str(c.report.cache_hits)] if c.report else ["0", "0"]

    rows = [[c.name, *(str(c.count(s)) for s in STATUSES), *work(c),
             "ok" if c.ok else ("ERROR: " + c.error.strip().splitlines()[0] if c.error else "FAILED days")]
            for c in report.councils]
    totals = [str(sum(int(r[i]) for r in rows)) for i in (len(STATUSES) + 1, len(STATUSES) + 2)]
    rows.append(["total", *(str(report.count(s)) for s in STATUSES), *totals, "ok" if report.ok else "not ok"])
    widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(len(heads) - 1)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    return "\n".join(fmt.format(*r) for r in [heads, *rows])


def run_hub_build(args: argparse.Namespace) -> int:
    roots = find_councils(args.councils)
    # a Dask cluster's workers may be other machines: they get blob bytes and send file bytes back
    options = B.Options(days=args.days, draft=args.draft, ship_blobs=bool(args.scheduler))
    with executor_for(args.scheduler, args.workers) as executor:
        report = build_councils(roots, options, executor, tell=progress, parallel=args.parallel,
                                state=hub_state(args.councils), cache_size=args.cache_size)
    print(table(report))
    return 0 if report.ok else 1
