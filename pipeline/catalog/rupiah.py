"""Rupiah amounts as people write them ("Rp 150.000", "150rb", "1,5 jt") and as captions show them."""

from __future__ import annotations

import re
from typing import Any

_SUFFIX = {"rb": 1_000, "ribu": 1_000, "k": 1_000, "jt": 1_000_000, "juta": 1_000_000}
_SHORT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(rb|ribu|k|jt|juta)$")
_FULL = re.compile(r"^\d{1,3}(?:\.\d{3})+$|^\d+$")


def parse_price(value: Any) -> int:
    """Whole rupiah from an int or text; raises ValueError with the accepted forms."""
    if isinstance(value, bool):
        raise ValueError("expected a price such as 150000, \"Rp 150.000\" or \"150rb\"")
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float) and value.is_integer():
        amount = int(value)
    elif isinstance(value, str):
        amount = _parse_text(value)
    else:
        raise ValueError(f"`{value}` is not a price: write 150000, \"Rp 150.000\" or \"150rb\"")
    if amount <= 0:
        raise ValueError(f"price must be more than zero, got {amount}")
    if amount > 1_000_000_000:
        raise ValueError(f"price {amount} looks too large; write whole rupiah, e.g. \"Rp 150.000\"")
    return amount


def _parse_text(raw: str) -> int:
    v = raw.strip().lower().replace("rp.", "").replace("rp", "").replace(",-", "").replace(" ", "")
    v = v.removesuffix(".-").removesuffix("-")
    m = _SHORT.match(v)
    if m:
        return round(float(m.group(1).replace(",", ".")) * _SUFFIX[m.group(2)])
    if v.endswith(",00"):
        v = v[:-3]
    if _FULL.match(v):
        return int(v.replace(".", ""))
    raise ValueError(f"`{raw}` is not a price: write 150000, \"Rp 150.000\" or \"150rb\"")


def format_rupiah(amount: int) -> str:
    """150000 -> "Rp 150.000" (dot thousands separator, no decimals)."""
    return "Rp " + f"{amount:,}".replace(",", ".")
