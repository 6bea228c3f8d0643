"""The monthly report written out: a printable HTML page (Jinja2, user-first template report/monthly.html.j2)
and a PDF (fpdf2), both in Bahasa Indonesia, under exports/laporan/YYYY-MM.{html,pdf}.

The HTML carries everything inside it (covers as small JPEG data URIs, the charts as inline SVG) so it can
be mailed or printed on its own. fpdf2 and matplotlib are the optional `report` extra: without fpdf2 only
the HTML is written (`Written.pdf` is None) and without matplotlib the report has no charts (the
same medians stay as tables). The bar charts are the Wawasan page's own (charts.bars), titled for the month.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib.util
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from pipeline.common import atomic
from pipeline.common.labels import BULAN, tanggal, waktu
from pipeline.common.project import Project
from pipeline.results import charts, stats
from pipeline.results.groups import Grouped
from pipeline.results.monthly import MonthReport
from pipeline.results.numbers import format_count

FOLDER = "laporan"
METRIC_LABELS = {"views": "Tayangan", "likes": "Suka", "comments": "Komentar", "shares": "Dibagikan",
                 "saves": "Disimpan", "followers": "Pengikut baru"}
COVER_SIZE = (180, 240)


@dataclass(frozen=True)
class Written:
    html: Path
    pdf: Path | None  # None: fpdf2 is not installed


def paths(exports: Path, month: dt.date) -> tuple[Path, Path]:
    stem = exports / FOLDER / f"{month:%Y-%m}"
    return stem.with_suffix(".html"), stem.with_suffix(".pdf")


def pdf_available() -> bool:
    return importlib.util.find_spec("fpdf") is not None


def month_name(month: dt.date) -> str:
    return f"{BULAN[month.month - 1]} {month.year}"


def angka(value) -> str:
    """12.345 as Indonesian writes it; a median of 12,5 keeps its decimal comma."""
    if isinstance(value, float) and not value.is_integer():
        whole, frac = f"{abs(value):.1f}".split(".")  # the sign apart: -0.5 has a whole part of "-0"
        return ("-" if value < 0 else "") + format_count(int(whole)) + "," + frac
    return format_count(int(value))


def _environment(project: Project) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(base / "report") for base in project.templates]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.filters["tanggal"] = tanggal
    env.filters["waktu"] = waktu  # "1 Des 2026, 05.00 WIB": the one label table
    env.filters["angka"] = angka
    env.filters["angka_atau"] = lambda v: "–" if v is None else angka(v)
    return env


def cover_uri(path: Path | None) -> str | None:
    """A cover as a small JPEG data URI (about 10 KB), so the page needs no other file.

    A damaged or unreadable cover is treated as a missing one: the report still gets written."""
    if path is None:
        return None
    from pipeline.catalog.media import MediaError, open_rgb

    try:
        image = open_rgb(path)
    except (MediaError, OSError):
        return None
    image.thumbnail(COVER_SIZE)
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def render_html(project: Project, report: MonthReport, colours: Mapping[str, str], *,
                covers: Mapping[dt.date, str | None] | None = None, chart_svg: str | None = None,
                group_svgs: Mapping[str, str] | None = None) -> str:
    """The page; `group_svgs` holds the bar chart of each grouping drawn (by grouping name)."""
    covers = covers if covers is not None else {t.day: cover_uri(t.cover) for t in report.top}
    return _environment(project).get_template("monthly.html.j2").render(
        r=report, bulan=month_name(report.month), colours=colours, covers=covers,
        charts={"timeline": chart_svg, **(group_svgs or {})}, metrics=list(METRIC_LABELS.items()),
        few=stats.FEW_POSTS)


def _timeline(report: MonthReport, style: charts.Style, width_in: float = charts.WIDTH_IN):
    return charts.timeline(report.outcomes, f"Tayangan per unggahan, {month_name(report.month)}", style=style,
                           width_in=width_in)


def _bars(report: MonthReport, g: Grouped, style: charts.Style, width_in: float = charts.WIDTH_IN):
    """The Wawasan page's bar chart of one grouping, titled for the month."""
    return charts.bars([group for _, group in g.rows], {group.key: label for label, group in g.rows},
                       f"{g.title}, {month_name(report.month)}", style=style, width_in=width_in)


PDF_WIDTH_IN = 6.4  # the timeline across an A4 page's text width
BARS_MM = 108  # a bar chart beside its table in the PDF, drawn at that size so its text prints at its size
PDF_DPI = 150  # flat bars and 10-12 pt text stay sharp in print; 200 dpi made December's PDF 150 KB, not 112 KB


def _palette(png: bytes) -> bytes:
    """A chart's PNG as 64 palette colours: its colours are flat, so nothing visible is lost, and December's PDF
    (a seeded year, six charts) is 112 KB instead of 203 KB with RGBA PNGs (286 KB at 200 dpi)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    buf = io.BytesIO()
    image.quantize(64, method=Image.Quantize.MEDIANCUT).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def write(project: Project, report: MonthReport, brand) -> Written:
    """Both files, each written atomically; the PDF only when fpdf2 is installed. Charts need matplotlib and
    at least one post with results. Each bar chart is drawn once for both files (its SVG and its PNG)."""
    style = charts.Style.of(brand)
    drawn = bool(charts.available() and report.outcomes)
    shown = [g for g in report.groups if g.rows] if drawn else []
    with_pdf = pdf_available()
    bars = {g.name: _bars(report, g, style, width_in=BARS_MM / 25.4) for g in shown}
    both = {name: charts.svg_and_png(chart, dpi=PDF_DPI) if with_pdf else (charts.svg(chart), b"")
            for name, chart in bars.items()}
    html_path, pdf_path = paths(project.exports, report.month)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(html_path, render_html(
        project, report, brand.colours, chart_svg=charts.svg(_timeline(report, style)) if drawn else None,
        group_svgs={name: svg for name, (svg, _) in both.items()}))
    if not with_pdf:
        return Written(html_path, None)
    from pipeline.results.pdf import report_pdf

    wide = charts.png(_timeline(report, style, width_in=PDF_WIDTH_IN), dpi=PDF_DPI) if drawn else None
    atomic.write_bytes(pdf_path, report_pdf(report, brand, chart_png=_palette(wide) if wide else None,
                                            group_pngs={name: _palette(png) for name, (_, png) in both.items()}))
    return Written(html_path, pdf_path)


def make(ctx, month: dt.date) -> Written:
    """The use-case the CLI and the dashboard share: build `month`'s report from a plan Context and write it."""
    from pipeline.render.brand import load_brand
    from pipeline.results.monthly import build_report

    brand = load_brand(ctx.project)
    channels = ctx.settings.channels
    report = build_report(ctx.conn, ctx.catalog, ctx.project.exports, month, council=brand.council, now=ctx.now(),
                          default_channel=channels[0].name if channels else "tiktok")
    return write(ctx.project, report, brand)
