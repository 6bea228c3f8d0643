"""The best posting time from the council's own results (pipeline/results/besttime.py), and its use as the
suggested time through the plan's settings (pipeline/plan/admin.learned)."""

from __future__ import annotations

import datetime as dt
import textwrap
from zoneinfo import ZoneInfo

import pytest

from pipeline.common.clock import FixedClock
from pipeline.common.errors import ConfigError
from pipeline.common.project import Project
from pipeline.plan import admin as P
from pipeline.plan import ledger
from pipeline.plan.schedule import load_settings
from pipeline.results.besttime import best_time, best_time_from
from pipeline.results.readings import Reading, add_reading
from pipeline.store import db as store

WIB = ZoneInfo("Asia/Jakarta")
START = dt.date(2026, 1, 5)  # a Monday


def seed(conn, posts: list[tuple[int, int]], first: dt.date = START) -> None:
    """One post a day from `first`, marked posted at (hour):10 WIB, its day-7 reading with `views`."""
    for i, (hour, views) in enumerate(posts):
        day = first + dt.timedelta(days=i)
        at = dt.datetime.combine(day, dt.time(hour, 10), tzinfo=WIB)
        ledger.mark_posted(conn, day, f"p{i}", "ani", None, "rina", at)
        add_reading(conn, Reading(day, "tiktok", day + dt.timedelta(days=1), views=views // 2), actor="rina", now=at)
        add_reading(conn, Reading(day, "tiktok", day + dt.timedelta(days=7), views=views), actor="rina", now=at)


@pytest.fixture
def conn(tmp_path):
    c = store.connect(tmp_path / "etalase.db")
    yield c
    c.close()


def test_too_few_posts_with_results_keep_the_configured_time(conn):
    seed(conn, [(20, 5000)] * 19)
    best = best_time_from(conn, configured=dt.time(19), needed=20, zone=WIB)
    assert (best.at, best.learned, best.posts) == (dt.time(19), False, 19)
    assert best.reason == ("jam 19:00 dari schedule.yaml; jam terbaik dihitung setelah 20 posting punya hasil "
                           "(baru 19)")


def test_enough_posts_switch_to_the_hour_that_drew_most_views(conn):
    # 10 posts at 19h with 1.000 views, 10 at 20h with 5.000 (day-7 readings; the day-1 halves do not count),
    # 2 lucky posts at 21h with 40.000: tried fewer than three times, so not chosen.
    seed(conn, [(19, 1000), (20, 5000)] * 5 + [(21, 40000)] + [(19, 1000), (20, 5000)] * 5 + [(21, 40000)])
    best = best_time_from(conn, configured=dt.time(19), needed=20, zone=WIB)
    assert (best.at, best.learned, best.posts, best.hour_posts) == (dt.time(20), True, 22, 10)
    assert best.reason == ("jam terbaik dari hasil 22 posting sendiri: 20:00 (rata-rata 5.000 tayangan dari 10 "
                           "posting pada jam itu)")
    # A third good post at 21h: now tried three times; (3*40.000 + 3*overall) / 6 beats (10*5.000 + 3*overall) / 13
    seed(conn, [(21, 40000)], first=START + dt.timedelta(days=22))
    overall = (10 * 1000 + 10 * 5000 + 3 * 40000) / 23
    assert (3 * 40000 + 3 * overall) / 6 > (10 * 5000 + 3 * overall) / 13
    assert best_time_from(conn, configured=dt.time(19), needed=20, zone=WIB).at == dt.time(21)


def test_hours_count_in_the_configured_zone_and_zero_turns_it_off():
    day = dt.date(2026, 3, 2)
    moments = [(day + dt.timedelta(days=i), dt.datetime(2026, 3, 2 + i, 13, 0, tzinfo=dt.UTC)) for i in range(3)]
    latest = {(d, "tiktok"): Reading(d, "tiktok", d, views=100) for d, _ in moments}
    assert best_time(moments, latest, configured=dt.time(19), needed=3, zone=WIB).at == dt.time(20)  # 13 UTC = 20 WIB
    assert best_time(moments, latest, configured=dt.time(19), needed=3, zone=ZoneInfo("Asia/Jayapura")).at == \
        dt.time(22)
    off = best_time(moments, latest, configured=dt.time(19), needed=0, zone=WIB)
    assert (off.at, off.learned) == (dt.time(19), False) and "dimatikan" in off.reason


def test_the_suggested_time_switches_on_at_the_configured_post_count(shop):
    (shop.root / "schedule.yaml").write_text(textwrap.dedent("""
        post_at: "19:00"
        best_time_posts: 6
        weekdays:
          saturday: {post_at: "10:00"}
    """).lstrip(), encoding="utf-8")
    project = Project.at(root=shop.root)
    clock = FixedClock(dt.datetime(2026, 2, 2, 5, 0, tzinfo=WIB))  # a Monday
    conn = store.connect(project.db)
    seed(conn, [(20, 3000)] * 5)
    ctx = P.open_context(project, clock, conn)
    monday, saturday = dt.date(2026, 2, 2), dt.date(2026, 2, 7)
    assert ctx.settings.post_time(monday) == dt.datetime(2026, 2, 2, 19, 0, tzinfo=WIB)
    assert "baru 5" in ctx.settings.post_at_reason
    seed(conn, [(20, 3000)], first=START + dt.timedelta(days=5))
    ctx = P.open_context(project, clock, conn)
    assert ctx.settings.post_time(monday) == dt.datetime(2026, 2, 2, 20, 0, tzinfo=WIB)
    assert ctx.settings.post_time(saturday).time() == dt.time(10, 0)  # a weekday's own time stays
    assert [s.post_at for s in P.plan_days(ctx, [monday])] == [dt.time(20, 0)]
    assert ctx.settings.post_at_reason.startswith("jam terbaik dari hasil 6 posting sendiri: 20:00")
    conn.close()


@pytest.mark.parametrize(("value", "message"), [("-1", "out of range"), ("banyak", ""), ("20000", "out of range")])
def test_best_time_posts_is_validated(tmp_path, value, message):
    path = tmp_path / "schedule.yaml"
    path.write_text(f"post_at: \"19:00\"\nbest_time_posts: {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (2, "best_time_posts") and message in problem.message
    assert load_settings(tmp_path / "none.yaml").best_time_posts == 20
