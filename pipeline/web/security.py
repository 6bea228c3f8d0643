"""Guards in front of every route: session secret, CSRF tokens, login throttling, response headers.

Body size is capped by FastAPI's own `max_body_size` (small by default, larger on upload routes),
which refuses an oversized upload before it is parsed or spooled to disk.

CSRF: each session holds one random token; every HTML form carries it as `csrf_token` and every
JSON call as the `X-CSRF-Token` header. The session cookie is SameSite=Lax and HttpOnly, so a
foreign page can neither send it with a POST nor read the token.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
import threading
import time
from collections import deque
from pathlib import Path

from fastapi import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.catalog.edit import MAX_PHOTO_BYTES
from pipeline.common import atomic

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
MAX_FORM_BYTES = 256 * 1024  # every form but the uploads: text fields only
MAX_UPLOAD_BYTES = 2 * MAX_PHOTO_BYTES + 1024 * 1024  # two full-size photos per form, and the fields around them


class CsrfFailed(Exception):
    """A state-changing request without the session's token: answered with 403."""


def secret_key(state: Path) -> str:
    """The cookie-signing key, made once per install and kept next to the database (owner-only)."""
    path = state / "web-secret.txt"
    if path.exists():
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
    key = secrets.token_urlsafe(48)
    atomic.write_bytes(path, (key + "\n").encode("ascii"), private=True)  # 0600 whatever the umask
    return key


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def check_csrf(request: Request) -> None:
    """App-wide dependency: every unsafe method must carry the session's token."""
    if request.method not in UNSAFE:
        return
    if request.url.path == "/api/login" and request.headers.get("content-type", "").startswith("application/json"):
        return  # no session yet; a JSON body cannot be sent cross-site without a CORS preflight we never allow
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        given = (await request.form()).get(CSRF_FIELD)
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise CsrfFailed()


class LoginLimiter:
    """Failed logins per (name, address), per name from anywhere, and per address, in a sliding window.

    The per-name count stops guessing one person's password from many addresses (a botnet, or forged
    X-Forwarded-For headers); it can lock that person out for the window too, which is the lesser harm.
    In memory is enough: one process serves the dashboard, and a restart that forgets the counts still
    leaves an attacker at a few guesses per restart.
    """

    def __init__(self, per_name: int = 5, per_user: int = 10, per_address: int = 20, window_s: float = 15 * 60):
        self.per_name, self.per_user, self.per_address, self.window = per_name, per_user, per_address, window_s
        self._fails: dict[tuple, deque] = {}
        self._lock = threading.Lock()

    def _keys(self, name: str, address: str) -> list[tuple[tuple, int]]:
        user = name.strip().lower()
        return [(("name", user, address), self.per_name), (("user", user), self.per_user),
                (("addr", address), self.per_address)]

    def retry_after(self, name: str, address: str, now: float | None = None) -> float:
        """Seconds until another try is allowed; 0 when allowed now."""
        now = time.monotonic() if now is None else now
        wait = 0.0
        with self._lock:
            for key, limit in self._keys(name, address):
                q = self._trim(key, now)
                if q is not None and len(q) >= limit:
                    wait = max(wait, q[0] + self.window - now)
        return wait

    def failed(self, name: str, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            for key, _ in self._keys(name, address):
                self._fails.setdefault(key, deque()).append(now)
            if len(self._fails) > 10_000:  # forget the quiet ones so a scan cannot grow memory forever
                for key in [k for k, q in self._fails.items() if not q or q[-1] < now - self.window]:
                    del self._fails[key]

    def succeeded(self, name: str, address: str) -> None:
        """Forgets this desk's mistakes only: guesses from elsewhere keep counting against the name."""
        with self._lock:
            self._fails.pop(self._keys(name, address)[0][0], None)

    def _trim(self, key: tuple, now: float) -> deque | None:
        q = self._fails.get(key)
        while q and q[0] <= now - self.window:
            q.popleft()
        return q


class ResponseGuard:
    """Every response: security headers (the CSP allows no inline script, so escaped text stays text), and
    Starlette's English "Content Too Large" (413) said in Bahasa Indonesia."""

    CSP = ("default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; "
           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    HEADERS = ((b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY"))
    TOO_LARGE_TEXT = ("Berkas terlalu besar: kiriman melebihi batas. Kirim foto satu per satu, paling besar "
                      f"{MAX_PHOTO_BYTES // 2**20} MB per foto.")
    TOO_LARGE = TOO_LARGE_TEXT.encode()
    TOO_LARGE_JSON = json.dumps({"error": "Berkas terlalu besar", "detail": TOO_LARGE_TEXT,
                                 "message": TOO_LARGE_TEXT}).encode()  # the API's error shape

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = False
        api = scope.get("path", "").startswith("/api/")
        body, kind = ((self.TOO_LARGE_JSON, b"application/json") if api
                      else (self.TOO_LARGE, b"text/plain; charset=utf-8"))

        async def guarded(message: Message) -> None:
            nonlocal too_large
            if message["type"] == "http.response.start":
                too_large = message["status"] == 413
                drop = {b"content-length", b"content-type"} if too_large else set()
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in drop]
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.HEADERS if k not in names]
                if too_large:
                    headers += [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and too_large:
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": body}
            await send(message)

        await self.app(scope, receive, guarded)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and `localhost`: the one rule for "no login needed" and for the Host check."""
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host part of a Host header: `127.0.0.2:8000` -> `127.0.0.2`, `[::1]:8000` -> `[::1]`."""
    header = header.strip()
    if header.startswith("["):
        return header[: header.find("]") + 1] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class LoopbackHostGuard:
    """Bound to loopback, answer only requests that name a loopback host: a web page whose DNS name was
    pointed at 127.0.0.1 (DNS rebinding) cannot read the dashboard."""

    REFUSED = "Nama host tidak dikenal: buka dasbor lewat http://127.0.0.1 atau http://localhost."

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
            if not is_loopback(host_name(host)):
                await PlainTextResponse(self.REFUSED, status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)
