"""The dashboard application: `create_app(project, require_login=...)` wires state, guards and routers.

Core modules never import this package; it only calls their use-cases and turns their
exceptions into pages (Bahasa Indonesia) or JSON answers with the right status codes.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from pipeline import __version__
from pipeline.common.clock import Clock
from pipeline.common.errors import ContentError, EtalaseError, NotFound, PermissionDenied
from pipeline.common.project import Project
from pipeline.curation.rules import DecisionRefused
from pipeline.curation.sessions import SESSION_DAYS
from pipeline.plan.admin import OutOfRange
from pipeline.store.health import DatabaseDamaged, StateDiskFull, translate
from pipeline.web import api, auth, files, pages
from pipeline.web.labels import pesan
from pipeline.web.render import page
from pipeline.web.security import (
    MAX_FORM_BYTES,
    CsrfFailed,
    LoginLimiter,
    LoopbackHostGuard,
    ResponseGuard,
    check_csrf,
    secret_key,
)
from pipeline.web.state import WebState

STATIC = Path(__file__).with_name("static")


def create_app(project: Project, *, require_login: bool, local_user: str | None = None,
               clock: Clock | None = None, loopback_only: bool = False,
               secure_cookies: bool = False, secret: str | None = None,
               request_build: Callable[[dt.date], None] | None = None, lan_url: str | None = None) -> FastAPI:
    """The dashboard for `project`.

    require_login: every page needs a login (always when bound off loopback).
    local_user: on loopback, anonymous visitors act as this user (`etalase serve --as NAME`).
    loopback_only: answer only requests whose Host is a loopback address or `localhost` (set when bound to
        loopback without a proxy: stops DNS rebinding; the same rule as `is_loopback`).
    secure_cookies: mark the session cookie Secure (behind HTTPS).
    request_build: queue a build (the scheduler's, in `etalase serve`); None hides "Buat sekarang".
    lan_url: the office-network URL (`etalase serve --lan`) that the "Buka di HP" page shows as a QR code.
    """
    state = WebState(project, require_login, local_user, **({"clock": clock} if clock else {}),
                     request_build=request_build)
    app = FastAPI(title="Etalase", version=__version__, description=api.DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url=None,  # served by api.py, behind the login
                  dependencies=[Depends(check_csrf)])
    app.state.web = state
    app.state.lan_url = lan_url
    app.state.login_limiter = LoginLimiter()
    app.add_middleware(SessionMiddleware, secret_key=secret or secret_key(project.state),
                       session_cookie="etalase_sesi", max_age=SESSION_DAYS * 24 * 3600, same_site="lax",
                       https_only=secure_cookies)
    app.add_middleware(ResponseGuard)
    if loopback_only:
        app.add_middleware(LoopbackHostGuard)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Body limits per router (upload routes raise theirs), inside the middleware, so a 413 is translated.
    for router in [auth.router, files.router, api.router, *pages.routers()]:
        app.include_router(router, max_body_size=MAX_FORM_BYTES)
    _handlers(app)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, title: str, detail: str, problems=(), **extra) -> object:
    """A page, or under /api/ JSON that always carries `message`: one sentence to show as it is."""
    if _wants_json(request):
        body = {"error": title, "detail": detail, "message": f"{title}: {detail}" if detail else title, **extra}
        if problems:
            body["problems"] = [{"path": p.path, "line": p.line, "field": p.field, "message": p.message,
                                 "hint": p.hint} for p in problems]
            named = "; ".join(f"{p.field or p.path}: {pesan(p.message)}" for p in problems[:5])
            body["message"] += f" {named}" + ("; ..." if len(problems) > 5 else "")
        return JSONResponse(body, status_code=status)
    return page(request, "error.html", status, title=title, detail=detail, problems=list(problems))


def _invalid_fields(exc: RequestValidationError) -> list[dict]:
    """Pydantic's errors without their `input` and `ctx` (raw bytes, exceptions: not JSON, and an echo of
    whatever was sent), as field + message."""
    out = []
    for e in exc.errors():
        loc = [str(part) for part in e.get("loc", ())]
        out.append({"field": ".".join(loc), "message": str(e.get("msg", "")), "type": str(e.get("type", ""))})
    return out


def _invalid_message(fields: list[dict]) -> str:
    if any(f["type"] in ("model_attributes_type", "json_invalid") and f["field"].startswith("body") for f in fields):
        return "isi permintaan harus JSON yang sah (Content-Type: application/json) berbentuk objek"
    named = ", ".join(f"{f['field'] or 'permintaan'} ({f['message']})" for f in fields[:5])
    return f"periksa {named}" + (", ..." if len(fields) > 5 else "")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(auth.LoginRequired)
    async def login_required(request: Request, exc: auth.LoginRequired):
        if _wants_json(request):
            return JSONResponse({"error": "login diperlukan", "detail": "masuk dulu lewat POST /api/login",
                                 "message": "Login diperlukan: masuk dulu lewat POST /api/login."}, 401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/masuk?lanjut={quote(target)}", 303)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed):
        return _error(request, 403, "Formulir kedaluwarsa",
                      "Token keamanan formulir tidak cocok. Muat ulang halaman lalu kirim lagi.")

    @app.exception_handler(PermissionDenied)
    async def denied(request: Request, exc: PermissionDenied):
        return _error(request, 403, "Tidak diizinkan", str(exc))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return _error(request, 404, "Tidak ditemukan", "Halaman atau berkas itu tidak ada.")

    @app.exception_handler(OutOfRange)
    async def out_of_range(request: Request, exc: OutOfRange):
        return _error(request, 400 if _wants_json(request) else 404, "Tanggal di luar jangkauan", exc.pesan)

    @app.exception_handler(DatabaseDamaged)
    async def damaged(request: Request, exc: DatabaseDamaged):
        return _error(request, 503, "Database rusak", exc.pesan)

    @app.exception_handler(StateDiskFull)
    async def disk_full(request: Request, exc: StateDiskFull):
        return _error(request, 507, "Disk penuh", exc.pesan)

    @app.exception_handler(sqlite3.DatabaseError)
    async def database_error(request: Request, exc: sqlite3.DatabaseError):
        """The database broke (or its disk filled) while the dashboard runs: say so, and reconnect
        (checking it again) on the next request, so a restore is picked up without a restart."""
        state: WebState = request.app.state.web
        error = translate(exc, state.db_file)
        if not isinstance(error, (DatabaseDamaged, StateDiskFull)):
            raise exc  # any other database error is a bug: the server's own 500
        state.forget_connections()
        return await (damaged if isinstance(error, DatabaseDamaged) else disk_full)(request, error)

    @app.exception_handler(DecisionRefused)
    async def refused(request: Request, exc: DecisionRefused):
        return _error(request, 409, "Tidak bisa dilakukan", pesan(exc.message))

    @app.exception_handler(ContentError)
    async def content_error(request: Request, exc: ContentError):
        return _error(request, 400, "Isian belum benar", "Periksa butir berikut.", exc.problems)

    @app.exception_handler(EtalaseError)
    async def etalase_error(request: Request, exc: EtalaseError):
        said = getattr(exc, "pesan", None)  # planning's refusals carry their own Bahasa Indonesia
        return _error(request, 409 if said else 400, "Tidak bisa dilakukan", said or pesan(str(exc)))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        if _wants_json(request):
            fields = _invalid_fields(exc)
            message = _invalid_message(fields)
            return JSONResponse({"error": "permintaan tidak sah", "detail": fields,
                                 "message": f"Permintaan tidak sah: {message}."}, 422)
        return _error(request, 422, "Permintaan tidak sah", "Isian formulir tidak lengkap atau tidak sah.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        titles = {400: "Permintaan tidak sah", 404: "Tidak ditemukan", 405: "Cara akses tidak didukung",
                  413: "Berkas terlalu besar"}
        details = {400: "Isi permintaan tidak bisa dibaca: kirim JSON yang sah (angka paling banyak 4.300 digit).",
                   404: "Halaman atau alamat itu tidak ada.", 405: "Alamat ini tidak menerima cara akses itu.",
                   413: "Kiriman melebihi batas ukuran. Kirim foto satu per satu (paling besar 20 MB per foto)."}
        said = str(exc.detail)
        standard = said == HTTPStatus(exc.status_code).phrase or said.startswith("There was an error parsing")
        return _error(request, exc.status_code, titles.get(exc.status_code, "Terjadi kesalahan"),
                      details.get(exc.status_code, said) if standard else said)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        """A bug, not the client's doing: still an answer in the right form (the server logs the traceback)."""
        return _error(request, 500, "Terjadi kesalahan di server",
                      "Permintaan ini tidak bisa diselesaikan. Coba lagi; bila terulang, beri tahu petugas TI.")
