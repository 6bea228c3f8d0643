"""The dashboard in a real browser (Debian's chromium through Playwright) at phone size.

A curator logs in and approves a product; the admin swaps a day, downloads the video, copies the
caption and marks the day posted; every page is saved as a 390x844 screenshot under
test-artifacts/screenshots/ for a person to look at. Skips, saying why, only when chromium or
Playwright is missing (CI installs chromium from Debian first: see .ci/run).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from chromium import PHONE, SHOTS, launched, require_chromium, shot
from conftest import TWO_CRAFTS, WEB_PASSWORDS, Scratch, served, web_approve, web_built_day

from pipeline.common.clock import FixedClock, zone
from pipeline.common.project import Project
from pipeline.plan import ledger as planstate
from pipeline.store import db as store

TODAY = dt.date(2026, 11, 28)
NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=zone("Asia/Jakarta"))

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = require_chromium()


@pytest.fixture(scope="module")
def project(tmp_path_factory, web_people_db) -> Scratch:
    s = Scratch(tmp_path_factory.mktemp("browser") / "project")
    s.write("crafts.yaml", TWO_CRAFTS)
    s.write("artisans/ani.yaml", "name: Kelompok Anyaman Ani\nkecamatan: Tanjung Beringin\nvillage: Desa Pematang\n"
                                 "crafts: [anyaman-purun]\nphoto_consent: true\nstory: Kelompok fiktif.\n")
    s.write("artisans/rina.yaml", "name: Rina Tenun\nkecamatan: Sipispis\ncrafts: [tenun]\nphoto_consent: true\n")
    s.photo("tikar.jpg", size=(1080, 1440), colour=(60, 120, 90))
    s.photo("kain.jpg", size=(1080, 1440), colour=(150, 40, 60))
    s.photo("tas.jpg", size=(1080, 1440))
    s.product("tas-purun", photos=("tas.jpg",), name="Tas Purun Pucuk Rebung", story="Dianyam tangan di pesisir.",
              size="35 x 28 x 12 cm", extra="materials: [purun, pewarna alami]\n")
    s.product("tikar-pandan", photos=("tikar.jpg",), name="Tikar Pandan Motif Bunga", price="Rp 95.000")
    s.product("kain-tenun", photos=("kain.jpg", "tas.jpg"), name="Kain Tenun Sipispis", artisan="rina",
              craft="tenun", price="Rp 450.000")
    s.product("dompet-purun", photos=("tas.jpg",), name="Dompet Purun Mini", price="Rp 45.000")
    s.write("products/rusak.yaml", "name: Tas Rusak\nartisan: nobody\ncraft: anyaman-purun\nphotos: [tas.jpg]\n")
    (s.root / "state").mkdir()
    shutil.copy2(web_people_db, s.root / "state" / "etalase.db")
    web_approve(s.root, "tas-purun", "tikar-pandan", "kain-tenun")
    conn = store.connect(s.root / "state" / "etalase.db")
    try:
        planstate.mark_posted(conn, TODAY - dt.timedelta(days=2), "kain-tenun", "rina",
                              "https://www.tiktok.com/@dekranasda.sergai/video/7400000000000000001", "ayu", NOW)
    finally:
        conn.close()
    today = _plan(s.root)[str(TODAY)]
    web_built_day(s.root, TODAY, today, seconds=2)
    return s


def _plan(root: Path) -> dict[str, str]:
    from fastapi.testclient import TestClient

    from pipeline.web import create_app
    c = TestClient(create_app(Project.at(root), require_login=False, local_user="ayu", clock=FixedClock(NOW)))
    return {d["date"]: d["product"] for d in c.get("/api/days").json()["days"]}


@pytest.fixture(scope="module")
def base_url(project) -> str:
    from pipeline.web import create_app
    app = create_app(Project.at(project.root), require_login=True, clock=FixedClock(NOW))
    with served(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with launched(sync_api) as b:
        yield b


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="id-ID", base_url=base_url,
                                  accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    yield page
    context.close()



def login(page, name: str) -> None:
    page.goto("/")
    assert "/masuk" in page.url
    page.get_by_label("Nama pengguna").fill(name)
    page.get_by_label("Kata sandi").fill(WEB_PASSWORDS[name])
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/")
    assert f"Selamat datang, {name}." in page.content()


def test_a_curator_logs_in_and_approves_a_product(phone):
    page = phone
    page.goto("/masuk")
    shot(page, "01-masuk")
    login(page, "siti")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Kurasi").click()
    assert "Menunggu keputusan (1)" in page.content()
    shot(page, "04-kurasi")
    page.get_by_role("link", name="Dompet Purun Mini").click()
    page.wait_for_url("**/kurasi/dompet-purun")
    shot(page, "05-kurasi-produk")
    page.get_by_role("button", name="Setujui").click()  # without the checklist: refused, in Indonesian
    assert "semua butir daftar periksa dicentang" in page.content()
    page.go_back()
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_label("Catatan").fill("Foto jelas, harga wajar.")
    page.get_by_role("button", name="Setujui").click()
    page.wait_for_url("**/kurasi")
    assert "Produk disetujui dan siap dijadwalkan." in page.content()
    assert "Tidak ada produk yang menunggu kurasi" in page.content()
    page.goto("/kurasi/dompet-purun")
    assert "oleh siti (Kurator)" in page.content() and "Foto jelas, harga wajar." in page.content()


def test_the_admin_swaps_a_day_downloads_the_video_and_marks_the_day_posted(phone, project, tmp_path):
    page = phone
    login(page, "ayu")
    shot(page, "02-hari-ini")
    page.get_by_role("button", name="Salin caption").click()
    page.get_by_role("button", name="Tersalin ✓").wait_for()
    assert "#BanggaBuatanIndonesia" in page.evaluate("navigator.clipboard.readText()")
    with page.expect_download() as info:
        page.get_by_role("link", name="Unduh video").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    slug = _plan(project.root)[str(TODAY)]
    assert saved.name == f"{TODAY}-{slug}.mp4" and saved.read_bytes()[4:8] == b"ftyp"
    with page.expect_download() as zipped:
        page.get_by_role("link", name="Unduh semua slide (.zip)").click()
    assert zipped.value.suggested_filename == f"{TODAY}-{slug}-slide.zip"
    with page.expect_download() as slide:
        page.get_by_role("link", name="Unduh slide 1").click()
    assert slide.value.suggested_filename == f"{TODAY}-{slug}-slide-01.jpg"
    slide.value.save_as(tmp_path / "slide.jpg")
    assert (tmp_path / "slide.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    assert page.get_by_role("button", name="Bagikan video…").is_hidden()  # no file sharing here: downloads only

    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Kalender").click()
    shot(page, "03-kalender")
    tomorrow = TODAY + dt.timedelta(days=1)
    day = page.locator(f"#d-{tomorrow}")
    before = _plan(project.root)[str(tomorrow)]
    other = "Tikar Pandan Motif Bunga" if before != "tikar-pandan" else "Kain Tenun Sipispis"
    day.get_by_text("Ubah jadwal").click()
    day.get_by_role("link", name="Tukar produk…").click()
    page.get_by_label("Cari produk yang disetujui").fill(other.split()[0])
    page.get_by_role("button", name="Cari").click()
    shot(page, "03b-tukar-produk")
    page.get_by_role("button", name=f"Pilih {other}").click()
    assert "sudah ditukar" in page.content()
    assert _plan(project.root)[str(tomorrow)] != before
    assert other in page.locator(f"#d-{tomorrow}").inner_text()

    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Hari ini").click()
    url = "https://www.tiktok.com/@dekranasda.sergai/video/7412345678901234567"
    page.get_by_label("Tautan TikTok (boleh dikosongkan)").fill(url)
    page.get_by_role("button", name="Sudah diunggah").click()
    assert "ditandai sudah diunggah" in page.content() and url in page.content()
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Riwayat").click()
    assert "2 hari sudah diunggah, 2 dengan tautan TikTok" in page.content()
    shot(page, "10-riwayat")


def test_every_page_at_phone_size(phone):
    page = phone
    login(page, "budi")
    for name, url in [("06-produk", "/produk"), ("07-produk-ubah", "/produk/tas-purun"),
                      ("07b-produk-bermasalah", "/produk/rusak"), ("08-produk-baru", "/produk/baru"),
                      ("09-pengrajin", "/pengrajin"), ("09b-pengrajin-ubah", "/pengrajin/ani"),
                      ("11-hari-lain", f"/hari/{TODAY + dt.timedelta(days=2)}"), ("12-api", "/api"),
                      ("13-tidak-ditemukan", "/produk/tidak-ada"), ("14-buka-di-hp", "/hp")]:
        page.goto(url)
        shot(page, name)
    page.goto("/produk/baru")
    page.get_by_label("Nama produk").fill("")
    page.get_by_role("button", name="Simpan").click()  # the browser's own check stops an empty name
    assert page.url.endswith("/produk/baru")


def test_the_keyboard_reaches_the_skip_link_first_and_focus_is_visible(phone):
    page = phone
    login(page, "siti")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Langsung ke isi"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "isi"


def test_the_admin_makes_a_calendar_link_on_buka_di_hp(phone):
    page = phone
    login(page, "ayu")
    page.get_by_role("link", name="Buka di HP").click()
    page.wait_for_url("**/hp")
    page.get_by_role("button", name="Buat tautan kalender").click()
    page.wait_for_url("**/hp*")
    assert "Tautan kalender baru sudah dibuat" in page.content()
    link = page.locator("#tautan-kalender").inner_text()
    assert "/kalender.ics?kunci=" in link
    assert page.get_by_role("link", name="Tambahkan ke kalender HP").get_attribute("href").startswith("webcal://")
    shot(page, "14b-buka-di-hp-kalender")
    page.on("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Matikan tautan").click()
    page.wait_for_url("**/hp*")
    assert "Tautan kalender dimatikan" in page.content()


def _clipboard_denied(browser, base_url, *init_scripts: str):
    """A phone context whose clipboard permission is denied outright (CDP: Playwright only grants)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="id-ID", base_url=base_url)
    for script in init_scripts:
        context.add_init_script(script)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    own = cdp.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
    for name in ("clipboard-write", "clipboard-read"):
        cdp.send("Browser.setPermission", {"permission": {"name": name}, "setting": "denied", "origin": base_url,
                                           "browserContextId": own})
    return context, page


