"""SQLite state (reviews, plan overrides, ledger, users) in WAL mode with versioned migrations.

Safe for a scheduler thread, web requests and CLI processes at once: every connection sets a
busy timeout, writes use short IMMEDIATE transactions, and migrations run under one lock.
Migrations are numbered SQL files in pipeline/migrations/ (0001_*.sql, 0002_*.sql, ...), so
each feature adds its own file and the schema version is the highest number applied.
synchronous=FULL: a decision a curator saw committed survives a power cut, not only a crash of
the process; writes here are human-paced, so the fsync per commit costs nothing that matters.

A lost database must never pass for a new one: an empty database means "nothing is approved",
and the next build would pull every ready day. So `connect` refuses (DatabaseDamaged) a database
that existed and is now missing, empty, unreadable or failing `PRAGMA quick_check`, and says which
backup to restore. "Existed" is known from a marker written beside the database once it holds a
schema (etalase.db.created), or from export folders (a day folder is only ever made by a build,
which needs the database). A full disk is reported as such (StateDiskFull), not as an SQLite error.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.common.errors import ConfigError, EtalaseError

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30_000
MARKER = ".created"  # etalase.db.created: this database was made once, so its absence is a loss
LOW_SPACE = 1 << 20  # below this many free bytes an SQLite I/O error is a full disk
# SQLite primary result codes (the low byte of extended codes)
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB = 10, 11, 13, 26


class DatabaseDamaged(EtalaseError):
    """The state database existed and is now missing, empty or unreadable; `pesan` is for the dashboard."""

    def __init__(self, path: Path, why: str, alasan: str):
        self.path, self.why = Path(path), why
        backup = latest_backup(self.path)
        restore = f"etalase restore {backup} --force" if backup else "etalase restore BACKUP.zip --force"
        where = (f"the newest backup is {backup}" if backup
                 else f"no backup in {self.path.parent / 'backups'}: use one kept elsewhere")
        self.restore = restore
        self.pesan = (f"Database {self.path} {alasan}. Semua keputusan kurasi dan riwayat ada di sana, jadi "
                      f"Etalase berhenti agar tidak ada posting yang ditarik. Minta petugas IT menjalankan: "
                      f"{restore}")
        super().__init__(
            f"the state database {self.path} {why}; nothing was changed and no export was pulled\n"
            f"    hint: stop `etalase serve` and `etalase scheduler`, then restore a backup: {restore}\n"
            f"          ({where})")


class StateDiskFull(EtalaseError):
    """The disk holding the state folder is full; nothing was written."""

    def __init__(self, path: Path, detail: str, what: str = "the state database"):
        self.path = Path(path)
        folder = self.path.parent
        self.pesan = (f"Disk penuh: {folder} tidak bisa ditulis. Kosongkan ruang di disk itu "
                      "(misalnya hapus berkas lama di exports/.replaced/ atau state/backups/), lalu coba lagi. "
                      "Tidak ada yang hilang.")
        super().__init__(
            f"disk full: cannot write {what} in {folder} ({detail}); nothing was changed\n"
            f"    hint: free space on that disk (old folders in exports/.replaced/, old backups in "
            f"{folder / 'backups'}), then run the command again")


def db_path(state: Path | str) -> Path:
    """The state database: $ETALASE_DB, else etalase.db in the project's state folder."""
    return Path(os.environ.get("ETALASE_DB") or Path(state) / "etalase.db").resolve()


def migrations(folder: Path = MIGRATIONS) -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file, in order."""
    out = []
    for path in sorted(Path(folder).glob("*.sql")):
        m = re.match(r"^(\d{4})_", path.name)
        if m:
            out.append((int(m.group(1)), path.name, path.read_text(encoding="utf-8")))
    return out


def connect(path: Path | str, folder: Path = MIGRATIONS, *, exports: Path | None = None) -> sqlite3.Connection:
    """Open (creating and migrating when needed) the state database. Raises DatabaseDamaged when a
    database that existed is gone or unreadable (`exports`: the project's export folder, evidence
    that one existed), StateDiskFull when its disk is full."""
    path = Path(path)
    on_disk = str(path) != ":memory:"
    if on_disk:
        _refuse_lost(path, exports)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _disk_error(path, exc) from None
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        _verify(conn, path)
        migrate(conn, folder)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise translate(exc, path) from None
    except BaseException:
        conn.close()
        raise
    if on_disk:
        _mark(path)
    return conn


def open_project(project) -> sqlite3.Connection:
    """The project's state database, with its exports as evidence that a database existed."""
    return connect(db_path(project.state), exports=project.exports)


