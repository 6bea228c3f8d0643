"""Kurasi: the review queue, one product's review page, and the decision form.

A decision carries the content hash the curator was shown (`expected_hash`), so approving a
page opened before someone edited the product is refused instead of approving unseen content.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from pipeline.build import changes
from pipeline.common.errors import NotFound
from pipeline.curation import reviews
from pipeline.curation import rules as C
from pipeline.web.auth import require, viewer, web
from pipeline.web.labels import ACTION_LABELS
from pipeline.web.pagecache import cached_page
from pipeline.web.pages.products import INVALID, product_rows
from pipeline.web.render import flash, page
from pipeline.web.state import WebState

DONE_MESSAGES = {
    "approve": "Produk disetujui dan siap dijadwalkan.", "request_changes": "Permintaan perbaikan terkirim.",
    "reject": "Produk ditolak.", "retire": "Produk diarsipkan.", "restore": "Produk diaktifkan lagi.",
    "submit": "Produk diajukan ke kurasi.",
}


def queue(state: WebState) -> dict[str, list]:
    rows = product_rows(state)
    return {
        "queue": [r for r in rows if r.state in C.QUEUE],
        "changes": [r for r in rows if r.state == C.CHANGES_REQUESTED],
        "invalid": [r for r in rows if r.state == INVALID],
    }


def review_data(state: WebState, slug: str) -> dict:
    """Everything the review page shows; also the API's answer."""
    cat = state.catalog()
    settings, settings_problems = state.curation_settings()
    conn = state.db()
    st = reviews.status(conn, cat, slug, settings)
    product = cat.products.get(slug)
    return {
        "status": st, "product": product, "settings": settings, "settings_problems": settings_problems,
        "artisan": cat.artisans.get(product.artisan) if product else None,
        "craft": cat.crafts.get(product.craft) if product else None,
        "changes": reviews.what_changed(conn, cat, slug, settings) if product else None,
        "history": list(reversed(reviews.history(conn, slug))),
        "actions": [a for a in C.allowed_actions(st.state) if product is not None],
    }


def record(request: Request, slug: str, action: str, note: str, checks: dict, expected_hash: str | None):
    """One decision by the acting user, for the page and the API alike (`action` is a key of C.ACTIONS)."""
    state = web(request)
    act = C.ACTIONS[action]
    user = require(request, act.roles, f"melakukan '{act.label_id}'")
    settings, _ = state.curation_settings()
    from pipeline.web.pages.days import context  # days.py imports this package's products module

    applied = changes.decide(context(state), slug, action, user, note, checks, settings=settings,
                             expected_hash=expected_hash)  # exports/index.html follows the decision
    state.wrote()
    return applied.result


router = APIRouter(dependencies=[Depends(viewer)], include_in_schema=False)  # pages: not part of the API


@router.get("/kurasi")
@cached_page()
def review_queue(request: Request):
    state = web(request)
    _, settings_problems = state.curation_settings()
    return page(request, "review_queue.html", title="Kurasi", settings_problems=settings_problems, **queue(state))


@router.get("/kurasi/{slug}")
@cached_page()
def review_page(request: Request, slug: str):
    state = web(request)
    data = review_data(state, slug)
    return page(request, "review.html", title=f"Kurasi: {data['product'].name if data['product'] else slug}",
                slug=slug, labels=ACTION_LABELS, **data)


@router.post("/kurasi/{slug}")
async def decide(request: Request, slug: str):
    state = web(request)
    form = await request.form()
    action = str(form.get("action") or "")
    if action not in C.ACTIONS:
        raise NotFound(action)
    settings, _ = state.curation_settings()
    checks = {item.id: bool(form.get(f"check_{item.id}")) or None for item in settings.checklist}
    await run_in_threadpool(record, request, slug, action, str(form.get("note") or ""), checks,
                            str(form.get("expected_hash") or "") or None)  # decision + overview: off the loop
    flash(request, DONE_MESSAGES.get(action, "Tersimpan."))
    return RedirectResponse("/kurasi", status_code=303)
