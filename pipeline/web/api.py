"""The JSON API under /api/: the dashboard's actions for scripts and other front ends.

Authentication is the dashboard's own session cookie: POST /api/login (JSON) sets it and returns
the CSRF token, which every later POST/PUT must send as the `X-CSRF-Token` header. The schema is
at /api/openapi.json and readable at /api (rendered here: the machine has no CDN for Swagger UI).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from pipeline.catalog import edit as E
from pipeline.catalog.reader import ARTISAN_FIELDS, PRODUCT_FIELDS
from pipeline.common.errors import ContentError, NotFound, Problem
from pipeline.common.yamlread import load
from pipeline.curation import rules as C
from pipeline.web import auth
from pipeline.web.auth import EDITORS, LoginRequired, Viewer, require, viewer, web
from pipeline.web.pages import days as D
from pipeline.web.pages.artisans import artisan_rows, filter_artisans
from pipeline.web.pages.products import filter_rows, intake, names, product_rows, slugify
from pipeline.web.pages.review import queue, record, review_data
from pipeline.web.render import page
from pipeline.web.security import MAX_UPLOAD_BYTES, csrf_token

DESCRIPTION = ("JSON API of the Etalase dashboard. Log in with POST /api/login, then send the returned "
               "csrf_token as the X-CSRF-Token header with every POST and PUT. Errors are JSON with `message` "
               "(one sentence in Bahasa Indonesia), `error`, `detail` and, for content problems, `problems` with "
               "path, line, field, message and hint. Unknown body fields are refused; dates run from 2000-01-01 "
               "to a year after today.")

router = APIRouter(prefix="/api", tags=["api"])
authed = [Depends(viewer)]


class Strict(BaseModel):
    """Every request body: a field the API does not know is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Login(Strict):
    name: str
    password: str


class Session(BaseModel):
    user: str | None
    role: str | None
    logged_in: bool
    csrf_token: str


class ContentValues(Strict):
    """Field values as the YAML holds them; null removes a field. `base_hash` guards against lost edits."""

    values: dict[str, Any] = Field(default_factory=dict)
    slug: str | None = None
    base_hash: str | None = None


class DecisionIn(Strict):
    action: str = Field(description="approve, request_changes, reject, retire, restore or submit")
    note: str = ""
    checks: dict[str, bool] = Field(default_factory=dict, description="checklist item id -> confirmed")
    expected_hash: str | None = Field(None, description="the content hash the decider looked at")


def _session(request: Request, v: Viewer) -> Session:
    return Session(user=v.name, role=v.role, logged_in=v.logged_in, csrf_token=csrf_token(request))


@router.post("/login", response_model=Session)
def log_in(request: Request, body: Login):
    """Start a session. Failed attempts are throttled like the login form."""
    outcome, wait = auth.log_in(request, body.name, body.password)
    if outcome == "wait":
        minutes = max(1, round(wait / 60))
        return JSONResponse({"error": "terlalu banyak percobaan", "detail": "coba lagi nanti",
                             "message": f"Terlalu banyak percobaan gagal. Coba lagi dalam {minutes} menit."}, 429,
                            headers={"Retry-After": str(max(1, round(wait)))})
    if outcome == "wrong":
        raise LoginRequired()
    return _session(request, viewer(request))


@router.get("/session", response_model=Session, dependencies=authed)
def current_session(request: Request):
    return _session(request, viewer(request))


@router.post("/logout")
def log_out(request: Request):
    auth.end_session(request)
    return {"ok": True}


# Products and artisans --------------------------------------------------------------------

def _product_json(r) -> dict:
    p = r.product
    return {
        "slug": r.slug, "name": r.name, "state": r.state, "source": r.source,
        "artisan": p.artisan if p else None, "craft": p.craft if p else None,
        "kecamatan": r.kecamatan or None, "price": p.price if p else None,
        "photos": [ph.file for ph in p.photos] if p else [], "content_hash": p.content_hash if p else None,
        "problems": [_problem(x) for x in r.problems],
    }


def _problem(p) -> dict:
    return {"path": p.path, "line": p.line, "field": p.field, "message": p.message, "hint": p.hint,
            "severity": p.severity}


@router.get("/products", dependencies=authed)
def list_products(request: Request, q: str = "", craft: str = "", kecamatan: str = "", status: str = ""):
    """Every product (valid or not) with its review state; the same filters as the Produk page."""
    rows = filter_rows(product_rows(web(request)), q, craft, kecamatan, status)
    return {"count": len(rows), "products": [_product_json(r) for r in rows]}


@router.get("/products/{slug}", dependencies=authed)
def get_product(request: Request, slug: str):
    row = next((r for r in product_rows(web(request)) if r.slug == slug), None)
    if row is None:
        raise NotFound(slug)
    out = _product_json(row)
    path = E.product_path(web(request).project.content, slug)
    out["text_hash"] = E.text_hash(E.read_text(path))
    return out


