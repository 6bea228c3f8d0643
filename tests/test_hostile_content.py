"""Hostile files in content/products/: each one is one problem for that file, and nothing more.

Every case drops one bad `x.yaml` into the `shop` catalogue (four good products); the good
products must all still load, and `check`, `preview`, a build and the scheduler must carry on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.build import scheduler as SCH
from pipeline.build.orchestrate import Options
from pipeline.catalog.reader import load_catalog
from pipeline.cli import main
from pipeline.common.clock import FixedClock
from pipeline.common.project import Project

GOOD = {"tas-purun", "tikar-purun", "kain-tenun", "selendang"}
HEAD = "name: Tas\nartisan: ani\ncraft: anyaman-purun\nphotos: [p1.jpg]\n"


def _link(target):
    def make(path: Path) -> None:
        try:
            os.symlink(target if target != "self" else path.name, path)
        except OSError:
            pytest.skip("this system does not let us make symbolic links")
    return make


def _fifo(path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    os.mkfifo(path)


def _write(text: str):
    return lambda path: path.write_text(text, encoding="utf-8")


def _big_unknown_keys(path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write(HEAD + "price: 1000\n")
        for i in range(2_500_000):  # ~50 MB of unknown keys
            f.write(f"k{i}: v\n")


HOSTILE = {
    "dangling link": (_link("/nonexistent/etalase.yaml"), "is a link to `/nonexistent/etalase.yaml`, which does"),
    "link loop": (_link("self"), "is a link that leads back to itself (a link loop)"),
    "folder named x.yaml": (lambda p: p.mkdir(), "is a folder, not a file"),
    "5,000-digit price": (_write(HEAD + "price: " + "9" * 5000 + "\n"), "number is too long (5,000 characters)"),
    "huge focus": (_write(HEAD.replace("photos: [p1.jpg]", "photos:\n  - file: p1.jpg\n    focus: [1" + "0" * 400
                                       + ", 0.5]") + "price: 1000\n"), "number too large (401 digits)"),
    "link to /dev/zero": (_link("/dev/zero"), "outside content/"),
    "FIFO": (_fifo, "is not a regular file (a device, pipe or socket)"),
    "50 MB of unknown keys": (_big_unknown_keys, "over the 256 KB limit for one file"),
    "deep nesting": (_write(HEAD + "price: 1000\ntags: " + "[" * 5000 + "]" * 5000 + "\n"), "YAML syntax error"),
}


@pytest.fixture(params=list(HOSTILE), ids=list(HOSTILE))
def hostile(request, shop):
    make, message = HOSTILE[request.param]
    if request.param == "link to /dev/zero" and not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    make(shop.content / "products/x.yaml")
    return shop, message


def test_each_hostile_file_is_one_problem_and_the_good_products_load(hostile):
    shop, message = hostile
    cat = load_catalog(shop.content)
    (p,) = cat.problems
    assert p.path == "content/products/x.yaml" and p.is_error
    assert message in p.message
    assert set(cat.products) == GOOD and cat.invalid == {"x": "content/products/x.yaml"}


def cli(root: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), *argv])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("make", ["FIFO", "link loop"])
def test_check_finishes_with_one_error_and_preview_still_works(shop, make):
    HOSTILE[make][0](shop.content / "products/x.yaml")
    result = subprocess.run([sys.executable, "-m", "pipeline", "--root", str(shop.root), "check"],
                            capture_output=True, text=True, cwd=shop.root, timeout=120)  # a FIFO once hung here
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error")] == [
        f"error: content/products/x.yaml: {HOSTILE[make][1]}"]
    assert "4 products ready, 1 with errors" in result.stdout
    code, out, err = cli(shop.root, "preview", "tas-purun", "--no-video", "--out", str(shop.root / "pv"))
    assert code == 0 and (shop.root / "pv/cover.jpg").exists(), err


def test_the_scheduled_build_makes_its_day_beside_a_hostile_file(shop):
    HOSTILE["5,000-digit price"][0](shop.content / "products/x.yaml")
    clock = FixedClock(dt.datetime(2026, 10, 1, 22, 0, tzinfo=dt.UTC))  # 05:00 WIB, 2 October
    report = SCH.Prepare(Project.at(shop.root), Options(draft=True, days=1), clock).run("cron")
    assert [(d.date.isoformat(), d.status) for d in report.days] == [("2026-10-02", "built")]
    assert (shop.root / "exports/2026-10-02/cover.jpg").exists()