def test_with_the_clipboard_permission_denied_copying_falls_back_to_the_copy_command(browser, base_url):
    context, page = _clipboard_denied(browser, base_url)
    try:
        login(page, "ayu")
        assert page.evaluate("navigator.clipboard.writeText('x').then(() => 'ok', e => e.name)") == "NotAllowedError"
        page.get_by_role("button", name="Salin caption").click()
        page.get_by_role("button", name="Tersalin ✓").wait_for()
    finally:
        context.close()


def test_when_the_phone_refuses_to_copy_the_caption_is_selected_for_a_manual_copy(browser, base_url):
    """Clipboard permission denied and the old copy command refused too (as iOS Safari may): the caption is
    selected and the admin is told how to copy it by hand, instead of nothing happening."""
    context, page = _clipboard_denied(browser, base_url, "document.execCommand = function () { return false; };")
    try:
        login(page, "ayu")
        page.get_by_role("button", name="Salin caption").click()
        note = page.get_by_role("status").filter(has_text="tekan lama pada teks")
        note.wait_for()
        assert "tidak mengizinkan salin otomatis" in note.inner_text()
        selected = page.evaluate("window.getSelection().toString()")
        assert "#BanggaBuatanIndonesia" in selected
        assert selected.strip() == page.locator("#caption").inner_text().strip()
        assert page.get_by_role("button", name="Salin caption").is_visible()  # never claims "Tersalin"
        shot(page, "02b-salin-manual")
    finally:
        context.close()


