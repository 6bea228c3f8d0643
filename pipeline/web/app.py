"""The dashboard application: `create_app(project, require_login=...)` wires state, guards and routers.

Core modules never import this package; it only calls their use-cases and turns their
exceptions into pages (Bahasa Indonesia) or JSON answers with the right status codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
               request_build: Callable[[dt.date], None] | None = None) -> FastAPI:
    """The dashboard for `project`.

    require_login: every page needs a login (always when bound off loopback).
    local_user: on loopback, anonymous visitors act as this user (`etalase serve --as NAME`).
    loopback_only: answer only requests whose Host is a loopback address or `localhost` (set when bound to
        loopback without a proxy: stops DNS rebinding; the same rule as `is_loopback`).
    secure_cookies: mark the session cookie Secure (behind HTTPS).
    request_build: queue a build (the scheduler's, in `etalase serve`); None hides "Buat sekarang".
    """
    state = WebState(project, require_login, local_user, **({"clock": clock} if clock else {}),
                     request_build=request_build)
    app = FastAPI(title="Etalase", version=__version__, description=api.DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url=None,  # served by api.py, behind the login
                  dependencies=[Depends(check_csrf)])
    app.state.web = state
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


def _error(request: Request, status: int, title: str, detail: str, problems=()) -> object:
    if _wants_json(request):
        body = {"error": title, "detail": detail}
        if problems:
            body["problems"] = [{"path": p.path, "line": p.line, "field": p.field, "message": p.message,
                                 "hint": p.hint} for p in problems]
        return JSONResponse(body, status_code=status)
    return page(request, "error.html", status, title=title, detail=detail, problems=list(problems))


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(auth.LoginRequired)
    async def login_required(request: Request, exc: auth.LoginRequired):
        if _wants_json(request):
            return JSONResponse({"error": "login diperlukan", "detail": "masuk dulu lewat POST /api/masuk"}, 401)
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
            return JSONResponse({"error": "permintaan tidak sah", "detail": exc.errors()}, 422)
        return _error(request, 422, "Permintaan tidak sah", "Isian formulir tidak lengkap atau tidak sah.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        titles = {404: "Tidak ditemukan", 405: "Cara akses tidak didukung",
                  413: "Berkas terlalu besar"}
        details = {413: "Kiriman melebihi batas ukuran. Kirim foto satu per satu (paling besar 20 MB per foto)."}
        return _error(request, exc.status_code, titles.get(exc.status_code, "Terjadi kesalahan"),
                      details.get(exc.status_code, str(exc.detail)))
