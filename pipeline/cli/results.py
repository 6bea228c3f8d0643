"""`etalase results add|import|list`: what posts did per channel, typed in or from a platform's export."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from pipeline.cli.plan import context, parse_day, resolve
from pipeline.common.errors import Problem
from pipeline.plan import admin as P
from pipeline.results import imports as I
from pipeline.results.monthly import BadMonth, month_days, parse_month
from pipeline.results.numbers import format_count
from pipeline.results.readings import COUNTS, readings
from pipeline.results.record import reading_from_text, record

ORDER = 36
HEADERS = {"views": "VIEWS", "likes": "LIKES", "comments": "COMMENTS", "shares": "SHARES", "saves": "SAVES",
           "followers": "FOLLOWERS"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("results", help="post results per channel: add a reading, import an analytics export, list",
                       description="Readings of what each post did (views, likes, comments, shares, saves, followers "
                                   "gained) per channel, with the day they were read. Several readings of one post "
                                   "are kept (day 1, day 7); the latest counts. Numbers may be written the "
                                   "Indonesian way: 12.345, 1,2rb, 3,4jt (also 12,345, 1.2K, 3M).")
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
    ps = p.add_subparsers(dest="results_command", metavar="ACTION")

    a = ps.add_parser("add", help="store one reading of DAY's post on a channel",
                      description="Store one reading of DAY's post (it must be marked posted) on --channel.")
    a.add_argument("day", type=parse_day, metavar="DAY", help="the post's day: YYYY-MM-DD, today or tomorrow")
    a.add_argument("--channel", required=True, help="tiktok, instagram, facebook, youtube or whatsapp")
    for name in COUNTS:
        gained = " gained (may be negative)" if name == "followers" else ""
        a.add_argument(f"--{name}", metavar="N", help=f"{name}{gained}: 12.345, 1,2rb, 3,4jt, ...")
    a.add_argument("--read-on", type=parse_day, metavar="DATE", help="the day the numbers were read (default: today)")
    a.add_argument("--as", dest="actor", metavar="NAME", help="record it as this admin or curator "
                                                              "(default: $ETALASE_USER, else your login)")
    a.set_defaults(func=run_add)

    i = ps.add_parser("import", help="readings from a platform's analytics export (.csv/.xlsx); a dry run unless "
                                     "--apply",
                      description="Read TikTok Studio, Instagram or Facebook exports (or any sheet with headers such "
                                  "as Video link/Tautan, Post time/Tanggal, Video views/Tayangan, Likes/Suka, "
                                  "Comments/Komentar, Shares/Dibagikan). Each row is matched to a post by its link, "
                                  "else by its post date; rows that match no post are listed with their row number.")
    i.add_argument("files", nargs="+", metavar="FILE", help="the export: .csv or .xlsx (several: each on its own)")
    i.add_argument("--channel", help="the channel every row is from, when the file has no Channel column")
    i.add_argument("--read-on", type=parse_day, metavar="DATE",
                   help="the day the numbers were read, when the file has no column for it (default: today)")
    i.add_argument("--apply", action="store_true", help="store the readings (default: only report them)")
    i.add_argument("--as", dest="actor", metavar="NAME", help="record them as this admin or curator")
    i.set_defaults(func=run_import)

    ls = ps.add_parser("list", help="every reading, oldest post first", description="Every stored reading.")
    ls.add_argument("--month", type=month, metavar="YYYY-MM", help="only posts of this month, e.g. 2026-12")
    ls.set_defaults(func=run_list)


def month(value: str) -> tuple[dt.date, dt.date]:
    """--month YYYY-MM: its first and last day."""
    try:
        return month_days(parse_month(value))
    except BadMonth as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run_add(args: argparse.Namespace) -> int:
    with context(args) as ctx:
        day = resolve(args.day, ctx.today)
        read_on = resolve(args.read_on, ctx.today) or ctx.today
        values = {name: getattr(args, name) for name in COUNTS}
        reading = reading_from_text(day, args.channel, read_on, values, source="cli")
        record(ctx, reading, P.actor(ctx.conn, args.actor))
    shown = ", ".join(f"{name} {format_count(v)}" for name, v in reading.counts().items() if v is not None)
    print(f"{day} {reading.channel} read on {read_on}: {shown}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    failed = False
    with context(args) as ctx:
        read_on = resolve(args.read_on, ctx.today) or ctx.today
        who = P.actor(ctx.conn, args.actor) if args.apply else ""
        for file in args.files:
            plan = I.plan_import(ctx.conn, Path(file), read_on=read_on, today=ctx.today, channel=args.channel,
                                 zone=ctx.settings.zone)
            for p in plan.problems + plan.unmatched:
                _print_problem(p)
            stored = len(plan.matched) - len(plan.new)
            print(f"{plan.file}: {len(plan.new)} new reading(s), {stored} already stored, "
                  f"{len(plan.unmatched)} row(s) matching no post, {len(plan.problems)} problem(s)")
            for m in plan.new:
                counts = ", ".join(f"{k} {format_count(v)}" for k, v in m.reading.counts().items() if v is not None)
                print(f"  row {m.row}: {m.reading.day} {m.reading.channel} (by {m.how}): {counts}")
            if args.apply:
                written = I.apply_import(ctx.conn, plan, actor=who, now=ctx.now())
                print(f"  stored: {written} reading(s)")
            failed = failed or any(p.is_error for p in plan.problems)
        if not args.apply:
            print("dry run: nothing stored; run again with --apply to store the new readings")
    return 1 if failed else 0


def run_list(args: argparse.Namespace) -> int:
    since, until = args.month or (None, None)
    with context(args) as ctx:
        rows = readings(ctx.conn, since=since, until=until)
    if not rows:
        print("no results stored" + (f" for posts of {since:%Y-%m}" if since else ""))
        return 0
    table = [("DAY", "CHANNEL", "READ ON", *HEADERS.values(), "SOURCE")]
    for r in rows:
        table.append((r.day.isoformat(), r.channel, r.read_on.isoformat(),
                      *(format_count(v) for v in r.counts().values()), r.source))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(c.rjust(w) if 3 <= i < 9 else c.ljust(w) for i, (c, w) in
                        enumerate(zip(row, widths, strict=True))).rstrip())
    return 0


def _print_problem(p: Problem) -> None:
    print(f"{'error' if p.is_error else 'warning'}: {p}", file=sys.stderr)
