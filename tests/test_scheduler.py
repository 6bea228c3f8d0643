"""The scheduler: 05:00 in WIB whatever the machine's zone, catch-up after downtime, clean stops."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.date import DateTrigger
from conftest import points_reached, process_env, release, wait_for_point

from pipeline.build import scheduler as SCH
from pipeline.build.orchestrate import Options
from pipeline.common.clock import FixedClock
from pipeline.common.project import Project
from pipeline.export import folders as X
from pipeline.plan import ledger as S
from pipeline.plan.schedule import Settings, load_settings
from pipeline.store import db as store

WIB = ZoneInfo("Asia/Jakarta")
DAY1, DAY2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)  # the days from conftest.PINNED_NOW
REPO = Path(__file__).resolve().parent.parent
NO_SIGTERM = "Windows cannot deliver SIGTERM: send_signal ends the process without running its handler"


def runs(root: Path) -> list[tuple[str, str, str]]:
    conn = store.connect(root / "state" / "etalase.db")
    try:
        return [(r["trigger"], r["status"], r["started_at"]) for r in
                conn.execute("SELECT * FROM scheduler_runs ORDER BY id")]
    finally:
        conn.close()


def test_the_cron_fires_at_0500_wib_which_is_2200_utc_the_day_before(utc_process):
    trigger = SCH.cron_trigger(load_settings(REPO / "schedule.yaml"))
    fire = trigger.get_next_fire_time(None, dt.datetime(2026, 10, 1, 21, 0, tzinfo=dt.UTC))
    assert fire == dt.datetime(2026, 10, 1, 22, 0, tzinfo=dt.UTC)
    assert fire.astimezone(WIB).isoformat() == "2026-10-02T05:00:00+07:00"
    wita = SCH.cron_trigger(Settings(timezone="Asia/Makassar"))
    assert wita.get_next_fire_time(None, fire).astimezone(dt.UTC).hour == 21  # 05:00 WITA = 21:00 UTC


def test_missed_runs_are_counted_in_the_configured_zone():
    s = Settings()
    last = dt.datetime(2026, 10, 2, 5, 0, 3, tzinfo=WIB)
    assert SCH.missed_runs(s, last, dt.datetime(2026, 10, 2, 23, 0, tzinfo=WIB)) == []
    later = dt.datetime(2026, 10, 5, 2, 0, tzinfo=dt.UTC)  # 09:00 WIB on the 5th
    assert [m.isoformat() for m in SCH.missed_runs(s, last, later)] == [
        "2026-10-03T05:00:00+07:00", "2026-10-04T05:00:00+07:00", "2026-10-05T05:00:00+07:00"]
    before_five = dt.datetime(2026, 10, 5, 4, 59, tzinfo=WIB)
    assert len(SCH.missed_runs(s, last, before_five)) == 2


def test_the_0500_run_builds_the_wib_day_and_catches_up_after_three_days_off(shop, utc_process):
    project = Project.at(shop.root)
    clock = FixedClock(dt.datetime(2026, 10, 1, 22, 0, tzinfo=dt.UTC))  # the cron's moment: 05:00 WIB, 2 Oct
    prepare = SCH.Prepare(project, Options(draft=True), clock)
    report = prepare.run("cron")
    assert [(d.date.isoformat(), d.status) for d in report.days] == [("2026-10-02", "built"),
                                                                     ("2026-10-03", "built")]
    assert prepare.missed() == [] and prepare.catch_up() is None  # nothing missed: no build

    clock.advance(days=3, hours=4)  # the office PC was off from Saturday to Monday 09:00
    assert [m.date().isoformat() for m in prepare.missed()] == ["2026-10-03", "2026-10-04", "2026-10-05"]
    report = prepare.catch_up()
    assert [(d.date.isoformat(), d.status) for d in report.days] == [("2026-10-05", "built"),
                                                                     ("2026-10-06", "built")]
    assert [(t, s, at[:16]) for t, s, at in runs(shop.root)] == [
        ("cron", "ok", "2026-10-02T05:00"), ("catch_up", "ok", "2026-10-05T09:00")]
    assert X.day_folders(project.exports) == [dt.date(2026, 10, d) for d in (2, 3, 5, 6)]


def test_the_scheduler_runs_its_job_and_never_two_builds_at_once(scratch):
    """Real APScheduler threads: the job fires, a second request while one runs waits its turn."""
    project = Project.at(scratch.root)  # nothing approved: each build is quick and makes no folder
    soon = DateTrigger(run_date=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=0.3))
    scheduler, prepare = SCH.start(project, Options(draft=True), catch_up=True, trigger=soon)
    try:
        assert scheduler.get_job("prepare") is not None
        scheduler.add_job(prepare.run, args=["manual"], id="manual")
        deadline = time.monotonic() + 120  # bounds a hang only: the loop ends when the three runs have
        while len([r for r in runs(scratch.root) if r[1] != "running"]) < 3:
            assert time.monotonic() < deadline, runs(scratch.root)
            time.sleep(0.1)
    finally:
        SCH.stop(scheduler, prepare)
    done = runs(scratch.root)
    assert sorted(t for t, _, _ in done) == ["catch_up", "cron", "manual"]
    assert {s for _, s, _ in done} == {"ok"}
    conn = store.connect(scratch.root / "state" / "etalase.db")
    spans = [(r["started_at"], r["finished_at"]) for r in conn.execute("SELECT * FROM scheduler_runs ORDER BY id")]
    conn.close()
    for (_, finished), (started, _) in zip(spans, spans[1:], strict=False):
        assert dt.datetime.fromisoformat(started) >= dt.datetime.fromisoformat(finished)  # one after the other


def test_default_cron_job_uses_prepare_at_in_the_zone(scratch):
    (scratch.root / "schedule.yaml").write_text('timezone: Asia/Jayapura\nprepare_at: "04:30"\n', encoding="utf-8")
    prepare = SCH.Prepare(Project.at(scratch.root))
    trigger = SCH.create(prepare).get_job("prepare").trigger
    fire = trigger.get_next_fire_time(None, dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC))
    assert fire.isoformat() == "2026-10-02T04:30:00+09:00"


def start_scheduler(root: Path, markers: Path, pause: str = "") -> subprocess.Popen:
    """`etalase scheduler --draft` as a real process, its clock pinned (05:00 WIB, 1 October 2026) and its named
    points marked in `markers` (pipeline/common/testhook.py), pausing at `pause` if given. Its cron, which APScheduler
    fires by the real clock, is moved 12 hours away from now so that only the catch-up runs during a test."""
    away = (dt.datetime.now(WIB) + dt.timedelta(hours=12)).strftime("%H:%M")
    schedule = root / "schedule.yaml"
    schedule.write_text(schedule.read_text(encoding="utf-8") + f'prepare_at: "{away}"\n', encoding="utf-8")
    return subprocess.Popen([sys.executable, "-m", "pipeline", "--root", str(root), "scheduler", "--draft"],
                            cwd=REPO, env=process_env(ETALASE_TEST_PAUSE=f"{pause}:{markers}"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(path: Path, text: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = path.read_text(encoding="utf-8") if path.exists() else ""
        if text in log:
            return log
        time.sleep(0.1)
    raise AssertionError(f"`{text}` never appeared in {path}:\n{log}")


@pytest.mark.skipif(sys.platform == "win32", reason=NO_SIGTERM)
def test_the_scheduler_process_catches_up_logs_and_stops_on_sigterm(shop, tmp_path):
    log = shop.root / "state" / "logs" / "scheduler.log"
    proc = start_scheduler(shop.root, tmp_path)
    try:
        wait_for_point(tmp_path, proc, "signals-ready")  # before this, SIGTERM would simply kill it
        wait_for(log, "catch_up run finished")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
    text = log.read_text(encoding="utf-8")
    assert "no successful run recorded yet; building now" in text and "scheduler stopped" in text
    assert "signal SIGTERM: stopping after the current day" in text
    first = text.splitlines()[0]
    assert first[19:25] == "+07:00", first  # log times in WIB, with the offset
    console = proc.stdout.read()
    assert "catch_up run finished: 2 built" in console  # the console gets the same lines
    exports = shop.root / "exports"
    assert X.day_folders(exports) == [DAY1, DAY2]  # the pinned clock's horizon
    assert all(X.read_manifest(exports / d.isoformat()) for d in X.day_folders(exports))
    assert [(t, s, at[:16]) for t, s, at in runs(shop.root)] == [("catch_up", "ok", "2026-10-01T05:00")]


@pytest.mark.skipif(sys.platform == "win32", reason=NO_SIGTERM)
def test_sigterm_mid_build_finishes_the_day_and_leaves_no_partial_folder(shop, tmp_path):
    """The catch-up build waits at the start of day 1's render while SIGTERM is handled; then day 1 finishes
    and day 2 is never begun."""
    exports = shop.root / "exports"
    proc = start_scheduler(shop.root, tmp_path, pause="render-start")
    try:
        wait_for_point(tmp_path, proc, "signals-ready")
        trail = wait_for_point(tmp_path, proc)
        assert [(m["point"], m.get("day")) for m in trail if m["point"] == "render-start"] == [
            ("render-start", DAY1.isoformat())]
        assert X.day_folders(exports) == []
        proc.send_signal(signal.SIGTERM)
        wait_for_point(tmp_path, proc, "stop-requested")  # the handler ran: the build is told to stop
        release(tmp_path)
        assert proc.wait(timeout=120) == 0
    finally:
        proc.kill()
    assert X.day_folders(exports) == [DAY1] and X.read_manifest(exports / DAY1.isoformat())  # finished
    assert [m["day"] for m in points_reached(tmp_path) if m["point"] == "render-start"] == [DAY1.isoformat()]
    assert not any((exports / ".building").iterdir())  # day 2, staged but never rendered, is gone
    assert [(t, s) for t, s, _ in runs(shop.root)] == [("catch_up", "stopped")]
    conn = store.connect(shop.root / "state" / "etalase.db")
    assert list(S.builds(conn)) == [DAY1]
    conn.close()
