"""Charts of results drawn by matplotlib: SVG for the insights page, PNG for the PDF report.

matplotlib is optional (the `report` extra): `available()` says whether it is installed, and callers
show tables alone without it. Figures are made with matplotlib's object API (no pyplot, no global
figure state), so the dashboard's threads can draw at once. Sizes suit a phone: 4 in wide at 10-12 pt,
one bar per row so long Indonesian names fit, and each bar says how many posts are behind it.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import importlib.util
import io
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.common.labels import BULAN_PENDEK
from pipeline.results.numbers import format_count
from pipeline.results.stats import Group, Outcome

WIDTH_IN = 4.0  # drawn at about its size on a 390 px phone, so 11 pt text reads as ~14 px


@dataclass(frozen=True)
class Style:
    """Brand colours (templates/brand.yaml) and the body font file for the charts."""

    primary: str = "#7A4A26"
    accent: str = "#E9B949"
    light: str = "#FBF6EC"
    dark: str = "#22170F"
    font: Path | None = None

    @classmethod
    def of(cls, brand) -> Style:
        c = brand.colours
        return cls(c.get("primary", cls.primary), c.get("accent", cls.accent), c.get("light", cls.light),
                   c.get("dark", cls.dark), brand.font_path("body"))


def available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


@dataclass(frozen=True)
class Chart:
    """A chart not drawn yet: drawn when saved, inside the brand font's settings (matplotlib reads fonts from
    its rc settings while drawing, so the figure is made and saved in one place)."""

    make: Callable[[str], object]  # font family -> Figure
    style: Style


@functools.lru_cache(maxsize=8)
def _registered(path: str):
    """The font file added to matplotlib's font list once per process (addfont parses the file and appends
    an entry every call); its family and weight as registered."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
    return font_manager.ttfFontProperty(font_manager.get_font(path))


def _rc(style: Style) -> dict:
    if not (style.font and style.font.is_file()):
        return {"font.family": "DejaVu Sans"}
    entry = _registered(str(style.font))
    return {"font.family": entry.name, "font.weight": entry.weight, "axes.titleweight": entry.weight,
            "axes.labelweight": entry.weight, "figure.titleweight": entry.weight}


def _save(chart: Chart, *formats: tuple[str, dict]) -> list[bytes | str]:
    """The chart drawn once and saved in each (format, savefig options): one layout for an SVG and a PNG."""
    from matplotlib import rc_context

    rc = _rc(chart.style)
    out = []
    with rc_context(rc):
        fig = chart.make(rc["font.family"])
        for fmt, kw in formats:
            buf = io.StringIO() if fmt == "svg" else io.BytesIO()
            fig.savefig(buf, format=fmt, facecolor=fig.get_facecolor(), **kw)
            out.append(buf.getvalue())
    return out


def _axes(style: Style, height_in: float, width_in: float = WIDTH_IN):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), facecolor=style.light, layout="constrained")
    ax = fig.add_subplot()
    ax.set_facecolor(style.light)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(style.dark)
    ax.tick_params(colors=style.dark, labelsize=11)
    return fig, ax


FEW_HATCH = "////"  # groups with few posts are hatched as well as pale, so a black-and-white print tells them apart
FEW_NOTE = "sedikit data"


def bars(groups: Sequence[Group], labels: Mapping, title: str = "", style: Style = Style(),
         width_in: float = WIDTH_IN, xlabel: str = "Median tayangan") -> Chart:
    """Median per group as horizontal bars in the given order, top down; 'n=3' beside each, groups with few
    posts pale, hatched and '(sedikit data)' under their name (readable in colour and in a black-and-white
    print)."""
    shown = list(groups)[:15]

    def make(_family: str):
        fig, ax = _axes(style, 1.3 + 0.42 * max(len(shown), 1), width_in)
        rows = shown[::-1]
        drawn = ax.barh(range(len(rows)), [g.median for g in rows], height=0.7,
                        color=[style.accent if g.few else style.primary for g in rows])
        for bar, g in zip(drawn, rows, strict=True):
            if g.few:
                bar.set_hatch(FEW_HATCH)
                bar.set_edgecolor(style.dark)
                bar.set_linewidth(0.6)
        # the few-posts note under the row's name, not after its bar: there it would squeeze every bar on a phone
        ax.set_yticks(range(len(rows)), [str(labels.get(g.key, g.key)) + (f"\n({FEW_NOTE})" if g.few else "")
                                         for g in rows])
        top = max((g.median for g in rows), default=0) or 1
        texts = [ax.text(g.median + top * 0.01, i, f"{format_count(round(g.median))}  (n={g.n})", va="center",
                         fontsize=10, color=style.dark) for i, g in enumerate(rows)]
        if title:  # over the whole figure from its left edge: long row labels would push an axes title off the right
            fig.suptitle(title, x=0.02, ha="left", fontsize=12, color=style.dark)
        if xlabel:
            ax.set_xlabel(xlabel, fontsize=10, color=style.dark)
        ax.xaxis.set_major_formatter(lambda v, _pos: format_count(round(v)))
        _room_for(fig, ax, texts, top * 1.15)
        return fig

    return Chart(make, style)


