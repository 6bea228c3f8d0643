"""SQLite state (reviews, plan overrides, ledger, users) in WAL mode with versioned migrations.

Safe for a scheduler thread, web requests and CLI processes at once: every connection sets a
busy timeout, writes use short IMMEDIATE transactions, and migrations run under one lock.
Migrations are numbered SQL files in pipeline/migrations/ (0001_*.sql, 0002_*.sql, ...), so
each feature adds its own file and the schema version is the highest number applied.
synchronous=FULL: a decision a curator saw committed survives a power cut, not only a crash of
the process; writes here are human-paced, so the fsync per commit costs nothing that matters.

`connect` refuses a lost or damaged database rather than starting an empty one, and reports a
full disk as such (pipeline/store/health.py).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.common.errors import ConfigError
from pipeline.store import health

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30_000


def db_path(state: Path | str) -> Path:
    """The default state database of a state folder; a project's own is `Project.db`."""
    return (Path(state) / "etalase.db").resolve()


def migrations(folder: Path = MIGRATIONS) -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file, in order."""
    out = []
    for path in sorted(Path(folder).glob("*.sql")):
        m = re.match(r"^(\d{4})_", path.name)
        if m:
            out.append((int(m.group(1)), path.name, path.read_text(encoding="utf-8")))
    return out


def connect(path: Path | str, folder: Path = MIGRATIONS, *, exports: Path | None = None) -> sqlite3.Connection:
    """Open (creating and migrating when needed) the state database. Raises health.DatabaseDamaged when a
    database that existed is gone or unreadable (`exports`: the project's export folder, evidence
    that one existed), health.StateDiskFull when its disk is full."""
    path = Path(path)
    on_disk = str(path) != ":memory:"
    if on_disk:
        health.refuse_lost(path, exports)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise health.disk_error(path, exc) from None
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        health.verify(conn, path)
        migrate(conn, folder)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise health.translate(exc, path) from None
    except BaseException:
        conn.close()
        raise
    if on_disk:
        health.mark(path)
    return conn


def open_project(project) -> sqlite3.Connection:
    """The project's state database, with its exports as evidence that a database existed."""
    return connect(project.db, exports=project.exports)


def inspect(path: Path | str, exports: Path | None = None) -> None:
    """Raise health.DatabaseDamaged if the database is lost or unreadable; reads only, creates nothing
    (for `etalase check` and the backup, which must not change what they look at)."""
    path = Path(path)
    health.refuse_lost(path, exports)
    if not path.exists() or (path.stat().st_size == 0 and not health.journaled(path)):
        return  # a fresh install: nothing made yet
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.DatabaseError as exc:
        raise health.translate(exc, path) from None
    try:
        health.verify(conn, path)
    except sqlite3.DatabaseError as exc:
        raise health.translate(exc, path) from None
    finally:
        conn.close()


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, folder: Path = MIGRATIONS) -> int:
    """Apply pending migrations, each in its own transaction; returns the new version."""
    known = migrations(folder)
    latest = known[-1][0] if known else 0
    if schema_version(conn) > latest:
        raise ConfigError.single(
            database_file(conn), None, "", f"the database has schema version {schema_version(conn)}, "
            f"newer than this Etalase understands ({latest})",
            "upgrade Etalase, or restore a backup made by this version (etalase restore FILE)")
    pending = [m for m in known if m[0] > schema_version(conn)]
    for version, _name, sql in pending:
        with transaction(conn):
            if schema_version(conn) >= version:  # another process got there first
                continue
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
    return schema_version(conn)


def database_file(conn: sqlite3.Connection) -> str:
    return conn.execute("PRAGMA database_list").fetchone()[2] or ":memory:"


def integrity(conn: sqlite3.Connection) -> list[str]:
    """SQLite's own integrity check; [] when the file is sound."""
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def _statements(sql: str) -> list[str]:
    """Split a migration file into statements (executescript would commit our transaction)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A short write transaction taken up front (BEGIN IMMEDIATE) so writers queue, never deadlock."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:  # SQLite may already have rolled back (disk full, I/O error)
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        try:
            where = Path(database_file(conn))
        except sqlite3.Error:
            where = Path("etalase.db")
        error = health.translate(exc, where)
        if error is exc:
            raise
        raise error from None
