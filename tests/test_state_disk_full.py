"""A full disk under the state folder: a clear "disk full" with the folder and what to do, nothing lost.

The state folder is a real, tiny file system (a 1 MB tmpfs) filled to the last byte; every command
that opens the database runs against it. Where mounting is refused (not root, not Linux) the tests
are skipped with the reason.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipeline.cli import main
from pipeline.common.clock import zone
from pipeline.common.project import Project
from pipeline.curation import users as U
from pipeline.plan import ledger as S
from pipeline.store import db as store
from pipeline.web import create_app

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=zone("Asia/Jakarta"))


def cli(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


def _mount_tmpfs(folder: Path, size: str) -> None:
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("a real full file system needs a tmpfs mount: Linux and root only")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"mounting a tmpfs was refused: {done.stderr.strip() or done.returncode}")


def fill(folder: Path) -> Path:
    """Write a file until the disk has no byte left."""
    path = folder / "filler.bin"
    with open(path, "wb", buffering=0) as f:
        for size in (1 << 16, 1 << 12, 1 << 9, 1):
            try:
                while True:
                    f.write(b"\0" * size)
            except OSError:
                continue
    assert shutil.disk_usage(folder).free < 4096
    return path


@pytest.fixture
def full(scratch, monkeypatch, capsys):
    """A used project whose state folder is a full 1 MB file system."""
    monkeypatch.delenv("ETALASE_DB", raising=False)
    monkeypatch.delenv("ETALASE_USER", raising=False)
    root = scratch.root
    state = root / "state"
    state.mkdir(parents=True)
    _mount_tmpfs(state, "1m")
    try:
        conn = store.connect(state / "etalase.db")
        U.ensure(conn, "ayu", "admin")
        S.mark_posted(conn, dt.date(2026, 11, 30), "tas-purun", "ani", None, "ayu", NOW)
        conn.close()
        filler = fill(state)
        capsys.readouterr()
        yield scratch, filler
    finally:
        subprocess.run(["umount", "-l", str(state)], check=False)


COMMANDS = {
    "review list": ("review", "list"),
    "review approve": ("review", "approve", "tas-purun", "--as", "ayu", "--check", "all"),
    "users add": ("users", "add", "siti", "--role", "curator", "--as", "ayu", "--no-password"),
    "plan": ("plan",),
    "plan skip": ("plan", "skip", "tomorrow", "--as", "ayu"),
    "build --draft": ("build", "--draft"),
    "posted": ("posted", "today", "--product", "tas-purun", "--as", "ayu"),
    "backup": ("backup",),
    "check": ("check",),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_database_command_says_disk_full_and_loses_nothing(full, capsys, command):
    project, filler = full
    state = project.root / "state"
    code = cli(project.root, *COMMANDS[command])
    got = capsys.readouterr()
    text = got.out + got.err
    assert "Traceback" not in text and "disk I/O error" not in text.split("(")[0]
    if code:  # a command that only reads may still work; one that cannot must say why
        assert code == 1
        assert "disk full" in text and str(state) in text, text
        assert "free space" in text
    filler.unlink()  # space again: everything from before is there, and the command now works
    conn = store.connect(state / "etalase.db")
    try:
        assert store.integrity(conn) == []
        assert dt.date(2026, 11, 30) in S.posts(conn)
        assert U.get(conn, "ayu").role == "admin"
    finally:
        conn.close()


@pytest.mark.parametrize("command", [("serve", "--port", "0"), ("scheduler", "--draft")], ids=["serve", "scheduler"])
def test_serve_and_the_scheduler_refuse_to_start_on_a_full_disk(full, command):
    project, _ = full
    env = {k: v for k, v in os.environ.items() if k not in ("ETALASE_DB", "ETALASE_USER")}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "--root", str(project.root), *command],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"disk full: cannot write the state database in {project.root / 'state'}" in proc.stderr


def test_the_dashboard_says_disk_penuh(full):
    project, _ = full
    client = TestClient(create_app(Project.at(project.root), require_login=False, local_user="ayu",
                                   secret="k" * 48))  # `serve` itself refuses before it gets here
    page = client.get("/kalender")
    assert page.status_code == 507
    assert "Disk penuh" in page.text and "Kosongkan ruang" in page.text


def test_the_commands_that_write_cannot_succeed_on_a_full_disk(full, capsys):
    """The point of the table above: these really meet the full disk, they do not skip it."""
    project, _ = full
    for command in ("review approve", "users add", "posted", "backup"):
        assert cli(project.root, *COMMANDS[command]) == 1, command
        assert "disk full" in capsys.readouterr().err, command
