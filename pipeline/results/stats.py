"""Medians with the number of posts behind them, so a median of two posts is never read as a trend.

A post's result is the sum over its channels of each channel's latest reading (a TikTok post and its
Reels copy together are what the product got that day); a metric no channel read stays None, and a post
without it is left out of that metric's groups rather than counted as zero.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass

from pipeline.results.features import PostFeatures

METRICS = ("views", "likes", "comments", "shares", "saves", "followers")
FEW_POSTS = 5  # below this many posts a group is marked "few posts": shown, never read as a trend


@dataclass(frozen=True)
class Outcome:
    """One posted day and what it got, summed over the channels that were read."""

    features: PostFeatures
    values: Mapping[str, int | None]  # metric -> total, None when no channel read it
    channels: tuple[str, ...] = ()

    @property
    def day(self) -> dt.date:
        return self.features.day

    def get(self, metric: str) -> int | None:
        return self.values.get(metric)


@dataclass(frozen=True)
class Group:
    key: Hashable
    n: int            # posts behind the median
    median: float
    total: int

    @property
    def few(self) -> bool:
        return self.n < FEW_POSTS


def outcomes(features: Mapping[dt.date, PostFeatures], latest: Mapping[tuple[dt.date, str], object], *,
             channel: str | None = None) -> list[Outcome]:
    """Each posted day with its latest readings (`readings.latest_readings(conn)`), by day; `channel` keeps
    one channel's readings only. Days without any reading are left out: nothing is known of them yet."""
    by_day: dict[dt.date, list] = defaultdict(list)
    for (day, ch), reading in latest.items():
        if channel is None or ch == channel:
            by_day[day].append((ch, reading))
    out = []
    for day in sorted(features):
        if day not in by_day:
            continue
        read = sorted(by_day[day], key=lambda pair: pair[0])
        values = {}
        for metric in METRICS:
            got = [getattr(r, metric) for _, r in read if getattr(r, metric) is not None]
            values[metric] = sum(got) if got else None
        out.append(Outcome(features[day], values, tuple(ch for ch, _ in read)))
    return out


def median_by(items: Iterable[Outcome], key: Callable[[Outcome], Hashable | None],
              metric: str = "views") -> list[Group]:
    """Median `metric` per key, with the count and the total; best median first (ties by key). Posts whose key
    or metric is unknown are left out."""
    values: dict[Hashable, list[int]] = defaultdict(list)
    for item in items:
        k, v = key(item), item.get(metric)
        if k is not None and v is not None:
            values[k].append(v)
    groups = [Group(k, len(vs), statistics.median(vs), sum(vs)) for k, vs in values.items()]
    return sorted(groups, key=lambda g: (-g.median, str(g.key)))


def summary(items: Iterable[Outcome], metric: str = "views") -> Group:
    """All posts as one group (key None): how many posts were read, their median and total."""
    vs = [v for v in (i.get(metric) for i in items) if v is not None]
    return Group(None, len(vs), statistics.median(vs) if vs else 0, sum(vs))


# The groupings the insights page shows, in its order: name -> key of an outcome.
GROUPINGS: dict[str, Callable[[Outcome], Hashable | None]] = {
    "craft": lambda o: o.features.craft,
    "kecamatan": lambda o: o.features.kecamatan,
    "artisan": lambda o: o.features.artisan,
    "weekday": lambda o: o.features.weekday,
    "hour": lambda o: o.features.hour,
    "title_source": lambda o: o.features.title_source,
    "mood": lambda o: o.features.mood,
    "photos": lambda o: o.features.photos,
}
