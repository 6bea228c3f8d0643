"""The build use-case: plan the days, render what changed, export each day atomically.

Shared by `etalase build`, the scheduler and the dashboard. One build at a time (a lock file
in the state folder, held by the OS so a killed build never leaves it stuck). A day is skipped
when its folder's input hash (the digest of its RenderInputs) matches, exported from the render
cache when a render with that hash exists, rendered otherwise, and never touched once posted.
Two days with the same inputs share one render, and so do two councils of one hub run (inflight.py).
Render jobs go to a `concurrent.futures` executor: in-process and lazy by default, a process
pool with `workers > 1`, or whatever a larger installation passes in.
"""
from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pipeline.build.cache import RenderCache
from pipeline.build.failures import explain, log_failure, tree_size
from pipeline.build.inflight import CACHED, JOINED, RENDERED, Job, RenderRun, finished, raised
from pipeline.build.jobs import (
    LazyExecutor,
    RenderJob,
    ShippedJob,
    _versions,
    make_executor,
    render_shipped,
    run_job,
)
from pipeline.build.lock import BuildLock
from pipeline.build.overview import write_index
from pipeline.build.progress import Both, ProgressFile
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
from pipeline.common import testhook
from pipeline.common.errors import CheckError, EtalaseError
from pipeline.common.models import Product
from pipeline.common.project import Project
from pipeline.export import folders as X
from pipeline.export.failed import write as write_note
from pipeline.plan import ledger as S
from pipeline.plan.admin import Context, dates, open_context, plan_days
from pipeline.plan.planner import POSTED, Slot
from pipeline.plan.schedule import zone_label
from pipeline.render.inputs import DaySettings, Loader, RenderInputs
from pipeline.render.post import PostResult
from pipeline.render.variation import post_numbers

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
    ship_blobs: bool = False  # workers share no disk with this process: send blob bytes, get file bytes back


def build(project: Project, options: Options | None = None, *, clock=None, executor: cf.Executor | None = None,
          reporter: Reporter | None = None, stop: threading.Event | None = None,
          run: RenderRun | None = None) -> BuildReport:
    """Build the horizon (or one date); raises BuildBusy, ConfigError; a failing day never stops the rest.

    `run` is a render run shared with other builds (the hub's councils): renders go to its cache, and
    its owner clears and prunes that cache; without one the build has a run over the project's cache."""
    options = options or Options()
    with BuildLock(project.state).held(options.lock_wait):
        ctx = open_context(project, clock)
        own = executor is None
        executor = executor or make_executor(options.workers)
        progress = ProgressFile(project.state, ctx.now)  # what the dashboard's progress bar reads
        alone = run is None
        if alone:
            run = RenderRun(RenderCache.of(project.state, ctx.settings.render_cache))
            run.begin()
        try:
            report = _build(ctx, options, executor, Both(reporter or QuietReporter(), progress),
                            stop or threading.Event(), run)
            if alone:
                run.end()
            return report
        finally:
            progress.finished()
            if own:
                executor.shutdown(wait=True, cancel_futures=True)
            ctx.conn.close()


@dataclass
class _Pending:
    slot: Slot
    product: Product
    digest: str
    staged: Path
    job: Job
    old: dict[str, Any] | None
    draft: bool
    source: str = RENDERED  # inflight.RENDERED, CACHED or JOINED (another build's render of the same inputs)
    make: Callable[[], Job] | None = None  # how this build makes the job itself (a joined job that failed)
    kept: bool = False  # the render finished, passed its checks and is in the cache


