"""exports/index.html, the week overview: the horizon and last week as they are on disk (and kalender.ics
beside it: the coming posts as reminders)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.build.reminders import write_calendar
from pipeline.build.report import BuildReport
from pipeline.export import folders as X
from pipeline.export.status import day_status
from pipeline.plan import ledger as S
from pipeline.plan.admin import Context, plan_days
from pipeline.plan.planner import BLACKOUT, SKIPPED
from pipeline.plan.schedule import zone_label


def write_index(ctx: Context, report: BuildReport | None = None) -> Path:
    """exports/index.html: the horizon from today plus the last week, from what is on disk.

    Each day's status comes from pipeline/export/status.py, as on the dashboard."""
    exports, today = ctx.project.exports, ctx.today
    horizon = [today + dt.timedelta(days=i) for i in range(ctx.settings.horizon_days)]
    outcomes = {d.date for d in (report.days if report else [])}
    dates = sorted(set(horizon) | outcomes | {d for d in X.day_folders(exports) if d >= today - dt.timedelta(7)}
                   | {d for d in X.failed_days(exports) if d >= today})
    posts = S.posts(ctx.conn)
    slots = {s.date: s for s in plan_days(ctx, dates)}
    rows = []
    for d in dates:
        slot, post = slots.get(d), posts.get(d)
        slug = post.product if post else (slot.product if slot else None)
        state = day_status(exports, d, slug, posted=post is not None, today=today,
                           no_post=bool(slot) and (not slot.product or bool(slot.flags & {SKIPPED, BLACKOUT})))
        manifest = state.manifest
        rows.append({
            "date": d.isoformat(), "past": d < today, "today": d == today, "status": state.code,
            "status_label": state.label, "warning": state.warning, "note": state.note, "manifest": manifest,
            "folder": d.isoformat(), "reason": (manifest or {}).get("reason") or (slot.reason if slot else ""),
            "product": None if state.gone_by else (manifest or {}).get("product", {}).get("name") or _name(ctx, slug),
            "post": post,
            "suggested": ctx.settings.post_time(d).strftime("%H.%M") + " " + zone_label(ctx.settings.timezone),
        })
    html = X.render_index(ctx.project, rows, ctx.now())
    path = exports / X.INDEX
    X.write_atomic(path, html)
    write_calendar(ctx)
    return path


def _name(ctx: Context, slug: str | None) -> str | None:
    if not slug:
        return None
    product = ctx.catalog.products.get(slug)
    return product.name if product else slug
