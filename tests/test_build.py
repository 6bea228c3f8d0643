"""The build: complete, checked day folders; idempotent; posted days untouched; kills leave no half folder.

Draft videos of a 3.5 s test template on the scratch catalogue (the `shop` fixture), so each day
renders in a couple of seconds; one slow test renders a full-size day with the real template.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import av
import pytest
from conftest import PINNED_NOW, process_env, wait_for_point
from PIL import Image

from pipeline.build import lock as L
from pipeline.build import orchestrate as B
from pipeline.build.demo import CURATOR, approve_samples, run_demo
from pipeline.cli import main
from pipeline.common.clock import FixedClock
from pipeline.common.project import PACKAGED_TEMPLATES, Project
from pipeline.curation import reviews, users
from pipeline.export import folders as X
from pipeline.plan import admin as P
from pipeline.plan import ledger as S

WIB = ZoneInfo("Asia/Jakarta")
# 05:00 WIB on Thursday 1 October 2026 is 22:00 UTC on the 30th: the build must make 1 and 2 October.
CLOCK_AT = dt.datetime.fromisoformat(PINNED_NOW)  # the same moment the CLI processes here are pinned to
DAY1, DAY2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)  # 2 October: Hari Batik Nasional (a Friday)
REPO = Path(__file__).resolve().parent.parent


def clock() -> FixedClock:
    return FixedClock(CLOCK_AT)


def run_build(root: Path, **options) -> B.BuildReport:
    return B.build(Project.at(root), B.Options(draft=True, **options), clock=clock())


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def stamps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def probe(video: Path) -> dict:
    with av.open(str(video)) as box:
        v, a = box.streams.video[0], box.streams.audio[0]
        return {"size": (v.codec_context.width, v.codec_context.height), "codec": v.codec_context.name,
                "pix_fmt": v.codec_context.pix_fmt, "audio": a.codec_context.name,
                "seconds": float(box.duration) / av.time_base}


def complete(folder: Path) -> bool:
    """A day folder as the admin may find it: its manifest lists only files that are there, the video decodes."""
    manifest = X.read_manifest(folder)
    if manifest is None:
        return False
    if "video" in manifest["files"]:
        assert probe(folder / "video.mp4")["seconds"] > 3
    return True


def cli(root: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), *argv])
    return code, out.getvalue(), err.getvalue()


def db(root: Path):
    from pipeline.store import db as store

    return store.connect(root / "state" / "etalase.db")


def test_build_exports_complete_checked_days_on_wib_dates(shop, utc_process):
    report = run_build(shop.root)
    assert [(d.date, d.status) for d in report.days] == [(DAY1, B.BUILT), (DAY2, B.BUILT)]
    exports = shop.root / "exports"
    assert sorted(p.name for p in exports.iterdir()) == [".building", "2026-10-01", "2026-10-02", "index.html",
                                                        "kalender.ics"]
    assert not list((exports / ".building").iterdir())
    for day in (DAY1, DAY2):
        folder = exports / day.isoformat()
        assert files_in(folder) == {"caption.txt", "caption-tiktok.txt", "checklist.html", "cover.jpg", "post.json",
                                    "slides/01.jpg", "slides/02.jpg", "video.mp4"}
        video = probe(folder / "video.mp4")
        assert (video["size"], video["codec"], video["pix_fmt"], video["audio"]) == ((540, 960), "h264", "yuv420p",
                                                                                     "aac")
        assert 3.0 <= video["seconds"] <= 4.2
        assert Image.open(folder / "cover.jpg").size == (1080, 1920)
        post = json.loads((folder / "post.json").read_text(encoding="utf-8"))
        assert post["date"] == day.isoformat()
        assert post["suggested_time"] == f"{day.isoformat()}T19:00:00+07:00"
        assert post["product"]["slug"] in ("tas-purun", "tikar-purun", "kain-tenun")
        assert post["artisan"]["slug"] in ("ani", "budi") and post["template"] == "default"
        assert len(post["input_hash"]) == 64 and post["draft"] is True and post["reason"]
        assert {"etalase", "moviepy", "pillow", "ffmpeg"} <= set(post["versions"])
        assert post["built_at"].endswith("+07:00")
        names = {c["file"] for c in post["checks"]}
        assert names == {"cover.jpg", "slides/01.jpg", "slides/02.jpg", "video.mp4", "caption.txt",
                         "caption-tiktok.txt"}
        assert not [c for c in post["checks"] if not c["ok"] and c["severity"] == "error"]
        caption = (folder / "caption.txt").read_text(encoding="utf-8")
        page = (folder / "checklist.html").read_text(encoding="utf-8")
        assert post["product"]["name"] in page and "19.00 WIB" in page and caption.strip().splitlines()[0] in page
    friday = json.loads((exports / "2026-10-02" / "post.json").read_text(encoding="utf-8"))
    assert friday["special_day"] == "Hari Batik Nasional" and "special_day" in friday["flags"]
    assert (exports / "2026-10-02" / "caption.txt").read_text(encoding="utf-8").startswith(
        "Selamat Hari Batik Nasional!")
    index = (exports / "index.html").read_text(encoding="utf-8")
    assert 'href="2026-10-01/checklist.html"' in index and 'src="2026-10-02/video.mp4"' in index
    conn = db(shop.root)
    assert {d: b.status for d, b in S.builds(conn).items()} == {DAY1: "ok", DAY2: "ok"}
    conn.close()


@pytest.fixture
def built(shop, tmp_path_factory):
    """The shop after its first build (1 and 2 October), built once per session and copied per test."""
    cache = tmp_path_factory.getbasetemp() / "shop-built"
    if cache.exists():
        shutil.rmtree(shop.root)
        shutil.copytree(cache, shop.root)
    else:
        assert [d.status for d in run_build(shop.root).days] == [B.BUILT, B.BUILT]
        shutil.copytree(shop.root, cache)
    return shop


def test_second_build_renders_nothing_and_changes_nothing(built):
    shop = built
    before = {d: stamps(shop.root / "exports" / d) for d in ("2026-10-01", "2026-10-02")}
    report = run_build(shop.root)
    assert [d.status for d in report.days] == [B.UNCHANGED, B.UNCHANGED]  # how fast: bench/build_bench.py
    assert {d: stamps(shop.root / "exports" / d) for d in before} == before
    assert not (shop.root / "exports" / ".replaced").exists()


def test_changes_rerender_but_a_posted_day_is_never_rewritten(built):
    shop = built
    ctx = P.open_context(Project.at(shop.root), clock())
    posted = P.mark_posted(ctx, DAY1, "admin", "https://www.tiktok.com/@x/video/1")
    ctx.conn.close()
    day1, day2 = shop.root / "exports" / "2026-10-01", shop.root / "exports" / "2026-10-02"
    day1_before, day2_product = stamps(day1), json.loads((day2 / "post.json").read_text())["product"]["slug"]

    own = shop.root / "templates" / "captions" / "default.j2"  # the council edits its caption template
    own.parent.mkdir(parents=True)
    own.write_text((PACKAGED_TEMPLATES / "captions" / "default.j2").read_text(encoding="utf-8")
                   + "Dikurasi Dekranasda Sergai.\n", encoding="utf-8")
    report = run_build(shop.root)
    assert [(d.date, d.status) for d in report.days] == [(DAY1, B.POSTED_DAY), (DAY2, B.BUILT)]
    assert stamps(day1) == day1_before and posted.product == json.loads((day1 / "post.json").read_text())[
        "product"]["slug"]
    assert (day2 / "caption.txt").read_text(encoding="utf-8").rstrip().endswith("Dikurasi Dekranasda Sergai.")
    assert json.loads((day2 / "post.json").read_text())["product"]["slug"] == day2_product  # exported: kept
    replaced = list((shop.root / "exports" / ".replaced").iterdir())
    assert [p.name[:12] for p in replaced] == ["2026-10-02--"] and complete(replaced[0])
    assert "Dikurasi" not in (replaced[0] / "caption.txt").read_text(encoding="utf-8")


def test_only_the_newest_keep_replaced_folders_of_a_day_remain(built, capsys):
    """Template edits re-render every draft: without pruning each one left a full copy behind."""
    from pipeline.cli.build import finish

    shop = built
    exports = shop.root / "exports"
    for hours in (5, 4, 3, 2):  # four earlier replacements of 2 October, oldest first
        staged = X.staging_dir(exports, DAY2)
        shutil.copytree(exports / DAY2.isoformat(), staged, dirs_exist_ok=True)
        X.publish(exports, DAY2, staged, (CLOCK_AT - dt.timedelta(hours=hours)).astimezone(WIB))
    before = sorted(p.name for p in (exports / ".replaced").iterdir())
    assert len(before) == 4
    own = shop.root / "templates" / "captions" / "default.j2"  # the fifth: a template edit re-renders the day
    own.parent.mkdir(parents=True)
    own.write_text((PACKAGED_TEMPLATES / "captions" / "default.j2").read_text(encoding="utf-8") + "Baru.\n",
                   encoding="utf-8")
    report = run_build(shop.root)
    assert [d.status for d in report.days] == [B.BUILT, B.BUILT]
    kept = sorted(p.name for p in (exports / ".replaced").iterdir() if p.name.startswith("2026-10-02"))
    assert kept == [*before[2:], "2026-10-02--20261001-050000"]  # keep_replaced 3: the newest three
    assert [p.name for p in report.pruned] == before[:2]  # the two oldest, named in the report
    assert [p.name for p in (exports / ".replaced").iterdir() if p.name.startswith("2026-10-01")] == [
        "2026-10-01--20261001-050000"]  # another day's single replacement stays
    assert "2 old replaced folder(s) removed" in report.summary()
    finish(report, exports)
    printed = capsys.readouterr().out
    assert f"Removed 2 old replaced folder(s) from {exports / '.replaced'}" in printed
    assert all(name in printed for name in before[:2])


def test_exported_days_keep_their_product_and_a_skipped_day_steps_aside(built, monkeypatch):
    shop = built
    first = {d: X.read_manifest(shop.root / "exports" / d.isoformat())["product"]["slug"] for d in (DAY1, DAY2)}
    from conftest import web_approve

    web_approve(shop.root, "selendang")  # a new approval does not move exported days (invariant 4)
    report = run_build(shop.root)
    assert {d.date: (d.product, d.status) for d in report.days} == {
        d: (p, B.UNCHANGED) for d, p in first.items()}

    monkeypatch.setenv("ETALASE_NOW", "2026-10-03T09:00:00+07:00")  # the CLI's clock: two days later
    code, out, err = cli(shop.root, "plan", "skip", DAY2.isoformat())
    assert code == 1 and "in the past" in err  # the CLI refuses; the use-case with the test clock may
    conn = db(shop.root)
    S.set_skipped(conn, DAY2, True, "admin", CLOCK_AT)
    conn.close()
    report = run_build(shop.root)
    assert [(d.status, d.reason) for d in report.days][1] == (B.NO_POST, "dilewati admin")
    assert not (shop.root / "exports" / "2026-10-02").exists()
    assert [p.name[:10] for p in (shop.root / "exports" / ".replaced").iterdir()] == ["2026-10-02"]
    assert "tanpa unggahan" in (shop.root / "exports" / "index.html").read_text(encoding="utf-8")


def test_an_edited_product_leaves_the_plan_and_its_folder(built):
    shop = built
    edited = X.read_manifest(shop.root / "exports" / "2026-10-02")["product"]["slug"]
    path = shop.content / "products" / f"{edited}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "size: 40 x 30 cm\n", encoding="utf-8")
    report = run_build(shop.root)  # invariant 1: no approval at the new content hash, so never exported
    assert report.days[1].status == B.BUILT and report.days[1].product != edited
    post = json.loads((shop.root / "exports" / "2026-10-02" / "post.json").read_text(encoding="utf-8"))
    assert post["product"]["slug"] == report.days[1].product
    assert "produk ekspor sebelumnya" in post["reason"] and "tidak lagi disetujui" in post["reason"]


def test_a_failing_day_gets_a_note_and_the_others_still_build(shop, pinned_now):
    schedule = shop.root / "schedule.yaml"
    good = schedule.read_text(encoding="utf-8")
    schedule.write_text(good + textwrap.dedent("""
        special_days:
          "10-02": {name: Hari Batik Nasional, template: tidak-ada}
    """), encoding="utf-8")
    report = run_build(shop.root)
    assert [d.status for d in report.days] == [B.BUILT, B.FAILED] and not report.ok
    exports = shop.root / "exports"
    note = (exports / "2026-10-02.FAILED.txt").read_text(encoding="utf-8")
    assert note.startswith("GAGAL: posting untuk 2026-10-02 belum bisa dibuat.") and "tidak-ada" in note
    assert not (exports / "2026-10-02").exists() and complete(exports / "2026-10-01")
    assert not list((exports / ".building").iterdir())
    index = (exports / "index.html").read_text(encoding="utf-8")
    assert "gagal dibuat" in index and "2026-10-02.FAILED.txt" in index

    code, out, err = cli(shop.root, "build", "--draft", "--date", "2026-10-02")  # the CLI exits non-zero
    assert code == 1 and "2026-10-02 FAILED" in err and "1 FAILED" in out

    schedule.write_text(good, encoding="utf-8")  # fixed: the next build finishes the day, the note goes
    report = run_build(shop.root)
    assert [d.status for d in report.days] == [B.UNCHANGED, B.BUILT]
    assert not (exports / "2026-10-02.FAILED.txt").exists() and complete(exports / "2026-10-02")


LOCK_HOLDER = """
import sys
from pathlib import Path
from pipeline.build.lock import BuildLock
lock = BuildLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
sys.stdin.read()  # held until the test kills this process, however long its checks take
"""


def test_one_build_at_a_time_and_a_killed_holder_frees_the_lock(shop):
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(shop.root / "state")], cwd=REPO,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(L.BuildBusy, match="another build is running"):
            run_build(shop.root)
        code, _, err = cli(shop.root, "build", "--draft")
        assert code == 1 and "another build is running (pid" in err
    finally:
        holder.kill()
        holder.communicate()
    with L.BuildLock(shop.root / "state").held():  # the OS freed it with the process
        pass


DAY3 = DAY2 + dt.timedelta(days=1)


def build3(root: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "--root", str(root), "build", "--draft", "--days", "3"]


@contextlib.contextmanager
def build_paused_at(root: Path, point: str, markers: Path) -> Iterator[list[dict]]:
    """`etalase build --draft --days 3` as a real process, stopped at a named point (pipeline/common/testhook.py);
    yields the points it reached, the last one where it waits. On leaving, it and its ffmpeg get SIGKILL (no
    cleanup at all, as at a power cut)."""
    markers.mkdir()
    with open(markers / "stderr.txt", "wb") as err:
        proc = subprocess.Popen(build3(root), cwd=REPO, env=process_env(ETALASE_TEST_PAUSE=f"{point}:{markers}"),
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        try:
            yield wait_for_point(markers, proc)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def where(trail: list[dict]) -> list[tuple[str, str]]:
    """The build's points in order; `job-render` (each render job's start, wherever it runs: the pool
    tests kill a worker there) is left out, since it only repeats the render-start before it."""
    return [(m["point"], m.get("day", "")) for m in trail if m["point"] != "job-render"]


def staged(exports: Path, day: dt.date) -> set[str]:
    """The files in `day`'s staging folder (the one of the running build; killed ones are cleared first)."""
    folders = [p for p in (exports / ".building").iterdir() if p.name.startswith(day.isoformat())]
    assert len(folders) == 1, folders
    return {p.name for p in folders[0].iterdir()}


