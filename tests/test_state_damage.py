"""A lost or damaged state database is refused by every command, never taken for a new one.

An empty database means "nothing is approved": a build on it would pull every ready day. Each kind
of damage is made for real on a database that held decisions, then every command that opens the
database is run: exit 1, a message naming the file and the restore command, no traceback, the
exports and the damaged file left as they were. The restore the message names then works.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipeline.cli import main
from pipeline.common.clock import FixedClock, zone
from pipeline.common.project import Project
from pipeline.curation import users as U
from pipeline.plan import ledger as S
from pipeline.store import db as store
from pipeline.store import health
from pipeline.web import create_app

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=zone("Asia/Jakarta"))


def cli(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the digest of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def used(scratch, monkeypatch, capsys):
    """A project that has been used: people, a year of build records, a posted day, an export
    folder, and a backup in state/backups/."""
    monkeypatch.delenv("ETALASE_DB", raising=False)
    monkeypatch.delenv("ETALASE_USER", raising=False)
    root = scratch.root
    db = root / "state" / "etalase.db"
    conn = store.connect(db)
    U.ensure(conn, "ayu", "admin")
    for i in range(400):  # enough rows for the database to span many pages
        day = dt.date(2026, 1, 1) + dt.timedelta(days=i)
        S.record_build(conn, day, "tas-purun", "ani", "h" * 64, "ok", "", NOW)
    S.mark_posted(conn, dt.date(2026, 11, 30), "tas-purun", "ani", None, "ayu", NOW)
    conn.close()
    day = root / "exports" / "2026-12-02"
    day.mkdir(parents=True)
    (day / "post.json").write_text('{"date": "2026-12-02", "files": {}}', encoding="utf-8")
    (day / "caption.txt").write_text("Tas purun\n", encoding="utf-8")
    assert cli(root, "backup", str(root / "state" / "backups" / "etalase-backup-20261201-050000.zip")) == 0
    capsys.readouterr()
    return scratch


def _zero(db: Path) -> None:
    db.write_bytes(b"")


def _truncated(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def _garbage_header(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(b"this is no SQLite file, sorry!!" * 4 + data[124:])


def _corrupt_page(db: Path) -> None:
    """A b-tree page header overwritten: the file opens, but PRAGMA quick_check reports the page."""
    data = db.read_bytes()
    size = int.from_bytes(data[16:18], "big")
    for page in range(2, len(data) // size):  # the first page whose damage only the check finds
        broken = bytearray(data)
        broken[(page - 1) * size:(page - 1) * size + 12] = b"\x0d" + b"\xff" * 11
        db.write_bytes(bytes(broken))
        conn = sqlite3.connect(db)
        try:
            if [r[0] for r in conn.execute("PRAGMA quick_check")] != ["ok"]:
                return
        except sqlite3.DatabaseError:
            pass
        finally:
            conn.close()
    raise AssertionError("no page found whose damage quick_check reports")


def _wal_without_database(db: Path) -> None:
    """The database file gone, its write-ahead log (holding the last commits) still beside it."""
    conn = store.connect(db)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    S.mark_posted(conn, dt.date(2026, 12, 1), "tas-purun", "ani", None, "ayu", NOW)
    journal = health.wal(db).read_bytes()
    conn.close()
    db.unlink()
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    health.wal(db).write_bytes(journal)


def _missing(db: Path) -> None:
    db.unlink()


DAMAGE = {
    "zero-bytes": (_zero, "is empty (0 bytes)"),
    "truncated": (_truncated, "is damaged"),
    "garbage-header": (_garbage_header, "is not a database"),
    "corrupt-page": (_corrupt_page, "fails its integrity check"),
    "wal-without-database": (_wal_without_database, "is missing but its journal etalase.db-wal is still there"),
    "missing": (_missing, "is missing (it existed before)"),
}

COMMANDS = {
    "check": ("check",),
    "review list": ("review", "list"),
    "plan": ("plan",),
    "build --draft": ("build", "--draft"),
    "posted": ("posted", "today", "--product", "tas-purun"),
    "backup": ("backup",),
}


def damage(project, kind: str) -> tuple[Path, dict[str, bytes]]:
    db = project.root / "state" / "etalase.db"
    DAMAGE[kind][0](db)
    files = {p.name: p.read_bytes() for p in db.parent.glob("etalase.db*") if p.is_file()}
    return db, files


def assert_refused(text: str, db: Path, kind: str) -> None:
    assert "Traceback" not in text
    assert f"the state database {db}" in text or f"{db}: the state database" in text, text
    assert DAMAGE[kind][1] in text, text
    backup = db.parent / "backups" / "etalase-backup-20261201-050000.zip"
    assert f"etalase restore {backup} --force" in text, text


@pytest.mark.parametrize("kind", DAMAGE)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_refuses_a_damaged_database(used, capsys, kind, command):
    exports_before = tree(used.root / "exports")
    backups_before = sorted((used.root / "state" / "backups").iterdir())
    db, files = damage(used, kind)
    assert cli(used.root, *COMMANDS[command]) == 1
    got = capsys.readouterr()
    assert_refused(got.out + got.err, db, kind)
    assert tree(used.root / "exports") == exports_before  # nothing pulled, nothing built
    assert sorted((used.root / "state" / "backups").iterdir()) == backups_before  # no backup of nothing
    after = {p.name: p.read_bytes() for p in db.parent.glob("etalase.db*") if p.is_file()}
    assert {k: v for k, v in after.items() if k in files} == files  # the damaged files are kept as they were
    assert (db.exists() and db.stat().st_size) or not db.exists() or kind == "zero-bytes"


@pytest.mark.parametrize("kind", DAMAGE)
@pytest.mark.parametrize("command", [("serve", "--port", "0"), ("scheduler", "--draft")], ids=["serve", "scheduler"])
def test_serve_and_the_scheduler_refuse_to_start(used, kind, command):
    """Real processes: an unrefused start would listen (or schedule) until the timeout fails the test."""
    exports_before = tree(used.root / "exports")
    db, _ = damage(used, kind)
    env = {k: v for k, v in os.environ.items() if k not in ("ETALASE_DB", "ETALASE_USER")}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "--root", str(used.root), *command],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert_refused(proc.stdout + proc.stderr, db, kind)
    assert tree(used.root / "exports") == exports_before


@pytest.mark.parametrize("kind", DAMAGE)
def test_the_restore_the_message_names_brings_the_decisions_back(used, capsys, kind):
    db, _ = damage(used, kind)
    backup = db.parent / "backups" / "etalase-backup-20261201-050000.zip"
    assert cli(used.root, "restore", str(backup), "--force") == 0, capsys.readouterr().err
    capsys.readouterr()
    conn = store.connect(db, exports=used.root / "exports")
    try:
        assert dt.date(2026, 11, 30) in S.posts(conn)
        assert len(S.builds(conn)) == 400
    finally:
        conn.close()
    if kind not in ("missing",):
        assert list(db.parent.glob("etalase.db*.damaged-*"))  # the damaged file is kept aside, not deleted
    assert cli(used.root, "review", "list") == 0


def test_a_fresh_install_still_starts_with_an_empty_database(scratch, monkeypatch, capsys):
    monkeypatch.delenv("ETALASE_DB", raising=False)
    assert cli(scratch.root, "review", "list") == 0
    db = scratch.root / "state" / "etalase.db"
    assert health.marker(db).exists()  # from now on its loss is noticed
    db.unlink()
    assert cli(scratch.root, "review", "list") == 1
    assert "is missing (it existed before)" in capsys.readouterr().err


def test_export_folders_prove_a_database_existed_even_without_the_marker(used, capsys):
    """An installation from before the marker, whose database is then emptied: its exports tell."""
    db = used.root / "state" / "etalase.db"
    health.marker(db).unlink()
    db.write_bytes(b"")
    assert cli(used.root, "plan") == 1
    assert "is empty (0 bytes)" in capsys.readouterr().err


def test_the_dashboard_says_so_when_the_database_breaks_while_it_runs(used):
    app = create_app(Project.at(used.root), require_login=False, local_user="ayu", clock=FixedClock(NOW))
    with TestClient(app) as client:
        assert client.get("/kalender").status_code == 200
        db, _ = damage(used, "truncated")
        page = client.get("/kalender")
        assert page.status_code == 503
        assert "Database rusak" in page.text and "etalase restore" in page.text and "--force" in page.text
        api = client.get("/api/days")
        assert api.status_code == 503 and api.json()["error"] == "Database rusak"
        backup = db.parent / "backups" / "etalase-backup-20261201-050000.zip"
        assert cli(used.root, "restore", str(backup), "--force") == 0
        assert client.get("/kalender").status_code == 200  # picked up without a restart


def test_commands_open_a_database_another_process_holds_open(scratch, monkeypatch):
    """While the dashboard or the scheduler keeps it open, recent commits live in etalase.db-wal:
    that is a live database, not a lost one."""
    monkeypatch.delenv("ETALASE_DB", raising=False)
    db = scratch.root / "state" / "etalase.db"
    held = store.connect(db)
    try:
        U.ensure(held, "ayu", "admin")
        assert health.wal(db).stat().st_size > 0
        assert cli(scratch.root, "review", "list") == 0
        assert cli(scratch.root, "check") == 0
        assert cli(scratch.root, "users", "list") == 0
    finally:
        held.close()


def test_without_a_backup_the_message_says_where_it_looked(used, capsys):
    shutil.rmtree(used.root / "state" / "backups")
    damage(used, "zero-bytes")
    assert cli(used.root, "plan") == 1
    err = capsys.readouterr().err
    assert "etalase restore BACKUP.zip --force" in err
    assert f"no backup in {used.root / 'state' / 'backups'}: use one kept elsewhere" in err
