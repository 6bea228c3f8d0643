"""A day's status is one decision: exports/index.html, the dashboard and `etalase plan` agree, the overview
follows every change the admin makes, and a failed day says in Bahasa Indonesia what to do next.

Real builds of the `shop` catalogue (draft videos), the real dashboard (FastAPI TestClient), the real CLI.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import csrf_of, outside_details
from fastapi.testclient import TestClient

from pipeline.build import orchestrate as B
from pipeline.build.failures import explain
from pipeline.build.report import QuietReporter
from pipeline.cli import main
from pipeline.common.clock import FixedClock
from pipeline.common.errors import CheckError, ConfigError, RenderError
from pipeline.common.project import PACKAGED_TEMPLATES, Project
from pipeline.curation import users as U
from pipeline.export import failed as F
from pipeline.export import folders as X
from pipeline.export import status as ST
from pipeline.plan import admin as P
from pipeline.store import db as store
from pipeline.web import create_app

# 05:00 WIB on Thursday 1 October 2026; the shop plans 1 and 2 October.
CLOCK_AT = dt.datetime(2026, 9, 30, 22, 0, tzinfo=dt.UTC)
DAY1, DAY2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)


def clock() -> FixedClock:
    return FixedClock(CLOCK_AT)


def build(root: Path, **kw) -> B.BuildReport:
    return B.build(Project.at(root), B.Options(draft=True), clock=clock(), **kw)


def client(root: Path) -> TestClient:
    conn = store.connect(root / "state" / "etalase.db")
    U.ensure(conn, "ayu", "admin")
    conn.close()
    return TestClient(create_app(Project.at(root), require_login=False, local_user="ayu", clock=clock()))


def index(root: Path) -> str:
    return (root / "exports" / "index.html").read_text(encoding="utf-8")


def index_card(root: Path, day: dt.date) -> str:
    """The overview's card for `day`."""
    html = index(root)
    cards = re.findall(r"<article.*?</article>", html, flags=re.S)
    mine = [c for c in cards if X.tanggal(day) in c]
    assert len(mine) == 1, f"no single card for {day}"
    return mine[0]


def badge(html: str) -> str:
    """The first status badge's text (the day page's headline or the overview card's)."""
    m = re.search(r'<span class="badge (?:d-)?(\w+)">([^<]+)</span>', html)
    assert m, "no status badge"
    return m.group(2)


def planned(root: Path, day: dt.date) -> str:
    ctx = P.open_context(Project.at(root), clock())
    try:
        return P.slot_for(ctx, day).product
    finally:
        ctx.conn.close()


def hero_photo(root: Path, slug: str) -> Path:
    ctx = P.open_context(Project.at(root), clock())
    try:
        return ctx.catalog.products[slug].hero.path
    finally:
        ctx.conn.close()


# One status ----------------------------------------------------------------------------------------

def test_a_failed_rerender_that_kept_the_older_folder_is_ready_with_a_warning_everywhere(shop):
    assert [d.status for d in build(shop.root).days] == [B.BUILT, B.BUILT]
    own = shop.root / "templates" / "captions" / "default.j2"  # a council's caption edit that does not parse
    own.parent.mkdir(parents=True)
    own.write_text("{{ product.name }\n", encoding="utf-8")
    report = build(shop.root)
    assert [d.status for d in report.days] == [B.FAILED, B.FAILED] and not report.ok
    assert X.read_manifest(shop.root / "exports" / DAY2.isoformat())  # the older folder is still there

    page = client(shop.root).get(f"/hari/{DAY2}").text
    card = index_card(shop.root, DAY2)
    assert badge(page) == badge(card) == "siap diunggah"
    for html in (page, card):
        assert ST.STALE_WARNING in html and "petugas IT kantor" in html  # a template error: tell IT
        assert "default.j2" in html and "default.j2" not in outside_details(html)  # detail behind the toggle
    assert f'href="{DAY2}/checklist.html"' in card and f"/ekspor/{DAY2}/video.mp4" in page  # still uploadable
    assert client(shop.root).get(f"/api/days/{DAY2}").json()["warning"] == ST.STALE_WARNING

    monkeypatch_clock = pytest.MonkeyPatch()
    cli_on_build_clock(monkeypatch_clock)
    try:
        code, out = cli(shop.root, "plan")
    finally:
        monkeypatch_clock.undo()
    row = next(line for line in out.splitlines() if line.startswith(DAY2.isoformat()))
    assert row.split()[4] == "exported" and f"latest attempt FAILED: see {DAY2}.FAILED.txt" in row


