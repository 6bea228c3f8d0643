"""The state database: migrations, and decisions from several processes at once or killed mid-way.

The concurrency tests run real processes (the CLI, the scheduler and the dashboard are separate
processes in production) against one real SQLite file.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.catalog.reader import load_catalog
from pipeline.common.errors import ConfigError
from pipeline.curation import reviews as R
from pipeline.curation import users as U
from pipeline.store import db as store

REPO = Path(__file__).resolve().parent.parent

# One writer process: retire or restore its products until it has made `n` decisions, printing the
# id of each decision once it is committed. Refusals (another process got there first) are normal.
WORKER = r"""
import sys
from pipeline.store import db as store
from pipeline.curation import reviews as R
from pipeline.curation import users as U
from pipeline.catalog.reader import load_catalog
from pipeline.curation.rules import DecisionRefused
db, content, who, n, products = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5].split(",")
conn = store.connect(db)
cat = load_catalog(content)
user = U.get(conn, who)
done = i = 0
while n < 0 or done < n:
    slug = products[i % len(products)]
    i += 1
    for action in ("retire", "restore"):
        try:
            d = R.decide(conn, cat, slug, action, user, note=f"{who} {i}")
        except DecisionRefused:
            continue
        print(d.id, flush=True)
        done += 1
        break
"""


def _worker(db: Path, content: Path, who: str, n: int, products: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WORKER, str(db), str(content), who, str(n), ",".join(products)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def shop(scratch, tmp_path):
    """Three approved products and four curators in a fresh database."""
    for slug in ("tikar-pandan", "dompet-purun"):
        scratch.product(slug)
    db = tmp_path / "state" / "etalase.db"
    conn = store.connect(db)
    cat = load_catalog(scratch.content)
    people = [U.ensure(conn, f"kurator{i}", "curator") for i in range(4)]
    for slug in cat.products:
        R.approve(conn, cat, slug, people[0], checks=R.all_checks())
    yield db, scratch.content, people, sorted(cat.products), conn
    conn.close()


def _check_trail(conn: sqlite3.Connection) -> list[R.Decision]:
    """The trail is in order: ids rising, times never going back, each decision starting where the last ended."""
    trail = list(R.trail(conn))
    assert [d.id for d in trail] == sorted({d.id for d in trail})
    times = [dt.datetime.fromisoformat(d.at) for d in trail]
    assert all(t.utcoffset() == dt.timedelta(hours=7) for t in times)
    assert times == sorted(times)
    last: dict[str, str] = {}
    for d in trail:
        assert d.from_state == last.get(d.product, "submitted"), d
        last[d.product] = d.to_state
    return trail


@pytest.mark.slow
def test_concurrent_decisions_from_four_processes_none_lost(shop, capsys):
    db, content, people, products, conn = shop
    per_worker = 260
    start = time.perf_counter()
    procs = [_worker(db, content, p.name, per_worker, products) for p in people]
    outputs = [p.communicate(timeout=300) for p in procs]
    elapsed = time.perf_counter() - start
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    committed = [int(line) for out, _ in outputs for line in out.split()]
    assert len(committed) == 4 * per_worker == len(set(committed))
    trail = _check_trail(conn)
    assert len(trail) == len(products) + len(committed)
    assert set(committed) <= {d.id for d in trail}
    assert {d.user for d in trail[len(products):]} == {p.name for p in people}
    assert store.integrity(conn) == []
    with capsys.disabled():
        print(f"\n  {len(committed)} decisions from 4 processes in {elapsed:.1f} s "
              f"({len(committed) / elapsed:.0f} decisions/s, process start-up included)")


def test_a_writer_killed_mid_way_loses_nothing_it_committed(shop):
    db, content, people, products, conn = shop
    proc = _worker(db, content, people[1].name, -1, products)
    seen = []
    while len(seen) < 60:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        seen.append(int(line))
    os.kill(proc.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    fresh = store.connect(db)
    assert store.integrity(fresh) == []
    trail = _check_trail(fresh)
    assert set(seen) <= {d.id for d in trail}
    # The lock died with the process: the next decision goes through at once.
    cat = load_catalog(content)
    state = R.status(fresh, cat, products[0]).state
    d = R.decide(fresh, cat, products[0], "retire" if state == "approved" else "restore", people[2], "setelah crash")
    assert d.id > max(seen)
    fresh.close()


OPEN = ("import sys; from pipeline.store import db as store; c = store.connect(sys.argv[1]); "
        "print(store.schema_version(c))")


def test_many_processes_open_a_new_database_at_once(tmp_path):
    db = tmp_path / "new" / "etalase.db"
    procs = [subprocess.Popen([sys.executable, "-c", OPEN, str(db)], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [(p.communicate(timeout=120), p.returncode) for p in procs]
    latest = store.migrations()[-1][0]
    assert [(out.strip(), code) for (out, _err), code in results] == [(str(latest), 0)] * 4, results
    conn = store.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


# Migrations ----------------------------------------------------------------------------------

def _folder(tmp_path: Path, *files: tuple[str, str]) -> Path:
    folder = tmp_path / "migrations"
    folder.mkdir(exist_ok=True)
    for name, sql in files:
        (folder / name).write_text(sql, encoding="utf-8")
    return folder


def test_fresh_database_is_at_the_latest_version(tmp_path):
    conn = store.connect(tmp_path / "db.sqlite")
    assert store.schema_version(conn) == store.migrations()[-1][0] >= 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert {"users", "decisions", "snapshots", "review_current"} <= tables


def test_a_database_from_an_older_version_migrates_and_keeps_its_rows(shop, tmp_path):
    """A database made by a version-1 Etalase (only 0001 applied) opens with today's migrations."""
    _db, content, people, products, _conn = shop
    old = _folder(tmp_path, ("0001_curation.sql", (store.MIGRATIONS / "0001_curation.sql").read_text()))
    path = tmp_path / "old.db"
    conn = store.connect(path, old)
    assert store.schema_version(conn) == 1
    cat = load_catalog(content)
    U.ensure(conn, "siti", "curator")
    before = R.approve(conn, cat, products[0], U.get(conn, "siti"), "lama", R.all_checks())
    conn.close()
    newer = _folder(tmp_path, ("0002_extra.sql", "CREATE TABLE extra (id INTEGER PRIMARY KEY, note TEXT);\n"
                                                 "ALTER TABLE users ADD COLUMN email TEXT;\n"))
    conn = store.connect(path, newer)
    assert store.schema_version(conn) == 2
    assert R.history(conn, products[0]) == [before]
    assert conn.execute("SELECT email FROM users WHERE name = 'siti'").fetchone()[0] is None
    conn.execute("INSERT INTO extra (note) VALUES ('baru')")
    conn.close()
    conn = store.connect(path)  # and the project's real migrations, whatever they are by now
    assert store.schema_version(conn) == store.migrations()[-1][0]
    assert R.history(conn, products[0]) == [before]
    assert [p.slug for p in R.approved_products(conn, cat)] == [products[0]]


