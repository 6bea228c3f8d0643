"""What Windows office PCs lack, exercised on Linux: no fcntl.

Linux cannot produce the Windows errors, so each test takes away what Windows lacks (an import, a
function) or swaps in what Windows would raise, then runs the real code around it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline import build as B
from pipeline import export as X
from pipeline.clock import FixedClock
from pipeline.project import Project

REPO = Path(__file__).resolve().parent.parent
CLOCK_AT = dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC)  # 05:00 WIB on 1 December
DAY1, DAY2 = dt.date(2026, 12, 1), dt.date(2026, 12, 2)

# Runs the CLI in a Python where `import fcntl` fails as it does on Windows, then says which paths ran.
WITHOUT_FCNTL = textwrap.dedent("""
    import sys

    class NoFcntl:
        def find_spec(self, name, path=None, target=None):
            if name == "fcntl":
                raise ModuleNotFoundError("No module named 'fcntl'", name="fcntl")
            return None

    sys.modules.pop("fcntl", None)
    sys.meta_path.insert(0, NoFcntl())
    from pipeline.cli import main

    code = main(sys.argv[1:])
    from pipeline import build
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
    assert not (shop.root / "state" / B.LOCK_FILE).exists()  # the pid file went with its build


# The build lock -----------------------------------------------------------------------------------

PID_FILE_HOLDER = """
import sys
from pathlib import Path
from pipeline.build import BuildLock
BuildLock(Path(sys.argv[1]), kind="pidfile").acquire()
print("locked", flush=True)
sys.stdin.read()
"""


def test_without_fcntl_or_msvcrt_the_lock_is_a_pid_file(monkeypatch, tmp_path):
    monkeypatch.setattr(B, "fcntl", None)
    monkeypatch.setattr(B, "msvcrt", None)
    assert B.lock_kind() == "pidfile"
    lock = B.BuildLock(tmp_path)
    with lock.held():
        assert lock.kind == "pidfile"
        assert (tmp_path / B.LOCK_FILE).read_text(encoding="utf-8").startswith(f"pid {os.getpid()} since ")
    assert not (tmp_path / B.LOCK_FILE).exists()


def test_a_pid_file_lock_refuses_a_live_holder_and_is_taken_over_once_it_is_killed(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", PID_FILE_HOLDER, str(tmp_path)], cwd=REPO,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(B.BuildBusy, match=f"another build is running \\(pid {holder.pid} since"):
            B.BuildLock(tmp_path, kind="pidfile").acquire()
    finally:
        holder.kill()  # no clean-up runs: the file stays, naming a pid that is gone
        holder.wait()
    assert (tmp_path / B.LOCK_FILE).read_text(encoding="utf-8").startswith(f"pid {holder.pid} ")
    with B.BuildLock(tmp_path, kind="pidfile").held():
        assert (tmp_path / B.LOCK_FILE).read_text(encoding="utf-8").startswith(f"pid {os.getpid()} ")


def test_a_pid_file_left_by_a_flock_build_of_a_dead_process_does_not_block(tmp_path):
    (tmp_path / B.LOCK_FILE).write_text("pid 999999999 since 2026-12-01T05:00:00+07:00\n", encoding="utf-8")
    with B.BuildLock(tmp_path, kind="pidfile").held():
        pass
