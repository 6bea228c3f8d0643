"""The admin's loop on the dashboard (issue 15, items 3 and 4): one label table for every page, stale days said
everywhere with "Buat ulang", the rebuild's progress, and exports/index.html following every change.

Real builds of the `shop` catalogue (draft videos through real ffmpeg), the real dashboard (FastAPI TestClient),
real SQLite; the clock is pinned.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import csrf_of
from fastapi.testclient import TestClient

from pipeline.build import orchestrate as B
from pipeline.build import progress as G
from pipeline.common import labels as L
from pipeline.common.clock import FixedClock
from pipeline.common.project import Project
from pipeline.curation import reviews
from pipeline.curation import users as U
from pipeline.export import folders as X
from pipeline.export import status as ST
from pipeline.store import db as store
from pipeline.web import create_app

CLOCK_AT = dt.datetime(2026, 9, 30, 22, 0, tzinfo=dt.UTC)  # 05:00 WIB, Thursday 1 October 2026
DAY1, DAY2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def clock() -> FixedClock:
    return FixedClock(CLOCK_AT)


def build(root: Path) -> B.BuildReport:
    return B.build(Project.at(root), B.Options(draft=True), clock=clock())


def client(root: Path, request_build=None) -> TestClient:
    conn = store.connect(root / "state" / "etalase.db")
    U.ensure(conn, "ayu", "admin")
    conn.close()
    return TestClient(create_app(Project.at(root), require_login=False, local_user="ayu", clock=clock(),
                                 request_build=request_build))


def card(root: Path, day: dt.date) -> str:
    html = (root / "exports" / "index.html").read_text(encoding="utf-8")
    mine = [c for c in re.findall(r"<article.*?</article>", html, flags=re.S) if X.tanggal(day) in c]
    assert len(mine) == 1
    return mine[0]


def visible(html: str) -> str:
    """What a person reads: no script or style blocks, no tags."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def api_token(c: TestClient) -> dict:
    return {"X-CSRF-Token": c.get("/api/session").json()["csrf_token"]}


# One label table ---------------------------------------------------------------------------------------

def test_pages_show_checks_and_times_in_indonesian_never_raw_names(shop):
    build(shop.root)
    folder = X.day_dir(shop.root / "exports", DAY1)
    manifest = X.read_manifest(folder)
    names = {c["name"] for c in manifest["checks"]}
    assert {"file_size", "faststart", "video_codec"} <= names
    assert names <= set(L.CHECKS), f"checks without an Indonesian label: {names - set(L.CHECKS)}"
    checklist = visible((folder / "checklist.html").read_text(encoding="utf-8"))
    for name in names:
        assert f" {name}:" not in checklist and f" {name} " not in checklist, name
    assert "faststart" not in checklist and "moov" not in checklist
    assert "Bisa diputar sebelum terunduh penuh" in checklist and "Ukuran file" in checklist
    assert "Dibuat 1 Okt 2026, 05.00 WIB" in checklist and "pukul 19.00 WIB" in checklist
    assert not ISO_MOMENT.search(checklist), ISO_MOMENT.search(checklist)
    assert "etalase posted" not in checklist  # no terminal step: the dashboard marks it

    c = client(shop.root)
    token = csrf_of(c.get("/").text)
    c.post(f"/hari/{DAY1}/diunggah", data={"csrf_token": token, "url": "", "kembali": "/"})
    day_page = visible(c.get(f"/hari/{DAY1}").text)
    assert "Ditandai sudah diunggah oleh ayu, 1 Okt 2026, 05.00 WIB." in day_page
    assert "1 Okt 2026, 19.00 WIB" in day_page  # the suggested time
    index = visible((shop.root / "exports" / "index.html").read_text(encoding="utf-8"))
    assert "Diperbarui 1 Okt 2026, 05.00 WIB" in index and "Unggah 19.00 WIB" in index
    for html in (day_page, index):
        assert not ISO_MOMENT.search(html), ISO_MOMENT.search(html)


# The checklist and the dashboard -----------------------------------------------------------------------

