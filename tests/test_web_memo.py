"""Under 20 concurrent requests a view is computed once, not once per waiting request."""

from __future__ import annotations

import threading
import time

from pipeline.common.project import Project
from pipeline.web import state as S


def test_concurrent_misses_compute_once_and_aged_values_refresh_in_one_thread(scratch, monkeypatch):
    web = S.WebState(Project.at(scratch.root), require_login=False)
    calls = []

    def slow():
        calls.append(threading.get_ident())
        time.sleep(0.5)
        return len(calls)

    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(web.memo("view", slow, key=1))) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and results == [1] * 20

    monkeypatch.setattr(S, "MEMO_SECONDS", 0.0)  # every value is now old but still valid for key 1
    results.clear()
    threads = [threading.Thread(target=lambda: results.append(web.memo("view", slow, key=1))) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 2  # one refresh; the others were served the previous value meanwhile
    assert sorted(set(results)) == [1, 2]

    assert web.memo("view", slow, key=2) == 3  # a new key (state changed) always recomputes
