"""A platform's analytics export (.csv or .xlsx) -> readings matched to posts; a plan first, then apply.

Files are read by the catalogue importer's reader (pipeline/catalog/importer/sheet.py: BOM,
encodings, `;` or `,`), headers mapped by name in Indonesian or English (TikTok Studio, Instagram
and Facebook exports). A row is matched to a post by its link (posts.url, channel_posts.url when
the channels migration made that table), else by its post date when that day was posted (and, if
the row has a link, no other link is recorded for that day's post: another video is not this post).
Rows that match nothing, and rows with unreadable numbers, are reported at their row and never stop the rest.
A row already stored (same post, channel, read day and numbers) is left alone, so importing the
same file twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.catalog.importer.columns import normal
from pipeline.catalog.importer.sheet import Row, Sheet, Workbook, read_workbook
from pipeline.common.errors import ContentError, Problem
from pipeline.common.labels import BULAN_PENDEK
from pipeline.results.numbers import parse_optional, parse_signed
from pipeline.results.readings import COUNTS, Reading, add_readings, readings
from pipeline.results.record import LABELS_ID, channel_name, has_table, posted_days

ALIASES: dict[str, tuple[str, ...]] = {
    "url": ("video link", "link video", "tautan video", "link", "url", "permalink", "tautan", "post link",
            "link postingan", "tautan postingan", "link konten", "content link"),
    "posted": ("post time", "waktu posting", "tanggal posting", "date", "tanggal", "publish time",
               "waktu publikasi", "tanggal publikasi", "published", "publish date", "posted", "posted on",
               "diposting", "created", "date posted", "hari"),
    "views": ("video views", "views", "tayangan", "tayangan video", "jumlah tayangan", "penayangan", "plays",
              "diputar", "video plays", "3 second video views", "ditonton"),
    "likes": ("likes", "suka", "jumlah suka", "reactions", "reaksi", "likes and reactions", "disukai"),
    "comments": ("comments", "komentar", "jumlah komentar"),
    "shares": ("shares", "bagikan", "dibagikan", "berbagi", "share", "jumlah dibagikan"),
    "saves": ("saves", "simpan", "disimpan", "favorites", "favorit", "add to favorites", "saved"),
    "followers": ("followers", "pengikut", "new followers", "pengikut baru", "follows", "followers gained",
                  "pengikut bertambah"),
    "channel": ("channel", "kanal", "platform"),
    "read_on": ("read on", "tanggal baca", "dibaca", "dibaca pada", "data as of"),
}
_INDEX = {normal(n): concept for concept, names in ALIASES.items() for n in names}
HEADER_SCAN = 20
MONTHS = {**{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                         "nov", "dec"), 1)},
          **{m.lower(): i for i, m in enumerate(BULAN_PENDEK, 1)}, "agt": 8}


@dataclass(frozen=True)
class Matched:
    row: int
    where: str  # the row as messages show it: "tiktok.xlsx:Sheet1!A7"
    reading: Reading
    how: str  # "url" or "date"
    stored: bool = False  # the same reading is already in the store


@dataclass
class ImportPlan:
    file: str
    matched: list[Matched] = field(default_factory=list)
    unmatched: list[Problem] = field(default_factory=list)  # rows that name no post Etalase knows
    problems: list[Problem] = field(default_factory=list)  # unreadable rows and files

    @property
    def new(self) -> list[Matched]:
        return [m for m in self.matched if not m.stored]


def plan_import(conn: sqlite3.Connection, path: Path, *, read_on: dt.date, today: dt.date,
                channel: str | None = None, zone: dt.tzinfo | None = None) -> ImportPlan:
    """What importing `path` would store; reads the store, writes nothing. A row read after `today` is a
    problem (as `etalase results record` refuses it); the other rows still import."""
    path = Path(path)
    out = ImportPlan(path.name)
    try:
        book = read_workbook(path)
        fixed_channel = channel_name(channel, path.name) if channel else None
    except ContentError as exc:
        out.problems += exc.problems
        return out
    urls = _post_urls(conn)
    days = posted_days(conn)
    linked = {(day, channel) for (_link, channel), day in urls.items()}  # days whose link is known
    seen = {_key(r) for r in readings(conn)}
    found_header = False
    for sheet in book.sheets:
        header = _header(sheet)
        if header is None:
            continue
        found_header = True
        number, columns = header
        if "channel" not in columns.values() and not fixed_channel:
            out.problems.append(Problem(book.where(sheet, None, number), None, "channel",
                                        "kanal tidak diketahui: file tidak punya kolom Kanal/Channel",
                                        "sebutkan kanalnya: --channel tiktok (atau instagram, facebook, ...)"))
            continue
        for row in sheet.rows:
            if row.number > number:
                _row(out, book, sheet, row, columns, urls=urls, days=days, linked=linked, seen=seen,
                     read_on=read_on, today=today, channel=fixed_channel, zone=zone)
    if not found_header:
        out.problems.append(Problem(path.name, None, "", "tidak ada baris judul kolom yang dikenali",
                                    "baris judul perlu kolom seperti Video link / Tautan, Post time / Tanggal, "
                                    "Video views / Tayangan, Likes / Suka"))
    return out


def apply_import(conn: sqlite3.Connection, plan: ImportPlan, *, actor: str, now: dt.datetime) -> int:
    """Store the plan's new readings in one transaction; returns how many were stored."""
    add_readings(conn, [m.reading for m in plan.new], actor=actor, now=now)
    return len(plan.new)


