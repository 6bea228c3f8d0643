"""The learned rotation's evidence: how each artisan's and craft's posts did, as the planner's Performance.

A post's views are its latest reading's, summed over channels. An artisan or craft needs MIN_POSTS
posts with results before it scores at all (a median of two is not a trend); scores are the rank
of its median among those that qualify, 0 (the weakest) to 1 (the best), so one viral post cannot
buy more than the best rank, and the planner's bound (learn_share) holds whatever the numbers.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from statistics import median

from pipeline.plan.planner import Performance
from pipeline.results.numbers import format_count
from pipeline.results.readings import Reading, latest_readings

MIN_POSTS = 3


def performance(posts: Mapping[dt.date, tuple[str, str]], crafts: Mapping[str, str],
                latest: Mapping[tuple[dt.date, str], Reading]) -> Performance:
    """`posts`: day -> (product, artisan); `crafts`: product -> craft slug."""
    views: dict[dt.date, int] = {}
    for (day, _channel), reading in latest.items():
        if reading.views is not None:
            views[day] = views.get(day, 0) + reading.views
    by_artisan: dict[str, list[int]] = {}
    by_craft: dict[str, list[int]] = {}
    for day, (product, artisan) in posts.items():
        if day in views:
            by_artisan.setdefault(artisan, []).append(views[day])
            if product in crafts:
                by_craft.setdefault(crafts[product], []).append(views[day])
    artisans, artisan_notes = _scores(by_artisan)
    craft_scores, craft_notes = _scores(by_craft)
    return Performance(artisans, craft_scores, artisan_notes, craft_notes)


def performance_from(conn: sqlite3.Connection, crafts: Mapping[str, str]) -> Performance:
    """performance over the ledger's posts and the stored readings."""
    posts = {dt.date.fromisoformat(r["day"]): (r["product"], r["artisan"])
             for r in conn.execute("SELECT day, product, artisan FROM posts")}
    return performance(posts, crafts, latest_readings(conn))


def _scores(groups: Mapping[str, list[int]]) -> tuple[dict[str, float], dict[str, str]]:
    medians = {key: median(v) for key, v in groups.items() if len(v) >= MIN_POSTS}
    notes = {key: f"median {format_count(round(m))} tayangan dari {len(groups[key])} posting"
             for key, m in medians.items()}
    if len(medians) < 2:
        return {}, notes  # nothing to compare with: no boost
    ordered = sorted(medians, key=lambda k: (medians[k], k))
    scores = {}
    for key in ordered:
        below = sum(1 for other in medians.values() if other < medians[key])
        scores[key] = below / (len(medians) - 1)
    return scores, notes
