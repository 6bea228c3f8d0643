"""Build every council's horizon in one run on one shared executor; one council's failure stays its own."""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build import orchestrate as B
from pipeline.build.inflight import RenderRun
from pipeline.build.jobs import LazyExecutor
from pipeline.build.lock import BuildLock
from pipeline.build.report import BUILT, FAILED, NO_POST, POSTED_DAY, STOPPED, UNCHANGED, BuildReport, DayOutcome
from pipeline.common.errors import EtalaseError
from pipeline.hub.councils import hub_cache, hub_state, open_council

STATUSES = (BUILT, UNCHANGED, POSTED_DAY, NO_POST, FAILED, STOPPED)


@dataclass
class CouncilResult:
    name: str
    root: Path
    report: BuildReport | None = None
    error: str = ""  # the council could not be built at all (broken schedule, busy lock, ...)

    @property
    def ok(self) -> bool:
        return not self.error and self.report is not None and self.report.ok

    def count(self, status: str) -> int:
        return self.report.count(status) if self.report else 0


@dataclass
class HubReport:
    councils: list[CouncilResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.councils)

    def count(self, status: str) -> int:
        return sum(c.count(status) for c in self.councils)


class CouncilReporter:
    """Tells the hub's progress callback which council a day belongs to (builds run in threads)."""

    def __init__(self, name: str, tell: Callable[[str, str, object], None]):
        self.name, self.tell = name, tell

    def start(self, days: list[dt.date], to_render: int) -> None:
        self.tell(self.name, "start", (days, to_render))

    def day(self, outcome: DayOutcome) -> None:
        self.tell(self.name, "day", outcome)


def build_councils(roots: list[Path], options: B.Options, executor: cf.Executor, *, clock=None,
                   tell: Callable[[str, str, object], None] | None = None, parallel: int = 4,
                   state: Path | None = None, cache_size: int | None = None) -> HubReport:
    """Each council's build runs in a hub thread (its own lock, database and exports) and submits its
    render jobs to the one shared executor, so the workers see every council's days at once.

    All councils share one render run over the hub's cache (`state`, by default .etalase-hub/ in the
    councils' folder): identical inputs render once across councils, even while both are in flight.
    The hub's own lock keeps a second hub run from clearing renders this one is making. The cache is
    trimmed to `cache_size` bytes (default 2 GB per council), never removing what this run used.
    The executor must be shared and thread-safe (a process pool, a Dask client): the councils' threads
    wait on each other's jobs."""
    if executor is None or isinstance(executor, LazyExecutor):
        raise TypeError("a hub needs one shared pool or Dask executor (hub.engine.executor_for)")
    if state is None:
        parents = {Path(r).parent for r in roots}
        if len(parents) != 1:
            raise ValueError("councils in different folders: give the hub's state folder")
        state = hub_state(parents.pop())
    run = RenderRun(hub_cache(state, len(roots), cache_size))
    lock = threading.Lock()

    def safe_tell(name: str, event: str, data: object) -> None:
        if tell:
            with lock:
                tell(name, event, data)

    def one(root: Path) -> CouncilResult:
        result = CouncilResult(root.name, root)
        try:
            result.report = B.build(open_council(root), options, clock=clock, executor=executor,
                                    reporter=CouncilReporter(root.name, safe_tell), run=run)
        except EtalaseError as exc:
            result.error = str(exc)
        except Exception as exc:  # a bug in one council's build must not stop the others
            result.error = f"unexpected {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"
        safe_tell(root.name, "done", result)
        return result

    with BuildLock(state).held():
        run.begin()
        with cf.ThreadPoolExecutor(max_workers=max(1, min(parallel, len(roots))),
                                   thread_name_prefix="council") as pool:
            results = list(pool.map(one, roots))
        run.end()
    return HubReport(results)
