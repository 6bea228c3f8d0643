"""Field values compared as the catalogue reads them, not as they were typed.

One home for "is this a change?": the importer uses it to leave untouched rows alone and the
curators' "what changed" uses it so that `"210rb"` against `210000`, a reordered list of materials
or a re-wrapped story is no change at all. Text changes get a word-level diff.
"""

from __future__ import annotations

import difflib
from typing import Any

from pipeline.catalog.reader import ARTISAN_FIELDS, PRODUCT_FIELDS

UNORDERED = frozenset({"materials", "colours", "tags", "certifications", "crafts"})  # sets: order means nothing
_FIELDS = {f.name: f for f in (*ARTISAN_FIELDS, *PRODUCT_FIELDS)}  # shared names parse alike in both


def comparable(field: str, value: Any) -> Any:
    """`value` parsed by the field's declared parser, whitespace collapsed, unordered lists as sets;
    an absent value is the field's default. A value that does not parse is compared as written."""
    f = _FIELDS.get(field)
    if value is None or value == "" or value == [] or value == ():
        value = f.default if f else None
    elif f and field != "photos":
        try:
            value = f.parse(value)
        except ValueError:
            pass
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, (list, tuple)):
        items = tuple(" ".join(v.split()) if isinstance(v, str) else v for v in value)
        return frozenset(items) if field in UNORDERED else items
    return value


def same(field: str, before: Any, after: Any) -> bool:
    return comparable(field, before) == comparable(field, after)


def word_diff(before: Any, after: Any) -> tuple[tuple[str, str], ...]:
    """(op, text) runs where op is "same", "removed" or "added", from a diff of whitespace-split words."""
    old = str(before or "").split()
    new = str(after or "").split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(("removed", " ".join(old[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("added", " ".join(new[j1:j2])))
    return tuple(out)
