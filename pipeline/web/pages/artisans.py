"""Pengrajin: the artisans list with search and filters, and the create/edit form."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from pipeline.catalog import edit as E
from pipeline.catalog.reader import ARTISAN_FIELDS
from pipeline.common.errors import ContentError
from pipeline.common.models import Artisan
from pipeline.web.auth import EDITORS, require, viewer, web
from pipeline.web.pagecache import cached_page
from pipeline.web.pages.products import _by_field, _file_stamp, file_values, fold, product_rows, slugify
from pipeline.web.render import flash, page, paged
from pipeline.web.state import WebState


@dataclass(frozen=True)
class ArtisanRow:
    slug: str
    name: str
    artisan: Artisan | None
    products: int
    problems: tuple
    source: str


def artisan_rows(state: WebState) -> list[ArtisanRow]:
    def compute() -> list[ArtisanRow]:
        cat = state.catalog()
        counts: dict[str, int] = {}
        for r in product_rows(state):
            if r.product:
                counts[r.product.artisan] = counts.get(r.product.artisan, 0) + 1
        rows = []
        for path in sorted((cat.root / "artisans").glob("*.y*ml")):
            slug = path.stem
            source = f"{cat.root.name}/artisans/{path.name}"
            artisan = cat.artisans.get(slug)
            rows.append(ArtisanRow(slug, artisan.name if artisan else slug, artisan, counts.get(slug, 0),
                                   tuple(cat.problems_for(source)), source))
        return sorted(rows, key=lambda r: r.name.casefold())
    return state.memo("artisan_rows", compute)


def filter_artisans(rows: list[ArtisanRow], q: str = "", craft: str = "", kecamatan: str = "") -> list[ArtisanRow]:
    words = fold(q).split()
    out = []
    for r in rows:
        a = r.artisan
        if craft and (a is None or craft not in a.crafts):
            continue
        if kecamatan and (a is None or a.kecamatan != kecamatan):
            continue
        if words and not all(w in fold(" ".join([r.slug, r.name, a.village if a else "", a.story if a else ""]))
                             for w in words):
            continue
        out.append(r)
    return out


router = APIRouter(dependencies=[Depends(viewer)], include_in_schema=False)  # pages: not part of the API


@router.get("/pengrajin")
@cached_page()
def artisan_list(request: Request, q: str = "", craft: str = "", kecamatan: str = "", halaman: int = 1):
    state = web(request)
    cat = state.catalog()
    rows = filter_artisans(artisan_rows(state), q, craft, kecamatan)
    return page(request, "artisans.html", title="Pengrajin", crafts=[(c.slug, c.name) for c in cat.crafts.values()],
                **paged(rows, halaman, "/pengrajin", q=q, craft=craft, kecamatan=kecamatan),
                districts=[(k, k) for k in E.kecamatan_names(state.project.content)])


@router.get("/pengrajin/baru")
def new_artisan(request: Request):
    require(request, EDITORS, "menambah pengrajin")
    return _form(request, None, {}, {}, [])


@router.get("/pengrajin/{slug}")
@cached_page(lambda request: _file_stamp(request, E.artisan_path))
def edit_artisan(request: Request, slug: str):
    path = E.artisan_path(web(request).project.content, slug)
    return _form(request, slug, file_values(path, f"content/artisans/{slug}.yaml", ("crafts",)), {}, [])


@router.post("/pengrajin/baru")
async def create_artisan(request: Request):
    form = await request.form()
    slug = (form.get("slug") or "").strip() or slugify(form.get("name") or "")
    return await _save(request, slug, form, create=True)


@router.post("/pengrajin/{slug}")
async def update_artisan(request: Request, slug: str):
    return await _save(request, slug, await request.form(), create=False)


def _form(request: Request, slug: str | None, values: dict, errors: dict, problems: list, status: int = 200):
    state = web(request)
    cat = state.catalog()
    row = next((r for r in artisan_rows(state) if r.slug == slug), None) if slug else None
    products = [r for r in product_rows(state) if r.product and r.product.artisan == slug] if slug else []
    return page(request, "artisan_form.html", status, title="Pengrajin baru" if slug is None else "Ubah pengrajin",
                slug=slug, row=row, values=values, errors=errors, problems=problems, broken=values.get("_broken", []),
                crafts=[(c.slug, c.name) for c in cat.crafts.values()], products=products,
                districts=[(k, k) for k in E.kecamatan_names(state.project.content)])


async def _save(request: Request, slug: str, form, *, create: bool):
    state = web(request)
    require(request, EDITORS, "mengubah pengrajin")
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    fields["crafts"] = ", ".join(v for v in form.getlist("crafts") if isinstance(v, str))
    fields["photo_consent"] = "1" if form.get("photo_consent") else ""
    values = E.values_from_form(fields, ARTISAN_FIELDS)
    try:
        E.save_artisan(state.project.content, slug, values, create=create,
                       base_hash=form.get("_text_hash") or None, known_crafts=state.catalog().crafts)
    except ContentError as exc:
        fields["crafts"] = form.getlist("crafts")
        return _form(request, None if create else slug, fields, _by_field(exc.problems), exc.problems, 400)
    from pipeline.web.pages.days import content_saved  # days.py imports the products module, which imports us

    await run_in_threadpool(content_saved, state)  # reloads and plans: off the event loop
    flash(request, "Data pengrajin tersimpan." if not create else "Pengrajin baru tersimpan.")
    return RedirectResponse(f"/pengrajin/{slug}", status_code=303)
