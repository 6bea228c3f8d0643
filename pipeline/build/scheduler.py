"""APScheduler wiring only: build the horizon every day at `prepare_at` in the configured zone.

On start it catches up: if a scheduled run was missed while the machine was off (or never ran),
it builds at once. Builds run one at a time (a single-thread executor here, plus the build lock
shared with the CLI). Ctrl-C or SIGTERM lets the current day finish and stops before the next;
a second signal exits at once, which is still safe because day folders appear only complete.
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import os
import signal
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from pipeline.build.orchestrate import BuildReport, DayOutcome, Options, build
from pipeline.common import testhook
from pipeline.common.clock import Clock, SystemClock
from pipeline.common.errors import EtalaseError
from pipeline.common.project import Project
from pipeline.plan import ledger as S
from pipeline.plan.schedule import Settings, load_settings
from pipeline.store.db import open_project

log = logging.getLogger("etalase.scheduler")
LOCK_WAIT = 3 * 3600  # a cron run waits for a manual build instead of skipping the day
MISFIRE_GRACE = 6 * 3600  # a machine waking from sleep at 10:00 still prepares the day


def cron_trigger(settings: Settings) -> CronTrigger:
    return CronTrigger(hour=settings.prepare_at.hour, minute=settings.prepare_at.minute, timezone=settings.zone)


def missed_runs(settings: Settings, last: dt.datetime, now: dt.datetime) -> list[dt.datetime]:
    """Scheduled prepare moments after `last` and up to `now`, in the configured zone."""
    zone = settings.zone
    now = now.astimezone(zone)
    out = []
    day = last.astimezone(zone).date()
    while day <= now.date():
        moment = dt.datetime.combine(day, settings.prepare_at, tzinfo=zone)
        if last < moment <= now:
            out.append(moment)
        day += dt.timedelta(days=1)
    return out


class LogReporter:
    def start(self, days: list[dt.date], to_render: int) -> None:
        log.info("%d day(s) from %s: %d to render", len(days), days[0] if days else "-", to_render)

    def day(self, o: DayOutcome) -> None:
        level = logging.ERROR if o.status == "failed" else logging.INFO
        log.log(level, "%s %s %s%s", o.date, o.status, o.product or "-",
                f": {o.message.strip().splitlines()[0]}" if o.message else "")


@dataclass
class Prepare:
    """The scheduled job: one build of the horizon, recorded in scheduler_runs."""

    project: Project
    options: Options = field(default_factory=Options)
    clock: Clock | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def settings(self) -> Settings:
        return load_settings(self.project.schedule, "schedule.yaml")

    def now(self) -> dt.datetime:
        settings = self.settings()
        return (self.clock or SystemClock(settings.timezone)).now().astimezone(settings.zone)

    def run(self, trigger: str = "cron") -> BuildReport | None:
        try:
            conn = open_project(self.project)
        except EtalaseError as exc:  # a damaged database or a full disk: nothing is built, tomorrow tries again
            log.error("%s run not started: %s", trigger, exc)
            return None
        try:
            try:
                run_id = S.run_started(conn, trigger, self.now())
            except EtalaseError as exc:
                log.error("%s run not started: %s", trigger, exc)
                return None
            log.info("%s run started", trigger)
            status, summary, report = "failed", "", None
            try:
                options = replace(self.options, lock_wait=max(self.options.lock_wait, LOCK_WAIT))
                report = build(self.project, options, clock=self.clock, reporter=LogReporter(), stop=self.stop)
                status = "ok" if report.ok else ("stopped" if report.stopped else "failed")
                summary = report.summary()
                for path in report.pruned:
                    log.info("removed old replaced folder %s", path)
                log.log(logging.INFO if report.ok else logging.ERROR, "%s run finished: %s", trigger, summary)
            except EtalaseError as exc:
                summary = str(exc)
                log.error("%s run failed: %s", trigger, exc)
            except Exception as exc:  # keep the scheduler alive for tomorrow
                summary = f"{type(exc).__name__}: {exc}"
                log.exception("%s run crashed", trigger)
            try:
                S.run_finished(conn, run_id, status, summary, self.now())
            except EtalaseError as exc:
                log.error("%s run could not be recorded: %s", trigger, exc)
            return report
        finally:
            conn.close()

    def missed(self) -> list[dt.datetime] | None:
        """Scheduled runs missed since the last good one; None when it never ran well."""
        conn = open_project(self.project)
        try:
            last = S.last_run(conn, "ok")
        finally:
            conn.close()
        if last is None:
            return None
        return missed_runs(self.settings(), dt.datetime.fromisoformat(last["started_at"]), self.now())

    def catch_up(self) -> BuildReport | None:
        try:
            missed = self.missed()
        except EtalaseError as exc:
            log.error("catch-up not started: %s", exc)
            return None
        if missed == []:
            log.info("catch-up: nothing missed")
            return None
        if missed is None:
            log.info("catch-up: no successful run recorded yet; building now")
        else:
            log.info("catch-up: %d scheduled run(s) missed (%s); building now", len(missed),
                     ", ".join(m.strftime("%Y-%m-%d %H:%M") for m in missed))
        return self.run("catch_up")


def create(prepare: Prepare, trigger=None) -> BackgroundScheduler:
    """A scheduler (not started) with the daily job; `trigger` replaces the cron in tests."""
    settings = prepare.settings()
    scheduler = BackgroundScheduler(
        timezone=settings.zone, executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE})
    scheduler.add_job(prepare.run, trigger or cron_trigger(settings), args=["cron"], id="prepare",
                      name="prepare the coming days")
    return scheduler


def start(project: Project, options: Options | None = None, *, catch_up: bool = True,
          clock: Clock | None = None, trigger=None) -> tuple[BackgroundScheduler, Prepare]:
    """Start in the background (for `etalase serve`); stop with `stop(scheduler, prepare)`.
    Raises DatabaseDamaged or StateDiskFull before anything is scheduled."""
    open_project(project).close()
    prepare = Prepare(project, options or Options(), clock)
    scheduler = create(prepare, trigger)
    scheduler.start()
    if catch_up:
        scheduler.add_job(prepare.catch_up, id="catch_up", name="catch up on missed days",
                          next_run_time=dt.datetime.now(dt.UTC))
    job = scheduler.get_job("prepare")
    log.info("scheduler started; next run %s (%s)", job.next_run_time.isoformat(timespec="minutes"),
             prepare.settings().timezone)
    return scheduler, prepare


def stop(scheduler: BackgroundScheduler, prepare: Prepare) -> None:
    """Let the running day finish, cancel the rest, wait for the build to return."""
    prepare.stop.set()
    scheduler.shutdown(wait=True)
    log.info("scheduler stopped")


def run_forever(project: Project, options: Options | None = None, *, catch_up: bool = True,
                trigger=None) -> int:
    """The `etalase scheduler` loop: until Ctrl-C or SIGTERM."""
    scheduler, prepare = start(project, options, catch_up=catch_up, trigger=trigger)
    stopping = threading.Event()

    def on_signal(signum: int, _frame) -> None:
        if stopping.is_set():
            log.warning("second signal: exiting now (unfinished work is discarded at the next build)")
            os._exit(130)
        log.info("signal %s: stopping after the current day (press Ctrl-C again to stop at once)",
                 signal.Signals(signum).name)
        stopping.set()
        prepare.stop.set()
        testhook.point("stop-requested")

    for name in ("SIGINT", "SIGTERM", "SIGBREAK"):  # SIGBREAK: Ctrl-Break on Windows consoles
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), on_signal)
    testhook.point("signals-ready")  # tests signal this process only from here on
    while not stopping.wait(1.0):
        pass
    stop(scheduler, prepare)
    return 0


class ZoneFormatter(logging.Formatter):
    """Log times in the configured zone with their offset, whatever the machine's zone (invariant 7)."""

    def __init__(self, zone: dt.tzinfo):
        super().__init__("%(asctime)s %(levelname)-7s %(message)s")
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return dt.datetime.fromtimestamp(record.created, self.zone).isoformat(timespec="seconds")


def configure_logging(path: Path, settings: Settings, console: bool = True) -> Path:
    """Log to `path` (rotated at 1 MB, 5 kept) and, unless told not to, the console."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("etalase")
    root.setLevel(logging.INFO)
    for h in list(root.handlers):
        root.removeHandler(h)
        h.close()
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")]
    if console:
        handlers.append(logging.StreamHandler())
    for h in handlers:
        h.setFormatter(ZoneFormatter(settings.zone))
        root.addHandler(h)
    return path
