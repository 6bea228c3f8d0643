"""The coming posts as reminders: exports/kalender.ics beside the week overview, and the dashboard's feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from pipeline.common import atomic
from pipeline.common.errors import EtalaseError
from pipeline.export.calendar import Reminder, feed
from pipeline.plan import ledger as S
from pipeline.plan.admin import Context, plan_days
from pipeline.plan.planner import BLACKOUT, SKIPPED
from pipeline.render.brand import load_brand

CALENDAR = "kalender.ics"


def coming(ctx: Context, link: Callable[[dt.date], str] | None = None) -> list[Reminder]:
    """The horizon's days from today that have a product to post and are not marked posted yet."""
    today = ctx.today
    dates = [today + dt.timedelta(days=i) for i in range(ctx.settings.horizon_days)]
    posts = S.posts(ctx.conn)
    out = []
    for slot in plan_days(ctx, dates):
        if not slot.product or slot.flags & {SKIPPED, BLACKOUT} or slot.date in posts:
            continue
        product = ctx.catalog.products.get(slot.product)
        artisan = ctx.catalog.artisans.get(product.artisan) if product else None
        out.append(Reminder(slot.date, ctx.settings.post_time(slot.date), product.name if product else slot.product,
                            artisan.name if artisan else "", link(slot.date) if link else None))
    return out


def council(ctx: Context) -> str:
    try:
        return load_brand(ctx.project).display_name
    except EtalaseError:
        return ""


def calendar_bytes(ctx: Context, link: Callable[[dt.date], str] | None = None) -> bytes:
    return feed(coming(ctx, link), council=council(ctx), alarm_minutes=ctx.settings.reminder_minutes,
                now=ctx.now())


def write_calendar(ctx: Context) -> Path:
    """exports/kalender.ics, for a calendar app that reads a synced folder (or to send to the admin's phone)."""
    path = ctx.project.exports / CALENDAR
    atomic.write_bytes(path, calendar_bytes(ctx))  # bytes: iCalendar lines end in CRLF on every platform
    return path
