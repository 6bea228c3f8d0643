"""Pages served from the page cache (pipeline/web/pagecache.py): rendered once, never stale, never another's.

Renders are counted by the app itself (`WebState.pages.rendered`, bumped by every render.page call).
Nothing here waits on time: a content change on disk is awaited through the catalogue watcher's own
generation counter, everything else is seen on the very next request.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from conftest import csrf_of, web_approve, web_login
from fastapi.testclient import TestClient

from pipeline.common.clock import FixedClock, zone
from pipeline.common.project import Project
from pipeline.plan import ledger as S
from pipeline.store import db as store
from pipeline.web import create_app

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=zone("Asia/Jakarta"))
TODAY = NOW.date()
ALL = {f"check_{i}": "1" for i in ("photo_quality", "info_complete", "price_sensible", "artisan_consent",
                                   "craft_authentic")}
TIMEOUT = 120.0  # bounds a hang only: the wait ends as soon as the watcher has reloaded


@pytest.fixture
def office(web_office):
    web_office.product("tikar-pandan", photos=("p2.jpg",), name="Tikar Pandan")
    web_approve(web_office.root, "tas-purun")
    # A reader held open for the whole test, as `etalase serve`'s long-lived threads hold theirs: a
    # TestClient's worker threads end after each request, and when the last connection closes SQLite
    # checkpoints the WAL into the database file, whose stat the state version reads. That is only a
    # spare render in use, but it would make "served from the cache" depend on when a thread ended.
    keeper = store.connect(web_office.root / "state" / "etalase.db")
    yield web_office
    keeper.close()


def make_app(office, **kw):
    app = create_app(Project.at(office.root), clock=FixedClock(NOW), **kw)
    app.state.web.pages.ceiling = 24 * 3600.0  # the 10 s age limit never decides a test, however slow the machine
    return app


def local(office, user: str = "siti") -> TestClient:
    return TestClient(make_app(office, require_login=False, local_user=user))


def rendered(c: TestClient) -> int:
    return c.app.state.web.pages.rendered


def settled(c: TestClient, path: str) -> str:
    """GET `path` until a repeat is served from the cache (the first GET may consume a flash or make the
    session's CSRF token); returns the page, asserting the repeat rendered nothing."""
    c.get(path)
    html = c.get(path).text
    before = rendered(c)
    again = c.get(path)
    assert rendered(c) == before, f"{path} rendered again although nothing changed"
    assert again.text == html
    return html


def test_an_unchanged_page_is_rendered_once_then_served_from_the_cache(office):
    c = local(office)
    c.get("/kurasi")  # the first visit makes the session's CSRF token
    before = rendered(c)
    first = c.get("/kurasi")
    second = c.get("/kurasi")
    assert rendered(c) == before + 1 and c.app.state.web.pages.served >= 1
    assert second.status_code == 200 and second.text == first.text and "Tikar Pandan" in second.text
    assert second.headers["cache-control"] == "no-store"  # the browser keeps nothing
    assert "default-src 'self'" in second.headers["content-security-policy"]  # the guards still answer
    for path in ("/", "/kalender", "/kurasi/tikar-pandan", "/produk", "/produk?q=tikar", "/produk/tikar-pandan",
                 "/pengrajin", "/pengrajin/ani", "/riwayat", f"/hari/{TODAY + dt.timedelta(days=1)}"):
        settled(c, path)
    before = rendered(c)
    c.get("/produk?q=tas")  # another query is another page
    assert rendered(c) == before + 1


def test_a_decision_in_the_dashboard_shows_on_the_next_page(office):
    c = local(office)
    queue = settled(c, "/kurasi")
    assert "Menunggu keputusan (1)" in queue and "Tikar Pandan" in queue
    page = settled(c, "/kurasi/tikar-pandan")
    expected = re.search(r'name="expected_hash" value="([^"]+)"', page)[1]
    r = c.post("/kurasi/tikar-pandan", data={"csrf_token": csrf_of(page), "action": "approve", "note": "",
                                             "expected_hash": expected, **ALL}, follow_redirects=False)
    assert r.status_code == 303
    c.get("/pengrajin")  # shows (and so ends) the confirmation
    assert "Menunggu keputusan (0)" in c.get("/kurasi").text
    assert "Belum ada keputusan." in page and "Belum ada keputusan." not in c.get("/kurasi/tikar-pandan").text


def test_a_plan_change_in_the_dashboard_shows_on_the_next_page(office):
    c = local(office, "ayu")
    day = TODAY + dt.timedelta(days=2)
    week = settled(c, f"/kalender?mulai={day}")
    cell = re.compile(rf'id="d-{day}".*?</li>', re.S)
    assert "dilewati" not in cell.search(week)[0]
    r = c.post(f"/hari/{day}/lewati", data={"csrf_token": csrf_of(week)}, follow_redirects=False)
    assert r.status_code == 303
    c.get("/pengrajin")  # the confirmation
    assert "dilewati" in cell.search(c.get(f"/kalender?mulai={day}").text)[0]


def test_a_commit_by_the_cli_shows_on_the_next_page(office):
    c = local(office)
    before = settled(c, "/riwayat")
    conn = store.connect(office.root / "state" / "etalase.db")  # as `etalase posted` would, another process
    try:
        S.mark_posted(conn, TODAY - dt.timedelta(days=3), "tas-purun", "ani",
                      "https://www.tiktok.com/@dekranasda.sergai/video/7412345678901234567", "ayu", NOW)
    finally:
        conn.close()
    after = c.get("/riwayat").text
    assert "7412345678901234567" not in before and "7412345678901234567" in after


def test_a_content_file_changed_on_disk_shows_once_the_watcher_reloads(office):
    c = local(office)
    web = c.app.state.web
    assert "Tikar Pandan" in settled(c, "/produk") and "Tikar Pandan Baru" not in c.get("/produk").text
    form = settled(c, "/produk/tikar-pandan")
    generation = web.catalog_cache.generation
    path = office.content / "products" / "tikar-pandan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Tikar Pandan", "Tikar Pandan Baru"), encoding="utf-8")
    # The edit form reads the file itself: its page is keyed by the file's stat, so it is fresh at once.
    fresh = c.get("/produk/tikar-pandan").text
    assert 'value="Tikar Pandan Baru"' in fresh and csrf_of(fresh) == csrf_of(form)
    deadline = time.monotonic() + TIMEOUT
    while web.catalog_cache.generation == generation:  # the watcher's rescan (each second) reloads
        assert time.monotonic() < deadline, "the catalogue watcher never reloaded"
        time.sleep(0.05)
    assert "Tikar Pandan Baru" in c.get("/produk").text


