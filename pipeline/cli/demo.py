"""`etalase demo`: the sample catalogue approved by a sample curator and a week of posts built from it."""

from __future__ import annotations

import argparse
import sys

from pipeline.build.demo import CURATOR, run_demo
from pipeline.build.orchestrate import Options
from pipeline.cli.build import finish, reporter
from pipeline.cli.common import day_count, project

ORDER = 5


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="approve the sample products as a sample curator and build a week of posts",
                       description=f"For the bundled sample catalogue: approve every product nobody reviewed yet as "
                                   f"the sample curator `{CURATOR}` (created if missing), then build the coming days "
                                   "into exports/ and print where to look. Decisions a real curator made are kept.")
    p.add_argument("--days", type=day_count, default=7, metavar="N", help="how many days from today (default 7)")
    p.add_argument("--draft", action="store_true", help="small, fast videos")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    proj = project(args)
    rep = reporter()
    try:
        result = run_demo(proj, Options(days=args.days, draft=args.draft,
                                        video_progress=sys.stderr.isatty()), reporter=rep)
    finally:
        close = getattr(rep, "close", None)
        if close:
            close()
    print(f"Approved {len(result.approved)} sample product(s) as {CURATOR}"
          + (f"; {len(result.already)} were approved already" if result.already else "")
          + (f"; left alone: {', '.join(f'{k} ({v})' for k, v in sorted(result.left.items()))}" if result.left else "")
          + ".")
    code = finish(result.report, proj.exports)
    print("Open the week overview in a browser; each day's checklist.html says what to upload and when.")
    return code
