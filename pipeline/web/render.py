"""HTML pages from Jinja2 templates, autoescaped everywhere (names and stories are user-written)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pipeline.catalog.rupiah import format_rupiah
from pipeline.common.channels import SPECS
from pipeline.export.status import LABELS as DAY_LABELS
from pipeline.results.numbers import format_count
from pipeline.results.record import FIELDS_ID as RESULT_FIELDS
from pipeline.web import labels
from pipeline.web.security import CSRF_FIELD, csrf_token

TEMPLATES = Path(__file__).with_name("templates")

NAV = (  # (path, label, roles that see it; None = everyone)
    ("/", "Hari ini", None),
    ("/kalender", "Kalender", None),
    ("/kurasi", "Kurasi", None),
    ("/produk", "Produk", None),
    ("/pengrajin", "Pengrajin", None),
    ("/riwayat", "Riwayat", None),
    ("/wawasan", "Wawasan", None),
)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(
        rupiah=lambda v: format_rupiah(v).replace(" ", "\u00a0") if isinstance(v, int) else "",  # never split
        tanggal=labels.tanggal, waktu=labels.waktu, jam=labels.jam, state=labels.state_label, field=labels.field_label,
        nilai=labels.value_label,
        pesan=labels.pesan, urlq=lambda v: quote(str(v), safe=""),
        role=lambda v: labels.ROLE_LABELS.get(v, v), action=lambda v: labels.ACTION_LABELS.get(v, v),
        status=lambda v: DAY_LABELS.get(v, v),  # one wording with exports/index.html
        availability=lambda v: labels.AVAILABILITY_LABELS.get(v, v),
        angka=format_count, kanal=lambda v: SPECS[v].label if v in SPECS else v,  # results: 12.345, TikTok
    )
    env.tests["weblink"] = lambda v: isinstance(v, str) and v.startswith(("https://", "http://"))  # never javascript:
    env.globals.update(CSRF_FIELD=CSRF_FIELD, FIELD_LABELS=labels.FIELD_LABELS, RESULT_FIELDS=RESULT_FIELDS)
    return env


ENV = _environment()


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    viewer = getattr(request.state, "viewer", None)
    raw = request.session.pop("flash", []) if "flash" in request.session else []
    placed = set(context.get("placed_days", ()))  # days this page shows: their notices go beside them
    flashes = [(f[0], f[1]) for f in raw if len(f) < 3 or f[2] not in placed]
    context["day_flashes"] = {f[2]: (f[0], f[1]) for f in raw if len(f) > 2 and f[2] in placed}
    nav = [(path, label) for path, label, roles in NAV if roles is None or (viewer and viewer.role in roles)]
    web = getattr(request.app.state, "web", None)
    if web is not None:
        web.pages.rendered += 1  # what tests count to see a page served from web.pages instead
    council, tagline = web.council_identity() if web is not None else ("", "")
    context.setdefault("council", council)
    context.setdefault("tagline", tagline)
    html = ENV.get_template(template).render(
        request=request, viewer=viewer, csrf=csrf_token(request), nav=nav, flashes=flashes,
        path=request.url.path, catalog_trouble=web.catalog_cache.trouble if web else None, **context)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


def flash(request: Request, message: str, kind: str = "ok", day: str | None = None) -> None:
    """A one-time notice for the next page (kept in the signed session cookie, so it survives a redirect).
    With `day` (ISO date) a page that shows that day (the calendar) puts it beside the day, not at the top."""
    request.session["flash"] = [*request.session.get("flash", []), [kind, message, *([day] if day else [])]]


PER_PAGE = 30


def paged(rows: list, halaman: int, path: str, **filters: str) -> dict[str, Any]:
    """One page of `rows` plus what the pager macro needs; filters stay in its links, encoded."""
    pages = max(1, -(-len(rows) // PER_PAGE))
    page_no = min(max(1, halaman), pages)
    query = urlencode({k: v for k, v in filters.items() if v})
    return {"rows": rows[(page_no - 1) * PER_PAGE: page_no * PER_PAGE], "total": len(rows), "page_no": page_no,
            "pages": pages, "base": f"{path}?{query}&" if query else f"{path}?", **filters}
