"""Password hashes for dashboard users: scrypt from the standard library, salted per user.

Parameters follow OWASP's scrypt guidance (N=2^14, r=8, p=5: about 16 MB and half a second
here), so a stolen state database does not give up passwords cheaply. They are stored inside
each hash, so they can be raised later without locking anyone out (see `needs_rehash`).

The users table (pipeline/curation/users.py) leaves `password_hash` to this module: only the functions at
the end read or write it, so the hash never travels further than a login check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import sqlite3

from pipeline.curation import sessions
from pipeline.store.db import transaction

SCHEME = "scrypt"
N, R, P = 2**14, 8, 5
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 8
MAX_LENGTH = 1024  # scrypt hashes any length, but a megabyte "password" is only a way to burn CPU


class WeakPassword(ValueError):
    """The chosen password is refused; the message says what a good one needs."""


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"password must have at most {MAX_LENGTH} characters")
    if password.strip() != password:
        raise WeakPassword("password must not start or end with spaces")


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$salt$key` (salt and key in unpadded base64)."""
    check_strength(password)
    salt = os.urandom(SALT_BYTES)
    key = _derive(password, salt, N, R, P, KEY_BYTES)
    return "$".join([SCHEME, str(N), str(R), str(P), _b64(salt), _b64(key)])


def verify_password(password: str, stored: str | None) -> bool:
    """True when `password` matches; a missing or malformed hash costs the same time and says no."""
    parsed = _parse(stored) if stored else None
    if parsed is None or len(password) > MAX_LENGTH:
        _derive("dummy password", b"\0" * SALT_BYTES, N, R, P, KEY_BYTES)  # same cost, no user enumeration
        return False
    n, r, p, salt, key = parsed
    return hmac.compare_digest(_derive(password, salt, n, r, p, len(key)), key)


def needs_rehash(stored: str) -> bool:
    parsed = _parse(stored)
    return parsed is None or parsed[:3] != (N, R, P)


def _derive(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen,
                          maxmem=256 * 1024 * 1024)


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return None
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, key = _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        return None
    if n < 2 or n & (n - 1) or not (1 <= r <= 64 and 1 <= p <= 64) or not salt or len(key) < 16:
        return None
    return n, r, p, salt, key


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (ValueError, TypeError) as exc:
        raise ValueError(str(exc)) from None


# The users table's password column ------------------------------------------------------

def set_password(conn: sqlite3.Connection, name: str, password: str, *, end_sessions: bool = True) -> None:
    """Store a new hash for an existing user (raises WeakPassword, or LookupError for no such user).
    Their dashboard sessions end with it: whoever knew the old password is logged out everywhere."""
    stored = hash_password(password)
    with transaction(conn):
        if conn.execute("UPDATE users SET password_hash = ? WHERE name = ?", (stored, name)).rowcount != 1:
            raise LookupError(name)
        if end_sessions:
            sessions.end_all(conn, name)


def authenticate(conn: sqlite3.Connection, name: str, password: str) -> str | None:
    """The user's stored name when `password` is theirs, else None; unknown names cost the same time."""
    row = conn.execute("SELECT name, password_hash FROM users WHERE name = ?", (name.strip(),)).fetchone()
    if not verify_password(password, row["password_hash"] if row else None):
        return None
    if needs_rehash(row["password_hash"]):
        set_password(conn, row["name"], password, end_sessions=False)  # same password, stronger hash
    return row["name"]


def anyone_has_password(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM users WHERE password_hash IS NOT NULL LIMIT 1").fetchone() is not None
