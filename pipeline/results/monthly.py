"""The council's monthly report as data: what was posted in a month, what it got, who and where it promoted,
and where curation stands. Pure reads; pipeline/results/report.py turns it into HTML and PDF.

A month's posts are the ledger's posted days in that calendar month; their results are each channel's
latest reading (however late it was read), summed per post as pipeline/results/stats.py does.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.common.channels import SPECS
from pipeline.common.errors import EtalaseError
from pipeline.common.models import Catalog
from pipeline.curation import reviews
from pipeline.export.folders import day_dir, read_manifest
from pipeline.plan import ledger
from pipeline.results import stats
from pipeline.results.features import post_features
from pipeline.results.groups import Grouped, grouped
from pipeline.results.readings import latest_readings

TOP = 5
WAITING = ("submitted", "needs_review")  # curation states that wait for a curator


class BadMonth(EtalaseError):
    """A month that is not YYYY-MM."""


def parse_month(text: str) -> dt.date:
    """'2026-12' -> 2026-12-01."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise BadMonth(f"bulan '{text}' tidak dikenal: tulis tahun-bulan, misalnya 2026-12")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def month_days(month: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month."""
    nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return month, nxt - dt.timedelta(days=1)


@dataclass(frozen=True)
class TopPost:
    day: dt.date
    product: str
    artisan: str
    kecamatan: str
    views: int
    likes: int | None
    cover: Path | None  # the day folder's cover.jpg, None when the folder is gone


@dataclass(frozen=True)
class MonthReport:
    month: dt.date
    council: str
    made_at: dt.datetime
    posts: int                                   # days marked posted in the month
    per_channel: list[tuple[str, int]]           # channel label -> posts made there
    read: int                                    # posts with at least one reading
    totals: dict[str, int | None]                # metric -> sum over the month's posts
    medians: dict[str, float | None]             # metric -> median per post (posts that have it)
    top: list[TopPost]
    artisans: list[tuple[str, str, int]]         # name, kecamatan, posts
    districts: list[tuple[str, int]]             # every kecamatan of region.yaml (and any other posted), posts
    approved: int
    waiting: int
    outcomes: list[stats.Outcome] = field(default_factory=list)
    groups: list[Grouped] = field(default_factory=list)  # median views by craft, kecamatan, hour...

    @property
    def unpromoted(self) -> list[str]:
        return [name for name, n in self.districts if n == 0]


def _channel_counts(conn: sqlite3.Connection, days: set[dt.date], latest: Mapping[tuple[dt.date, str], object],
                    default: str) -> Counter:
    """Posts per channel: a day counts on every channel that marked it posted (migration 0004's channel_posts,
    where that table exists) or has a reading; a posted day with neither counts once on the first configured
    channel (the ledger's one post, as before per-channel marks)."""
    on: dict[dt.date, set[str]] = {day: set() for day in days}
    has_marks = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'channel_posts'").fetchone()
    rows = conn.execute("SELECT day, channel FROM channel_posts").fetchall() if has_marks else []
    for day_text, channel in [(r["day"], r["channel"]) for r in rows]:
        day = dt.date.fromisoformat(day_text)
        if day in on:
            on[day].add(channel)
    for day, channel in latest:
        if day in on:
            on[day].add(channel)
    return Counter(channel for channels in on.values() for channel in (channels or {default}))


def build_report(conn: sqlite3.Connection, catalog: Catalog, exports: Path, month: dt.date, *, council: str,
                 now: dt.datetime, default_channel: str = "tiktok") -> MonthReport:
    first, last = month_days(month)
    posted = [p for day, p in ledger.posts(conn).items() if first <= day <= last]
    features = post_features(posted, catalog, exports)
    latest = latest_readings(conn)
    items = stats.outcomes(features, latest)
    totals, medians = {}, {}
    for metric in stats.METRICS:
        got = stats.summary(items, metric)
        totals[metric] = got.total if got.n else None
        medians[metric] = got.median if got.n else None
    channels = _channel_counts(conn, set(features), latest, default_channel)
    per_channel = [(SPECS[c].label if c in SPECS else c, n) for c, n in sorted(channels.items(), key=lambda kv: -kv[1])]

    def artisan_name(slug: str) -> str:
        a = catalog.artisans.get(slug)
        return a.name if a else slug

    ranked = sorted((o for o in items if o.get("views") is not None), key=lambda o: (-o.get("views"), o.day))[:TOP]
    top = []
    for o in ranked:
        f = o.features
        product = catalog.products.get(f.product)
        manifest = read_manifest(day_dir(exports, f.day)) or {}
        cover_file = (manifest.get("files") or {}).get("cover")
        cover = day_dir(exports, f.day) / cover_file if cover_file else None
        name = product.name if product else (manifest.get("product") or {}).get("name") or f.product
        top.append(TopPost(f.day, name, artisan_name(f.artisan), f.kecamatan or "", o.get("views"),
                           o.get("likes"), cover if cover and cover.is_file() else None))

    by_artisan = Counter(f.artisan for f in features.values())
    artisans = sorted(((artisan_name(a), (catalog.artisans[a].kecamatan if a in catalog.artisans else ""), n)
                       for a, n in by_artisan.items()), key=lambda t: (-t[2], t[0]))
    by_district = Counter(f.kecamatan for f in features.values() if f.kecamatan)
    names = list(catalog.region.kecamatan) + sorted(k for k in by_district if k not in catalog.region.kecamatan)
    districts = sorted(((k, by_district.get(k, 0)) for k in names), key=lambda t: (-t[1], t[0]))

    states = Counter(s.state for s in reviews.statuses(conn, catalog) if not s.missing)
    return MonthReport(month=first, council=council, made_at=now, posts=len(features), per_channel=per_channel,
                       read=len(items), totals=totals, medians=medians, top=top, artisans=artisans,
                       districts=districts, approved=len(reviews.approved_products(conn, catalog)),
                       waiting=sum(states[s] for s in WAITING), outcomes=items,
                       groups=grouped(items, catalog))
