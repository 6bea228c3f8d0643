"""The Wawasan page and the monthly report in a real browser (Debian's chromium through Playwright) at phone
size, on a seeded year of posts; screenshots under test-artifacts/screenshots/ (insights-*.png) for a person
to look at. Skips, saying why, only when chromium or Playwright is missing."""

from __future__ import annotations

import datetime as dt

import pytest
from chromium import PHONE, SHOTS, launched, require_chromium, shot
from conftest import make_scratch, seed_year, served

from pipeline.common.clock import FixedClock, zone
from pipeline.common.project import Project

NOW = dt.datetime(2027, 1, 3, 10, 0, tzinfo=zone("Asia/Jakarta"))

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = require_chromium()


@pytest.fixture(scope="module")
def phone(tmp_path_factory):
    from pipeline.web import create_app

    s = make_scratch(tmp_path_factory.mktemp("insights-browser") / "project")
    (s.root / "state").mkdir()
    seed_year(s, s.root / "state" / "etalase.db")
    app = create_app(Project.at(s.root), require_login=False, local_user="ayu", clock=FixedClock(NOW))
    with served(app) as url, launched(sync_api) as browser:
        context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="id-ID", base_url=url)
        yield context.new_page()
        context.close()


def test_insights_page_at_phone_size(phone):
    phone.goto("/")
    phone.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Wawasan").click()
    phone.wait_for_url("**/wawasan")
    assert phone.get_by_role("heading", name="Wawasan", level=1).is_visible()
    # every chart fits the phone's width and is tall enough to read (a one-bar chart is about 130 px)
    sizes = phone.evaluate("[...document.querySelectorAll('figure.chart img')].map(s => {"
                           " const r = s.getBoundingClientRect(); return [r.width, r.height]; })")
    assert len(sizes) == 9
    assert all(w <= PHONE["width"] - 16 and h >= 120 for w, h in sizes), sizes
    shot(phone, "insights-wawasan")
    phone.locator("#title_source summary").click()
    row = phone.locator("#title_source tr.few")
    assert "sedikit data" in row.inner_text() and row.is_visible()
    phone.locator("#title_source").screenshot(path=str(SHOTS / "insights-wawasan-judul.png"))


def test_monthly_report_from_the_button(phone):
    phone.goto("/wawasan#laporan")
    phone.get_by_label("Bulan", exact=True).select_option("2026-12")
    phone.get_by_role("button", name="Buat laporan").click()
    phone.wait_for_url("**/wawasan#laporan")
    assert "Laporan Desember 2026 sudah dibuat." in phone.locator(".flash.ok").inner_text()
    phone.get_by_role("link", name="halaman cetak").click()
    phone.wait_for_url("**/wawasan/laporan/2026-12.html")
    assert phone.get_by_role("heading", name="Laporan Bulanan Desember 2026").is_visible()
    shot(phone, "insights-laporan-hp")
    phone.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi: the page as printed
    phone.emulate_media(media="print")
    phone.screenshot(path=str(SHOTS / "insights-laporan-cetak.png"), full_page=True)
    phone.emulate_media(media="screen")
    phone.set_viewport_size(PHONE)
