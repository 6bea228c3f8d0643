"""`etalase init`: a new council project that passes `check`, the sample copy, and user-first templates."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from pipeline.catalog.reader import load_catalog
from pipeline.cli import main
from pipeline.common.errors import ConfigError
from pipeline.common.project import PACKAGED_TEMPLATES, Project
from pipeline.common.scaffold import init_project
from pipeline.render.brand import load_brand
from pipeline.render.captions import build_caption

REPO = Path(__file__).resolve().parent.parent


def test_init_writes_a_project_that_check_accepts(tmp_path, capsys, monkeypatch):
    dest = tmp_path / "dekranasda-karo"
    assert main(["init", str(dest), "--council", "Dekranasda Kabupaten Karo", "--handle", "dekranasda.karo",
                 "--regency", "Karo", "--kecamatan", "Kabanjahe", "Berastagi"]) == 0
    assert "Wrote" in capsys.readouterr().out
    for rel in ("content/crafts.yaml", "content/region.yaml", "content/artisans/contoh-pengrajin.yaml",
                "content/products/contoh-produk.yaml", "schedule.yaml", "templates/README.md", "templates/brand.yaml"):
        assert (dest / rel).is_file(), rel
    with Image.open(dest / "content" / "media" / "contoh-produk-1.jpg") as im:
        assert im.format == "JPEG" and min(im.size) >= 1080
    monkeypatch.chdir(dest)
    assert main(["check", "--strict"]) == 0, capsys.readouterr().err
    assert "1 products ready, 0 with errors" in capsys.readouterr().out
    project = Project.at(dest)
    brand, cat = load_brand(project), load_catalog(project.content)
    assert (brand.council, brand.handle, brand.warnings) == ("Dekranasda Kabupaten Karo", "@dekranasda.karo", ())
    assert cat.region.regency == "Karo" and cat.region.kecamatan == ("Kabanjahe", "Berastagi")
    assert project.templates == (dest / "templates", PACKAGED_TEMPLATES)


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    dest = tmp_path / "ada-isinya"
    dest.mkdir()
    (dest / "catatan.txt").write_text("jangan hapus", encoding="utf-8")
    assert main(["init", str(dest)]) == 1
    err = capsys.readouterr().err
    assert "the folder is not empty: etalase init never overwrites" in err and str(dest) in err
    assert sorted(p.name for p in dest.iterdir()) == ["catatan.txt"]
    with pytest.raises(ConfigError):
        init_project(dest / "catatan.txt")  # a file is refused too


def test_init_sample_copies_the_bundled_sample_project(tmp_path, capsys, monkeypatch):
    dest = tmp_path / "contoh"
    assert main(["init", str(dest), "--sample"]) == 0
    sample = sorted(p.name for p in (REPO / "content" / "products").glob("*.yaml"))
    assert sorted(p.name for p in (dest / "content" / "products").glob("*.yaml")) == sample
    assert (dest / "content" / "music" / "sergai-pentatonik.m4a").is_file()
    assert not list((dest / "content").rglob("*.py"))  # the generators stayed behind in tools/
    monkeypatch.chdir(dest)
    capsys.readouterr()
    assert main(["check", "--strict"]) == 0, capsys.readouterr().err
    assert load_brand(Project.at(dest)).council == "Dekranasda Kabupaten Serdang Bedagai"


def test_a_template_in_the_projects_own_folder_wins_over_the_packaged_default(tmp_path):
    init_project(tmp_path / "p")
    own = tmp_path / "p" / "templates" / "captions" / "default.j2"
    own.parent.mkdir(parents=True)
    own.write_text((PACKAGED_TEMPLATES / "captions" / "default.j2").read_text(encoding="utf-8")
                   + "Dikurasi dewan kami.\n", encoding="utf-8")
    project = Project.at(tmp_path / "p")
    assert project.template("captions/default.j2") == own
    assert project.template("layouts/cover.yaml") == PACKAGED_TEMPLATES / "layouts" / "cover.yaml"
    cat = load_catalog(project.content)
    caption = build_caption(project, cat.products["contoh-produk"], cat, load_brand(project))
    assert caption.text.rstrip().endswith("Dikurasi dewan kami.")
    assert "Contoh" in caption.text and "Serdang" not in caption.text  # the placeholder regency, no built-in one


def test_a_project_without_its_own_brand_is_warned_about_the_placeholder(tmp_path):
    init_project(tmp_path / "p")
    (tmp_path / "p" / "templates" / "brand.yaml").unlink()
    brand = load_brand(Project.at(tmp_path / "p"))
    (warning,) = brand.warnings
    assert warning.field == "council" and "placeholder" in warning.message and "etalase init" in warning.hint
    assert "Sergai" not in brand.council and "#DekranasdaSergai" not in brand.hashtags
    assert brand.logo == PACKAGED_TEMPLATES / "logo.png"  # the neutral placeholder badge, not the sample's


def test_the_sample_project_keeps_only_its_own_identity_in_templates():
    """The repository root is the sample council: its templates/ holds overrides, the defaults ship
    in the package."""
    assert sorted(p.name for p in (REPO / "templates").iterdir()) == ["README.md", "brand.yaml", "logo.png"]
    for rel in ("brand.yaml", "logo.png", "captions/default.j2", "layouts/cover.yaml", "videos/default.yaml",
                "export/checklist.html.j2", "fonts/LICENSE-Manrope.txt", "fonts/Vollkorn-Bold.ttf"):
        assert (PACKAGED_TEMPLATES / rel).is_file(), rel
    media = sum(p.stat().st_size for p in (REPO / "content").rglob("*") if p.is_file())
    assert media < 15e6