def inspect(path: Path | str, exports: Path | None = None) -> None:
    """Raise DatabaseDamaged if the database is lost or unreadable; reads only, creates nothing
    (for `etalase check` and the backup, which must not change what they look at)."""
    path = Path(path)
    _refuse_lost(path, exports)
    if not path.exists() or (path.stat().st_size == 0 and not _journaled(path)):
        return  # a fresh install: nothing made yet
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.DatabaseError as exc:
        raise translate(exc, path) from None
    try:
        _verify(conn, path)
    except sqlite3.DatabaseError as exc:
        raise translate(exc, path) from None
    finally:
        conn.close()


def marker(path: Path) -> Path:
    return path.with_name(path.name + MARKER)


def wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def latest_backup(path: Path) -> Path | None:
    """The newest archive `etalase backup` wrote beside this database (state/backups/)."""
    found = sorted((path.parent / "backups").glob("*.zip"), key=lambda p: (p.stat().st_mtime, p.name))
    return found[-1] if found else None


def _existed(path: Path, exports: Path | None) -> bool:
    if marker(path).exists():
        return True
    return exports is not None and exports.is_dir() and any(exports.glob("????-??-??/post.json"))


def _journaled(path: Path) -> bool:
    """A write-ahead log with frames: a new database lives there (0 bytes in its own file) until
    the first checkpoint, so a 0-byte file beside one is not empty."""
    journal = wal(path)
    return journal.exists() and journal.stat().st_size > 0


def _refuse_lost(path: Path, exports: Path | None) -> None:
    """Before SQLite touches anything (it would happily start an empty database). The journal is
    looked at first: a live database's own file exists before its journal does, so a file missing
    after its journal was seen is gone, not still being created by another process."""
    journaled = _journaled(path)
    if not path.exists():
        if journaled:
            raise DatabaseDamaged(path, f"is missing but its journal {wal(path).name} is still there",
                                  f"hilang tetapi jurnal {wal(path).name} masih ada")
        if _existed(path, exports):
            raise DatabaseDamaged(path, "is missing (it existed before)", "hilang (sebelumnya ada)")
    elif path.stat().st_size == 0 and not journaled and _existed(path, exports):
        raise DatabaseDamaged(path, "is empty (0 bytes)", "kosong (0 byte)")


def _verify(conn: sqlite3.Connection, path: Path) -> None:
    """SQLite's quick_check (structure of every page), and a schema where one was made before."""
    rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
    if rows != ["ok"]:
        first = " ".join(rows[0].split())[:160] if rows else "no answer"
        raise DatabaseDamaged(path, f"fails its integrity check ({first})", "rusak (gagal pemeriksaan integritas)")
    if schema_version(conn) == 0 and marker(path).exists():
        raise DatabaseDamaged(path, "holds no tables any more (it was replaced by an empty one)",
                              "tidak berisi tabel lagi (diganti berkas kosong)")


def _mark(path: Path) -> None:
    """Record once that this database exists, so losing it later is noticed."""
    m = marker(path)
    if m.exists():
        return
    try:
        m.write_text(f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')} {path.name} created or first seen\n"
                     "Etalase refuses to start afresh while this file exists and the database is gone.\n",
                     encoding="utf-8")
    except OSError:
        pass  # a full disk: the next successful open writes it


def translate(exc: sqlite3.DatabaseError, path: Path) -> EtalaseError | sqlite3.DatabaseError:
    """An SQLite error as what the user can act on: a damaged database or a full disk."""
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    text = str(exc)
    if code == SQLITE_FULL or "disk is full" in text:
        return StateDiskFull(path, text)
    if code == SQLITE_IOERR or "disk I/O error" in text:
        return _disk_error(path, exc)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text or "not a database" in text:
        why = "is not a database (its header is unreadable)" if code == SQLITE_NOTADB or "not a database" in text \
            else f"is damaged ({text})"
        return DatabaseDamaged(path, why, "rusak (tidak bisa dibaca)")
    return exc


def _disk_error(path: Path, exc: BaseException) -> BaseException:
    """StateDiskFull when the folder's disk is (nearly) full; the error itself otherwise."""
    folder = path.parent if path.parent.exists() else Path(path.anchor or ".")
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return exc
    return StateDiskFull(path, str(exc).splitlines()[0]) if free < LOW_SPACE else exc


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
        error = translate(exc, where)
        if error is exc:
            raise
        raise error from None
