"""Hari ini, Kalender and Riwayat against a real state database and real day folders."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import TWO_CRAFTS, csrf_of, outside_details, web_approve, web_built_day
from fastapi.testclient import TestClient

from pipeline.common.clock import FixedClock, zone
from pipeline.common.project import Project
from pipeline.export import failed as F
from pipeline.export import folders as X
from pipeline.plan import ledger as S
from pipeline.store import db as store
from pipeline.web import create_app

TODAY = dt.date(2026, 11, 28)  # a Saturday
NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=zone("Asia/Jakarta"))


@pytest.fixture
def office(web_office):
    s = web_office
    s.write("crafts.yaml", TWO_CRAFTS)
    s.write("artisans/rina.yaml", "name: Rina Tenun\nkecamatan: Sipispis\ncrafts: [tenun]\nphoto_consent: true\n")
    s.product("tikar-pandan", photos=("p2.jpg",), name="Tikar Pandan")
    s.product("kain-tenun", photos=("p3.jpg",), name="Kain Tenun Sipispis", artisan="rina", craft="tenun")
    s.product("belum-disetujui", photos=("p4.jpg",))
    web_approve(s.root, "tas-purun", "tikar-pandan", "kain-tenun")
    return s


def app_client(office, user: str = "ayu") -> TestClient:
    return TestClient(create_app(Project.at(office.root), require_login=False, local_user=user,
                                 clock=FixedClock(NOW)))


def planned(office, day: dt.date) -> str:
    """The product the plan gives `day`, read from the JSON API."""
    return app_client(office).get(f"/api/days/{day}").json()["product"]


def ledger(office) -> dict:
    conn = store.connect(office.root / "state" / "etalase.db")
    try:
        return S.posts(conn)
    finally:
        conn.close()


@pytest.fixture
def built(office):
    web_built_day(office.root, TODAY, planned(office, TODAY))
    return office


def test_today_shows_video_caption_downloads_time_and_the_posted_form(built):
    c = app_client(built)
    html = c.get("/").text
    assert "Sabtu, 28 November 2026" in html and "siap" in html
    assert f'<video controls playsinline preload="metadata" src="/ekspor/{TODAY}/video.mp4"' in html
    assert f'poster="/ekspor/{TODAY}/cover.jpg"' in html
    assert 'id="caption"' in html and "#BanggaBuatanIndonesia" in html and 'data-copy="caption"' in html
    assert f'href="/ekspor/{TODAY}/video.mp4?unduh=1"' in html and f'href="/hari/{TODAY}/slides.zip"' in html
    assert "28 Nov 2026, 19.00 WIB" in html and "Asia/Jakarta" not in html  # the shared label table
    assert f'action="/hari/{TODAY}/diunggah"' in html and "Sudah diunggah" in html
    assert "sudah berubah sejak berkasnya dibuat" not in html  # made as the build makes it: current, not stale


def test_video_download_is_an_attachment_and_supports_ranges_for_phones(built):
    c = app_client(built)
    r = c.get(f"/ekspor/{TODAY}/video.mp4?unduh=1")
    assert r.status_code == 200 and r.headers["content-type"] == "video/mp4"
    assert r.headers["content-disposition"].startswith("attachment") and r.content[4:8] == b"ftyp"
    part = c.get(f"/ekspor/{TODAY}/video.mp4", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100


def test_all_slides_come_as_one_zip_named_by_day_and_product(built):
    slug = planned(built, TODAY)
    r = app_client(built).get(f"/hari/{TODAY}/slides.zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"] == f'attachment; filename="{TODAY}-{slug}-slide.zip"'
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    manifest = X.read_manifest(X.day_dir(built.root / "exports", TODAY))
    assert names == [f"{TODAY}-{slug}-slide-{i:02d}.jpg" for i in range(1, len(manifest["files"]["slides"]) + 1)]
    assert names


def test_downloads_are_named_by_day_and_product_so_the_phone_gallery_tells_them_apart(built):
    slug = planned(built, TODAY)
    c = app_client(built)
    files = X.read_manifest(X.day_dir(built.root / "exports", TODAY))["files"]
    wanted = {files["video"]: f"{TODAY}-{slug}.mp4", files["cover"]: f"{TODAY}-{slug}-sampul.jpg",
              **{s: f"{TODAY}-{slug}-slide-{i:02d}.jpg" for i, s in enumerate(files["slides"], 1)}}
    assert len(wanted) >= 3
    html = c.get("/").text
    for file, name in wanted.items():
        r = c.get(f"/ekspor/{TODAY}/{file}?unduh=1")
        assert r.status_code == 200
        assert r.headers["content-disposition"] == f'attachment; filename="{name}"', file
        assert f'href="/ekspor/{TODAY}/{file}?unduh=1" download="{name}"' in html  # each slide on its own too
    assert "attachment" not in c.get(f"/ekspor/{TODAY}/{files['video']}").headers.get("content-disposition", "")
    assert "Unduh slide 1" in html and "data-share=" in html


def test_a_video_without_music_of_its_own_reminds_the_admin_to_add_a_sound_in_tiktok(built):
    """The packaged template picks music from content/music/ (`music: auto`); with none there, or with
    `music: none`, the video is silent and the day page says to add a TikTok sound."""
    c = app_client(built)
    hint = "tanpa musik sendiri"
    assert hint in c.get("/").text and "Suara asli" in c.get("/").text  # content/music/ is empty here
    music = built.root / "content" / "music"
    music.mkdir()
    (music / "gamelan.m4a").write_bytes(b"not played here: only chosen by name")
    assert hint not in c.get("/").text  # the video has music of its own: nothing to add
    videos = built.root / "templates" / "videos"
    videos.mkdir(parents=True, exist_ok=True)
    packaged = Path(__file__).resolve().parent.parent / "pipeline" / "defaults" / "templates" / "videos"
    text = (packaged / "default.yaml").read_text(encoding="utf-8")
    assert "  music: auto" in text
    (videos / "default.yaml").write_text(text.replace("  music: auto", "  music: none", 1), encoding="utf-8")
    assert hint in app_client(built).get("/").text  # the council switched the music off
    assert hint not in c.get(f"/hari/{TODAY + dt.timedelta(days=1)}").text  # no video that day: nothing to say


def test_a_file_the_manifest_does_not_list_keeps_its_own_name(built):
    folder = X.day_dir(built.root / "exports", TODAY)
    (folder / "catatan.txt").write_text("x", encoding="utf-8")
    r = app_client(built).get(f"/ekspor/{TODAY}/catatan.txt?unduh=1")
    assert r.headers["content-disposition"] == 'attachment; filename="catatan.txt"'


def test_marking_posted_with_a_link_fills_the_ledger_and_the_history(built):
    c = app_client(built)
    token = csrf_of(c.get("/").text)
    url = "https://www.tiktok.com/@dekranasda.sergai/video/7412345678901234567"
    r = c.post(f"/hari/{TODAY}/diunggah", data={"csrf_token": token, "url": url, "kembali": "/"})
    assert r.status_code == 200 and "ditandai sudah diunggah" in r.text
    post = ledger(built)[TODAY]
    assert post.url == url and post.actor == "ayu" and post.product == planned(built, TODAY)
    assert "diunggah" in r.text and url in r.text
    history = c.get("/riwayat").text
    assert "1 hari sudah diunggah, 1 dengan tautan TikTok" in history and f'href="{url}"' in history
    api = c.get("/api/history").json()
    assert api["posts"][0]["url"] == url and sum(api["per_kecamatan"].values()) == 1


def test_a_link_that_is_not_a_web_address_is_refused(built):
    c = app_client(built)
    token = csrf_of(c.get("/").text)
    r = c.post(f"/hari/{TODAY}/diunggah", data={"csrf_token": token, "url": "javascript:alert(1)"})
    assert r.status_code == 409 and "bukan tautan" in r.text
    assert TODAY not in ledger(built)


def test_a_day_not_built_yet_is_planned_and_still_shows_its_product(office):
    c = app_client(office)
    html = c.get("/").text
    assert "belum dibuat" in html and "Posting ini belum dibuat" in html and "<video" not in html
    tomorrow = TODAY + dt.timedelta(days=1)
    html = c.get(f"/hari/{tomorrow}").text
    assert "Minggu, 29 November 2026" in html and "Tanggal ini belum tiba." in html


def test_a_failed_build_shows_its_note(office):
    F.write(office.root / "exports", TODAY, planned(office, TODAY),
            F.Failure(F.PHOTO, "Foto `p1.jpg` tidak bisa dibaca.", "Ganti foto itu.", "PhotoError: p1.jpg"), NOW)
    html = app_client(office).get("/").text
    assert "gagal dibuat" in html and "Foto `p1.jpg` tidak bisa dibaca." in html and "Ganti foto itu." in html
    assert "PhotoError: p1.jpg" in html and "PhotoError" not in outside_details(html)


def test_the_calendar_opens_on_the_week_holding_today_and_pages_by_week(built):
    c = app_client(built)
    html = c.get("/kalender").text
    monday = TODAY - dt.timedelta(days=TODAY.weekday())  # TODAY is a Saturday: 23 to 29 November
    dates = re.findall(r'id="d-(\d{4}-\d{2}-\d{2})"', html)
    assert dates == [str(monday + dt.timedelta(days=i)) for i in range(7)]
    assert "(hari ini)" in html and "siap diunggah" in html and "belum dibuat" in html
    assert "Tidak ada unggahan tercatat" in html  # Monday to Friday had no exports or posts
    assert "Unggah 19.00 WIB" in html  # the post time on each day with a post
    later = re.search(r'href="([^"]+)" rel="next">Minggu berikutnya', html)[1]
    assert later == f"/kalender?mulai={monday + dt.timedelta(days=7)}"
    next_week = c.get(later).text
    assert re.findall(r'id="d-([\d-]+)"', next_week)[0] == str(monday + dt.timedelta(days=7))
    assert "Kembali ke hari ini" in next_week and "Kembali ke hari ini" not in html
    earlier = c.get(f"/kalender?mulai={TODAY - dt.timedelta(days=17)}").text  # any day names its week
    assert re.findall(r'id="d-([\d-]+)"', earlier)[0] == str(monday - dt.timedelta(days=14))  # Wed 11 Nov


def test_a_change_never_sends_the_browser_off_site(office):
    """`kembali` is a form field anyone can craft: a backslash path is `//host` to a browser."""
    c = app_client(office)
    day = TODAY + dt.timedelta(days=3)
    token = csrf_of(c.get(f"/kalender?mulai={day}").text)
    for crafted in ("/\\evil.example/x", "//evil.example/x", "https://evil.example/"):
        r = c.post(f"/hari/{day}/kunci", data={"csrf_token": token, "kembali": crafted}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/kalender", crafted
        c.post(f"/hari/{day}/lepas", data={"csrf_token": token, "kembali": "/"})


def test_a_change_returns_to_that_day_of_that_week_with_the_confirmation_beside_it(office):
    c = app_client(office)
    day = TODAY + dt.timedelta(days=3)  # Tuesday of next week
    monday = day - dt.timedelta(days=day.weekday())
    week = c.get(f"/kalender?mulai={day}").text
    back = f"/kalender?mulai={monday}#d-{day}"
    assert f'value="{back}"' in week
    r = c.post(f"/hari/{day}/kunci", data={"csrf_token": csrf_of(week), "kembali": back}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == back
    html = c.get(r.headers["location"]).text
    cell = html[html.index(f'id="d-{day}"'):]
    cell = cell[:cell.index("</li>")]
    assert "dikunci." in cell and 'class="flash ok day-flash"' in cell  # beside the day, not at the top
    assert "dikunci." not in html[:html.index('id="d-')]
    r = c.post(f"/hari/{day}/lepas", data={"csrf_token": csrf_of(html), "kembali": "/"})
    assert "kembali dipilih otomatis" in r.text  # a page not showing the day keeps it at the top


def test_the_swap_list_says_when_each_product_was_last_posted_and_if_the_week_has_it(office):
    conn = store.connect(office.root / "state" / "etalase.db")
    try:
        S.mark_posted(conn, TODAY - dt.timedelta(days=9), "kain-tenun", "rina", None, "ayu", NOW)
    finally:
        conn.close()
    c = app_client(office)
    day = TODAY + dt.timedelta(days=1)
    coming = {d: planned(office, TODAY + dt.timedelta(days=d)) for d in range(7)}
    html = c.get(f"/hari/{day}/tukar").text
    items = {re.search(r'name="product" value="([^"]+)"', li)[1]: li for li in html.split('<li class="item">')[1:]}
    assert "Terakhir diunggah Kamis, 19 November 2026" in items["kain-tenun"]
    in_week = {s for d, s in coming.items() if d != 1}
    for slug, item in items.items():
        assert ("Sudah dijadwalkan" in item) == (slug in in_week), slug
    assert "Belum pernah diunggah" in items["tas-purun"]


def test_swap_pin_and_skip_change_the_plan(office):
    c = app_client(office)
    day = TODAY + dt.timedelta(days=2)
    token = csrf_of(c.get("/kalender").text)
    other = next(s for s in ("tas-purun", "tikar-pandan", "kain-tenun") if s != planned(office, day))
    r = c.post(f"/hari/{day}/tukar", data={"csrf_token": token, "product": other})
    assert r.status_code == 200 and "sudah ditukar" in r.text
    assert planned(office, day) == other
    c.post(f"/hari/{day}/lewati", data={"csrf_token": token})
    assert c.get(f"/api/days/{day}").json()["status"] == "skipped"
    c.post(f"/hari/{day}/batal-lewati", data={"csrf_token": token})
    c.post(f"/hari/{day}/lepas", data={"csrf_token": token})
    c.post(f"/hari/{day}/kunci", data={"csrf_token": token})
    assert "pinned" in c.get(f"/api/days/{day}").json()["flags"]


def test_only_approved_products_can_be_swapped_in(office):
    c = app_client(office)
    token = csrf_of(c.get("/kalender").text)
    r = c.post(f"/hari/{TODAY + dt.timedelta(days=1)}/tukar", data={"csrf_token": token,
                                                                     "product": "belum-disetujui"})
    assert r.status_code == 409 and "tidak bisa dijadwalkan" in r.text
    picker = c.get(f"/hari/{TODAY + dt.timedelta(days=1)}/tukar").text
    assert 'value="belum-disetujui"' not in picker and 'value="kain-tenun"' in picker
    assert "3 produk bisa dipilih." in picker
    found = c.get(f"/hari/{TODAY + dt.timedelta(days=1)}/tukar?q=sipispis").text
    assert "1 produk bisa dipilih." in found and 'value="kain-tenun"' in found


def test_the_past_cannot_be_changed(office):
    c = app_client(office)
    token = csrf_of(c.get("/kalender").text)
    r = c.post(f"/hari/{TODAY - dt.timedelta(days=1)}/lewati", data={"csrf_token": token})
    assert r.status_code == 409 and "sudah lewat" in r.text


def test_an_editor_may_not_change_the_plan(office):
    c = app_client(office, user="budi")
    token = csrf_of(c.get("/masuk").text)
    assert "Ubah jadwal" not in c.get("/kalender").text
    r = c.post(f"/hari/{TODAY}/lewati", data={"csrf_token": token})
    assert r.status_code == 403


def test_the_api_changes_days_like_the_pages(office):
    c = app_client(office)
    token = c.get("/api/session").json()["csrf_token"]
    day = TODAY + dt.timedelta(days=3)
    r = c.post(f"/api/days/{day}/swap", json={"product": "kain-tenun"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["product"] == "kain-tenun" and "swapped" in r.json()["flags"]
    days = c.get("/api/days").json()
    assert days["today"] == str(TODAY) and len(days["days"]) == 14
    refused = c.post(f"/api/days/{day}/swap", json={"product": "belum-disetujui"}, headers={"X-CSRF-Token": token})
    assert refused.status_code == 409 and "tidak bisa dijadwalkan" in refused.json()["detail"]


def test_a_broken_schedule_is_shown_not_crashed_on(office):
    (office.root / "schedule.yaml").write_text("horizon_days: banyak\n", encoding="utf-8")
    r = app_client(office).get("/kalender")
    assert r.status_code == 400 and "schedule.yaml" in r.text and "horizon_days" in r.text


def test_build_now_queues_a_build_through_the_hook_serve_provides(office):
    asked = []
    c = TestClient(create_app(Project.at(office.root), require_login=False, local_user="ayu", clock=FixedClock(NOW),
                              request_build=asked.append))
    html = c.get("/").text
    assert "Buat sekarang" in html
    r = c.post(f"/hari/{TODAY}/buat", data={"csrf_token": csrf_of(html), "kembali": "/"})
    assert r.status_code == 200 and "Sedang dibuat" in r.text and asked == [TODAY]
    assert "Buat sekarang" not in app_client(office).get("/").text  # no scheduler, no button


def test_api_actions_without_a_body(office):
    c = app_client(office)
    token = c.get("/api/session").json()["csrf_token"]
    day = TODAY + dt.timedelta(days=4)
    assert "pinned" in c.post(f"/api/days/{day}/pin", headers={"X-CSRF-Token": token}).json()["flags"]
    assert c.post(f"/api/days/{day}/skip", headers={"X-CSRF-Token": token}).json()["status"] == "skipped"
    assert c.post(f"/api/days/{day}/nonsense", headers={"X-CSRF-Token": token}).status_code == 404


def test_history_counts_every_posted_day_but_lists_them_a_page_at_a_time(office):
    conn = store.connect(office.root / "state" / "etalase.db")
    try:
        for i in range(45):
            S.mark_posted(conn, TODAY - dt.timedelta(days=i + 1), "tas-purun", "ani", None, "ayu", NOW)
    finally:
        conn.close()
    c = app_client(office)
    first = c.get("/riwayat").text
    assert "45 hari sudah diunggah" in first
    newest, oldest = (TODAY - dt.timedelta(days=1)).isoformat(), (TODAY - dt.timedelta(days=45)).isoformat()
    assert f'href="/hari/{newest}"' in first and f'href="/hari/{oldest}"' not in first
    assert first.count('class="item"') == 30
    second = c.get("/riwayat?halaman=2").text
    assert f'href="/hari/{oldest}"' in second and second.count('class="item"') == 15
