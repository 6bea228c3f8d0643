"""The day page's block per channel and the per-channel posted marks (issue 14 item 5), against a real
build, a real state database and the real CLI."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re

import pytest
from conftest import PINNED_NOW, csrf_of, make_channels_day
from fastapi.testclient import TestClient

from pipeline.common.clock import FixedClock
from pipeline.common.project import Project
from pipeline.curation import users as U
from pipeline.plan import ledger as S
from pipeline.store import db as store
from pipeline.web import create_app

NOW = dt.datetime.fromisoformat(PINNED_NOW)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One real build for the module (a draft video): four channels, the day marked Go Global."""
    from conftest import make_scratch, make_shop
    mp = pytest.MonkeyPatch()
    mp.delenv("ETALASE_USER", raising=False)
    mp.delenv("ETALASE_DB", raising=False)
    scratch = make_shop(make_scratch(tmp_path_factory.mktemp("channels") / "project"))
    conn = store.connect(scratch.root / "state" / "etalase.db")
    U.ensure(conn, "ayu", "admin")
    conn.close()
    day = make_channels_day(scratch)
    yield scratch, day
    mp.undo()


def client(scratch) -> TestClient:
    return TestClient(create_app(Project.at(scratch.root), require_login=False, local_user="ayu",
                                 clock=FixedClock(NOW)))


def cli(scratch, *argv) -> tuple[int, str, str]:
    from pipeline.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(scratch.root), *argv])
    return code, out.getvalue(), err.getvalue()


def posts(scratch) -> dict:
    conn = store.connect(scratch.root / "state" / "etalase.db")
    try:
        return S.posts(conn)
    finally:
        conn.close()


def block(html: str, name: str) -> str:
    return html.split(f'id="kanal-{name}"')[1].split("</section>")[0]


def test_the_day_page_has_one_block_per_channel_with_its_upload_caption_copy_and_count(built):
    scratch, day = built
    html = client(scratch).get("/").text
    for name, label, upload in (("tiktok", "TikTok", "video atau 2 foto (carousel)"),
                                ("instagram", "Instagram", "2 foto (carousel)"),
                                ("youtube", "YouTube Shorts", "video"), ("whatsapp", "WhatsApp Status", "video")):
        b = block(html, name)
        assert label in b and f"Unggah: <strong>{upload}</strong>" in b, name
        caption = (scratch.root / "exports" / day.isoformat() / f"caption-{name}.txt").read_text(encoding="utf-8")
        body = caption.split("\n\n", 1)[1] if name == "youtube" else caption
        shown = re.search(rf'<pre class="caption" id="caption-{name}">(.*?)</pre>', b, re.S).group(1)
        assert shown.replace("&#39;", "'").replace("&amp;", "&") == body.rstrip("\n"), name
        assert f'data-copy="caption-{name}"' in b
        assert re.search(r"\d+ dari (2200|5000|700) karakter", b), name
        assert f'name="kanal" value="{name}"' in b  # its own posted mark
    assert "@dekranasda.sergai" in block(html, "tiktok")
    youtube = block(html, "youtube")
    assert 'data-copy="judul-youtube"' in youtube and "dari 100 karakter judul" in youtube
    english = block(html, "en")
    assert 'data-copy="caption-en"' in english and "handmade by" in english
    assert "Batalkan Go Global" in html


def test_a_channel_marked_on_the_dashboard_counts_the_day_posted_and_unmarking_the_last_unposts_it(built):
    scratch, day = built
    c = client(scratch)
    token = csrf_of(c.get("/").text)
    url = "https://www.instagram.com/reel/C0ffee/"
    r = c.post(f"/hari/{day}/diunggah", data={"csrf_token": token, "url": url, "kanal": "instagram", "kembali": "/"})
    assert r.status_code == 200 and "ditandai sudah diunggah di Instagram" in r.text
    post = posts(scratch)[day]  # the day counts as posted for rotation
    assert set(post.channels) == {"instagram"} and post.channels["instagram"].url == url
    assert post.url is None  # the day's own link is the first channel's (TikTok)
    assert "sudah diunggah" in block(r.text, "instagram") and f'href="{url}"' in block(r.text, "instagram")
    assert 'action="/hari/2026-10-01/diunggah"' in block(r.text, "tiktok")  # TikTok not marked yet
    api = c.get(f"/api/days/{day}").json()
    assert api["status"] == "posted" and api["posted"]["channels"]["instagram"]["url"] == url
    r = c.post(f"/hari/{day}/diunggah", data={"csrf_token": token, "kanal": "pinterest", "kembali": "/"})
    assert "bukan kanal dewan ini" in r.text and set(posts(scratch)[day].channels) == {"instagram"}
    r = c.post(f"/hari/{day}/batal-unggah", data={"csrf_token": token, "kanal": "instagram", "kembali": "/"})
    assert "dibatalkan" in r.text and day not in posts(scratch)


def test_with_several_channels_the_posted_section_points_to_the_channel_blocks_instead_of_its_own_form(built):
    """One general "Sudah diunggah" button under the blocks used to mark only the first channel."""
    scratch, day = built
    c = client(scratch)
    html = c.get("/").text
    section = html.split('id="h-posted"')[1].split("</section>")[0]
    assert "<form" not in section and "Tandai di blok tiap kanal" in section
    for name in ("tiktok", "instagram", "youtube", "whatsapp"):
        assert f'href="#kanal-{name}"' in section, name
    forms = re.findall(r'<form method="post" action="/hari/[\d-]+/diunggah">(.*?)</form>', html, re.S)
    assert forms and all('name="kanal"' in f for f in forms)  # every mark names its channel
    token = csrf_of(html)
    c.post(f"/hari/{day}/diunggah", data={"csrf_token": token, "kanal": "youtube", "kembali": "/"})
    section = c.get("/").text.split('id="h-posted"')[1].split("</section>")[0]
    assert re.search(r'#kanal-youtube">YouTube Shorts</a>: <strong>sudah diunggah', section)
    assert re.search(r'#kanal-tiktok">TikTok</a>: belum', section)
    c.post(f"/hari/{day}/batal-unggah", data={"csrf_token": token, "kanal": "youtube", "kembali": "/"})


