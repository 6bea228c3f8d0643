"""Declared fields for YAML mappings: types, defaults, help, and readable problems.

Every settings and content file is read through this, so each reports all of its problems at
once, warns on unknown keys with the nearest known one, and documents itself (`Field.help`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.common.errors import Problem
from pipeline.common.yamlread import Key, YamlDoc, field_name

Parser = Callable[[Any], Any]  # raises ValueError(message) on a bad value

MAX_UNKNOWN_KEYS = 10  # unknown-field warnings per mapping; past it one summary line
MAX_PROBLEMS = 50  # problems per file; past it one summary line (a 50 MB file once printed 4 million)
MAX_LIST_ITEMS = 100  # a list field longer than this is refused whole, not item by item


@dataclass(frozen=True)
class Field:
    name: str
    parse: Parser
    required: bool = False
    default: Any = None
    help: str = ""
    hint: str = ""
    written: bool = False  # parse a plain number as written (`75.000`, `+62812...`), not as YAML's int/float


class FieldReader:
    """Collects problems for one document instead of stopping at the first."""

    def __init__(self, doc: YamlDoc):
        self.doc = doc
        self._problems: list[Problem] = []
        self._dropped: dict[str, int] = {}  # severity -> problems past MAX_PROBLEMS

    @property
    def problems(self) -> list[Problem]:
        """The problems found, at most MAX_PROBLEMS of them, then a line saying how many more."""
        extra = [Problem(self.doc.path, None, "", f"{n:,} more {severity}s in this file not shown",
                         "fix the ones above first", severity) for severity, n in self._dropped.items()]
        return self._problems + extra

    def _add(self, problem: Problem) -> None:
        if len(self._problems) < MAX_PROBLEMS:
            self._problems.append(problem)
        else:
            self._dropped[problem.severity] = self._dropped.get(problem.severity, 0) + 1

    def error(self, key: Key, message: str, hint: str = "") -> None:
        self._add(Problem(self.doc.path, self.doc.line(*key), field_name(key), message, hint, "error"))

    def warn(self, key: Key, message: str, hint: str = "") -> None:
        self._add(Problem(self.doc.path, self.doc.line(*key), field_name(key), message, hint, "warning"))

    def value(self, key: Key) -> Any:
        node = self.doc.data
        for part in key:
            node = node[part]
        return node

    def mapping(self, key: Key, fields: Iterable[Field]) -> dict[str, Any] | None:
        """Read the mapping at `key` against its declared fields; None when it is not a mapping."""
        fields = list(fields)
        data = self.value(key) if key else self.doc.data
        if not isinstance(data, dict):
            self.error(key, f"expected a mapping of fields, got {type_name(data)}",
                       "write `field: value` lines under it")
            return None
        known = {f.name: f for f in fields}
        unknown = [k for k in data if k not in known]
        for k in unknown[:MAX_UNKNOWN_KEYS]:
            near = difflib.get_close_matches(str(k), list(known), n=1, cutoff=0.6)
            hint = f"did you mean `{near[0]}`?" if near else "known fields: " + ", ".join(known)
            self.warn((*key, k), "unknown field, ignored", hint)
        if len(unknown) > MAX_UNKNOWN_KEYS:
            self.warn(key, f"{len(unknown) - MAX_UNKNOWN_KEYS:,} more unknown fields, ignored",
                      "known fields: " + ", ".join(known))
        out: dict[str, Any] = {}
        for f in fields:
            out[f.name] = self.field((*key, f.name), f, data)
        return out

    def field(self, key: Key, f: Field, data: dict) -> Any:
        if f.name not in data or data[f.name] is None:
            if f.required:
                self.error(key[:-1] if f.name not in data else key, f"`{f.name}` is required",
                           f.hint or f.help)
            return f.default
        value = data[f.name]
        if f.written and key in self.doc.written:
            value = self.doc.written[key]
        try:
            return f.parse(value)
        except ValueError as exc:
            self.error(key, str(exc), f.hint)
            return f.default


def type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false", type(None): "nothing", bytes: "binary data"}.get(type(value), type(value).__name__)


# Parsers shared by every file -------------------------------------------------------------

def text(value: Any) -> str:
    if isinstance(value, (bool, dict, list, bytes, bytearray)):
        raise ValueError(f"expected text, got {type_name(value)}")
    out = str(value).strip()
    _refuse_control(out)
    return out


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")  # Cc and Cs but \t \n \r


def _refuse_control(value: str) -> None:
    """ESC, NUL and the like come from pasting out of a terminal or a PDF; on a cover they draw boxes
    and in a caption they can hide text. Line breaks and tabs are fine."""
    m = _CONTROL.search(value)
    if m:
        ch = m.group()
        name = unicodedata.name(ch, {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL"}.get(ch, "control"))
        raise ValueError(f"contains an invisible control character (U+{ord(ch):04X} {name}) at "
                         f"character {m.start() + 1}: delete it and type the text again")


def nonempty_text(value: Any) -> str:
    out = text(value)
    if not out:
        raise ValueError("must not be empty")
    return out


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {value!r}")
    return value


def number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {value!r}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"number too large ({len(str(value)):,} digits)") from None


def text_list(value: Any) -> tuple[str, ...]:
    """A list of text; a single text value is accepted as a one-item list."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"expected a list, got {type_name(value)}")
    if len(value) > MAX_LIST_ITEMS:
        raise ValueError(f"list has {len(value):,} items, more than {MAX_LIST_ITEMS}")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, (dict, list, bool)) or item is None:
            raise ValueError(f"item {i + 1} should be text, got {type_name(item)}")
        try:
            out.append(text(item))
        except ValueError as exc:
            raise ValueError(f"item {i + 1}: {exc}") from None
    return tuple(out)


def choice(*options: str) -> Parser:
    def parse(value: Any) -> str:
        v = text(value)
        if v not in options:
            near = difflib.get_close_matches(v, options, n=1)
            extra = f" (did you mean `{near[0]}`?)" if near else ""
            raise ValueError(f"`{v}` is not one of: {', '.join(options)}{extra}")
        return v
    return parse


def hex_colour(value: Any) -> str:
    v = text(value)
    if len(v) not in (4, 7) or not v.startswith("#") or any(c not in "0123456789abcdefABCDEF" for c in v[1:]):
        raise ValueError(f"`{v}` is not a colour like \"#8A6D3B\"")
    if len(v) == 4:
        v = "#" + "".join(c * 2 for c in v[1:])
    return v.upper()