@router.post("/products", status_code=201, dependencies=authed)
def create_product(request: Request, body: ContentValues):
    require(request, EDITORS, "menambah produk")
    slug = body.slug or slugify(str(body.values.get("name") or ""))
    return _save_product(request, slug, body, create=True)


@router.put("/products/{slug}", dependencies=authed)
def update_product(request: Request, slug: str, body: ContentValues):
    """Change fields; the product's content hash changes, so an approved product goes back to review."""
    require(request, EDITORS, "mengubah produk")
    return _save_product(request, slug, body, create=False)


def _known_values(body: ContentValues, fields, shown: str) -> dict[str, Any]:
    """The body's values, refused as a ContentError when one names no field of the file."""
    names = [f.name for f in fields]
    unknown = [k for k in body.values if k not in names]
    if unknown:
        raise ContentError(*[Problem(shown, None, k, f"unknown field `{k}`", "fields: " + ", ".join(names))
                             for k in unknown])
    return dict(body.values)


def _save_product(request: Request, slug: str, body: ContentValues, create: bool) -> dict:
    state = web(request)
    cat = state.catalog()
    values = _known_values(body, PRODUCT_FIELDS, f"content/products/{slug}.yaml")
    saved = E.save_product(state.project.content, slug, values, create=create, base_hash=body.base_hash,
                           known_artisans=cat.artisans, known_crafts=cat.crafts)
    state.wrote(content=True)
    return {"slug": slug, "created": saved.created, "text_hash": saved.text_hash}


@router.post("/products/{slug}/photos", status_code=201, dependencies=authed, max_body_size=MAX_UPLOAD_BYTES)
def add_photo(request: Request, slug: str, file: UploadFile = File(...)):
    """Upload one photo (sniffed, capped, re-encoded, EXIF removed) and append it to the product."""
    # A plain def: FastAPI reads the multipart body first, then runs this in a worker thread, so decoding
    # a 60 MP photo does not hold up every other request.
    require(request, EDITORS, "menambah foto")
    state = web(request)
    content = state.project.content
    path = E.product_path(content, slug)
    if not path.exists():
        raise NotFound(slug)
    name, new = intake(content, file, slug)
    data = load(path).data
    photos = names(data.get("photos")) if isinstance(data, dict) else []  # not a mapping: save_product says so
    try:
        E.save_product(content, slug, {"photos": [*photos, name] if name not in photos else photos})
    except ContentError:
        if new:
            (content / "media" / name).unlink(missing_ok=True)
        raise
    state.wrote(content=True)
    return {"file": name}


@router.get("/artisans", dependencies=authed)
def list_artisans(request: Request, q: str = "", craft: str = "", kecamatan: str = ""):
    rows = filter_artisans(artisan_rows(web(request)), q, craft, kecamatan)
    return {"count": len(rows), "artisans": [
        {"slug": r.slug, "name": r.name, "products": r.products, "source": r.source,
         "kecamatan": r.artisan.kecamatan if r.artisan else None, "crafts": list(r.artisan.crafts) if r.artisan else [],
         "problems": [_problem(p) for p in r.problems]} for r in rows]}


@router.post("/artisans", status_code=201, dependencies=authed)
def create_artisan(request: Request, body: ContentValues):
    require(request, EDITORS, "menambah pengrajin")
    return _save_artisan(request, body.slug or slugify(str(body.values.get("name") or "")), body, True)


@router.put("/artisans/{slug}", dependencies=authed)
def update_artisan(request: Request, slug: str, body: ContentValues):
    require(request, EDITORS, "mengubah pengrajin")
    return _save_artisan(request, slug, body, False)


def _save_artisan(request: Request, slug: str, body: ContentValues, create: bool) -> dict:
    state = web(request)
    values = _known_values(body, ARTISAN_FIELDS, f"content/artisans/{slug}.yaml")
    saved = E.save_artisan(state.project.content, slug, values, create=create, base_hash=body.base_hash,
                           known_crafts=state.catalog().crafts)
    state.wrote(content=True)
    return {"slug": slug, "created": saved.created, "text_hash": saved.text_hash}


# Curation ---------------------------------------------------------------------------------

@router.get("/reviews", dependencies=authed)
def review_queue(request: Request):
    """The curators' queue, products waiting for the editors' changes, and products whose files fail."""
    return {k: [_product_json(r) for r in rows] for k, rows in queue(web(request)).items()}


