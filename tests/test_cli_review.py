"""`etalase review` and `etalase users` end to end: a curator works through the queue from the CLI.

Read-only outputs (list, show, history, export) are compared with golden files; regenerate them
with `UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_cli_review.py`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import assert_golden

from pipeline.catalog.reader import load_catalog
from pipeline.cli import main
from pipeline.common.clock import FixedClock, zone
from pipeline.curation import reviews as R
from pipeline.curation import users as U
from pipeline.store import db as store

GOLDEN = Path(__file__).resolve().parent / "golden" / "review"


@pytest.fixture
def office(scratch, monkeypatch):
    """Three products, one with errors, and the council's people."""
    monkeypatch.delenv("ETALASE_DB", raising=False)
    monkeypatch.delenv("ETALASE_USER", raising=False)
    scratch.product("tikar-pandan", photos=("p2.jpg", "p3.jpg"),
                    story="Tikar pandan untuk ruang tamu, dianyam rapat oleh ibu-ibu kelompok pengrajin dari daun "
                          "pandan berduri yang dijemur tiga hari lalu diwarnai dengan pewarna alami.")
    scratch.write("products/rusak.yaml", "name: Rusak\nartisan: nobody\ncraft: anyaman-purun\nphotos: [p1.jpg]\n")
    root = scratch.root
    for name, role, by in (("ayu", "admin", None), ("siti", "curator", "ayu"), ("budi", "editor", "ayu")):
        assert cli(root, "users", "add", name, "--role", role, *(["--as", by] if by else [])) == 0
    return scratch


