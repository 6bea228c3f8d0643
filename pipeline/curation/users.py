"""People and their roles: admins manage users, curators and admins decide, editors submit.

The CLI acts as a named user (`--as NAME` or $ETALASE_USER) so every decision has a who; the
dashboard adds passwords (the `password_hash` column) and logins on top of the same table.
Until the first admin exists anyone may add users, so a fresh install can be set up.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.common.clock import Clock, SystemClock
from pipeline.common.errors import EtalaseError, NotFound, PermissionDenied
from pipeline.curation.rules import ROLES
from pipeline.store.db import transaction

USER_ENV = "ETALASE_USER"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


class UserRefused(EtalaseError):
    """A user change that cannot be made (bad name, duplicate, unknown role)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: str
    has_password: bool = False

    def may(self, roles: Iterable[str]) -> bool:
        return self.role in tuple(roles)


def _user(row: sqlite3.Row) -> User:
    return User(row["name"], row["role"], row["created_at"], row["password_hash"] is not None)


def list_users(conn: sqlite3.Connection) -> list[User]:
    return [_user(r) for r in conn.execute("SELECT * FROM users ORDER BY name COLLATE NOCASE")]


def get(conn: sqlite3.Connection, name: str) -> User:
    row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        known = ", ".join(u.name for u in list_users(conn)) or "none yet"
        raise NotFound(f"no user `{name}` (known: {known})\n    hint: an admin adds one with "
                       f"`etalase users add {name} --role curator --as ADMIN`")
    return _user(row)


def acting(conn: sqlite3.Connection, name: str | None) -> User:
    """The user a command acts as: `name`, else $ETALASE_USER."""
    name = (name or os.environ.get(USER_ENV, "")).strip()
    if not name:
        raise PermissionDenied(f"this command records who did it: pass --as NAME or set {USER_ENV}\n"
                               "    hint: `etalase users list` shows the names")
    return get(conn, name)


def require(user: User, roles: Iterable[str], what: str) -> None:
    roles = tuple(roles)
    if not user.may(roles):
        raise PermissionDenied(f"{user.name} is {_article(user.role)} {user.role}; only "
                               f"{' or '.join(r + 's' for r in roles)} may {what}\n"
                               "    hint: ask an admin, or act as someone who may (--as NAME)")


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _check(name: str, role: str) -> None:
    if not NAME.match(name):
        raise UserRefused(f"`{name}` is not a usable user name: letters, digits, . _ - (up to 40), no spaces")
    if role not in ROLES:
        raise UserRefused(f"`{role}` is not a role; roles: {', '.join(ROLES)}")


def _has_admin(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1").fetchone() is not None


def add(conn: sqlite3.Connection, name: str, role: str, actor: User | None, clock: Clock | None = None) -> User:
    """Add a user; once an admin exists only an admin may."""
    _check(name, role)
    with transaction(conn):
        if _has_admin(conn):
            if actor is None:
                raise PermissionDenied("adding users needs an admin: pass --as ADMIN")
            require(get(conn, actor.name), ("admin",), "add users")
        if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise UserRefused(f"user `{name}` exists already\n    hint: change a role with "
                              f"`etalase users role {name} ROLE`")
        _insert(conn, name, role, clock)
    return get(conn, name)


def ensure(conn: sqlite3.Connection, name: str, role: str, clock: Clock | None = None) -> User:
    """Trusted set-up (the demo, an installer): the user, created with `role` if missing.
    Never reachable from a request or a CLI argument, since it skips the admin check."""
    _check(name, role)
    with transaction(conn):
        if not conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            _insert(conn, name, role, clock)
    return get(conn, name)


def _insert(conn: sqlite3.Connection, name: str, role: str, clock: Clock | None) -> None:
    at = (clock or SystemClock()).now().isoformat()
    conn.execute("INSERT INTO users (name, role, created_at) VALUES (?, ?, ?)", (name, role, at))


def set_role(conn: sqlite3.Connection, name: str, role: str, actor: User) -> User:
    _check(name, role)
    with transaction(conn):
        require(get(conn, actor.name), ("admin",), "change roles")
        get(conn, name)
        conn.execute("UPDATE users SET role = ? WHERE name = ?", (role, name))
    return get(conn, name)
