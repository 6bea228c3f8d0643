"""The build use-case: plan the days, render what changed, export each day atomically.

Shared by `etalase build`, the scheduler and the dashboard. One build at a time (a lock file
in the state folder, held by the OS so a killed build never leaves it stuck). A day is skipped
when its folder's input hash matches (product, artisan, craft, templates, brand, the day's
settings, renderer version), re-rendered when anything changed, and never touched once posted.
Render jobs go to a `concurrent.futures` executor: in-process and lazy by default, a process
pool with `workers > 1`, or whatever a larger installation passes in.
"""
from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.build.jobs import (
    JobResult,
    RenderJob,
    _versions,
    input_hash,
    make_executor,
    render_post,
    templates_digest,
)
from pipeline.build.lock import BuildLock
from pipeline.build.overview import write_index
from pipeline.build.report import (
    BUILT,
    FAILED,
    NO_POST,
    POSTED_DAY,
    STOPPED,
    UNCHANGED,
    BuildReport,
    DayOutcome,
    QuietReporter,
    Reporter,
)
from pipeline.catalog.media import MediaError
from pipeline.common.errors import EtalaseError, RenderError
from pipeline.common.models import Product
from pipeline.common.project import Project
from pipeline.export import folders as X
from pipeline.plan import ledger as S
from pipeline.plan.admin import Context, dates, open_context, plan_days
from pipeline.plan.planner import POSTED, Slot
from pipeline.plan.schedule import zone_label
from pipeline.render.brand import load_brand

# The build ----------------------------------------------------------------------------------------

@dataclass
class Options:
    days: int | None = None  # horizon length; default: schedule.yaml's horizon_days
    start: dt.date | None = None  # default: today in the configured zone
    only: dt.date | None = None  # build just this date
    draft: bool = False  # small, fast video (tests and previews)
    workers: int = 1
    video_progress: bool = False
    lock_wait: float = 0.0


def build(project: Project, options: Options | None = None, *, clock=None, executor: cf.Executor | None = None,
          reporter: Reporter | None = None, stop: threading.Event | None = None) -> BuildReport:
    """Build the horizon (or one date); raises BuildBusy, ConfigError; a failing day never stops the rest."""
    options = options or Options()
    with BuildLock(project.state).held(options.lock_wait):
        ctx = open_context(project, clock)
        own = executor is None
        executor = executor or make_executor(options.workers)
        try:
            return _build(ctx, options, executor, reporter or QuietReporter(), stop or threading.Event())
        finally:
            if own:
                executor.shutdown(wait=True, cancel_futures=True)
            ctx.conn.close()


@dataclass
class _Pending:
    slot: Slot
    product: Product
    digest: str
    staged: Path
    future: cf.Future
    old: dict[str, Any] | None
    draft: bool


def _build(ctx: Context, options: Options, executor: cf.Executor, reporter: Reporter,
           stop: threading.Event) -> BuildReport:
    project, exports = ctx.project, ctx.project.exports
    exports.mkdir(parents=True, exist_ok=True)
    X.clear_staging(exports)
    today = ctx.today
    if options.only:
        wanted = dates(ctx, options.only, 1)
    else:
        wanted = dates(ctx, options.start or today, options.days)  # OutOfRange beyond max_days_ahead
    _reconcile(ctx, wanted)
    slots = _plan(ctx, wanted)
    brand = load_brand(project)
    templates = templates_digest(project)
    page_hash = X.page_templates_digest(project)
    posted = S.posts(ctx.conn)
    report = BuildReport()
    pending: list[_Pending] = []
    for slot in slots:
        folder = X.day_dir(exports, slot.date)
        if slot.date in posted or POSTED in slot.flags:
            report.days.append(DayOutcome(slot.date, POSTED_DAY, slot.product, slot.reason))
            continue
        if not slot.product:
            _no_post(ctx, slot, report)
            continue
        product = ctx.catalog.products[slot.product]
        digest = input_hash(slot, product, ctx.catalog, brand, templates, ctx.settings.timezone, options.draft)
        manifest = X.read_manifest(folder)
        if manifest and manifest.get("input_hash") == digest:
            _unchanged(ctx, slot, folder, manifest, page_hash, report)
            continue
        staged = X.staging_dir(exports, slot.date)
        job = RenderJob(project, ctx.catalog, product, slot.date, slot.template, slot.intro, slot.formats,
                        options.draft, staged, options.video_progress)
        pending.append(_Pending(slot, product, digest, staged, executor.submit(render_post, job), manifest,
                                options.draft))
    reporter.start([s.date for s in slots], len(pending))
    for o in report.days:
        reporter.day(o)
    try:
        for item in pending:
            if stop.is_set():
                item.future.cancel()
                X.discard(item.staged)
                report.stopped = True
                outcome = DayOutcome(item.slot.date, STOPPED, item.product.slug, item.slot.reason)
            else:
                outcome = _finish(ctx, item, page_hash)
            report.days.append(outcome)
            reporter.day(outcome)
    except BaseException:  # Ctrl-C mid-render: nothing half-made stays visible
        for item in pending:
            item.future.cancel()
            X.discard(item.staged)
        raise
    report.days.sort(key=lambda d: d.date)
    report.pruned = X.prune_replaced(exports, ctx.settings.keep_replaced)
    report.index = write_index(ctx, report)
    return report


def _plan(ctx: Context, wanted: list[dt.date]) -> list[Slot]:
    """The wanted days as the plan from today has them (earlier days' choices shape later ones)."""
    return plan_days(ctx, wanted)


