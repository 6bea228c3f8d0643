"""The median groups shown on the Wawasan page and in the monthly report: which groupings, their Indonesian
titles and row labels, and their order. One home, so the dashboard and the council's report read alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.plan.schedule import HARI
from pipeline.results import stats

TITLES = {  # grouping -> heading
    "craft": "Menurut kerajinan", "kecamatan": "Menurut kecamatan", "artisan": "Menurut pengrajin",
    "weekday": "Menurut hari", "hour": "Menurut jam unggah", "title_source": "Menurut judul video",
    "mood": "Menurut suasana musik", "photos": "Menurut jumlah foto di video",
}
TITLE_SOURCES = {"hook": "Judul kait yang ditulis", "derived": "Judul dari nama produk"}
OWN_ORDER = ("weekday", "hour", "photos")  # shown in their own order, not best first


@dataclass(frozen=True)
class Grouped:
    name: str
    title: str
    rows: list[tuple[str, stats.Group]]  # label, group

    @property
    def column(self) -> str:
        """The table's first column: 'Menurut jam unggah' -> 'Jam unggah'."""
        return self.title.removeprefix("Menurut ").capitalize()


def labels(name: str, catalog) -> dict:
    if name == "craft":
        return {slug: c.name for slug, c in catalog.crafts.items()}
    if name == "artisan":
        return {slug: a.name for slug, a in catalog.artisans.items()}
    if name == "weekday":
        return dict(enumerate(HARI))
    if name == "hour":
        return {h: f"pukul {h:02d}.00–{h:02d}.59" for h in range(24)}
    if name == "title_source":
        return TITLE_SOURCES
    if name == "photos":
        return {n: f"{n} foto" for n in range(100)}
    return {}


def grouped(items: Iterable[stats.Outcome], catalog, metric: str = "views") -> list[Grouped]:
    """Every grouping of stats.GROUPINGS with its labelled median rows (empty when no post recorded it)."""
    items = list(items)
    out = []
    for name, key in stats.GROUPINGS.items():
        groups = stats.median_by(items, key, metric)
        if name in OWN_ORDER:
            groups = sorted(groups, key=lambda g: g.key)
        names = labels(name, catalog)
        out.append(Grouped(name, TITLES[name], [(str(names.get(g.key, g.key)), g) for g in groups]))
    return out
