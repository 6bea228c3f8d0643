"""The admin's post-and-mark loop and a stale day's rebuild in a real browser (Debian's chromium, 390x844).

The shop catalogue is built for real (draft videos through ffmpeg); the dashboard runs in uvicorn with a
"Buat ulang" hook that builds in a thread, as `etalase serve` does in the scheduler's. The rebuild is held at
its render by the build's own reporter hook (`rendering`) so the page is seen while it shows progress, then
let go: the test waits for the page to reload itself, never for a time. Screenshots go to
test-artifacts/screenshots/ (2x-numbered from 20).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import threading

import pytest
from chromium import PHONE, launched, require_chromium, shot
from conftest import WEB_PASSWORDS, make_scratch, make_shop, served

from pipeline.build import orchestrate as B
from pipeline.common.clock import FixedClock
from pipeline.common.project import Project
from pipeline.export import folders as X

CLOCK_AT = dt.datetime(2026, 9, 30, 22, 0, tzinfo=dt.UTC)  # 05:00 WIB, Thursday 1 October 2026
DAY1, DAY2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)
HANG = 300_000  # ms: only bounds a hang; every wait ends on what the page or the build does

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = require_chromium()


class Held:
    """A build reporter whose optional hooks hold the build: at the start of a day's render (`rendering`) and
    when its video is half written (`video`), each until the test lets it go."""

    def __init__(self):
        self.reached, self.go = threading.Event(), threading.Event()
        self.half, self.on = threading.Event(), threading.Event()

    def start(self, days, to_render) -> None:
        pass

    def day(self, outcome) -> None:
        pass

    def rendering(self, day) -> None:
        self.reached.set()
        self.go.wait(HANG / 1000)

    def video(self, day, done, total) -> None:
        if 2 * done >= total and not self.half.is_set():
            self.half.set()
            self.on.wait(HANG / 1000)


@pytest.fixture(scope="module")
def project(tmp_path_factory, web_people_db):
    s = make_scratch(tmp_path_factory.mktemp("loop") / "project")
    (s.root / "state").mkdir(parents=True)
    shutil.copy2(web_people_db, s.root / "state" / "etalase.db")
    make_shop(s)
    report = B.build(Project.at(s.root), B.Options(draft=True), clock=FixedClock(CLOCK_AT))
    assert [d.status for d in report.days] == [B.BUILT, B.BUILT]
    return s


@pytest.fixture(scope="module")
def held() -> Held:
    return Held()


@pytest.fixture(scope="module")
def base_url(project, held):
    from pipeline.web import create_app

    threads: list[threading.Thread] = []

    def request_build(_day: dt.date) -> None:
        """As `etalase serve`: the whole horizon is built in another thread (unchanged days are skipped)."""
        t = threading.Thread(target=B.build, args=(Project.at(project.root), B.Options(draft=True)),
                             kwargs={"clock": FixedClock(CLOCK_AT), "reporter": held}, daemon=True)
        threads.append(t)
        t.start()

    app = create_app(Project.at(project.root), require_login=True, clock=FixedClock(CLOCK_AT),
                     request_build=request_build)
    with served(app) as url:
        yield url
    held.go.set()
    held.on.set()
    for t in threads:
        t.join(timeout=HANG / 1000)


@pytest.fixture(scope="module")
def browser():
    with launched(sync_api) as b:
        yield b


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="id-ID", base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(HANG)
    yield page
    context.close()



def login(page, name: str) -> None:
    page.goto("/masuk")
    page.get_by_label("Nama pengguna").fill(name)
    page.get_by_label("Kata sandi").fill(WEB_PASSWORDS[name])
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/")


def test_the_admin_marks_the_day_posted_from_the_checklist_link(phone, project):
    page = phone
    login(page, "ayu")
    page.goto(f"/ekspor/{DAY1}/checklist.html")
    link = page.get_by_role("link", name="Tandai sudah diunggah di dasbor")
    assert link.is_visible() and page.locator("#tanpa-dasbor").is_hidden()  # its own script ran (CSP hash)
    steps = page.locator("#langkah input[type=checkbox]")
    steps.nth(0).check()
    steps.nth(1).check()
    page.reload()
    assert steps.nth(0).is_checked() and steps.nth(1).is_checked() and not steps.nth(2).is_checked()
    shot(page, "20-daftar-periksa")

    link.click()
    page.wait_for_url(f"**/hari/{DAY1}#h-posted")
    url = "https://www.tiktok.com/@dekranasda.sergai/video/7412345678901234999"
    page.get_by_label("Tautan TikTok (boleh dikosongkan)").fill(url)
    page.get_by_role("button", name="Sudah diunggah").click()
    page.wait_for_url(f"**/hari/{DAY1}")
    assert "ditandai sudah diunggah" in page.content() and url in page.content()
    shot(page, "21-ditandai-dari-daftar-periksa")

    page.goto("/ekspor/index.html")  # the overview followed the mark
    cards = [c for c in page.locator("article").all() if X.tanggal(DAY1) in c.inner_text()]
    assert len(cards) == 1
    assert "sudah diunggah" in cards[0].inner_text() and "siap diunggah" not in cards[0].inner_text()
    shot(page, "22-ringkasan-ekspor")


def test_a_stale_day_after_an_approved_edit_is_rebuilt_with_progress(phone, project, held):
    page = phone
    login(page, "siti")  # a curator edits, approves and plans
    before = X.read_manifest(X.day_dir(project.root / "exports", DAY2))
    slug = before["product"]["slug"]
    page.goto(f"/produk/{slug}")
    page.get_by_label("Cerita", exact=True).fill("Dianyam ulang dengan motif baru untuk pengujian.")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"**/produk/{slug}")
    page.goto(f"/kurasi/{slug}")
    for box in page.locator("form input[type=checkbox][name^=check_]").all():
        box.check()
    page.get_by_role("button", name="Setujui").click()
    page.wait_for_url("**/kurasi")

    page.goto(f"/hari/{DAY2}")
    assert page.locator(".headrow .d-stale").inner_text() == "perlu dibuat ulang"
    assert page.get_by_role("button", name="Buat ulang").is_visible()
    shot(page, "23-perlu-dibuat-ulang")
    page.goto("/kalender")
    assert page.locator(f"#d-{DAY2} .d-stale").is_visible()
    page.goto(f"/ekspor/{DAY2}/checklist.html")  # the served checklist asks the dashboard
    page.locator("#usang").wait_for(state="visible")
    assert "sudah berubah" in page.locator("#usang").inner_text()
    shot(page, "24-daftar-periksa-usang")

    page.goto(f"/hari/{DAY2}")
    page.get_by_role("button", name="Buat ulang").click()
    page.wait_for_url(f"**/hari/{DAY2}")
    box = page.locator("#kemajuan")
    assert box.is_visible() and page.get_by_role("button", name="Buat ulang").count() == 0
    sync_api.expect(page.locator("#kemajuan-teks")).to_have_text(re.compile(r"^Sedang dibuat"), timeout=HANG)
    assert held.reached.is_set()  # the page shows what the build reported, polled from kemajuan.json
    shot(page, "25-sedang-dibuat")
    held.go.set()
    half = re.compile(r"^Sedang dibuat: video (5[01])%$")  # the build is held at half its frames: it stays there
    sync_api.expect(page.locator("#kemajuan-teks")).to_have_text(half, timeout=HANG)
    shown = half.match(page.locator("#kemajuan-teks").inner_text())[1]
    assert page.locator("#kemajuan-bar").get_attribute("value") == shown
    shot(page, "25b-video-setengah")
    with page.expect_navigation():  # the page reloads itself when the build is done
        held.on.set()
    page.wait_for_load_state()
    assert page.locator("#kemajuan").is_hidden() and page.locator(".d-stale").count() == 0
    assert "siap diunggah" in page.locator(".headrow").inner_text()
    shot(page, "26-selesai-dibuat-ulang")
    after = X.read_manifest(X.day_dir(project.root / "exports", DAY2))
    assert after["input_hash"] != before["input_hash"] and after["product"]["slug"] == slug
    assert re.search(r"Perlu dibuat ulang", (project.root / "exports" / "index.html").read_text("utf-8")) is None
