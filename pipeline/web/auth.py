"""Who is asking: logins, sessions, roles.

Design (see docs/architecture.md): off loopback every page needs a login. On 127.0.0.1 the
dashboard may be used without one: visitors see everything, and act as `local_user` when
`etalase serve --as NAME` named one (the same identity rule as the CLI's `--as`); without it,
actions that record a name (decisions, plan changes, edits) ask for a login. A session holds the
user's name and a fingerprint of their password hash, so setting a new password ends old sessions.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from pipeline.common.errors import NotFound, PermissionDenied
from pipeline.curation import passwords
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
    name = request.session.get("user")
    if not name:
        return None
    conn = state.db()
    try:
        user = U.get(conn, name)
    except NotFound:
        user = None
    if user is None or passwords.fingerprint(conn, user.name) != request.session.get("pw"):
        request.session.clear()  # user removed or password changed: the session ends here
        return None
    return Viewer(user.name, user.role, True)


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
    return page(request, "login.html", lanjut=_safe_next(lanjut), error=None, name="")


@router.post("/masuk")
def login(request: Request, name: str = Form(""), password: str = Form(""), lanjut: str = Form("/")):
    state = web(request)
    address = request.client.host if request.client else "?"
    limiter = request.app.state.login_limiter
    wait = limiter.retry_after(name, address)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        return page(request, "login.html", 429, lanjut=_safe_next(lanjut), name=name,
                    error=f"Terlalu banyak percobaan gagal. Coba lagi dalam {minutes} menit.")
    conn = state.db()
    found = passwords.authenticate(conn, name, password) if name and password else None
    if found is None:
        limiter.failed(name, address)
        return page(request, "login.html", 401, lanjut=_safe_next(lanjut), name=name,
                    error="Nama atau kata sandi salah.")
    limiter.succeeded(name, address)
    request.session.clear()  # a fresh session (and CSRF token) on every login
    request.session.update(user=found, pw=passwords.fingerprint(conn, found), csrf=secrets.token_urlsafe(32))
    flash(request, f"Selamat datang, {found}.")
    return RedirectResponse(_safe_next(lanjut), status_code=303)


@router.post("/keluar")
def logout(request: Request):
    request.session.clear()
    flash(request, "Anda sudah keluar.")
    return RedirectResponse("/masuk", status_code=303)


def _safe_next(target: str) -> str:
    """Only paths on this site, so a crafted link cannot send someone elsewhere after login."""
    parts = urlsplit(target or "/")
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
