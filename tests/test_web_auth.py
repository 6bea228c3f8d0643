"""Logins, sessions, CSRF, throttling and host checks, through the real app on a real SQLite file."""

from __future__ import annotations

import re

import pytest
from conftest import WEB_PASSWORDS, csrf_of, web_login
from fastapi.testclient import TestClient

from pipeline.common.project import Project
from pipeline.curation import passwords
from pipeline.store import db as store
from pipeline.web import create_app
from pipeline.web.auth import _safe_next

PAGES = ["/", "/kalender", "/kurasi", "/kurasi/tas-purun", "/produk", "/produk/tas-purun", "/produk/baru",
         "/pengrajin", "/pengrajin/ani", "/riwayat", "/media/p1.jpg", "/foto/160/p1.jpg", "/api"]
API = ["/api/products", "/api/artisans", "/api/reviews", "/api/session", "/api/reviews/tas-purun", "/api/days",
       "/api/history", "/api/openapi.json"]


def client(office, **kw) -> TestClient:
    kw.setdefault("require_login", True)
    return TestClient(create_app(Project.at(office.root), **kw))


@pytest.fixture
def off_loopback(web_office) -> TestClient:
    return client(web_office)


def test_off_loopback_nothing_is_served_without_a_login(off_loopback):
    for url in PAGES:
        r = off_loopback.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/masuk?lanjut="), url
    for url in API:
        r = off_loopback.get(url)
        assert r.status_code == 401 and r.json()["error"] == "login diperlukan", url
    assert off_loopback.get("/masuk").status_code == 200
    assert off_loopback.get("/static/style.css").status_code == 200


def test_login_sets_a_httponly_samesite_cookie_and_opens_every_page(off_loopback):
    r = web_login(off_loopback, "siti")
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "etalase_sesi=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    for url in PAGES + API:
        assert off_loopback.get(url).status_code == 200, url
    assert "siti · Kurator" in off_loopback.get("/").text
    schema = off_loopback.get("/api/openapi.json").json()
    assert "/api/days/{date}/{action}" in schema["paths"] and "/produk" not in schema["paths"]


def test_wrong_password_and_unknown_user_get_the_same_answer(off_loopback):
    wrong = web_login(off_loopback, "siti", "bukan-sandinya")
    nobody = web_login(off_loopback, "tidak-ada", "bukan-sandinya")
    assert wrong.status_code == nobody.status_code == 401
    assert "Nama atau kata sandi salah." in wrong.text and "Nama atau kata sandi salah." in nobody.text
    assert "set-cookie" not in wrong.headers or "user" not in wrong.headers["set-cookie"]
    assert off_loopback.get("/produk", follow_redirects=False).status_code == 303


def test_failed_logins_are_throttled_per_name_and_address(off_loopback):
    for _ in range(5):
        assert web_login(off_loopback, "budi", "salah-terus-1").status_code == 401
    blocked = web_login(off_loopback, "budi")  # even the right password waits now
    assert blocked.status_code == 429 and "Coba lagi dalam 15 menit" in blocked.text
    assert web_login(off_loopback, "siti").status_code == 303  # someone else at the same desk still gets in


def test_the_api_login_is_throttled_too(web_office):
    c = client(web_office)
    for _ in range(5):
        assert c.post("/api/login", json={"name": "ayu", "password": "salah-sekali"}).status_code == 401
    assert c.post("/api/login", json={"name": "ayu", "password": WEB_PASSWORDS["ayu"]}).status_code == 429


def test_every_form_post_needs_the_sessions_csrf_token(off_loopback):
    web_login(off_loopback, "siti")
    token = csrf_of(off_loopback.get("/kurasi/tas-purun").text)
    posts = [("/kurasi/tas-purun", {"action": "approve"}), ("/produk/tas-purun", {"name": "X"}),
             ("/produk/baru", {"name": "X"}), ("/pengrajin/ani", {"name": "X"}), ("/keluar", {})]
    for url, data in posts:
        assert off_loopback.post(url, data=data).status_code == 403, url
        assert off_loopback.post(url, data={**data, "csrf_token": "tebakan"}).status_code == 403, url
    r = off_loopback.post("/kurasi/tas-purun", data={"action": "approve"})
    assert "Token keamanan formulir tidak cocok" in r.text
    # the token itself works (the decision is refused for its missing checklist, not for CSRF)
    r = off_loopback.post("/kurasi/tas-purun", data={"action": "approve", "csrf_token": token})
    assert r.status_code == 409


