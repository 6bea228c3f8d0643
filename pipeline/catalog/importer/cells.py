"""What offices type in a cell -> the value the YAML gets, before the catalogue's own fields judge it.

Only the spreadsheet's own habits are handled here (numbers for phone numbers and prices, lists in
one cell, "ya"/"tidak", dates Excel made); the accepted forms of each field stay the catalogue's
(reader.py, rupiah.py).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pipeline.catalog.importer.columns import normal
from pipeline.catalog.reader import YES_NO
from pipeline.catalog.rupiah import parse_price

LISTS = frozenset({"photos", "materials", "colours", "tags", "certifications", "crafts"})
AVAILABILITY = {
    "in_stock": ("tersedia", "ada", "ready", "ready stock", "in stock", "in_stock", "stok ada", "siap"),
    "made_to_order": ("sesuai pesanan", "dibuat sesuai pesanan", "pesanan", "pesan dulu", "pre order", "preorder",
                      "po", "made to order", "made_to_order", "by order"),
}
_AVAILABILITY = {normal(n): value for value, names in AVAILABILITY.items() for n in names}
YES = frozenset({"ya", "y", "yes", "true", "1", "x", "setuju", "bersedia", "sudah", "boleh", "ok"})  # x: ticked
NO = frozenset({"tidak", "t", "no", "n", "false", "0", "belum", "tidak boleh"})


class CellError(ValueError):
    """A cell that cannot become a field value; `hint` says what to type instead."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def convert(field: str, value: Any) -> Any:
    """The YAML value for `field` from one cell's value; None for a blank cell."""
    if blank(value):
        return None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        shown = value.strftime("%d-%m-%Y") if isinstance(value, (dt.datetime, dt.date)) else str(value)
        raise CellError(f"Excel turned this cell into a date ({shown})",
                        "format the column as Text, or type an apostrophe first, e.g. '10-12")
    if field == "price":
        return parse_price(value.strip() if isinstance(value, str) else value)
    if field == "whatsapp":
        return phone(value)
    if field in LISTS:
        return [p.strip() for p in re.split(r"[,;\n]", text(value)) if p.strip()]
    if field == "availability":
        return _AVAILABILITY.get(normal(value), text(value))
    if field in YES_NO:  # a blank cell is "not said": the key goes
        return yes_no(value)
    return text(value)


def text(value: Any) -> str:
    """A cell as text: 35.0 (a number Excel stored) -> "35", text stripped."""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def phone(value: Any) -> str:
    """81234567890 (a number: Excel dropped the leading zero) -> "+6281234567890"; text is the reader's."""
    raw = text(value)
    digits = re.sub(r"[\s\-().]", "", raw)
    if digits.isdigit():
        if digits.startswith("62"):
            return "+" + digits
        if digits.startswith("8"):
            return "+62" + digits
    return raw


def yes_no(value: Any) -> bool:
    """A yes/no cell (izin foto, go global): ya/tidak, y/t, true/false, 1/0, a tick (x); Excel's TRUE/FALSE."""
    if isinstance(value, bool):
        return value
    v = text(value).lower()
    if v in YES:
        return True
    if v in NO:
        return False
    raise CellError(f"`{text(value)}` is not yes or no", "type ya or tidak")
