"""Produk > Impor: a real spreadsheet uploaded through the dashboard, the dry run shown per cell, then applied."""

from __future__ import annotations

import io

import openpyxl
from conftest import csrf_of
from fastapi.testclient import TestClient

from pipeline.catalog.reader import load_catalog
from pipeline.common.project import Project
from pipeline.web import create_app


def client(office, user: str = "budi") -> TestClient:
    return TestClient(create_app(Project.at(office.root), require_login=False, local_user=user))


def sheet(*rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Produk"
    ws.append(["Nama", "Pengrajin", "Kerajinan", "Harga", "Foto"])
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(c: TestClient, data: bytes, name: str = "Daftar Produk.xlsx"):
    token = csrf_of(c.get("/produk/impor").text)
    return c.post("/produk/impor", data={"csrf_token": token}, files={"file": (name, data)})


def test_upload_shows_the_dry_run_with_each_problem_at_its_cell_then_applies(web_office):
    c = client(web_office)
    before = sorted(p.name for p in (web_office.content / "products").iterdir())
    r = upload(c, sheet(["Tas Baru", "ani", "Anyaman Purun", "Rp 1.250.000,-", "p1.jpg"],
                        ["Tas Rusak", "ani", "anyaman-purun", "gratis", "p1.jpg"]))
    assert r.status_code == 200
    html = r.text
    assert "Hasil pemeriksaan Daftar Produk.xlsx" in html and "Belum ada yang ditulis." in html
    row = html.split("<code>Produk!A3</code>")[1].split("</tr>")[0]
    assert "ada kesalahan, dilewati" in row
    assert "<code>D3</code> Harga: `gratis` bukan harga" in row
    assert sorted(p.name for p in (web_office.content / "products").iterdir()) == before  # nothing written yet

    token = html.split('name="token" value="')[1].split('"')[0]
    r = c.post("/produk/impor/terapkan", data={"csrf_token": csrf_of(html), "token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/produk"
    assert "Impor selesai: 1 file ditulis, 1 baris dilewati." in c.get("/produk").text
    cat = load_catalog(web_office.content)
    assert cat.products["tas-baru"].price == 1_250_000 and "tas-rusak" not in cat.products | cat.invalid
    assert not any((web_office.root / "state" / "import-uploads").iterdir())  # the upload is gone once applied


def test_only_spreadsheets_are_taken_and_a_stale_token_is_refused(web_office):
    c = client(web_office)
    r = upload(c, b"#!/bin/sh\n", name="../../evil.sh")
    assert r.status_code == 400 and "Hanya file Excel (.xlsx) atau CSV" in r.text
    token = csrf_of(c.get("/produk/impor").text)
    r = c.post("/produk/impor/terapkan", data={"csrf_token": token, "token": "../../content"})
    assert r.status_code == 400 and "unggah filenya lagi" in r.text


def test_the_template_downloads_as_a_workbook(web_office):
    r = client(web_office).get("/produk/impor/template.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Pengrajin", "Produk", "Daftar"]


def test_an_upload_never_applied_is_removed_a_day_later(web_office):
    import os

    c = client(web_office)
    upload(c, sheet(["Tas Baru", "ani", "anyaman-purun", 1000, "p1.jpg"]))
    (old,) = (web_office.root / "state" / "import-uploads").iterdir()
    day_ago = old.stat().st_mtime - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    upload(c, sheet(["Tas Lain", "ani", "anyaman-purun", 1000, "p1.jpg"]))
    remaining = list((web_office.root / "state" / "import-uploads").iterdir())
    assert len(remaining) == 1 and remaining[0] != old
