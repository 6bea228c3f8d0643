"""Many councils in one process (a national hub): each project keeps its own database, build lock,
regency and identity; nothing about one council is a process-wide setting or lives in code."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from conftest import SHORT_VIDEO

from pipeline.build import lock as L
from pipeline.build import orchestrate as B
from pipeline.catalog.reader import load_catalog
from pipeline.common.clock import FixedClock
from pipeline.common.project import Project
from pipeline.common.scaffold import Identity, init_project
from pipeline.curation import reviews
from pipeline.curation import users as U
from pipeline.plan import admin as P
from pipeline.store import db as store

CLOCK_AT = dt.datetime(2026, 9, 30, 22, 0, tzinfo=dt.UTC)  # 05:00 WIB on 1 October 2026
DAY1 = dt.date(2026, 10, 1)
DELI = Identity(council="Dekranasda Kabupaten Deli Serdang", short_name="Dekranasda Deli Serdang",
                handle="@dekranasda.deliserdang", regency="Deli Serdang", kecamatan=("Lubuk Pakam", "Pancur Batu"))


def deli_project(root: Path) -> Project:
    """A second council started by `etalase init`, its example product approved in its own database."""
    init_project(root, identity=DELI)
    brand = root / "templates" / "brand.yaml"
    brand.write_text(brand.read_text(encoding="utf-8").replace(
        '  - "#BanggaBuatanIndonesia"', '  - "#DekranasdaDeliSerdang"\n  - "#BanggaBuatanIndonesia"'), encoding="utf-8")
    (root / "schedule.yaml").write_text("horizon_days: 1\n", encoding="utf-8")
    video = root / "templates" / "videos" / "default.yaml"
    video.parent.mkdir(parents=True)
    video.write_text(textwrap.dedent(SHORT_VIDEO).lstrip(), encoding="utf-8")
    project = Project.at(root)
    conn = store.connect(project.db)
    try:
        curator = U.ensure(conn, "rina", "curator")
        reviews.approve(conn, load_catalog(project.content), "contoh-produk", curator, checks=reviews.all_checks())
    finally:
        conn.close()
    return project


def test_each_project_keeps_its_own_database_even_with_etalase_db_set(shop, tmp_path, monkeypatch):
    monkeypatch.setenv("ETALASE_DB", str(tmp_path / "everyone.db"))  # a CLI default: never reaches a Project
    sergai, deli = Project.at(shop.root), deli_project(tmp_path / "deli")
    assert sergai.db == (shop.root / "state" / "etalase.db").resolve()
    assert deli.db == (tmp_path / "deli" / "state" / "etalase.db").resolve()
    assert not (tmp_path / "everyone.db").exists()
    a, b = P.open_context(sergai, FixedClock(CLOCK_AT)), P.open_context(deli, FixedClock(CLOCK_AT))
    try:
        assert P.dates(b) == [DAY1]
        assert {p.slug for p in a.approved} == {"tas-purun", "tikar-purun", "kain-tenun"}
        assert [p.slug for p in b.approved] == ["contoh-produk"]  # only its own approval counts
        assert [s.product for s in P.plan_days(b, [DAY1])] == ["contoh-produk"]
        assert P.plan_days(a, [DAY1])[0].product in {"tas-purun", "tikar-purun", "kain-tenun"}
        assert store.database_file(a.conn) != store.database_file(b.conn)
    finally:
        a.conn.close()
        b.conn.close()

def test_one_councils_build_lock_does_not_block_anothers_in_the_same_process(shop, tmp_path):
    sergai, deli = Project.at(shop.root), deli_project(tmp_path / "deli")
    with L.BuildLock(sergai.state).held():  # Sergai's scheduler is mid-build in this process
        with pytest.raises(L.BuildBusy):
            L.BuildLock(sergai.state).acquire()  # the same council is still refused
        report = B.build(deli, B.Options(only=DAY1, draft=True), clock=FixedClock(CLOCK_AT))
    assert report.ok and [d.status for d in report.days] == ["built"], report.days
    caption = (deli.exports / DAY1.isoformat() / "caption.txt").read_text(encoding="utf-8")
    assert "Deli Serdang" in caption and "#DekranasdaDeliSerdang" in caption
    assert "Sergai" not in caption and "Serdang Bedagai" not in caption
    manifest = json.loads((deli.exports / DAY1.isoformat() / "post.json").read_text(encoding="utf-8"))
    assert manifest["product"]["slug"] == "contoh-produk"


def test_names_and_districts_come_from_each_councils_own_files(shop, tmp_path):
    deli = load_catalog(deli_project(tmp_path / "deli").content)
    sergai = load_catalog(shop.content)
    assert deli.region.regency == "Deli Serdang" and deli.region.kecamatan == ("Lubuk Pakam", "Pancur Batu")
    assert sergai.region.regency == "Serdang Bedagai" and "Sei Rampah" in sergai.region.kecamatan
    # a Sergai district is not one of Deli Serdang's: each catalogue checks against its own region.yaml
    (tmp_path / "deli" / "content" / "artisans" / "contoh-pengrajin.yaml").write_text(
        "name: Kelompok Contoh\nkecamatan: Sei Rampah\ncrafts: [anyaman]\nphoto_consent: true\n", encoding="utf-8")
    problems = load_catalog(tmp_path / "deli" / "content").errors
    (problem,) = [p for p in problems if p.path == "content/artisans/contoh-pengrajin.yaml"]
    assert (problem.path, problem.line, problem.field) == ("content/artisans/contoh-pengrajin.yaml", 2, "kecamatan")
    assert "Lubuk Pakam" in problem.hint


def test_each_dashboard_names_its_own_council(web_office, tmp_path):
    from fastapi.testclient import TestClient

    from pipeline.web.app import create_app

    deli = deli_project(tmp_path / "deli")
    for project, name, other in ((Project.at(web_office.root), "Dekranasda Sergai", "Deli Serdang"),
                                 (deli, "Dekranasda Deli Serdang", "Sergai")):
        client = TestClient(create_app(project, require_login=False, local_user="ayu" if name.endswith("Sergai")
                                       else "rina", clock=FixedClock(CLOCK_AT)))
        html = client.get("/kurasi").text
        assert f"· Etalase {name}</title>" in html and f'<span class="sub">{name}</span>' in html
        assert other not in html
        motto = "Tanah Bertuah Negeri Beradat"  # the sample's own tagline, in its footer only
        assert (f"Etalase · {motto}" in html) == name.endswith("Sergai")


def test_national_day_intros_name_no_regency_unless_the_council_writes_one(tmp_path):
    from pipeline.plan.schedule import load_settings

    repo = Path(__file__).resolve().parent.parent
    (tmp_path / "schedule.yaml").write_text("national_days: true\n", encoding="utf-8")
    plain = load_settings(tmp_path / "schedule.yaml", "schedule.yaml")
    sample = load_settings(repo / "schedule.yaml", "schedule.yaml")
    for day in (dt.date(2026, 4, 21), dt.date(2026, 10, 2), dt.date(2026, 12, 22)):
        assert "Sergai" not in plain.special_day(day).intro and "daerah kita" in plain.special_day(day).intro
    assert sample.special_day(dt.date(2026, 4, 21)).intro.endswith("perempuan pengrajin Sergai.")
