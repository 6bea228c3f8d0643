"""`etalase report [YYYY-MM]`: the council's monthly report as a printable HTML page and a PDF."""

from __future__ import annotations

import argparse
import datetime as dt

from pipeline.cli.common import project
from pipeline.plan import admin as P
from pipeline.results import report as R
from pipeline.results.monthly import parse_month

ORDER = 45


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the monthly report for the council (HTML and PDF)",
                       description="Posts made per channel, total and median results, median views by craft, "
                                   "kecamatan, artisan, weekday and posting hour (bar charts with n, beside their "
                                   "tables), the top five posts with their covers, the artisans and kecamatan "
                                   "featured, and products approved and waiting, in Bahasa Indonesia. Written to "
                                   "exports/laporan/YYYY-MM.html and .pdf (the PDF and the charts need the `report` "
                                   "extra: pip install 'etalase[report]').")
    p.add_argument("month", nargs="?", metavar="YYYY-MM", help="the month to report (default: last month)")
    p.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    ctx = P.open_context(project(args))
    try:
        if args.month:
            month = parse_month(args.month)
        else:
            first = ctx.today.replace(day=1)
            month = (first - dt.timedelta(days=1)).replace(day=1)
        written = R.make(ctx, month)
    finally:
        ctx.conn.close()
    print(f"report written: {written.html}")
    if written.pdf:
        print(f"              {written.pdf}")
    else:
        print("no PDF: install the report extra (pip install 'etalase[report]') to get one")
    return 0