DESKTOP = {"width": 1280, "height": 800}


def _cells(page) -> list[dict]:
    """Each calendar day's id and box, in page order."""
    return page.evaluate("[...document.querySelectorAll('li.day')].map(li => {"
                         " const r = li.getBoundingClientRect(); return {id: li.id, x: r.x, y: r.y, w: r.width}; })")


def test_the_calendar_pages_to_next_week_and_confirms_a_change_beside_the_day(phone):
    page = phone
    login(page, "ayu")
    page.goto("/kalender")
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    cells = _cells(page)
    assert [c["id"] for c in cells] == [f"d-{monday + dt.timedelta(days=i)}" for i in range(7)]
    assert len({round(c["x"]) for c in cells}) == 1  # a phone gets a list: one column
    assert page.locator(f"#d-{TODAY}").get_by_text("Unggah 19.00 WIB").is_visible()
    page.get_by_role("link", name="Minggu berikutnya ›").click()
    later = monday + dt.timedelta(days=7)
    page.wait_for_url(f"**/kalender?mulai={later}")
    assert _cells(page)[0]["id"] == f"d-{later}"
    assert page.get_by_role("link", name="Kembali ke hari ini").is_visible()
    shot(page, "03c-kalender-minggu-depan")

    day = later + dt.timedelta(days=6)  # Sunday of next week: far enough down the list to need a scroll
    cell = page.locator(f"#d-{day}")
    cell.get_by_text("Ubah jadwal").click()
    cell.get_by_role("button", name="Kunci produk ini").click()
    page.wait_for_url(f"**/kalender?mulai={later}#d-{day}")
    note = page.locator(f"#d-{day} .day-flash")
    assert "dikunci" in note.inner_text()
    box = page.evaluate("(() => { const r = document.querySelector('.day-flash').getBoundingClientRect();"
                        " return [r.top, r.bottom, window.innerHeight, window.scrollY]; })()")
    assert 0 <= box[0] and box[1] <= box[2] and box[3] > 0  # scrolled to the day, the note in view
    assert page.locator("main > .flash").count() == 0  # not at the top of the page as well
    page.screenshot(path=str(SHOTS / "03d-kalender-dikunci.png"))  # what the admin sees: the viewport
    cell = page.locator(f"#d-{day}")
    cell.get_by_text("Ubah jadwal").click()
    cell.get_by_role("button", name="Lepas kunci").click()  # the shared project goes back as it was
    page.wait_for_url(f"**#d-{day}")
    assert "kembali dipilih otomatis" in page.locator(f"#d-{day} .day-flash").inner_text()


