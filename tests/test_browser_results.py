"""The results form on the day page in a real browser (Debian's chromium through Playwright) at phone size.

The admin logs in, opens a posted day, types day-1 numbers the Indonesian way, then a refused send and a
day-7 reading; both readings are kept. Screenshots go to test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from chromium import PHONE, launched, require_chromium, shot
from conftest import WEB_PASSWORDS, Scratch, served, web_approve

from pipeline.common.clock import FixedClock, zone
from pipeline.common.project import Project
from pipeline.plan import ledger as planstate
from pipeline.results.readings import readings
from pipeline.store import db as store

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=zone("Asia/Jakarta"))
POSTED = dt.date(2026, 11, 21)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = require_chromium()


@pytest.fixture(scope="module")
def project(tmp_path_factory, web_people_db) -> Scratch:
    s = Scratch(tmp_path_factory.mktemp("browser-results") / "project")
    s.write("crafts.yaml", "crafts:\n  - slug: anyaman-purun\n    name: Anyaman Purun\n")
    s.write("artisans/ani.yaml", "name: Kelompok Anyaman Ani\nkecamatan: Tanjung Beringin\n"
                                 "crafts: [anyaman-purun]\nphoto_consent: true\n")
    s.product("tas-purun", photos=("tas.jpg",), name="Tas Purun Pucuk Rebung")
    (s.root / "schedule.yaml").write_text("channels:\n  tiktok: {}\n  instagram: {}\n", encoding="utf-8")
    (s.root / "state").mkdir()
    shutil.copy2(web_people_db, s.root / "state" / "etalase.db")
    web_approve(s.root, "tas-purun")
    conn = store.connect(s.root / "state" / "etalase.db")
    planstate.mark_posted(conn, POSTED, "tas-purun", "ani",
                          "https://www.tiktok.com/@dekranasda.sergai/video/7400000000000000009", "ayu", NOW)
    conn.close()
    return s


@pytest.fixture(scope="module")
def phone(project):
    from pipeline.web import create_app

    app = create_app(Project.at(project.root), require_login=True, clock=FixedClock(NOW))
    with served(app) as url, launched(sync_api) as browser:
        context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="id-ID", base_url=url)
        yield context.new_page()
        context.close()


def test_the_admin_records_day_1_and_day_7_results_on_the_phone(phone, project):
    page = phone
    page.goto("/masuk")
    page.get_by_label("Nama pengguna").fill("ayu")
    page.get_by_label("Kata sandi").fill(WEB_PASSWORDS["ayu"])
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/")
    page.goto(f"/hari/{POSTED}")
    tiktok = page.locator("form.results-form").filter(has_text="TikTok")
    tiktok.get_by_label("Tayangan").fill("1,2rb")
    tiktok.get_by_label("Suka").fill("85")
    tiktok.get_by_label("Tanggal dibaca").fill(str(POSTED + dt.timedelta(days=1)))
    shot(page, "40-hasil-isi")
    tiktok.get_by_role("button", name="Simpan hasil TikTok").click()
    page.wait_for_url(f"**/hari/{POSTED}#hasil")
    assert "Hasil TikTok untuk" in page.content()
    row = page.locator("table.results-table tbody tr")
    assert row.count() == 1 and row.first.inner_text().split("\t")[2:4] == ["1.200", "85"]

    tiktok = page.locator("form.results-form").filter(has_text="TikTok")
    tiktok.get_by_label("Tayangan").fill("12,5")  # a decimal is no count: refused, what was typed stays
    tiktok.get_by_role("button", name="Simpan hasil TikTok").click()
    page.get_by_text("`12,5` bukan angka bulat").first.wait_for()
    assert page.locator("form.results-form").filter(has_text="TikTok").get_by_label("Tayangan").input_value() == "12,5"
    shot(page, "41-hasil-ditolak")

    tiktok = page.locator("form.results-form").filter(has_text="TikTok")
    tiktok.get_by_label("Tayangan").fill("12.345")
    tiktok.get_by_label("Dibagikan").fill("1,1rb")
    tiktok.get_by_role("button", name="Simpan hasil TikTok").click()
    page.wait_for_url(f"**/hari/{POSTED}#hasil")
    assert page.locator("table.results-table tbody tr").count() == 2
    page.locator("#hasil").scroll_into_view_if_needed()
    shot(page, "42-hasil-tersimpan")
    conn = store.connect(project.root / "state" / "etalase.db")
    got = [(r.read_on, r.views, r.likes, r.shares) for r in readings(conn)]
    conn.close()
    assert got == [(POSTED + dt.timedelta(days=1), 1200, 85, None), (NOW.date(), 12345, None, 1100)]
