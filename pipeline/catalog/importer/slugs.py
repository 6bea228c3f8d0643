"""Slugs from names: ASCII, lower case, hyphens; stable for the same name, unique within an import."""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 60  # edit.py refuses over 80; a cover title never needs this many


def slugify(name: str) -> str:
    """`Tas Purun "Bunga"` -> "tas-purun-bunga"; "" when the name has no ASCII letters or digits."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if len(out) > MAX_LENGTH:
        out = out[:MAX_LENGTH].rsplit("-", 1)[0] or out[:MAX_LENGTH]
    return out


def unique(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3` ... when an earlier row of the same import took it."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