def _header(sheet: Sheet) -> tuple[int, dict[int, str]] | None:
    """(row number, column -> concept) of the first row naming a link or date and a count."""
    for row in sheet.rows[:HEADER_SCAN]:
        columns = {}
        for i, value in enumerate(row.values):
            concept = _INDEX.get(normal(value)) if isinstance(value, str) else None
            if concept and concept not in columns.values():
                columns[i] = concept
        names = set(columns.values())
        if names & {"url", "posted"} and names & set(COUNTS):
            return row.number, columns
    return None


def _row(out: ImportPlan, book: Workbook, sheet: Sheet, row: Row, columns: dict[int, str], *, urls, days, linked,
         seen, read_on: dt.date, today: dt.date, channel: str | None, zone) -> None:
    cells = {concept: (row.values[i] if i < len(row.values) else None) for i, concept in columns.items()}
    where = book.where(sheet, None, row.number)
    problems = []

    def cell(concept: str) -> str:
        index = next(i for i, c in columns.items() if c == concept)
        return book.where(sheet, index, row.number)

    counts = {}
    for name in COUNTS:
        if name not in cells:
            continue
        parse = parse_signed if name == "followers" else parse_optional
        try:
            counts[name] = parse(cells[name], field=LABELS_ID[name], path=cell(name))
        except ContentError as exc:
            problems += exc.problems
    row_channel, posted, row_read_on = channel, None, read_on
    try:
        if cells.get("channel"):
            row_channel = channel_name(str(cells["channel"]), cell("channel"))
    except ContentError as exc:
        problems += exc.problems
    for concept in ("posted", "read_on"):
        try:
            value = _date(cells.get(concept), zone)
        except ValueError as exc:
            problems.append(Problem(cell(concept), None, "tanggal" if concept == "posted" else "tanggal baca",
                                    str(exc), "tulis tanggal seperti 2026-12-01, 01/12/2026 atau 1 Des 2026"))
            continue
        if concept == "posted":
            posted = value
        elif value:
            row_read_on = value
    if row_read_on > today:
        problems.append(Problem(cell("read_on") if cells.get("read_on") else where, None, "tanggal baca",
                                f"tanggal baca {row_read_on.isoformat()} belum tiba",
                                f"hari ini {today.isoformat()}"))
    if problems:
        out.problems += problems
        return
    if row_channel is None:
        out.problems.append(Problem(where, None, "kanal", "kanal baris ini kosong",
                                    "isi kolom Kanal, atau sebutkan --channel"))
        return
    link = _link(cells.get("url"))
    day, how = None, ""
    if link and (link, row_channel) in urls:
        day, how = urls[(link, row_channel)], "url"
    elif link and (link, None) in urls:
        day, how = urls[(link, None)], "url"
    elif posted and posted in days and not (link and {(posted, None), (posted, row_channel)} & linked):
        day, how = posted, "date"  # by date only when the row's link cannot contradict the post's own
    if day is None:
        said = " dan ".join(x for x in (f"tautan {cells.get('url')}" if link else "",
                                       f"tanggal {posted.isoformat()}" if posted else "") if x) or "tanpa tautan"
        out.unmatched.append(Problem(where, None, "url" if link else "tanggal",
                                     f"baris {row.number} tidak cocok dengan posting mana pun ({said})",
                                     "tandai posting itu dulu (etalase posted TANGGAL --url TAUTAN), lalu impor lagi",
                                     severity="warning"))
        return
    if all(counts.get(n) is None for n in COUNTS):
        out.problems.append(Problem(where, None, "tayangan", "baris ini tidak punya angka",
                                    "isi setidaknya tayangan atau suka"))
        return
    if row_read_on < day:
        row_read_on = day  # an export read before the post? its numbers are the post's first day
    reading = Reading(day, row_channel, row_read_on, source=f"import:{book.shown}", **counts)
    key = _key(reading)
    out.matched.append(Matched(row.number, where, reading, how, stored=key in seen))
    seen.add(key)