def test_the_login_form_itself_needs_its_token(off_loopback):
    r = off_loopback.post("/masuk", data={"name": "siti", "password": WEB_PASSWORDS["siti"]})
    assert r.status_code == 403


def test_api_writes_need_the_token_in_a_header(web_office):
    c = client(web_office)
    session = c.post("/api/login", json={"name": "budi", "password": WEB_PASSWORDS["budi"]}).json()
    assert session["user"] == "budi" and session["role"] == "editor"
    body = {"values": {"size": "30 cm"}}
    assert c.put("/api/products/tas-purun", json=body).status_code == 403
    assert c.put("/api/products/tas-purun", json=body, headers={"X-CSRF-Token": "x"}).status_code == 403
    ok = c.put("/api/products/tas-purun", json=body, headers={"X-CSRF-Token": session["csrf_token"]})
    assert ok.status_code == 200, ok.text
    assert "size: 30 cm" in (web_office.content / "products/tas-purun.yaml").read_text(encoding="utf-8")


def test_a_new_password_ends_open_sessions(web_office):
    c = client(web_office)
    web_login(c, "budi")
    assert c.get("/produk").status_code == 200
    conn = store.connect(web_office.root / "state" / "etalase.db")
    passwords.set_password(conn, "budi", "sandi-baru-budi")
    conn.close()
    assert c.get("/produk", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(off_loopback):
    web_login(off_loopback, "ayu")
    token = csrf_of(off_loopback.get("/").text)
    r = off_loopback.post("/keluar", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/masuk"
    assert off_loopback.get("/", follow_redirects=False).status_code == 303


def test_login_never_redirects_off_site(off_loopback):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x", ""):
        assert _safe_next(target) == "/", target
    assert _safe_next("/kalender?mulai=2026-11-01") == "/kalender?mulai=2026-11-01"
    token = csrf_of(off_loopback.get("/masuk").text)
    r = off_loopback.post("/masuk", data={"name": "siti", "password": WEB_PASSWORDS["siti"], "csrf_token": token,
                                          "lanjut": "//evil.example/x"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_login_returns_to_the_page_asked_for(off_loopback):
    r = off_loopback.get("/kurasi/tas-purun", follow_redirects=False)
    assert r.headers["location"] == "/masuk?lanjut=/kurasi/tas-purun"
    token = csrf_of(off_loopback.get(r.headers["location"]).text)
    r = off_loopback.post("/masuk", data={"name": "siti", "password": WEB_PASSWORDS["siti"], "csrf_token": token,
                                          "lanjut": "/kurasi/tas-purun"}, follow_redirects=False)
    assert r.headers["location"] == "/kurasi/tas-purun"


def test_on_loopback_pages_are_readable_but_actions_ask_who_you_are(web_office):
    c = client(web_office, require_login=False)
    assert c.get("/produk").status_code == 200
    page = c.get("/kurasi/tas-purun").text
    assert "Masuk sebagai kurator untuk memutuskan." in page and 'value="approve"' not in page
    token = csrf_of(c.get("/masuk").text)
    r = c.post("/kurasi/tas-purun", data={"action": "approve", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/masuk")


def test_on_loopback_serve_as_names_the_acting_user(web_office):
    c = client(web_office, require_login=False, local_user="siti")
    page = c.get("/kurasi/tas-purun").text
    assert "siti · Kurator" in page and 'value="approve"' in page


def test_roles_limit_what_each_person_may_do(web_office):
    c = client(web_office, require_login=False, local_user="budi")  # an editor
    page = c.get("/kurasi/tas-purun").text
    assert 'value="approve"' not in page and "Hanya kurator dan admin yang bisa memutuskan." in page
    checks = {f"check_{i}": "1" for i in ("photo_quality", "info_complete", "price_sensible", "artisan_consent",
                                          "craft_authentic")}
    r = c.post("/kurasi/tas-purun", data={"action": "approve", "csrf_token": csrf_of(page), **checks})
    assert r.status_code == 403 and "Tidak diizinkan" in r.text


def test_loopback_host_names_only_when_bound_to_loopback(web_office):
    c = client(web_office, require_login=False, allowed_hosts=["127.0.0.1", "localhost"])
    assert c.get("/produk", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert c.get("/produk", headers={"host": "rebind.evil.example"}).status_code == 400


def test_security_headers_on_every_page(off_loopback):
    r = off_loopback.get("/masuk")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    assert not re.search(r"<script>(?!</script>)", r.text)  # no inline script for the CSP to allow
