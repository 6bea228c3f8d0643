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
from pipeline.web.auth import safe_path

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
        assert safe_path(target) == "/", target
    assert safe_path("/kalender?mulai=2026-11-01") == "/kalender?mulai=2026-11-01"
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
    c = client(web_office, require_login=False, loopback_only=True)
    assert c.get("/produk", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert c.get("/produk", headers={"host": "rebind.evil.example"}).status_code == 400


def test_security_headers_on_every_page(off_loopback):
    r = off_loopback.get("/masuk")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    assert not re.search(r"<script>(?!</script>)", r.text)  # no inline script for the CSP to allow


def test_every_loopback_address_is_one_rule_for_login_and_host_check(web_office):
    from pipeline.cli import build_parser
    from pipeline.cli.serve import prepare
    from pipeline.web.security import is_loopback

    for host in ("127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "[::1]", "localhost", "LOCALHOST"):
        assert is_loopback(host), host
    for host in ("128.0.0.1", "0.0.0.0", "10.0.0.1", "::", "127.evil.example", "localhost.evil.example", ""):
        assert not is_loopback(host), host
    args = build_parser().parse_args(["--root", str(web_office.root), "serve", "--host", "127.0.0.2", "--no-scheduler"])
    app, _ = prepare(args)
    assert app.state.web.require_login is False  # 127.0.0.2 opens without a login, as 127.0.0.1 does ...
    c = TestClient(app)
    for host in ("127.0.0.2:8000", "127.0.0.1:8000", "localhost:8000", "[::1]:8000", "127.9.9.9"):
        assert c.get("/produk", headers={"host": host}).status_code == 200, host  # ... and its Host is accepted
    for host in ("rebind.evil.example", "rebind.evil.example:8000", "128.0.0.1:8000", "10.0.0.5"):
        assert c.get("/produk", headers={"host": host}).status_code == 400, host


def test_behind_a_proxy_every_page_needs_a_login_even_on_loopback(web_office):
    from pipeline.cli import build_parser
    from pipeline.cli.serve import prepare

    args = build_parser().parse_args(["--root", str(web_office.root), "serve", "--trust-proxy", "127.0.0.1",
                                      "--no-scheduler"])
    app, _ = prepare(args)
    c = TestClient(app)
    assert c.get("/produk", headers={"host": "dasbor.dekranasda.example"}, follow_redirects=False).status_code == 303


def _copied_session(web_office, name: str) -> tuple[TestClient, str]:
    c = client(web_office, require_login=False)
    assert c.post("/api/login", json={"name": name, "password": WEB_PASSWORDS.get(name, "sandi-tamu-2026")}
                  ).status_code == 200
    return c, c.cookies["etalase_sesi"]


def _replayed(web_office, cookie: str) -> dict:
    thief = client(web_office, require_login=False)
    thief.cookies.set("etalase_sesi", cookie)
    return thief.get("/api/session").json()


def test_a_copied_cookie_stops_working_after_logout(web_office):
    c, copied = _copied_session(web_office, "ayu")
    other, other_cookie = _copied_session(web_office, "ayu")  # the same person on a second device
    assert _replayed(web_office, copied)["logged_in"] is True
    token = c.get("/api/session").json()["csrf_token"]
    assert c.post("/keluar", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replay = _replayed(web_office, copied)
    assert replay["logged_in"] is False and replay["user"] is None
    assert _replayed(web_office, other_cookie)["user"] == "ayu"  # logging out ends this session only
    token = other.get("/api/session").json()["csrf_token"]
    assert other.post("/api/logout", headers={"X-CSRF-Token": token}).status_code == 200
    assert _replayed(web_office, other_cookie)["logged_in"] is False


def test_a_copied_cookie_stops_working_after_a_password_change(web_office):
    _, copied = _copied_session(web_office, "budi")
    conn = store.connect(web_office.root / "state" / "etalase.db")
    passwords.set_password(conn, "Budi", "sandi-baru-budi-2026")  # names are case-blind, as in `users password`
    conn.close()
    assert _replayed(web_office, copied)["logged_in"] is False


def test_a_copied_cookie_stops_working_when_the_user_is_removed(web_office):
    from pipeline.curation import users as U

    conn = store.connect(web_office.root / "state" / "etalase.db")
    U.ensure(conn, "tamu", "editor")
    passwords.set_password(conn, "tamu", "sandi-tamu-2026")
    _, copied = _copied_session(web_office, "tamu")
    assert _replayed(web_office, copied)["user"] == "tamu"
    conn.execute("DELETE FROM users WHERE name = 'tamu'")  # no decisions yet, so the row may go
    assert conn.execute("SELECT COUNT(*) FROM web_sessions WHERE user_name = 'tamu'").fetchone()[0] == 0
    U.ensure(conn, "tamu", "admin")  # someone new under the old name does not inherit the session
    conn.close()
    assert _replayed(web_office, copied)["logged_in"] is False


def test_the_database_keeps_no_usable_session_id(web_office):
    _, copied = _copied_session(web_office, "siti")
    conn = store.connect(web_office.root / "state" / "etalase.db")
    rows = [r["id_hash"] for r in conn.execute("SELECT id_hash FROM web_sessions")]
    conn.close()
    assert len(rows) == 1 and len(rows[0]) == 64 and rows[0] not in copied


def test_restoring_a_backup_revives_no_session(web_office, tmp_path):
    from pipeline.store import backup as B

    _, copied = _copied_session(web_office, "siti")
    place = B.Place(web_office.content, web_office.root / "state" / "etalase.db", None)
    B.backup(place, tmp_path / "b.zip")  # taken while the session was live
    owner = client(web_office, require_login=False)
    owner.cookies.set("etalase_sesi", copied)
    csrf = owner.get("/api/session").json()["csrf_token"]
    assert owner.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    B.restore(tmp_path / "b.zip", B.Place(tmp_path / "r" / "content", web_office.root / "state" / "etalase.db",
                                          None), force=True)
    assert _replayed(web_office, copied)["logged_in"] is False
