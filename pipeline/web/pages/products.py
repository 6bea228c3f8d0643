"""Produk: the list with search and filters, and the create/edit form with photo upload.

Saving goes through content_edit (round-trip YAML, validated, atomic). The new content hash is
what puts an approved product back in the curators' queue; a product waiting for changes or
rejected is submitted again when the form says so (ticked by default).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from pipeline.catalog import edit as E
from pipeline.catalog.reader import PRODUCT_FIELDS
from pipeline.common.errors import ContentError, NotFound
from pipeline.common.models import Artisan, Craft, Product
from pipeline.common.yamlread import load
from pipeline.curation import reviews
from pipeline.curation import rules as C
from pipeline.web.auth import EDITORS, require, viewer, web
from pipeline.web.labels import pesan
from pipeline.web.pagecache import cached_page
from pipeline.web.render import flash, page, paged
from pipeline.web.security import MAX_UPLOAD_BYTES
from pipeline.web.state import WebState, stamp

INVALID = "invalid"  # a filter value beside the review states: products whose file has errors


@dataclass(frozen=True)
class ProductRow:
    slug: str
    name: str
    product: Product | None
    artisan: Artisan | None
    craft: Craft | None
    state: str
    problems: tuple
    source: str
    search: str  # slug, name, artisan, story and tags folded (fold) once per catalogue, not on every search

    @property
    def kecamatan(self) -> str:
        return self.artisan.kecamatan if self.artisan else ""

    @property
    def hero(self) -> str | None:
        return self.product.hero.file if self.product and self.product.photos else None


def product_rows(state: WebState) -> list[ProductRow]:
    """Every product the catalogue knows, valid or not, with its review state (memoised per change)."""
    def compute() -> list[ProductRow]:
        cat = state.catalog()
        settings, _ = state.curation_settings()
        rows = []
        for st in reviews.statuses(state.db(), cat, settings):
            if st.missing:
                continue
            product = cat.products.get(st.product)
            source = product.source if product else cat.invalid.get(st.product, "")
            problems = tuple(cat.problems_for(source)) if source else ()
            artisan = cat.artisans.get(product.artisan) if product else None
            craft = cat.crafts.get(product.craft) if product else None
            name = product.name if product else _raw_name(cat.root.parent / source) or st.product
            search = fold(" ".join([st.product, name, artisan.name if artisan else "",
                                    product.story if product else "", " ".join(product.tags if product else ())]))
            rows.append(ProductRow(st.product, name, product, artisan, craft,
                                   INVALID if product is None else st.state, problems, source, search))
        return sorted(rows, key=lambda r: r.name.casefold())
    return state.memo("product_rows", compute)


def _raw_name(path: Path) -> str | None:
    """The name from a file that does not validate, so the list shows something a person recognises."""
    try:
        data = load(path).data
    except (ContentError, OSError):
        return None
    name = data.get("name") if isinstance(data, dict) else None
    return str(name) if isinstance(name, (str, int)) and str(name).strip() else None


def filter_rows(rows: list[ProductRow], q: str = "", craft: str = "", kecamatan: str = "",
                status: str = "") -> list[ProductRow]:
    words = fold(q).split()
    out = []
    for r in rows:
        if craft and (r.product is None or r.product.craft != craft):
            continue
        if kecamatan and r.kecamatan != kecamatan:
            continue
        if status and r.state != status:
            continue
        if words and not all(w in r.search for w in words):
            continue
        out.append(r)
    return out


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def filter_options(state: WebState) -> dict:
    cat = state.catalog()
    kec = sorted({a.kecamatan for a in cat.artisans.values()})
    statuses = [(s, C.STATE_LABELS_ID.get(s, s)) for s in C.SHOWN_STATES] + [(INVALID, "file bermasalah")]
    return {"crafts": [(c.slug, c.name) for c in cat.crafts.values()], "kecamatan": [(k, k) for k in kec],
            "statuses": statuses}


router = APIRouter(dependencies=[Depends(viewer)], include_in_schema=False)  # pages: not part of the API


@router.get("/produk")
@cached_page()
def product_list(request: Request, q: str = "", craft: str = "", kecamatan: str = "", status: str = "",
                 halaman: int = 1):
    state = web(request)
    rows = filter_rows(product_rows(state), q, craft, kecamatan, status)
    return page(request, "products.html", title="Produk", options=filter_options(state),
                **paged(rows, halaman, "/produk", q=q, craft=craft, kecamatan=kecamatan, status=status),
                catalog_problems=[p for p in state.catalog().errors if "/products/" not in p.path])


@router.get("/produk/baru")
def new_product(request: Request):
    require(request, EDITORS, "menambah produk")
    return _form(request, None, {}, {}, [])


@router.get("/produk/{slug}")
@cached_page(lambda request: _file_stamp(request, E.product_path))
def edit_product(request: Request, slug: str):
    return _form(request, slug, *_current_values(web(request), slug), [])


@router.post("/produk/baru", max_body_size=MAX_UPLOAD_BYTES)
async def create_product(request: Request):
    require(request, EDITORS, "menambah produk")
    form = await request.form()
    slug = (form.get("slug") or "").strip() or slugify(form.get("name") or "")
    return await run_in_threadpool(_save, request, slug, form, create=True)


@router.post("/produk/{slug}", max_body_size=MAX_UPLOAD_BYTES)
async def update_product(request: Request, slug: str):
    """Reading the form is async; the rest (decoding a 60 MP photo takes a second) runs in a worker
    thread, so every other request is served meanwhile."""
    require(request, EDITORS, "mengubah produk")
    form = await request.form()
    return await run_in_threadpool(_save, request, slug, form, create=False)


def _file_stamp(request: Request, path_of) -> tuple | None:
    """The edit form's file as its page cache key sees it: the form shows the text (and its hash) as written."""
    return stamp(path_of(web(request).project.content, request.path_params["slug"]))


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:60].strip("-")


