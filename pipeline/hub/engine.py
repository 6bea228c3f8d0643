"""The executors a hub renders on: a local process pool, or a dask.distributed cluster.

Both are `concurrent.futures` executors, so the build hands them jobs exactly as it hands its own
in-process executor; Dask brings scheduling, worker restarts and rescheduling of a lost worker's jobs,
and the local pool (build/pool.py) replaces itself and runs a lost worker's jobs again.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.build.jobs import process_pool
from pipeline.build.pool import RecoveringPool
from pipeline.common.errors import ConfigError


@contextmanager
def executor_for(scheduler: str | None, workers: int = 2) -> Iterator[cf.Executor]:
    """A process pool of `workers`, or a Client of the Dask scheduler at `scheduler` (tcp://host:port)."""
    if not scheduler:
        with RecoveringPool(lambda: process_pool(workers)) as pool:  # a worker that dies is replaced
            yield pool
        return
    try:
        from distributed import Client
    except ImportError as exc:
        raise ConfigError.single("--scheduler", None, "", "dask.distributed is not installed",
                                 "install the hub extra: pip install 'etalase[hub]'") from exc
    try:
        client = Client(scheduler, timeout="20s", set_as_default=False)
    except OSError as exc:
        raise ConfigError.single("--scheduler", None, "", f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                                 "start it (dask scheduler) or check the address") from exc
    try:
        # pure=False: every submitted job runs; identical inputs are already folded by the render cache
        executor = client.get_executor(pure=False)
        yield executor
        executor.shutdown(wait=True)
    finally:
        client.close()
