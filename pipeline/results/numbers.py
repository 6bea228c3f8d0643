"""Counts as people type them and platforms print them: "12.345", "1,2rb", "3,4jt", "1.2K", "3M".

The rule, decided once here:
- Without a suffix a count is whole. A separator followed by groups of exactly three digits is a
  thousands separator, whichever it is: "12.345" (Indonesian), "12,345" (English exports) and
  "12 345" are all 12345. Anything else ("12,5", "1.23") is refused: a count has no fraction.
- With a suffix the number may have one decimal separator, "," or ".": "1,2rb" = "1.2K" = 1200.
  Suffixes: rb/ribu/k (thousand), jt/juta/m (million: "M" as English exports print it), miliar/b
  (billion). An Indonesian "M" meaning miliar is not accepted as such: "3M" is three million.
- Numbers from spreadsheet cells (int, or a float that is whole) pass through.
Bad input raises ContentError with an Indonesian message, naming the file, row and field given.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pipeline.common.errors import ContentError

SUFFIXES = {
    "rb": 1_000, "ribu": 1_000, "k": 1_000,
    "jt": 1_000_000, "juta": 1_000_000, "m": 1_000_000,
    "miliar": 1_000_000_000, "b": 1_000_000_000,
}
BLANK = {"", "-", "—", "–"}
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_GROUPED = re.compile(r"^\d{1,3}(?P<sep>[.,])\d{3}(?:(?P=sep)\d{3})*$")
_SUFFIXED = re.compile(r"^(?P<num>\d+(?:[.,]\d+)?)(?P<suffix>[a-z]+)$")
HINT = "tulis angka bulat, mis. 12.345, 1,2rb atau 3,4jt"


def parse_count(value: str | int | float, *, field: str = "", path: str = "", line: int | None = None) -> int:
    """A count from text or a cell; ContentError (Indonesian) naming `path`, `line`, `field` when unreadable."""
    if isinstance(value, bool):
        raise _bad(value, field, path, line)
    if isinstance(value, int):
        return _non_negative(value, value, field, path, line)
    if isinstance(value, float):
        if not value.is_integer():
            raise _bad(value, field, path, line, "bukan angka bulat")
        return _non_negative(int(value), value, field, path, line)
    text = _SPACES.sub(" ", str(value)).strip().lower()
    if text in BLANK:
        raise _bad(value, field, path, line, "kosong")
    if text.startswith("-"):
        raise _bad(value, field, path, line, "tidak boleh negatif")
    if re.fullmatch(r"\d{1,3}(?: \d{3})+", text):  # "12 345"
        return int(text.replace(" ", ""))
    compact = re.sub(r"(?<=[\d.,]) (?=[a-z])", "", text)  # "1,2 rb"
    if compact.isdigit():
        return int(compact)
    if _GROUPED.match(compact):
        return int(re.sub(r"[^\d]", "", compact))
    m = _SUFFIXED.match(compact)
    if m and m.group("suffix") in SUFFIXES:
        try:
            number = Decimal(m.group("num").replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits and one separator
            raise _bad(value, field, path, line) from None
        return int((number * SUFFIXES[m.group("suffix")]).to_integral_value())
    if re.fullmatch(r"\d+[.,]\d+", compact):
        raise _bad(value, field, path, line, "bukan angka bulat")
    raise _bad(value, field, path, line)


def parse_optional(value: str | int | float | None, *, field: str = "", path: str = "",
                   line: int | None = None) -> int | None:
    """Like parse_count, but a blank (empty, "-", None) is None: the number was not read."""
    if value is None or (isinstance(value, str) and _SPACES.sub("", value) in BLANK):
        return None
    return parse_count(value, field=field, path=path, line=line)


def parse_signed(value: str | int | float | None, *, field: str = "", path: str = "",
                 line: int | None = None) -> int | None:
    """A change that may be negative (followers gained: "-12"); blank is None."""
    if isinstance(value, str) and value.strip().startswith("-") and value.strip() not in BLANK:
        return -parse_count(value.strip()[1:], field=field, path=path, line=line)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        return -parse_count(-value, field=field, path=path, line=line)
    return parse_optional(value, field=field, path=path, line=line)


def _non_negative(number: int, raw, field: str, path: str, line: int | None) -> int:
    if number < 0:
        raise _bad(raw, field, path, line, "tidak boleh negatif")
    return number


def _bad(value, field: str, path: str, line: int | None, why: str = "bukan angka") -> ContentError:
    return ContentError.single(path, line, field, f"`{value}` {why}", HINT)


def format_count(number: int | None) -> str:
    """12345 -> "12.345", as the admin reads numbers; None -> "-"."""
    if number is None:
        return "-"
    return f"{number:,}".replace(",", ".")
