"""The catalogue watcher outlives a product "file" it cannot read, and the pages say which file it is."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipeline.common.project import Project
from pipeline.web import create_app

BANNER = "Katalog tidak bisa dimuat ulang"


def wait_until(condition, what: str, deadline_s: float = 60.0) -> None:
    """Poll for what the watcher does (it rescans once a second); the deadline only stops a hung test."""
    end = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def app(scratch):
    c = TestClient(create_app(Project.at(scratch.root), require_login=False))
    assert c.get("/").status_code == 200 and BANNER not in c.get("/").text
    return c


def problem_files(cache) -> set[str]:
    return {Path(p.path).name for p in cache.get().problems}


def test_a_folder_named_like_a_product_is_one_listed_problem_and_the_watcher_goes_on(app, scratch):
    """The reader reports such a file as one problem (invariant 6), so the reload succeeds and Kurasi lists it."""
    cache = app.app.state.web.catalog_cache
    watcher = cache.watching
    (scratch.content / "products" / "x.yaml").mkdir()
    wait_until(lambda: "x.yaml" in problem_files(cache), "the reload that sees x.yaml")
    assert cache.trouble is None and cache.watching is watcher
    html = app.get("/kurasi").text  # under "File bermasalah", with the reader's message in Indonesian
    assert 'href="/produk/x"' in html and "bukan file" in html
    (scratch.content / "products" / "x.yaml").rmdir()
    wait_until(lambda: "x.yaml" not in problem_files(cache), "the reload without it")
    assert cache.watching is watcher


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks here")
def test_a_dangling_symlink_is_named_and_clears_when_removed(app, scratch, tmp_path):
    cache = app.app.state.web.catalog_cache
    link = scratch.content / "products" / "hilang.yaml"
    try:
        link.symlink_to(tmp_path / "tidak-ada.yaml")
    except OSError as exc:  # Windows without developer mode
        pytest.skip(f"cannot make a symlink: {exc}")
    wait_until(lambda: "hilang.yaml" in problem_files(cache), "the reload that sees the link")
    assert 'href="/produk/hilang"' in app.get("/kurasi").text and cache.watching is not None
    link.unlink()
    wait_until(lambda: "hilang.yaml" not in problem_files(cache), "the reload without it")


@pytest.fixture
def failing_reader(monkeypatch, scratch):
    """A reload that raises (the disk failing under content/): the real reader, made to fail on demand."""
    from pipeline.web import state

    real = state.load_catalog
    broken = {"on": True}

    def load(content, *args, **kwargs):
        if broken["on"]:
            raise OSError(5, "Input/output error", str(scratch.content / "products" / "tas-purun.yaml"))
        return real(content, *args, **kwargs)

    monkeypatch.setattr(state, "load_catalog", load)
    return broken


def test_a_reload_that_fails_keeps_the_last_catalogue_shows_a_banner_and_the_watcher_goes_on(
        app, scratch, caplog, failing_reader):
    cache = app.app.state.web.catalog_cache
    watcher = cache.watching
    caplog.set_level(logging.WARNING, logger="etalase.web")
    scratch.product("tas-purun", size="20 cm")
    wait_until(lambda: cache.trouble is not None, "the failed reload")
    assert cache.watching is watcher  # the same thread, still watching
    for url in ("/", "/kurasi", "/produk"):
        html = app.get(url).text
        assert BANNER in html and "<code>content/products/tas-purun.yaml</code>" in html, url
    assert [p["slug"] for p in app.get("/api/products").json()["products"]] == ["tas-purun"]  # the last good one

    generation = cache.generation
    scratch.product("tas-purun", size="30 cm")  # another change: reloaded, fails again for the same reason
    wait_until(lambda: cache.generation > generation, "the second reload")
    assert cache.trouble is not None and cache.watching is watcher
    assert len([r for r in caplog.records if "tas-purun.yaml" in r.getMessage()]) == 1  # logged once

    failing_reader["on"] = False
    scratch.product("tas-purun", size="40 cm")
    wait_until(lambda: cache.trouble is None, "the good reload")
    assert BANNER not in app.get("/").text and BANNER not in app.get("/kurasi").text
    assert cache.watching is watcher
    assert app.app.state.web.catalog().products["tas-purun"].size == "40 cm"


def test_a_reload_after_an_own_write_fails_softly_too(app, scratch, failing_reader):
    """The request thread reloads after the dashboard wrote: the same rule, a page and a banner, no 500."""
    web = app.app.state.web
    web.wrote(content=True)
    r = app.get("/kurasi")
    assert r.status_code == 200 and BANNER in r.text