def test_the_served_checklist_may_run_its_own_script_and_style_and_links_to_the_day_page(shop):
    build(shop.root)
    r = client(shop.root).get(f"/ekspor/{DAY1}/checklist.html")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in csp and "style-src 'self' 'sha256-" in csp
    assert "unsafe-inline" not in csp
    assert f'href="../../hari/{DAY1}#h-posted"' in r.text  # /ekspor/<day>/checklist.html -> /hari/<day>
    assert f'data-kunci="etalase:{DAY1}:{X.read_manifest(shop.root / "exports" / DAY1.isoformat())["input_hash"]}"' \
        in r.text  # ticks kept per day and per version of the files
    # the dashboard's own pages keep their strict policy
    assert "sha256" not in client(shop.root).get("/").headers["content-security-policy"]


# Stale days --------------------------------------------------------------------------------------------

def test_an_approved_edit_makes_the_exported_day_stale_everywhere_until_it_is_rebuilt(shop):
    assert [d.status for d in build(shop.root).days] == [B.BUILT, B.BUILT]
    asked: list[dt.date] = []
    c = client(shop.root, request_build=asked.append)
    slug = c.get(f"/api/days/{DAY1}").json()["product"]
    assert c.get(f"/api/days/{DAY1}").json()["stale"] is None
    assert "Perlu dibuat ulang" not in card(shop.root, DAY1)

    # An edit sends the product back to review: the overview follows the edit at once.
    r = c.put(f"/api/products/{slug}", json={"values": {"story": "Cerita yang baru disunting."}},
              headers=api_token(c))
    assert r.status_code == 200, r.text
    assert "Perlu dibuat ulang" in card(shop.root, DAY1)

    # The curator approves the edit: the day keeps its product, its files are now older than its inputs.
    checks = {k: True for k in reviews.all_checks()}
    r = c.post(f"/api/reviews/{slug}", json={"action": "approve", "checks": checks}, headers=api_token(c))
    assert r.status_code == 200, r.text
    day = c.get(f"/api/days/{DAY1}").json()
    assert day["product"] == slug and day["status"] == "ready" and day["stale"] == ST.STALE_INPUTS
    assert c.get(f"/api/days/{DAY2}").json()["stale"] is None  # the other day's product did not change
    index_card = card(shop.root, DAY1)
    assert "Perlu dibuat ulang" in index_card and ST.STALE_INPUTS in index_card
    assert f'href="../hari/{DAY1}"' in index_card and "siap diunggah" in index_card  # still uploadable
    page = c.get(f"/hari/{DAY1}").text
    assert "perlu dibuat ulang" in page and ST.STALE_INPUTS in page
    assert re.search(r'<button type="submit" class="primary">Buat ulang</button>', page)
    calendar = c.get("/kalender").text
    assert f'href="/hari/{DAY1}#usang">perlu dibuat ulang' in calendar
    assert f'href="/hari/{DAY2}#usang"' not in calendar
    assert c.get(f"/hari/{DAY1}/kemajuan.json").json() == {
        "date": DAY1.isoformat(), "status": "ready", "stale": ST.STALE_INPUTS, "active": False, "stage": "built",
        "percent": 100, "label": G.LABELS["built"]}

    # "Buat ulang": the build is queued, the page shows it waiting (and polls) instead of the button.
    token = csrf_of(page)
    r = c.post(f"/hari/{DAY1}/buat", data={"csrf_token": token, "kembali": f"/hari/{DAY1}"}, follow_redirects=False)
    assert r.status_code == 303 and asked == [DAY1]
    progress = c.get(f"/hari/{DAY1}/kemajuan.json").json()
    assert progress["active"] and progress["stage"] == G.QUEUED and progress["label"] == "Menunggu giliran dibuat"
    page = c.get(f"/hari/{DAY1}").text
    assert 'id="kemajuan" role="status"' in page and 'data-kemajuan="/hari/2026-10-01/kemajuan.json" hidden' \
        not in page and ">Buat ulang</button>" not in page
    assert "Halaman ini diperbarui sendiri setelah selesai." in page

    # The scheduler's build (what serve runs for the request) renders only the stale day.
    report = build(shop.root)
    assert [d.status for d in report.days] == [B.BUILT, B.UNCHANGED]
    progress = c.get(f"/hari/{DAY1}/kemajuan.json").json()
    assert not progress["active"] and progress["stage"] == "built" and progress["percent"] == 100
    assert progress["stale"] == ""
    assert "perlu dibuat ulang" not in c.get(f"/hari/{DAY1}").text
    assert "Perlu dibuat ulang" not in card(shop.root, DAY1)
    built = X.read_manifest(shop.root / "exports" / DAY1.isoformat())
    assert built["product"]["content_hash"] == c.get(f"/api/products/{slug}").json()["content_hash"]


