"""One vocabulary (docs/glossary.md): every dashboard page, every export page and the messages they show use
its words. The pages come from a real draft build of the `shop` project and a real dashboard over it; the
dashboard's pages are found from the app's own routes (so a page added later is covered without touching
this file) and the export pages are every .html file the build wrote. A variant in the glossary's "Not
this" table fails, naming the page, the variant and the word to write instead."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import PINNED_NOW, REPO, csrf_of, make_scratch, make_shop
from fastapi.testclient import TestClient

from pipeline.build import orchestrate as B
from pipeline.common.clock import FixedClock
from pipeline.common.project import Project
from pipeline.web import create_app

GLOSSARY = REPO / "docs" / "glossary.md"
CLOCK = FixedClock(dt.datetime.fromisoformat(PINNED_NOW))  # 05:00 WIB on Thursday 1 October 2026
DAY1, DAY2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)
# A sample value for each path parameter of a dashboard route; every value is tried. A new route whose
# parameter is not here fails test_every_route_parameter_has_a_sample, which says what to add.
SAMPLES = {"date": [DAY1.isoformat(), DAY2.isoformat()], "slug": ["tas-purun", "ani"], "width": ["160"],
           "relative": ["index.html", f"{DAY1}/checklist.html"], "name": ["2026-10.html"]}
VISIBLE_ATTRS = ("alt", "title", "placeholder", "aria-label", "data-confirm")
HIDDEN_TAGS = {"code", "pre", "textarea", "script", "style", "kbd"}  # file names, commands, the caption itself
FOR_PROGRAMMERS = {"/api"}  # the JSON API's reference for the office IT person quotes the API's English docs


def banned() -> list[tuple[re.Pattern, str, str]]:
    """(pattern, variant, the word to write) from the glossary's "Not this" table."""
    section = GLOSSARY.read_text(encoding="utf-8").split("## Not this", 1)[1]
    rows = re.findall(r"^\| `([^`]+)` \| (.+?) \|$", section, re.M)
    assert len(rows) >= 10, "docs/glossary.md lost its Not this table"
    return [(re.compile(v[3:] if v.startswith("re:") else rf"(?<!\w){re.escape(v)}(?!\w)", re.I), v, write)
            for v, write in rows]


