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
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from . import __version__, testhook
from . import export as X
from . import planstate as S
from .brand import Brand, load_brand
from .errors import EtalaseError, RenderError
from .media import MediaError
from .models import Catalog, Product
from .plan import POSTED, Slot
from .planning import Context, open_context, plan_days
from .project import Project

RENDER_VERSION = "1"  # bump when the day folder's layout or the renderers' output changes
LOCK_FILE = "build.lock"

# Day outcomes
BUILT, UNCHANGED, POSTED_DAY, NO_POST, FAILED, STOPPED = "built", "unchanged", "posted", "no_post", "failed", "stopped"


class BuildBusy(EtalaseError):
    """Another build holds the lock."""


# The lock -----------------------------------------------------------------------------------------

_in_process = threading.Lock()  # the scheduler thread and a dashboard request share one process


class BuildLock:
    """An exclusive lock on state/build.lock, released by the OS when its holder dies (even SIGKILL).

    fcntl.flock on POSIX, msvcrt.locking on Windows offices; the file records who holds it so a
    refusal can say so.
    """

    def __init__(self, state: Path):
        self.path = Path(state) / LOCK_FILE
        self._file = None

    def _try(self) -> bool:
        f = open(self.path, "a+")  # noqa: SIM115 - held open for the lock's lifetime
        try:
            if os.name == "nt":
                import msvcrt

                f.seek(0)
                msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return False
        self._file = f
        return True

    def acquire(self, wait: float = 0.0) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + wait
        got = _in_process.acquire(timeout=wait) if wait > 0 else _in_process.acquire(blocking=False)
        if not got:
            raise BuildBusy(self._busy_message())
        try:
            while not self._try():
                if time.monotonic() >= deadline:
                    raise BuildBusy(self._busy_message())
                time.sleep(0.2)
        except BaseException:
            _in_process.release()
            raise
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"pid {os.getpid()} since {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n")
        self._file.flush()

    def release(self) -> None:
        if self._file is None:
            return
        try:
            if os.name == "nt":
                import msvcrt

                self._file.seek(0)
                msvcrt.locking(self._file.fileno(), msvcrt.LK_UNLCK, 1)
            # POSIX: closing the file releases the flock
        finally:
            self._file.close()
            self._file = None
            _in_process.release()

    def _busy_message(self) -> str:
        try:
            who = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            who = ""
        return (f"another build is running ({who or 'lock held'}): wait for it to finish\n"
                f"    hint: the lock is {self.path}; it frees itself when that build ends")

    @contextmanager
    def held(self, wait: float = 0.0) -> Iterator[BuildLock]:
        self.acquire(wait)
        try:
            yield self
        finally:
            self.release()


# Executors ----------------------------------------------------------------------------------------

class LazyExecutor(cf.Executor):
    """Runs each job in the calling thread when its result is first asked for.

    So the build publishes day by day, a stop request between days cancels the rest, and
    tracebacks and the video's own progress bar stay in one place.
    """

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> cf.Future:
        return _LazyFuture(fn, args, kwargs)


class _LazyFuture(cf.Future):
    def __init__(self, fn: Callable, args: tuple, kwargs: dict):
        super().__init__()
        self._job = (fn, args, kwargs)

    def result(self, timeout: float | None = None) -> Any:
        if not self.done() and self.set_running_or_notify_cancel():
            fn, args, kwargs = self._job
            try:
                self.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # KeyboardInterrupt too: the build decides what to do
                self.set_exception(exc)
        return super().result(timeout)

    def exception(self, timeout: float | None = None) -> BaseException | None:
        try:
            self.result(timeout)
        except BaseException:  # noqa: BLE001 - the stored exception is returned below
            pass
        return super().exception(timeout)


def make_executor(workers: int) -> cf.Executor:
    return LazyExecutor() if workers <= 1 else cf.ProcessPoolExecutor(max_workers=workers)


# Render jobs --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RenderJob:
    """A pure function's inputs: everything one day's files depend on (picklable for process pools)."""

    project: Project
    catalog: Catalog
    product: Product
    day: dt.date
    template: str
    intro: str | None
    formats: str
    draft: bool
    staging: Path
    video_progress: bool = False


@dataclass
class JobResult:
    files: dict[str, Any]  # role -> path relative to the day folder (slides: a list)
    caption: str
    hashtags: list[str]
    checks: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    video: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    caption_length: int = 0  # UTF-16 units, as TikTok counts

    @property
    def failed_checks(self) -> list[dict[str, Any]]:
        return [c for c in self.checks if not c.get("ok", True) and c.get("severity", "error") == "error"]


