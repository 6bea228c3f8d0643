"""What every request shares: the project, one SQLite connection per worker thread, a catalogue cache.

Loading a thousand products re-hashes every photo, far too slow per request. The cache keeps the
last catalogue; a watcher thread looks at content/ (names, sizes and mtimes) every second and
swaps in a freshly loaded catalogue when something changed, so requests never wait for a scan
or a reload. After the dashboard itself wrote a file the next request reloads at once.

A reload that fails (a product "file" that is a folder or a dangling symlink, a disk error) keeps the
last good catalogue, records the trouble for the pages' banner, logs it once, and the watcher goes on
watching: the next change on disk is tried again, and a good load clears the banner.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.catalog.reader import load_catalog
from pipeline.common.clock import Clock, SystemClock
from pipeline.common.errors import ContentError, EtalaseError
from pipeline.common.models import Catalog
from pipeline.common.project import Project
from pipeline.curation import rules as curation
from pipeline.plan.schedule import Settings, load_settings
from pipeline.render.brand import load_brand
from pipeline.store.db import connect
from pipeline.web.pagecache import PageCache

RECHECK_SECONDS = 1.0
IDLE_SECONDS = 120.0  # the watcher stops when nobody asked for a while (and restarts on the next request)
MEMO_SECONDS = 10.0  # upper bound on staleness should a commit leave the WAL's size and mtime unchanged

log = logging.getLogger("etalase.web")


@dataclass(frozen=True)
class CatalogTrouble:
    """Why the catalogue could not be reloaded: the file (as shown to people) and what went wrong."""

    file: str  # e.g. content/products/x.yaml; "" when no file can be named
    message: str  # Bahasa Indonesia


def trouble_of(exc: BaseException, content: Path) -> CatalogTrouble:
    """Name the file: an OSError carries it, otherwise the innermost frame with a `path` local (the reader's
    per-file functions all have one) does."""
    path = exc.filename if isinstance(exc, OSError) and exc.filename else None
    tb = exc.__traceback__ if path is None else None
    while tb is not None:
        local = tb.tb_frame.f_locals.get("path")
        if isinstance(local, Path):
            path = local
        tb = tb.tb_next
    shown = ""
    if path:
        try:
            shown = str(PurePosixPath(Path(path).relative_to(content.parent)))
        except ValueError:
            shown = str(path)
    if isinstance(exc, IsADirectoryError) or (path and Path(path).is_dir()):
        why = "ini sebuah folder, bukan file"
    elif isinstance(exc, FileNotFoundError):
        why = "file tidak ada (mungkin pintasan/symlink yang menunjuk ke file yang sudah dihapus)"
    elif isinstance(exc, PermissionError):
        why = "tidak ada izin untuk membacanya"
    else:
        why = f"{type(exc).__name__}: {exc}"
    return CatalogTrouble(shown, why)


class CatalogCache:
    def __init__(self, content: Path):
        self.content = content
        self._lock = threading.Lock()
        self._catalog: Catalog | None = None
        self._signature: frozenset | None = None
        self._stale = True
        self._asked = 0.0
        self._watcher: threading.Thread | None = None
        self._logged: set[CatalogTrouble] = set()
        self.generation = 0  # bumped on every reload (good or failed), for caches derived from the catalogue
        self.trouble: CatalogTrouble | None = None  # why the last reload failed; None after a good one

    def get(self) -> Catalog:
        self._asked = time.monotonic()
        if self._stale or self._catalog is None:
            with self._lock:
                if self._stale or self._catalog is None:
                    self._reload()
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(target=self._watch, name="etalase-catalog-watch", daemon=True)
            self._watcher.start()
        return self._catalog

    def invalidate(self) -> None:
        self._stale = True

    @property
    def watching(self) -> threading.Thread | None:
        """The watcher thread while it runs."""
        return self._watcher if self._watcher is not None and self._watcher.is_alive() else None

    def _reload(self) -> None:
        """Load the catalogue; on failure keep the last good one (or an empty one) and record why."""
        signature = self._scan()
        try:
            catalog = load_catalog(self.content)
        except Exception as exc:  # noqa: BLE001 - whatever it is, the pages must go on and say so
            self._failed(trouble_of(exc, self.content), exc)
            if self._catalog is None:
                self._catalog = Catalog(root=self.content)
        else:
            self._catalog, self.trouble = catalog, None
            self._logged.clear()
        self._signature, self._stale = signature, False  # retried when content/ changes again
        self.generation += 1

    def _failed(self, trouble: CatalogTrouble, exc: BaseException) -> None:
        self.trouble = trouble
        if trouble not in self._logged:  # once per distinct problem, not once a second
            self._logged.add(trouble)
            log.warning("catalogue reload failed (%s): %s; the dashboard keeps the last good catalogue",
                        trouble.file or "content/", exc, exc_info=exc)

    def _watch(self) -> None:
        while time.monotonic() - self._asked < IDLE_SECONDS:
            time.sleep(RECHECK_SECONDS)
            try:
                if self._scan() != self._signature:
                    with self._lock:
                        self._reload()
            except Exception as exc:  # noqa: BLE001 - the watcher outlives any one bad moment
                self._failed(trouble_of(exc, self.content), exc)

    def _scan(self) -> frozenset:
        """Every entry's name, kind, size and mtime: folders and broken links count, so they are noticed."""
        out = set()
        for folder in (self.content, self.content / "artisans", self.content / "products", self.content / "media"):
            try:
                with os.scandir(folder) as it:
                    for entry in it:
                        try:
                            st = entry.stat()
                        except OSError:  # a dangling symlink, or gone since the listing
                            out.add((folder.name, entry.name, "broken", -1, -1))
                            continue
                        kind = "dir" if entry.is_dir() else "file"
                        out.add((folder.name, entry.name, kind, st.st_size if kind == "file" else 0, st.st_mtime_ns))
            except OSError:
                out.add((folder.name, "", "missing", -1, -1))
        return frozenset(out)


