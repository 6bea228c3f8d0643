"""The admin's results use-cases, shared by `etalase results` and the dashboard's day page.

The rules readings.py cannot know: a reading belongs to a day that was posted (the ledger, or a
per-channel mark when the channels migration made one), on a channel Etalase knows, read no later
than today. Messages are Bahasa Indonesia: the admin reads them on the phone and in the CLI alike.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from pipeline.common.channels import KNOWN, SPECS
from pipeline.common.errors import ContentError
from pipeline.plan.admin import Context
from pipeline.results.numbers import parse_optional, parse_signed
from pipeline.results.readings import COUNTS, Reading, add_reading

LABELS_ID = {"views": "tayangan", "likes": "suka", "comments": "komentar", "shares": "dibagikan",
             "saves": "disimpan", "followers": "pengikut baru"}
FIELDS_ID = [(name, LABELS_ID[name].capitalize()) for name in COUNTS]  # (field, label) as forms show them


def posted_days(conn: sqlite3.Connection) -> set[dt.date]:
    """Days with a post: the ledger's, plus per-channel marks when that table exists (migration 0004)."""
    days = {dt.date.fromisoformat(r[0]) for r in conn.execute("SELECT day FROM posts")}
    if has_table(conn, "channel_posts"):
        days |= {dt.date.fromisoformat(r[0]) for r in conn.execute("SELECT day FROM channel_posts")}
    return days


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def channel_name(value: str, where: str = "") -> str:
    """A known channel slug from what was typed ("TikTok", "instagram "); ContentError otherwise."""
    v = (value or "").strip().lower()
    by_label = {spec.label.lower(): name for name, spec in SPECS.items()}
    slug = v if v in SPECS else by_label.get(v)
    if not slug:
        raise ContentError.single(where or "channel", None, "channel", f"kanal `{value}` tidak dikenal",
                                  "pilih salah satu: " + ", ".join(KNOWN))
    return slug


def reading_from_text(day: dt.date, channel: str, read_on: dt.date, values: dict[str, str | None], *,
                      source: str, where: str = "") -> Reading:
    """A Reading from typed values ("1,2rb", "12.345", blank); every bad field named at once."""
    counts, problems = {}, []
    for name in COUNTS:
        parse = parse_signed if name == "followers" else parse_optional
        try:
            counts[name] = parse(values.get(name), field=LABELS_ID[name], path=where or day.isoformat())
        except ContentError as exc:
            problems += exc.problems
    if problems:
        raise ContentError(problems)
    return Reading(day, channel_name(channel, where), read_on, source=source, **counts)


def record(ctx: Context, reading: Reading, who: str) -> Reading:
    """Store a reading of a posted day, read today or earlier."""
    where = f"{reading.day.isoformat()} {reading.channel}"
    if reading.day not in posted_days(ctx.conn):
        raise ContentError.single(where, None, "day", f"{reading.day.isoformat()} belum ditandai diposting",
                                  f"tandai dulu sudah diposting: etalase posted {reading.day.isoformat()}")
    if reading.read_on > ctx.today:
        raise ContentError.single(where, None, "read_on", f"tanggal baca {reading.read_on.isoformat()} belum tiba",
                                  f"hari ini {ctx.today.isoformat()} ({ctx.settings.timezone})")
    add_reading(ctx.conn, reading, actor=who, now=ctx.now())
    return reading
