"""Reminders on the admin's phone: /kalender.ics behind a secret link, and exports/kalender.ics beside the overview.

The feeds are read back with the icalendar library, as a calendar app would: events at the suggested times in
WIB, an alarm before each, and a wrong, old or switched-off link answered with 404.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys

import icalendar
import pytest
from conftest import csrf_of, web_approve, web_login
from fastapi.testclient import TestClient

from pipeline.build.overview import write_index
from pipeline.catalog.reader import load_catalog
from pipeline.common.clock import FixedClock, zone
from pipeline.common.project import Project
from pipeline.plan.admin import open_context
from pipeline.web import create_app
from pipeline.web.calendar_link import FILE

TODAY = dt.date(2026, 11, 28)
NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=zone("Asia/Jakarta"))
WIB = zone("Asia/Jakarta")


@pytest.fixture
def office(web_office):
    s = web_office
    s.product("tikar-pandan", photos=("p2.jpg",), name="Tikar Pandan")
    web_approve(s.root, "tas-purun", "tikar-pandan")
    return s


def client(office, **kw) -> TestClient:
    return TestClient(create_app(Project.at(office.root), require_login=True, clock=FixedClock(NOW), **kw))


def make_link(c: TestClient) -> str:
    token = csrf_of(c.get("/hp").text)
    r = c.post("/hp/kalender/baru", data={"csrf_token": token})
    assert r.status_code == 200 and "Tautan kalender baru sudah dibuat" in r.text
    return re.search(r'id="tautan-kalender">([^<]+)<', r.text).group(1)


def events(body: bytes) -> list:
    cal = icalendar.Calendar.from_ical(body)
    return [e for e in cal.walk("VEVENT")]


def planned(office) -> dict[str, str]:
    c = TestClient(create_app(Project.at(office.root), require_login=False, local_user="ayu", clock=FixedClock(NOW)))
    return {d["date"]: d["product"] for d in c.get("/api/days").json()["days"] if d["product"]}


def test_the_feed_has_each_coming_post_at_its_wib_time_with_an_alarm_30_minutes_before(office):
    c = client(office)
    web_login(c, "ayu")
    link = make_link(c)
    assert link.startswith("http://testserver/kalender.ics?kunci=")
    r = TestClient(c.app).get(link.removeprefix("http://testserver"))  # a calendar app: no login, only the link
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    evs = events(r.content)
    coming = {d: p for d, p in planned(office).items() if dt.date.fromisoformat(d) < TODAY + dt.timedelta(days=7)
              and dt.date.fromisoformat(d) >= TODAY}
    assert len(evs) == len(coming) >= 2
    names = {slug: p.name for slug, p in load_catalog(office.root / "content").products.items()}
    for ev in evs:
        start = ev.decoded("dtstart")
        assert start.utcoffset() == dt.timedelta(hours=7) and str(ev["dtstart"].params["TZID"]) == "Asia/Jakarta"
        assert start.astimezone(WIB).time() == dt.time(19, 0)
        day = start.astimezone(WIB).date().isoformat()
        assert str(ev["summary"]) == f"Unggah ke TikTok: {names[coming[day]]}"
        assert str(ev["uid"]).startswith(day) and f"http://testserver/hari/{day}" in str(ev["description"])
        (alarm,) = ev.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger") == dt.timedelta(minutes=-30)
    assert icalendar.Calendar.from_ical(r.content).walk("VTIMEZONE")  # the zone travels with the feed


def test_a_wrong_an_old_or_a_switched_off_link_gets_404(office):
    c = client(office)
    web_login(c, "ayu")
    outsider = TestClient(c.app)
    assert outsider.get("/kalender.ics").status_code == 404  # no link made yet
    first = make_link(c).removeprefix("http://testserver")
    assert outsider.get(first).status_code == 200
    assert outsider.get("/kalender.ics?kunci=salah").status_code == 404
    assert outsider.get(first[:-1] + ("A" if first[-1] != "A" else "B")).status_code == 404
    second = make_link(c).removeprefix("http://testserver")
    assert second != first and outsider.get(first).status_code == 404 and outsider.get(second).status_code == 200
    r = c.post("/hp/kalender/matikan", data={"csrf_token": csrf_of(c.get("/hp").text)})
    assert "Tautan kalender dimatikan" in r.text and "Buat tautan kalender" in r.text
    assert outsider.get(second).status_code == 404


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_the_link_key_is_kept_owner_only(office):
    c = client(office)
    web_login(c, "ayu")
    make_link(c)
    assert os.stat(office.root / "state" / FILE).st_mode & 0o777 == 0o600


def test_only_admins_and_curators_see_or_change_the_link(office):
    c = client(office)
    web_login(c, "budi")
    assert "Pengingat di kalender HP" not in c.get("/hp").text
    r = c.post("/hp/kalender/baru", data={"csrf_token": csrf_of(c.get("/hp").text)})
    assert r.status_code == 403 and not (office.root / "state" / FILE).exists()


def test_reminder_minutes_in_schedule_yaml_sets_the_alarm(office):
    (office.root / "schedule.yaml").write_text("reminder_minutes: 10\n", encoding="utf-8")
    c = client(office)
    web_login(c, "siti")
    assert "pengingat 10 menit sebelum" in c.get("/hp").text
    body = TestClient(c.app).get(make_link(c).removeprefix("http://testserver")).content
    assert {e.walk("VALARM")[0].decoded("trigger") for e in events(body)} == {dt.timedelta(minutes=-10)}


def test_the_overview_writes_kalender_ics_beside_it(office):
    project = Project.at(office.root)
    ctx = open_context(project, FixedClock(NOW))
    try:
        write_index(ctx)
    finally:
        ctx.conn.close()
    body = (office.root / "exports" / "kalender.ics").read_bytes()
    assert b"\r\n" in body and b"\r\r\n" not in body
    evs = events(body)
    assert evs and all(e.decoded("dtstart").astimezone(WIB).time() == dt.time(19, 0) for e in evs)
    assert all(e.walk("VALARM")[0].decoded("trigger") == dt.timedelta(minutes=-30) for e in evs)
    assert all("url" not in e for e in evs)  # no dashboard address is known to a build
