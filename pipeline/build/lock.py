"""One build at a time per project: a lock file in the state folder, freed by the OS when its holder dies."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.common.errors import EtalaseError

LOCK_FILE = "build.lock"


class BuildBusy(EtalaseError):
    """Another build holds the lock."""


# The lock -----------------------------------------------------------------------------------------

_in_process = threading.Lock()  # the scheduler thread and a dashboard request share one process


class BuildLock:
    """An exclusive lock on state/build.lock, released by the OS when its holder dies (even SIGKILL).

    fcntl.flock on POSIX, msvcrt.locking on Windows offices; the file records who holds it so a
    refusal can say so.
    """

    def __init__(self, state: Path):
        self.path = Path(state) / LOCK_FILE
        self._file = None

    def _try(self) -> bool:
        f = open(self.path, "a+")  # noqa: SIM115 - held open for the lock's lifetime
        try:
            if os.name == "nt":
                import msvcrt

                f.seek(0)
                msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return False
        self._file = f
        return True

    def acquire(self, wait: float = 0.0) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + wait
        got = _in_process.acquire(timeout=wait) if wait > 0 else _in_process.acquire(blocking=False)
        if not got:
            raise BuildBusy(self._busy_message())
        try:
            while not self._try():
                if time.monotonic() >= deadline:
                    raise BuildBusy(self._busy_message())
                time.sleep(0.2)
        except BaseException:
            _in_process.release()
            raise
        note = f"pid {os.getpid()} since {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n"
        try:  # unbuffered, so a full disk cannot fail the close later
            os.ftruncate(self._file.fileno(), 0)
            os.write(self._file.fileno(), note.encode("utf-8"))
        except OSError:  # a full disk: the lock is held all the same, only the note saying by whom is missing
            pass

    def release(self) -> None:
        if self._file is None:
            return
        try:
            if os.name == "nt":
                import msvcrt

                self._file.seek(0)
                msvcrt.locking(self._file.fileno(), msvcrt.LK_UNLCK, 1)
            # POSIX: closing the file releases the flock
        finally:
            self._file.close()
            self._file = None
            _in_process.release()

    def _busy_message(self) -> str:
        try:
            who = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            who = ""
        return (f"another build is running ({who or 'lock held'}): wait for it to finish\n"
                f"    hint: the lock is {self.path}; it frees itself when that build ends")

    @contextmanager
    def held(self, wait: float = 0.0) -> Iterator[BuildLock]:
        self.acquire(wait)
        try:
            yield self
        finally:
            self.release()