def test_the_status_order(tmp_path):
    """posted > no post > a ready folder > the note > gone by > planned; other products' files do not count."""
    exports = tmp_path
    failure = F.Failure(F.PHOTO, "Foto rusak.", "Ganti foto.", "PhotoError")
    staged = X.staging_dir(exports, DAY2)
    (staged / "cover.jpg").write_bytes(b"jpeg")
    X.write_manifest(staged, {"product": {"slug": "a"}, "files": {"cover": "cover.jpg"}})
    X.publish(exports, DAY2, staged, CLOCK_AT)
    F.write(exports, DAY2, "a", failure, CLOCK_AT)

    def status(product, posted=False, no_post=False, day=DAY2):
        st = ST.day_status(exports, day, product, posted=posted, no_post=no_post, today=DAY1)
        return st.code, bool(st.warning), st.label

    assert status("a", posted=True) == ("posted", False, "sudah diunggah")
    assert status("a", no_post=True) == ("skipped", False, "tanpa unggahan")
    assert status("a") == ("ready", True, "siap diunggah")
    assert status("b") == ("planned", True, "belum dibuat")  # swapped since: the note is a warning
    F.write(exports, DAY1, "a", failure, CLOCK_AT)
    assert status("a", day=DAY1) == ("failed", False, "gagal dibuat")
    assert status("a", day=DAY1 - dt.timedelta(days=1)) == ("skipped", False, "tanpa unggahan")


# The overview follows every change ------------------------------------------------------------------

def cli(root: Path, *argv: str) -> tuple[int, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), *argv])
    return code, out.getvalue() + err.getvalue()


def cli_on_build_clock(monkeypatch) -> None:
    """The CLI's commands open their context on the system clock: give them the test's instead."""
    monkeypatch.setattr(P, "SystemClock", lambda zone_name: clock())


def test_marking_posted_from_the_cli_and_the_dashboard_refreshes_the_overview(shop, monkeypatch):
    assert [d.status for d in build(shop.root).days] == [B.BUILT, B.BUILT]
    assert badge(index_card(shop.root, DAY1)) == "siap diunggah"

    cli_on_build_clock(monkeypatch)
    code, out = cli(shop.root, "posted", DAY1.isoformat(), "--url", "https://www.tiktok.com/@x/video/1")
    assert code == 0, out
    assert badge(index_card(shop.root, DAY1)) == "sudah diunggah"
    assert "https://www.tiktok.com/@x/video/1" in index_card(shop.root, DAY1)
    code, out = cli(shop.root, "unposted", DAY1.isoformat())
    assert code == 0 and badge(index_card(shop.root, DAY1)) == "siap diunggah"

    c = client(shop.root)  # the dashboard, on the build's clock
    token = csrf_of(c.get(f"/hari/{DAY1}").text)
    r = c.post(f"/hari/{DAY1}/diunggah", data={"csrf_token": token, "url": "", "kembali": "/"})
    assert r.status_code == 200 and "ditandai sudah diunggah" in r.text
    assert badge(index_card(shop.root, DAY1)) == badge(c.get(f"/hari/{DAY1}").text) == "sudah diunggah"

    r = c.post(f"/hari/{DAY2}/lewati", data={"csrf_token": token, "kembali": "/kalender"})  # skip, too
    assert r.status_code == 200
    assert badge(index_card(shop.root, DAY2)) == "tanpa unggahan"
    r = c.post(f"/hari/{DAY2}/batal-lewati", data={"csrf_token": token, "kembali": "/kalender"})
    assert badge(index_card(shop.root, DAY2)) == "siap diunggah"


# A failed day says what to do ------------------------------------------------------------------------

class BreakPhotoWhenRenderingStarts(QuietReporter):
    """Corrupts a photo after the build loaded the catalogue and planned, before the renders run."""

    def __init__(self, photo: Path):
        self.photo = photo

    def start(self, days, to_render):
        self.photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")


def test_a_photo_broken_mid_build_shows_what_to_do_and_logs_the_traceback(shop):
    product = planned(shop.root, DAY2)
    photo = hero_photo(shop.root, product)
    report = build(shop.root, reporter=BreakPhotoWhenRenderingStarts(photo))
    failed = {d.date: d for d in report.failed}
    assert DAY2 in failed and failed[DAY2].failure.kind == F.PHOTO

    log = shop.root / "state" / "logs" / "build-2026-10-01.log"
    text = log.read_text(encoding="utf-8")
    assert f"day {DAY2}  product {product}  FAILED" in text and "Traceback (most recent call last)" in text
    assert "PhotoError" in text and photo.name in text

    for html in (client(shop.root).get(f"/hari/{DAY2}").text, index_card(shop.root, DAY2)):
        shown = outside_details(html)
        assert f"Foto `{photo.name}`" in shown and "tidak bisa dibaca" in shown
        assert "Ganti foto itu" in shown and "kurator" in shown  # what to do, and who approves again
        assert "Traceback" not in shown and "PhotoError" not in shown
        assert "state/logs/build-2026-10-01.log" in html  # where the details are, behind the toggle
    # the overview is the build's view (the product still planned: failed); the dashboard reads the catalogue
    # now, where the changed photo sent the product back to review: another product, the failure a warning
    assert badge(index_card(shop.root, DAY2)) == "gagal dibuat"
    page = client(shop.root).get(f"/hari/{DAY2}").text
    assert badge(page) == "belum dibuat" and f"(produk {product}) gagal" in page


