"""Produk > Impor: upload a spreadsheet, see the dry run next to each cell, then apply it.

The upload is kept in state/import-uploads/<random token>/ under a cleaned copy of its name (which is
what the report shows), never anywhere the name could point; applying re-reads that same file, plans
again (the content may have moved meanwhile) and writes through the importer, like `etalase import
--apply`. Photos named in the sheet must already be in content/media/ (the CLI's --photos takes a folder).
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from pipeline.catalog.importer import plan as P
from pipeline.catalog.importer.apply import apply
from pipeline.catalog.importer.template import write_template
from pipeline.common import atomic
from pipeline.common.errors import ContentError
from pipeline.web.auth import EDITORS, require, viewer, web
from pipeline.web.pages.days import content_saved
from pipeline.web.render import flash, page

MAX_SHEET_BYTES = 10 * 1024 * 1024  # a 1,000-row product list is well under 1 MB
KEEP_UPLOADS_S = 24 * 3600
STATUS_ID = {P.NEW: "baru", P.CHANGED: "berubah", P.UNCHANGED: "tidak berubah",
             P.EDITED: "diubah manual, tidak ditimpa", P.ERROR: "ada kesalahan, dilewati"}
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_ROW = re.compile(r"^(.*?)([A-Z]+)(\d+)$")

router = APIRouter(dependencies=[Depends(viewer)], include_in_schema=False)


def uploads(request: Request) -> Path:
    return web(request).project.state / "import-uploads"


@router.get("/produk/impor")
def import_form(request: Request):
    require(request, EDITORS, "mengimpor produk")
    return page(request, "import.html", title="Impor produk", plan=None, token="", rows=[], notes=[],
                status_labels=STATUS_ID, force=False)


@router.get("/produk/impor/template.xlsx")
def import_template(request: Request):
    require(request, EDITORS, "mengimpor produk")
    out = uploads(request) / "template-produk.xlsx"
    write_template(web(request).project.content, out)
    return FileResponse(out, filename="template-produk.xlsx",
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.post("/produk/impor", max_body_size=MAX_SHEET_BYTES + 64 * 1024)
async def import_upload(request: Request):
    require(request, EDITORS, "mengimpor produk")
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _error(request, "Pilih file Excel (.xlsx) atau CSV dulu.")
    name = _clean_name(upload.filename)
    if not name.lower().endswith((".xlsx", ".csv")):
        return _error(request, "Hanya file Excel (.xlsx) atau CSV yang bisa diimpor.")
    data = await upload.read(MAX_SHEET_BYTES + 1)
    if len(data) > MAX_SHEET_BYTES:
        return _error(request, f"File lebih dari {MAX_SHEET_BYTES // 2**20} MB.")
    _prune(uploads(request), time.time())
    token = secrets.token_urlsafe(18)
    atomic.write_bytes(uploads(request) / token / name, data)
    return _report(request, token, force=bool(form.get("force")))


@router.post("/produk/impor/terapkan")
async def import_apply(request: Request):
    require(request, EDITORS, "mengimpor produk")
    form = await request.form()
    token = str(form.get("token") or "")
    source = _stored(request, token)
    if source is None:
        return _error(request, "Unggahan ini sudah tidak ada; unggah filenya lagi.")
    state = web(request)
    try:
        plan = P.plan_import(state.project.content, state.project.state, source, force=bool(form.get("force")))
    except ContentError as exc:
        return _error(request, "; ".join(p.message for p in exc.problems))
    done = apply(plan, state.project.state)
    await run_in_threadpool(content_saved, state)  # exports/index.html follows replaced products
    shutil.rmtree(source.parent, ignore_errors=True)
    skipped = sum(1 for e in plan.artisans + plan.products if e.status in (P.ERROR, P.EDITED))
    flash(request, f"Impor selesai: {len(done.written)} file ditulis"
                   + (f", {skipped} baris dilewati." if skipped else ".") + " Produk baru menunggu kurasi.")
    return RedirectResponse("/produk", status_code=303)


def _report(request: Request, token: str, force: bool):
    state = web(request)
    source = _stored(request, token)
    try:
        plan = P.plan_import(state.project.content, state.project.state, source, force=force)
    except ContentError as exc:
        shutil.rmtree(source.parent, ignore_errors=True)
        return _error(request, "; ".join(p.message for p in exc.problems))
    by_row: dict[str, list] = {}
    notes = []
    rows_with = {_row_key(e.where) for e in plan.artisans + plan.products}
    for p in plan.problems:
        key = _row_key(p.path)
        (by_row.setdefault(key, []) if key in rows_with else notes).append(p)
    rows = [(e, by_row.get(_row_key(e.where), [])) for e in plan.artisans + plan.products]
    return page(request, "import.html", title="Impor produk", plan=plan, token=token, rows=rows, notes=notes,
                status_labels=STATUS_ID, force=force,
                writes=sum(1 for e in plan.artisans + plan.products if e.status in (P.NEW, P.CHANGED)))


def _prune(folder: Path, now: float) -> None:
    """Uploads checked but never applied go after a day, so state/ does not fill with old sheets."""
    for sub in folder.iterdir() if folder.is_dir() else ():
        if sub.is_dir() and _TOKEN.match(sub.name) and sub.stat().st_mtime < now - KEEP_UPLOADS_S:
            shutil.rmtree(sub, ignore_errors=True)


def _row_key(where: str) -> str:
    m = _ROW.match(where)
    return f"{m[1]}{m[3]}" if m else where


def _stored(request: Request, token: str) -> Path | None:
    if not _TOKEN.match(token):
        return None
    folder = uploads(request) / token
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")] if folder.is_dir() else []
    return files[0] if len(files) == 1 else None


def _clean_name(name: str) -> str:
    """The upload's base name with only safe characters, e.g. `Daftar Produk 2026.xlsx`."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^\w .()-]", "_", base).strip(" .") or "upload"
    return base[-120:]


def _error(request: Request, message: str):
    return page(request, "import.html", 400, title="Impor produk", plan=None, token="", rows=[], notes=[],
                status_labels=STATUS_ID, force=False, error=message)
