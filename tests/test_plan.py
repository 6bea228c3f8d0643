"""The planner: fairness, cooldowns, themes, overrides and stability, by example and by property."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pipeline.common.models import Artisan, Product
from pipeline.plan import planner as P
from pipeline.plan.planner import Feature, Override, horizon, make_plan
from pipeline.plan.schedule import DayRule, Rotation, Settings, SpecialDay, Theme

MONDAY = dt.date(2026, 9, 28)  # a Monday; Wednesday is 30 Sep, Hari Batik (Friday) 2 Oct
KECAMATAN = ("Sei Rampah", "Sipispis", "Perbaungan", "Pantai Cermin", "Dolok Masihul")
CRAFTS = ("anyaman-purun", "anyaman-pandan", "tenun", "batik")


def artisan(slug: str, kecamatan: str = "Sei Rampah") -> Artisan:
    return Artisan(slug, slug.title(), kecamatan)


def product(slug: str, artisan: str, craft: str = "anyaman-purun", tags: tuple[str, ...] = ()) -> Product:
    return Product(slug, slug, artisan, craft, (), tags=tags)


def plain(**kw) -> Settings:
    """No themes, no special days: rotation alone."""
    return Settings(special_days=(), **kw)


def week(**rules: DayRule) -> tuple[DayRule, ...]:
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return tuple(rules.get(n, DayRule()) for n in names)


# Examples ---------------------------------------------------------------------------------------

def test_theme_day_prefers_the_craft_and_says_why():
    arts = {"ani": artisan("ani"), "budi": artisan("budi", "Sipispis")}
    prods = [product("tas-purun", "ani"), product("kain-tenun", "budi", "tenun")]
    settings = plain(weekdays=week(wednesday=DayRule(theme="tenun")), rotation=Rotation(7, 3))
    history = [Feature(dt.date(2026, 9, 21), "kain-tenun", "budi", P.POSTED)]
    slot = make_plan([dt.date(2026, 9, 30)], prods, arts, settings, history)[0]
    assert slot.product == "kain-tenun"
    assert slot.reason == "tema Rabu: tenun; pengrajin belum tampil 9 hari"
    assert slot.reason_id == "theme" and slot.theme == "tenun"


def test_undeclared_theme_matches_craft_prefix_and_tags():
    theme = Settings().theme("anyaman")
    assert theme.matches("anyaman-pandan", ())
    assert theme.matches("batik", ("anyaman",))
    assert not theme.matches("tenun", ())


def test_special_day_theme_and_intro_win_over_weekday():
    arts = {"ani": artisan("ani"), "budi": artisan("budi")}
    prods = [product("tas-purun", "ani"), product("kain-batik", "budi", "batik")]
    settings = Settings(weekdays=week(friday=DayRule(theme="anyaman")),
                        special_days=(SpecialDay(10, 2, "Hari Batik Nasional", None, "batik", "spesial", "Selamat!"),))
    slot = make_plan([dt.date(2026, 10, 2)], prods, arts, settings)[0]
    assert slot.product == "kain-batik"
    assert slot.reason.startswith("Hari Batik Nasional; tema batik;")
    assert P.SPECIAL_DAY in slot.flags and (slot.special, slot.template, slot.intro) == (
        "Hari Batik Nasional", "spesial", "Selamat!")


def test_theme_falls_back_when_no_product_matches():
    prods = [product("tas-purun", "ani")]
    settings = plain(weekdays=week(wednesday=DayRule(theme="tenun")))
    slot = make_plan([dt.date(2026, 9, 30)], prods, {"ani": artisan("ani")}, settings)[0]
    assert slot.product == "tas-purun" and P.THEME_MISSED in slot.flags
    assert "belum ada produk tenun yang bisa tampil" in slot.reason


def test_least_recently_featured_artisan_then_product():
    arts = {a: artisan(a) for a in ("ani", "budi")}
    prods = [product("a1", "ani"), product("a2", "ani"), product("b1", "budi")]
    history = [Feature(MONDAY - dt.timedelta(days=2), "b1", "budi", P.POSTED),
               Feature(MONDAY - dt.timedelta(days=5), "a1", "ani", P.POSTED)]
    slot = make_plan([MONDAY], prods, arts, plain(rotation=Rotation(0, 0)), history)[0]
    assert (slot.artisan, slot.product) == ("ani", "a2")  # ani waited longer; a2 never shown


def test_cooldown_is_broken_only_when_nothing_else_can_go_and_says_so():
    arts = {"ani": artisan("ani")}
    prods = [product("tas-purun", "ani")]
    slots = make_plan(horizon(MONDAY, 2), prods, arts, plain(rotation=Rotation(14, 3)))
    assert P.COOLDOWN_BROKEN not in slots[0].flags
    assert P.COOLDOWN_BROKEN in slots[1].flags and slots[1].reason_id == "cooldown_broken"
    assert "jeda rotasi dilanggar karena tidak ada pilihan lain" in slots[1].reason
    assert "aturan 14 hari" in slots[1].reason and "aturan 3 hari" in slots[1].reason


def test_admin_overrides_posted_days_and_blackout():
    arts = {a: artisan(a) for a in ("ani", "budi", "cici")}
    prods = [product("a1", "ani"), product("b1", "budi"), product("c1", "cici")]
    days = horizon(MONDAY, 5)
    settings = plain(blackout=((days[4], days[4]),))
    overrides = {days[0]: Override(days[0], "c1", P.SWAPPED), days[1]: Override(days[1], "b1", P.PINNED),
                 days[2]: Override(days[2], "a1", P.SWAPPED, skipped=True)}
    history = [Feature(days[3], "retired-thing", "dodi", P.POSTED)]
    slots = make_plan(days, prods, arts, settings, history, overrides)
    assert [(s.product, s.reason) for s in slots] == [
        ("c1", "dipilih admin"), ("b1", "dikunci admin"), (None, "dilewati admin"),
        ("retired-thing", "sudah diunggah"), (None, "tanggal tanpa unggahan (blackout di schedule.yaml)")]
    assert [sorted(s.flags) for s in slots] == [[P.SWAPPED], [P.PINNED], [P.SKIPPED], [P.POSTED], [P.BLACKOUT]]
    assert all(s.fixed for s in slots)


def test_override_of_a_product_that_lost_approval_is_dropped_with_a_reason():
    prods = [product("a1", "ani")]
    overrides = {MONDAY: Override(MONDAY, "gone", P.SWAPPED)}
    slot = make_plan([MONDAY], prods, {"ani": artisan("ani")}, plain(), (), overrides)[0]
    assert slot.product == "a1" and P.OVERRIDE_DROPPED in slot.flags
    assert slot.reason.startswith("pilihan admin (gone) tidak lagi disetujui; ")


def test_no_approved_products():
    slot = make_plan([MONDAY], [], {}, plain())[0]
    assert (slot.product, slot.reason, slot.flags) == (None, "tidak ada produk yang disetujui", frozenset({P.EMPTY}))


def test_exported_day_keeps_its_product_when_a_better_candidate_is_approved():
    arts = {a: artisan(a) for a in ("ani", "budi")}
    first = make_plan([MONDAY], [product("a1", "ani")], arts, plain())[0]
    history = [Feature(MONDAY, first.product, first.artisan, P.EXPORTED)]
    again = make_plan([MONDAY], [product("a1", "ani"), product("b1", "budi")], arts, plain(), history)[0]
    assert again.product == "a1" and again.reason == "sudah dibuat; produknya tidak berganti"


# Properties -------------------------------------------------------------------------------------

@st.composite
def worlds(draw, themes: bool = True):
    """A random catalogue, rules, history and admin overrides."""
    n_art = draw(st.integers(1, 6))
    arts = {f"a{i}": artisan(f"a{i}", draw(st.sampled_from(KECAMATAN))) for i in range(n_art)}
    n_prod = draw(st.integers(0, 12))
    prods = [product(f"p{j:02d}", draw(st.sampled_from(sorted(arts))), draw(st.sampled_from(CRAFTS)),
                     tuple(draw(st.lists(st.sampled_from(("anyaman", "batik", "promo")), max_size=2))))
             for j in range(n_prod)]
    rules = week()
    if themes:
        rules = tuple(DayRule(theme=draw(st.sampled_from((None, None, "anyaman", "tenun", "batik")))) for _ in range(7))
    settings = Settings(
        weekdays=rules, special_days=(SpecialDay(10, 2, "Hari Batik Nasional", None, "batik"),) if themes else (),
        themes=(Theme("batik", "batik", ("batik",), ("batik",)),),
        rotation=Rotation(draw(st.integers(0, 20)), draw(st.integers(0, 6))))
    start = MONDAY + dt.timedelta(days=draw(st.integers(0, 6)))
    days = horizon(start, draw(st.integers(1, 21)))
    history = []
    if prods:
        for _ in range(draw(st.integers(0, 10))):
            p = draw(st.sampled_from(prods))
            history.append(Feature(start - dt.timedelta(days=draw(st.integers(1, 30))), p.slug, p.artisan, P.POSTED))
    overrides = {}
    for d in days:
        kind = draw(st.sampled_from((None, None, None, P.SWAPPED, P.PINNED, "skip")))
        if kind == "skip":
            overrides[d] = Override(d, skipped=True)
        elif kind and prods:
            overrides[d] = Override(d, draw(st.sampled_from(prods)).slug, kind)
    return arts, prods, settings, days, history, overrides


def violates(settings: Settings, p: Product, day: dt.date, events: list[tuple[dt.date, str, str]]) -> bool:
    rot = settings.rotation
    return any((e_prod == p.slug and abs((day - e_day).days) < rot.product_days)
               or (e_art == p.artisan and abs((day - e_day).days) < rot.artisan_days)
               for e_day, e_prod, e_art in events if e_day != day)


FAST = hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(worlds())
def test_deterministic_whatever_the_input_order(world):
    arts, prods, settings, days, history, overrides = world
    plan = make_plan(days, prods, arts, settings, history, overrides)
    rng = random.Random(len(prods))
    shuffled = dict(sorted(arts.items(), reverse=True))
    again = make_plan(rng.sample(days, len(days)), rng.sample(prods, len(prods)), shuffled, settings,
                      rng.sample(history, len(history)), overrides)
    assert plan == again
    assert [s.date for s in plan] == sorted(days)


@FAST
@given(worlds())
def test_only_approved_products_and_no_avoidable_cooldown_violation(world):
    arts, prods, settings, days, history, overrides = world
    plan = make_plan(days, prods, arts, settings, history, overrides)
    approved = {p.slug: p for p in prods}
    events = [(f.date, f.product, f.artisan) for f in history if f.date not in days]
    events += [(s.date, s.product, s.artisan) for s in plan if s.fixed and s.product]
    for s in plan:
        if s.fixed:
            continue
        if s.product is None:
            assert not approved and P.EMPTY in s.flags
            continue
        assert s.product in approved  # invariant 1
        if violates(settings, approved[s.product], s.date, events):
            assert P.COOLDOWN_BROKEN in s.flags
            assert all(violates(settings, p, s.date, events) for p in prods), "an unblocked product was passed over"
        else:
            assert P.COOLDOWN_BROKEN not in s.flags
        events.append((s.date, s.product, s.artisan))


@FAST
@given(worlds(), st.data())
def test_exported_and_pinned_days_keep_their_product_when_products_are_added(world, data):
    arts, prods, settings, days, history, overrides = world
    plan = make_plan(days, prods, arts, settings, history, overrides)
    exported = [s for s in plan if s.product and not s.fixed and data.draw(st.booleans())]
    pinned = {s.date: Override(s.date, s.product, P.PINNED) for s in plan
              if s.product and not s.fixed and s not in exported and data.draw(st.booleans())}
    history2 = history + [Feature(s.date, s.product, s.artisan, P.EXPORTED) for s in exported]
    overrides2 = {**overrides, **pinned}
    newcomers = [product(f"new{i}", data.draw(st.sampled_from(sorted(arts))), data.draw(st.sampled_from(CRAFTS)))
                 for i in range(data.draw(st.integers(1, 4)))]
    again = {s.date: s for s in make_plan(days, prods + newcomers, arts, settings, history2, overrides2)}
    for s in exported:
        assert again[s.date].product == s.product and P.EXPORTED in again[s.date].flags
    for d, o in pinned.items():
        assert again[d].product == o.product and P.PINNED in again[d].flags
    for s in plan:
        if s.fixed:
            assert again[s.date].product == s.product


@FAST
@given(st.integers(1, 7), st.integers(1, 3), st.integers(0, 40), st.data())
def test_every_artisan_is_featured_within_a_bound(n_art, per_artisan, product_days, data):
    """Without themes: the first n_art days show every artisan once, and with no product cooldown
    every window of n_art days shows every artisan (round robin)."""
    arts = {f"a{i}": artisan(f"a{i}", KECAMATAN[i % len(KECAMATAN)]) for i in range(n_art)}
    prods = [product(f"a{i}-p{j}", f"a{i}", data.draw(st.sampled_from(CRAFTS)))
             for i in range(n_art) for j in range(per_artisan)]
    artisan_days = data.draw(st.integers(0, n_art))
    days = horizon(MONDAY, 4 * n_art)
    plan = make_plan(days, prods, arts, plain(rotation=Rotation(product_days, artisan_days)))
    assert {s.artisan for s in plan[:n_art]} == set(arts)
    if product_days == 0:
        for i in range(len(plan) - n_art + 1):
            assert {s.artisan for s in plan[i:i + n_art]} == set(arts)


def test_balance_spreads_first_week_across_crafts_and_kecamatan():
    arts = {"ani": artisan("ani", "Sei Rampah"), "budi": artisan("budi", "Sei Rampah"),
            "cici": artisan("cici", "Sipispis"), "dodi": artisan("dodi", "Sipispis")}
    prods = [product("ani-1", "ani", "tenun"), product("budi-1", "budi", "tenun"),
             product("cici-1", "cici", "batik"), product("dodi-1", "dodi", "tenun")]
    plan = make_plan(horizon(MONDAY, 2), prods, arts, plain())
    # day 1 takes the first slug; day 2 avoids both its craft (tenun) and its kecamatan (Sei Rampah)
    assert [s.product for s in plan] == ["ani-1", "cici-1"]


# The admin's picks through the CLI, on a real state database ----------------------------------------
# (the `pinned_now` fixture holds the CLI's `today` still, however long a test takes)

def cli(scratch, *argv):
    import contextlib
    import io

    from pipeline.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(scratch.root), *argv])
    return code, out.getvalue(), err.getvalue()


def plan_rows(scratch) -> dict[str, list[str]]:
    code, out, _ = cli(scratch, "plan", "--days", "5")
    assert code == 0
    rows = [line.split() for line in out.splitlines()[2:]]
    return {r[0]: r for r in rows}


def test_swap_pin_skip_unskip_unpin_from_the_cli(shop, pinned_now):
    scratch = shop
    code, out, err = cli(scratch, "plan", "--days", "5")
    assert code == 0 and out.startswith("Plan for 5 day(s) from ") and "3 approved product(s)" in out
    assert out.splitlines()[1].split() == ["DATE", "DAY", "PRODUCT", "ARTISAN", "STATUS", "REASON"]
    assert len(out.splitlines()) == 7

    code, out, _ = cli(scratch, "plan", "swap", "+1", "kain-tenun", "--as", "siti")
    assert code == 0 and "swapped: kain-tenun (dipilih admin)" in out
    code, out, _ = cli(scratch, "plan", "pin", "+2")
    assert code == 0 and "(dikunci admin)" in out
    code, _, _ = cli(scratch, "plan", "skip", "+3")
    assert code == 0
    rows = plan_rows(scratch)
    by_offset = [rows[d] for d in sorted(rows)]
    assert by_offset[1][2:5] == ["kain-tenun", "budi", "swapped"]
    assert by_offset[2][4] == "pinned" and by_offset[3][2:5] == ["-", "-", "skipped"]
    assert " ".join(by_offset[3][5:]) == "dilewati admin"

    assert cli(scratch, "plan", "skip", "+3")[0] == 1  # already skipped: says so
    assert cli(scratch, "plan", "unskip", "+3")[0] == 0
    assert cli(scratch, "plan", "unpin", "+1")[0] == 0
    rows = plan_rows(scratch)
    by_offset = [rows[d] for d in sorted(rows)]
    assert by_offset[3][4] == "planned" and by_offset[1][4] == "planned"

    from pipeline.plan import ledger as planstate
    from pipeline.store import db as store

    conn = store.connect(store.db_path(scratch.root / "state"))
    log = [(r["action"], r["product"], r["actor"]) for r in planstate.log(conn)]
    conn.close()
    assert [a for a, _, _ in log] == ["swap", "pin", "skip", "unskip", "unpin"]
    assert log[0][2] == "siti" and log[1][2].startswith("os:")


def test_a_swap_to_an_unapproved_product_is_refused_with_the_reason(shop, pinned_now):
    scratch = shop
    code, _, err = cli(scratch, "plan", "swap", "tomorrow", "selendang")
    assert code == 1
    assert "error: `selendang` cannot be planned: it is submitted, not approved" in err
    assert "etalase review approve selendang" in err

    scratch.product("tas-purun", size="40 x 30 cm")  # edited after approval: back to review
    code, _, err = cli(scratch, "plan", "swap", "tomorrow", "tas-purun")
    assert code == 1 and "edited after approval and needs review again" in err
    code, _, err = cli(scratch, "plan", "swap", "tomorrow", "tas-purn")
    assert code == 1 and "did you mean `tas-purun`?" in err
    code, _, err = cli(scratch, "plan", "swap", "2020-01-01", "kain-tenun")
    assert code == 1 and "is in the past" in err
    from pipeline.curation import users
    from pipeline.store import db as store

    conn = store.connect(scratch.root / "state" / "etalase.db")
    users.ensure(conn, "budi", "editor")
    conn.close()
    code, _, err = cli(scratch, "plan", "swap", "tomorrow", "kain-tenun", "--as", "budi")
    assert code == 1 and "only admins or curators may change the plan" in err


def test_posted_and_unposted_feed_the_rotation(shop, pinned_now):
    scratch = shop
    today = plan_rows(scratch)
    first = sorted(today)[0]
    code, out, err = cli(scratch, "posted", "today", "--url", "https://www.tiktok.com/@x/video/1", "--product",
                         "kain-tenun")
    assert code == 0, err
    assert out.strip() == f"{first} marked posted: kain-tenun (https://www.tiktok.com/@x/video/1)"
    rows = plan_rows(scratch)
    assert rows[first][2:5] == ["kain-tenun", "budi", "posted"]
    tomorrow = sorted(rows)[1]
    assert rows[tomorrow][3] == "ani"  # budi was just featured: the other artisan comes next
    assert cli(scratch, "posted", "+1")[0] == 1  # the future cannot be posted
    assert cli(scratch, "plan", "swap", "today", "tas-purun")[0] == 1  # a posted day is history
    code, out, _ = cli(scratch, "unposted", "today")
    assert code == 0 and "no longer marked posted (was kain-tenun)" in out
    assert cli(scratch, "unposted", "today")[0] == 1


@FAST
@given(worlds(), st.data())
def test_a_day_gets_the_same_product_however_far_ahead_the_plan_reaches(world, data):
    """`etalase plan --days 3`, `build --days 3`, a pin (planned to the horizon) and the dashboard agree,
    even with an admin's pick beyond the shorter span."""
    arts, prods, settings, days, history, overrides = world
    full = make_plan(days, prods, arts, settings, history, overrides)
    cut = data.draw(st.integers(1, len(days)))
    assert make_plan(days[:cut], prods, arts, settings, history, overrides) == full[:cut]
