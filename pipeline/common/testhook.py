"""Named points in a build, so tests synchronise on what the code does instead of on sleeps.

A test that must interrupt a build at a given moment (SIGKILL mid-video, SIGTERM while day 1
renders) cannot guess that moment with a sleep: a fast machine is done before it, a loaded one
has not begun. So it starts the process with

    ETALASE_TEST_PAUSE=<point>[@<n>]:<dir>

Every `point(name, **details)` the process then reaches leaves a marker file in <dir>
(`<pid>-<seq>-<name>.json`: pid, name, how often it was reached, the details such as the day),
and the n-th arrival at <point> (the first by default) is marked `"paused": true` and blocks
until <dir>/release exists, or until the test kills the process right there. An empty <point>
only leaves markers. Without the variable, as everywhere outside tests, `point` is one test of
a module global and returns.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

VARIABLE = "ETALASE_TEST_PAUSE"
RELEASE = "release"  # the file a test creates in <dir> to let a paused process go on


def _parse(value: str | None) -> tuple[str, int, Path] | None:
    if not value:
        return None
    where, _, folder = value.partition(":")  # the first colon: a Windows folder has one of its own
    name, _, n = where.partition("@")
    if not folder or not (n or "1").isdigit():
        raise ValueError(f"{VARIABLE}={value!r}: expected <point>[@<n>]:<dir>")
    return name, int(n or 1), Path(folder)


_SPEC = _parse(os.environ.get(VARIABLE))  # read once: the processes tests start set it beforehand
_lock = threading.RLock()  # re-entered by a signal handler that interrupts the main thread in `point`
_hits: dict[str, int] = {}


def point(name: str, **details: object) -> None:
    """`name` was reached: leave a marker, and block if this is the arrival the test pauses at."""
    if _SPEC is None:
        return
    wanted, n, folder = _SPEC
    with _lock:  # frames are made in worker threads: one marker per arrival, numbered in order
        _hits[name] = hit = _hits.get(name, 0) + 1
        seq = sum(_hits.values())
        paused = name == wanted and hit == n
        marker = {"pid": os.getpid(), "point": name, "hit": hit, "seq": seq, "paused": paused,
                  **{k: str(v) for k, v in details.items()}}
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"{os.getpid()}-{seq:04d}-{name}.json"
        tmp = final.with_name(f".{final.name}.tmp")  # the test never reads half a marker
        tmp.write_text(json.dumps(marker), encoding="utf-8")
        os.replace(tmp, final)
    while paused and not (folder / RELEASE).exists():
        time.sleep(0.02)
