"""Plan state in the SQLite store: the admin's overrides, the posting ledger, builds, scheduler runs.

Plain reads and short IMMEDIATE writes; no rules live here (pipeline/plan/admin.py decides what
is allowed). Days are stored as ISO calendar dates in the configured zone, moments as ISO 8601
with their offset (invariant 7).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from dataclasses import dataclass, field

from pipeline.plan.planner import EXPORTED, PINNED, POSTED, SWAPPED, Feature, Override
from pipeline.store.db import transaction


def _iso(at: dt.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one (invariant 7)")
    return at.isoformat(timespec="seconds")


def _log(conn: sqlite3.Connection, day: dt.date, action: str, product: str | None, actor: str,
         at: dt.datetime, detail: str = "") -> None:
    conn.execute("INSERT INTO plan_log (day, action, product, detail, actor, at) VALUES (?, ?, ?, ?, ?, ?)",
                 (day.isoformat(), action, product, detail, actor, _iso(at)))


# Overrides ---------------------------------------------------------------------------------------

def overrides(conn: sqlite3.Connection) -> dict[dt.date, Override]:
    out = {}
    for row in conn.execute("SELECT day, product, kind, skipped FROM plan_overrides"):
        day = dt.date.fromisoformat(row["day"])
        out[day] = Override(day, row["product"], row["kind"], bool(row["skipped"]))
    for row in conn.execute("SELECT day FROM plan_go_global"):
        day = dt.date.fromisoformat(row["day"])
        out[day] = dataclasses.replace(out.get(day) or Override(day), go_global=True)
    return out


def set_product(conn: sqlite3.Connection, day: dt.date, product: str, kind: str, actor: str,
                at: dt.datetime) -> None:
    """Swap (the admin chose `product`) or pin (the admin froze the planned `product`)."""
    assert kind in (SWAPPED, PINNED)
    with transaction(conn):
        conn.execute(
            "INSERT INTO plan_overrides (day, product, kind, skipped, actor, at) VALUES (?, ?, ?, 0, ?, ?) "
            "ON CONFLICT (day) DO UPDATE SET product = excluded.product, kind = excluded.kind, "
            "actor = excluded.actor, at = excluded.at",
            (day.isoformat(), product, kind, actor, _iso(at)))
        _log(conn, day, "swap" if kind == SWAPPED else "pin", product, actor, at)


def clear_product(conn: sqlite3.Connection, day: dt.date, actor: str, at: dt.datetime) -> bool:
    """Undo a swap or pin; False when there was none."""
    with transaction(conn):
        row = conn.execute("SELECT product, skipped FROM plan_overrides WHERE day = ?", (day.isoformat(),)).fetchone()
        if not row or row["product"] is None:
            return False
        if row["skipped"]:
            conn.execute("UPDATE plan_overrides SET product = NULL, kind = NULL, actor = ?, at = ? WHERE day = ?",
                         (actor, _iso(at), day.isoformat()))
        else:
            conn.execute("DELETE FROM plan_overrides WHERE day = ?", (day.isoformat(),))
        _log(conn, day, "unpin", row["product"], actor, at)
    return True


def set_skipped(conn: sqlite3.Connection, day: dt.date, skipped: bool, actor: str, at: dt.datetime) -> bool:
    """Skip or unskip a day, keeping any swap underneath; False when nothing changed."""
    with transaction(conn):
        row = conn.execute("SELECT product, skipped FROM plan_overrides WHERE day = ?", (day.isoformat(),)).fetchone()
        if bool(row and row["skipped"]) == skipped:
            return False
        if row is None:
            conn.execute("INSERT INTO plan_overrides (day, skipped, actor, at) VALUES (?, 1, ?, ?)",
                         (day.isoformat(), actor, _iso(at)))
        elif not skipped and row["product"] is None:
            conn.execute("DELETE FROM plan_overrides WHERE day = ?", (day.isoformat(),))
        else:
            conn.execute("UPDATE plan_overrides SET skipped = ?, actor = ?, at = ? WHERE day = ?",
                         (int(skipped), actor, _iso(at), day.isoformat()))
        _log(conn, day, "skip" if skipped else "unskip", None, actor, at)
    return True


def set_go_global(conn: sqlite3.Connection, day: dt.date, on: bool, actor: str, at: dt.datetime) -> bool:
    """Mark a day Go Global (its post also gets an English caption file) or unmark it; False when
    nothing changed."""
    with transaction(conn):
        if on:
            changed = conn.execute("INSERT OR IGNORE INTO plan_go_global (day, actor, at) VALUES (?, ?, ?)",
                                   (day.isoformat(), actor, _iso(at))).rowcount
        else:
            changed = conn.execute("DELETE FROM plan_go_global WHERE day = ?", (day.isoformat(),)).rowcount
        if changed:
            _log(conn, day, "global" if on else "unglobal", None, actor, at)
    return bool(changed)


# Ledger ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChannelPost:
    """Where the day's post went up on one channel (schedule.yaml's channel name)."""

    day: dt.date
    channel: str
    url: str | None
    actor: str
    at: str

@dataclass(frozen=True)
class Post:
    day: dt.date
    product: str
    artisan: str
    url: str | None
    actor: str
    at: str
    channels: dict[str, ChannelPost] = field(default_factory=dict, compare=False)  # channel name -> its mark


def posts(conn: sqlite3.Connection) -> dict[dt.date, Post]:
    """Posted days, each with its per-channel marks (a day counts as posted once any channel is marked)."""
    marks = channel_posts(conn)
    rows = conn.execute("SELECT day, product, artisan, url, actor, at FROM posts ORDER BY day")
    out = {}
    for r in rows:
        day = dt.date.fromisoformat(r["day"])
        out[day] = Post(day, r["product"], r["artisan"], r["url"], r["actor"], r["at"], marks.get(day, {}))
    return out


def channel_posts(conn: sqlite3.Connection, day: dt.date | None = None) -> dict[dt.date, dict[str, ChannelPost]]:
    """Every day's channel marks, or only `day`'s."""
    out: dict[dt.date, dict[str, ChannelPost]] = {}
    where, args = ("WHERE day = ? ", (day.isoformat(),)) if day else ("", ())
    for r in conn.execute(f"SELECT day, channel, url, actor, at FROM channel_posts {where}ORDER BY day, channel", args):
        day = dt.date.fromisoformat(r["day"])
        out.setdefault(day, {})[r["channel"]] = ChannelPost(day, r["channel"], r["url"], r["actor"], r["at"])
    return out


def mark_posted(conn: sqlite3.Connection, day: dt.date, product: str, artisan: str, url: str | None, actor: str,
                at: dt.datetime, channel: str | None = None, day_url: bool = True) -> None:
    """The day posted (what rotation reads) and, with `channel`, that channel's mark and link;
    `day_url` False keeps the day's own link as it is (it is the first channel's)."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO posts (day, product, artisan, url, actor, at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (day) DO UPDATE SET product = excluded.product, artisan = excluded.artisan, "
            "url = COALESCE(excluded.url, posts.url), actor = excluded.actor, at = excluded.at",
            (day.isoformat(), product, artisan, url if day_url else None, actor, _iso(at)))
        if channel:
            conn.execute(
                "INSERT INTO channel_posts (day, channel, url, actor, at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (day, channel) DO UPDATE SET url = COALESCE(excluded.url, channel_posts.url), "
                "actor = excluded.actor, at = excluded.at",
                (day.isoformat(), channel, url, actor, _iso(at)))
        _log(conn, day, "posted", product, actor, at, " ".join(x for x in (channel, url) if x))


