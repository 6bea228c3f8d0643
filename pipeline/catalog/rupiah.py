"""Rupiah amounts as people write them ("Rp 150.000", "150rb", "1,5 jt") and as captions show them.

Indonesian writes thousands with a dot and decimals with a comma: "Rp 1.250.000,00". A price that
YAML read as a float (`price: 75.000` unquoted is the float 75.0) is parsed from its source text
by the catalogue reader (`Field.written`), so 75.000 is Rp 75.000; a float given here is refused,
since 75.0 cannot tell Rp 75 from Rp 75.000.
"""

from __future__ import annotations

import re
from typing import Any

MAX_PRICE = 1_000_000_000
FORMS = "write 150000, \"Rp 150.000\" or \"150rb\""
_SUFFIX = {"rb": 1_000, "ribu": 1_000, "k": 1_000, "jt": 1_000_000, "juta": 1_000_000}
_CURRENCY = re.compile(r"^(?:rp\.?|idr)?(?P<body>.*?)(?:rupiah|idr)?$")
_SHORT = re.compile(r"^(?P<whole>\d{1,4})(?:(?P<sep>[.,])(?P<frac>\d{1,3}))?(?P<unit>rb|ribu|k|jt|juta)$")
_FULL = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d{1,10})$")
_FOREIGN = re.compile(r"[$€£¥]|\b(?:usd|eur|sgd|myr|rm|aud|jpy|cny|us\$)\b", re.IGNORECASE)


def parse_price(value: Any) -> int:
    """Whole rupiah from an int or text; raises ValueError with the accepted forms."""
    if isinstance(value, bool):
        raise ValueError("expected a price such as 150000, \"Rp 150.000\" or \"150rb\"")
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        raise ValueError(f"`{value}` is not a price: {FORMS} (a number with a decimal point is ambiguous)")
    elif isinstance(value, str):
        amount = _parse_text(value)
    else:
        raise ValueError(f"`{value}` is not a price: {FORMS}")
    if amount <= 0:
        raise ValueError(f"price must be more than zero, got {amount}")
    if amount > MAX_PRICE:
        raise ValueError(f"price {amount} looks too large; write whole rupiah, e.g. \"Rp 150.000\"")
    return amount


def _parse_text(raw: str) -> int:
    shown = raw.strip() if len(raw.strip()) <= 40 else raw.strip()[:40] + "…"
    if _FOREIGN.search(raw):
        raise ValueError(f"`{shown}` is not a price in rupiah: write it in rupiah, e.g. \"Rp 150.000\"")
    v = re.sub(r"\s+", "", raw).casefold()
    if v.startswith("-") or v.startswith("rp-") or v.startswith("rp.-"):
        raise ValueError(f"price must be more than zero, got {shown}")
    v = _CURRENCY.match(v)["body"]
    for tail in (",-", ".-", "-", ",00", ",0"):
        v = v.removesuffix(tail)
    m = _SHORT.match(v)
    if m:
        return _short(m)
    if _FULL.match(v):
        return int(v.replace(".", ""))
    raise ValueError(f"`{shown}` is not a price: {FORMS}")


def _short(m: re.Match) -> int:
    """150rb, 1,5jt, 1.5jt; a dot before three digits is a thousands dot (1.250rb is 1,25 juta)."""
    whole, sep, frac, unit = int(m["whole"]), m["sep"], m["frac"] or "", _SUFFIX[m["unit"]]
    if sep == "." and len(frac) == 3:
        return (whole * 1000 + int(frac)) * unit
    return round((whole + (int(frac) / 10 ** len(frac) if frac else 0)) * unit)


def format_rupiah(amount: int) -> str:
    """150000 -> "Rp 150.000" (dot thousands separator, no decimals)."""
    return "Rp " + f"{amount:,}".replace(",", ".")
