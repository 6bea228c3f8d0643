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


def test_a_cancelled_job_is_not_run_again(tmp_path):
    with RecoveringPool(lambda: process_pool(1)) as pool:
        first = pool.submit(pow, 3, 3)
        assert first.result(timeout=300) == 27
        pending = [pool.submit(pow, 2, n) for n in range(50)]
        cancelled = [f for f in pending if f.cancel()]
        for f in pending:
            if f not in cancelled:
                assert f.result(timeout=300) == 2 ** pending.index(f)
        assert all(f.cancelled() for f in cancelled)


def test_the_builds_own_pool_is_the_recovering_one():
    executor = make_executor(2)
    try:
        assert isinstance(executor, RecoveringPool) and isinstance(executor, cf.Executor)
    finally:
        executor.shutdown()