def _build(ctx: Context, options: Options, executor: cf.Executor, reporter: Reporter,
           stop: threading.Event, run: RenderRun) -> BuildReport:
    project, exports = ctx.project, ctx.project.exports
    exports.mkdir(parents=True, exist_ok=True)
    X.clear_staging(exports)
    today = ctx.today
    if options.only:
        wanted = dates(ctx, options.only, 1)
    else:
        wanted = dates(ctx, options.start or today, options.days)  # OutOfRange beyond max_days_ahead
    _reconcile(ctx, wanted)
    slots = plan_days(ctx, wanted)  # the plan from today: earlier days' choices shape later ones
    loader = Loader(project, ctx.catalog)
    page_hash = X.page_templates_digest(project)
    posted = S.posts(ctx.conn)
    numbers = post_numbers(slots, S.history(ctx.conn))  # a product's Nth post varies (render/variation.py)
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
        day = DaySettings.of(slot, draft=options.draft, timezone=ctx.settings.timezone, channels=ctx.settings.channels,
                             post_number=numbers.get(slot.date, 1))
        inputs = loader.inputs(slot.product, day)
        digest = inputs.digest()
        manifest = X.read_manifest(folder)
        if manifest and manifest.get("input_hash") == digest:
            _unchanged(ctx, slot, folder, manifest, page_hash, report)
            continue
        try:
            staged = X.staging_dir(exports, slot.date)
        except OSError as exc:  # a full disk refuses even the folder: the day fails as a render would
            pending.append(_Pending(slot, product, digest, exports / X.STAGING / f"{slot.date}-unmade",
                                    Job(raised(exc), None, ctx), manifest, options.draft))
            continue
        # two days (or two councils of a hub) with the same inputs share one render
        make = partial(_render, inputs, loader, run.cache, executor, options, reporter, ctx)
        job, source = run.job(digest, ctx, make)
        pending.append(_Pending(slot, product, digest, staged, job, manifest, options.draft, source, make))
    reporter.start([s.date for s in slots], len(pending))
    for o in report.days:
        reporter.day(o)
    try:
        for item in pending:
            if stop.is_set():
                _cancel(run, item)
                report.stopped = True
                outcome = DayOutcome(item.slot.date, STOPPED, item.product.slug, item.slot.reason)
            else:
                outcome = _finish(ctx, item, page_hash, run, reporter)
            report.days.append(outcome)
            reporter.day(outcome)
    except BaseException:  # Ctrl-C mid-render: nothing half-made stays visible
        for item in pending:
            _cancel(run, item)
        raise
    kept = {(item.digest, item.source) for item in pending if item.kept}  # once per input hash
    report.renders = sum(1 for _, source in kept if source == RENDERED)
    report.cache_hits = len(kept) - report.renders  # from the cache, or another council's render
    report.days.sort(key=lambda d: d.date)
    report.pruned = X.prune_replaced(exports, ctx.settings.keep_replaced)
    try:
        report.index = write_index(ctx, report)
    except OSError as exc:  # a full disk: the days' outcomes still reach the caller
        report.problems.append(f"exports/{X.INDEX} could not be written: {exc}")
    return report


def _render(inputs: RenderInputs, loader: Loader, cache: RenderCache, executor: cf.Executor,
            options: Options, reporter: Reporter, owner: object) -> Job:
    """A finished render from the cache, else a job rendering into the cache's private folder (or, for
    workers without shared disk, a shipped job whose files come back as bytes: no folder)."""
    try:
        hit = cache.get(inputs.digest())
        if hit is not None:
            return Job(finished(hit), None, CACHED)
        if options.ship_blobs:
            return Job(executor.submit(render_shipped, ShippedJob.of(inputs, loader.blobs(inputs))), None, owner)
        out = cache.reserve()
        progress = options.video_progress
        if not progress and isinstance(executor, LazyExecutor) and isinstance(reporter, Both):
            progress = reporter.frames  # in this thread: the video's percent reaches the dashboard
        return Job(executor.submit(run_job, RenderJob(inputs, loader.blobs(inputs), out, progress)), out, owner)
    except Exception as exc:  # an executor that refuses, a blob unreadable: this day fails alone
        return Job(raised(exc), None, owner)


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
    try:
        replaced = X.retire(exports, slot.date, ctx.now())
    except X.FolderBusy as exc:  # the old post stays visible: the note says it must not go up
        failure = explain(exc, ctx.project, slot.date, None, None)
        note = write_note(exports, slot.date, None, failure, ctx.now())
        report.days.append(DayOutcome(slot.date, FAILED, None, slot.reason, message=str(exc), failure=failure,
                                      note=note))
        return
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