def _current_values(state: WebState, slug: str) -> tuple[dict, dict]:
    path = E.product_path(state.project.content, slug)
    values = file_values(path, f"content/products/{slug}.yaml", ("photos",))
    if "_broken" not in values:
        data = load(path).data
        values["focus"] = photo_focus(data.get("photos") if isinstance(data, dict) else None)
    return values, {}


def photo_focus(raw) -> dict[str, list]:
    """The focus points the file gives its photos, by file name (for the form's markers)."""
    items = raw if isinstance(raw, list) else []
    return {str(i.get("file")): i["focus"] for i in items if isinstance(i, dict) and isinstance(i.get("focus"), list)
            and len(i["focus"]) == 2}


def file_values(path: Path, shown: str, lists: tuple[str, ...]) -> dict:
    """Form values from the file as written, so a file with errors can be fixed in the form too.

    List fields become comma-separated text, except `lists`, which stay lists of names (photo entries by
    their file). A file that does not load gives `_broken` (its problems); `_text_hash` guards the save.
    """
    if not path.exists():
        raise NotFound(path.stem)
    values: dict = {"_text_hash": E.text_hash(E.read_text(path))}
    try:
        data = load(path, shown).data
    except ContentError as exc:
        return {**values, "_broken": exc.problems}
    data = data if isinstance(data, dict) else {}
    values.update((k, ", ".join(map(str, v)) if isinstance(v, list) else v) for k, v in data.items())
    for name in lists:
        values[name] = names(data.get(name))
    return values


def names(raw) -> list:
    """Entries of a YAML list (or a lone entry) as text; a photo entry by its `file`."""
    items = raw if isinstance(raw, list) else [raw] if raw else []
    return [item.get("file") if isinstance(item, dict) else str(item) for item in items]


def _form(request: Request, slug: str | None, values: dict, errors: dict, problems: list, status: int = 200):
    state = web(request)
    cat = state.catalog()
    row = next((r for r in product_rows(state) if r.slug == slug), None) if slug else None
    return page(request, "product_form.html", status, title="Produk baru" if slug is None else "Ubah produk",
                slug=slug, row=row, values=values, errors=errors, problems=problems,
                broken=values.get("_broken", []),
                artisans=sorted(((a.slug, f"{a.name} ({a.kecamatan})") for a in cat.artisans.values()),
                                key=lambda x: x[1].casefold()),
                crafts=[(c.slug, c.name) for c in cat.crafts.values()],
                availability=[("in_stock", "Tersedia"), ("made_to_order", "Dibuat sesuai pesanan")],
                submit_default=row is None or row.state in (C.DRAFT, C.CHANGES_REQUESTED, C.REJECTED))


