"""The results store (migration 0005, pipeline/results/readings.py): readings kept, never overwritten."""

from __future__ import annotations

import datetime as dt
import sqlite3
from zoneinfo import ZoneInfo

import pytest

from pipeline.common.errors import ContentError
from pipeline.results.readings import Reading, add_reading, latest_readings, readings
from pipeline.store import db as store

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 12, 8, 9, 30, tzinfo=WIB)
D1, D2 = dt.date(2026, 12, 1), dt.date(2026, 12, 2)


@pytest.fixture
def conn(tmp_path):
    c = store.connect(tmp_path / "etalase.db")
    yield c
    c.close()


def test_several_readings_of_one_post_are_all_kept_and_the_latest_wins(conn):
    day1 = Reading(D1, "tiktok", D1, views=1200, likes=80)
    day7 = Reading(D1, "tiktok", dt.date(2026, 12, 7), views=5400, likes=310, shares=12, source="import:tt.csv")
    again = Reading(D1, "tiktok", dt.date(2026, 12, 7), views=5600, source="form")  # a second look that day
    insta = Reading(D1, "instagram", D2, views=300)
    for r in (day7, insta, day1, again):
        add_reading(conn, r, actor="rina", now=NOW)
    assert readings(conn) == [insta, day1, day7, again]
    latest = latest_readings(conn)
    assert latest == {(D1, "tiktok"): again, (D1, "instagram"): insta}
    rows = conn.execute("SELECT actor, at FROM results ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [("rina", "2026-12-08T09:30:00+07:00")] * 4


def test_readings_are_append_only_in_the_database(conn):
    add_reading(conn, Reading(D1, "tiktok", D1, views=10), actor="rina", now=NOW)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE results SET views = 99")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM results")
    assert [r.views for r in readings(conn)] == [10]


def test_readings_filter_by_post_day(conn):
    for day in (D1, D2, dt.date(2026, 12, 3)):
        add_reading(conn, Reading(day, "tiktok", day, views=day.day), actor="rina", now=NOW)
    assert [r.views for r in readings(conn, since=D2)] == [2, 3]
    assert [r.views for r in readings(conn, until=D2)] == [1, 2]
    assert [r.views for r in readings(conn, since=D2, until=D2)] == [2]


@pytest.mark.parametrize(("reading", "field", "message"), [
    (Reading(D1, "tiktok", D1), "views", "belum ada angka"),
    (Reading(D1, "tiktok", D1, views=-1), "views", "tidak boleh negatif"),
    (Reading(D2, "tiktok", D1, views=1), "read_on", "sebelum tanggal posting"),
    (Reading(D1, "", D1, views=1), "channel", "kanal"),
])
def test_bad_readings_are_refused_and_nothing_is_stored(conn, reading, field, message):
    with pytest.raises(ContentError) as caught:
        add_reading(conn, reading, actor="rina", now=NOW)
    assert caught.value.problems[0].field == field and message in caught.value.problems[0].message
    assert readings(conn) == []


def test_followers_gained_may_be_a_loss(conn):
    add_reading(conn, Reading(D1, "tiktok", D1, followers=-3), actor="rina", now=NOW)
    assert latest_readings(conn)[(D1, "tiktok")].followers == -3


def test_a_batch_is_stored_all_or_none(conn):
    from pipeline.results.readings import add_readings

    good = [Reading(D1, "tiktok", D1, views=1), Reading(D2, "tiktok", D2, views=2)]
    with pytest.raises(ContentError):
        add_readings(conn, [*good, Reading(D2, "tiktok", D1, views=3)], actor="rina", now=NOW)
    assert readings(conn) == []
    add_readings(conn, good, actor="rina", now=NOW)
    assert readings(conn) == good
