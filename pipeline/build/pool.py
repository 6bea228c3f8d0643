"""A local process pool that outlives a worker's death, as a Dask cluster does.

A plain ProcessPoolExecutor whose worker dies (killed for memory, a crash in a native library) is
broken for good: every job in it, and every later submit, fails with BrokenProcessPool, so one bad
moment would fail every remaining day of every council in a hub run. Here a job lost that way is run
once more on a fresh pool (the jobs are pure: a render writes only into its own private folder, by
atomic renames); a job that breaks the pool a second time fails alone, as its day.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any

RETRIES = 1  # a job whose worker died runs once more; a second death is the job's own failure


class RecoveringPool(cf.Executor):
    """`make()` gives a fresh ProcessPoolExecutor; a broken one is replaced on the next use."""

    def __init__(self, make: Callable[[], cf.ProcessPoolExecutor], retries: int = RETRIES):
        self._make, self._retries = make, retries
        self._lock = threading.Lock()
        self._pool = make()
        self.restarts = 0  # pools replaced after a worker died (tests and the note read it)

    def _current(self, broken: cf.ProcessPoolExecutor | None = None) -> cf.ProcessPoolExecutor:
        with self._lock:
            if broken is not None and self._pool is broken:
                broken.shutdown(wait=False, cancel_futures=True)
                self._pool = self._make()
                self.restarts += 1
            return self._pool

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        outer: cf.Future = cf.Future()
        self._attempt(outer, fn, args, kwargs, self._retries)
        return outer

    def _attempt(self, outer: cf.Future, fn: Callable[..., Any], args: tuple, kwargs: dict, left: int) -> None:
        pool = self._current()
        try:
            inner = pool.submit(fn, *args, **kwargs)
        except BrokenProcessPool:  # it broke between our look and the submit: a fresh one
            pool = self._current(broken=pool)
            try:
                inner = pool.submit(fn, *args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - the job's own failure, handed to its day
                _settle(outer, exc=exc)
                return
        outer.add_done_callback(lambda f: inner.cancel() if f.cancelled() else None)

        def done(f: cf.Future) -> None:
            if f.cancelled():
                outer.cancel()
                return
            exc = f.exception()
            if isinstance(exc, BrokenProcessPool):
                self._current(broken=pool)  # the next job, this one's retry or another, gets a fresh pool
                if left > 0 and not outer.cancelled():
                    self._attempt(outer, fn, args, kwargs, left - 1)
                    return
            _settle(outer, result=None if exc else f.result(), exc=exc)

        inner.add_done_callback(done)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _settle(future: cf.Future, result: Any = None, exc: BaseException | None = None) -> None:
    try:
        if exc is not None:
            future.set_exception(exc)
        else:
            future.set_result(result)
    except cf.InvalidStateError:  # cancelled meanwhile (a stopped build): nobody waits for it
        pass
