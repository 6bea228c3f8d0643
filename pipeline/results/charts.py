"""Charts of results drawn by matplotlib: SVG for the insights page, PNG for the PDF report.

matplotlib is optional (the `report` extra): `available()` says whether it is installed, and callers
show tables alone without it. Figures are made with matplotlib's object API (no pyplot, no global
figure state), so the dashboard's threads can draw at once. Sizes suit a phone: 6.4 in wide at 11 pt,
one bar per row so long Indonesian names fit, and each bar says how many posts are behind it.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.results.stats import Group, Outcome

WIDTH_IN = 6.4


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


def _rc(style: Style) -> dict:
    from matplotlib import font_manager

    if not (style.font and style.font.is_file()):
        return {"font.family": "DejaVu Sans"}
    font_manager.fontManager.addfont(str(style.font))
    props = font_manager.FontProperties(fname=str(style.font))
    return {"font.family": props.get_name(), "font.weight": props.get_weight()}


def _save(chart: Chart, fmt: str, **kw) -> bytes | str:
    from matplotlib import rc_context

    rc = _rc(chart.style)
    with rc_context(rc):
        fig = chart.make(rc["font.family"])
        buf = io.StringIO() if fmt == "svg" else io.BytesIO()
        fig.savefig(buf, format=fmt, facecolor=fig.get_facecolor(), **kw)
    return buf.getvalue()


def _axes(style: Style, height_in: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height_in), facecolor=style.light, layout="constrained")
    ax = fig.add_subplot()
    ax.set_facecolor(style.light)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(style.dark)
    ax.tick_params(colors=style.dark, labelsize=11)
    return fig, ax


def _angka(value: float) -> str:
    return f"{round(value):,}".replace(",", ".")


def bars(groups: Sequence[Group], labels: Mapping, title: str, style: Style = Style()) -> Chart:
    """Median per group as horizontal bars in the given order, top down; 'n=3' beside each, groups with few
    posts in the pale accent colour."""
    shown = list(groups)[:15]

    def make(_family: str):
        fig, ax = _axes(style, 1.0 + 0.42 * max(len(shown), 1))
        rows = shown[::-1]
        ax.barh(range(len(rows)), [g.median for g in rows], height=0.7,
                color=[style.accent if g.few else style.primary for g in rows])
        ax.set_yticks(range(len(rows)), [str(labels.get(g.key, g.key)) for g in rows])
        top = max((g.median for g in rows), default=0) or 1
        for i, g in enumerate(rows):
            ax.text(g.median + top * 0.01, i, f"{_angka(g.median)}  (n={g.n})", va="center", fontsize=10,
                    color=style.dark)
        ax.set_xlim(0, top * 1.35)
        ax.set_title(title, loc="left", fontsize=12, color=style.dark)
        ax.xaxis.set_major_formatter(lambda v, _pos: _angka(v))
        return fig

    return Chart(make, style)


def timeline(items: Sequence[Outcome], title: str, metric: str = "views", style: Style = Style()) -> Chart:
    """Views of each post by the day it ran: one point per post, joined in date order."""
    points = [(o.day, o.get(metric)) for o in items if o.get(metric) is not None]

    def make(_family: str):
        from matplotlib.dates import AutoDateLocator, DateFormatter

        fig, ax = _axes(style, 3.2)
        if points:
            days = [dt.datetime.combine(d, dt.time()) for d, _ in points]
            ax.plot(days, [v for _, v in points], color=style.primary, linewidth=1.2, marker="o", markersize=3)
        ax.xaxis.set_major_locator(AutoDateLocator(maxticks=6))
        ax.xaxis.set_major_formatter(DateFormatter("%d/%m/%y"))
        ax.yaxis.set_major_formatter(lambda v, _pos: _angka(v))
        ax.set_ylim(bottom=0)
        ax.set_title(title, loc="left", fontsize=12, color=style.dark)
        return fig

    return Chart(make, style)


def svg(chart: Chart) -> str:
    """The chart as an inline <svg> element (no XML prolog, no creation date), text drawn as paths."""
    text = _save(chart, "svg", metadata={"Date": None})
    return text[text.index("<svg"):]


def png(chart: Chart, dpi: int = 200) -> bytes:
    return _save(chart, "png", dpi=dpi, metadata={"Software": None})
