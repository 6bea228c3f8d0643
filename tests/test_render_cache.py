"""The render cache: a render is kept once under its input hash and placed into day folders; bounded size;
`etalase cache prune`; a process pool builds what the in-process executor builds."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import av
import pytest
from test_build import CLOCK_AT, DAY1, DAY2

from pipeline.build import orchestrate as B
from pipeline.build.cache import RESULT, RenderCache
from pipeline.build.jobs import process_pool
from pipeline.cli import main
from pipeline.common.clock import FixedClock
from pipeline.common.project import PACKAGED_TEMPLATES, Project
from pipeline.export import folders as X
from pipeline.plan import ledger as S
from pipeline.plan.planner import SWAPPED
from pipeline.render.post import PostResult
from pipeline.store import db as store


def build(root: Path, executor: cf.Executor | None = None, **project) -> B.BuildReport:
    return B.build(Project.at(root, **project), B.Options(draft=True), clock=FixedClock(CLOCK_AT), executor=executor)


def same_day_twice(shop, slug: str = "tas-purun") -> None:
    """Both days get one product and identical settings (no national day on 2 October)."""
    with (shop.root / "schedule.yaml").open("a", encoding="utf-8") as f:
        f.write("national_days: false\n")
    conn = store.connect(shop.root / "state" / "etalase.db")
    for day in (DAY1, DAY2):
        S.set_product(conn, day, slug, SWAPPED, "admin", CLOCK_AT)
    conn.close()


def cache_entries(root: Path) -> list[Path]:
    base = root / "state" / "cache" / "renders"
    return sorted(p for p in base.iterdir() if p.name != ".tmp") if base.is_dir() else []


def test_one_product_on_two_days_is_two_posts_each_kept_in_the_cache(shop):
    same_day_twice(shop)
    report = build(shop.root)
    assert [(d.status, d.product) for d in report.days] == [(B.BUILT, "tas-purun")] * 2
    # one product on two days is its first and second post (render/variation.py): two inputs, two renders
    assert (report.renders, report.cache_hits) == (2, 0)
    entries = cache_entries(shop.root)
    assert len(entries) == 2
    cached = {p.relative_to(entries[0]).as_posix() for p in entries[0].rglob("*") if p.is_file()}
    assert cached == {"caption.txt", "caption-tiktok.txt", "cover.jpg", "slides/01.jpg", "slides/02.jpg", "video.mp4",
                      RESULT}
    days = [shop.root / "exports" / d.isoformat() for d in (DAY1, DAY2)]
    posts = [X.read_manifest(d) for d in days]
    assert {p["input_hash"] for p in posts} == {e.name for e in entries}
    assert [p["date"] for p in posts] == [DAY1.isoformat(), DAY2.isoformat()]  # day-specific parts differ
    for day, post in zip(days, posts, strict=True):  # one copy of the bytes: links to the cached render
        entry = cache_entries(shop.root)[[e.name for e in entries].index(post["input_hash"])]
        assert (day / "video.mp4").stat().st_ino == (entry / "video.mp4").stat().st_ino
        assert "2026-10" in (day / "checklist.html").read_text(encoding="utf-8")

    shutil.rmtree(days[1])  # a lost folder comes back from the cache, without rendering
    report = build(shop.root)
    assert [d.status for d in report.days] == [B.UNCHANGED, B.BUILT]
    assert (report.renders, report.cache_hits) == (0, 1)
    assert X.read_manifest(days[1])["date"] == DAY2.isoformat()

    with (days[1] / "caption.txt").open("a", encoding="utf-8") as f:  # edited in place, through the link
        f.write("diubah admin\n")
    shutil.rmtree(days[1])
    report = build(shop.root)  # the damaged entry is not trusted: the day renders again
    assert [d.status for d in report.days] == [B.UNCHANGED, B.BUILT] and report.renders == 1
    assert "diubah admin" not in (days[1] / "caption.txt").read_text(encoding="utf-8")

    shutil.rmtree(days[1])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--root", str(shop.root), "build", "--draft", "--date", DAY2.isoformat()]) == 0
    assert "1 built." in out.getvalue() and "1 of them from the render cache" in out.getvalue()


def test_exports_on_another_file_system_get_copies(shop):
    other = Path("/dev/shm")
    if not other.is_dir() or other.stat().st_dev == shop.root.stat().st_dev:
        pytest.skip("needs /dev/shm on a file system other than the test folder's")
    with tempfile.TemporaryDirectory(dir=other) as tmp:
        report = build(shop.root, exports=Path(tmp) / "exports")
        assert [d.status for d in report.days] == [B.BUILT, B.BUILT]
        for day in (DAY1, DAY2):
            folder = Path(tmp) / "exports" / day.isoformat()
            assert X.read_manifest(folder) is not None
            digest = X.read_manifest(folder)["input_hash"]
            cached = shop.root / "state" / "cache" / "renders" / digest / "video.mp4"
            assert (folder / "video.mp4").read_bytes() == cached.read_bytes()
            assert (folder / "video.mp4").stat().st_dev != cached.stat().st_dev


def test_where_hard_links_fail_the_entry_is_copied(tmp_path, monkeypatch):
    """What a FAT or exFAT USB drive, or exports on another drive, answers to os.link: a copy instead."""
    cache = RenderCache(tmp_path / "cache")
    digest = _fake_entry(cache, "c", 2048, 1_000_000.0)

    def refused(src, dst):
        raise OSError(1, "Operation not permitted", str(src))

    monkeypatch.setattr(os, "link", refused)
    day = tmp_path / "day"
    cache.place(digest, PostResult({"cover": "cover.jpg"}, "", [], []), day)
    placed, kept = day / "cover.jpg", cache.folder(digest) / "cover.jpg"
    assert placed.read_bytes() == kept.read_bytes() == b"x" * 2048
    assert placed.stat().st_ino != kept.stat().st_ino  # its own file: editing it cannot change the cache
    placed.write_bytes(b"edited")
    assert kept.read_bytes() == b"x" * 2048


def _fake_entry(cache: RenderCache, name: str, size: int, used: float) -> str:
    digest = name * 64
    tmp = cache.reserve()
    (tmp / "cover.jpg").write_bytes(b"x" * size)
    cache.store(digest, tmp, PostResult({"cover": "cover.jpg"}, "", [], []))
    os.utime(cache.folder(digest) / RESULT, (used, used))
    return digest


def test_prune_removes_the_least_recently_used_until_it_fits(shop, capsys):
    cache = RenderCache.of(shop.root / "state")
    old, mid, new = (_fake_entry(cache, c, 10_000, t) for c, t in (("a", 1e9), ("b", 1.1e9), ("c", 1.2e9)))
    assert cache.get(old) is not None  # using an entry makes it the newest
    assert main(["--root", str(shop.root), "cache", "prune", "--max-size", "25 kB"]) == 0
    out = capsys.readouterr().out
    assert f"removed {mid[:12]}" in out and "1 render(s) removed" in out and "2 kept" in out
    assert [e.digest for e in cache.entries()] == [new, old]
    assert main(["--root", str(shop.root), "cache", "prune", "--max-size", "0"]) == 0
    assert cache.entries() == [] and "2 render(s) removed" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["--root", str(shop.root), "cache", "prune", "--max-size", "lots"])
    assert exit_.value.code == 2
    assert "is not a size" in capsys.readouterr().err


def test_every_build_trims_the_cache_to_the_setting(shop):
    with (shop.root / "schedule.yaml").open("a", encoding="utf-8") as f:
        f.write("render_cache: 1 KB\n")
    build(shop.root)
    first = cache_entries(shop.root)
    assert len(first) == 2  # this build's own renders stay, whatever the limit
    own = shop.root / "templates" / "captions" / "default.j2"
    own.parent.mkdir(parents=True)
    own.write_text((PACKAGED_TEMPLATES / "captions" / "default.j2").read_text(encoding="utf-8") + "Salam.\n",
                   encoding="utf-8")
    report = build(shop.root)
    assert report.renders == 2
    assert not set(first) & set(cache_entries(shop.root)) and len(cache_entries(shop.root)) == 2


def _outputs(root: Path) -> dict:
    out = {}
    for day in (DAY1, DAY2):
        folder = root / "exports" / day.isoformat()
        post = X.read_manifest(folder)
        with av.open(str(folder / "video.mp4")) as box:
            frames = sum(1 for _ in box.demux(box.streams.video[0]) if _.size)
        out[day] = {"files": sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()),
                    "video": post["video"], "frames": frames,
                    "caption": (folder / "caption.txt").read_text(encoding="utf-8"),
                    "product": post["product"]["slug"], "input_hash": post["input_hash"]}
    return out


def test_a_process_pool_builds_what_the_sequential_build_does(shop, tmp_path):
    twin = tmp_path / "twin"
    shutil.copytree(shop.root, twin)
    sequential = build(shop.root)
    with process_pool(2) as pool:  # spawned workers, as the build's own pool
        pooled = build(twin, executor=pool)
    assert [d.status for d in pooled.days] == [d.status for d in sequential.days] == [B.BUILT, B.BUILT]
    assert pooled.renders == 2
    a, b = _outputs(shop.root), _outputs(twin)
    assert a == b  # the input hash too: it does not depend on where the project lies
    assert all(a[day]["frames"] == a[day]["video"]["frames"] for day in (DAY1, DAY2))
    assert json.loads((twin / "exports" / "2026-10-01" / "post.json").read_text())["files"]["video"] == "video.mp4"
