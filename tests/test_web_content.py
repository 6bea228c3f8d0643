"""Produk and Pengrajin pages: lists, filters, forms with photo upload, refusals, and escaping everywhere."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from conftest import csrf_of, web_approve, web_built_day
from fastapi.testclient import TestClient
from PIL import Image

from pipeline.catalog.reader import load_catalog
from pipeline.common.clock import FixedClock, zone
from pipeline.common.project import Project
from pipeline.curation import reviews
from pipeline.store import db as store
from pipeline.web import create_app

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=zone("Asia/Jakarta"))


def client(office, user: str = "budi") -> TestClient:
    return TestClient(create_app(Project.at(office.root), require_login=False, local_user=user,
                                 clock=FixedClock(NOW)))


def photo_bytes(gps: bool = True) -> bytes:
    im = Image.new("RGB", (1200, 1600), (150, 110, 60))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (3.0, 35.0, 12.5), 3: "E", 4: (98.0, 59.0, 1.0)}
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def state_of(office, slug: str) -> str:
    conn = store.connect(office.root / "state" / "etalase.db")
    try:
        return reviews.status(conn, load_catalog(office.content), slug).state
    finally:
        conn.close()


FORM = {"name": "Tikar Pandan Motif Bunga", "artisan": "ani", "craft": "anyaman-purun", "price": "Rp 95.000",
        "materials": "pandan, pewarna alami", "size": "180 x 120 cm", "story": "Dianyam di Tanjung Beringin.",
        "availability": "in_stock", "submit_review": "1"}


def test_an_editor_creates_a_product_with_a_phone_photo(web_office):
    c = client(web_office)
    token = csrf_of(c.get("/produk/baru").text)
    r = c.post("/produk/baru", data={**FORM, "csrf_token": token},
               files=[("new_photos", ("IMG_2031.JPG", photo_bytes(), "image/jpeg"))], follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/produk/tikar-pandan-motif-bunga"
    product = load_catalog(web_office.content).products["tikar-pandan-motif-bunga"]
    assert product.price == 95000 and product.materials == ("pandan", "pewarna alami")
    (photo,) = product.photos
    assert photo.file.startswith("tikar-pandan-motif-bunga-") and "IMG" not in photo.file
    with Image.open(photo.path) as im:
        assert not im.getexif() and im.size == (1200, 1600)
    page = c.get(r.headers["location"]).text
    assert "Produk baru tersimpan. Produk menunggu kurasi." in page
    assert state_of(web_office, "tikar-pandan-motif-bunga") == "submitted"


def test_editing_an_approved_product_sends_it_back_to_review_and_shows_what_changed(web_office):
    web_approve(web_office.root, "tas-purun")
    c = client(web_office)
    form = c.get("/produk/tas-purun").text
    r = c.post("/produk/tas-purun", data={"csrf_token": csrf_of(form), "_text_hash": _hidden(form, "_text_hash"),
                                          "name": "Tas Purun Besar", "artisan": "ani", "craft": "anyaman-purun",
                                          "price": "175rb", "keep": "p1.jpg", "hero": "p1.jpg"})
    assert r.status_code == 200 and "Perubahan tersimpan." in r.text
    assert state_of(web_office, "tas-purun") == "needs_review"
    review = client(web_office, "siti").get("/kurasi/tas-purun").text
    assert "Yang berubah sejak persetujuan terakhir" in review
    assert "<del>Produk tas-purun</del> → <ins>Tas Purun Besar</ins>" in review
    assert "<del>Rp 150.000</del> → <ins>175000</ins>" in review


def test_a_search_finds_what_was_just_saved(web_office):
    """The rows keep their search text folded once (accents and case); saving a product rebuilds it."""
    c = client(web_office)
    assert "Tas Purun Besar" not in c.get("/produk?q=kerang").text
    form = c.get("/produk/tas-purun").text
    r = c.post("/produk/tas-purun", data={"csrf_token": csrf_of(form), "_text_hash": _hidden(form, "_text_hash"),
                                          "name": "Tas Purun Besar", "artisan": "ani", "craft": "anyaman-purun",
                                          "story": "Hiasan KÉRANG laut.", "keep": "p1.jpg", "hero": "p1.jpg"})
    assert r.status_code == 200 and "Perubahan tersimpan." in r.text
    assert [p["slug"] for p in c.get("/api/products?q=kerang").json()["products"]] == ["tas-purun"]
    assert "Tas Purun Besar" in c.get("/produk?q=Kérang%20besar").text


def _hidden(html: str, name: str) -> str:
    import re
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_form_errors_are_shown_per_field_in_indonesian_and_nothing_is_written(web_office):
    c = client(web_office)
    before = (web_office.content / "products/tas-purun.yaml").read_bytes()
    form = c.get("/produk/tas-purun").text
    r = c.post("/produk/tas-purun", data={"csrf_token": csrf_of(form), "name": "", "artisan": "ani",
                                          "craft": "anyaman-purun", "price": "murah sekali"})
    assert r.status_code == 400
    assert "Nama wajib diisi" in r.text and "bukan harga" in r.text
    assert "produk perlu paling sedikit satu foto" in r.text
    assert 'aria-invalid="true"' in r.text and 'value="murah sekali"' in r.text  # what was typed stays
    assert (web_office.content / "products/tas-purun.yaml").read_bytes() == before


def test_an_edit_from_a_stale_form_is_refused(web_office):
    c = client(web_office)
    form = c.get("/produk/tas-purun").text
    path = web_office.content / "products/tas-purun.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "size: 20 cm\n", encoding="utf-8")
    r = c.post("/produk/tas-purun", data={"csrf_token": csrf_of(form), "_text_hash": _hidden(form, "_text_hash"),
                                          "name": "Lain", "artisan": "ani", "craft": "anyaman-purun",
                                          "keep": "p1.jpg"})
    assert r.status_code == 400 and "berubah sejak formulir dibuka" in r.text
    assert "Lain" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name, data, status, message", [
    ("katalog.jpg", b"%PDF-1.7 bukan foto", 400, "bukan foto yang bisa dibaca"),
    ("../../x.jpg", None, 400, "nama file berisi jalur folder"),
    ("besar.jpg", b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024), 413, "Berkas terlalu besar"),
])
def test_uploads_that_are_not_usable_photos_are_refused(web_office, name, data, status, message):
    c = client(web_office)
    media_before = sorted(p.name for p in (web_office.content / "media").iterdir())
    token = csrf_of(c.get("/produk/baru").text)
    r = c.post("/produk/baru", data={**FORM, "csrf_token": token},
               files=[("new_photos", (name, data or photo_bytes(), "image/jpeg"))])
    assert r.status_code == status and message in r.text
    assert sorted(p.name for p in (web_office.content / "media").iterdir()) == media_before
    assert not (web_office.content / "products/tikar-pandan-motif-bunga.yaml").exists()
    assert not (web_office.root / "x.jpg").exists() and not (web_office.content / "x.jpg").exists()


def test_the_api_photo_upload_is_guarded_the_same_way(web_office):
    c = client(web_office)
    token = c.get("/api/session").json()["csrf_token"]
    bad = c.post("/api/products/tas-purun/photos", files={"file": ("../../x.jpg", photo_bytes(), "image/jpeg")},
                 headers={"X-CSRF-Token": token})
    assert bad.status_code == 400 and bad.json()["problems"][0]["message"] == "nama file berisi jalur folder"
    ok = c.post("/api/products/tas-purun/photos", files={"file": ("a.jpg", photo_bytes(), "image/jpeg")},
                headers={"X-CSRF-Token": token})
    assert ok.status_code == 201
    assert [p.file for p in load_catalog(web_office.content).products["tas-purun"].photos][-1] == ok.json()["file"]


def test_lists_search_and_filter(web_office):
    web_office.write("artisans/rina.yaml", "name: Rina Tenun\nkecamatan: Sipispis\ncrafts: [tenun]\n"
                                           "photo_consent: true\n")
    web_office.product("kain-tenun", photos=("p3.jpg",), name="Kain Tenun Sipispis", artisan="rina", craft="tenun")
    web_office.write("products/rusak.yaml", "name: Rusak\nartisan: nobody\ncraft: anyaman-purun\nphotos: [p1.jpg]\n")
    c = client(web_office)
    names = lambda url: [p["slug"] for p in c.get(url).json()["products"]]  # noqa: E731
    assert names("/api/products") == ["kain-tenun", "tas-purun", "rusak"]
    assert names("/api/products?q=sipispis") == ["kain-tenun"]
    assert names("/api/products?craft=anyaman-purun") == ["tas-purun"]
    assert names("/api/products?kecamatan=Sipispis") == ["kain-tenun"]
    assert names("/api/products?status=invalid") == ["rusak"]
    html = c.get("/produk?craft=tenun").text
    assert "Kain Tenun Sipispis" in html and "Produk tas-purun" not in html
    broken = c.get("/produk?status=invalid").text
    assert "file bermasalah" in broken and "pengrajin `nobody` tidak dikenal" in broken
    assert [a["slug"] for a in c.get("/api/artisans?kecamatan=Sipispis").json()["artisans"]] == ["rina"]
    assert "Rina Tenun" in c.get("/pengrajin?craft=tenun").text


def test_an_artisan_is_created_and_edited_through_the_form(web_office):
    c = client(web_office)
    token = csrf_of(c.get("/pengrajin/baru").text)
    r = c.post("/pengrajin/baru", data={"csrf_token": token, "name": "Kelompok Tenun Sipispis",
                                        "kecamatan": "Sipispis", "crafts": ["tenun"], "photo_consent": "1",
                                        "whatsapp": "0812-0000-0002"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/pengrajin/kelompok-tenun-sipispis"
    artisan = load_catalog(web_office.content).artisans["kelompok-tenun-sipispis"]
    assert artisan.crafts == ("tenun",) and artisan.photo_consent and artisan.whatsapp == "+6281200000002"
    bad = c.post("/pengrajin/ani", data={"csrf_token": token, "name": "Ani", "kecamatan": "Medan"})
    assert bad.status_code == 400 and "bukan kecamatan di kabupaten ini" in bad.text


XSS = ["<script>alert('x')</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>"]


def test_names_with_markup_are_escaped_on_every_page(web_office):
    s = web_office
    s.write("artisans/ani.yaml", f"name: {XSS[1]!r}\nkecamatan: Tanjung Beringin\ncrafts: [anyaman-purun]\n"
                                 f"photo_consent: true\nstory: {XSS[2]!r}\n")
    s.product("tas-purun", name=XSS[0], story=XSS[2], size=XSS[1])
    web_approve(s.root, "tas-purun")
    day = NOW.date()
    web_built_day(s.root, day, "tas-purun")
    c = client(s, "ayu")
    token = csrf_of(c.get("/").text)
    c.post(f"/hari/{day}/diunggah", data={"csrf_token": token, "url": "https://www.tiktok.com/@x/video/1"})
    pages = ["/", f"/hari/{day}", "/kalender", "/kurasi", "/kurasi/tas-purun", "/produk", "/produk/tas-purun",
             "/produk?q=script", "/pengrajin", "/pengrajin/ani", "/riwayat", "/api"]
    for url in pages:
        html = c.get(url).text
        for payload in XSS:
            assert payload not in html, (url, payload)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in c.get("/produk").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in c.get("/pengrajin").text


def test_a_catalogue_with_errors_still_shows_every_page(web_office):
    web_office.write("crafts.yaml", "crafts:\n  - slug: anyaman-purun\n    nama: salah\n")
    web_office.write("products/rusak.yaml", "name: [tidak: valid\n")
    c = client(web_office, "siti")
    for url in ["/", "/kalender", "/kurasi", "/produk", "/produk/rusak", "/pengrajin", "/riwayat"]:
        assert c.get(url).status_code == 200, url
    assert "Masalah di file katalog" in c.get("/produk").text
    assert "File ini tidak bisa dibaca" in c.get("/produk/rusak").text


def test_forms_open_for_files_that_are_not_a_mapping_and_keep_a_lone_craft(web_office):
    web_office.write("artisans/daftar.yaml", "- Ani\n- Tanjung Beringin\n")
    web_office.write("products/daftar.yaml", "- Tikar\n")
    web_office.write("artisans/satu.yaml", "name: Satu\nkecamatan: Sipispis\ncrafts: tenun\n")
    c = client(web_office, "siti")
    assert c.get("/pengrajin/daftar").status_code == 200
    assert c.get("/produk/daftar").status_code == 200
    assert '<input type="checkbox" name="crafts" value="tenun" checked>' in c.get("/pengrajin/satu").text


def test_the_form_saves_the_photo_order_and_a_tapped_focus_point(web_office):
    web_office.photo("p2.jpg", size=(1080, 1440))
    path = web_office.content / "products/tas-purun.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - p1.jpg\n", "  - p1.jpg\n  - file: p2.jpg\n"
                                                                            "    focus: [0.5, 0.3]\n"),
                    encoding="utf-8")
    c = client(web_office)
    form = c.get("/produk/tas-purun").text
    assert 'name="focus:p2.jpg" value="0.5 0.3"' in form and 'name="focus:p1.jpg" value=""' in form
    assert form.index('data-file="p1.jpg"') < form.index('data-file="p2.jpg"')
    r = c.post("/produk/tas-purun", data={"csrf_token": csrf_of(form), "_text_hash": _hidden(form, "_text_hash"),
                                          "name": "Produk tas-purun", "artisan": "ani", "craft": "anyaman-purun",
                                          "price": "Rp 150.000", "keep": ["p2.jpg", "p1.jpg"],
                                          "focus:p2.jpg": "0.5 0.3", "focus:p1.jpg": "0.25 0.75"})
    assert r.status_code == 200 and "Perubahan tersimpan." in r.text
    product = load_catalog(web_office.content).products["tas-purun"]
    assert [(p.file, p.focus) for p in product.photos] == [("p2.jpg", (0.5, 0.3)), ("p1.jpg", (0.25, 0.75))]
    assert product.hero.file == "p2.jpg"


def test_a_focus_point_that_is_not_two_fractions_is_refused_in_indonesian(web_office):
    c = client(web_office)
    before = (web_office.content / "products/tas-purun.yaml").read_bytes()
    form = c.get("/produk/tas-purun").text
    r = c.post("/produk/tas-purun", data={"csrf_token": csrf_of(form), "name": "Produk tas-purun", "artisan": "ani",
                                          "craft": "anyaman-purun", "keep": "p1.jpg", "focus:p1.jpg": "kiri atas"})
    assert r.status_code == 400 and "titik fokus tidak terbaca" in r.text
    assert (web_office.content / "products/tas-purun.yaml").read_bytes() == before


def _checked(html: str, name: str) -> bool | None:
    """Whether the form's checkbox `name` is ticked (None when the form has no such box)."""
    import re
    m = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)
    return None if m is None else " checked" in m.group(0)


