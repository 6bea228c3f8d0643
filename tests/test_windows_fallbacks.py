"""What Windows office PCs lack, exercised on Linux: no fcntl, no folder fsync, no hard links on a USB
drive, folder renames refused while a player or sync client has a file open, fewer signals.

Linux cannot produce the Windows errors, so each test takes away what Windows lacks (an import, a
function) or swaps in what Windows would raise, then runs the real code around it.
"""

from __future__ import annotations

import ast
import datetime as dt
import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.build import lock as L
from pipeline.build import orchestrate as B
from pipeline.common import atomic
from pipeline.common.clock import FixedClock
from pipeline.common.project import Project
from pipeline.export import folders as X
from pipeline.plan import ledger as S
from pipeline.store import db as store

REPO = Path(__file__).resolve().parent.parent
CLOCK_AT = dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC)  # 05:00 WIB on 1 December
DAY1, DAY2 = dt.date(2026, 12, 1), dt.date(2026, 12, 2)

# Runs the CLI in a Python where `import fcntl` fails as it does on Windows (and `msvcrt`, so Windows
# itself runs the pid-file fallback here too), then says which paths ran.
WITHOUT_FCNTL = textwrap.dedent("""
    import sys

    class NoFcntl:
        def find_spec(self, name, path=None, target=None):
            if name in ("fcntl", "msvcrt"):
                raise ModuleNotFoundError(f"No module named '{name}'", name=name)
            return None

    sys.modules.pop("fcntl", None)
    sys.modules.pop("msvcrt", None)
    sys.meta_path.insert(0, NoFcntl())
    from pipeline.cli import main

    code = main(sys.argv[1:])
    from pipeline.build import lock as build
    from pipeline.render import encode

    print(f"fallbacks: encode.fcntl={encode.fcntl} lock={build.lock_kind()}", file=sys.stderr)
    sys.exit(code)
""")


def without_fcntl(root: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_FCNTL, "--root", str(root), *argv], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


def build(root: Path, **options) -> B.BuildReport:
    return B.build(Project.at(root), B.Options(draft=True, **options), clock=FixedClock(CLOCK_AT))


# The CLI without fcntl ----------------------------------------------------------------------------

def test_preview_and_a_draft_build_run_without_fcntl(shop):
    done = without_fcntl(shop.root, "preview", "tas-purun", "--fast")
    assert done.returncode == 0, done.stderr
    assert "fallbacks: encode.fcntl=None lock=pidfile" in done.stderr
    out = shop.root / "exports" / "preview" / "tas-purun"
    assert {"cover.jpg", "caption.txt", "video.mp4"} <= {p.name for p in out.iterdir()}
    assert (out / "video.mp4").stat().st_size > 10_000 and list((out / "slides").glob("*.jpg"))

    done = without_fcntl(shop.root, "build", "--draft", "--date", "+1")
    assert done.returncode == 0, done.stderr
    assert "fallbacks: encode.fcntl=None lock=pidfile" in done.stderr
    exports = shop.root / "exports"
    [day] = X.day_folders(exports)
    manifest = X.read_manifest(exports / day.isoformat())
    assert manifest and {"video.mp4", "cover.jpg", "caption.txt", "checklist.html"} <= set(
        X.listed_files(manifest))
    assert (exports / "index.html").is_file()
    assert not (shop.root / "state" / L.LOCK_FILE).exists()  # the pid file went with its build


# The build lock -----------------------------------------------------------------------------------

PID_FILE_HOLDER = """
import sys
from pathlib import Path
from pipeline.build.lock import BuildLock
BuildLock(Path(sys.argv[1]), kind="pidfile").acquire()
print("locked", flush=True)
sys.stdin.read()
"""


def test_without_fcntl_or_msvcrt_the_lock_is_a_pid_file(monkeypatch, tmp_path):
    monkeypatch.setattr(L, "fcntl", None)
    monkeypatch.setattr(L, "msvcrt", None)
    assert L.lock_kind() == "pidfile"
    lock = L.BuildLock(tmp_path)
    with lock.held():
        assert lock.kind == "pidfile"
        assert (tmp_path / L.LOCK_FILE).read_text(encoding="utf-8").startswith(f"pid {os.getpid()} since ")
    assert not (tmp_path / L.LOCK_FILE).exists()


WINDOWS_HOLDERS = pytest.mark.skipif(os.name == "nt", reason="Windows builds use msvcrt; a pid there is never "
                                     "probed (os.kill would end the process), so a dead holder's file stays")


