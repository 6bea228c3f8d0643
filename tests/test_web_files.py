"""No route serves a file outside content/ and exports/: dots, encodings, absolute paths, symlinks, hidden folders."""

from __future__ import annotations

import datetime as dt
import os
import sys

import pytest
from fastapi.testclient import TestClient

from pipeline.common.errors import NotFound
from pipeline.common.project import Project
from pipeline.web import create_app
from pipeline.web.files import safe_file

SECRET = "rahasia-di-luar-folder"
SYMLINKS = sys.platform != "win32"  # Windows makes them only in Developer Mode or as administrator


@pytest.fixture
def office(web_office):
    root = web_office.root
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    (root / "exports" / "2026-11-28").mkdir(parents=True)
    (root / "exports" / "2026-11-28" / "caption.txt").write_text("Keterangan", encoding="utf-8")
    (root / "exports" / ".building" / "2026-11-29-abcd").mkdir(parents=True)
    (root / "exports" / ".building" / "2026-11-29-abcd" / "caption.txt").write_text("setengah jadi", encoding="utf-8")
    if SYMLINKS:  # without them the escapes below are plain missing files, refused all the same
        (root / "content" / "media" / "keluar.jpg").symlink_to(root / "secret.txt")
        (root / "content" / "media" / "folder-keluar").symlink_to(root, target_is_directory=True)
    return web_office


@pytest.fixture
def c(office) -> TestClient:
    return TestClient(create_app(Project.at(office.root), require_login=False))


def test_the_files_that_should_be_served_are(c):
    assert c.get("/media/p1.jpg").status_code == 200
    assert c.get("/foto/160/p1.jpg").headers["content-type"] == "image/jpeg"
    assert c.get("/ekspor/2026-11-28/caption.txt").text == "Keterangan"


@pytest.mark.parametrize("url", [
    "/media/%2e%2e/%2e%2e/secret.txt", "/media/..%2f..%2fsecret.txt", "/media/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/ekspor/%2e%2e/secret.txt", "/ekspor/..%2Fsecret.txt", "/ekspor/%2e%2e/state/etalase.db",
    "/ekspor/%2e%2e/content/crafts.yaml", "/media/%2e%2e/crafts.yaml", "/media/%2e%2e/products/tas-purun.yaml",
    "/media//etc/passwd", "/ekspor//etc/passwd", "/media/%2fetc%2fpasswd", "/media/..%5c..%5csecret.txt",
    "/media/keluar.jpg", "/media/folder-keluar/secret.txt", "/foto/160/keluar.jpg", "/foto/160/%2e%2e/crafts.yaml",
    "/ekspor/.building/2026-11-29-abcd/caption.txt", "/ekspor/%2ebuilding/2026-11-29-abcd/caption.txt",
    "/media/p1.jpg%00.txt", "/foto/999/p1.jpg", "/static/%2e%2e/app.py", "/static/%2e%2e/%2e%2e/passwords.py",
])
def test_nothing_outside_content_media_and_exports_is_reachable(c, url):
    r = c.get(url)
    assert r.status_code == 404, (url, r.status_code)
    assert SECRET not in r.text and "SQLite" not in r.text and "name:" not in r.text


@pytest.mark.parametrize("relative", ["../secret.txt", "..", ".", "", "/etc/passwd", "a/../../secret.txt",
                                      "..\\secret.txt", "keluar.jpg", "folder-keluar/secret.txt", ".hidden",
                                      "sub/.hidden/x", "p1.jpg\0.txt"])
def test_safe_file_refuses_escapes_before_and_after_resolving_links(office, relative):
    (office.content / "media" / ".hidden").write_text("x", encoding="utf-8")
    with pytest.raises(NotFound):
        safe_file(office.content / "media", relative)


@pytest.mark.skipif(not SYMLINKS, reason="symlinks need Developer Mode on Windows")
def test_safe_file_accepts_a_plain_file_and_a_link_that_stays_inside(office):
    media = office.content / "media"
    os.symlink(media / "p1.jpg", media / "sampul.jpg")
    assert safe_file(media, "p1.jpg") == (media / "p1.jpg").resolve()
    assert safe_file(media, "sampul.jpg") == (media / "p1.jpg").resolve()


def test_a_failed_day_note_in_exports_is_readable_but_the_replaced_folders_are_not(office, c):
    exports = office.root / "exports"
    (exports / f"{dt.date(2026, 11, 28)}.FAILED.txt").write_text("GAGAL", encoding="utf-8")
    (exports / ".replaced" / "2026-11-27--x").mkdir(parents=True)
    (exports / ".replaced" / "2026-11-27--x" / "caption.txt").write_text("lama", encoding="utf-8")
    assert c.get("/ekspor/2026-11-28.FAILED.txt").text == "GAGAL"
    assert c.get("/ekspor/.replaced/2026-11-27--x/caption.txt").status_code == 404