class _Visible(HTMLParser):
    """The text a reader sees: text nodes and the attributes read out or shown, without code and scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        values = dict(attrs)
        self.parts += [values[a] for a in VISIBLE_ATTRS if values.get(a)]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def drift(text: str) -> list[str]:
    return [f"{m[0]!r} (variant {variant!r}): write {write}" for pattern, variant, write in banned()
            for m in pattern.finditer(text)]


@pytest.fixture(scope="module")
def project(tmp_path_factory, web_people_db) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ETALASE_USER", raising=False)
        mp.delenv("ETALASE_DB", raising=False)
        scratch = make_scratch(tmp_path_factory.mktemp("glossary") / "project")
        (scratch.root / "state").mkdir(parents=True)
        shutil.copy2(web_people_db, scratch.root / "state" / "etalase.db")
        make_shop(scratch)
        report = B.build(Project.at(scratch.root), B.Options(draft=True), clock=CLOCK)
        assert [d.status for d in report.days] == [B.BUILT, B.BUILT]
        yield scratch.root


@pytest.fixture(scope="module")
def pages(project) -> dict[str, str]:
    """Every dashboard page (each GET route with each sample), the messages a day change shows, the login
    page, and every export page, after day 1 is marked posted (which rewrites exports/index.html)."""
    c = TestClient(create_app(Project.at(project), require_login=False, local_user="ayu", clock=CLOCK))
    out: dict[str, str] = {}

    def keep(label: str, r) -> None:
        if r.headers.get("content-type", "").startswith("text/html"):
            out[label] = r.text

    token = csrf_of(c.get("/kalender").text)
    for path, fields in [(f"/hari/{DAY2}/kunci", {}), (f"/hari/{DAY2}/lepas", {}), (f"/hari/{DAY2}/lewati", {}),
                         (f"/hari/{DAY2}/batal-lewati", {}), (f"/hari/{DAY2}/tukar", {"product": "kain-tenun"}),
                         (f"/hari/{DAY1}/diunggah", {"url": ""}), (f"/hari/{DAY1}/batal-unggah", {}),
                         (f"/hari/{DAY1}/diunggah", {"url": "https://www.tiktok.com/@dekranasda.sergai/video/1"})]:
        keep(f"POST {path}", c.post(path, data={"csrf_token": token, "kembali": "/kalender", **fields}))
    keep("POST /wawasan/laporan", c.post("/wawasan/laporan", data={"csrf_token": token, "bulan": "2026-10"}))
    for path in dashboard_paths(c.app):
        for url in expand(path):
            keep(url, c.get(url))
    for url in ("/kalender?mulai=2026-10-08", "/produk?q=tas", "/produk/tidak-ada", "/hari/2026-10-02/tukar?q=x"):
        keep(url, c.get(url))
    anonymous = TestClient(create_app(Project.at(project), require_login=True, clock=CLOCK))
    keep("/masuk", anonymous.get("/masuk"))
    for file in sorted((project / "exports").rglob("*.html")):
        out[f"exports/{file.relative_to(project / 'exports').as_posix()}"] = file.read_text(encoding="utf-8")
    return out


def dashboard_paths(app) -> list[str]:
    """The path of every GET route outside /api/ and /static/ (the JSON API speaks to programs)."""
    def walk(routes):
        for r in routes:
            inner = getattr(getattr(r, "original_router", None), "routes", None) or getattr(r, "routes", None)
            if inner is not None and not getattr(r, "path", "").startswith("/static"):
                yield from walk(inner)
            elif "GET" in (getattr(r, "methods", None) or ()):
                yield r.path
    return sorted({p for p in walk(app.routes) if not p.startswith(("/api/", "/static")) and p not in FOR_PROGRAMMERS})


def parameters(path: str) -> list[str]:
    return [name.split(":")[0] for name in re.findall(r"{([^}]+)}", path)]


def expand(path: str) -> list[str]:
    names = parameters(path)
    urls = []
    for values in itertools.product(*(SAMPLES.get(n, []) for n in names)):
        url = path
        for name, value in zip(names, values, strict=True):
            url = re.sub(r"{" + name + r"(:[^}]*)?}", value, url, count=1)
        urls.append(url)
    return urls


def test_every_route_parameter_has_a_sample(project):
    app = create_app(Project.at(project), require_login=False, local_user="ayu", clock=CLOCK)
    missing = {f"{p}: {n}" for p in dashboard_paths(app) for n in parameters(p) if n not in SAMPLES}
    assert not missing, f"add sample values to SAMPLES in tests/test_glossary.py for {sorted(missing)}"


def test_the_glossary_test_sees_pages_of_every_kind(pages):
    assert {"/", "/kalender", "/kurasi", "/produk", "/riwayat", "/masuk", "exports/index.html",
            f"exports/{DAY2}/checklist.html"} <= set(pages)
    assert any("/tukar" in k for k in pages) and any(k.startswith("/hp") for k in pages)
    assert "19.00 WIB" in visible_text(pages["/kalender"])  # the glossary's time form, on the calendar


def test_no_page_uses_a_term_outside_the_glossary(pages):
    found = {name: hits for name, html in pages.items() if (hits := drift(visible_text(html)))}
    assert not found, "pages drift from docs/glossary.md:\n" + "\n".join(
        f"  {name}: {'; '.join(sorted(set(hits)))}" for name, hits in sorted(found.items()))


def test_the_check_catches_each_kind_of_drift():
    """The matcher itself: whole words, any case, times with a colon, raw zone keys and ISO stamps, and
    nothing inside code or the caption box."""
    html = ("<p>Sudah <b>Diposting</b> pukul 19:00 (Asia/Jakarta), dibuat 2026-10-01T05:00</p>"
            "<button title='Salin keterangan'>x</button><code>etalase posted 19:00</code>"
            "<textarea>caption diposting</textarea><p>video 9:16, 19.00 WIB, repostingan</p>")
    hits = " ".join(drift(visible_text(html)))
    assert hits.count("variant") == 5
    for variant in ("'diposting'", "'keterangan'", "'Asia/Jakarta'", "[0-2]", "[T ]"):
        assert variant in hits, variant
