"""A render run: one job per input hash across the builds sharing it, kept in the cache once."""

from __future__ import annotations

import concurrent.futures as cf
import threading

from pipeline.build.cache import RenderCache
from pipeline.build.inflight import CACHED, JOINED, RENDERED, Job, RenderRun, finished
from pipeline.render.post import PostResult

RESULT = PostResult({"cover": "cover.jpg"}, "Kapsi", [], [])
DIGEST = "d" * 64


def test_the_first_build_asking_makes_the_job_and_the_others_join_it(tmp_path):
    run = RenderRun(RenderCache(tmp_path / "cache"))
    aceh, banda = object(), object()
    made = []

    def make(owner):
        def _make():
            made.append(owner)
            return Job(cf.Future(), None, owner)
        return _make

    first, source = run.job(DIGEST, aceh, make(aceh))
    assert source == RENDERED
    assert run.job(DIGEST, aceh, make(aceh)) == (first, RENDERED)  # its own second day with the same inputs
    assert run.job(DIGEST, banda, make(banda)) == (first, JOINED)  # another council: no second render
    hit, source = run.job("e" * 64, banda, lambda: Job(finished(RESULT), None, CACHED))
    assert source == CACHED and run.job("e" * 64, aceh, make(aceh)) == (hit, CACHED)
    assert made == [aceh] and run.digests() == {DIGEST, "e" * 64}


def test_shipped_bytes_are_stored_once_and_the_job_lets_go_of_them(tmp_path):
    cache = RenderCache(tmp_path / "cache")
    run = RenderRun(cache)
    job = Job(cf.Future(), None, "aceh")
    job.future.set_result((RESULT, {"cover.jpg": b"jpeg" * 100}))
    results = []
    threads = [threading.Thread(target=lambda: results.append(run.keep(DIGEST, job, job.future.result())))
               for _ in range(4)]  # four days or councils finishing the same render at once
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [RESULT] * 4
    assert [e.digest for e in cache.entries()] == [DIGEST] and not any((cache.root / ".tmp").iterdir())
    assert (cache.folder(DIGEST) / "cover.jpg").read_bytes() == b"jpeg" * 100
    assert job.future.result() is RESULT  # the table keeps the result, not the megabytes


def test_a_folder_rendered_in_place_moves_in_and_a_late_twin_folder_is_dropped(tmp_path):
    cache = RenderCache(tmp_path / "cache")
    run = RenderRun(cache)
    jobs = []
    for n in range(2):  # e.g. a kept entry and a render of the same inputs from before it existed
        folder = cache.reserve()
        (folder / "cover.jpg").write_bytes(b"%d" % n)
        jobs.append(Job(finished(RESULT), folder, "aceh"))
    run.keep(DIGEST, jobs[0], RESULT)
    run.keep(DIGEST, jobs[1], RESULT)
    assert (cache.folder(DIGEST) / "cover.jpg").read_bytes() == b"0"
    assert not any((cache.root / ".tmp").iterdir()) and jobs[1].rendered is None


def test_failed_checks_are_never_kept(tmp_path):
    cache = RenderCache(tmp_path / "cache")
    bad = PostResult({"cover": "cover.jpg"}, "", [], [{"name": "size", "ok": False, "file": "cover.jpg"}])
    job = Job(cf.Future(), None, "aceh")
    job.future.set_result((bad, {"cover.jpg": b"x"}))
    assert RenderRun(cache).keep(DIGEST, job, job.future.result()) is bad
    assert cache.entries() == [] and job.future.result() is bad


def test_the_run_clears_half_made_renders_and_prunes_but_keeps_what_it_used(tmp_path):
    cache = RenderCache(tmp_path / "cache", max_bytes=0)
    run = RenderRun(cache)
    for digest in (DIGEST, "e" * 64):
        folder = cache.reserve()
        (folder / "cover.jpg").write_bytes(b"x" * 100)
        cache.store(digest, folder, RESULT)
    half = cache.reserve()  # a killed run's debris
    run.begin()
    assert not half.exists()
    run.job(DIGEST, "aceh", lambda: Job(finished(RESULT), None, CACHED))
    cache.reserve()
    run.end()
    assert [e.digest for e in cache.entries()] == [DIGEST] and not (cache.root / ".tmp").exists()
