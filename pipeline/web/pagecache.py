"""Rendered pages kept per everything they show, so a repeated GET of an unchanged page costs a lookup.

A page over a thousand products spends ~5 ms of CPU per request on its views, file reads and Jinja even
when every view is memoised; with 20 phones queueing on one server process that is what set the p95
(bench/web_bench.py). `@cached_page()` on a GET route keeps the finished HTML under a key of:

- the URL (path and query: the week, the filters, the page of rows),
- the viewer (name, role, logged in) and the session's CSRF token, so no form token and nothing one
  person may see is ever served to another session,
- `WebState.version()`: the catalogue's generation (content/ as the watcher last saw it), the
  dashboard's own write counter (bumped by every write before its redirect, so the next page is fresh),
  today's date, and the stat of schedule.yaml, exports/ and the SQLite file and its WAL (commits by
  the CLI or the scheduler),
- the council's name and tagline (templates/brand.yaml), and whatever the route adds (`extra`: a day
  page's build progress and content/music/'s files, the stat of the file an edit form shows).

A session with a flash pending is never served from, nor stored in, the cache: the flash is shown
once, by a real render. Login and roles are still checked on every request (the routers' viewer
dependency runs before this). Only 200 answers are kept; a page older than the memo's ceiling
(state.MEMO_SECONDS) is rendered again
(the same ceiling on staleness as every memo, for inputs no key sees, such as a template edit).
The browser still gets `Cache-Control: no-store`.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

LIMIT = 128  # pages kept; a few people times a dozen pages, and old versions fall out first
NO_STORE = {"Cache-Control": "no-store"}

Extra = Callable[[Request], Hashable]


class PageCache:
    """HTML by key, at most LIMIT pages, oldest dropped first. `rendered` counts every page render (cached
    or not, by render.page), `served` the answers given from the cache."""

    def __init__(self, ceiling: float) -> None:
        self.ceiling = ceiling  # seconds a page is kept at most (WebState passes MEMO_SECONDS)
        self._pages: dict[tuple, tuple[float, bytes]] = {}
        self._lock = threading.Lock()
        self.rendered = 0
        self.served = 0

    def get(self, key: tuple) -> bytes | None:
        hit = self._pages.get(key)
        if hit is None or time.monotonic() - hit[0] >= self.ceiling:
            return None
        self.served += 1
        return hit[1]

    def put(self, key: tuple, body: bytes) -> None:
        if self.ceiling <= 0:  # switched off (ETALASE_PAGE_CACHE=off): nothing would ever be served
            return
        with self._lock:
            self._pages.pop(key, None)
            while len(self._pages) >= LIMIT:
                del self._pages[next(iter(self._pages))]
            self._pages[key] = (time.monotonic(), body)


def page_key(request: Request, extra: tuple[Extra, ...] = ()) -> tuple | None:
    """The key of this request's page; None when it must be rendered afresh (a flash is pending, or the
    session has no CSRF token yet: rendering makes one)."""
    session = request.session
    token = session.get("csrf")
    if "flash" in session or not token:
        return None
    web = request.app.state.web
    viewer = getattr(request.state, "viewer", None)
    return (request.url.path, request.url.query, viewer, token, web.version(), web.council_identity(),
            *(f(request) for f in extra))


def cached_page(*extra: Extra) -> Callable:
    """Decorate a plain `def` GET route that returns `render.page(...)` (and takes `request`)."""
    def wrap(route: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(route)  # FastAPI reads the route's own signature through __wrapped__
        def serve(*args: Any, **kwargs: Any) -> Any:
            request: Request = kwargs["request"]
            key = page_key(request, extra)
            if key is None:
                return route(*args, **kwargs)
            pages: PageCache = request.app.state.web.pages
            body = pages.get(key)
            if body is not None:
                return HTMLResponse(body, headers=NO_STORE)
            response = route(*args, **kwargs)
            if isinstance(response, HTMLResponse) and response.status_code == 200:
                pages.put(key, bytes(response.body))
            return response
        return serve
    return wrap
