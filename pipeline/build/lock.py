"""One build at a time per project: a lock file in the state folder, freed by the OS when its holder dies."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.common.errors import EtalaseError

try:
    import fcntl
except ImportError:  # Windows, and any Python built without it
    fcntl = None
try:
    import msvcrt
except ImportError:  # everywhere but Windows
    msvcrt = None

LOCK_FILE = "build.lock"
# msvcrt locks a byte range, and Windows then refuses other handles' reads of it: the byte locked lies
# past the holder's note ("pid N since ..."), so a refused build can still read and name the holder.
MSVCRT_OFFSET = 1 << 20


class BuildBusy(EtalaseError):
    """Another build holds the lock."""


# The lock -----------------------------------------------------------------------------------------

# The scheduler thread and a dashboard request share one process, and a hub builds many projects in
# one: each lock file gets its own thread lock (keyed by its resolved path), so one project's build
# never blocks another's. Entries are never removed: one small lock per project a process has built.
_in_process: dict[Path, threading.Lock] = {}
_in_process_guard = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    """The in-process lock of one lock file, made on first use."""
    key = path.resolve()
    with _in_process_guard:
        return _in_process.setdefault(key, threading.Lock())


class BuildLock:
    """An exclusive lock on state/build.lock; the file records who holds it so a refusal can say so.

    How it is held is `lock_kind()`, or `kind` for a test: the OS releases a flock or msvcrt lock when
    its holder dies (even SIGKILL); the pid file is taken over once the pid it names has gone (not
    atomically: two builds starting in the same instant after a crash could both go ahead, acceptable
    for a fallback that POSIX and Windows never use).
    """

    def __init__(self, state: Path, kind: str | None = None):
        self.path = Path(state) / LOCK_FILE
        self.kind = kind or lock_kind()
        self._file = None
        self._held = False
        self._thread = _thread_lock(self.path)

    def _try(self) -> bool:
        if self.kind == "pidfile":
            return self._try_pidfile()
        f = open(self.path, "a+")  # noqa: SIM115 - held open for the lock's lifetime
        try:
            if self.kind == "msvcrt":
                f.seek(MSVCRT_OFFSET)  # Windows locks a range beyond the end of a file too
                msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return False
        try:  # unbuffered, so a full disk cannot fail the close later
            os.ftruncate(f.fileno(), 0)
            os.write(f.fileno(), _holder().encode("utf-8"))
        except OSError:  # a full disk: the lock is held all the same, only the note saying by whom is missing
            pass
        self._file = f
        return True

    def _try_pidfile(self) -> bool:
        for _ in range(2):  # a second try after clearing a dead holder's file
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                if _holder_alive(self.path):
                    return False
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(_holder())
            return True
        return False

    def acquire(self, wait: float = 0.0) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + wait
        got = self._thread.acquire(timeout=wait) if wait > 0 else self._thread.acquire(blocking=False)
        if not got:
            raise BuildBusy(self._busy_message())
        try:
            while not self._try():
                if time.monotonic() >= deadline:
                    raise BuildBusy(self._busy_message())
                time.sleep(0.2)
        except BaseException:
            self._thread.release()
            raise
        self._held = True

    def release(self) -> None:
        if not self._held:
            return
        try:
            if self.kind == "msvcrt":
                self._file.seek(MSVCRT_OFFSET)
                msvcrt.locking(self._file.fileno(), msvcrt.LK_UNLCK, 1)
            elif self.kind == "pidfile" and _holder_pid(self.path) == os.getpid():
                self.path.unlink(missing_ok=True)
            # flock: closing the file releases it
        finally:
            if self._file is not None:
                self._file.close()
                self._file = None
            self._held = False
            self._thread.release()

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


def lock_kind() -> str:
    """flock on POSIX, msvcrt.locking on Windows offices; a pid file made with O_EXCL where Python has
    neither module, so a build still runs one at a time (and a test on Linux can exercise it)."""
    return "flock" if fcntl is not None else "msvcrt" if msvcrt is not None else "pidfile"


def _holder() -> str:
    return f"pid {os.getpid()} since {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n"


def _holder_pid(path: Path) -> int | None:
    try:
        m = re.match(r"pid (\d+) ", path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return int(m[1]) if m else None


def _holder_alive(path: Path) -> bool:
    """Whether the pid in a lock file still runs. A file without one (a holder between creating and
    writing it) counts as held; our own pid, left by an earlier process that had it, as gone."""
    pid = _holder_pid(path)
    if pid is None:
        return path.exists()
    if pid == os.getpid():
        return False
    if os.name == "nt":  # never reached (Windows has msvcrt), and os.kill(pid, 0) would end that process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another account's
        return True
    return True