def cli(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


def out(capsys) -> tuple[str, str]:
    got = capsys.readouterr()
    return got.out, got.err


def test_a_curator_works_through_the_queue(office, capsys):
    root = office.root
    out(capsys)
    assert cli(root, "review", "list", "--state", "queue") == 0
    listed, _ = out(capsys)
    assert "3 awaiting review" in listed
    assert [line.split()[0] for line in listed.splitlines()[1:]] == ["rusak", "tas-purun", "tikar-pandan"]
    for slug in ("tas-purun", "tikar-pandan"):
        assert cli(root, "review", "approve", slug, "--as", "siti", "--check", "all", "--note", "layak") == 0
        assert f"{slug}: submitted -> approved (decision #" in out(capsys)[0]
    assert cli(root, "review", "approve", "rusak", "--as", "siti", "--check", "all") == 1
    err = out(capsys)[1]
    assert "cannot approve `rusak`: it fails `etalase check`" in err
    assert "content/products/rusak.yaml:2: artisan: unknown artisan `nobody`" in err
    assert cli(root, "review", "list", "--state", "approved") == 0
    assert [line.split()[0] for line in out(capsys)[0].splitlines()[1:]] == ["tas-purun", "tikar-pandan"]

    office.product("tas-purun", price="Rp 200.000")  # an edit after approval
    assert cli(root, "review", "list", "--state", "needs_review") == 0
    listed = out(capsys)[0]
    assert "tas-purun  needs review" in listed and "changed: price" in listed
    conn = store.connect(store.db_path(root / "state"))
    assert [p.slug for p in R.approved_products(conn, load_catalog(office.content))] == ["tikar-pandan"]
    conn.close()


def test_the_acting_user_comes_from_as_or_the_environment(office, capsys, monkeypatch):
    root = office.root
    assert cli(root, "review", "reject", "tas-purun", "--note", "bukan purun") == 1
    assert "pass --as NAME or set ETALASE_USER" in out(capsys)[1]
    monkeypatch.setenv("ETALASE_USER", "siti")
    assert cli(root, "review", "reject", "tas-purun", "--note", "bukan purun") == 0
    assert "tas-purun: submitted -> rejected" in out(capsys)[0]
    assert cli(root, "review", "submit", "tas-purun", "--as", "budi", "--note", "sudah benar") == 0


def test_an_editor_cannot_decide(office, capsys):
    assert cli(office.root, "review", "approve", "tas-purun", "--as", "budi", "--check", "all") == 1
    assert "budi is an editor; only curators or admins may approve products" in out(capsys)[1]
    assert cli(office.root, "users", "add", "eka", "--role", "curator", "--as", "budi") == 1
    assert "only admins may add users" in out(capsys)[1]


def test_approve_refuses_a_version_other_than_the_one_shown(office, capsys):
    root = office.root
    cli(root, "review", "show", "tas-purun")
    shown = out(capsys)[0].split("--hash ")[1].split(")")[0]
    office.product("tas-purun", price="Rp 1")
    assert cli(root, "review", "approve", "tas-purun", "--as", "siti", "--check", "all", "--hash", shown) == 1
    assert "not the version you looked at" in out(capsys)[1]


def test_bad_checklist_answers_are_refused(office, capsys):
    assert cli(office.root, "review", "approve", "tas-purun", "--as", "siti", "--check", "foto") == 1
    err = out(capsys)[1]
    assert "`foto` is not on the checklist" in err and "photo_quality" in err


def test_users_list_and_roles(office, capsys):
    out(capsys)
    assert cli(office.root, "users", "role", "budi", "curator", "--as", "ayu") == 0
    assert cli(office.root, "users", "list") == 0
    lines = out(capsys)[0].splitlines()
    assert [line.split()[:2] for line in lines[-3:]] == [["ayu", "admin"], ["budi", "curator"], ["siti", "curator"]]


# Golden outputs --------------------------------------------------------------------------------

def _history(office) -> dict[str, str]:
    """A fixed history written through the core with a fixed clock, so outputs are stable."""
    conn = store.connect(store.db_path(office.root / "state"))
    clock = FixedClock(dt.datetime(2026, 10, 2, 9, 30, tzinfo=zone("Asia/Jakarta")))
    cat = load_catalog(office.content)
    siti, budi = U.get(conn, "siti"), U.get(conn, "budi")
    R.approve(conn, cat, "tas-purun", siti, "rapi, harga pas", R.all_checks(), clock=clock)
    clock.advance(minutes=7)
    R.decide(conn, cat, "tikar-pandan", "request_changes", siti, "foto kedua kurang terang",
             {"photo_quality": False, "info_complete": True}, clock=clock)
    clock.advance(hours=2)
    R.submit(conn, cat, "tikar-pandan", budi, "foto kedua diganti", clock=clock)
    hashes = {p.content_hash: f"<hash:{p.slug}>" for p in cat.products.values()}
    office.product("tas-purun", price="Rp 175.000", story="Tas purun dengan tali kulit.")
    cat = load_catalog(office.content)
    hashes.update({p.content_hash: f"<hash:{p.slug}:now>" for p in cat.products.values()
                   if p.content_hash not in hashes})
    conn.close()
    return hashes


def _normalise(text: str, office, hashes: dict[str, str]) -> str:
    for digest, name in hashes.items():
        text = text.replace(digest, name).replace(digest[:12], name)
    return text.replace(str(office.root), "<root>").replace("\\", "/")


@pytest.mark.parametrize("name,args", [
    ("list", ["review", "list"]),
    ("show-needs-review", ["review", "show", "tas-purun"]),
    ("show-resubmitted", ["review", "show", "tikar-pandan"]),
    ("show-errors", ["review", "show", "rusak"]),
    ("history", ["review", "history", "tikar-pandan"]),
    ("export-csv", ["review", "export", "--format", "csv"]),
    ("export-json", ["review", "export", "--format", "json"]),
])
def test_golden_outputs(office, capsys, name, args):
    hashes = _history(office)
    out(capsys)
    assert cli(office.root, *args) == 0
    got = _normalise(out(capsys)[0], office, hashes)
    assert_golden(GOLDEN / f"{name}.txt", got)
    if name == "export-json":
        assert [d["action"] for d in json.loads(got)] == ["approve", "request_changes", "submit"]


def test_export_to_a_file(office, capsys, tmp_path):
    _history(office)
    target = tmp_path / "audit" / "trail.csv"
    assert cli(office.root, "review", "export", "--format", "csv", "--out", str(target)) == 0
    assert "3 decisions written to" in out(capsys)[1]
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4
    assert [p.name for p in target.parent.iterdir()] == ["trail.csv"]
