"""`etalase check` end to end: many seeded mistakes, each reported precisely, exit 1, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import process_env

from pipeline.cli import main

REPO = Path(__file__).resolve().parent.parent


def run_check(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "--root", str(root), "check", *extra],
                          capture_output=True, text=True, cwd=root, env=process_env())


def seed_mistakes(scratch) -> None:
    scratch.write("products/salah-harga.yaml", "name: Tikar\nartisan: ani\ncraft: anyaman-purun\n"
                  "photos: [p1.jpg]\nprice: gratis\n")
    scratch.write("products/salah-kunci.yaml", "name: Tikar\nartisan: ani\ncraft: anyaman-purun\n"
                  "photos: [p1.jpg]\nprise: 5000\n")
    scratch.write("products/salah-tab.yaml", "name: Tikar\nphotos:\n\t- p1.jpg\n")
    scratch.write("products/salah-foto.yaml", "name: Tikar\nartisan: ani\ncraft: anyaman-purun\nprice: 1000\n"
                  "photos:\n  - tidak-ada.jpg\n")
    scratch.write("products/salah-pengrajin.yaml", "name: Tikar\nartisan: siti\ncraft: anyaman-purun\n"
                  "price: 1000\nphotos: [p1.jpg]\n")
    scratch.write("products/kosong.yaml", "")
    (scratch.content / "media/rusak.jpg").write_bytes(b"\xff\xd8\xff\xe0 broken")
    scratch.write("products/salah-gambar.yaml", "name: Tikar\nartisan: ani\ncraft: anyaman-purun\nprice: 1000\n"
                  "photos: [rusak.jpg]\n")
    (scratch.content / "products/latin.yaml").write_bytes("name: Tas caf\xe9\n".encode("latin-1"))
    scratch.write("artisans/budi.yaml", "name: Budi\nkecamatan: Medan\nphoto_consent: true\n")


def test_seeded_mistakes_are_each_reported_with_file_line_field(scratch):
    seed_mistakes(scratch)
    result = run_check(scratch.root)
    assert result.returncode == 1
    err = result.stderr
    assert "Traceback" not in err + result.stdout
    for expected in [
        "error: content/products/salah-harga.yaml:5: price: `gratis` is not a price",
        "warning: content/products/salah-kunci.yaml:5: prise: unknown field, ignored\n    hint: did you mean `price`?",
        "error: content/products/salah-tab.yaml:3: YAML syntax error",
        "error: content/products/salah-foto.yaml:6: photos[0]: photo `tidak-ada.jpg` not found in content/media/",
        "error: content/products/salah-pengrajin.yaml:2: artisan: unknown artisan `siti`",
        "error: content/products/kosong.yaml:1: file is empty",
        "error: content/products/salah-gambar.yaml:5: photos[0]: photo `rusak.jpg`",
        "error: content/products/latin.yaml:1: file is not UTF-8 text",
        "error: content/artisans/budi.yaml:2: kecamatan: `Medan` is not a kecamatan of the regency",
    ]:
        assert expected in err, expected
    assert "2 products ready, 7 with errors" in result.stdout


def test_clean_catalogue_exits_zero_and_strict_fails_on_warnings(scratch):
    assert run_check(scratch.root).returncode == 0
    scratch.product("tas-purun", extra="prise: 1\n")
    assert run_check(scratch.root).returncode == 0
    strict = run_check(scratch.root, "--strict")
    assert strict.returncode == 1 and "prise: unknown field" in strict.stderr


def test_content_option_points_elsewhere(scratch, capsys):
    assert main(["--content", str(scratch.content), "check"]) == 0
    out, err = capsys.readouterr()
    assert "1 products ready, 0 with errors; 1 artisans in 1 kecamatan; 2 crafts. 0 errors, 1 warnings." in out
    assert "tas-purun.yaml: photos: 1 photo" in err  # the scratch product's one photo: crops make its video


def test_bundled_sample_catalogue_checks_clean(capsys):
    if not (REPO / "content/crafts.yaml").exists():
        pytest.fail("the sample catalogue is missing")
    assert main(["--root", str(REPO), "check", "--strict"]) == 0
    out = capsys.readouterr().out
    products = int(out.split(" products ready")[0])
    assert products >= 12


def test_template_and_schedule_mistakes_are_reported_too(sample_project):
    schedule = sample_project / "schedule.yaml"
    schedule.write_text(schedule.read_text() + "\nhorizon_dayz: 3\n")
    brand = sample_project / "templates/brand.yaml"
    brand.write_text(brand.read_text() + "\nhandel: \"@x\"\n")
    result = run_check(sample_project)
    assert "Traceback" not in result.stderr
    assert "warning: schedule.yaml:" in result.stderr and "horizon_dayz: unknown field" in result.stderr
    assert "handel: unknown field" in result.stderr and "templates/brand.yaml" in result.stderr
    assert run_check(sample_project, "--strict").returncode == 1


def test_check_warns_before_any_render_that_a_long_story_will_be_shortened(scratch, capsys):
    scratch.product("panjang", f'story: "{"Purun dijemur tiga hari sebelum dianyam dengan sabar. " * 60}"\n')
    assert main(["--root", str(scratch.root), "check"]) == 0
    err = capsys.readouterr().err
    assert "warning: content/products/panjang.yaml: story: caption is " in err
    assert "over the limit of 2200: the story is shortened to fit" in err
    assert "tas-purun.yaml: story" not in err


def test_pillow_warnings_become_our_warnings_not_raw_console_lines(scratch):
    from PIL import Image

    exif = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x05\x00" + b"\xff" * 40
    Image.open(scratch.content / "media/p1.jpg").save(scratch.content / "media/p1.jpg", exif=exif)
    result = run_check(scratch.root)
    assert "site-packages" not in result.stderr and "UserWarning" not in result.stderr
    assert "warning: content/products/tas-purun.yaml:6: photos[0]: photo `p1.jpg`: Corrupt EXIF data" in (
        result.stderr)


def test_video_template_mistakes_are_reported_before_a_render(sample_project):
    videos = sample_project / "templates/videos"
    videos.mkdir(parents=True, exist_ok=True)
    (videos / "rusak.yaml").write_text("fps: sepuluh\nscenes:\n  - {type: cover, layout: sampul}\n", encoding="utf-8")
    (videos / "tanpa-cerita.yaml").write_text("scenes:\n  - {type: cover, layout: cover}\n"
                                             "story: {show: true, layout: cerita}\n", encoding="utf-8")
    result = run_check(sample_project)
    assert "Traceback" not in result.stderr and result.returncode == 1
    assert "templates/videos/rusak.yaml:1" in result.stderr and "fps" in result.stderr
    assert "templates/videos/tanpa-cerita.yaml:3" in result.stderr and "layout `cerita` not found" in result.stderr