def test_two_people_never_get_each_others_page(office):
    app = make_app(office, require_login=True)
    siti, budi = TestClient(app), TestClient(app)
    assert web_login(siti, "siti").status_code == 303 and web_login(budi, "budi").status_code == 303
    mine, theirs = settled(siti, "/kurasi"), settled(budi, "/kurasi")
    assert "siti · Kurator" in mine and "budi" not in mine.split("<main", 1)[0]
    assert "budi · Editor" in theirs and "siti" not in theirs.split("<main", 1)[0]
    assert csrf_of(mine) != csrf_of(theirs)
    other = TestClient(app)  # the same person in a second browser: a session, and a token, of its own
    web_login(other, "siti")
    assert csrf_of(settled(other, "/kurasi")) != csrf_of(mine)


def test_a_session_ended_is_refused_even_for_a_cached_page(office):
    app = make_app(office, require_login=True)
    c = TestClient(app)
    web_login(c, "siti")
    page = settled(c, "/kurasi")
    cookie = c.cookies["etalase_sesi"]
    c.post("/keluar", data={"csrf_token": csrf_of(page)})
    copied = TestClient(app, cookies={"etalase_sesi": cookie})  # the cookie as it was before logging out
    r = copied.get("/kurasi", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/masuk")


def test_a_flash_is_shown_exactly_once(office):
    c = local(office, "ayu")
    settled(c, "/riwayat")
    day = TODAY + dt.timedelta(days=1)
    c.post(f"/hari/{day}/kunci", data={"csrf_token": csrf_of(c.get("/kalender").text), "kembali": "/riwayat"},
           follow_redirects=False)
    shown = c.get("/riwayat").text
    assert shown.count("dikunci.") == 1
    again = c.get("/riwayat").text
    assert "dikunci." not in again
    before = rendered(c)
    assert c.get("/riwayat").text == again and rendered(c) == before  # and the page without it is cached


def test_the_page_cache_can_be_switched_off_for_measuring(office, monkeypatch):
    """ETALASE_PAGE_CACHE=off (bench/web_bench.py --no-page-cache): every request renders its page."""
    monkeypatch.setenv("ETALASE_PAGE_CACHE", "off")
    c = TestClient(create_app(Project.at(office.root), clock=FixedClock(NOW), require_login=False, local_user="siti"))
    c.get("/kurasi")
    before = rendered(c)
    first, second = c.get("/kurasi"), c.get("/kurasi")
    assert rendered(c) == before + 2 and c.app.state.web.pages.served == 0
    assert first.text == second.text and "Tikar Pandan" in second.text