@router.get("/reviews/{slug}", dependencies=authed)
def get_review(request: Request, slug: str):
    data = review_data(web(request), slug)
    st, changes = data["status"], data["changes"]
    return {
        "slug": slug, "state": st.state, "content_hash": st.content_hash, "approved_hash": st.approved_hash,
        "allowed_actions": data["actions"], "problems": [_problem(p) for p in st.problems],
        "checklist": [{"id": c.id, "label": c.label} for c in data["settings"].checklist],
        "changes": None if changes is None else {
            "since_decision": changes.since.id,
            "fields": [{"field": c.field, "before": c.before, "after": c.after, "words": [list(w) for w in c.words]}
                       for c in changes.fields],
            "photos_added": list(changes.photos_added), "photos_removed": list(changes.photos_removed),
            "photos_changed": list(changes.photos_changed), "hero_changed": changes.hero_changed,
            "reordered": changes.reordered, "text_only": changes.text_only},
        "history": [d.__dict__ for d in data["history"]],
    }


@router.post("/reviews/{slug}", dependencies=authed)
def decide(request: Request, slug: str, body: DecisionIn):
    """Record a decision; bound to `expected_hash` when given."""
    if body.action not in C.ACTIONS:
        raise C.DecisionRefused(f"unknown action `{body.action}`", "actions: " + ", ".join(C.ACTIONS))
    return record(request, slug, body.action, body.note, dict(body.checks), body.expected_hash).__dict__


# Days: today, the calendar, the ledger ----------------------------------------------------------

class DayAction(Strict):
    product: str | None = Field(None, description="swap: the approved product for the day")
    url: str | None = Field(None, description="posted: the TikTok link, optional")


def _day_json(d: D.Day) -> dict:
    return {"date": d.iso, "status": d.status, "product": d.product.slug if d.product else None,
            "artisan": d.artisan.slug if d.artisan else None, "reason": d.reason, "flags": sorted(d.slot.flags),
            "files": {role: d.url(role) for role in ("video", "cover", "caption")} | {"slides": d.slides},
            "posted": {"url": d.post.url, "by": d.post.actor, "at": d.post.at} if d.post else None,
            "failed": _note_json(d), "warning": d.state.warning or None}


def _note_json(d: D.Day) -> dict | None:
    """The latest build failure (the day's story when failed, a warning when an older folder is ready)."""
    n = d.note
    return {"kind": n.failure.kind, "message": n.failure.pesan, "todo": n.failure.todo,
            "detail": n.failure.detail, "file": n.file, "at": n.at} if n else None


@router.get("/days", dependencies=authed)
def list_days(request: Request, start: dt.date | None = None, end: dt.date | None = None):
    """Days with their product, status (planned, ready, failed, posted, skipped), files, and the latest
    build failure (`failed`: kind, message and todo in Bahasa Indonesia, detail) with `warning` when the
    day is still ready or planned despite it."""
    ctx = D.context(web(request))
    first = start or ctx.today - dt.timedelta(days=D.PAST_DAYS)
    last = end or ctx.today + dt.timedelta(days=ctx.settings.horizon_days - 1)
    if (last - first).days > 366:
        raise C.DecisionRefused("ask for at most a year of days", "narrow start and end")
    return {"today": ctx.today.isoformat(), "days": [_day_json(d) for d in D.cached_days(web(request), first, last)]}


@router.get("/days/{date}", dependencies=authed)
def get_day(request: Request, date: dt.date):
    state = web(request)
    day = D.cached_day(state, date)
    return {**_day_json(day), "caption": D.caption(day, state.project.exports) or None,
            "suggested_time": D.suggested_time(day, D.context(state).settings)}


@router.post("/days/{date}/{action}", dependencies=authed)
def change_day(request: Request, date: dt.date, action: str, body: DayAction | None = None):
    """swap (body: product), pin, unpin, skip, unskip, posted (body: url), unposted."""
    if action not in D.CHANGES:
        raise NotFound(action)
    body = body or DayAction()
    D.change(request, date, action, "mengubah rencana", product=body.product, url=body.url)
    return _day_json(D.cached_day(web(request), date))


@router.get("/history", dependencies=authed)
def posting_history(request: Request):
    """Posted days, newest first, and counts per craft, artisan and kecamatan."""
    h = D.cached_history(web(request))
    return {"posts": [{"date": p.day.isoformat(), "product": p.product, "artisan": p.artisan, "url": p.url,
                       "by": p.actor, "at": p.at} for p in h["posts"]],
            "per_craft": dict(h["crafts"]), "per_artisan": dict(h["artisans"]), "per_kecamatan": dict(h["kecamatan"])}


# Readable docs ----------------------------------------------------------------------------

@router.get("/openapi.json", include_in_schema=False, dependencies=authed)
def api_schema(request: Request):
    return JSONResponse(request.app.openapi())


@router.get("", include_in_schema=False, dependencies=authed)
def api_docs(request: Request):
    schema = request.app.openapi()
    endpoints = [(method.upper(), path, op.get("summary", ""), (op.get("description") or "").strip())
                 for path, ops in schema["paths"].items() for method, op in ops.items()]
    return page(request, "api.html", title="API", endpoints=endpoints, description=DESCRIPTION)
