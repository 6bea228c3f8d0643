"""Telling a lost or damaged state database from a new one, and a full disk from an SQLite error.

An empty database means "nothing is approved": the next build would pull every ready day. So a
database that existed and is now missing, empty, unreadable or failing `PRAGMA quick_check` is
refused (DatabaseDamaged) with the backup to restore. "Existed" is known from a marker written
beside the database once it holds a schema (etalase.db.created), or from export folders (a day
folder is only ever made by a build, which needs the database). `db.connect` is the one door that
applies these checks; `db.inspect` applies them reading only.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from pipeline.common.errors import EtalaseError

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
        where = "" if backup else f"\n          (no backup in {self.path.parent / 'backups'}: use one kept elsewhere)"
        self.restore = restore
        self.pesan = (f"Database {self.path} {alasan}. Semua keputusan kurasi dan riwayat ada di sana, jadi "
                      f"Etalase berhenti agar tidak ada posting yang ditarik. Minta petugas IT menjalankan: "
                      f"{restore}")
        super().__init__(
            f"the state database {self.path} {why}; nothing was changed and no export was pulled\n"
            f"    hint: stop `etalase serve` and `etalase scheduler`, then restore the newest backup: {restore}"
            + where)


class StateDiskFull(EtalaseError):
    """The disk holding the state folder is full; nothing was written."""

    def __init__(self, path: Path, detail: str):
        self.path = Path(path)
        folder = self.path.parent
        self.pesan = (f"Disk penuh: {folder} tidak bisa ditulis. Kosongkan ruang di disk itu "
                      "(misalnya hapus berkas lama di exports/.replaced/ atau state/backups/), lalu coba lagi. "
                      "Tidak ada yang hilang.")
        super().__init__(
            f"disk full: cannot write the state database in {folder} ({detail}); nothing was changed\n"
            f"    hint: free space on that disk (old folders in exports/.replaced/, old backups in "
            f"{folder / 'backups'}), then run the command again")


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


def journaled(path: Path) -> bool:
    """A write-ahead log with frames: a new database lives there (0 bytes in its own file) until
    the first checkpoint, so a 0-byte file beside one is not empty."""
    journal = wal(path)
    return journal.exists() and journal.stat().st_size > 0


def refuse_lost(path: Path, exports: Path | None) -> None:
    """Before SQLite touches anything (it would happily start an empty database). The journal is
    looked at first: a live database's own file exists before its journal does, so a file missing
    after its journal was seen is gone, not still being created by another process."""
    in_journal = journaled(path)
    if not path.exists():
        if in_journal:
            raise DatabaseDamaged(path, f"is missing but its journal {wal(path).name} is still there",
                                  f"hilang tetapi jurnal {wal(path).name} masih ada")
        if _existed(path, exports):
            raise DatabaseDamaged(path, "is missing (it existed before)", "hilang (sebelumnya ada)")
    elif path.stat().st_size == 0 and not in_journal and _existed(path, exports):
        raise DatabaseDamaged(path, "is empty (0 bytes)", "kosong (0 byte)")


def verify(conn: sqlite3.Connection, path: Path) -> None:
    """SQLite's quick_check (structure of every page), and a schema where one was made before."""
    rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
    if rows != ["ok"]:
        first = " ".join(rows[0].split())[:160] if rows else "no answer"
        raise DatabaseDamaged(path, f"fails its integrity check ({first})", "rusak (gagal pemeriksaan integritas)")
    if conn.execute("PRAGMA user_version").fetchone()[0] == 0 and marker(path).exists():
        raise DatabaseDamaged(path, "holds no tables any more (it was replaced by an empty one)",
                              "tidak berisi tabel lagi (diganti berkas kosong)")


def mark(path: Path) -> None:
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
        return disk_error(path, exc)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text or "not a database" in text:
        why = "is not a database (its header is unreadable)" if code == SQLITE_NOTADB or "not a database" in text \
            else f"is damaged ({text})"
        return DatabaseDamaged(path, why, "rusak (tidak bisa dibaca)")
    return exc


def disk_error(path: Path, exc: BaseException) -> BaseException:
    """StateDiskFull when the folder's disk is (nearly) full; the error itself otherwise."""
    folder = path.parent if path.parent.exists() else Path(path.anchor or ".")
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return exc
    return StateDiskFull(path, str(exc).splitlines()[0]) if free < LOW_SPACE else exc
