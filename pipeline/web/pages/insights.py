"""Wawasan: what the council's own posts got, grouped by what they were (craft, kecamatan, artisan, weekday,
posting hour, and what the video did), each median with the number of posts behind it; the best posting
time; and the monthly report button. Charts are matplotlib SVG when the `report` extra is installed,
otherwise the same numbers as tables with a note."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from pipeline.common.channels import SPECS
from pipeline.common.errors import EtalaseError, NotFound
from pipeline.plan import admin as P
from pipeline.plan import ledger
from pipeline.results import charts, groups, stats
from pipeline.results import report as R
from pipeline.results.besttime import BestTime, best_time_from
from pipeline.results.features import post_features
from pipeline.results.monthly import parse_month
from pipeline.results.readings import latest_readings
from pipeline.web.auth import PLANNERS, require, viewer, web
from pipeline.web.render import flash, page

router = APIRouter(dependencies=[Depends(viewer)], include_in_schema=False)

# The report is one standalone file (mailed, printed), so its style sits inside it: allowed for that file only,
# with nothing else (no script, no fetch, no form).
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
              "frame-ancestors 'none'")
REPORT_FILE = re.compile(r"^\d{4}-\d{2}\.(html|pdf)$")
CHART_FILE = re.compile(r"^[0-9a-f]{20}\.svg$")
# Drawn charts by content digest, served as images (/wawasan/grafik/<digest>.svg) so the page itself stays
# light on a phone (inline, nine charts weighed ~300 KB) and a chart already seen comes from the cache.
_CHARTS: OrderedDict[str, str] = OrderedDict()
_CHARTS_LOCK = threading.Lock()  # pages are served from a thread pool
KEPT_CHARTS = 64
_DRAWN: OrderedDict[str, dict[str, str]] = OrderedDict()  # the numbers' digest -> their charts' URLs
KEPT_VIEWS = 8  # all channels and each channel's view, a few versions each


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    rows: list[tuple[str, stats.Group]]  # label, group
    chart: str | None  # data: URI of the SVG


@dataclass(frozen=True)
class View:
    posts: int          # days in the ledger
    read: int           # of which have readings
    overall: stats.Group
    timeline: str | None  # data: URI of the SVG
    sections: list[Section]
    best: BestTime | None
    channels: list[str] = field(default_factory=list)  # channels that have readings, for the filter


def _best_time(state, conn) -> BestTime | None:
    """The results engineer's rule (pipeline/results/besttime.py), shown with the posts behind it; None while
    schedule.yaml is broken (Hari ini names its problems)."""
    try:
        s = state.settings()
    except EtalaseError:
        return None
    return best_time_from(conn, configured=s.post_at, needed=s.best_time_posts, zone=s.zone)


def _style(state) -> charts.Style:
    from pipeline.render.brand import load_brand

    try:
        return charts.Style.of(load_brand(state.project))
    except EtalaseError:  # a broken brand.yaml: the page still shows, in the default colours
        return charts.Style()


def _view(state, channel: str | None) -> View:
    conn, catalog = state.db(), state.catalog()
    posted = ledger.posts(conn)
    features = post_features(posted.values(), catalog, state.project.exports)
    latest = latest_readings(conn)
    items = stats.outcomes(features, latest, channel=channel)
    shown = groups.grouped(items, catalog)
    numbers = [(g.name, g.rows) for g in shown]
    svgs = _charts(state, items, numbers) if charts.available() else {}
    sections = [Section(g.name, g.title, g.rows, svgs.get(g.name)) for g in shown]
    return View(len(posted), len(items), stats.summary(items), svgs.get("timeline"), sections,
                _best_time(state, conn), sorted({ch for _, ch in latest}))


def _charts(state, items: list[stats.Outcome], numbers: list) -> dict[str, str]:
    """Every chart as SVG, drawn again only when the numbers behind them change (drawing nine charts takes
    seconds; a posted mark or a new product alone changes none of them)."""
    timeline = tuple((o.day, o.get("views")) for o in items)

    def draw() -> dict[str, str]:
        style = _style(state)
        out = {"timeline": _kept(charts.svg(charts.timeline(items, style=style)))} if items else {}
        for name, rows in numbers:
            if rows:
                drawn = [g for _, g in rows]
                out[name] = _kept(charts.svg(charts.bars(drawn, {g.key: label for label, g in rows}, style=style)))
        return out

    key = hashlib.sha256(repr((timeline, numbers, _stat_brand(state))).encode("utf-8")).hexdigest()
    with _CHARTS_LOCK:  # by what they show, not by age: each channel's view keeps its own
        urls = _DRAWN.get(key)
        kept = urls is not None and all(url.rsplit("/", 1)[-1].removesuffix(".svg") in _CHARTS for url in urls.values())
    if not kept:  # new numbers, or pushed out of the kept charts by other views
        urls = draw()
        with _CHARTS_LOCK:
            _DRAWN[key] = urls
            while len(_DRAWN) > KEPT_VIEWS:
                _DRAWN.popitem(last=False)
    return urls


def _kept(svg: str) -> str:
    """Keep a drawn chart under its digest; its URL."""
    digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()[:20]
    with _CHARTS_LOCK:
        _CHARTS[digest] = svg
        _CHARTS.move_to_end(digest)
        while len(_CHARTS) > KEPT_CHARTS:
            _CHARTS.popitem(last=False)
    return f"/wawasan/grafik/{digest}.svg"


@router.get("/wawasan/grafik/{name}")
def chart_file(name: str):
    """A drawn chart (behind the router's login, like the page)."""
    svg = _CHARTS.get(name.removesuffix(".svg")) if CHART_FILE.match(name) else None
    if svg is None:
        raise NotFound(name)
    return Response(svg, media_type="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=31536000, immutable"})