def test_a_day_marked_posted_before_channel_marks_existed_keeps_its_own_mark_and_undo(built):
    """Days posted before migration 0004 have a posts row and no channel rows: their page must still say
    who posted and offer the undo, not list every channel as "belum"."""
    scratch, day = built
    conn = store.connect(scratch.root / "state" / "etalase.db")
    try:
        S.mark_posted(conn, day, "tikar-pandan", "ani", None, "ayu", NOW)  # as the ledger held it then
    finally:
        conn.close()
    c = client(scratch)
    section = c.get("/").text.split('id="h-posted"')[1].split("</section>")[0]
    assert "Ditandai sudah diunggah oleh ayu" in section and "batal-unggah" in section
    token = csrf_of(c.get("/").text)
    c.post(f"/hari/{day}/batal-unggah", data={"csrf_token": token, "kembali": "/"})
    assert day not in posts(scratch)


def test_per_channel_marks_through_the_cli(built, pinned_now):
    scratch, day = built
    tiktok = "https://www.tiktok.com/@dekranasda.sergai/video/1"
    code, out, err = cli(scratch, "posted", "today", "--channel", "tiktok", "--url", tiktok)
    assert code == 0, err
    assert out.strip() == f"{day} marked posted: {posts(scratch)[day].product} on tiktok ({tiktok})"
    assert cli(scratch, "posted", "today", "--channel", "youtube")[0] == 0
    post = posts(scratch)[day]
    assert set(post.channels) == {"tiktok", "youtube"} and post.url == tiktok
    code, _, err = cli(scratch, "posted", "today", "--channel", "pinterest")
    assert code == 1 and "tiktok, instagram, youtube, whatsapp" in err
    code, out, _ = cli(scratch, "unposted", "today", "--channel", "tiktok")
    assert code == 0 and out.strip() == f"{day} no longer marked posted on tiktok"
    assert set(posts(scratch)[day].channels) == {"youtube"}  # still posted: YouTube is marked
    assert cli(scratch, "unposted", "today", "--channel", "tiktok")[0] == 1
    code, out, _ = cli(scratch, "unposted", "today")  # every channel at once
    assert code == 0 and day not in posts(scratch)
    conn = store.connect(scratch.root / "state" / "etalase.db")
    try:
        assert S.channel_posts(conn) == {}
        actions = [(r["action"], r["detail"]) for r in S.log(conn, day) if "posted" in r["action"]]
    finally:
        conn.close()
    assert ("posted", f"tiktok {tiktok}") in actions and ("unposted", f"tiktok {tiktok}") in actions


def test_the_overview_shows_each_channel_posted(built, pinned_now):
    scratch, day = built
    assert cli(scratch, "posted", "today", "--channel", "whatsapp")[0] == 0
    index = (scratch.root / "exports" / "index.html").read_text(encoding="utf-8")
    row = index.split(f"{day.day} Oktober 2026")[1].split("</article>")[0]
    assert "WhatsApp Status &#10004;" in row and "TikTok" in row and "TikTok &#10004;" not in row
    assert cli(scratch, "unposted", "today")[0] == 0


def test_the_api_marks_a_day_go_global_and_a_channel_posted(built):
    scratch, day = built
    c = client(scratch)
    h = {"X-CSRF-Token": c.get("/api/session").json()["csrf_token"]}
    tomorrow = day + dt.timedelta(days=1)
    assert c.get(f"/api/days/{tomorrow}").json()["go_global"] is False
    assert c.post(f"/api/days/{tomorrow}/global", headers=h).json()["go_global"] is True
    page = c.get(f"/hari/{tomorrow}").text
    assert "Tanggal ini ditandai Go Global" in page and f'action="/hari/{tomorrow}/batal-global"' in page
    assert c.post(f"/api/days/{tomorrow}/unglobal", headers=h).json()["go_global"] is False
    link = "https://youtube.com/shorts/abc"
    r = c.post(f"/api/days/{day}/posted", json={"channel": "youtube", "url": link}, headers=h)
    assert r.json()["posted"]["channels"]["youtube"]["url"] == link
    assert c.post(f"/api/days/{day}/unposted", json={"channel": "youtube"}, headers=h).json()["posted"] is None


def test_the_calendar_marks_a_day_go_global(built):
    scratch, day = built
    c = client(scratch)
    token = csrf_of(c.get("/kalender").text)
    tomorrow = day + dt.timedelta(days=1)
    r = c.post(f"/hari/{tomorrow}/global", data={"csrf_token": token, "kembali": f"/kalender#d-{tomorrow}"})
    assert r.status_code == 200 and "ditandai Go Global" in r.text
    row = r.text.split(f'id="d-{tomorrow}"')[1].split("</li>")[0]
    assert '<span class="badge">Go Global</span>' in row and f'action="/hari/{tomorrow}/batal-global"' in row
    r = c.post(f"/hari/{tomorrow}/batal-global", data={"csrf_token": token, "kembali": "/kalender"})
    row = r.text.split(f'id="d-{tomorrow}"')[1].split("</li>")[0]
    assert "Go Global</span>" not in row and f'action="/hari/{tomorrow}/global"' in row