def _save(request: Request, slug: str, form: FormData, *, create: bool):
    state = web(request)
    user = require(request, EDITORS, "mengubah produk")
    content = state.project.content
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    fields["go_global"] = "1" if form.get("go_global") else ""  # an unticked box is not sent at all
    values = E.values_from_form(fields, PRODUCT_FIELDS)
    kept = [f for f in form.getlist("keep") if isinstance(f, str)]
    hero = form.get("hero")  # the form's order already puts the hero first; an explicit `hero` still wins
    photos = [hero] + [f for f in kept if f != hero] if isinstance(hero, str) and hero in kept else kept
    created: list[Path] = []
    try:
        points = focus_points(form, photos)
        for upload in form.getlist("new_photos"):
            if isinstance(upload, UploadFile) and upload.filename:
                name, new = intake(content, upload, slug)
                if new:
                    created.append(content / "media" / name)
                if name not in photos:
                    photos.append(name)
        values["photos"] = [{"file": p, "focus": points[p]} if p in points else p for p in photos]
        cat = state.catalog()
        E.save_product(content, slug, values, create=create, base_hash=form.get("_text_hash") or None,
                       known_artisans=cat.artisans, known_crafts=cat.crafts)
    except ContentError as exc:
        for path in created:  # uploads of a refused save are not left lying in media/
            path.unlink(missing_ok=True)
        shown = {k: v for k, v in form.items() if isinstance(v, str)}
        shown["photos"] = [p for p in photos if (content / "media" / p).exists()]
        shown["focus"] = {p: xy for p, xy in _typed_points(form).items() if xy and xy is not _BAD}
        return _form(request, None if create else slug, shown, _by_field(exc.problems), exc.problems, 400)
    from pipeline.web.pages.days import content_saved  # days.py imports this module

    content_saved(state)  # _save runs in a worker thread
    message = "Produk baru tersimpan." if create else "Perubahan tersimpan."
    if form.get("submit_review"):
        message += _submit(state, slug, user)
    else:
        message += " Produk yang sudah disetujui perlu ditinjau ulang oleh kurator."
    flash(request, message)
    return RedirectResponse(f"/produk/{slug}", status_code=303)


FOCUS = "focus:"  # form fields `focus:<file>` = "x y", the photo's focus point as fractions (set by a tap)


def focus_points(form: FormData, photos: list[str]) -> dict[str, tuple[float, float]]:
    """The focus point the form gives each kept photo (an empty field leaves the photo's point as it is)."""
    out = {}
    for name, point in _typed_points(form).items():
        if name not in photos or not point:
            continue
        if point is _BAD:
            raise ContentError.single("formulir", None, f"photos.{name}.focus", "titik fokus tidak terbaca",
                                      "ketuk lagi bagian foto yang penting, lalu simpan")
        out[name] = point
    return out


_BAD = (-1.0, -1.0)


def _typed_points(form: FormData) -> dict[str, tuple[float, float] | None]:
    out: dict[str, tuple[float, float] | None] = {}
    for key, raw in form.items():
        if not key.startswith(FOCUS) or not isinstance(raw, str):
            continue
        parts = raw.replace(",", " ").split()
        if not parts:
            out[key[len(FOCUS):]] = None
            continue
        try:
            x, y = (float(v) for v in parts)
        except ValueError:
            out[key[len(FOCUS):]] = _BAD
            continue
        out[key[len(FOCUS):]] = (x, y) if 0 <= x <= 1 and 0 <= y <= 1 else _BAD
    return out


def intake(content: Path, upload: UploadFile, slug: str) -> tuple[str, bool]:
    """(file name in media/, whether this upload created it). Blocking (reads the spooled file, decodes,
    re-encodes): call it from a worker thread, never from the event loop."""
    E.check_upload_name(upload.filename)
    upload.file.seek(0)
    data = upload.file.read(E.MAX_PHOTO_BYTES + 1)
    before = set((content / "media").glob(f"{slug}-*.jpg")) if slug else set()
    name = E.intake_photo(content, data, product_slug=slug, uploaded_name=upload.filename)
    return name, (content / "media" / name) not in before


def _submit(state: WebState, slug: str, user) -> str:
    """Send the saved product to the curators when its state allows a submit; say what happened."""
    cat = state.catalog()
    settings, _ = state.curation_settings()
    try:
        st = reviews.status(state.db(), cat, slug, settings)
    except NotFound:
        return ""
    if "submit" not in C.allowed_actions(st.state) or not st.valid:
        if st.state in C.QUEUE:
            return " Produk menunggu kurasi."
        return ""
    try:
        reviews.submit(state.db(), cat, slug, user, settings=settings, clock=state.clock)
    except (C.DecisionRefused, ContentError) as exc:
        return f" Belum bisa diajukan ke kurasi: {exc}"
    state.wrote()
    return " Produk diajukan ke kurasi."


def _by_field(problems) -> dict[str, list[str]]:
    """Problems keyed by the form field they belong to (a missing key is reported on its parent)."""
    out: dict[str, list[str]] = {}
    for p in problems:
        name = p.field.split("[")[0].split(".")[0]
        if not name:
            m = re.match(r"^`(\w+)` is required", p.message)
            name = m[1] if m else ""
        out.setdefault(name or "_", []).append(pesan(p.message))
    return out
