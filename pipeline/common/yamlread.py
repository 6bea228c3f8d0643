"""Reading YAML with line numbers, so every problem can name the file, line and field.

Composes with the C parser (fast for a thousand files), then builds plain Python data while
recording where each key sits. Aliases are refused outright: content never needs them and
refusing them makes alias bombs harmless. Duplicate keys are errors, not silent overwrites.
Explicit tags (`!!binary`, `!!set`, `!foo`) are refused too: a text field must never become bytes.
The source text of every plain number is kept (`YamlDoc.written`), so a field can read `75.000`
as the curator wrote it rather than as the float 75.0 YAML makes of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.common import safefile
from pipeline.common.errors import ContentError, Problem

try:  # the C parser is much faster; fall back where libyaml is missing
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_constructor = yaml.constructor.SafeConstructor()

Key = tuple  # a path into the document: ("photos", 2, "file")

_CORE = "tag:yaml.org,2002:"
# Tags plain YAML resolves by itself; anything else was written out (`!!binary`, `!!set`, `!x`).
_PLAIN_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_NUMBER_TAGS = {_CORE + "int", _CORE + "float"}


@dataclass
class YamlDoc:
    """Plain data plus the line of every key and list item."""

    path: str
    data: Any
    lines: dict[Key, int] = field(default_factory=dict)
    text: str = ""
    written: dict[Key, str] = field(default_factory=dict)  # plain numbers as written: ("price",) -> "75.000"

    def line(self, *key: Any) -> int | None:
        """The line of `key`, or of its nearest recorded parent."""
        k = tuple(key)
        while k:
            if k in self.lines:
                return self.lines[k]
            k = k[:-1]
        return self.lines.get((), 1)


def field_name(key: Key) -> str:
    """("photos", 2, "file") -> "photos[2].file", the form users see in messages."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def read_text(path: Path, shown: str, within: safefile.Within | Path | None = None) -> str:
    """The file's text, refused as one problem when it is not a regular file under the size limit
    (or, with `within`, a link leading out of that folder)."""
    try:
        raw = safefile.read_bytes(path, within, safefile.max_file_bytes())
    except safefile.FileRefused as exc:
        raise ContentError.single(shown, None, "", exc.message, exc.hint) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError.single(
            shown, line, "", f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            "save the file as UTF-8 (in Notepad: Save As > Encoding: UTF-8)",
        ) from None


def load(path: Path, shown: str | None = None, within: safefile.Within | Path | None = None) -> YamlDoc:
    """Load one YAML file; raises ContentError naming the line on any syntax problem."""
    shown = shown or str(path)
    text = read_text(path, shown, within)
    return loads(text, shown)


def loads(text: str, shown: str) -> YamlDoc:
    try:
        if "*" in text:
            _refuse_aliases(text, shown)
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        hint = "check the indentation and quoting on this line and the one before"
        lines = text.splitlines()
        if "\t" in message or (line and line <= len(lines) and "\t" in lines[line - 1]):
            hint = "YAML does not allow tabs: indent with spaces"
        raise ContentError.single(shown, line, "", f"YAML syntax error: {message}", hint) from None
    except yaml.YAMLError as exc:
        raise ContentError.single(shown, None, "", f"YAML error: {exc}") from None
    if not nodes or nodes[0] is None:
        raise ContentError.single(shown, 1, "", "file is empty", "fill it in or delete it")
    if len(nodes) > 1:
        raise ContentError.single(shown, nodes[1].start_mark.line + 1, "", "more than one YAML document ('---')",
                                  "keep one document per file")
    doc = YamlDoc(shown, None, {(): 1}, text)
    doc.data = _build(nodes[0], (), doc)
    return doc


def _refuse_aliases(text: str, shown: str) -> None:
    """Aliases lose their position once composed, so find them among the parser's events."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise ContentError.single(shown, event.start_mark.line + 1, "",
                                      f"YAML aliases (*{event.anchor}) are not supported",
                                      "write the value out in full")


def _build(node: yaml.Node, key: Key, doc: YamlDoc) -> Any:
    """Plain data from a node tree that has no aliases (loads refused them), so it is a tree, not a graph."""
    _refuse_tags(node, key, doc)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode):
                raise ContentError.single(doc.path, knode.start_mark.line + 1, field_name(key),
                                          "a key must be plain text")
            if knode.tag == "tag:yaml.org,2002:merge":
                raise ContentError.single(doc.path, knode.start_mark.line + 1, field_name(key),
                                          "YAML merge keys (<<) are not supported", "write the keys out in full")
            k = _scalar(knode, key, doc)
            if k in out:
                raise ContentError.single(
                    doc.path, knode.start_mark.line + 1, field_name((*key, k)),
                    f"duplicate key (first at line {doc.lines[(*key, k)]})", "keep one of the two")
            doc.lines[(*key, k)] = knode.start_mark.line + 1
            out[k] = _build(vnode, (*key, k), doc)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            doc.lines[(*key, i)] = item.start_mark.line + 1
            items.append(_build(item, (*key, i), doc))
        return items
    if node.tag in _NUMBER_TAGS and not node.style:
        doc.written[key] = node.value
    return _scalar(node, key, doc)


def _scalar(node: yaml.Node, key: Key, doc: YamlDoc) -> Any:
    """A scalar's value; a number longer than Python reads (4,300 digits) or a date like 2026-13-45 is a
    problem on its line, not a crash."""
    _refuse_tags(node, key, doc)
    try:
        return _constructor.construct_object(node)
    except yaml.YAMLError as exc:
        raise ContentError.single(doc.path, node.start_mark.line + 1, field_name(key), f"bad value: {exc}") from None
    except (ValueError, OverflowError) as exc:
        text = str(getattr(node, "value", ""))
        what = (f"number is too long ({len(text):,} characters)" if "digits" in str(exc) or len(text) > 4300
                else f"bad value `{text[:40]}` ({exc})")
        raise ContentError.single(doc.path, node.start_mark.line + 1, field_name(key), what,
                                  "put the value in quotes to keep it as text, or correct it") from None


def _refuse_tags(node: yaml.Node, key: Key, doc: YamlDoc) -> None:
    if node.tag not in _PLAIN_TAGS:
        tag = node.tag.replace(_CORE, "!!")
        raise ContentError.single(doc.path, node.start_mark.line + 1, field_name(key),
                                  f"YAML tag `{tag}` is not supported", "remove the tag and write plain text")


def problem(doc: YamlDoc, key: Key, message: str, hint: str = "", severity: str = "error") -> Problem:
    return Problem(doc.path, doc.line(*key), field_name(key), message, hint, severity)