def test_a_failing_migration_changes_nothing(tmp_path):
    folder = _folder(tmp_path, ("0001_a.sql", "CREATE TABLE a (x);\n"),
                     ("0002_b.sql", "CREATE TABLE b (x);\nINSERT INTO no_such_table VALUES (1);\n"))
    with pytest.raises(sqlite3.OperationalError):
        store.connect(tmp_path / "db.sqlite", folder)
    conn = sqlite3.connect(tmp_path / "db.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["a"]
    conn.close()


def test_a_database_newer_than_the_code_is_refused(tmp_path):
    path = tmp_path / "db.sqlite"
    store.connect(path).close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 999")
    raw.close()
    with pytest.raises(ConfigError, match="schema version 999, newer than this Etalase"):
        store.connect(path)


def test_database_path_belongs_to_the_project_not_the_process(tmp_path, monkeypatch):
    """$ETALASE_DB is a CLI default only: a hub's projects each keep their own database."""
    from pipeline.cli import build_parser
    from pipeline.cli.common import project as cli_project
    from pipeline.common.project import Project

    monkeypatch.setenv("ETALASE_DB", str(tmp_path / "elsewhere.db"))
    assert store.db_path(tmp_path / "state") == (tmp_path / "state" / "etalase.db").resolve()
    a, b = Project.at(tmp_path / "a"), Project.at(tmp_path / "b", db=tmp_path / "b.db")
    assert a.db == (tmp_path / "a" / "state" / "etalase.db").resolve() and b.db == (tmp_path / "b.db").resolve()
    args = build_parser().parse_args(["--root", str(tmp_path / "a"), "check"])
    assert cli_project(args).db == (tmp_path / "elsewhere.db").resolve()
    args = build_parser().parse_args(["--root", str(tmp_path / "a"), "--db", str(tmp_path / "x.db"), "check"])
    assert cli_project(args).db == (tmp_path / "x.db").resolve()


def test_a_failed_transaction_leaves_nothing(tmp_path):
    conn = store.connect(tmp_path / "db.sqlite")
    with pytest.raises(RuntimeError), store.transaction(conn):
        conn.execute("INSERT INTO users (name, role, created_at) VALUES ('x', 'editor', 'now')")
        raise RuntimeError("boom")
    assert conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
    assert not conn.in_transaction