def mark_unposted(conn: sqlite3.Connection, day: dt.date, actor: str, at: dt.datetime) -> Post | None:
    """Remove the day's posted mark and every channel's; returns what was removed (None when not posted)."""
    with transaction(conn):  # read and delete together: a mark made meanwhile is not lost unreported
        row = conn.execute("SELECT day, product, artisan, url, actor, at FROM posts WHERE day = ?",
                           (day.isoformat(),)).fetchone()
        if row is None:
            return None
        removed = Post(day, row["product"], row["artisan"], row["url"], row["actor"], row["at"],
                       channel_posts(conn, day).get(day, {}))
        conn.execute("DELETE FROM posts WHERE day = ?", (day.isoformat(),))
        conn.execute("DELETE FROM channel_posts WHERE day = ?", (day.isoformat(),))
        _log(conn, day, "unposted", removed.product, actor, at, removed.url or "")
    return removed


def unmark_channel(conn: sqlite3.Connection, day: dt.date, channel: str, actor: str,
                   at: dt.datetime) -> tuple[ChannelPost, bool] | None:
    """Remove one channel's mark; the day stops counting as posted when it was the last channel marked.
    Returns (the removed mark, whether the day's mark went too); None when the channel was not marked."""
    with transaction(conn):
        row = conn.execute("SELECT url, actor, at FROM channel_posts WHERE day = ? AND channel = ?",
                           (day.isoformat(), channel)).fetchone()
        if row is None:
            return None
        conn.execute("DELETE FROM channel_posts WHERE day = ? AND channel = ?", (day.isoformat(), channel))
        left = conn.execute("SELECT COUNT(*) FROM channel_posts WHERE day = ?", (day.isoformat(),)).fetchone()[0]
        post = conn.execute("SELECT product FROM posts WHERE day = ?", (day.isoformat(),)).fetchone()
        if not left:
            conn.execute("DELETE FROM posts WHERE day = ?", (day.isoformat(),))
        _log(conn, day, "unposted", post["product"] if post else None, actor, at,
             " ".join(x for x in (channel, row["url"]) if x))
    return ChannelPost(day, channel, row["url"], row["actor"], row["at"]), not left and post is not None


