"""The hub: many council projects built in one run on a real dask.distributed cluster (loopback only).

Each council is a copy of the `shop` project with its own brand colour, state and exports. The cluster
has two worker processes bound to 127.0.0.1, like a hub's machines but on one box.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import av
import pytest

from pipeline.build import orchestrate as B
from pipeline.common.clock import FixedClock
from pipeline.export import folders as X
from pipeline.hub.councils import find_councils, open_council
from pipeline.hub.engine import executor_for
from pipeline.hub.run import build_councils
from tests.conftest import make_scratch, make_shop

distributed = pytest.importorskip("distributed", reason="the hub extra (dask.distributed) is not installed")

CLOCK = FixedClock(dt.datetime(2026, 9, 30, 22, 0, tzinfo=dt.UTC))  # 05:00 WIB, 1 October 2026
COLOURS = {"aceh": "#7A2E1F", "banda": "#1F5A7A", "cirebon": "#3F7A1F"}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, worker_dashboard_address=None) as c:
        yield c


def make_councils(folder: Path) -> list[Path]:
    for name, colour in COLOURS.items():
        council = make_shop(make_scratch(folder / name))
        brand = council.root / "templates" / "brand.yaml"
        from pipeline.common.project import PACKAGED_TEMPLATES

        text = (PACKAGED_TEMPLATES / "brand.yaml").read_text(encoding="utf-8")
        brand.write_text(text.replace("primary: \"", f"primary: \"{colour}\"  # was \"", 1)
                         if "primary: \"" in text else text, encoding="utf-8")
    return find_councils(folder)


def day_properties(exports: Path) -> dict:
    out = {}
    for day in X.day_folders(exports):
        folder = exports / day.isoformat()
        files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        with av.open(str(folder / "video.mp4")) as box:
            v = box.streams.video[0]
            video = (v.codec_context.width, v.codec_context.height, v.frames)
        out[day] = (files, video, (folder / "caption.txt").read_text(encoding="utf-8"))
    return out


def test_a_cluster_builds_every_council_like_a_sequential_build(tmp_path, cluster):
    roots = make_councils(tmp_path / "hub")
    with executor_for(cluster.scheduler_address) as executor:
        report = build_councils(roots, B.Options(draft=True), executor, clock=CLOCK)
    assert report.ok, [(c.name, c.error, c.report and c.report.failed) for c in report.councils]
    assert [c.name for c in report.councils] == sorted(COLOURS)
    assert report.count(B.BUILT) == 2 * len(COLOURS)
    for root in roots:  # the same council built in one process, without the hub
        alone = tmp_path / "alone" / root.name
        shutil.copytree(root, alone, ignore=shutil.ignore_patterns("exports"))
        seq = B.build(open_council(alone), B.Options(draft=True), clock=CLOCK)
        assert seq.ok
        assert day_properties(root / "exports") == day_properties(alone / "exports")


def test_a_council_with_a_broken_template_fails_alone(tmp_path, cluster):
    roots = make_councils(tmp_path / "hub")
    broken = roots[1]
    (broken / "templates" / "videos" / "default.yaml").write_text("scenes: [\n", encoding="utf-8")
    with executor_for(cluster.scheduler_address) as executor:
        report = build_councils(roots, B.Options(draft=True), executor, clock=CLOCK)
    by_name = {c.name: c for c in report.councils}
    assert not by_name[broken.name].ok
    assert not X.day_folders(broken / "exports")
    for root in roots:
        if root != broken:
            assert by_name[root.name].ok and len(X.day_folders(root / "exports")) == 2
