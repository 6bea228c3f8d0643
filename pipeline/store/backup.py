"""One zip holding content/, schedule.yaml and the state database, taken while the office works.

The database is copied with SQLite's online backup API (a consistent snapshot even while the
scheduler or the dashboard writes; a file copy of a live WAL database can be torn). Content files
are streamed into the archive and the tree is re-scanned afterwards: if anything moved meanwhile
the copy starts over. Content and database need not be from the same instant: a decision is bound
to a content hash, so a restored product that differs from what was approved shows as needing
review rather than as approved. The archive is written beside its destination and renamed into
place, so a crash never leaves a half backup under the final name.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.common import atomic
from pipeline.common.clock import Clock, SystemClock
from pipeline.common.errors import EtalaseError
from pipeline.store import db as store
from pipeline.store import health

FORMAT = "etalase-backup"
FORMAT_VERSION = 1
DB_NAME = "etalase.db"
SCHEDULE = "schedule.yaml"
COMPRESSED = {".yaml", ".yml", ".txt", ".md", ".json", ".csv", ".svg"}  # photos are compressed already
ATTEMPTS = 5


class BackupError(EtalaseError):
    """A backup or restore that cannot be made; the message says what to do."""


@dataclass(frozen=True)
class Place:
    """Where a project keeps what a backup holds."""

    content: Path
    db: Path
    schedule: Path | None = None
    exports: Path | None = None  # evidence that a database existed (a lost one is refused, not backed up)


@dataclass
class Summary:
    archive: Path
    files: int = 0
    bytes: int = 0
    decisions: int = 0
    schema_version: int = 0
    created_at: str = ""
    moved_aside: list[Path] = field(default_factory=list)


def default_archive(state: Path, clock: Clock | None = None) -> Path:
    stamp = (clock or SystemClock()).now().strftime("%Y%m%d-%H%M%S")
    return state / "backups" / f"etalase-backup-{stamp}.zip"


def _scan(content: Path) -> dict[str, tuple[int, int]]:
    """relative path -> (size, mtime_ns) for every file under content/."""
    out = {}
    for path in sorted(content.rglob("*")):
        if path.is_file() and not path.is_symlink():
            st = path.stat()
            out[path.relative_to(content).as_posix()] = (st.st_size, st.st_mtime_ns)
    return out


# Backup ----------------------------------------------------------------------------------

def backup(place: Place, archive: Path, clock: Clock | None = None) -> Summary:
    """Write one archive of content, schedule and database to `archive` (atomically)."""
    archive = archive.resolve()
    if archive.is_relative_to(place.content.resolve()):
        raise BackupError(f"{archive} lies inside the content folder it would back up\n"
                          "    hint: write the backup somewhere else, e.g. state/backups/")
    if not place.content.is_dir():
        raise BackupError(f"content folder {place.content} not found\n    hint: pass --root or --content")
    archive.parent.mkdir(parents=True, exist_ok=True)
    tmp = archive.with_name(f".{archive.name}.{os.getpid()}.tmp")
    db_copy = archive.with_name(f".{archive.name}.{os.getpid()}.db")
    clock = clock or SystemClock()
    try:
        summary = Summary(archive, created_at=clock.now().isoformat())
        summary.decisions, summary.schema_version = _snapshot_db(place.db, db_copy, place.exports)
        for _ in range(ATTEMPTS):
            if _write_zip(tmp, place, db_copy, summary):
                break
        else:
            raise BackupError(f"files under {place.content} kept changing during {ATTEMPTS} attempts\n"
                              "    hint: run the backup again when nobody is editing")
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, archive)
        return summary
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        raise BackupError(f"disk full: cannot write {archive} ({exc.strerror}); nothing was changed\n"
                          "    hint: free space on that disk, or write the backup elsewhere: "
                          "etalase backup D:/backups/etalase.zip") from None
    finally:
        for leftover in (tmp, db_copy, Path(f"{db_copy}-wal"), Path(f"{db_copy}-shm")):
            leftover.unlink(missing_ok=True)


def _snapshot_db(db: Path, dest: Path, exports: Path | None = None) -> tuple[int, int]:
    """Online backup of the live database into a standalone file; (decisions, schema version).
    The source is opened without migrating: a backup never changes what it backs up. A lost or
    damaged database is refused (DatabaseDamaged): a backup of nothing would look like a good one."""
    store.inspect(db, exports)
    if not db.exists() or not db.stat().st_size:
        store.connect(db).close()  # nothing decided yet: archive an empty, current database
    src = sqlite3.connect(db, timeout=store.BUSY_TIMEOUT_MS / 1000)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            problems = store.integrity(out)
            if problems:  # pragma: no cover - only on a damaged disk
                raise BackupError(f"the database copy failed its integrity check: {problems[:3]}")
            return _count(out), store.schema_version(out)
        finally:
            out.close()
    finally:
        src.close()


def _count(conn: sqlite3.Connection) -> int:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'decisions'").fetchone():
        return 0
    return conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]


def _write_zip(tmp: Path, place: Place, db_copy: Path, summary: Summary) -> bool:
    """Write the archive; False when content changed while it was being read."""
    before = _scan(place.content)
    hashes: dict[str, str] = {}
    with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
        for rel in before:
            hashes[f"content/{rel}"] = _add(zf, place.content / rel, f"content/{rel}")
        if place.schedule and place.schedule.is_file():
            hashes[SCHEDULE] = _add(zf, place.schedule, SCHEDULE)
        hashes[DB_NAME] = _add(zf, db_copy, DB_NAME)
        if _scan(place.content) != before:
            return False
        summary.files = len(before)
        summary.bytes = sum(size for size, _ in before.values())
        manifest = {"format": FORMAT, "version": FORMAT_VERSION, "created_at": summary.created_at,
                    "schema_version": summary.schema_version, "decisions": summary.decisions,
                    "files": hashes}
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False), zipfile.ZIP_DEFLATED)
    return True


def _add(zf: zipfile.ZipFile, path: Path, name: str) -> str:
    info = zipfile.ZipInfo.from_file(path, name)
    info.compress_type = zipfile.ZIP_DEFLATED if path.suffix.lower() in COMPRESSED | {".db"} else zipfile.ZIP_STORED
    h = hashlib.sha256()
    with path.open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            h.update(chunk)
            dst.write(chunk)
    return h.hexdigest()


# Restore ---------------------------------------------------------------------------------

def occupied(place: Place, has_schedule: bool = True) -> list[str]:
    """What a restore would overwrite: a non-empty content folder, a database, a schedule."""
    out = []
    if place.content.is_dir() and any(place.content.iterdir()):
        out.append(str(place.content))
    if place.db.exists() and _has_rows(place.db):
        out.append(str(place.db))
    if has_schedule and place.schedule and place.schedule.exists():
        out.append(str(place.schedule))
    return out


def _has_rows(db: Path) -> bool:
    """A database someone used (an empty one made by a read-only command holds nothing to lose)."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=store.BUSY_TIMEOUT_MS / 1000)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%'")]
        return any(conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() for t in tables)
    except sqlite3.DatabaseError:
        return True  # unreadable: treat as something to protect
    finally:
        conn.close()


