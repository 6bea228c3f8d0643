"""The council's own best posting hour, learned from its posts' results (not a generic industry hour).

A post's hour is when it was marked posted (`posts.at`, in the configured zone); its weight is its
views in the latest reading, summed over channels. Only hours tried at least `MIN_HOUR_POSTS` times
compete (one lucky post proves nothing), and each one's score is its mean views shrunk towards the
overall mean (`PRIOR` imaginary average posts), so an hour proven by ten posts beats one tried three
times a little better. Until `needed` posts have results the configured time stays.
Pure: `best_time` takes plain values; `best_time_from` reads them from the store.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pipeline.results.numbers import format_count
from pipeline.results.readings import Reading, latest_readings

PRIOR = 3  # imaginary posts at the overall mean added to every hour
MIN_HOUR_POSTS = 3  # an hour needs this many posts with results to be chosen


@dataclass(frozen=True)
class BestTime:
    at: dt.time  # the suggested time: learned, or the configured one
    learned: bool
    posts: int  # posts with results behind the suggestion
    needed: int  # posts with results needed before it is learned
    hour_posts: int = 0  # posts made in the chosen hour
    reason: str = ""  # Bahasa Indonesia, for the admin


def best_time(moments: Iterable[tuple[dt.date, dt.datetime]], latest: Mapping[tuple[dt.date, str], Reading],
              *, configured: dt.time, needed: int, zone: ZoneInfo) -> BestTime:
    """The suggested time from (post day, posted moment) pairs and the latest readings."""
    views_by_day: dict[dt.date, int] = {}
    for (day, _channel), reading in latest.items():
        if reading.views is not None:
            views_by_day[day] = views_by_day.get(day, 0) + reading.views
    by_hour: dict[int, list[int]] = {}
    for day, at in moments:
        if day in views_by_day:
            by_hour.setdefault(at.astimezone(zone).hour, []).append(views_by_day[day])
    count = sum(len(v) for v in by_hour.values())
    shown = configured.strftime("%H:%M")
    if needed <= 0:
        return BestTime(configured, False, count, needed, reason=f"jam {shown} dari schedule.yaml "
                        "(jam terbaik dimatikan: best_time_posts 0)")
    if count < needed:
        return BestTime(configured, False, count, needed,
                        reason=f"jam {shown} dari schedule.yaml; jam terbaik dihitung setelah {needed} posting "
                               f"punya hasil (baru {count})")
    overall = sum(sum(v) for v in by_hour.values()) / count
    tried = [h for h, v in by_hour.items() if len(v) >= MIN_HOUR_POSTS]
    if not tried:
        return BestTime(configured, False, count, needed,
                        reason=f"jam {shown} dari schedule.yaml; {count} posting punya hasil, tetapi belum ada jam "
                               f"yang dicoba {MIN_HOUR_POSTS} kali")

    def score(hour: int) -> tuple:
        views = by_hour[hour]
        return (-(sum(views) + PRIOR * overall) / (len(views) + PRIOR), -len(views), hour)

    hour = min(tried, key=score)
    views = by_hour[hour]
    mean = round(sum(views) / len(views))
    at = dt.time(hour, 0)
    return BestTime(at, True, count, needed, len(views),
                    reason=f"jam terbaik dari hasil {count} posting sendiri: {at.strftime('%H:%M')} "
                           f"(rata-rata {format_count(mean)} tayangan dari {len(views)} posting pada jam itu)")


def best_time_from(conn: sqlite3.Connection, *, configured: dt.time, needed: int, zone: ZoneInfo) -> BestTime:
    """best_time over the ledger's posts and the stored readings."""
    moments = []
    for row in conn.execute("SELECT day, at FROM posts ORDER BY day"):
        try:
            at = dt.datetime.fromisoformat(row["at"])
        except (TypeError, ValueError):
            continue  # a hand-edited ledger row: no hour to learn from
        if at.tzinfo is not None:
            moments.append((dt.date.fromisoformat(row["day"]), at))
    return best_time(moments, latest_readings(conn), configured=configured, needed=needed, zone=zone)
