"""Kurasi pages: the queue, a product's review page, decisions bound to what the curator saw."""

from __future__ import annotations

import pytest
from conftest import csrf_of
from fastapi.testclient import TestClient

from pipeline.catalog.reader import load_catalog
from pipeline.common.project import Project
from pipeline.curation import reviews
from pipeline.store import db as store
from pipeline.web import create_app

ALL = {f"check_{i}": "1" for i in ("photo_quality", "info_complete", "price_sensible", "artisan_consent",
                                   "craft_authentic")}


def client(office, user: str = "siti") -> TestClient:
    return TestClient(create_app(Project.at(office.root), require_login=False, local_user=user))


def trail(office, slug: str) -> list[reviews.Decision]:
    conn = store.connect(office.root / "state" / "etalase.db")
    try:
        return reviews.history(conn, slug)
    finally:
        conn.close()


@pytest.fixture
def office(web_office):
    web_office.product("tikar-pandan", photos=("p2.jpg", "p3.jpg"), name="Tikar Pandan")
    web_office.write("products/rusak.yaml", "name: Rusak\nartisan: nobody\ncraft: anyaman-purun\nphotos: [p1.jpg]\n")
    return web_office


def test_the_queue_lists_waiting_products_and_files_with_errors(office):
    html = client(office).get("/kurasi").text
    assert "Menunggu keputusan (2)" in html and "Tikar Pandan" in html and "Produk tas-purun" in html
    assert "File bermasalah (1)" in html and "pengrajin `nobody` tidak dikenal" in html


def test_the_review_page_shows_large_photos_fields_checklist_and_actions(office):
    html = client(office).get("/kurasi/tikar-pandan").text
    assert html.count('src="/foto/1080/') == 2 and 'href="/media/p2.jpg"' in html
    assert "Rp\u00a0150.000" in html and "Kelompok Ani" in html and "Tanjung Beringin" in html
    assert "Kerajinan asli Serdang Bedagai" in html and 'name="check_photo_quality"' in html
    for action in ("approve", "request_changes", "reject"):
        assert f'value="{action}"' in html
    assert 'name="expected_hash" value="' in html and "Belum ada keputusan." in html


def test_a_curator_approves_with_the_whole_checklist(office):
    c = client(office)
    token = csrf_of(c.get("/kurasi/tas-purun").text)
    expected = load_catalog(office.content).products["tas-purun"].content_hash
    r = c.post("/kurasi/tas-purun", data={"csrf_token": token, "action": "approve", "note": "bagus",
                                          "expected_hash": expected, **ALL})
    assert r.status_code == 200 and "Produk disetujui dan siap dijadwalkan." in r.text
    (decision,) = trail(office, "tas-purun")
    assert (decision.action, decision.user, decision.role, decision.note) == ("approve", "siti", "curator", "bagus")
    assert decision.content_hash == expected and all(decision.checks.values())
    page = c.get("/kurasi/tas-purun").text
    assert "Disetujui</strong> oleh siti (Kurator)" in page and "Menunggu keputusan (1)" in c.get("/kurasi").text


def test_an_approval_without_the_checklist_is_refused_in_indonesian(office):
    c = client(office)
    token = csrf_of(c.get("/kurasi/tas-purun").text)
    r = c.post("/kurasi/tas-purun", data={"csrf_token": token, "action": "approve", "check_photo_quality": "1"})
    assert r.status_code == 409 and "semua butir daftar periksa dicentang" in r.text
    assert trail(office, "tas-purun") == []


def test_request_changes_needs_a_note_and_reaches_the_editor(office):
    c = client(office)
    token = csrf_of(c.get("/kurasi/tikar-pandan").text)
    r = c.post("/kurasi/tikar-pandan", data={"csrf_token": token, "action": "request_changes"})
    assert r.status_code == 409 and "tulis catatan alasannya" in r.text
    c.post("/kurasi/tikar-pandan", data={"csrf_token": token, "action": "request_changes",
                                         "note": "Foto kedua kurang terang"})
    queue = c.get("/kurasi").text
    assert "Menunggu perbaikan dari editor (1)" in queue
    editor = client(office, "budi").get("/produk/tikar-pandan").text
    assert "perlu perbaikan" in editor and 'name="submit_review" value="1" checked' in editor


def test_a_decision_on_content_that_changed_after_the_page_opened_is_refused(office):
    c = client(office)
    page = c.get("/kurasi/tas-purun").text
    path = office.content / "products/tas-purun.yaml"
    seen = load_catalog(office.content).products["tas-purun"].content_hash
    path.write_text(path.read_text(encoding="utf-8").replace("Rp 150.000", "Rp 15.000"), encoding="utf-8")
    r = c.post("/kurasi/tas-purun", data={"csrf_token": csrf_of(page), "action": "approve", "expected_hash": seen,
                                          **ALL})
    assert r.status_code == 409 and ("sudah berubah" in r.text or "baru saja berubah" in r.text)
    assert trail(office, "tas-purun") == []


def test_reject_and_the_history_with_notes(office):
    c = client(office)
    token = csrf_of(c.get("/kurasi/tikar-pandan").text)
    c.post("/kurasi/tikar-pandan", data={"csrf_token": token, "action": "reject", "note": "Bukan produk Sergai"})
    html = c.get("/kurasi/tikar-pandan").text
    assert "Ditolak</strong> oleh siti" in html and "Bukan produk Sergai" in html and "ditolak" in html


def test_the_api_decides_and_reports_what_changed(office):
    c = client(office)
    token = c.get("/api/session").json()["csrf_token"]
    state = c.get("/api/reviews/tas-purun").json()
    assert state["state"] == "submitted" and "approve" in state["allowed_actions"]
    body = {"action": "approve", "checks": {item["id"]: True for item in state["checklist"]},
            "expected_hash": state["content_hash"]}
    r = c.post("/api/reviews/tas-purun", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["to_state"] == "approved"
    path = office.content / "products/tas-purun.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Produk tas-purun", "Tas Purun Baru"), encoding="utf-8")
    after = client(office).get("/api/reviews/tas-purun").json()
    assert after["state"] == "needs_review"
    assert after["changes"]["fields"] == [{"field": "name", "before": "Produk tas-purun", "after": "Tas Purun Baru",
                                           "words": []}]
    assert [p["slug"] for p in client(office).get("/api/reviews").json()["queue"]] == ["tas-purun", "tikar-pandan"]


def test_the_review_page_shows_a_story_edit_word_by_word(office):
    from conftest import web_approve

    office.product("tas-purun", story="Dianyam dengan motif lama.")
    web_approve(office.root, "tas-purun")
    office.product("tas-purun", story="Dianyam rapi dengan motif baru.")
    html = client(office).get("/kurasi/tas-purun").text
    assert ('<span class="word-diff">Dianyam <ins>rapi</ins> dengan motif <del>lama.</del> <ins>baru.</ins></span>'
            in html)
    data = client(office).get("/api/reviews/tas-purun").json()
    (story,) = data["changes"]["fields"]
    assert story["words"][1] == ["added", "rapi"]