def test_on_a_desktop_the_calendar_is_a_week_grid(browser, base_url):
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1, locale="id-ID", base_url=base_url)
    try:
        page = context.new_page()
        login(page, "ayu")
        page.goto("/kalender")
        cells = _cells(page)
        assert len(cells) == 7
        assert len({round(c["y"]) for c in cells}) == 1  # one row
        xs = [c["x"] for c in cells]
        assert xs == sorted(xs) and len(set(round(x) for x in xs)) == 7 and all(c["w"] > 120 for c in cells)
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / "03e-kalender-desktop.png"), full_page=True)
    finally:
        context.close()
def test_each_channel_has_its_block_copy_button_and_posted_mark_at_phone_size(browser, tmp_path_factory):
    """Four channels and a Go Global day, built for real: the admin copies Instagram's own caption and marks
    Instagram posted from its block; the page is saved as 15-kanal.png (390 px wide, no sideways scroll)."""
    from conftest import make_channels_day, make_scratch, make_shop

    from pipeline.curation import users as U
    from pipeline.web import create_app

    scratch = make_shop(make_scratch(tmp_path_factory.mktemp("browser-channels") / "project"))
    conn = store.connect(scratch.root / "state" / "etalase.db")
    U.ensure(conn, "ayu", "admin")
    conn.close()
    day = make_channels_day(scratch)
    clock = FixedClock(dt.datetime.combine(day, dt.time(9, 0), tzinfo=zone("Asia/Jakarta")))
    app = create_app(Project.at(scratch.root), require_login=False, local_user="ayu", clock=clock)
    with served(app) as url:
        context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="id-ID", base_url=url)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page = context.new_page()
        try:
            page.goto("/")
            shot(page, "15-kanal")
            instagram = page.locator("#kanal-instagram")
            instagram.get_by_role("button", name="Salin caption Instagram").click()
            instagram.get_by_role("button", name="Tersalin ✓").wait_for()
            caption = (scratch.root / "exports" / day.isoformat() / "caption-instagram.txt").read_text(encoding="utf-8")
            assert page.evaluate("navigator.clipboard.readText()") == caption.rstrip("\n")
            page.locator("#kanal-en").get_by_role("button", name="Salin caption Inggris").click()
            assert "handmade by" in page.evaluate("navigator.clipboard.readText()")
            link = "https://www.instagram.com/reel/C0ffee/"
            instagram.get_by_label("Tautan posting di Instagram (boleh dikosongkan)").fill(link)
            instagram.get_by_role("button", name="Sudah diunggah di Instagram").click()
            page.wait_for_load_state()
            assert "ditandai sudah diunggah di Instagram" in page.content()
            assert page.locator("#kanal-instagram").get_by_role("link", name="Lihat di Instagram").get_attribute(
                "href") == link
            assert page.locator("#kanal-tiktok").get_by_role("button", name="Sudah diunggah di TikTok").is_visible()
            shot(page, "15b-kanal-diunggah")
        finally:
            context.close()


# The product form's photos: order, hero and focus point, on a phone-size page ---------------

@pytest.fixture(scope="module")
def form_url(tmp_path_factory, web_people_db) -> tuple[Scratch, str]:
    """A catalogue of its own (one product, three photos), so the edits leave the module's project alone."""
    from pipeline.web import create_app
    s = Scratch(tmp_path_factory.mktemp("form") / "project")
    s.write("crafts.yaml", "crafts:\n  - slug: anyaman-purun\n    name: Anyaman Purun\n")
    s.write("artisans/ani.yaml", "name: Kelompok Anyaman Ani\nkecamatan: Tanjung Beringin\n"
                                 "crafts: [anyaman-purun]\nphoto_consent: true\n")
    s.photo("merah.jpg", size=(1080, 1440), colour=(170, 40, 40))
    s.photo("hijau.jpg", size=(1080, 1440), colour=(40, 140, 60))
    s.photo("biru.jpg", size=(1080, 1440), colour=(40, 60, 170))
    s.product("tas-tiga", photos=("merah.jpg", "hijau.jpg", "biru.jpg"), name="Tas Tiga Warna",
              extra="story: >\n  Dianyam tangan oleh Kelompok Ani\n  di pesisir Tanjung Beringin.\n")
    (s.root / "state").mkdir()
    shutil.copy2(web_people_db, s.root / "state" / "etalase.db")
    app = create_app(Project.at(s.root), require_login=True, clock=FixedClock(NOW))
    with served(app) as url:
        yield s, url


