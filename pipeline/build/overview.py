"""exports/index.html, the week overview: the horizon and last week as they are on disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.build.report import BUILT, FAILED, NO_POST, POSTED_DAY, STOPPED, UNCHANGED, BuildReport
from pipeline.export import folders as X
from pipeline.plan import ledger as S
from pipeline.plan.admin import Context, plan_days
from pipeline.plan.planner import Slot
from pipeline.plan.schedule import zone_label

STATUS_ID = {BUILT: "siap diunggah", UNCHANGED: "siap diunggah", POSTED_DAY: "sudah diposting",
             NO_POST: "tanpa posting", FAILED: "GAGAL", STOPPED: "belum dibuat", "planned": "belum dibuat"}


def write_index(ctx: Context, report: BuildReport | None = None) -> Path:
    """exports/index.html: the horizon from today plus the last week, from what is on disk."""
    exports, today = ctx.project.exports, ctx.today
    horizon = [today + dt.timedelta(days=i) for i in range(ctx.settings.horizon_days)]
    outcomes = {d.date: d for d in (report.days if report else [])}
    dates = sorted(set(horizon) | set(outcomes) | {d for d in X.day_folders(exports) if d >= today - dt.timedelta(7)}
                   | {d for d in X.failed_days(exports) if d >= today})
    posts = S.posts(ctx.conn)
    slots = {s.date: s for s in plan_days(ctx, dates)}
    rows = []
    for d in dates:
        folder = X.day_dir(exports, d)
        manifest = X.read_manifest(folder)
        note = X.failed_note(exports, d)
        slot = slots.get(d)
        if d in posts:
            status = POSTED_DAY
        elif note.exists():
            status = FAILED
        elif manifest:
            status = BUILT
        elif slot and not slot.product:
            status = NO_POST
        else:
            status = "planned"
        rows.append({
            "date": d.isoformat(), "past": d < today, "today": d == today, "status": status,
            "status_label": STATUS_ID[status], "manifest": manifest, "folder": d.isoformat(),
            "failed": note.read_text(encoding="utf-8") if note.exists() else "",
            "failed_file": note.name, "reason": (manifest or {}).get("reason") or (slot.reason if slot else ""),
            "product": (manifest or {}).get("product", {}).get("name") or _name(ctx, slot),
            "post": posts.get(d),
            "suggested": ctx.settings.post_time(d).strftime("%H:%M") + " " + zone_label(ctx.settings.timezone),
        })
    html = X.render_index(ctx.project, rows, ctx.now())
    path = exports / X.INDEX
    X.write_atomic(path, html)
    return path



def _name(ctx: Context, slot: Slot | None) -> str | None:
    if not slot or not slot.product:
        return None
    product = ctx.catalog.products.get(slot.product)
    return product.name if product else slot.product
