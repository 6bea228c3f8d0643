"""The local process pool that outlives a worker's death (pipeline/build/pool.py): real spawned workers
that really exit mid-job (os._exit, as an out-of-memory kill looks to the pool, on every platform)."""

from __future__ import annotations

import concurrent.futures as cf
import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from pipeline.build.jobs import make_executor, process_pool
from pipeline.build.pool import RecoveringPool


def die_once(marker: str) -> int:
    """Exit the worker the first time (leaving `marker`), answer the second."""
    path = Path(marker)
    if not path.exists():
        path.write_text(str(os.getpid()), encoding="utf-8")
        os._exit(3)
    return os.getpid()


def die_always() -> int:
    os._exit(4)


def test_a_job_whose_worker_died_runs_again_on_a_fresh_pool(tmp_path):
    marker = tmp_path / "died"
    with RecoveringPool(lambda: process_pool(1)) as pool:
        pid = pool.submit(die_once, str(marker)).result(timeout=300)
        assert pool.restarts == 1
        assert pid != int(marker.read_text(encoding="utf-8"))  # another worker answered
        assert pool.submit(os.getpid).result(timeout=300) == pid  # the fresh pool goes on serving


def test_a_job_that_kills_its_worker_twice_fails_alone(tmp_path):
    with RecoveringPool(lambda: process_pool(1)) as pool:
        doomed = pool.submit(die_always)
        assert isinstance(doomed.exception(timeout=300), BrokenProcessPool)
        assert pool.restarts == 2  # once for the retry, once after it
        assert pool.submit(pow, 2, 10).result(timeout=300) == 1024  # the next day still renders


def wait_for(path: str) -> int:
    """Block the worker until `path` exists (the test creates it: an event, not a sleep's guess)."""
    import time

    while not Path(path).exists():
        time.sleep(0.01)
    return os.getpid()


def leave(path: str) -> None:
    Path(path).write_text("ran", encoding="utf-8")


def test_a_cancelled_job_does_not_run(tmp_path):
    """A stopped build cancels its days' futures: the jobs behind them are cancelled in the pool too."""
    gate = tmp_path / "gate"
    with RecoveringPool(lambda: process_pool(1)) as pool:
        blocker = pool.submit(wait_for, str(gate))  # the one worker is busy until the gate opens
        queued = [pool.submit(leave, str(tmp_path / f"ran-{n}")) for n in range(6)]
        assert all(f.cancel() for f in queued)
        gate.touch()
        assert blocker.result(timeout=300) > 0
        assert pool.submit(pow, 2, 3).result(timeout=300) == 8  # every earlier job is over by now (one worker)
        assert all(f.cancelled() for f in queued)  # a job that still ran never overwrote its cancelled future
    ran = sorted(p.name for p in tmp_path.glob("ran-*"))
    # a plain pool hands at most workers + 1 jobs to its call queue early, and those can no longer be stopped
    assert len(ran) <= 2, ran


def test_the_builds_own_pool_is_the_recovering_one():
    executor = make_executor(2)
    try:
        assert isinstance(executor, RecoveringPool) and isinstance(executor, cf.Executor)
    finally:
        executor.shutdown()
