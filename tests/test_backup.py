"""Backup and restore of content + database, including a backup taken while another process writes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from test_store import _worker

from pipeline.catalog.reader import load_catalog
from pipeline.cli import main
from pipeline.curation import reviews as R
from pipeline.curation import users as U
from pipeline.store import backup as B
from pipeline.store import db as store


@pytest.fixture
def office(scratch, tmp_path):
    """A project with a schedule, two products (one approved) and three users."""
    scratch.product("tikar-pandan", photos=("p2.jpg", "p3.jpg"))
    (scratch.root / "schedule.yaml").write_text("timezone: Asia/Jakarta\n", encoding="utf-8")
    place = B.Place(scratch.content, scratch.root / "state" / "etalase.db", scratch.root / "schedule.yaml")
    conn = store.connect(place.db)
    curator = U.ensure(conn, "siti", "curator")
    U.ensure(conn, "ayu", "admin")
    U.ensure(conn, "budi", "editor")
    R.approve(conn, load_catalog(scratch.content), "tas-purun", curator, "rapi", R.all_checks())
    conn.close()
    return place


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = store.connect(db)
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def _empty(tmp_path: Path, name: str = "restored") -> B.Place:
    root = tmp_path / name
    return B.Place(root / "content", root / "state" / "etalase.db", root / "schedule.yaml")


def test_backup_then_restore_into_an_empty_place(office, tmp_path):
    archive = tmp_path / "backups" / "b.zip"
    s = B.backup(office, archive)
    assert s.decisions == 1 and s.files == len(_files(office.content))
    assert sorted(p.name for p in archive.parent.iterdir()) == ["b.zip"]  # no temp files left
    target = _empty(tmp_path)
    r = B.restore(archive, target)
    assert _files(target.content) == _files(office.content)
    assert target.schedule.read_text() == office.schedule.read_text()
    for sql in ("SELECT * FROM decisions", "SELECT * FROM snapshots", "SELECT name, role FROM users"):
        assert _rows(target.db, sql) == _rows(office.db, sql)
    assert r.decisions == 1 and r.moved_aside == []
    conn = store.connect(target.db)
    assert [p.slug for p in R.approved_products(conn, load_catalog(target.content))] == ["tas-purun"]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.integrity(conn) == []
    conn.close()


def test_backup_while_another_process_writes(office, tmp_path):
    """Decisions keep coming from another process during the backup: the archive holds a clean
    prefix of the trail (nothing torn, nothing half-written) and restores to exactly that."""
    writer = _worker(office.db, office.content, "siti", -1, ["tas-purun"])
    try:
        seen = [int(writer.stdout.readline()) for _ in range(20)]
        archive = tmp_path / "live.zip"
        s = B.backup(office, archive)
        seen += [int(writer.stdout.readline()) for _ in range(20)]
    finally:
        writer.kill()
        writer.communicate(timeout=30)
    assert s.decisions >= 21  # the approval plus at least the 20 seen before the backup began
    target = _empty(tmp_path)
    B.restore(archive, target)
    restored = _rows(target.db, "SELECT * FROM decisions ORDER BY id")
    live = _rows(office.db, "SELECT * FROM decisions ORDER BY id")
    assert len(restored) == s.decisions
    assert restored == live[: len(restored)] and len(live) > len(restored)
    assert max(seen) <= live[-1][0]
    assert _files(target.content) == _files(office.content)


def test_restore_refuses_to_overwrite_without_force(office, tmp_path):
    archive = tmp_path / "b.zip"
    B.backup(office, archive)
    with pytest.raises(B.BackupError, match="restore would overwrite") as exc:
        B.restore(archive, office)
    assert str(office.content) in str(exc.value) and "--force" in str(exc.value)


def test_restore_with_force_replaces_and_keeps_the_old_content(office, tmp_path):
    archive = tmp_path / "b.zip"
    B.backup(office, archive)
    before = _files(office.content)
    (office.content / "products" / "tas-purun.yaml").write_text("name: diubah\n", encoding="utf-8")
    live = store.connect(office.db)  # the dashboard still has the database open
    U.ensure(live, "baru", "editor")
    r = B.restore(archive, office, force=True)
    assert _files(office.content) == before
    assert [p.name.split(".before-restore-")[0] for p in r.moved_aside] == ["schedule.yaml", "content"]
    assert (r.moved_aside[1] / "products" / "tas-purun.yaml").read_text() == "name: diubah\n"
    assert [row[0] for row in live.execute("SELECT name FROM users ORDER BY name")] == ["ayu", "budi", "siti"]
    live.close()


def test_an_empty_database_made_by_a_read_only_command_is_not_in_the_way(office, tmp_path):
    archive = tmp_path / "b.zip"
    B.backup(office, archive)
    target = _empty(tmp_path)
    store.connect(target.db).close()  # e.g. someone ran `etalase review list` there first
    B.restore(archive, target)
    assert len(_rows(target.db, "SELECT * FROM decisions")) == 1


def test_a_damaged_archive_is_refused_and_changes_nothing(office, tmp_path):
    archive = tmp_path / "b.zip"
    B.backup(office, archive)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(damaged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "content/products/tas-purun.yaml":
                data = data.replace(b"150.000", b"999.000")
            dst.writestr(info, data)
    target = _empty(tmp_path)
    with pytest.raises(B.BackupError, match="does not match its checksum"):
        B.restore(damaged, target)
    assert not target.content.exists() and not target.db.exists()
    assert list(target.content.parent.glob(".*restoring*")) == []


def test_paths_outside_the_project_are_refused(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../outside.txt", "x")
        zf.writestr("manifest.json", json.dumps({"format": B.FORMAT, "version": 1,
                                                 "files": {"../../outside.txt": "0", B.DB_NAME: "0"}}))
    with pytest.raises(B.BackupError, match="unsafe path"):
        B.restore(evil, _empty(tmp_path))
    assert not (tmp_path.parent / "outside.txt").exists()


def test_not_a_backup(tmp_path):
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    with pytest.raises(B.BackupError, match="not a zip"):
        B.restore(tmp_path / "x.zip", _empty(tmp_path))


def test_a_backup_from_an_older_schema_restores_migrated(office, tmp_path):
    old_folder = tmp_path / "m"
    old_folder.mkdir()
    (old_folder / "0001_curation.sql").write_text((store.MIGRATIONS / "0001_curation.sql").read_text())
    old = B.Place(office.content, tmp_path / "old.db", None)
    conn = store.connect(old.db, old_folder)
    U.ensure(conn, "siti", "curator")
    R.approve(conn, load_catalog(office.content), "tikar-pandan", U.get(conn, "siti"), "", R.all_checks())
    conn.close()
    archive = tmp_path / "old.zip"
    B.backup(old, archive)  # a backup opens its source without migrating it
    with zipfile.ZipFile(archive) as zf:
        assert json.loads(zf.read("manifest.json"))["schema_version"] == 1
    target = _empty(tmp_path)
    B.restore(archive, target)
    conn = store.connect(target.db)
    assert store.schema_version(conn) == store.migrations()[-1][0]
    assert [d.product for d in R.trail(conn)] == ["tikar-pandan"]
    conn.close()


def test_a_backup_inside_content_is_refused(office):
    with pytest.raises(B.BackupError, match="inside the content folder"):
        B.backup(office, office.content / "b.zip")


def test_cli_backup_and_restore(office, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("ETALASE_DB", raising=False)
    root = office.content.parent
    assert main(["--root", str(root), "backup"]) == 0
    out = capsys.readouterr().out
    archive = Path(out.split("backup written: ")[1].splitlines()[0])
    assert archive.parent == root / "state" / "backups" and archive.name.startswith("etalase-backup-")
    assert "1 decisions" in out
    new = tmp_path / "kantor-baru"
    assert main(["--root", str(new), "restore", str(archive)]) == 0
    assert _files(new / "content") == _files(office.content)
    assert main(["--root", str(new), "restore", str(archive)]) == 1
    assert "restore would overwrite" in capsys.readouterr().err
    assert main(["--root", str(new), "restore", str(archive), "--force"]) == 0