def page_cache_seconds() -> float:
    """How long a rendered page is kept: the memo's ceiling, or 0 (never served from the cache) when
    ETALASE_PAGE_CACHE=off, so bench/web_bench.py --no-page-cache can measure every page rendered."""
    return 0.0 if os.environ.get("ETALASE_PAGE_CACHE", "").lower() in ("off", "0", "no") else MEMO_SECONDS


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
    pages: PageCache = field(default_factory=lambda: PageCache(page_cache_seconds()), init=False, repr=False)
    _local: threading.local = field(default_factory=threading.local, init=False, repr=False)
    _memo: dict = field(default_factory=dict, init=False, repr=False)
    _memo_locks: dict = field(default_factory=dict, init=False, repr=False)
    _memo_guard: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _writes: int = field(default=0, init=False, repr=False)
    _connections: int = field(default=0, init=False, repr=False)  # bumped to make every thread reconnect

    def __post_init__(self) -> None:
        self.catalog_cache = CatalogCache(self.project.content)
        self.db_file = self.project.db

    def db(self) -> sqlite3.Connection:
        """This thread's connection (sqlite3 connections are cheap to keep, slow-ish to open and migrate)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "generation", None) != self._connections:
            conn.close()
            conn = self._local.conn = None
        if conn is None:
            conn = connect(self.db_file, exports=self.project.exports)  # DatabaseDamaged if it broke
            self._local.conn, self._local.generation = conn, self._connections
        return conn

    def forget_connections(self) -> None:
        """Every thread opens (and checks) the database afresh on its next request."""
        self._connections += 1

    def catalog(self) -> Catalog:
        return self.catalog_cache.get()

    def wrote(self, content: bool = False) -> None:
        """The dashboard changed state (and files, with `content`): drop what was derived from it."""
        self._writes += 1
        if content:
            self.catalog_cache.invalidate()

    def settings(self) -> Settings:
        """schedule.yaml, parsed again only when the file changed (ConfigError when it is wrong)."""
        return self.memo("settings", lambda: load_settings(self.project.schedule, "schedule.yaml"),
                         key=("schedule.yaml", stamp(self.project.schedule)))  # a tuple: never None

    def version(self) -> tuple:
        """Changes whenever the catalogue, the database or the exports may have: commits by the CLI or
        the scheduler touch the WAL file, a published day renames into exports/; our own writes bump a
        counter; the date matters to every plan."""
        self.catalog()
        out: list = [self.catalog_cache.generation, self._writes, self.today(),
                     stamp(self.project.schedule), stamp(self.project.exports)]
        try:
            st = self.db_file.stat()
            out += [st.st_size, st.st_mtime_ns]
        except FileNotFoundError:
            out.append(None)
        try:
            st = self.db_file.with_name(self.db_file.name + "-wal").stat()
            # An empty WAL holds no commit, and neither does a missing one (the last connection to close
            # removes it): each thread's new connection touches an empty WAL's mtime. A commit always makes
            # it grow or, after a reset, rewrites it.
            out.append((st.st_size, st.st_mtime_ns) if st.st_size else "no-wal")
        except FileNotFoundError:
            out.append("no-wal")
        return tuple(out)

    def today(self) -> dt.date:
        """The date in the plan's zone (schedule.yaml's, which may differ from the clock's), as ctx.today."""
        now = self.clock.now()
        try:
            return self.settings().today(now)
        except EtalaseError:  # a broken schedule.yaml: its pages say so, the clock's date will do
            return now.date()

    def memo(self, name, compute, key=None):
        """`compute()` once per state version (or per `key`): views over a thousand products and the
        planner's ranking stay fast between changes. One thread computes a missing value while the
        others wait for it (no stampede of 20 identical computations); a value that is only old, not
        outdated, keeps being served while one thread refreshes it."""
        key = self.version() if key is None else key
        hit = self._memo.get(name)
        if hit is not None and hit[0] == key:
            if time.monotonic() - hit[1] < MEMO_SECONDS:
                return hit[2]
            lock = self._memo_lock(name)
            if not lock.acquire(blocking=False):
                return hit[2]
            try:
                return self._remember(name, key, compute())
            finally:
                lock.release()
        with self._memo_lock(name):
            hit = self._memo.get(name)
            if hit is not None and hit[0] == key and time.monotonic() - hit[1] < MEMO_SECONDS:
                return hit[2]
            return self._remember(name, key, compute())

    def _memo_lock(self, name) -> threading.Lock:
        with self._memo_guard:
            return self._memo_locks.setdefault(name, threading.Lock())

    def _remember(self, name, key, value):
        if len(self._memo) > 256:  # calendar pages each keep a plan: forget them all now and then
            self._memo.clear()
        self._memo[name] = (key, time.monotonic(), value)
        return value

    def council_identity(self) -> tuple[str, str]:
        """The council's display name and tagline from its brand.yaml, for page titles and the footer;
        empty while the brand is broken."""
        def load() -> tuple[str, str]:
            try:
                brand = load_brand(self.project)
            except EtalaseError:
                return "", ""
            return brand.display_name, brand.tagline
        try:
            path = self.project.template("brand.yaml")
        except EtalaseError:
            return "", ""
        return self.memo("council", load, key=(path, stamp(path)))

    def curation_settings(self) -> tuple[curation.CurationSettings, list]:
        """The council's checklist; a broken curation.yaml falls back to the defaults and says so."""
        def load() -> tuple[curation.CurationSettings, list]:
            try:
                return curation.load_settings(self.project.content), []
            except ContentError as exc:
                return curation.CurationSettings(), exc.problems
        return self.memo("curation", load, key=("curation.yaml", stamp(self.project.content / "curation.yaml")))


def stamp(path: Path) -> tuple | None:
    """A file's (size, mtime): what says it changed without reading it; None when it is missing."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_size, st.st_mtime_ns)
