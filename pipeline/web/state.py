"""What every request shares: the project, one SQLite connection per worker thread, a catalogue cache.

Loading a thousand products re-hashes every photo, far too slow per request. The cache keeps the
last catalogue and reloads it only when a file under content/ changed (names, sizes and mtimes,
looked at no more than once a second), or at once after the dashboard itself wrote a file.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import curation
from ..catalog import load_catalog
from ..clock import Clock, SystemClock
from ..errors import ContentError
from ..models import Catalog
from ..project import Project
from ..store import connect, db_path

RECHECK_SECONDS = 1.0
MEMO_SECONDS = 10.0  # upper bound on staleness should a commit leave the WAL's size and mtime unchanged


class CatalogCache:
    def __init__(self, content: Path):
        self.content = content
        self._lock = threading.Lock()
        self._catalog: Catalog | None = None
        self._signature: tuple | None = None
        self._checked = 0.0
        self.generation = 0  # bumped on every reload, for caches derived from the catalogue

    def get(self) -> Catalog:
        now = time.monotonic()
        if self._catalog is not None and now - self._checked < RECHECK_SECONDS:
            return self._catalog
        with self._lock:
            if self._catalog is not None and now - self._checked < RECHECK_SECONDS:
                return self._catalog
            signature = self._scan()
            if signature != self._signature or self._catalog is None:
                self._catalog = load_catalog(self.content)
                self._signature = signature
                self.generation += 1
            self._checked = time.monotonic()
            return self._catalog

    def invalidate(self) -> None:
        with self._lock:
            self._signature = None
            self._checked = 0.0

    def _scan(self) -> tuple:
        out = []
        for folder in (self.content, self.content / "artisans", self.content / "products", self.content / "media"):
            try:
                with os.scandir(folder) as it:
                    for entry in it:
                        if entry.is_file():
                            st = entry.stat()
                            out.append((folder.name, entry.name, st.st_size, st.st_mtime_ns))
            except FileNotFoundError:
                out.append((folder.name, None))
        return tuple(sorted(out, key=repr))


@dataclass
class WebState:
    """Built once by create_app; handlers reach it through `request.app.state.web`."""

    project: Project
    require_login: bool
    local_user: str | None = None
    clock: Clock = field(default_factory=SystemClock)
    request_build: Callable[[dt.date], None] | None = None  # set by `etalase serve` when the scheduler runs
    catalog_cache: CatalogCache = field(init=False)
    db_file: Path = field(init=False)
    _local: threading.local = field(default_factory=threading.local, init=False, repr=False)
    _memo: dict = field(default_factory=dict, init=False, repr=False)
    _writes: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        self.catalog_cache = CatalogCache(self.project.content)
        self.db_file = db_path(self.project.state)

    def db(self) -> sqlite3.Connection:
        """This thread's connection (sqlite3 connections are cheap to keep, slow-ish to open and migrate)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect(self.db_file)
        return conn

    def catalog(self) -> Catalog:
        return self.catalog_cache.get()

    def wrote(self, content: bool = False) -> None:
        """The dashboard changed state (and files, with `content`): drop what was derived from it."""
        self._writes += 1
        if content:
            self.catalog_cache.invalidate()

    def version(self) -> tuple:
        """Changes whenever the catalogue or the database may have: commits by the CLI or the scheduler
        touch the WAL file; our own writes bump a counter."""
        self.catalog()
        out: list = [self.catalog_cache.generation, self._writes]
        for path in (self.db_file, self.db_file.with_name(self.db_file.name + "-wal")):
            try:
                st = path.stat()
                out += [st.st_size, st.st_mtime_ns]
            except FileNotFoundError:
                out.append(None)
        return tuple(out)

    def memo(self, name: str, compute):
        """`compute()` once per state version: views over a thousand products stay fast between changes."""
        key = self.version()
        hit = self._memo.get(name)
        if hit is not None and hit[0] == key and time.monotonic() - hit[1] < MEMO_SECONDS:
            return hit[2]
        value = compute()
        self._memo[name] = (key, time.monotonic(), value)
        return value

    def curation_settings(self) -> tuple[curation.CurationSettings, list]:
        """The council's checklist; a broken curation.yaml falls back to the defaults and says so."""
        try:
            return curation.load_settings(self.project.content), []
        except ContentError as exc:
            return curation.CurationSettings(), exc.problems
