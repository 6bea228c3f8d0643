"""Declared fields for YAML mappings: types, defaults, help, and readable problems.

Every settings and content file is read through this, so each reports all of its problems at
once, warns on unknown keys with the nearest known one, and documents itself (`Field.help`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.common.errors import Problem
from pipeline.common.yamlread import Key, YamlDoc, field_name

Parser = Callable[[Any], Any]  # raises ValueError(message) on a bad value


@dataclass(frozen=True)
class Field:
    name: str
    parse: Parser
    required: bool = False
    default: Any = None
    help: str = ""
    hint: str = ""


class FieldReader:
    """Collects problems for one document instead of stopping at the first."""

    def __init__(self, doc: YamlDoc):
        self.doc = doc
        self.problems: list[Problem] = []

    def error(self, key: Key, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.doc.path, self.doc.line(*key), field_name(key), message, hint, "error"))

    def warn(self, key: Key, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.doc.path, self.doc.line(*key), field_name(key), message, hint, "warning"))

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
        for k in data:
            if k not in known:
                near = difflib.get_close_matches(str(k), list(known), n=1, cutoff=0.6)
                hint = f"did you mean `{near[0]}`?" if near else "known fields: " + ", ".join(known)
                self.warn((*key, k), "unknown field, ignored", hint)
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
        try:
            return f.parse(data[f.name])
        except ValueError as exc:
            self.error(key, str(exc), f.hint)
            return f.default


def type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false", type(None): "nothing"}.get(type(value), type(value).__name__)


# Parsers shared by every file -------------------------------------------------------------

def text(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise ValueError(f"expected text, got {type_name(value)}")
    return str(value).strip()


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
    return float(value)


def text_list(value: Any) -> tuple[str, ...]:
    """A list of text; a single text value is accepted as a one-item list."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"expected a list, got {type_name(value)}")
    out = []
    for i, item in enumerate(value):
        if isinstance(item, (dict, list, bool)) or item is None:
            raise ValueError(f"item {i + 1} should be text, got {type_name(item)}")
        out.append(str(item).strip())
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
