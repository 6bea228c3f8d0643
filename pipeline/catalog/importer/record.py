"""What an import wrote, so a re-import can tell a file edited by hand since then.

Decision: the record lives in the file itself, as its first line, a YAML comment:
    # etalase import 3f2a9c1d8e7b6a50: edits by hand are kept; a re-import asks for --force first
The hash covers the rest of the file's text, so the record travels with content/ (a copy, git, a
backup) and any later change to the file (an editor, the dashboard) makes the two disagree. A file
without the line was never written by an import and is protected in the same way.

A cache in state/ (import-photos.json) maps each source photo's bytes to the name its re-encoded copy
got in content/media/: a dry run then knows a photo is unchanged without decoding it again. It is only
a cache: the intake names files after the encoded bytes' hash, so a lost cache gives the same names.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from pipeline.common import atomic

_LINE = re.compile(r"\A# etalase import ([0-9a-f]{16})\b[^\n]*\r?\n")
NOTE = "edits by hand are kept; a re-import asks for --force first"


def _digest(body: str) -> str:
    return hashlib.sha256(body.replace("\r\n", "\n").encode("utf-8")).hexdigest()[:16]


def unstamped(text: str) -> str:
    return _LINE.sub("", text, count=1)


def stamp(text: str) -> str:
    """The file's text with a fresh record line on top (any old one replaced)."""
    body = unstamped(text)
    newline = "\r\n" if "\r\n" in body else "\n"
    return f"# etalase import {_digest(body)}: {NOTE}{newline}{body}"


def state_of(text: str) -> str:
    """"imported" when the file is exactly what an import wrote, "edited" when it changed since,
    "manual" when no import ever wrote it."""
    m = _LINE.match(text)
    if not m:
        return "manual"
    return "imported" if m.group(1) == _digest(text[m.end():]) else "edited"


class PhotoCache:
    """source photo digest -> name in content/media/ (see the module docstring)."""

    def __init__(self, state: Path):
        self.path = Path(state) / "import-photos.json"
        try:
            self.names: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            self.names = {}
        self._dirty = False

    def get(self, digest: str) -> str | None:
        return self.names.get(digest)

    def put(self, digest: str, name: str) -> None:
        if self.names.get(digest) != name:
            self.names[digest] = name
            self._dirty = True

    def save(self) -> None:
        if self._dirty:
            atomic.write_text(self.path, json.dumps(self.names, indent=0, sort_keys=True) + "\n")
            self._dirty = False
