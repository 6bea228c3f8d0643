"""The day page's results form (pipeline/web/pages/results.py) against a real state database."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import csrf_of, web_approve
from fastapi.testclient import TestClient

from pipeline.common.clock import FixedClock, zone
from pipeline.common.project import Project
from pipeline.plan import ledger as S
from pipeline.results.readings import readings
from pipeline.store import db as store
from pipeline.web import create_app

WIB = zone("Asia/Jakarta")
TODAY = dt.date(2026, 11, 28)
NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=WIB)
POSTED = TODAY - dt.timedelta(days=2)


@pytest.fixture
def office(web_office):
    s = web_office
    (s.root / "schedule.yaml").write_text("channels:\n  tiktok: {}\n  instagram: {}\n", encoding="utf-8")
    web_approve(s.root, "tas-purun")
    conn = store.connect(s.root / "state" / "etalase.db")
    S.mark_posted(conn, POSTED, "tas-purun", "ani", None, "ayu", NOW - dt.timedelta(days=2))
    conn.close()
    return s


def client(office, user: str = "ayu") -> TestClient:
    return TestClient(create_app(Project.at(office.root), require_login=False, local_user=user, clock=FixedClock(NOW)))


def stored(office):
    conn = store.connect(office.root / "state" / "etalase.db")
    try:
        return readings(conn)
    finally:
        conn.close()


def send(c, day, **values):
    page = c.get(f"/hari/{day}")
    data = {"csrf_token": csrf_of(page.text), "kembali": f"/hari/{day}", **values}
    return c.post(f"/hari/{day}/hasil", data=data, follow_redirects=False)


def test_a_posted_day_takes_readings_per_channel_and_keeps_each_one(office):
    c = client(office)
    page = c.get(f"/hari/{POSTED}").text
    assert "Belum ada hasil untuk posting ini." in page
    assert "Simpan hasil TikTok" in page and "Simpan hasil Instagram" in page
    r = send(c, POSTED, channel="tiktok", views="1,2rb", likes="85", comments="", read_on=str(POSTED))
    assert r.status_code == 303 and r.headers["location"] == f"/hari/{POSTED}#hasil"
    r = send(c, POSTED, channel="tiktok", views="12.345", likes="1,1rb", shares="40")  # a week on: read today
    assert r.status_code == 303
    send(c, POSTED, channel="instagram", views="3,4jt", followers="-2")
    got = [(x.channel, x.read_on, x.views, x.likes, x.shares, x.followers, x.source) for x in stored(office)]
    assert got == [("instagram", TODAY, 3400000, None, None, -2, "form"),
                   ("tiktok", POSTED, 1200, 85, None, None, "form"),
                   ("tiktok", TODAY, 12345, 1100, 40, None, "form")]
    page = c.get(f"/hari/{POSTED}").text
    assert "Hasil Instagram untuk" in page and "tersimpan." in page
    assert "<td class=\"num\">12.345</td>" in page and "<td class=\"num\">3.400.000</td>" in page
    assert "<td class=\"num\">1.200</td>" in page  # the first reading is still shown


def test_a_refused_send_keeps_what_was_typed_and_says_what_to_fix(office):
    c = client(office)
    r = send(c, POSTED, channel="tiktok", views="12,5", likes="banyak", comments="7")
    assert r.status_code == 400
    assert 'value="12,5"' in r.text and 'value="banyak"' in r.text and 'value="7"' in r.text
    assert "`12,5` bukan angka bulat" in r.text and "`banyak` bukan angka" in r.text
    assert 'aria-invalid="true"' in r.text and "Hasil belum tersimpan" in r.text
    r = send(c, POSTED, channel="tiktok")
    assert r.status_code == 400 and "belum ada angka yang diisi" in r.text
    r = send(c, POSTED, channel="tiktok", views="5", read_on=str(TODAY + dt.timedelta(days=1)))
    assert r.status_code == 400 and "belum tiba" in r.text
    assert stored(office) == []


def test_only_posted_days_show_the_form_and_only_planners_send(office):
    c = client(office)
    assert 'id="hasil"' not in c.get(f"/hari/{TODAY - dt.timedelta(days=1)}").text
    r = send(c, TODAY - dt.timedelta(days=1), channel="tiktok", views="5")
    assert r.status_code == 400 and "belum ditandai diposting" in r.text
    editor = client(office, "budi")
    page = editor.get(f"/hari/{POSTED}").text
    assert 'id="hasil"' in page and "Simpan hasil" not in page
    token = csrf_of(editor.get("/produk/baru").text)  # an editor's own form: the session's token
    r = editor.post(f"/hari/{POSTED}/hasil", data={"csrf_token": token, "channel": "tiktok", "views": "5"},
                    follow_redirects=False)
    assert r.status_code == 403
    assert stored(office) == []


def test_the_day_page_and_the_api_suggest_the_learned_time_with_its_reason(office):
    from pipeline.results.readings import Reading, add_reading

    (office.root / "schedule.yaml").write_text("post_at: \"19:00\"\nbest_time_posts: 3\n"
                                               "weekdays:\n  sunday: {post_at: \"10:00\"}\n", encoding="utf-8")
    c = client(office)
    tomorrow = TODAY + dt.timedelta(days=1)
    monday = tomorrow + dt.timedelta(days=1)
    assert c.get(f"/api/days/{monday}").json()["suggested_time"] == f"{monday}T19:00:00+07:00"
    conn = store.connect(office.root / "state" / "etalase.db")
    for back in (10, 9, 8):
        day = TODAY - dt.timedelta(days=back)
        S.mark_posted(conn, day, "tas-purun", "ani", None, "ayu", dt.datetime.combine(day, dt.time(21, 30), WIB))
        add_reading(conn, Reading(day, "tiktok", TODAY, views=2500), actor="ayu", now=NOW)
    conn.close()
    assert c.get(f"/api/days/{monday}").json()["suggested_time"] == f"{monday}T21:00:00+07:00"
    page = c.get(f"/hari/{tomorrow + dt.timedelta(days=1)}").text  # a Monday
    assert "jam terbaik dari hasil 3 posting sendiri: 21:00 (rata-rata 2.500 tayangan dari 3 posting pada jam itu)" \
        in page
    sunday = c.get(f"/hari/{tomorrow}").text  # its own post_at: 10:00, and no reason that is not its own
    assert "pukul 10.00" in sunday and "jam terbaik" not in sunday