def test_an_unexpected_error_says_call_the_it_person_and_where_the_log_is(shop, monkeypatch):
    def boom(job):
        raise ZeroDivisionError("a bug in a renderer")

    monkeypatch.setattr(B, "run_job", boom)
    report = build(shop.root)
    assert [d.status for d in report.days] == [B.FAILED, B.FAILED]
    html = index_card(shop.root, DAY1)
    shown = outside_details(html)
    assert "Hubungi petugas IT kantor" in shown and "state/logs/build-2026-10-01.log" in shown
    assert "Traceback" in html and "Traceback" not in shown and "ZeroDivisionError" not in shown
    assert "ZeroDivisionError: a bug in a renderer" in (shop.root / "state/logs/build-2026-10-01.log").read_text()


@pytest.mark.parametrize("exc, kind, todo", [
    (CheckError("TikTok checks failed: video.mp4: 11 min"), F.CHECK, "Tukar produk untuk Jumat, 2 Oktober 2026"),
    (ConfigError.single("templates/videos/x.yaml", None, "", "template not found"), F.TEMPLATE, "petugas IT kantor"),
    (OSError(errno.ENOSPC, "No space left on device"), F.DISK, "exports/.replaced/"),
    (RenderError("the video encoder failed: ... No space left on device"), F.DISK, "Kosongkan ruang"),
])
def test_each_failure_kind_says_who_acts(tmp_path, exc, kind, todo):
    failure = explain(exc, Project.at(tmp_path), DAY2, None, tmp_path / "state/logs/build-2026-10-01.log")
    assert failure.kind == kind and todo in failure.todo
    assert type(exc).__name__ in failure.detail and type(exc).__name__ not in failure.pesan + failure.todo


# A full exports disk ------------------------------------------------------------------------------------

@pytest.fixture(params=["tmpfs", "ext4"])
def full_exports(shop, tmp_path, request):
    """exports/ on its own small file system (root on Linux only), for filling to the last byte: a tmpfs
    (folders still fit, the render's files do not) or a loop-mounted ext4 image (even a folder does not)."""
    target = shop.root / "exports"
    target.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("needs root on Linux to mount a small file system")
    if request.param == "tmpfs":
        mount = ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(target)]
    else:
        if not shutil.which("mkfs.ext4"):
            pytest.skip("mkfs.ext4 is not installed")
        image = tmp_path / "exports.img"
        with open(image, "wb") as f:
            f.truncate(64 << 20)
        subprocess.run(["mkfs.ext4", "-q", "-m", "0", "-F", str(image)], check=True, capture_output=True)
        mount = ["mount", "-o", "loop", str(image), str(target)]
    done = subprocess.run(mount, capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a {request.param} here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield shop
    finally:
        subprocess.run(["umount", str(target)], check=False, capture_output=True)


def fill(folder: Path) -> None:
    """Write until the file system says ENOSPC: 0 bytes free."""
    with open(folder / "filler.bin", "wb", buffering=0) as f:
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    f.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    assert shutil.disk_usage(folder).free < 4096


def test_a_full_exports_disk_says_disk_penuh_attempts_every_day_and_loses_nothing(full_exports, monkeypatch):
    shop = full_exports
    exports = shop.root / "exports"
    assert [d.status for d in build(shop.root).days] == [B.BUILT, B.BUILT]
    before = {d: X.read_manifest(exports / d.isoformat()) for d in (DAY1, DAY2)}
    own = shop.root / "templates" / "captions" / "default.j2"  # every day must re-render
    own.parent.mkdir(parents=True)
    own.write_text((PACKAGED_TEMPLATES / "captions" / "default.j2").read_text(encoding="utf-8")
                   + "Dikurasi Dekranasda Sergai.\n", encoding="utf-8")
    fill(exports)

    report = build(shop.root)
    assert [(d.date, d.status) for d in report.days] == [(DAY1, B.FAILED), (DAY2, B.FAILED)]  # both attempted
    for d in report.days:
        assert d.failure.kind == F.DISK
        assert "Disk penuh" in d.failure.pesan and str(exports) in d.failure.pesan and " MB" in d.failure.pesan
        assert "exports/.replaced/" in d.failure.todo
        assert d.note is None or "Disk penuh" in d.note.read_text(encoding="utf-8")  # a note only if it fit
    assert report.problems or report.index  # the overview was written, or the report says it was not
    assert {d: X.read_manifest(exports / d.isoformat()) for d in (DAY1, DAY2)} == before  # nothing lost
    assert not list((exports / ".building").iterdir())
    assert "No space left on device" in (shop.root / "state/logs/build-2026-10-01.log").read_text()

    cli_on_build_clock(monkeypatch)
    code, out = cli(shop.root, "build", "--draft")
    assert code == 1 and "Disk penuh" in out and f"{DAY2}  FAILED" in out

    (exports / "filler.bin").unlink()  # space again: the next build finishes the job
    assert [d.status for d in build(shop.root).days] == [B.BUILT, B.BUILT]
