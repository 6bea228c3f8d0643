"""What a build did, day by day: the outcomes a reporter (CLI bar, scheduler log) is told about."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pipeline.export.failed import Failure

# Day outcomes
BUILT, UNCHANGED, POSTED_DAY, NO_POST, FAILED, STOPPED = "built", "unchanged", "posted", "no_post", "failed", "stopped"



# Reporting ----------------------------------------------------------------------------------------

@dataclass
class DayOutcome:
    date: dt.date
    status: str  # built, unchanged, posted, no_post, failed, stopped
    product: str | None = None
    reason: str = ""
    message: str = ""
    replaced: Path | None = None
    seconds: float = 0.0
    failure: Failure | None = None  # failed: what happened and what to do, in Bahasa Indonesia
    note: Path | None = None  # failed: the FAILED note, None when even that could not be written


@dataclass
class BuildReport:
    days: list[DayOutcome] = field(default_factory=list)
    index: Path | None = None
    stopped: bool = False
    renders: int = 0  # posts rendered (the rest of the built days came from the render cache)
    cache_hits: int = 0
    problems: list[str] = field(default_factory=list)  # e.g. the overview could not be written
    pruned: list[Path] = field(default_factory=list)  # old folders deleted from exports/.replaced/


    @property
    def failed(self) -> list[DayOutcome]:
        return [d for d in self.days if d.status == FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.stopped and not self.problems

    def count(self, status: str) -> int:
        return sum(d.status == status for d in self.days)

    def summary(self) -> str:
        parts = [f"{self.count(s)} {label}" for s, label in (
            (BUILT, "built"), (UNCHANGED, "unchanged"), (POSTED_DAY, "posted (left alone)"),
            (NO_POST, "without a post"), (FAILED, "FAILED"), (STOPPED, "not started (stopped)")) if self.count(s)]
        if self.pruned:
            parts.append(f"{len(self.pruned)} old replaced folder(s) removed")
        return ", ".join(parts) or "nothing to do"


class Reporter(Protocol):
    """Told what a build does. Optional, looked up when present: `rendering(day)` as a day's render starts,
    `video(day, done, total)` with the video's frames (in-process renders; the dashboard's progress file
    gets both from pipeline/build/progress.py)."""

    def start(self, days: list[dt.date], to_render: int) -> None: ...
    def day(self, outcome: DayOutcome) -> None: ...


class QuietReporter:
    def start(self, days: list[dt.date], to_render: int) -> None:
        pass

    def day(self, outcome: DayOutcome) -> None:
        pass