def log(conn: sqlite3.Connection, day: dt.date | None = None) -> list[sqlite3.Row]:
    if day is None:
        return list(conn.execute("SELECT * FROM plan_log ORDER BY id"))
    return list(conn.execute("SELECT * FROM plan_log WHERE day = ? ORDER BY id", (day.isoformat(),)))


# Builds ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Build:
    day: dt.date
    product: str | None
    artisan: str | None
    input_hash: str
    status: str  # ok, failed, empty
    message: str
    at: str


def builds(conn: sqlite3.Connection) -> dict[dt.date, Build]:
    rows = conn.execute("SELECT day, product, artisan, input_hash, status, message, at FROM builds ORDER BY day")
    return {dt.date.fromisoformat(r["day"]): Build(dt.date.fromisoformat(r["day"]), r["product"], r["artisan"],
                                                   r["input_hash"], r["status"], r["message"], r["at"])
            for r in rows}


def record_build(conn: sqlite3.Connection, day: dt.date, product: str | None, artisan: str | None, input_hash: str,
                 status: str, message: str, at: dt.datetime) -> None:
    with transaction(conn):
        conn.execute(
            "INSERT INTO builds (day, product, artisan, input_hash, status, message, at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (day) DO UPDATE SET product = excluded.product, artisan = excluded.artisan, "
            "input_hash = excluded.input_hash, status = excluded.status, message = excluded.message, at = excluded.at",
            (day.isoformat(), product, artisan, input_hash, status, message, _iso(at)))


def forget_build(conn: sqlite3.Connection, day: dt.date) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM builds WHERE day = ?", (day.isoformat(),))


def history(conn: sqlite3.Connection) -> list[Feature]:
    """Every posted day, plus every day exported and not posted: both count as featured for rotation."""
    out = [Feature(p.day, p.product, p.artisan, POSTED) for p in posts(conn).values()]
    posted = {f.date for f in out}
    out += [Feature(b.day, b.product, b.artisan or "", EXPORTED) for b in builds(conn).values()
            if b.status == "ok" and b.product and b.day not in posted]
    return sorted(out, key=lambda f: f.date)


# Scheduler runs ----------------------------------------------------------------------------------

def run_started(conn: sqlite3.Connection, trigger: str, at: dt.datetime) -> int:
    with transaction(conn):
        cur = conn.execute("INSERT INTO scheduler_runs (trigger, started_at) VALUES (?, ?)", (trigger, _iso(at)))
    return int(cur.lastrowid)


def run_finished(conn: sqlite3.Connection, run_id: int, status: str, summary: str, at: dt.datetime) -> None:
    with transaction(conn):
        conn.execute("UPDATE scheduler_runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
                     (_iso(at), status, summary, run_id))


def last_run(conn: sqlite3.Connection, status: str | None = "ok") -> sqlite3.Row | None:
    if status is None:
        return conn.execute("SELECT * FROM scheduler_runs ORDER BY id DESC LIMIT 1").fetchone()
    return conn.execute("SELECT * FROM scheduler_runs WHERE status = ? ORDER BY id DESC LIMIT 1",
                        (status,)).fetchone()
