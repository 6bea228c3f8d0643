"""A render run: one job per input hash across the builds sharing it, kept in the cache once."""

from __future__ import annotations

import concurrent.futures as cf
import threading

from pipeline.build.cache import RenderCache
from pipeline.build.inflight import CACHED, JOINED, RENDERED, Job, RenderRun, finished, raised
from pipeline.render.post import PostResult

RESULT = PostResult({"cover": "cover.jpg"}, "Kapsi", [], [])
DIGEST, OTHER = "d" * 64, "e" * 64
ACEH, BANDA = "aceh", "banda"  # two builds (councils) of one run


def maker(owner, made: list, future: cf.Future | None = None):
    def make():
        made.append(owner)
        return Job(future or cf.Future(), None, owner)
    return make


def test_the_first_build_asking_makes_the_job_and_the_others_join_it(tmp_path):
    run = RenderRun(RenderCache(tmp_path / "cache"))
    made = []
    first, source = run.job(DIGEST, ACEH, maker(ACEH, made))
    assert source == RENDERED
    assert run.job(DIGEST, ACEH, maker(ACEH, made)) == (first, RENDERED)  # its own second day, same inputs
    assert run.job(DIGEST, BANDA, maker(BANDA, made)) == (first, JOINED)  # another council: no second render
    hit, source = run.job(OTHER, BANDA, lambda: Job(finished(RESULT), None, CACHED))
    assert source == CACHED and run.job(OTHER, ACEH, maker(ACEH, made)) == (hit, CACHED)
    assert made == [ACEH] and first.joined == 1 and run.digests() == {DIGEST, OTHER}


def test_a_job_being_made_is_joined_once_made_while_other_inputs_go_ahead(tmp_path, monkeypatch):
    """Making a job (a cache lookup, reading blobs, a submit) runs outside the run's lock; a second build
    asking for the same inputs meanwhile waits at the gate and joins."""
    from pipeline.build import inflight

    waiting = threading.Event()

    class WatchedGate(threading.Event):
        def wait(self, timeout=None):
            waiting.set()
            return super().wait(timeout)

    monkeypatch.setattr(inflight, "Gate", WatchedGate)
    run = RenderRun(RenderCache(tmp_path / "cache"))
    inside, go = threading.Event(), threading.Event()
    made, got = [], {}

    def slow_make():
        made.append(ACEH)
        inside.set()
        assert go.wait(60)
        return Job(cf.Future(), None, ACEH)

    aceh = threading.Thread(target=lambda: got.update(aceh=run.job(DIGEST, ACEH, slow_make)))
    aceh.start()
    assert inside.wait(60)
    banda = threading.Thread(target=lambda: got.update(banda=run.job(DIGEST, BANDA, maker(BANDA, made))))
    banda.start()
    assert waiting.wait(60)  # banda is at aceh's gate, while aceh is still making the job
    assert run.job(OTHER, BANDA, maker(BANDA, made))[1] == RENDERED  # other inputs are not held up
    go.set()
    aceh.join(60)
    banda.join(60)
    assert got["aceh"][1] == RENDERED and got["banda"] == (got["aceh"][0], JOINED)
    assert made == [ACEH, BANDA]  # aceh's one job for DIGEST, banda's for OTHER


def test_a_job_that_failed_at_once_is_not_shared(tmp_path):
    run = RenderRun(RenderCache(tmp_path / "cache"))
    made = []
    job, _ = run.job(DIGEST, ACEH, maker(ACEH, made, raised(OSError("aceh's photo is unreadable"))))
    assert job.future.exception()
    again, source = run.job(DIGEST, BANDA, maker(BANDA, made))
    assert source == RENDERED and again is not job and made == [ACEH, BANDA]


def test_a_joined_job_that_failed_is_made_again_by_the_build_that_joined(tmp_path):
    run = RenderRun(RenderCache(tmp_path / "cache"))
    made = []
    shared, _ = run.job(DIGEST, ACEH, maker(ACEH, made))
    assert run.job(DIGEST, BANDA, maker(BANDA, made))[1] == JOINED
    shared.future.set_exception(RuntimeError("worker lost twice"))
    own, source = run.again(DIGEST, shared, BANDA, maker(BANDA, made))
    assert source == RENDERED and own is not shared and made == [ACEH, BANDA]
    # banda's second day that had joined the failed job finds banda's own new one
    assert run.again(DIGEST, shared, BANDA, maker(BANDA, made)) == (own, RENDERED) and made == [ACEH, BANDA]


