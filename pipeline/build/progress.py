"""A build's progress where the dashboard can read it: state/build-progress.json, per day and the video's percent.

Every build (the CLI, the scheduler, "Buat sekarang"/"Buat ulang" on the dashboard) writes it, so a page
polling /hari/<day>/kemajuan.json sees the build whichever process runs it, and reloads when its day is
done. The dashboard marks a day "queued" when the admin asks, before the scheduler's thread starts.
The file is a hint, not state: written by replace (a reader sees the old or the new text), without
fsync (a crash loses only a progress bar), and one that stopped changing long ago counts as finished.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.build.report import BUILT, FAILED, NO_POST, POSTED_DAY, STOPPED, UNCHANGED, DayOutcome

FILE = "build-progress.json"
QUEUED, WAITING, RENDERING = "queued", "waiting", "rendering"
ACTIVE = (QUEUED, WAITING, RENDERING)
ABANDONED = dt.timedelta(minutes=15)  # no word from a build for this long: it was killed
LABELS = {QUEUED: "Menunggu giliran dibuat", WAITING: "Menunggu giliran dibuat", RENDERING: "Sedang dibuat",
          BUILT: "Selesai dibuat", UNCHANGED: "Sudah sesuai, tidak perlu dibuat ulang", FAILED: "Gagal dibuat",
          POSTED_DAY: "Sudah diunggah, tidak diubah", NO_POST: "Tanpa unggahan", STOPPED: "Dihentikan"}


def path_of(state: Path) -> Path:
    return state / FILE


def read(state: Path) -> dict[str, Any]:
    try:
        data = json.loads(path_of(state).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(state: Path, data: dict[str, Any]) -> None:
    path = path_of(state)
    tmp = path.with_name(f".{FILE}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a full disk or a reader holding it open (Windows): the build goes on without a bar
        with contextlib.suppress(OSError):
            tmp.unlink()


def queue(state: Path, day: dt.date, now: dt.datetime) -> None:
    """The admin asked for `day`: it shows as waiting until the build starts."""
    data = read(state)
    if not data.get("running"):  # a finished build's days go; days asked for before this one still wait
        days = data.get("days") or {}
        waiting = {k: v for k, v in days.items() if isinstance(v, dict) and v.get("stage") == QUEUED}
        data = {"running": False, "days": waiting}
    data.setdefault("days", {})[day.isoformat()] = {"stage": QUEUED}
    data["updated_at"] = now.isoformat()
    _write(state, data)


def of_day(state: Path, day: dt.date, now: dt.datetime) -> dict[str, Any]:
    """What the page shows for `day`: {active, stage, percent, label}; active is False once it is done."""
    data = read(state)
    entry = (data.get("days") or {}).get(day.isoformat()) or {}
    stage = entry.get("stage") or ""
    try:
        updated = dt.datetime.fromisoformat(data.get("updated_at") or "")
    except ValueError:
        updated = None
    active = stage in ACTIVE and (stage == QUEUED or bool(data.get("running")))
    if active and updated is not None and now - updated > ABANDONED:
        active, stage = False, ""
    percent = entry.get("percent")  # after the day: how far its video got
    label = LABELS.get(stage, "")
    if stage == RENDERING:
        label += f": video {percent}%" if percent is not None else ": gambar dan caption"
    return {"active": active, "stage": stage, "percent": percent, "label": label}


class ProgressFile:
    """A build reporter that keeps state/build-progress.json; `video` takes the encoder's frame counts."""

    def __init__(self, state: Path, now: Callable[[], dt.datetime]):
        self.state, self.now = state, now
        self.data: dict[str, Any] = {"running": True, "days": {}}
        self.current: dt.date | None = None  # the day whose render runs now (in-process builds)

    def _save(self) -> None:
        self.data["updated_at"] = self.now().isoformat()
        _write(self.state, self.data)

    def start(self, days: list[dt.date], to_render: int) -> None:
        self.data = {"running": True, "started_at": self.now().isoformat(),
                     "days": {d.isoformat(): {"stage": WAITING} for d in days}}
        self._save()

    def rendering(self, day: dt.date) -> None:
        self.current = day
        self.data["days"][day.isoformat()] = {"stage": RENDERING, "percent": None}
        self._save()

    def frames(self, done: int, total: int) -> None:
        """The encoder's progress callback (render/encode.py): frames written of the current day's video."""
        if self.current is not None:
            self.video(self.current, done, total)

    def video(self, day: dt.date, done: int, total: int) -> None:
        entry = self.data["days"].setdefault(day.isoformat(), {"stage": RENDERING})
        percent = min(100, int(100 * done / total)) if total else 0
        if entry.get("percent") != percent:  # a write per percent, not per frame
            entry.update(stage=RENDERING, percent=percent)
            self._save()

    def day(self, outcome: DayOutcome) -> None:
        before = self.data["days"].get(outcome.date.isoformat()) or {}
        entry = {"stage": outcome.status}
        if before.get("percent") is not None:  # how far its video got (100 when it was made)
            entry["percent"] = before["percent"]
        self.data["days"][outcome.date.isoformat()] = entry
        self._save()

    def finished(self) -> None:
        self.data["running"] = False
        for entry in self.data["days"].values():
            if entry.get("stage") in ACTIVE:
                entry["stage"] = STOPPED
        self.data["finished_at"] = self.now().isoformat()
        self._save()


class Both:
    """Tell two reporters (the caller's and the progress file) everything."""

    def __init__(self, first, progress: ProgressFile):
        self.first, self.progress = first, progress

    def start(self, days: list[dt.date], to_render: int) -> None:
        self.first.start(days, to_render)
        self.progress.start(days, to_render)

    def day(self, outcome: DayOutcome) -> None:
        self.first.day(outcome)
        self.progress.day(outcome)

    def rendering(self, day: dt.date) -> None:
        self.progress.rendering(day)  # the page hears first
        getattr(self.first, "rendering", lambda _d: None)(day)

    def frames(self, done: int, total: int) -> None:
        """The encoder's callback: the progress file, then the caller's `video(day, done, total)` if it has one."""
        self.progress.frames(done, total)
        if self.progress.current is not None and hasattr(self.first, "video"):
            self.first.video(self.progress.current, done, total)
