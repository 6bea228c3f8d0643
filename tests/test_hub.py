"""The hub: many council projects built in one run on a real dask.distributed cluster (loopback only).

Each council is a copy of the `shop` project with its own brand colour, state and exports. The cluster
has two worker processes bound to 127.0.0.1, like a hub's machines but on one box.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import shutil
import threading
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
                                  dashboard_address="127.0.0.1:0", worker_dashboard_address=None) as c:
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
        report = build_councils(roots, B.Options(draft=True, ship_blobs=True), executor, clock=CLOCK)
    assert report.ok, [(c.name, c.error, c.report and c.report.failed) for c in report.councils]
    assert [c.name for c in report.councils] == sorted(COLOURS)
    assert report.count(B.BUILT) == 2 * len(COLOURS)
    for root in roots:  # the same council built in one process, without the hub (nor its render cache)
        alone = tmp_path / "alone" / root.name
        shutil.copytree(root, alone, ignore=shutil.ignore_patterns("exports", "cache"))
        seq = B.build(open_council(alone), B.Options(draft=True), clock=CLOCK)
        assert seq.ok and seq.renders == 2 and seq.cache_hits == 0  # rendered afresh, not the hub's files
        assert day_properties(root / "exports") == day_properties(alone / "exports")


def test_a_council_with_a_broken_template_fails_alone(tmp_path, cluster):
    roots = make_councils(tmp_path / "hub")
    broken = roots[1]
    (broken / "templates" / "videos" / "default.yaml").write_text("scenes: [\n", encoding="utf-8")
    with executor_for(cluster.scheduler_address) as executor:
        report = build_councils(roots, B.Options(draft=True, ship_blobs=True), executor, clock=CLOCK)
    by_name = {c.name: c for c in report.councils}
    assert not by_name[broken.name].ok
    assert not X.day_folders(broken / "exports")
    for root in roots:
        if root != broken:
            assert by_name[root.name].ok and len(X.day_folders(root / "exports")) == 2


def test_a_brand_change_re_renders_only_that_councils_days(tmp_path, cluster):
    roots = make_councils(tmp_path / "hub")
    options = B.Options(draft=True, ship_blobs=True)
    with executor_for(cluster.scheduler_address) as executor:
        first = build_councils(roots, options, executor, clock=CLOCK)
        assert first.ok and sum(c.report.renders for c in first.councils) == 2 * len(roots)
        brand = roots[0] / "templates" / "brand.yaml"
        brand.write_text(brand.read_text(encoding="utf-8").replace(COLOURS[roots[0].name], "#101010"),
                         encoding="utf-8")
        for day in X.day_folders(roots[2] / "exports"):  # its folders gone: its days go through the cache
            shutil.rmtree(roots[2] / "exports" / day.isoformat())
        second = build_councils(roots, options, executor, clock=CLOCK)
    assert second.ok
    counted = {c.name: (c.report.renders, c.report.cache_hits, c.count(B.UNCHANGED)) for c in second.councils}
    assert counted == {roots[0].name: (2, 0, 0),  # its brand changed: both days rendered again
                       roots[1].name: (0, 0, 2),  # folders still current: not even looked up
                       roots[2].name: (0, 2, 0)}  # folders deleted: both days placed from the render cache
    assert len(X.day_folders(roots[2] / "exports")) == 2


def test_a_shipped_job_carries_bytes_not_the_projects_paths(shop):
    import pickle

    from pipeline.build.jobs import ShippedJob, render_shipped
    from pipeline.plan.admin import open_context, plan_days
    from pipeline.render.inputs import DaySettings, Loader

    project = open_council(shop.root)
    ctx = open_context(project, CLOCK)
    slot = plan_days(ctx, [dt.date(2026, 10, 1)])[0]
    loader = Loader(project, ctx.catalog)
    inputs = loader.inputs(slot.product, DaySettings.of(slot, draft=True, timezone=ctx.settings.timezone))
    ctx.conn.close()
    job = ShippedJob.of(inputs, loader.blobs(inputs))
    blob = pickle.dumps(job)
    assert str(shop.root).encode() not in blob  # nothing a worker could read on the hub's disk
    moved = shop.root.rename(shop.root.with_name("gone"))  # and the render does not need it
    result, files = render_shipped(pickle.loads(blob))
    assert moved.exists() and not shop.root.exists()
    assert not result.failed_checks and set(files) == set(result.paths()) and files["video.mp4"][4:8] == b"ftyp"
    from pipeline.render import draw, text

    # the job's fonts and logo lay in its own deleted store: nothing keeps them (a worker grew per job)
    assert text.load_font.cache_info().currsize == text._length.cache_info().currsize == 0
    assert draw._logo.cache_info().currsize == 0


def kill_a_worker_mid_render(roots: list[Path], marks: Path, point: str, executor, options: B.Options):
    """Run the hub in a thread, SIGKILL the first worker paused at `point` (pipeline/common/testhook.py:
    the test's environment makes every worker pause at its first arrival), release the rest, and check
    that every council still finished every day, the lost job having run again in another process."""
    import json
    import os
    import signal
    import threading
    import time

    from pipeline.common import testhook

    result = {}
    runner = threading.Thread(target=lambda: result.update(report=build_councils(roots, options, executor,
                                                                                  clock=CLOCK)))
    runner.start()
    deadline = time.monotonic() + 300
    paused = []
    while not paused:
        assert time.monotonic() < deadline and runner.is_alive(), "no worker reached a render"
        paused = [m for m in (json.loads(p.read_text()) for p in sorted(marks.glob(f"*-{point}.json"))) if m["paused"]]
        time.sleep(0.05)
    victim = paused[0]["pid"]
    assert victim != os.getpid()
    os.kill(victim, signal.SIGKILL)  # mid-render: the job is lost with its worker
    (marks / testhook.RELEASE).touch()
    runner.join(timeout=600)
    assert not runner.is_alive()
    report = result["report"]
    assert report.ok, [(c.name, c.error, c.report and [d.message for d in c.report.failed]) for c in report.councils]
    arrivals = [json.loads(p.read_text()) for p in marks.glob(f"*-{point}.json")]
    assert any(m["pid"] != victim and m["inputs"] == paused[0]["inputs"] for m in arrivals)  # run again elsewhere
    for root in roots:
        exports = root / "exports"
        assert len(X.day_folders(exports)) == 2 and all(X.read_manifest(exports / d.isoformat())
                                                       for d in X.day_folders(exports))
        assert not any((exports / ".building").iterdir())  # no half folder


NEEDS_SIGKILL = pytest.mark.skipif(not hasattr(__import__("signal"), "SIGKILL"), reason="needs SIGKILL (POSIX)")


@NEEDS_SIGKILL
def test_a_worker_killed_mid_render_is_replaced_and_every_day_finishes(tmp_path, monkeypatch):
    from pipeline.common import testhook

    roots = make_councils(tmp_path / "hub")
    marks = tmp_path / "marks"
    monkeypatch.setenv(testhook.VARIABLE, f"shipped-render:{marks}")  # the workers pause at their first render
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0", worker_dashboard_address=None) as cluster:
        with executor_for(cluster.scheduler_address) as executor:
            kill_a_worker_mid_render(roots, marks, "shipped-render", executor, B.Options(draft=True, ship_blobs=True))


@NEEDS_SIGKILL
def test_the_local_pool_replaces_a_worker_killed_mid_render_and_every_day_finishes(tmp_path, monkeypatch):
    """Without --scheduler the hub's pool is build/pool.py's: a dead worker breaks a plain process pool
    for every council; this one runs the lost jobs again on a fresh pool."""
    from pipeline.common import testhook

    roots = make_councils(tmp_path / "hub")
    marks = tmp_path / "marks"
    monkeypatch.setenv(testhook.VARIABLE, f"job-render:{marks}")  # spawned workers pause at their first render
    with executor_for(None, workers=2) as executor:
        kill_a_worker_mid_render(roots, marks, "job-render", executor, B.Options(draft=True))
        assert executor.restarts >= 1


def test_the_hub_command_builds_every_council_and_prints_a_table(tmp_path, cluster, monkeypatch, capsys):
    from pipeline.cli import main

    roots = make_councils(tmp_path / "hub")
    (roots[2] / "schedule.yaml").write_text("horizon_days: [\n", encoding="utf-8")  # this council cannot plan
    monkeypatch.setenv("ETALASE_NOW", CLOCK.now().isoformat())
    code = main(["hub", "build", str(tmp_path / "hub"), "--draft", "--scheduler", cluster.scheduler_address])
    out, err = capsys.readouterr()
    assert code == 1
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    heads = out.splitlines()[0].split()
    assert heads[1] == "built" and heads[-3:] == ["renders", "cache_hits", "result"]
    first = rows[roots[0].name].split()
    assert first[1] == "2" and first[-3:] == ["2", "0", "ok"]  # both days rendered, none from the cache
    assert rows[roots[1].name].split()[1] == "2"
    assert rows["total"].split()[-4:] == ["4", "0", "not", "ok"]  # renders, cache hits, one council failed
    assert "ERROR" in rows[roots[2].name] and "schedule.yaml" in rows[roots[2].name]
    assert f"[{roots[0].name}]" in err
    assert len(X.day_folders(roots[0] / "exports")) == 2 and not X.day_folders(roots[2] / "exports")


def test_identical_councils_render_once_even_while_both_are_in_flight(tmp_path, monkeypatch):
    """Two councils with the same inputs (a copy of one project) and one of their own: the twins share
    one render per day through the hub's run. The pool's workers pause at their first render until
    every council has submitted its days, so no render can have finished and reached the cache first:
    the twin's days join the other's jobs in flight."""
    from pipeline.common import testhook
    from pipeline.hub.councils import HUB_STATE

    roots = make_councils(tmp_path / "hub")
    twin = tmp_path / "hub" / "aceh-kembar"
    shutil.copytree(roots[0], twin)
    roots = find_councils(tmp_path / "hub")
    marks = tmp_path / "marks"
    monkeypatch.setenv(testhook.VARIABLE, f"job-render:{marks}")
    started = []

    def tell(name, event, data):
        if event == "start" or (event == "done" and data.error):  # a council that cannot plan never starts
            started.append(name)
            if len(started) == len(roots):  # every day of every council submitted or joined
                (marks / testhook.RELEASE).parent.mkdir(parents=True, exist_ok=True)
                (marks / testhook.RELEASE).touch()

    with executor_for(None, workers=2) as executor:
        report = build_councils(roots, B.Options(draft=True), executor, clock=CLOCK, tell=tell, parallel=4)
    assert report.ok, [(c.name, c.error, c.report and [d.message for d in c.report.failed]) for c in report.councils]
    work = {c.name: (c.report.renders, c.report.cache_hits) for c in report.councils}
    pair = [work["aceh"], work["aceh-kembar"]]
    assert sum(r for r, _ in pair) == 2 and sum(h for _, h in pair) == 2  # two days, rendered once between them
    assert all(r + h == 2 for r, h in pair)
    assert work["banda"] == work["cirebon"] == (2, 0)  # their own brands: their own renders
    assert len(list(marks.glob("*-job-render.json"))) == 2 * 3  # six renders for eight days
    for day in X.day_folders(roots[0] / "exports"):
        ours, theirs = (r / "exports" / day.isoformat() / "video.mp4" for r in (roots[0], twin))
        assert ours.read_bytes() == theirs.read_bytes()
        assert X.read_manifest(ours.parent)["input_hash"] == X.read_manifest(theirs.parent)["input_hash"]
    cache = tmp_path / "hub" / HUB_STATE / "cache" / "renders"
    assert len([p for p in cache.iterdir() if not p.name.startswith(".")]) == 6
    assert not any((r / "state" / "cache" / "renders").exists() for r in roots)  # the hub's cache, not theirs


def test_the_hubs_shared_cache_is_pruned_by_command_and_one_hub_run_at_a_time(tmp_path, capsys):
    from pipeline.build.lock import BuildBusy, BuildLock
    from pipeline.cli import main
    from pipeline.hub.councils import hub_cache, hub_state
    from tests.test_render_cache import _fake_entry

    roots = [make_shop(make_scratch(tmp_path / "hub" / name)).root for name in ("aceh", "banda")]
    state = hub_state(tmp_path / "hub")
    assert state == tmp_path.resolve() / "hub" / ".etalase-hub" and find_councils(tmp_path / "hub") == roots
    cache = hub_cache(state, len(roots))
    old, new = (_fake_entry(cache, c, 10_000, t) for c, t in (("a", 1e9), ("b", 1.2e9)))
    assert main(["cache", "prune", "--hub", str(tmp_path / "hub"), "--max-size", "15 kB"]) == 0
    assert f"removed {old[:12]}" in capsys.readouterr().out and [e.digest for e in cache.entries()] == [new]
    with pytest.raises(TypeError):  # each council's build would make and shut down a pool of its own
        build_councils(roots, B.Options(draft=True), None, clock=CLOCK)
    with BuildLock(state).held(), cf.ThreadPoolExecutor(1) as pool:  # another hub run uses this cache
        with pytest.raises(BuildBusy):
            build_councils(roots, B.Options(draft=True), pool, clock=CLOCK)
        assert main(["cache", "prune", "--hub", str(tmp_path / "hub"), "--max-size", "0"]) == 1
    assert [e.digest for e in cache.entries()] == [new]


class FirstJobFails(cf.ThreadPoolExecutor):
    """One render thread whose first job fails once every council has started (as a job lost with its
    worker twice fails): the twin that joined it must render the day itself, not inherit the failure."""

    def __init__(self, gate: threading.Event):
        super().__init__(max_workers=1)  # one render at a time: the renderer's caches are per process
        self.gate, self.submitted, self.counting = gate, 0, threading.Lock()

    def submit(self, fn, /, *args, **kwargs):
        with self.counting:  # councils' threads submit at once
            self.submitted += 1
            first = self.submitted == 1
        if first:
            def lost():
                self.gate.wait()
                raise RuntimeError("the worker was lost twice")
            return super().submit(lost)
        return super().submit(fn, *args, **kwargs)


def test_a_twin_that_joined_a_failed_render_renders_the_day_itself(tmp_path):
    first = make_shop(make_scratch(tmp_path / "hub" / "aceh"))
    shutil.copytree(first.root, tmp_path / "hub" / "aceh-kembar")
    roots = find_councils(tmp_path / "hub")
    gate, started = threading.Event(), []

    def tell(name, event, data):
        if event == "start" or (event == "done" and data.error):
            started.append(name)
            if len(started) == len(roots):
                gate.set()

    with FirstJobFails(gate) as executor:
        report = build_councils(roots, B.Options(draft=True), executor, clock=CLOCK, tell=tell)
    by_name = {c.name: c for c in report.councils}
    owner = next(c for c in report.councils if c.report.failed)  # the council whose job it was
    twin = by_name["aceh-kembar" if owner.name == "aceh" else "aceh"]
    assert [d.message for d in owner.report.failed] == ["RuntimeError: the worker was lost twice"]
    assert twin.ok and twin.count(B.BUILT) == 2
    # the other day's one render is either twin's (whichever asked first), the failed day is the twin's own
    assert owner.report.renders + owner.report.cache_hits == 1
    assert twin.report.renders + twin.report.cache_hits == 2 and twin.report.renders >= 1
    assert owner.report.renders + twin.report.renders == 2 and owner.report.cache_hits + twin.report.cache_hits == 1
    assert executor.submitted == 3