def test_a_stopping_build_cancels_only_a_job_nobody_else_waits_for(tmp_path):
    cache = RenderCache(tmp_path / "cache")
    run = RenderRun(cache)
    folders = [cache.reserve(), cache.reserve()]
    alone = Job(cf.Future(), folders[0], ACEH)
    shared = Job(cf.Future(), folders[1], ACEH)
    run.job(DIGEST, ACEH, lambda: alone)
    run.job(OTHER, ACEH, lambda: shared)
    run.job(OTHER, BANDA, maker(BANDA, []))
    assert run.cancel(DIGEST, alone) and alone.future.cancelled() and not folders[0].exists()
    assert not run.cancel(OTHER, shared) and not shared.future.cancelled() and folders[1].exists()
    made = []
    assert run.job(DIGEST, BANDA, maker(BANDA, made))[1] == RENDERED and made == [BANDA]  # not the cancelled one
    run.leave(OTHER, shared)  # banda stops too: nobody waits for it any more
    assert shared.future.cancelled() and not folders[1].exists()
    assert run.job(OTHER, BANDA, maker(BANDA, made))[1] == RENDERED and made == [BANDA, BANDA]


def test_a_joiner_that_stops_leaves_the_owners_job_running(tmp_path):
    run = RenderRun(RenderCache(tmp_path / "cache"))
    job, _ = run.job(DIGEST, ACEH, maker(ACEH, []))
    run.job(DIGEST, BANDA, maker(BANDA, []))
    run.leave(DIGEST, job)
    assert not job.future.cancelled() and run.job(DIGEST, BANDA, maker(BANDA, [])) == (job, JOINED)


def test_a_cancelled_job_is_not_shared(tmp_path):
    run = RenderRun(RenderCache(tmp_path / "cache"))
    gone: cf.Future = cf.Future()
    gone.cancel()
    made = []
    job, _ = run.job(DIGEST, ACEH, maker(ACEH, made, gone))
    assert run.job(DIGEST, BANDA, maker(BANDA, made))[0] is not job and made == [ACEH, BANDA]


def test_shipped_bytes_are_stored_once_and_the_job_lets_go_of_them(tmp_path):
    cache = RenderCache(tmp_path / "cache")
    run = RenderRun(cache)
    job = Job(cf.Future(), None, ACEH)
    job.future.set_result((RESULT, {"cover.jpg": b"jpeg" * 100}))
    assert run.keep(DIGEST, job, job.future.result()) == RESULT
    assert job.future.result() is RESULT  # the table keeps the result, not the megabytes
    assert run.keep(DIGEST, job, job.future.result()) == RESULT  # a second day sharing it
    assert [e.digest for e in cache.entries()] == [DIGEST] and not any((cache.root / ".tmp").iterdir())
    assert (cache.folder(DIGEST) / "cover.jpg").read_bytes() == b"jpeg" * 100


def test_a_folder_rendered_in_place_moves_in_and_a_late_twin_folder_is_dropped(tmp_path):
    cache = RenderCache(tmp_path / "cache")
    run = RenderRun(cache)
    jobs = []
    for n in range(2):  # a failed job's retry can render the same inputs a second time
        folder = cache.reserve()
        (folder / "cover.jpg").write_bytes(b"%d" % n)
        jobs.append(Job(finished(RESULT), folder, ACEH))
    run.keep(DIGEST, jobs[0], RESULT)
    run.keep(DIGEST, jobs[1], RESULT)
    assert (cache.folder(DIGEST) / "cover.jpg").read_bytes() == b"0"
    assert not any((cache.root / ".tmp").iterdir()) and jobs[1].rendered is None


def test_failed_checks_are_never_kept(tmp_path):
    cache = RenderCache(tmp_path / "cache")
    bad = PostResult({"cover": "cover.jpg"}, "", [], [{"name": "size", "ok": False, "file": "cover.jpg"}])
    job = Job(cf.Future(), None, ACEH)
    job.future.set_result((bad, {"cover.jpg": b"x"}))
    assert RenderRun(cache).keep(DIGEST, job, job.future.result()) is bad
    assert cache.entries() == [] and job.future.result() is bad


def test_the_run_clears_half_made_renders_and_prunes_but_keeps_what_it_used(tmp_path):
    cache = RenderCache(tmp_path / "cache", max_bytes=0)
    run = RenderRun(cache)
    for digest in (DIGEST, OTHER):
        folder = cache.reserve()
        (folder / "cover.jpg").write_bytes(b"x" * 100)
        cache.store(digest, folder, RESULT)
    half = cache.reserve()  # a killed run's debris
    run.begin()
    assert not half.exists()
    run.job(DIGEST, ACEH, lambda: Job(finished(RESULT), None, CACHED))
    cache.reserve()
    run.end()
    assert [e.digest for e in cache.entries()] == [DIGEST] and not (cache.root / ".tmp").exists()
