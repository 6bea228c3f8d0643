"""Who is asking: logins, sessions, roles.

Design (see docs/architecture.md): off loopback every page needs a login. On 127.0.0.1 the
dashboard may be used without one: visitors see everything, and act as `local_user` when
`etalase serve --as NAME` named one (the same identity rule as the CLI's `--as`); without it,
actions that record a name (decisions, plan changes, edits) ask for a login. The session cookie holds
a random session id that the state database knows (pipeline/curation/sessions.py): logging out, a new
password or removing the user ends the session on the server, so a copied cookie stops working too.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from pipeline.common.errors import NotFound, PermissionDenied
from pipeline.curation import passwords, sessions
from pipeline.curation import users as U
from pipeline.curation.rules import ADMIN, CURATOR, DECIDERS, ROLES
from pipeline.web.render import flash, page
from pipeline.web.state import WebState

EVERYONE = ROLES
PLANNERS = (ADMIN, CURATOR)  # as `etalase plan`: admins and curators change the plan and the ledger
EDITORS = ROLES


class LoginRequired(Exception):
    """No session where one is needed: pages redirect to the login form, the API answers 401."""


@dataclass(frozen=True)
class Viewer:
    name: str | None  # None: an anonymous visitor on loopback
    role: str | None
    logged_in: bool

    @property
    def user(self) -> U.User:
        if self.name is None:
            raise LoginRequired()
        return U.User(self.name, self.role or "", "")

    def may(self, roles) -> bool:
        return self.role in tuple(roles)

    @property
    def decides(self) -> bool:
        return self.may(DECIDERS)

    @property
    def plans(self) -> bool:
        return self.may(PLANNERS)


def web(request: Request) -> WebState:
    return request.app.state.web


def viewer(request: Request) -> Viewer:
    """Router dependency: the acting person, or LoginRequired when the dashboard needs a login."""
    cached = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached
    state = web(request)
    found = _session_user(request, state)
    if found is None and not state.require_login:
        found = _local(state)
    if found is None:
        raise LoginRequired()
    request.state.viewer = found
    return found


def _session_user(request: Request, state: WebState) -> Viewer | None:
    token = request.session.get("sid")
    if not token:
        return None
    conn = state.db()
    name = sessions.user_of(conn, token, state.clock.now())
    try:
        user = U.get(conn, name) if name else None
    except NotFound:
        user = None
    if user is None:
        request.session.clear()  # logged out, password changed, user removed or expired: it ends here
        return None
    return Viewer(user.name, user.role, True)


def client_address(request: Request) -> str:
    """The peer's address; forwarded headers count only when `etalase serve --trust-proxy` named the proxy."""
    return request.client.host if request.client else "?"


def log_in(request: Request, name: str, password: str) -> tuple[Literal["ok", "wrong", "wait"], float]:
    """Check a login through the throttle and start a fresh session on success: (outcome, seconds to wait)."""
    state = web(request)
    address = client_address(request)
    limiter = request.app.state.login_limiter
    wait = limiter.retry_after(name, address)
    if wait > 0:
        return "wait", wait
    conn = state.db()
    found = passwords.authenticate(conn, name, password) if name and password else None
    if found is None:
        limiter.failed(name, address)
        return "wrong", 0.0
    limiter.succeeded(name, address)
    end_session(request)  # a fresh session (and CSRF token) on every login
    request.session.update(sid=sessions.start(conn, found, state.clock.now()), csrf=secrets.token_urlsafe(32))
    request.state.viewer = None
    return "ok", 0.0


def end_session(request: Request) -> None:
    sessions.end(web(request).db(), request.session.get("sid"))
    request.session.clear()


def _local(state: WebState) -> Viewer:
    if state.local_user:
        try:
            user = U.get(state.db(), state.local_user)
            return Viewer(user.name, user.role, False)
        except NotFound:
            pass
    return Viewer(None, None, False)


def require(request: Request, roles, what: str) -> U.User:
    """The acting user when their role may do `what`; LoginRequired or PermissionDenied otherwise."""
    v = viewer(request)
    if v.name is None:
        raise LoginRequired()
    if not v.may(roles):
        raise PermissionDenied(f"Peran {v.role} tidak boleh {what}.")
    return v.user


router = APIRouter(include_in_schema=False)


@router.get("/masuk")
def login_form(request: Request, lanjut: str = "/"):
    return page(request, "login.html", lanjut=safe_path(lanjut), error=None, name="")


@router.post("/masuk")
def login(request: Request, name: str = Form(""), password: str = Form(""), lanjut: str = Form("/")):
    outcome, wait = log_in(request, name, password)
    if outcome == "wait":
        minutes = max(1, round(wait / 60))
        return page(request, "login.html", 429, lanjut=safe_path(lanjut), name=name,
                    error=f"Terlalu banyak percobaan gagal. Coba lagi dalam {minutes} menit.")
    if outcome == "wrong":
        return page(request, "login.html", 401, lanjut=safe_path(lanjut), name=name,
                    error="Nama atau kata sandi salah.")
    flash(request, f"Selamat datang, {viewer(request).name}.")
    return RedirectResponse(safe_path(lanjut), status_code=303)


@router.post("/keluar")
def logout(request: Request):
    end_session(request)
    flash(request, "Anda sudah keluar.")
    return RedirectResponse("/masuk", status_code=303)


def safe_path(target: str, default: str = "/") -> str:
    """Only paths on this site (no scheme, host, `//` or backslash, which browsers read as `//`), so a
    crafted link or form field cannot send someone elsewhere after a login or a change."""
    parts = urlsplit(target or "/")
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
