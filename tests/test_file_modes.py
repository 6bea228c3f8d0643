"""Written files get the mode the umask gives any new file, so a second account on the office PC or a
shared folder can open the exports; the dashboard's session key stays owner-only whatever the umask."""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipeline.build import orchestrate as B
from pipeline.cli import main
from pipeline.common.clock import FixedClock
from pipeline.common.project import Project
from pipeline.web import create_app
from pipeline.web.security import secret_key

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows has no POSIX file modes")

CLOCK_AT = dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC)  # 05:00 WIB on 1 December
DAY = dt.date(2026, 12, 1)


@pytest.fixture(params=[0o022, 0o077], ids=["umask022", "umask077"])
def umask(request):
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_exports_images_video_and_pages_get_the_umask_mode(shop, umask):
    expected = 0o666 & ~umask  # 0644 under umask 022, 0600 under 077
    report = B.build(Project.at(shop.root), B.Options(draft=True, only=DAY), clock=FixedClock(CLOCK_AT))
    assert [d.status for d in report.days] == [B.BUILT]
    exports = shop.root / "exports"
    day = exports / DAY.isoformat()
    files = [p for p in day.rglob("*") if p.is_file()]
    names = {p.relative_to(day).as_posix() for p in files}
    assert {"video.mp4", "cover.jpg", "caption.txt", "post.json", "checklist.html", "slides/01.jpg"} <= names
    assert {p.relative_to(day).as_posix(): oct(mode(p)) for p in files} == {n: oct(expected) for n in names}
    assert mode(exports / "index.html") == expected

    out = shop.root / "decisions.csv"
    assert main(["--root", str(shop.root), "review", "export", "--format", "csv", "--out", str(out)]) == 0
    assert mode(out) == expected

    c = TestClient(create_app(Project.at(shop.root), require_login=False))
    assert c.get("/foto/160/p1.jpg").status_code == 200
    [thumb] = (shop.root / "state" / "cache" / "thumbs").iterdir()
    assert mode(thumb) == expected


def test_the_session_key_is_owner_only_whatever_the_umask(tmp_path, umask):
    state = tmp_path / "state"
    key = secret_key(state)
    assert mode(state / "web-secret.txt") == 0o600 and secret_key(state) == key
    (state / "web-secret.txt").write_text("short\n", encoding="ascii")  # unusable: replaced by a new key
    (state / "web-secret.txt").chmod(0o644)
    assert secret_key(state) != key and mode(state / "web-secret.txt") == 0o600
