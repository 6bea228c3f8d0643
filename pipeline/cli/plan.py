"""`etalase plan ...`: the coming days as a table, and the admin's picks (swap, pin, skip)."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pipeline.build import changes
from pipeline.build.freshness import InputHashes
from pipeline.cli.common import day_count, project
from pipeline.export.status import FAILED, READY, SKIPPED, day_status
from pipeline.plan import admin as P
from pipeline.plan.planner import BLACKOUT, EXPORTED, POSTED, Slot
from pipeline.plan.planner import SKIPPED as SKIPPED_FLAG
from pipeline.plan.schedule import HARI

ORDER = 30

STATUS = (("posted", "posted"), ("skipped", "skipped"), ("blackout", "blackout"), ("swapped", "swapped"),
          ("pinned", "pinned"))
GO_GLOBAL = " [Go Global]"  # after the reason: the day or its product asks for an English caption


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="show the coming days' posts; swap, pin, skip or mark a day Go Global",
                       description="Without an action: the plan as a table (date, product, artisan, status, and the "
                                   "reason in Bahasa Indonesia). Changes are stored in the state database and kept by "
                                   "every later build.")
    p.add_argument("--days", type=day_count, metavar="N", help="how many days (default: horizon_days in schedule.yaml)")
    p.add_argument("--from", dest="start", type=parse_day, metavar="DATE", help="first day (default: today)")
    p.set_defaults(func=run_show)
    ps = p.add_subparsers(dest="plan_command", metavar="ACTION")

    def action(name: str, help: str, func: Callable, product: bool = False) -> None:
        ap = ps.add_parser(name, help=help, description=help)
        ap.add_argument("date", type=parse_day, metavar="DATE", help="YYYY-MM-DD, today, tomorrow or +N (days ahead)")
        if product:
            ap.add_argument("product", help="the product's slug (its file name in content/products/)")
        ap.add_argument("--as", dest="actor", metavar="NAME",
                        help="record the change as this admin or curator (default: $ETALASE_USER, else your login)")
        ap.set_defaults(func=func)

    action("swap", "give DATE another product (it must be approved)", run_swap, product=True)
    action("pin", "keep DATE's planned product even when new products are approved", run_pin)
    action("unpin", "undo a swap or pin: the planner chooses DATE again", run_unpin)
    action("skip", "no post on DATE", run_skip)
    action("unskip", "post on DATE again", run_unskip)
    action("global", "mark DATE Go Global: its post also gets an English caption (caption-en.txt)", run_global)
    action("unglobal", "undo Go Global for DATE: no English caption unless the product asks for one", run_unglobal)


def parse_day(value: str) -> dt.date | str:
    """YYYY-MM-DD, or a word resolved later against today in the configured zone."""
    v = value.strip().lower()
    if v in ("today", "hari-ini", "tomorrow", "besok") or re.fullmatch(r"\+\d{1,3}", v):
        return v
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{value}` is not a date: use YYYY-MM-DD, today, tomorrow or +N") from None


def resolve(value: dt.date | str | None, today: dt.date) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    if value in ("today", "hari-ini"):
        return today
    if value in ("tomorrow", "besok"):
        return today + dt.timedelta(days=1)
    return today + dt.timedelta(days=int(value[1:]))


@contextmanager
def context(args: argparse.Namespace) -> Iterator[P.Context]:
    ctx = P.open_context(project(args))
    for w in ctx.settings.warnings:
        print(f"warning: {w}", file=sys.stderr)
    try:
        yield ctx
    finally:
        ctx.conn.close()


def status(ctx: P.Context, slot: Slot, hashes: InputHashes | None = None) -> tuple[str, str]:
    """(status word, reason): the plan's own marks first, then the day's build status as the dashboard
    and exports/index.html have it (pipeline/export/status.py); an exported day says why it was chosen."""
    st = day_status(ctx.project.exports, slot.date, slot.product, posted=POSTED in slot.flags, today=ctx.today,
                    no_post=not slot.product or bool(slot.flags & {SKIPPED_FLAG, BLACKOUT}),
                    input_hash=hashes.of(slot) if hashes else None)
    built = st.manifest
    reason = f"{slot.reason} ({built['reason']})" if built and EXPORTED in slot.flags else slot.reason
    if st.warning:
        reason += f" [latest attempt FAILED: see {st.note.file}]"
    if st.stale:
        reason += " [STALE: its inputs changed since the folder was made; run `etalase build`]"
    product = ctx.catalog.products.get(slot.product or "")
    if slot.go_global or (product and product.go_global):
        reason += GO_GLOBAL
    for flag, word in STATUS:
        if flag in slot.flags:
            return word, reason
    if not slot.product:
        return "no post", reason
    return {READY: "exported", FAILED: "FAILED", SKIPPED: "missed"}.get(st.code, "planned"), reason


def table(ctx: P.Context, slots: list[Slot]) -> str:
    rows = [("DATE", "DAY", "PRODUCT", "ARTISAN", "STATUS", "REASON")]
    hashes = InputHashes(ctx)  # stale days, by the digest the build compares
    for s in slots:
        rows.append((s.date.isoformat(), HARI[s.date.weekday()], s.product or "-", s.artisan or "-",
                     *status(ctx, s, hashes)))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5]
                     for r in rows)


def run_show(args: argparse.Namespace) -> int:
    with context(args) as ctx:
        start = resolve(args.start, ctx.today) or ctx.today
        days = P.dates(ctx, start, args.days)
        slots = P.plan_days(ctx, days)
        print(f"Plan for {len(days)} day(s) from {start} ({ctx.settings.timezone}); "
              f"{len(ctx.approved)} approved product(s).")
        print(table(ctx, slots))
        if not ctx.approved:
            print("No approved products: a curator approves them with `etalase review approve PRODUCT`.",
                  file=sys.stderr)
    return 0


def apply(args: argparse.Namespace, action: str, **values) -> tuple[dt.date, Any]:
    """Apply a day change through the use-case the dashboard uses too (which refreshes exports/index.html)."""
    with context(args) as ctx:
        day = resolve(args.date, ctx.today)
        done = changes.apply(ctx, action, day, P.actor(ctx.conn, args.actor), **values)
    if done.problem:
        print(f"warning: {done.problem}", file=sys.stderr)
    return day, done.result


def _change(args: argparse.Namespace, verb: str, action: str, **values) -> int:
    day, slot = apply(args, action, **values)
    print(f"{day} {verb}: {slot.product or '-'} ({slot.reason})")
    print("Run `etalase build` to export the change.")
    return 0


def run_swap(args: argparse.Namespace) -> int:
    return _change(args, "swapped", "swap", product=args.product)


def run_pin(args: argparse.Namespace) -> int:
    return _change(args, "pinned", "pin")


def run_unpin(args: argparse.Namespace) -> int:
    return _change(args, "unpinned", "unpin")


def run_skip(args: argparse.Namespace) -> int:
    return _change(args, "skipped", "skip")


def run_unskip(args: argparse.Namespace) -> int:
    return _change(args, "unskipped", "unskip")


def run_global(args: argparse.Namespace) -> int:
    return _change(args, "marked Go Global", "global")


def run_unglobal(args: argparse.Namespace) -> int:
    return _change(args, "no longer Go Global", "unglobal")
