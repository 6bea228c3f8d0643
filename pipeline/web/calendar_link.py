"""The secret link of the calendar feed (/kalender.ics?kunci=...): calendar apps cannot log in, so the link is
the key. Kept owner-only (0600) in state/; a new link revokes the old one, and it can be switched off."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from pipeline.common import atomic

FILE = "kalender-kunci.txt"


def current(state: Path) -> str | None:
    """The feed's key, or None while the link is switched off."""
    try:
        key = (state / FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return key if len(key) >= 32 else None


def matches(state: Path, given: str) -> bool:
    key = current(state)
    return key is not None and hmac.compare_digest(key.encode(), given.encode("utf-8", "replace"))


def rotate(state: Path) -> str:
    """A fresh key: the old link stops working at once."""
    key = secrets.token_urlsafe(32)
    atomic.write_bytes(state / FILE, (key + "\n").encode("ascii"), private=True)
    return key


def revoke(state: Path) -> None:
    (state / FILE).unlink(missing_ok=True)