def test_a_swapped_day_says_its_folder_holds_the_old_product(shop):
    build(shop.root)
    c = client(shop.root)
    before = c.get(f"/api/days/{DAY2}").json()["product"]
    other = next(s for s in ("tas-purun", "tikar-purun", "kain-tenun") if s != before)
    r = c.post(f"/api/days/{DAY2}/swap", json={"product": other}, headers=api_token(c))
    assert r.status_code == 200, r.text
    day = r.json()
    assert day["status"] == "planned" and day["stale"].startswith("Folder ekspor tanggal ini masih berisi produk lain")
    assert "Perlu dibuat ulang" in card(shop.root, DAY2)  # the swap refreshed the overview


def test_a_build_records_its_progress_for_the_dashboard(shop):
    build(shop.root)
    data = G.read(shop.root / "state")
    assert data["running"] is False and data["finished_at"]
    assert {d: e["stage"] for d, e in data["days"].items()} == {DAY1.isoformat(): "built", DAY2.isoformat(): "built"}
    assert all(e["percent"] == 100 for e in data["days"].values())  # the encoder's callback reached the file
    assert G.of_day(shop.root / "state", DAY1, CLOCK_AT)["active"] is False


def test_a_progress_file_left_by_a_killed_build_stops_counting_as_running(tmp_path):
    G.queue(tmp_path, DAY1, CLOCK_AT)
    assert G.of_day(tmp_path, DAY1, CLOCK_AT)["active"]
    assert not G.of_day(tmp_path, DAY1, CLOCK_AT + G.ABANDONED + dt.timedelta(seconds=1))["active"]


def test_a_curator_decision_from_the_cli_refreshes_the_overview_and_plan_says_stale(shop, monkeypatch, capsys):
    from pipeline.cli import main

    build(shop.root)
    c = client(shop.root)
    slug = c.get(f"/api/days/{DAY1}").json()["product"]
    monkeypatch.setenv("ETALASE_NOW", CLOCK_AT.isoformat())
    (shop.content / "products" / f"{slug}.yaml").write_text(
        (shop.content / "products" / f"{slug}.yaml").read_text(encoding="utf-8") + "story: Disunting di berkas.\n",
        encoding="utf-8")
    before = (shop.root / "exports" / "index.html").read_text(encoding="utf-8")
    assert "Perlu dibuat ulang" not in before  # nothing told the overview about the file edit yet
    code = main(["--root", str(shop.root), "review", "approve", slug, "--as", "siti", "--check", "all"])
    assert code == 0
    assert "Perlu dibuat ulang" in card(shop.root, DAY1)
    capsys.readouterr()
    assert main(["--root", str(shop.root), "plan"]) == 0
    rows = {line[:10]: line for line in capsys.readouterr().out.splitlines()}
    assert "[STALE:" in rows[DAY1.isoformat()] and "[STALE:" not in rows[DAY2.isoformat()]


@pytest.fixture(autouse=True)
def _no_user_env(monkeypatch):
    monkeypatch.delenv("ETALASE_USER", raising=False)


def test_two_days_asked_for_before_the_build_starts_both_show_waiting(tmp_path):
    day2, day3 = DAY1 + dt.timedelta(days=1), DAY1 + dt.timedelta(days=2)
    G.queue(tmp_path, DAY1, CLOCK_AT)
    G.queue(tmp_path, day2, CLOCK_AT)
    assert G.of_day(tmp_path, DAY1, CLOCK_AT)["active"] and G.of_day(tmp_path, day2, CLOCK_AT)["active"]
    build = G.ProgressFile(tmp_path, lambda: CLOCK_AT)  # a build runs and ends: its days are over
    build.start([DAY1, day2], 2)
    build.finished()
    G.queue(tmp_path, day3, CLOCK_AT)
    assert set(G.read(tmp_path)["days"]) == {day3.isoformat()}
