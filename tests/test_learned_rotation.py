"""The learned rotation (rotation.learn): a bounded extra share for better performers, and every approved
artisan still within the rotation window (pipeline/plan/planner.py, pipeline/results/performance.py)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pipeline.common.models import Artisan, Product
from pipeline.plan import planner as P
from pipeline.plan.planner import Feature, Performance, horizon, make_plan, rotation_window
from pipeline.plan.schedule import DayRule, Rotation, Settings
from pipeline.results.performance import performance
from pipeline.results.readings import Reading

MONDAY = dt.date(2026, 10, 5)
CRAFTS = ("anyaman-purun", "anyaman-pandan", "tenun", "batik")
KECAMATAN = ("Sei Rampah", "Sipispis", "Perbaungan", "Pantai Cermin")


def catalogue(n_art: int, per_artisan: list[int], crafts: list[str]):
    arts = {f"a{i}": Artisan(f"a{i}", f"A{i}", KECAMATAN[i % len(KECAMATAN)]) for i in range(n_art)}
    prods = [Product(f"a{i}-p{j}", f"a{i}-p{j}", f"a{i}", crafts[(i + j) % len(crafts)], ())
             for i in range(n_art) for j in range(per_artisan[i])]
    return arts, prods


def learning(share: float = 0.25, product_days: int = 14, artisan_days: int = 3, **kw) -> Settings:
    return Settings(special_days=(), rotation=Rotation(product_days, artisan_days, learn=True, learn_share=share),
                    **kw)


@st.composite
def ledgers(draw):
    """A random catalogue, performance, rules and a ledger of past posts (one a day at most)."""
    n_art = draw(st.integers(1, 8))
    per = [draw(st.integers(1, 3)) for _ in range(n_art)]
    arts, prods = catalogue(n_art, per, [draw(st.sampled_from(CRAFTS)) for _ in range(4)])
    scores = st.sampled_from((0.0, 0.25, 0.5, 1.0))
    perf = Performance({a: draw(scores) for a in arts if draw(st.booleans())},
                       {c: draw(scores) for c in CRAFTS if draw(st.booleans())})
    themes = tuple(DayRule(theme=draw(st.sampled_from((None, None, "anyaman", "tenun", "batik")))) for _ in range(7))
    settings = learning(draw(st.sampled_from((0.05, 0.1, 0.25, 0.5))), draw(st.integers(0, 20)),
                        draw(st.integers(0, 4)), weekdays=themes)
    past = draw(st.lists(st.integers(1, 40), unique=True, max_size=25))
    history = []
    for back in past:
        p = draw(st.sampled_from(prods))
        history.append(Feature(MONDAY - dt.timedelta(days=back), p.slug, p.artisan, P.POSTED))
    return arts, prods, settings, history, perf


def windows(plan, size):
    return [plan[i:i + size] for i in range(len(plan) - size + 1)]


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_every_approved_artisan_appears_within_every_rotation_window(ledger):
    arts, prods, settings, history, perf = ledger
    window = rotation_window(len(arts), settings.rotation)
    days = horizon(MONDAY, 3 * window + 10)
    plan = make_plan(days, prods, arts, settings, history, performance=perf)
    for chunk in windows(plan, window):
        shown = Counter(s.artisan for s in chunk)
        assert set(shown) == set(arts), (chunk[0].date, window, shown)
        assert max(shown.values()) <= window - len(arts) + 1  # the bound on anyone's extra share
    # deterministic: the same plan whatever order the inputs come in
    rng = random.Random(len(prods))
    again = make_plan(rng.sample(days, len(days)), rng.sample(prods, len(prods)), dict(reversed(arts.items())),
                      settings, rng.sample(history, len(history)), performance=perf)
    assert again == plan


def test_the_rotation_window_is_the_artisans_over_the_share_left_to_fairness():
    assert rotation_window(8, Rotation(learn_share=0.25)) == 11  # 8 / 0.75 = 10.67
    assert rotation_window(6, Rotation(learn_share=0.25)) == 8
    assert rotation_window(2, Rotation(artisan_days=3, learn_share=0.25)) == 3  # never below the artisan cooldown


def test_a_strong_artisan_gets_a_bounded_extra_share_and_the_reason_says_so():
    arts, prods = catalogue(4, [3, 3, 3, 3], ["tenun", "batik", "anyaman-purun", "anyaman-pandan"])
    star = Performance({"a2": 1.0, "a0": 0.0, "a1": 0.5}, {}, {"a2": "median 9.800 tayangan dari 6 posting"})
    days = horizon(MONDAY, 60)
    settings = learning(0.25, product_days=0, artisan_days=1)
    plain = make_plan(days, prods, arts, learning(0.25, product_days=0, artisan_days=1).__class__(
        special_days=(), rotation=Rotation(0, 1)), performance=star)
    learned = make_plan(days, prods, arts, settings, performance=star)
    assert Counter(s.artisan for s in plain) == {"a0": 15, "a1": 15, "a2": 15, "a3": 15}  # round robin
    counts = Counter(s.artisan for s in learned)
    window = rotation_window(4, settings.rotation)
    assert window == 6
    assert counts["a2"] > 15 and counts["a2"] <= 60 * 2 // window + 1  # at most 2 of every 6 days
    assert all(counts[a] >= 60 // window for a in arts)
    boosted = [s for s in learned if P.LEARNED in s.flags]
    assert {s.artisan for s in boosted} == {"a1", "a2"} and {s.reason_id for s in boosted} == {"learned"}
    assert counts["a2"] == max(counts.values()) > counts["a3"]  # a3 has no results: no boost
    assert ("rotasi belajar dari hasil: pengrajin ini median 9.800 tayangan dari 6 posting (jatah tambahan paling "
            "banyak 25% hari; semua pengrajin tetap tampil dalam 6 hari)") in next(s for s in boosted
                                                                                  if s.artisan == "a2").reason
    assert all(P.LEARNED not in s.flags for s in plain)


def test_learning_is_off_by_default_and_without_results():
    arts, prods = catalogue(3, [2, 2, 2], ["tenun", "batik"])
    days = horizon(MONDAY, 21)
    star = Performance({"a1": 1.0, "a0": 0.0})
    off = Settings(special_days=())
    assert make_plan(days, prods, arts, off, performance=star) == make_plan(days, prods, arts, off)
    on = learning(0.25)
    assert [s.product for s in make_plan(days, prods, arts, on, performance=Performance())] == \
        [s.product for s in make_plan(days, prods, arts, off)]


def test_performance_scores_rank_medians_of_artisans_and_crafts_with_enough_posts():
    day = dt.date(2026, 9, 1)
    posts, latest = {}, {}
    plan = [("a0", "p-tenun", 100), ("a0", "p-tenun", 300), ("a0", "p-tenun", 200),  # median 200
            ("a1", "p-batik", 5000), ("a1", "p-batik", 7000), ("a1", "p-batik", 6000), ("a1", "p-batik", 1),
            ("a2", "p-batik", 900), ("a2", "p-batik", 1100), ("a2", "p-tenun", 1000),  # median 1000
            ("a3", "p-tenun", 99999), ("a3", "p-tenun", 99999)]  # two posts: not a trend
    for i, (artisan, product, views) in enumerate(plan):
        d = day + dt.timedelta(days=i)
        posts[d] = (product, artisan)
        # two channels: their latest readings add up; an older reading does not count
        latest[(d, "tiktok")] = Reading(d, "tiktok", d, views=views - views // 4)
        latest[(d, "instagram")] = Reading(d, "instagram", d, views=views // 4)
    perf = performance(posts, {"p-tenun": "tenun", "p-batik": "batik"}, latest)
    assert perf.artisans == {"a0": 0.0, "a2": 0.5, "a1": 1.0}
    assert perf.artisan_notes["a1"] == "median 5.500 tayangan dari 4 posting"
    assert "a3" not in perf.artisans and "a3" not in perf.artisan_notes
    # tenun: 100, 300, 200, 1000, 99999, 99999 -> median 650; batik: 5000, 7000, 6000, 1, 900, 1100 -> (1100 + 5000) / 2
    assert perf.crafts == {"tenun": 0.0, "batik": 1.0}
    assert perf.craft_notes == {"tenun": "median 650 tayangan dari 6 posting",
                                "batik": "median 3.050 tayangan dari 6 posting"}


def test_learn_settings_are_read_and_validated(tmp_path):
    import pytest

    from pipeline.common.errors import ConfigError
    from pipeline.plan.schedule import load_settings

    path = tmp_path / "schedule.yaml"
    path.write_text("rotation:\n  learn: true\n  learn_share: 30%\n", encoding="utf-8")
    assert (load_settings(path).rotation.learn, load_settings(path).rotation.learn_share) == (True, 0.3)
    assert load_settings(tmp_path / "absent.yaml").rotation.learn is False
    path.write_text("rotation:\n  learn: true\n  learn_share: 0.9\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (3, "rotation.learn_share") and "0.05 to 0.5" in problem.message


def test_the_plan_learns_from_the_stored_results_when_the_setting_is_on(shop):
    from zoneinfo import ZoneInfo

    from pipeline.common.clock import FixedClock
    from pipeline.common.project import Project
    from pipeline.plan import admin
    from pipeline.plan import ledger as L
    from pipeline.results.readings import add_reading
    from pipeline.store import db as store

    wib = ZoneInfo("Asia/Jakarta")
    project = Project.at(root=shop.root)
    conn = store.connect(project.db)
    start = dt.date(2026, 9, 1)
    for i in range(8):  # ani's tikar-purun drew 300 views a post, budi's kain-tenun 9.000
        day = start + dt.timedelta(days=i)
        product, artisan, views = ("tikar-purun", "ani", 300) if i % 2 else ("kain-tenun", "budi", 9000)
        at = dt.datetime.combine(day, dt.time(19, 5), tzinfo=wib)
        L.mark_posted(conn, day, product, artisan, None, "rina", at)
        add_reading(conn, Reading(day, "tiktok", day + dt.timedelta(days=3), views=views), actor="rina", now=at)
    clock = FixedClock(dt.datetime(2026, 10, 1, 5, 0, tzinfo=wib))
    schedule = shop.root / "schedule.yaml"
    text = schedule.read_text(encoding="utf-8").replace("product_days: 2", "product_days: 0")  # budi has 1 product
    schedule.write_text(text, encoding="utf-8")
    days = horizon(dt.date(2026, 10, 1), 12)
    plain = admin.plan_days(admin.open_context(project, clock, conn), days)
    schedule.write_text(text.replace("artisan_days: 1}", "artisan_days: 1, learn: true}"), encoding="utf-8")
    ctx = admin.open_context(project, clock, conn)
    assert ctx.settings.rotation.learn
    learned = admin.plan_days(ctx, days)
    assert all(P.LEARNED not in s.flags for s in plain)
    boosted = [s for s in learned if P.LEARNED in s.flags]
    assert boosted and {s.artisan for s in boosted} == {"budi"}
    assert "pengrajin ini median 9.000 tayangan dari 4 posting" in boosted[0].reason
    assert Counter(s.artisan for s in learned)["budi"] > Counter(s.artisan for s in plain)["budi"]
    for chunk in windows(learned, rotation_window(2, ctx.settings.rotation)):
        assert {s.artisan for s in chunk} == {"ani", "budi"}
    conn.close()