@WINDOWS_HOLDERS
def test_a_pid_file_lock_refuses_a_live_holder_and_is_taken_over_once_it_is_killed(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", PID_FILE_HOLDER, str(tmp_path)], cwd=REPO,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(L.BuildBusy, match=f"another build is running \\(pid {holder.pid} since"):
            L.BuildLock(tmp_path, kind="pidfile").acquire()
    finally:
        holder.kill()  # no clean-up runs: the file stays, naming a pid that is gone
        holder.wait()
    assert (tmp_path / L.LOCK_FILE).read_text(encoding="utf-8").startswith(f"pid {holder.pid} ")
    with L.BuildLock(tmp_path, kind="pidfile").held():
        assert (tmp_path / L.LOCK_FILE).read_text(encoding="utf-8").startswith(f"pid {os.getpid()} ")


@WINDOWS_HOLDERS
def test_a_pid_file_left_by_a_flock_build_of_a_dead_process_does_not_block(tmp_path):
    (tmp_path / L.LOCK_FILE).write_text("pid 999999999 since 2026-12-01T05:00:00+07:00\n", encoding="utf-8")
    with L.BuildLock(tmp_path, kind="pidfile").held():
        pass


class FakeMsvcrt:
    """msvcrt.locking as Windows does it, on Linux: byte ranges locked per file across handles, a locked
    range refused to another handle, and the ranges each call touched recorded."""

    LK_NBLCK, LK_UNLCK = 2, 0

    def __init__(self):
        self.held: dict[tuple[int, int, int], int] = {}  # (device, file, first byte) -> the fd holding it
        self.calls: list[tuple[str, int, int]] = []

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        where = os.lseek(fd, 0, os.SEEK_CUR)
        info = os.fstat(fd)
        key = (info.st_dev, info.st_ino, where)  # the file, whichever handle asks (Windows has file ids too)
        self.calls.append(("lock" if mode == self.LK_NBLCK else "unlock", where, nbytes))
        if mode == self.LK_NBLCK:
            if key in self.held:
                raise OSError(errno.EACCES, "Permission denied")
            self.held[key] = fd
        else:
            self.held.pop(key, None)


def test_the_windows_lock_leaves_the_holders_note_readable(monkeypatch, tmp_path):
    fake = FakeMsvcrt()
    monkeypatch.setattr(L, "fcntl", None)
    monkeypatch.setattr(L, "msvcrt", fake)
    assert L.lock_kind() == "msvcrt"
    first = L.BuildLock(tmp_path)
    with first.held():
        note = (tmp_path / L.LOCK_FILE).read_text(encoding="utf-8")
        assert note.startswith(f"pid {os.getpid()} since ")
        [(action, where, nbytes)] = fake.calls
        assert action == "lock" and where >= len(note.encode()) and nbytes == 1  # not over the note
        # another process (a fresh thread lock, as in another process) is refused, and told who holds it
        monkeypatch.setattr(L, "_thread_lock", lambda path: __import__("threading").Lock())
        with pytest.raises(L.BuildBusy, match=f"another build is running \\(pid {os.getpid()} since"):
            L.BuildLock(tmp_path).acquire()
    assert fake.calls[-1] == ("unlock", where, 1) and not fake.held
    with L.BuildLock(tmp_path).held():  # free again once released
        pass


# Atomic writes ------------------------------------------------------------------------------------

def test_exclusive_create_without_hard_links_still_refuses_a_taken_name(monkeypatch, tmp_path):
    def no_links(src, dst):  # what a FAT or exFAT USB drive answers
        raise OSError(errno.EPERM, "Operation not permitted", str(src))

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "tas.yaml"
    atomic.write_bytes(path, b"name: Tas\n", exclusive=True)
    with pytest.raises(FileExistsError):
        atomic.write_bytes(path, b"name: Lain\n", exclusive=True)
    assert path.read_bytes() == b"name: Tas\n" and [p.name for p in tmp_path.iterdir()] == ["tas.yaml"]


def test_a_refused_replace_is_tried_again(monkeypatch, tmp_path):
    calls = []

    def refuse_twice(src, dst):
        calls.append(dst)
        if len(calls) <= 2:
            raise PermissionError(13, "The process cannot access the file because it is being used", str(dst))
        os.replace(src, dst)

    monkeypatch.setattr(atomic, "_os_replace", refuse_twice)
    monkeypatch.setattr(atomic, "RETRY_DELAYS", (0, 0, 0, 0))
    path = tmp_path / "index.html"
    atomic.write_text(path, "lama")
    assert len(calls) == 3 and path.read_text(encoding="utf-8") == "lama"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_a_folder_that_cannot_be_opened_is_not_synced(monkeypatch, tmp_path):
    def windows_open(path, flags, *args):  # Windows: a folder cannot be opened as a file
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "open", windows_open)
    atomic.sync_dir(tmp_path)


# Day folders held open ----------------------------------------------------------------------------

def refuse_moving(monkeypatch, folder: Path | None = None, parent: Path | None = None) -> list[Path]:
    """Make every rename of `folder` (or of any folder in `parent`) fail as Windows fails it while a
    file inside is open."""
    calls: list[Path] = []

    def replace(src, dst):
        if Path(src) == folder or Path(src).parent == parent:
            calls.append(Path(dst))
            raise PermissionError(13, "The process cannot access the file because it is being used by "
                                      "another process", str(src))
        os.replace(src, dst)

    monkeypatch.setattr(atomic, "_os_replace", replace)
    monkeypatch.setattr(atomic, "RETRY_DELAYS", (0, 0, 0, 0))
    return calls


def test_a_day_folder_open_in_a_player_fails_that_day_only(shop, monkeypatch):
    exports = shop.root / "exports"
    assert [d.status for d in build(shop.root).days] == [B.BUILT, B.BUILT]
    old = X.read_manifest(X.day_dir(exports, DAY1))
    video = shop.root / "templates" / "videos" / "default.yaml"
    video.write_text(video.read_text(encoding="utf-8").replace("short test video", "a new look"), encoding="utf-8")
    calls = refuse_moving(monkeypatch, X.day_dir(exports, DAY1))

    report = build(shop.root)
    assert [(d.date, d.status) for d in report.days] == [(DAY1, B.FAILED), (DAY2, B.BUILT)]
    assert len(calls) == len(atomic.RETRY_DELAYS) + 1  # tried, then given up on
    message = report.days[0].message
    assert message.startswith("Folder ekspor 2026-12-01 sedang dibuka program lain (pemutar video atau "
                              "sinkronisasi). Tutup programnya, lalu jalankan build lagi.")
    assert message in X.failed_note(exports, DAY1).read_text(encoding="utf-8")
    assert X.read_manifest(X.day_dir(exports, DAY1)) == old  # the old folder, complete, where it was
    assert not any((exports / ".building").iterdir()) and (exports / "index.html").is_file()

    monkeypatch.setattr(atomic, "_os_replace", os.replace)  # the player is closed
    assert [d.status for d in build(shop.root).days] == [B.BUILT, B.UNCHANGED]
    assert not X.failed_note(exports, DAY1).exists()


def test_a_staged_folder_that_cannot_move_in_leaves_the_old_day_folder_in_place(shop, monkeypatch):
    exports = shop.root / "exports"
    build(shop.root, only=DAY1)
    old = X.read_manifest(X.day_dir(exports, DAY1))
    video = shop.root / "templates" / "videos" / "default.yaml"
    video.write_text(video.read_text(encoding="utf-8").replace("short test video", "a new look"), encoding="utf-8")
    calls = refuse_moving(monkeypatch, parent=exports / X.STAGING)  # a virus scan holding the new video

    report = build(shop.root, only=DAY1)
    assert [d.status for d in report.days] == [B.FAILED] and len(calls) == len(atomic.RETRY_DELAYS) + 1
    assert X.read_manifest(X.day_dir(exports, DAY1)) == old
    assert not list((exports / X.REPLACED).iterdir()) and not any((exports / X.STAGING).iterdir())
    assert "Folder ekspor 2026-12-01 sedang dibuka" in X.failed_note(exports, DAY1).read_text(encoding="utf-8")


def test_a_skipped_day_whose_folder_is_open_fails_without_stopping_the_build(shop, monkeypatch):
    exports = shop.root / "exports"
    build(shop.root)
    conn = store.connect(shop.root / "state" / "etalase.db")
    S.set_skipped(conn, DAY1, True, "admin", CLOCK_AT)
    conn.close()
    calls = refuse_moving(monkeypatch, X.day_dir(exports, DAY1))

    report = build(shop.root)
    assert [(d.date, d.status) for d in report.days] == [(DAY1, B.FAILED), (DAY2, B.UNCHANGED)]
    assert len(calls) == len(atomic.RETRY_DELAYS) + 1
    assert "Folder ekspor 2026-12-01 sedang dibuka program lain" in X.failed_note(exports, DAY1).read_text(
        encoding="utf-8")
    assert "sedang dibuka program lain" in (exports / "index.html").read_text(encoding="utf-8")  # warned there

    monkeypatch.setattr(atomic, "_os_replace", os.replace)
    report = build(shop.root)
    assert report.days[0].status == B.NO_POST and not X.day_dir(exports, DAY1).exists()
    assert not X.failed_note(exports, DAY1).exists()


# Signals ------------------------------------------------------------------------------------------

WINDOWS_SIGNALS = {"SIGABRT", "SIGFPE", "SIGILL", "SIGINT", "SIGSEGV", "SIGTERM", "SIGBREAK"}


def test_the_code_names_no_signal_windows_lacks_except_behind_hasattr():
    """`signal.SIGHUP` would be an AttributeError on Windows; names looked up with hasattr are fine."""
    used = set()
    for path in (REPO / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "signal" \
                    and node.attr.startswith("SIG") and not node.attr.startswith("SIG_"):
                used.add((path.name, node.attr))
    assert {name for _, name in used} <= WINDOWS_SIGNALS, used
    assert hasattr(signal, "SIGINT") and hasattr(signal, "SIGTERM")