def rendering(root: Path) -> set[str]:
    """The files of the render under way: it renders into the render cache's private folder, not the day's
    (every day waiting for its render has one reserved; only the running one has files)."""
    folders = [p for p in (root / "state" / "cache" / "renders" / ".tmp").iterdir() if any(p.iterdir())]
    assert len(folders) == 1, folders
    return {p.name for p in folders[0].iterdir()}


def ledger(root: Path) -> dict[dt.date, tuple[str, str]]:
    conn = db(root)
    try:
        return {d: (b.status, b.message) for d, b in S.builds(conn).items()}
    finally:
        conn.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL: Windows has only TerminateProcess")
def test_a_build_killed_at_each_risky_moment_leaves_no_partial_folder(shop, tmp_path):
    """SIGKILL before any render, mid-video, mid-video of a later day, between publishing a day and recording it,
    and with a day complete but unpublished; each kill lands where the process says it waits. Whatever was out is
    complete every time, and a build afterwards finishes all three days."""
    root, exports = shop.root, shop.root / "exports"
    d1, d2, d3 = (d.isoformat() for d in (DAY1, DAY2, DAY3))

    def nothing_partial() -> None:
        for day in X.day_folders(exports):
            assert complete(exports / day.isoformat()), f"half-made folder {day}"

    with build_paused_at(root, "render-start", tmp_path / "a") as trail:  # (a) before the first render
        assert where(trail) == [("render-start", d1)]
        assert X.day_folders(exports) == [] and staged(exports, DAY1) == set()
    nothing_partial()

    with build_paused_at(root, "mid-video", tmp_path / "b") as trail:  # (b) day 1's video half encoded
        assert where(trail) == [("render-start", d1), ("mid-video", "")]
        files = rendering(root)
        assert {"cover.jpg", "caption.txt"} <= files and "post.json" not in files and "video.mp4" not in files
        assert any(f.startswith(".video.mp4.") for f in files)  # ffmpeg is writing its temporary file
        assert X.day_folders(exports) == []
    nothing_partial()
    assert X.day_folders(exports) == []

    with build_paused_at(root, "mid-video@2", tmp_path / "c") as trail:  # (c) day 2 mid-video, day 1 out
        assert where(trail) == [("render-start", d1), ("mid-video", ""), ("before-publish", d1),
                                ("day-published", d1), ("render-start", d2), ("mid-video", "")]
        assert X.day_folders(exports) == [DAY1] and complete(exports / d1)
        assert "post.json" not in staged(exports, DAY2)
    nothing_partial()
    assert X.day_folders(exports) == [DAY1] and set(ledger(root)) == {DAY1}

    with build_paused_at(root, "day-published", tmp_path / "d") as trail:  # (d) day 2 out, not yet recorded
        assert where(trail) == [("render-start", d2), ("mid-video", ""), ("before-publish", d2),
                                ("day-published", d2)]
        assert X.day_folders(exports) == [DAY1, DAY2] and set(ledger(root)) == {DAY1}
    nothing_partial()

    with build_paused_at(root, "before-publish", tmp_path / "e") as trail:  # (e) day 3 complete, unpublished
        # day 3 has day 1's product: its second post (render/variation.py), so it is rendered, not cached
        assert where(trail) == [("render-start", d3), ("mid-video", ""), ("before-publish", d3)]
        assert {"post.json", "video.mp4", "checklist.html"} <= staged(exports, DAY3)
        assert ledger(root)[DAY2] == ("ok", "recovered from post.json")  # the folder was trusted
    nothing_partial()
    assert X.day_folders(exports) == [DAY1, DAY2]

    done = subprocess.run(build3(root), cwd=REPO, env=process_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 built, 2 unchanged" in done.stdout
    assert X.day_folders(exports) == [DAY1, DAY2, DAY3] and all(complete(exports / d) for d in (d1, d2, d3))
    assert not list((exports / ".building").iterdir())
    assert {d: status for d, (status, _) in ledger(root).items()} == {DAY1: "ok", DAY2: "ok", DAY3: "ok"}


@pytest.mark.slow
def test_one_full_size_day(shop):
    """1080x1920 at the real preset (the short test template keeps it to a few seconds of video)."""
    report = B.build(Project.at(shop.root), B.Options(only=DAY1), clock=clock())
    assert [d.status for d in report.days] == [B.BUILT], report.days[0].message
    folder = shop.root / "exports" / "2026-10-01"
    video = probe(folder / "video.mp4")
    assert video["size"] == (1080, 1920) and video["pix_fmt"] == "yuv420p" and 3 <= video["seconds"] <= 4.2
    post = json.loads((folder / "post.json").read_text(encoding="utf-8"))
    assert post["draft"] is False and not [c for c in post["checks"] if not c["ok"] and c["severity"] == "error"]


def test_demo_approves_the_samples_as_the_sample_curator_and_builds(sample_project, monkeypatch):
    """README command 1 in small: the bundled sample, a sample curator, one draft day."""
    monkeypatch.delenv("ETALASE_DB", raising=False)
    project = Project.at(sample_project)
    conn = db(sample_project)
    siti = users.ensure(conn, "siti", "curator")
    catalog = P.load_catalog(project.content)
    first = sorted(catalog.products)[0]
    reviews.decide(conn, catalog, first, "reject", siti, "foto buram", reviews.all_checks())
    conn.close()

    result = run_demo(project, B.Options(days=1, draft=True), clock=clock())
    assert first not in result.approved and result.left == {first: "rejected"}  # a real decision stands
    assert len(result.approved) == len(catalog.products) - 1 >= 10
    assert [d.status for d in result.report.days] == [B.BUILT]
    assert complete(project.exports / "2026-10-01") and (project.exports / "index.html").exists()
    conn = db(sample_project)
    assert {d.user for p in result.approved for d in reviews.history(conn, p)} == {CURATOR}
    conn.close()
    again = approve_samples(project, clock())
    assert again.approved == [] and len(again.already) == len(result.approved)


def test_a_view_that_starts_in_the_past_shows_the_same_coming_days(shop):
    """The dashboard's calendar and `plan --from` start last week; the coming days must still be the
    ones `plan` and `build` give (past days planned apart, the future as one run from today)."""
    ctx = P.open_context(Project.at(shop.root), clock())
    try:
        coming = P.dates(ctx, DAY1, 10)
        from_today = [(s.date, s.product) for s in P.plan_days(ctx, coming)]
        from_last_week = [(s.date, s.product) for s in P.plan_days(ctx, P.dates(ctx, DAY1 - dt.timedelta(days=9), 19))]
        assert from_last_week[9:] == from_today
        assert [P.slot_for(ctx, d).product for d in coming] == [p for _, p in from_today]
    finally:
        ctx.conn.close()
