"""The wheel alone is enough: built from the source, installed far from the repository, it starts a
project (`etalase init`), checks it and builds a day with its packaged templates, fonts and sample."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LEFT_OUT = (".git", ".venv", "venv", "exports", "state", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis",
            ".ruff_cache", ".pytest_cache", "test-artifacts", "tests", "bench")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from a copy of the source (the checkout stays clean) and unpacked into its own folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(*LEFT_OUT))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    isolation = ["--no-build-isolation"] if _can_build_here() else []  # else pip fetches setuptools itself
    subprocess.run([*pip, "wheel", "--no-deps", *isolation, "-w", str(tmp / "dist"), str(src)], check=True, cwd=tmp)
    (wheel,) = (tmp / "dist").glob("etalase-*.whl")
    site = tmp / "site"
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)], check=True,
                   cwd=tmp)
    return site


def _can_build_here() -> bool:
    """pyproject's build requirements are met by this environment (offline, no index needed)."""
    from importlib import metadata

    try:
        major, minor = (int(x) for x in metadata.version("setuptools").split(".")[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return False
    if (major, minor) < (69, 0):
        return False
    try:
        metadata.version("wheel")
    except metadata.PackageNotFoundError:
        return (major, minor) >= (70, 1)  # bdist_wheel moved into setuptools
    return True


def etalase(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the installed CLI: the wheel's folder first on the path, from a folder outside the repository
    (the dependencies still come from this environment)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETALASE_")}
    env["PYTHONPATH"] = str(site)
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_the_installed_wheel_starts_checks_and_builds_a_project_outside_the_repository(installed, tmp_path):
    where = subprocess.run([sys.executable, "-c", "import pipeline; print(pipeline.__file__)"], cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(installed)}, capture_output=True, text=True)
    assert Path(where.stdout.strip()).is_relative_to(installed)  # not the checkout's editable install
    assert (installed / "pipeline" / "defaults" / "templates" / "fonts" / "LICENSE-Vollkorn.txt").is_file()

    result = etalase(installed, tmp_path, "init", "karo", "--council", "Dekranasda Kabupaten Karo",
                     "--regency", "Karo", "--kecamatan", "Kabanjahe")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "karo"
    own = project / "templates" / "captions" / "default.j2"  # the council's own caption wins
    own.parent.mkdir(parents=True)
    packaged = installed / "pipeline" / "defaults" / "templates" / "captions" / "default.j2"
    own.write_text(packaged.read_text(encoding="utf-8") + "Dikurasi Dekranasda Karo.\n", encoding="utf-8")

    check = etalase(installed, project, "check", "--strict")
    assert check.returncode == 0, check.stderr
    steps = [("users", "add", "rina", "--role", "curator", "--no-password"),
             ("review", "approve", "contoh-produk", "--check", "all", "--as", "rina")]
    for step in steps:
        done = etalase(installed, project, *step)
        assert done.returncode == 0, done.stderr
    build = etalase(installed, project, "build", "--draft", "--days", "1")
    assert build.returncode == 0, build.stderr + build.stdout

    (day,) = [p for p in (project / "exports").iterdir() if p.is_dir() and p.name[:2] == "20"]
    manifest = json.loads((day / "post.json").read_text(encoding="utf-8"))
    files = manifest["files"]
    for rel in [files["video"], files["cover"], files["caption"], *files["slides"], "checklist.html"]:
        assert (day / rel).is_file() and (day / rel).stat().st_size > 0, rel
    caption = (day / "caption.txt").read_text(encoding="utf-8")
    assert caption.rstrip().endswith("Dikurasi Dekranasda Karo.") and "Karo" in caption
    assert "Serdang" not in caption and "Sergai" not in caption

    sample = etalase(installed, tmp_path, "init", "contoh", "--sample")
    assert sample.returncode == 0, sample.stderr
    assert (tmp_path / "contoh" / "content" / "music" / "sergai-pentatonik.m4a").is_file()
    assert etalase(installed, tmp_path / "contoh", "check", "--strict").returncode == 0