def _order(page) -> list[str]:
    return page.eval_on_selector_all("[data-photo-editor] figure.photo", "fs => fs.map(f => f.dataset.file)")


def test_a_curator_reorders_photos_picks_the_hero_and_taps_the_focus_point(browser, form_url):
    from pipeline.catalog.reader import load_catalog
    scratch, url = form_url
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="id-ID", base_url=url)
    page = context.new_page()
    try:
        login(page, "budi")
        page.goto("/produk/tas-tiga")
        shot(page, "07c-produk-foto")
        assert _order(page) == ["merah.jpg", "hijau.jpg", "biru.jpg"]
        page.get_by_role("button", name="Pindahkan foto 2 ke depan").click()
        assert _order(page) == ["hijau.jpg", "merah.jpg", "biru.jpg"]
        page.get_by_role("button", name="Pindahkan foto 1 ke belakang").click()
        assert _order(page) == ["merah.jpg", "hijau.jpg", "biru.jpg"]
        page.get_by_role("button", name="Pindahkan foto 2 ke belakang").click()
        assert _order(page) == ["merah.jpg", "biru.jpg", "hijau.jpg"]
        page.locator("figure[data-file='biru.jpg'] [data-hero]").click()
        assert _order(page) == ["biru.jpg", "merah.jpg", "hijau.jpg"]
        assert "Foto ini sekarang foto utama." in page.locator("[data-photo-status]").text_content()
        # The focus point: a tap a quarter across and three quarters down biru's photo.
        photo = page.locator("figure[data-file='biru.jpg'] img")
        box = photo.bounding_box()
        photo.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
        box = photo.bounding_box()  # the click scrolled the photo into view
        marker = page.locator("figure[data-file='biru.jpg'] .focus-marker").bounding_box()
        assert abs(marker["x"] + marker["width"] / 2 - (box["x"] + box["width"] * 0.25)) <= 2
        assert abs(marker["y"] + marker["height"] / 2 - (box["y"] + box["height"] * 0.75)) <= 2
        shot(page, "07d-produk-foto-diatur")
        page.get_by_role("button", name="Simpan").click()
        page.wait_for_url("**/produk/tas-tiga")
        assert "Perubahan tersimpan." in page.content()
        product = load_catalog(scratch.content).products["tas-tiga"]
        assert [p.file for p in product.photos] == ["biru.jpg", "merah.jpg", "hijau.jpg"]
        assert product.hero.focus == pytest.approx((0.25, 0.75), abs=0.01)
        assert product.story == "Dianyam tangan oleh Kelompok Ani di pesisir Tanjung Beringin."
        text = (scratch.content / "products/tas-tiga.yaml").read_text(encoding="utf-8")
        assert "story: >\n  Dianyam tangan oleh Kelompok Ani\n" in text  # the folded story stays folded
        saved = page.locator("figure[data-file='biru.jpg'] [data-focus-value]").input_value()
        assert saved == "{} {}".format(*product.hero.focus)  # the reopened form shows the saved point
    finally:
        context.close()


def test_on_a_computer_photos_are_reordered_by_dragging(browser, form_url):
    """Playwright's drag scrolls between pressing and moving, so it is tried where all photos fit on screen."""
    scratch, url = form_url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID", base_url=url)
    page = context.new_page()
    try:
        login(page, "budi")
        page.goto("/produk/tas-tiga")
        start = _order(page)
        first, second, third = start
        page.locator(f"figure[data-file='{third}']").drag_to(page.locator(f"figure[data-file='{first}']"),
                                                             target_position={"x": 5, "y": 40})
        assert _order(page) == [third, first, second]
        assert "Foto dipindahkan ke urutan 1." in page.locator("[data-photo-status]").text_content()
        target = page.locator(f"figure[data-file='{second}']")
        page.locator(f"figure[data-file='{third}']").drag_to(target, target_position={
            "x": target.bounding_box()["width"] - 5, "y": 40})  # the right half: after it
        assert _order(page) == [first, second, third]
    finally:
        context.close()