def restore(archive: Path, place: Place, force: bool = False, clock: Clock | None = None) -> Summary:
    """Bring an archive back. Refuses to overwrite anything unless `force`; with `force` the old
    content and schedule are kept beside the new ones (`*.before-restore-<time>`)."""
    if not archive.is_file():
        raise BackupError(f"backup {archive} not found")
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise BackupError(f"{archive} is not an Etalase backup (not a zip file)") from None
    with zf:
        manifest = _manifest(zf, archive)
        has_schedule = SCHEDULE in manifest["files"]
        there = occupied(place, has_schedule)
        if there and not force:
            raise BackupError("restore would overwrite: " + ", ".join(there) +
                              "\n    hint: restore into an empty folder (--root DIR), or pass --force to replace "
                              "them (the old content is kept beside as *.before-restore-*)")
        stamp = (clock or SystemClock()).now().strftime("%Y%m%d-%H%M%S")
        staging = place.content.with_name(f".{place.content.name}.restoring-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            summary = Summary(archive, created_at=manifest.get("created_at", ""),
                              schema_version=manifest.get("schema_version", 0))
            _extract(zf, manifest, staging, archive, summary)
            summary.decisions = _restore_db(staging / DB_NAME, place.db, stamp, summary)
            (staging / DB_NAME).unlink()
            if has_schedule:
                _swap(staging / SCHEDULE, place.schedule, stamp, summary)
            _swap(staging / "content", place.content, stamp, summary)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return summary


