"""Dashboard sessions kept in the state database, so they can be ended from the server side.

A signed cookie alone cannot be taken back: a copy keeps working after logout until it expires. The
cookie therefore carries a random session id; a session is valid while its row exists (the table holds
only the id's SHA-256). Logging out deletes the row, a new password deletes the user's rows
(`passwords.set_password`), and removing the user deletes them by foreign key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import sqlite3

from pipeline.store.db import transaction

SESSION_DAYS = 14  # the cookie's max age too: a session older than this is gone on both sides


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(conn: sqlite3.Connection, user: str, now: dt.datetime) -> str:
    """A new session for `user`; returns the token for the cookie. Expired rows are swept here."""
    token = secrets.token_urlsafe(32)
    with transaction(conn):
        conn.execute("DELETE FROM web_sessions WHERE julianday(created_at) < julianday(?)",
                     ((now - dt.timedelta(days=SESSION_DAYS)).isoformat(),))
        conn.execute("INSERT INTO web_sessions (id_hash, user_name, created_at) VALUES (?, ?, ?)",
                     (_digest(token), user, now.isoformat()))
    return token


def user_of(conn: sqlite3.Connection, token: object, now: dt.datetime) -> str | None:
    """The user whose live session `token` is, else None (ended, expired, unknown, or not a token)."""
    if not isinstance(token, str) or not token:
        return None
    row = conn.execute("SELECT user_name FROM web_sessions WHERE id_hash = ? AND julianday(created_at) >= "
                       "julianday(?)", (_digest(token), (now - dt.timedelta(days=SESSION_DAYS)).isoformat())
                       ).fetchone()
    return row["user_name"] if row else None


def end(conn: sqlite3.Connection, token: object) -> None:
    if isinstance(token, str) and token:
        with transaction(conn):
            conn.execute("DELETE FROM web_sessions WHERE id_hash = ?", (_digest(token),))


def end_all(conn: sqlite3.Connection, user: str) -> int:
    """End every session of `user` (inside the caller's transaction when there is one); how many ended."""
    return conn.execute("DELETE FROM web_sessions WHERE user_name = ?", (user,)).rowcount
