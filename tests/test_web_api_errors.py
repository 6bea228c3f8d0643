"""Whatever a client sends, the JSON API answers 4xx JSON with a `message`, never a 500 (nor minutes of work)."""

from __future__ import annotations

import pytest
from conftest import WEB_PASSWORDS
from fastapi.testclient import TestClient

from pipeline.common.project import Project
from pipeline.web import create_app

JSON = {"content-type": "application/json"}


@pytest.fixture
def api(web_office):
    c = TestClient(create_app(Project.at(web_office.root), require_login=True))
    token = c.post("/api/login", json={"name": "ayu", "password": WEB_PASSWORDS["ayu"]}).json()["csrf_token"]
    return c, {"X-CSRF-Token": token}


MALFORMED = [
    # (what, method, url, request keywords (`H` stands for the CSRF header), expected status)
    ("form-encoded body", "post", "/api/products", {"data": {"slug": "x"}, "headers": "H"}, 422),
    ("form-encoded login", "post", "/api/login", {"data": {"name": "ayu", "password": "x"}}, 403),
    ("invalid JSON", "put", "/api/products/tas-purun", {"content": b'{"values": ', "headers": "HJ"}, 422),
    ("not UTF-8", "post", "/api/login", {"content": b"\xff\xfe\x00", "headers": "J"}, 400),
    ("a list, not an object", "put", "/api/products/tas-purun", {"json": [1, 2], "headers": "H"}, 422),
    ("wrong types", "post", "/api/login", {"json": {"name": 5, "password": []}}, 422),
    ("photos not a list", "put", "/api/products/tas-purun", {"json": {"values": {"photos": 7}}, "headers": "H"}, 400),
    ("photos of mappings", "put", "/api/products/tas-purun", {"json": {"values": {"photos": [{"a": 1}]}},
                                                              "headers": "H"}, 400),
    ("values not a mapping", "put", "/api/products/tas-purun", {"json": {"values": "x"}, "headers": "H"}, 422),
    ("a 5,000-digit number", "put", "/api/products/tas-purun",
     {"content": b'{"values": {"price": ' + b"9" * 5000 + b"}}", "headers": "HJ"}, 400),
    ("a 400-digit price", "put", "/api/products/tas-purun", {"json": {"values": {"price": 10**400}}, "headers": "H"},
     400),
    ("an infinite price", "put", "/api/products/tas-purun", {"content": b'{"values": {"price": 1e999}}',
                                                             "headers": "HJ"}, 400),
    ("unknown body field", "put", "/api/products/tas-purun", {"json": {"valeus": {"size": "1 m"}}, "headers": "H"},
     422),
    ("unknown product field", "put", "/api/products/tas-purun", {"json": {"values": {"warna": "merah"}},
                                                                 "headers": "H"}, 400),
    ("unknown login field", "post", "/api/login", {"json": {"name": "ayu", "password": "x", "admin": True}}, 422),
    ("wrong checklist type", "post", "/api/reviews/tas-purun", {"json": {"action": "approve",
                                                                         "checks": {"a": "mungkin"}},
                                                                "headers": "H"}, 422),
    ("no such date", "get", "/api/days/2026-13-45", {}, 422),
    ("a date in year 9999", "get", "/api/days/9999-12-31", {}, 400),
    ("a range into year 9999", "get", "/api/days?start=9999-12-25&end=9999-12-31", {}, 400),
    ("a range from 1900", "get", "/api/days?start=1900-01-01&end=1900-01-05", {}, 400),
    ("not a date", "get", "/api/days?start=kemarin", {}, 422),
    ("a change in year 9999", "post", "/api/days/9999-12-31/pin", {"headers": "H"}, 400),
    ("a swap with a number", "post", "/api/days/2026-12-01/swap", {"json": {"product": 5}, "headers": "H"}, 422),
    ("upload: text, not a file", "post", "/api/products/tas-purun/photos", {"data": {"file": "x"}, "headers": "H"},
     422),
    ("upload: JSON, not a file", "post", "/api/products/tas-purun/photos", {"json": {"file": "x"}, "headers": "H"},
     422),
    ("upload: not a photo", "post", "/api/products/tas-purun/photos",
     {"files": {"file": ("a.jpg", b"bukan foto", "image/jpeg")}, "headers": "H"}, 400),
    ("upload: over the size cap", "post", "/api/products/tas-purun/photos",
     {"files": {"file": ("a.jpg", b"\xff\xd8\xff" + b"\0" * (50 * 2**20), "image/jpeg")}, "headers": "H"}, 413),
    ("a JSON body over the form cap", "put", "/api/products/tas-purun",
     {"content": b'{"values": {"story": "' + b"x" * (300 * 1024) + b'"}}', "headers": "HJ"}, 413),
    ("unknown path", "get", "/api/tidak-ada", {}, 404),
    ("unknown method", "delete", "/api/products/tas-purun", {"headers": "H"}, 405),
]


@pytest.mark.parametrize(("what", "method", "url", "kw", "status"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_requests_get_a_json_message_not_a_500(api, what, method, url, kw, status):
    c, csrf = api
    kw = dict(kw)
    headers = kw.pop("headers", "")
    kw["headers"] = {**(csrf if "H" in headers else {}), **(JSON if "J" in headers else {})}
    r = getattr(c, method)(url, **kw)
    assert r.status_code == status, (what, r.text[:300])
    assert r.headers["content-type"].startswith("application/json"), what
    body = r.json()
    assert isinstance(body.get("message"), str) and len(body["message"]) > 10, (what, body)
    assert "Traceback" not in r.text and "b'" not in r.text, what


def test_a_validation_error_names_the_field_and_echoes_nothing(api):
    c, _ = api
    r = c.post("/api/login", json={"name": 5, "password": "rahasia-sekali"})
    body = r.json()
    assert r.status_code == 422 and "body.name" in body["message"]
    assert body["detail"][0]["field"] == "body.name" and "rahasia-sekali" not in r.text


def test_a_product_file_with_a_5000_digit_number_is_a_problem_on_its_line(api, web_office):
    c, _ = api
    path = web_office.content / "products" / "tas-purun.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "size: " + "7" * 5000 + "\n", encoding="utf-8")
    c.app.state.web.wrote(content=True)
    page = c.get("/produk/tas-purun")
    assert page.status_code == 200 and "angkanya terlalu panjang" in page.text
    assert c.get("/kurasi/tas-purun").status_code == 200
    problems = c.get("/api/products/tas-purun").json()["problems"]
    assert [(p["field"], p["line"]) for p in problems] == [("size", text.count("\n") + 1)]
    assert "number is too long (5,000 characters)" in problems[0]["message"]