def _cancel(run: RenderRun, item: _Pending) -> None:
    """A stopped day's staging goes; its render too, unless another build of the run waits for it."""
    X.discard(item.staged)
    if item.source == RENDERED:
        run.cancel(item.digest, item.job)
    elif item.source == JOINED:
        run.leave(item.digest, item.job)


def _result(run: RenderRun, item: _Pending, owner: Context) -> PostResult:
    """The day's render, kept in the cache. A joined render that failed (another council's unreadable
    photo, a worker lost twice) is tried once more as this build's own, so the error is this build's."""
    try:
        raw = item.job.future.result()
    except Exception:
        if item.source != JOINED or item.make is None:
            raise
        item.job, item.source = run.again(item.digest, item.job, owner, item.make)
        raw = item.job.future.result()
    result = run.keep(item.digest, item.job, raw)
    item.kept = not result.failed_checks
    return result


def _finish(ctx: Context, item: _Pending, page_hash: str, run: RenderRun, reporter: Reporter) -> DayOutcome:
    slot, exports = item.slot, ctx.project.exports
    try:
        getattr(reporter, "rendering", lambda _day: None)(slot.date)
        testhook.point("render-start", day=slot.date)  # in-process: the day's render starts here
        result = _result(run, item, ctx)
        if result.failed_checks:
            raise CheckError("TikTok checks failed: " + "; ".join(
                f"{c['file']}: {c.get('message') or c.get('name')}" for c in result.failed_checks))
        run.cache.place(item.digest, result, item.staged)
        manifest = _manifest(ctx, item, result, page_hash)
        X.write_manifest(item.staged, manifest)
        X.write_atomic(item.staged / X.CHECKLIST, X.render_checklist(ctx.project, manifest, result.caption))
        testhook.point("before-publish", day=slot.date)
        replaced = X.publish(exports, slot.date, item.staged, ctx.now())
    except Exception as exc:  # expected or a bug in a renderer: either way the other days go on
        return _failed(ctx, item, exc)
    testhook.point("day-published", day=slot.date)  # a kill here: the folder is out, the ledger not told
    S.record_build(ctx.conn, slot.date, slot.product, slot.artisan, item.digest, "ok", "", ctx.now())
    return DayOutcome(slot.date, BUILT, slot.product, slot.reason, replaced=replaced, seconds=result.seconds)


def _failed(ctx: Context, item: _Pending, exc: Exception) -> DayOutcome:
    """Log the traceback, leave a FAILED note saying what to do. An older folder of the same product
    stays (complete and checked, and still the day's export as far as the plan is concerned); a folder
    of another product steps aside. A full disk may refuse the note too: the outcome then carries the
    message (and `note` is None), and the build goes on with the next day."""
    project, exports, slot, now = ctx.project, ctx.project.exports, item.slot, ctx.now()
    needed = tree_size(item.staged)  # what the day had rendered before it stopped
    X.discard(item.staged)
    message = f"{type(exc).__name__}: {exc}" if not isinstance(exc, EtalaseError | MediaError) else str(exc)
    keep = bool(item.old) and item.old.get("product", {}).get("slug") == slot.product
    try:
        log = log_failure(project, now, slot.date, slot.product, exc)
    except OSError:
        log = None
    failure = explain(exc, project, slot.date, item.product, log, needed)
    note = None
    try:
        if item.old and not keep:
            try:
                X.retire(exports, slot.date, now)
            except X.FolderBusy as busy:  # Windows: the old folder stays, the note says why
                message += "\n\n" + str(busy)
        note = write_note(exports, slot.date, slot.product, failure, now)
    except OSError as second:
        message += f"\n(the FAILED note could not be written either: {second})"
    if not keep:
        try:
            S.record_build(ctx.conn, slot.date, slot.product, slot.artisan, item.digest, "failed", message, now)
        except sqlite3.Error as second:  # the state disk is full too: the outcome still tells
            message += f"\n(the state database could not record it either: {second})"
    return DayOutcome(slot.date, FAILED, slot.product, slot.reason, message=message, failure=failure, note=note)


def _manifest(ctx: Context, item: _Pending, result: PostResult, page_hash: str) -> dict[str, Any]:
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
        "channels": result.channels,
        "go_global": slot.go_global or product.go_global, "english": result.english,
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