def render_post(job: RenderJob) -> JobResult:
    """Render one day's files into job.staging and check them against TikTok's rules."""
    from .checks import check_caption, check_image, check_video
    from .render.images import render_post_images
    from .render.video import render_video

    started = time.monotonic()
    testhook.point("render-start", day=job.day)
    out = job.staging
    brand = load_brand(job.project)
    images = render_post_images(job.project, job.catalog, job.product, out, brand=brand, intro=job.intro,
                                template=job.template)
    caption = images.built_caption  # caption.txt is written; its warnings are among the images' warnings
    warnings = [str(w) for w in images.warnings]
    files: dict[str, Any] = {"cover": "cover.jpg", "caption": "caption.txt"}
    checks: list[dict[str, Any]] = []
    checks += _checks("cover.jpg", check_image(out / "cover.jpg"))
    if job.formats in ("carousel", "both"):
        files["slides"] = [p.relative_to(out).as_posix() for p in images.slides]
        for slide in images.slides:
            checks += _checks(slide.relative_to(out).as_posix(), check_image(slide))
    else:
        for slide in images.slides:
            slide.unlink()
        (out / "slides").rmdir()
    video: dict[str, Any] = {}
    if job.formats in ("video", "both"):
        result = render_video(job.project, job.catalog, job.product, out / "video.mp4", brand=brand,
                              template=job.template, draft=job.draft, progress=job.video_progress)
        files["video"] = "video.mp4"
        video = {"duration": round(result.duration, 3), "frames": result.frames}
        warnings += [str(w) for w in result.warnings]
        # render_video probed the file it wrote (and refuses to leave one that fails); keep its results
        checks += _checks("video.mp4", result.checks or check_video(out / "video.mp4", draft=job.draft))
    checks += _checks("caption.txt", check_caption(caption.text, brand.max_hashtags))
    return JobResult(files, caption.text, list(caption.hashtags), checks, warnings, video,
                     round(time.monotonic() - started, 2), caption.utf16_length)


def _checks(target: str, results: list) -> list[dict[str, Any]]:
    return [{"file": target, **r.to_dict()} for r in results]


# Input hash ---------------------------------------------------------------------------------------

def templates_digest(project: Project) -> str:
    """The effective template set's bytes (user-first), leaving out the export pages."""
    return X.files_digest({rel: p for rel, p in X.effective_templates(project).items()
                           if not rel.startswith("export/")})


def input_hash(slot: Slot, product: Product, catalog: Catalog, brand: Brand, templates: str, timezone: str,
               draft: bool) -> str:
    artisan = catalog.artisans.get(product.artisan)
    craft = catalog.crafts.get(product.craft)
    data = {
        "v": [__version__, RENDER_VERSION],
        "date": slot.date, "product": [product.slug, product.content_hash],
        "artisan": dataclasses.asdict(artisan) if artisan else None,
        "craft": dataclasses.asdict(craft) if craft else None,
        "templates": templates, "brand": brand.digest, "timezone": timezone,
        "day": [slot.template, slot.intro, slot.formats, slot.post_at, slot.special, slot.theme],
        "draft": draft,
    }
    blob = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# Reporting ----------------------------------------------------------------------------------------

@dataclass
class DayOutcome:
    date: dt.date
    status: str  # built, unchanged, posted, no_post, failed, stopped
    product: str | None = None
    reason: str = ""
    message: str = ""
    replaced: Path | None = None
    seconds: float = 0.0


@dataclass
class BuildReport:
    days: list[DayOutcome] = field(default_factory=list)
    index: Path | None = None
    stopped: bool = False

    @property
    def failed(self) -> list[DayOutcome]:
        return [d for d in self.days if d.status == FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.stopped

    def count(self, status: str) -> int:
        return sum(d.status == status for d in self.days)

    def summary(self) -> str:
        parts = [f"{self.count(s)} {label}" for s, label in (
            (BUILT, "built"), (UNCHANGED, "unchanged"), (POSTED_DAY, "posted (left alone)"),
            (NO_POST, "without a post"), (FAILED, "FAILED"), (STOPPED, "not started (stopped)")) if self.count(s)]
        return ", ".join(parts) or "nothing to do"


class Reporter(Protocol):
    def start(self, days: list[dt.date], to_render: int) -> None: ...
    def day(self, outcome: DayOutcome) -> None: ...


class QuietReporter:
    def start(self, days: list[dt.date], to_render: int) -> None:
        pass

    def day(self, outcome: DayOutcome) -> None:
        pass


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
        wanted = [options.only]
    else:
        start = options.start or today
        wanted = [start + dt.timedelta(days=i) for i in range(options.days or ctx.settings.horizon_days)]
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
        testhook.point("before-publish", day=slot.date)
        replaced = X.publish(exports, slot.date, item.staged, ctx.now())
    except (EtalaseError, MediaError, OSError, ValueError) as exc:
        return _failed(ctx, item, str(exc))
    except Exception as exc:  # a bug in a renderer must not take the other days down
        return _failed(ctx, item, f"unexpected {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}")
    testhook.point("day-published", day=slot.date)  # a kill here: the folder is out, the ledger not told
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


def _name(ctx: Context, slot: Slot | None) -> str | None:
    if not slot or not slot.product:
        return None
    product = ctx.catalog.products.get(slot.product)
    return product.name if product else slot.product


def zone_label(timezone: str) -> str:
    return {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
            "Asia/Jayapura": "WIT"}.get(timezone, timezone)


@functools.cache  # `ffmpeg -version` is a subprocess: once per build process, not once per day
def _versions() -> dict[str, str]:
    import imageio_ffmpeg
    import moviepy
    import PIL

    return {"etalase": __version__, "renderer": RENDER_VERSION, "python": sys.version.split()[0],
            "moviepy": getattr(moviepy, "__version__", "?"), "pillow": PIL.__version__,
            "ffmpeg": imageio_ffmpeg.get_ffmpeg_version()}


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


# The week overview --------------------------------------------------------------------------------

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
    slots = {s.date: s for s in _plan(ctx, dates)}
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
