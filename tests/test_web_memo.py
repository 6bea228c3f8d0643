"""Under 20 concurrent requests a view is computed once, not once per waiting request.

No sleeps: the computation waits on an event that the test sets only once every thread is seen
inside `WebState.memo` (their stacks say so), so the overlap is certain on any machine.
"""

from __future__ import annotations

import sys
import threading
import time

from pipeline.common.project import Project
from pipeline.web import state as S

TIMEOUT = 120.0  # bounds a hang only; every wait below ends as soon as its condition holds


def until(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def inside_memo(threads: list[threading.Thread]) -> int:
    """How many of `threads` are somewhere inside WebState.memo right now (computing or waiting)."""
    frames, n = sys._current_frames(), 0
    for t in threads:
        f = frames.get(t.ident)
        while f is not None and f.f_code is not S.WebState.memo.__code__:
            f = f.f_back
        n += f is not None
    return n


def test_concurrent_misses_compute_once_and_aged_values_refresh_in_one_thread(scratch, monkeypatch):
    web = S.WebState(Project.at(scratch.root), require_login=False)
    calls: list[int] = []
    go = threading.Event()

    def compute() -> int:
        calls.append(threading.get_ident())
        assert go.wait(TIMEOUT)
        return len(calls)

    results: list[int] = []

    def request() -> None:
        results.append(web.memo("view", compute, key=1))

    def start(n: int = 20) -> list[threading.Thread]:
        threads = [threading.Thread(target=request) for _ in range(n)]
        for t in threads:
            t.start()
        return threads

    threads = start()  # a missing value: one computes, 19 wait for it
    until(lambda: inside_memo(threads) == 20 and calls, "20 requests inside memo, one computing")
    go.set()
    for t in threads:
        t.join(TIMEOUT)
    assert len(calls) == 1 and results == [1] * 20

    monkeypatch.setattr(S, "MEMO_SECONDS", 0.0)  # every value is now old but still valid for key 1
    go.clear()
    results.clear()
    threads = start()  # one refreshes (and waits on `go`); the other 19 are served the old value meanwhile
    until(lambda: len(results) + len(calls) - 1 == 20, "each request served or computing")
    assert len(calls) == 2 and results == [1] * 19
    go.set()
    for t in threads:
        t.join(TIMEOUT)
    assert len(calls) == 2 and results == [1] * 19 + [2]

    assert web.memo("view", compute, key=2) == 3  # a new key (state changed) always recomputes