def test_the_go_global_box_shows_saves_and_clears_the_field_keeping_comments(web_office):
    """Ticked writes `go_global: true` beside the curator's comments; unticked removes it again; the box
    shows the file's value; an approved product edited so goes back to review like any other edit."""
    path = web_office.product("tas-purun", extra="# warna asli dari purun\nstory: Tas dari purun.  # cerita\n")
    web_approve(web_office.root, "tas-purun")
    c = client(web_office)
    form = c.get("/produk/tas-purun").text
    assert "Go Global: buat juga caption bahasa Inggris" in form and "pembeli luar negeri" in form
    assert _checked(form, "go_global") is False
    base = {"name": "Produk tas-purun", "artisan": "ani", "craft": "anyaman-purun", "price": "Rp 150.000",
            "story": "Tas dari purun.", "keep": "p1.jpg", "hero": "p1.jpg"}
    r = c.post("/produk/tas-purun", data={**base, "go_global": "1", "csrf_token": csrf_of(form),
                                          "_text_hash": _hidden(form, "_text_hash")})
    assert r.status_code == 200 and "Perubahan tersimpan." in r.text
    text = path.read_text(encoding="utf-8")
    assert "go_global: true" in text
    assert "# warna asli dari purun" in text and "story: Tas dari purun.  # cerita" in text
    assert load_catalog(web_office.content).products["tas-purun"].go_global is True
    assert state_of(web_office, "tas-purun") == "needs_review"
    review = client(web_office, "siti").get("/kurasi/tas-purun").text
    assert "<strong>Go Global</strong>: <del>tidak</del> → <ins>ya</ins>" in review  # left out of the file: its default

    form = c.get("/produk/tas-purun").text
    assert _checked(form, "go_global") is True
    r = c.post("/produk/tas-purun", data={**base, "csrf_token": csrf_of(form),
                                          "_text_hash": _hidden(form, "_text_hash")})  # the box unticked
    assert r.status_code == 200
    text = path.read_text(encoding="utf-8")
    assert "go_global" not in text and "# warna asli dari purun" in text
    assert load_catalog(web_office.content).products["tas-purun"].go_global is False
    assert _checked(c.get("/produk/tas-purun").text, "go_global") is False


