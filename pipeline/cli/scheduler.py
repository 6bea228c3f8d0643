"""`etalase scheduler`: prepare the coming days every morning, catching up after downtime."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.build import scheduler as SCH
from pipeline.build.orchestrate import Options
from pipeline.cli.common import project
from pipeline.plan.schedule import load_settings

ORDER = 40


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scheduler", help="run the daily build at prepare_at (schedule.yaml) until stopped",
                       description="Build the horizon every day at prepare_at in the configured time zone. On start, "
                                   "builds at once if a scheduled run was missed while the machine was off. Logs to "
                                   "STATE/logs/scheduler.log and the console. Ctrl-C or SIGTERM stops after the "
                                   "current day; a second Ctrl-C stops at once (no half-made folder either way).")
    p.add_argument("--draft", action="store_true", help="small, fast videos (for trying the scheduler out)")
    p.add_argument("--no-catch-up", dest="catch_up", action="store_false",
                   help="do not build at start, even when a run was missed")
    p.add_argument("--log", metavar="FILE", help="log file (default: STATE/logs/scheduler.log)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    proj = project(args)
    settings = load_settings(proj.schedule, "schedule.yaml")
    path = SCH.configure_logging(Path(args.log) if args.log else proj.state / "logs" / "scheduler.log", settings)
    print(f"Logging to {path}. Stop with Ctrl-C.", flush=True)
    return SCH.run_forever(proj, Options(draft=args.draft), catch_up=args.catch_up)
