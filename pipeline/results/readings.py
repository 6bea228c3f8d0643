"""Readings of a post's results in the SQLite store (migration 0005): append-only, never overwritten.

A post read on day 1 and again on day 7 keeps both readings; what a post "did" is its latest
reading per channel (`latest_readings`). Counts are validated here so no caller can store a
negative view count; the store's CHECKs and triggers keep the table honest besides.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, fields

from pipeline.common.errors import ContentError
from pipeline.store.db import transaction

COUNTS = ("views", "likes", "comments", "shares", "saves", "followers")
SIGNED = ("followers",)  # followers gained may be a loss


@dataclass(frozen=True)
class Reading:
    day: dt.date
    channel: str
    read_on: dt.date
    views: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    followers: int | None = None
    source: str = "form"

    def counts(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in COUNTS}

    def is_empty(self) -> bool:
        return all(v is None for v in self.counts().values())


def add_reading(conn: sqlite3.Connection, reading: Reading, *, actor: str, now: dt.datetime) -> None:
    """Store one reading; ContentError (Indonesian) when it has no number, a negative count, or is read
    before the post's day."""
    add_readings(conn, [reading], actor=actor, now=now)


def add_readings(conn: sqlite3.Connection, batch: list[Reading], *, actor: str, now: dt.datetime) -> None:
    """Store several readings in one transaction (an import: one fsync, not one per row); all or none."""
    for reading in batch:
        _validate(reading)
    if now.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one (invariant 7)")
    at = now.isoformat(timespec="seconds")
    with transaction(conn):
        conn.executemany(
            "INSERT INTO results (day, channel, read_on, views, likes, comments, shares, saves, followers, "
            "source, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.day.isoformat(), r.channel, r.read_on.isoformat(), *(r.counts()[name] for name in COUNTS),
              r.source, actor, at) for r in batch])


def readings(conn: sqlite3.Connection, *, since: dt.date | None = None,
             until: dt.date | None = None) -> list[Reading]:
    """Every reading of posts whose day is within [since, until], ordered by day, channel, read_on, id."""
    sql, args = "SELECT * FROM results WHERE 1 = 1", []
    if since is not None:
        sql += " AND day >= ?"
        args.append(since.isoformat())
    if until is not None:
        sql += " AND day <= ?"
        args.append(until.isoformat())
    return [_reading(r) for r in conn.execute(sql + " ORDER BY day, channel, read_on, id", args)]


def latest_readings(conn: sqlite3.Connection) -> dict[tuple[dt.date, str], Reading]:
    """The latest reading (by read_on, then the one stored last) of each (post day, channel)."""
    out: dict[tuple[dt.date, str], Reading] = {}
    for reading in readings(conn):  # ordered, so the last one seen per key wins
        out[(reading.day, reading.channel)] = reading
    return out


def _reading(row: sqlite3.Row) -> Reading:
    return Reading(dt.date.fromisoformat(row["day"]), row["channel"], dt.date.fromisoformat(row["read_on"]),
                   *(row[name] for name in COUNTS), source=row["source"])


def _validate(reading: Reading) -> None:
    where = f"{reading.day.isoformat()} {reading.channel}"
    if not reading.channel:
        raise ContentError.single(where, None, "channel", "kanal belum diisi", "mis. tiktok atau instagram")
    if reading.is_empty():
        raise ContentError.single(where, None, "views", "belum ada angka yang diisi",
                                  "isi setidaknya satu angka: tayangan, suka, komentar, bagikan, simpan atau pengikut")
    if reading.read_on < reading.day:
        raise ContentError.single(where, None, "read_on",
                                  f"tanggal baca {reading.read_on.isoformat()} sebelum tanggal posting",
                                  "tanggal baca adalah hari angka itu dilihat, pada atau setelah hari posting")
    for f in fields(Reading):
        value = getattr(reading, f.name)
        if f.name in COUNTS and value is not None:
            if not isinstance(value, int) or isinstance(value, bool):
                raise ContentError.single(where, None, f.name, f"`{value}` bukan angka bulat", "")
            if value < 0 and f.name not in SIGNED:
                raise ContentError.single(where, None, f.name, f"`{value}` tidak boleh negatif", "")