def _manifest(zf: zipfile.ZipFile, archive: Path) -> dict:
    try:
        manifest = json.loads(zf.read("manifest.json"))
    except (KeyError, ValueError):
        raise BackupError(f"{archive} is not an Etalase backup (no readable manifest.json)") from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupError(f"{archive} is not an Etalase backup")
    if manifest.get("version", 0) > FORMAT_VERSION:
        raise BackupError(f"{archive} was made by a newer Etalase (backup format {manifest['version']})\n"
                          "    hint: upgrade Etalase before restoring it")
    if DB_NAME not in manifest["files"]:
        raise BackupError(f"{archive} holds no database")
    return manifest


def _extract(zf: zipfile.ZipFile, manifest: dict, staging: Path, archive: Path, summary: Summary) -> None:
    """Extract every file the manifest lists, refusing paths outside the archive's folders and
    any file whose bytes do not match the manifest."""
    (staging / "content").mkdir(parents=True)
    for name, digest in manifest["files"].items():
        rel = PurePosixPath(name)
        if rel.is_absolute() or ".." in rel.parts or not (name in (DB_NAME, SCHEDULE) or rel.parts[0] == "content"):
            raise BackupError(f"{archive}: unsafe path `{name}` in the archive; refusing to restore it")
        dest = staging.joinpath(*rel.parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        h = hashlib.sha256()
        try:
            info = zf.getinfo(name)
            with zf.open(info) as src, dest.open("wb") as out:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    h.update(chunk)
                    out.write(chunk)
        except (KeyError, zipfile.BadZipFile, OSError) as exc:
            raise BackupError(f"{archive}: cannot read `{name}` ({exc}); the backup is damaged") from None
        if h.hexdigest() != digest:
            raise BackupError(f"{archive}: `{name}` does not match its checksum; the backup is damaged")
        mtime = time.mktime((*info.date_time, 0, 0, -1))
        os.utime(dest, (mtime, mtime))
        if rel.parts[0] == "content":
            summary.files += 1
            summary.bytes += info.file_size


def _restore_db(source: Path, target: Path, stamp: str, summary: Summary) -> int:
    """Copy the archived database into place with the backup API (safe even if the target is open
    elsewhere), then migrate it to this version's schema. A damaged target (and a journal left
    without its database) is moved aside first: SQLite cannot write over it, and would replay
    a stray journal into the restored file."""
    src = sqlite3.connect(source)
    try:
        if store.integrity(src):
            raise BackupError(f"the database in the backup fails its integrity check ({source.name})")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            store.inspect(target)
        except health.DatabaseDamaged:
            for part in (target, health.wal(target), target.with_name(target.name + "-shm")):
                if part.exists():
                    aside = part.with_name(f"{part.name}.damaged-{stamp}")
                    os.replace(part, aside)
                    summary.moved_aside.append(aside)
        dst = sqlite3.connect(target, timeout=store.BUSY_TIMEOUT_MS / 1000)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    conn = store.connect(target)
    try:
        # Dashboard sessions in the backup were ended since (logouts, new passwords): none comes back to life.
        conn.execute("DELETE FROM web_sessions")
        return _count(conn)
    finally:
        conn.close()


def _swap(new: Path, old: Path | None, stamp: str, summary: Summary) -> None:
    """Move `old` aside (when there is one worth keeping), then `new` into its place."""
    if old is None:
        return
    if old.exists():
        if old.is_dir() and not any(old.iterdir()):
            old.rmdir()
        else:
            aside = old.with_name(f"{old.name}.before-restore-{stamp}")
            _move(old, aside)
            summary.moved_aside.append(aside)
    old.parent.mkdir(parents=True, exist_ok=True)
    _move(new, old)


def _move(src: Path, dst: Path) -> None:
    """A rename, retried while Windows refuses it because a file inside is open (atomic.replace)."""
    try:
        atomic.replace(src, dst)
    except PermissionError as exc:
        raise BackupError(f"cannot move {src} to {dst}: a file in it is open in another program ({exc})\n"
                          "    hint: close the photo viewer, editor or sync client using it, then restore again"
                          ) from None
