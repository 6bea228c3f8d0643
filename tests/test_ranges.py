"""Far-future and absurd dates are refused at once, in one core place (pipeline/plan/admin.py).

The planner runs from today to the last day asked for, so an unbounded date held a core for
minutes: `check_range` refuses anything beyond schedule.yaml's max_days_ahead / max_days_back
before planning starts. The tests assert the message, never a duration.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import csrf_of
from fastapi.testclient import TestClient

from pipeline.cli import main
from pipeline.common.clock import FixedClock, zone
from pipeline.common.errors import ConfigError
from pipeline.common.project import Project
from pipeline.plan import admin as P
from pipeline.plan import ledger as S
from pipeline.plan.schedule import load_settings
from pipeline.web import create_app

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=zone("Asia/Jakarta"))
TODAY = NOW.date()


def cli(root, *args: str) -> int:
    return main(["--root", str(root), *args])


@pytest.fixture
def ctx(scratch, monkeypatch):
    monkeypatch.delenv("ETALASE_DB", raising=False)
    c = P.open_context(Project.at(scratch.root), FixedClock(NOW))
    yield c
    c.conn.close()


def test_the_reach_follows_schedule_yaml(ctx):
    assert P.reach(ctx) == (TODAY - dt.timedelta(days=3660), TODAY + dt.timedelta(days=366))
    last = TODAY + dt.timedelta(days=366)
    assert [s.date for s in P.plan_days(ctx, [last])] == [last]  # the last day allowed is planned
    with pytest.raises(P.OutOfRange) as info:
        P.plan_days(ctx, [last + dt.timedelta(days=1)])
    assert str(info.value).startswith(f"{last + dt.timedelta(days=1)} is outside the plan's range: "
                                      f"use dates from {TODAY - dt.timedelta(days=3660)} to {last}")
    assert "max_days_ahead in schedule.yaml" in str(info.value)
    assert "di luar jangkauan rencana" in info.value.pesan


@pytest.mark.parametrize("wanted", [
    lambda: [dt.date(9999, 12, 31)],
    lambda: [dt.date(1, 1, 1)],
    lambda: [TODAY, dt.date(9999, 12, 31)],
], ids=["far-future", "year-one", "today-to-far-future"])
def test_plan_days_refuses_before_planning(ctx, wanted):
    with pytest.raises(P.OutOfRange, match="outside the plan's range"):
        P.plan_days(ctx, wanted())


@pytest.mark.parametrize("start, days", [(dt.date(9999, 12, 25), 3), (TODAY, 1_000_000), (TODAY, -5), (TODAY, 0)])
def test_dates_refuses_without_overflowing(ctx, start, days):
    with pytest.raises(P.OutOfRange):
        P.dates(ctx, start, days)


def test_a_smaller_reach_in_schedule_yaml_is_kept(scratch, monkeypatch, capsys):
    monkeypatch.delenv("ETALASE_DB", raising=False)
    (scratch.root / "schedule.yaml").write_text("max_days_ahead: 30\nmax_days_back: 60\n", encoding="utf-8")
    assert cli(scratch.root, "plan", "--days", "31") == 0
    capsys.readouterr()
    assert cli(scratch.root, "plan", "--days", "32") == 1
    err = capsys.readouterr().err
    assert "32 days from" in err and "is outside the plan's range" in err


def test_a_horizon_beyond_the_reach_is_a_schedule_error(tmp_path):
    (tmp_path / "schedule.yaml").write_text("horizon_days: 20\nmax_days_ahead: 10\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="horizon_days: 20 days reach beyond max_days_ahead"):
        load_settings(tmp_path / "schedule.yaml")


@pytest.mark.parametrize("args", [
    ("plan", "--from", "9999-12-25", "--days", "3"),
    ("plan", "--from", "0001-01-01"),
    ("build", "--date", "9999-12-31", "--draft"),
    ("build", "--days", "1000000", "--draft"),
    ("plan", "skip", "9999-12-31"),
    ("plan", "swap", "9999-12-31", "tas-purun"),
    ("posted", "0001-01-01", "--product", "tas-purun"),
], ids=lambda a: " ".join(a))
def test_the_cli_answers_at_once_with_the_allowed_range(scratch, monkeypatch, capsys, args):
    monkeypatch.delenv("ETALASE_DB", raising=False)
    monkeypatch.delenv("ETALASE_USER", raising=False)
    assert cli(scratch.root, *args) == 1
    err = capsys.readouterr().err
    assert "is outside the plan's range: use dates from" in err
    assert "max_days_back, max_days_ahead in schedule.yaml" in err
    assert not (scratch.root / "exports").exists() or not any((scratch.root / "exports").glob("????-*"))


def test_a_refused_change_stores_nothing(ctx):
    with pytest.raises(P.OutOfRange):
        P.skip(ctx, dt.date(9999, 12, 31), "ayu")
    with pytest.raises(P.OutOfRange):
        P.mark_posted(ctx, dt.date(1, 1, 1), "ayu", product="tas-purun")
    assert S.overrides(ctx.conn) == {} and S.posts(ctx.conn) == {}


@pytest.fixture
def client(web_office):
    app = create_app(Project.at(web_office.root), require_login=False, local_user="ayu", clock=FixedClock(NOW))
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize("path", ["/hari/9999-12-31", "/hari/0001-01-01", "/hari/9999-12-31/tukar",
                                  "/kalender?mulai=9999-12-25", "/kalender?mulai=0001-01-01"])
def test_dashboard_pages_answer_404_in_indonesian(client, path):
    page = client.get(path)
    assert page.status_code == 404
    assert "Tanggal di luar jangkauan" in page.text and "di luar jangkauan rencana" in page.text


@pytest.mark.parametrize("path", ["/api/days/9999-12-31", "/api/days?start=0001-01-01&end=0001-01-05",
                                  "/api/days?start=9999-12-01&end=9999-12-31"])
def test_the_api_answers_400(client, path):
    got = client.get(path)
    assert got.status_code == 400
    assert got.json()["error"] == "Tanggal di luar jangkauan"
    assert "di luar jangkauan rencana" in got.json()["detail"]


def test_the_api_refuses_a_change_far_ahead_and_stores_nothing(client, web_office):
    token = csrf_of(client.get("/").text)
    got = client.post("/api/days/9999-12-31/skip", headers={"X-CSRF-Token": token})
    assert got.status_code == 400, got.text
    from pipeline.store import db as store

    conn = store.connect(web_office.root / "state" / "etalase.db")
    try:
        assert S.overrides(conn) == {}
    finally:
        conn.close()


@pytest.mark.parametrize("args", [
    ("plan", "--days", "0"), ("build", "--days", "0", "--draft"), ("build", "--days", "-2"), ("demo", "--days", "0"),
    ("hub", "build", ".", "--days", "0"), ("plan", "--days", "tujuh"),
], ids=lambda a: " ".join(a))
def test_days_of_zero_or_less_are_refused_not_read_as_the_default(scratch, monkeypatch, capsys, args):
    """`--days 0` used to build the default horizon (0 read as "not given")."""
    monkeypatch.delenv("ETALASE_DB", raising=False)
    with pytest.raises(SystemExit) as stop:
        cli(scratch.root, *args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "argument --days:" in err and ("ask for 1 day or more" in err or "is not a number of days" in err)
    assert not (scratch.root / "exports").exists() or not any((scratch.root / "exports").glob("????-*"))