def test_a_file_saying_go_global_false_keeps_its_line_when_the_box_stays_unticked(web_office):
    path = web_office.product("tas-purun", extra="go_global: false  # belum ada cerita bahasa Inggris\n")
    c = client(web_office)
    form = c.get("/produk/tas-purun").text
    assert _checked(form, "go_global") is False
    r = c.post("/produk/tas-purun", data={"csrf_token": csrf_of(form), "_text_hash": _hidden(form, "_text_hash"),
                                          "name": "Tas Purun Besar", "artisan": "ani", "craft": "anyaman-purun",
                                          "keep": "p1.jpg", "hero": "p1.jpg"})
    assert r.status_code == 200 and "Perubahan tersimpan." in r.text
    assert "go_global: false  # belum ada cerita bahasa Inggris" in path.read_text(encoding="utf-8")


def test_a_new_product_with_the_box_ticked_asks_for_english_captions(web_office):
    c = client(web_office)
    token = csrf_of(c.get("/produk/baru").text)
    r = c.post("/produk/baru", data={**FORM, "go_global": "1", "story_en": "Woven by hand.", "csrf_token": token},
               files=[("new_photos", ("IMG_2031.JPG", photo_bytes(), "image/jpeg"))], follow_redirects=False)
    assert r.status_code == 303
    product = load_catalog(web_office.content).products["tikar-pandan-motif-bunga"]
    assert product.go_global is True and product.story_en == "Woven by hand."
    token = csrf_of(c.get("/produk/baru").text)
    r = c.post("/produk/baru", data={**FORM, "name": "Tikar Polos", "csrf_token": token},
               files=[("new_photos", ("IMG_2032.JPG", photo_bytes(), "image/jpeg"))], follow_redirects=False)
    assert r.status_code == 303
    assert "go_global" not in (web_office.content / "products" / "tikar-polos.yaml").read_text(encoding="utf-8")


def test_a_save_is_reported_saved_even_when_schedule_yaml_is_broken(web_office):
    """The file is written before the overview's refresh plans the days: a broken schedule.yaml must not
    turn a saved edit into an error page (and a retry into a conflict)."""
    path = web_office.product("tas-purun", extra="story: Tas dari purun.\n")
    c = client(web_office)
    form = c.get("/produk/tas-purun").text
    (web_office.root / "schedule.yaml").write_text("post_at: [tidak, valid\n", encoding="utf-8")
    base = {"name": "Produk tas-purun", "artisan": "ani", "craft": "anyaman-purun", "price": "Rp 150.000",
            "story": "Tas dari purun, baru.", "keep": "p1.jpg", "hero": "p1.jpg"}
    token, text_hash = csrf_of(form), _hidden(form, "_text_hash")
    r = c.post("/produk/tas-purun", data={**base, "csrf_token": token, "_text_hash": text_hash})
    assert r.status_code == 200 and "Perubahan tersimpan." in r.text
    assert "Tas dari purun, baru." in path.read_text(encoding="utf-8")