def _stat_brand(state):
    try:
        path = state.project.template("brand.yaml")
        st = path.stat()
    except (EtalaseError, OSError):
        return None
    return (str(path), st.st_mtime_ns, st.st_size)


def _months(state) -> list[dt.date]:
    """This month, then every month that has posts, newest first (the form picks last month, as `etalase report`
    does)."""
    try:
        today = state.settings().today(state.clock.now())
    except EtalaseError:
        today = state.clock.now().date()
    this = today.replace(day=1)
    return [this, *sorted({d.replace(day=1) for d in ledger.posts(state.db())} - {this}, reverse=True)]


def _reports(state) -> list[tuple[str, str, str]]:
    """Reports already written: (month label, html name, pdf name or '')."""
    folder = state.project.exports / R.FOLDER
    out = []
    for html in sorted(folder.glob("????-??.html"), reverse=True) if folder.is_dir() else ():
        try:
            month = parse_month(html.stem)
        except EtalaseError:
            continue
        pdf = html.with_suffix(".pdf")
        out.append((R.month_name(month), html.name, pdf.name if pdf.is_file() else ""))
    return out


@router.get("/wawasan")
def insights_page(request: Request, kanal: str = ""):
    state = web(request)
    view = state.memo("wawasan", lambda: _view(state, None))
    if kanal in view.channels:  # one channel's readings alone; anything else shows every channel
        view = state.memo(f"wawasan-{kanal}", lambda: _view(state, kanal))
    else:
        kanal = ""
    months = _months(state)
    last_month = (months[0] - dt.timedelta(days=1)).strftime("%Y-%m")  # months[0] is this month
    return page(request, "insights.html", title="Wawasan", v=view, few=stats.FEW_POSTS, charts=charts.available(),
                kanal=kanal, channel_labels={c: SPECS[c].label if c in SPECS else c for c in view.channels},
                pdf=R.pdf_available(), months=[(m.strftime("%Y-%m"), R.month_name(m)) for m in months],
                chosen=last_month,
                reports=_reports(state), may_plan=viewer(request).may(PLANNERS))


@router.post("/wawasan/laporan")
def make_report(request: Request, bulan: str = Form("")):
    require(request, PLANNERS, "membuat laporan bulanan")
    state = web(request)
    month = parse_month(bulan)
    ctx = P.Context(state.project, state.settings(), state.catalog(), state.db(), state.clock)
    written = R.make(ctx, month)
    state.wrote()
    flash(request, f"Laporan {R.month_name(month)} sudah dibuat"
                   + ("." if written.pdf else " (tanpa PDF: pasang paket tambahan `report`)."))
    return RedirectResponse("/wawasan#laporan", status_code=303)


@router.get("/wawasan/laporan/{name}")
def report_file(request: Request, name: str):
    path = web(request).project.exports / R.FOLDER / name
    if not REPORT_FILE.match(name) or not path.is_file():
        raise NotFound(name)
    media = "application/pdf" if name.endswith(".pdf") else "text/html; charset=utf-8"
    return FileResponse(path, media_type=media, content_disposition_type="inline",
                        headers={"Cache-Control": "no-store", "Content-Security-Policy": REPORT_CSP})