def _key(r: Reading) -> tuple:
    return (r.day, r.channel, r.read_on, *r.counts().values())


def _link(value: Any) -> str | None:
    """A link compared without scheme, "www.", query, fragment or a trailing slash."""
    text = str(value or "").strip()
    if not text or "/" not in text:
        return None
    parts = urlsplit(text if "://" in text else "https://" + text)
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    return f"{host}{parts.path.rstrip('/')}" if host else None


def _post_urls(conn: sqlite3.Connection) -> dict[tuple[str, str | None], dt.date]:
    """link -> post day; the ledger's links fit any channel, per-channel links only their own."""
    out: dict[tuple[str, str | None], dt.date] = {}
    for day, url in conn.execute("SELECT day, url FROM posts WHERE url IS NOT NULL"):
        if _link(url):
            out[(_link(url), None)] = dt.date.fromisoformat(day)
    if has_table(conn, "channel_posts"):
        for day, channel, url in conn.execute("SELECT day, channel, url FROM channel_posts WHERE url IS NOT NULL"):
            if _link(url):
                out[(_link(url), channel)] = dt.date.fromisoformat(day)
    return out


def _date(value: Any, zone: dt.tzinfo | None) -> dt.date | None:
    """A post date from a cell: a date or datetime, ISO text, 01/12/2026 (day first), 1 Des 2026, Dec 1, 2026."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).date() if (value.tzinfo and zone) else value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return at.astimezone(zone).date() if (at.tzinfo and zone) else at.date()
    except ValueError:
        pass
    m = re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b", text)
    if m:
        return _checked(int(m.group(3)), int(m.group(2)), int(m.group(1)), text)
    m = re.match(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})\b", text.lower())
    if m and m.group(2)[:3] in MONTHS:
        return _checked(int(m.group(3)), MONTHS[m.group(2)[:3]], int(m.group(1)), text)
    m = re.match(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})\b", text.lower())
    if m and m.group(1)[:3] in MONTHS:
        return _checked(int(m.group(3)), MONTHS[m.group(1)[:3]], int(m.group(2)), text)
    raise ValueError(f"`{text}` bukan tanggal")


def _checked(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"`{text}` bukan tanggal") from None