def _reconcile(ctx: Context, days: list[dt.date]) -> None:
    """A kill between publishing a folder and recording it leaves the folder: trust the folder."""
    known = S.builds(ctx.conn)
    for day in days:
        manifest = X.read_manifest(X.day_dir(ctx.project.exports, day))
        if manifest and (day not in known or known[day].input_hash != manifest.get("input_hash")):
            S.record_build(ctx.conn, day, manifest["product"]["slug"], manifest["artisan"]["slug"],
                           manifest["input_hash"], "ok", "recovered from post.json", ctx.now())


def _no_post(ctx: Context, slot: Slot, report: BuildReport) -> None:
    """A day without a product (skipped, blackout, nothing approved): its old folder steps aside."""
    exports = ctx.project.exports
    replaced = X.retire(exports, slot.date, ctx.now())
    X.failed_note(exports, slot.date).unlink(missing_ok=True)
    S.record_build(ctx.conn, slot.date, None, None, "", "empty", slot.reason, ctx.now())
    report.days.append(DayOutcome(slot.date, NO_POST, None, slot.reason, replaced=replaced))


def _unchanged(ctx: Context, slot: Slot, folder: Path, manifest: dict, page_hash: str, report: BuildReport) -> None:
    if manifest.get("page_hash") != page_hash:  # only the page template changed: rewrite the page in place
        manifest["page_hash"] = page_hash
        caption = (folder / "caption.txt").read_text(encoding="utf-8")
        X.write_atomic(folder / X.CHECKLIST, X.render_checklist(ctx.project, manifest, caption))
        X.write_manifest(folder, manifest)
    X.failed_note(ctx.project.exports, slot.date).unlink(missing_ok=True)
    known = S.builds(ctx.conn).get(slot.date)
    if not known or known.status != "ok" or known.input_hash != manifest["input_hash"]:
        S.record_build(ctx.conn, slot.date, slot.product, slot.artisan, manifest["input_hash"], "ok", "", ctx.now())
    report.days.append(DayOutcome(slot.date, UNCHANGED, slot.product, manifest.get("reason", slot.reason)))


def _finish(ctx: Context, item: _Pending, page_hash: str) -> DayOutcome:
    slot, exports = item.slot, ctx.project.exports
    try:
        result: JobResult = item.future.result()
        if result.failed_checks:
            raise RenderError("TikTok checks failed: " + "; ".join(
                f"{c['file']}: {c.get('message') or c.get('name')}" for c in result.failed_checks))
        manifest = _manifest(ctx, item, result, page_hash)
        X.write_manifest(item.staged, manifest)
        X.write_atomic(item.staged / X.CHECKLIST, X.render_checklist(ctx.project, manifest, result.caption))
        replaced = X.publish(exports, slot.date, item.staged, ctx.now())
    except (EtalaseError, MediaError, OSError, ValueError) as exc:
        return _failed(ctx, item, str(exc))
    except Exception as exc:  # a bug in a renderer must not take the other days down
        return _failed(ctx, item, f"unexpected {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}")
    S.record_build(ctx.conn, slot.date, slot.product, slot.artisan, item.digest, "ok", "", ctx.now())
    return DayOutcome(slot.date, BUILT, slot.product, slot.reason, replaced=replaced, seconds=result.seconds)


def _failed(ctx: Context, item: _Pending, message: str) -> DayOutcome:
    """Leave a FAILED note. An older folder of the same product stays (complete and checked, and still
    the day's export as far as the plan is concerned); a folder of another product steps aside."""
    exports, slot = ctx.project.exports, item.slot
    X.discard(item.staged)
    keep = bool(item.old) and item.old.get("product", {}).get("slug") == slot.product
    if item.old and not keep:
        X.retire(exports, slot.date, ctx.now())
    X.write_failed(exports, slot.date, slot.product, message, ctx.now())
    if not keep:
        S.record_build(ctx.conn, slot.date, slot.product, slot.artisan, item.digest, "failed", message, ctx.now())
    return DayOutcome(slot.date, FAILED, slot.product, slot.reason, message=message)



def _manifest(ctx: Context, item: _Pending, result: JobResult, page_hash: str) -> dict[str, Any]:
    slot, product, cat = item.slot, item.product, ctx.catalog
    artisan = cat.artisans.get(product.artisan)
    craft = cat.crafts.get(product.craft)
    files = {**result.files, "checklist": X.CHECKLIST}
    return {
        "date": slot.date.isoformat(),
        "suggested_time": ctx.settings.post_time(slot.date).isoformat(),
        "timezone": ctx.settings.timezone, "zone_label": zone_label(ctx.settings.timezone),
        "formats": slot.formats,
        "product": {"slug": product.slug, "name": product.name, "price": product.price,
                    "content_hash": product.content_hash, "source": product.source},
        "artisan": {"slug": product.artisan, "name": artisan.name if artisan else product.artisan,
                    "kecamatan": artisan.kecamatan if artisan else ""},
        "craft": {"slug": product.craft, "name": craft.name if craft else product.craft},
        "template": slot.template, "intro": slot.intro, "theme": slot.theme, "special_day": slot.special,
        "reason": slot.reason, "reason_id": slot.reason_id, "flags": sorted(slot.flags),
        "hashtags": result.hashtags, "caption_length": result.caption_length,
        "files": files,
        "video": result.video,
        "checks": result.checks,
        "warnings": result.warnings,
        "input_hash": item.digest, "page_hash": page_hash,
        "draft": item.draft,
        "versions": dict(_versions()),
        "built_at": ctx.now().isoformat(timespec="seconds"),
        "render_seconds": result.seconds,
    }