def _room_for(fig, ax, texts, least: float) -> None:
    """Widen the value axis until every label after a bar ends inside the axes: labels are sized in points, the
    axis in views, and long row names leave the bars less width (a fixed 1.6x the longest bar cut labels off at
    the figure's edge). A label sticking out narrows the axes in the layout, so then the layout runs again."""
    ax.set_xlim(0, least * 1.4)  # enough for most charts: one layout
    for _ in range(2):
        fig.draw_without_rendering()  # runs the constrained layout: the axes' width in pixels is known
        box = ax.get_window_extent()
        out = any(text.get_window_extent().x1 > box.x1 for text in texts)
        need = least
        for text in texts:
            free = 0.97 * box.width - text.get_window_extent().width
            if free > 0:
                need = max(need, text.get_position()[0] * box.width / free)
        ax.set_xlim(0, need)
        if not out:
            return


WINDOW = 15  # posts in the running median drawn over a long timeline


def running_median(values: Sequence[float], window: int = WINDOW) -> list[float]:
    """Median of each value and the window - 1 before it (fewer at the start)."""
    return [statistics.median(values[max(0, i - window + 1): i + 1]) for i in range(len(values))]


def timeline(items: Sequence[Outcome], title: str = "", metric: str = "views", style: Style = Style(),
             width_in: float = WIDTH_IN) -> Chart:
    """Views of each post by the day it ran: a point per post; up to 45 posts joined by a line, more (a
    year is a solid block of zigzags) with the running median of the last 15 posts drawn over the points."""
    points = [(o.day, o.get(metric)) for o in items if o.get(metric) is not None]

    def make(_family: str):
        from matplotlib.dates import AutoDateLocator, num2date

        fig, ax = _axes(style, 3.0, width_in)
        if points:
            days = [dt.datetime.combine(d, dt.time()) for d, _ in points]
            values = [v for _, v in points]
            if len(points) <= 45:
                ax.plot(days, values, color=style.primary, linewidth=1.2, marker="o", markersize=3)
            else:
                ax.scatter(days, values, s=10, color=style.accent, alpha=0.7, linewidths=0, label="satu unggahan")
                ax.plot(days, running_median(values), color=style.primary, linewidth=2,
                        label=f"median {WINDOW} unggahan terakhir")
                ax.legend(loc="upper left", fontsize=9, frameon=False, labelcolor=style.dark, markerscale=2)
        ax.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=5))
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{num2date(v).day} {BULAN_PENDEK[num2date(v).month - 1]}")
        ax.yaxis.set_major_formatter(lambda v, _pos: format_count(round(v)))
        ax.set_ylim(bottom=0, top=max((v for _, v in points), default=1) * (1.25 if len(points) > 45 else 1.05))
        if title:
            ax.set_title(title, loc="left", fontsize=12, color=style.dark)
        return fig

    return Chart(make, style)


SVG = ("svg", {"metadata": {"Date": None}})


def _inline(text: str) -> str:
    return text[text.index("<svg"):]


def svg(chart: Chart) -> str:
    """The chart as an inline <svg> element (no XML prolog, no creation date), text drawn as paths."""
    return _inline(_save(chart, SVG)[0])


def svg_uri(chart: Chart) -> str:
    """The chart as a data: URI for an <img>: its style attributes then belong to the image, which the
    dashboard's CSP (no inline styles) allows, and an image can run nothing."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(chart).encode("utf-8")).decode("ascii")


def _png(dpi: int) -> tuple[str, dict]:
    return "png", {"dpi": dpi, "metadata": {"Software": None}}


def png(chart: Chart, dpi: int = 200) -> bytes:
    return _save(chart, _png(dpi))[0]


def svg_and_png(chart: Chart, dpi: int = 200) -> tuple[str, bytes]:
    """Both from one drawing (the report's page and its PDF): the layout, the slow part, runs once."""
    text, image = _save(chart, SVG, _png(dpi))
    return _inline(text), image
