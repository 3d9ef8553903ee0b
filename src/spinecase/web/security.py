"""Who is asking, and may they: sessions, roles, CSRF tokens and protective response headers.

* The session is a signed cookie (Starlette's ``SessionMiddleware``, itsdangerous): ``HttpOnly``,
  ``SameSite=Lax``, holding the account id and a stamp of its password hash, so a password change or
  a removed account ends every session made before.
* Every request that changes something (``POST``, ``PUT``, ``PATCH``, ``DELETE``) must carry the
  session's CSRF token — the form field ``csrf_token`` or the header ``X-CSRF-Token`` — and must not
  come from another site (``Origin`` / ``Sec-Fetch-Site``): the synchronizer-token pattern of the
  OWASP CSRF Prevention Cheat Sheet, with origin checking as a second line.
* Roles are checked on the server for every route (:func:`require`), never only hidden in a page.

Example::

    >>> same_origin("http://127.0.0.1:8000", "127.0.0.1:8000"), same_origin("https://evil.example", "127.0.0.1:8000")
    (True, False)
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..auth import Account, count_users, get_account, role_allows
from .config import needs_accounts

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
#: Content Security Policy: nothing but this server's own scripts, styles, images and forms.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass(frozen=True, slots=True)
class Principal:
    """The person behind a request: an account, or the local user in single-user mode."""

    name: str
    role: str
    single_user: bool = False
    account_id: int | None = None

    def can(self, role: str) -> bool:
        return role_allows(self.role, role)


class LoginRequired(Exception):
    """No valid session where one is needed (pages redirect to the login form, the API says 401)."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this (403)."""

    def __init__(self, needed: str) -> None:
        super().__init__(f"this needs the {needed} role")
        self.needed = needed


class CsrfError(Exception):
    """A state-changing request without the session's CSRF token, or from another site (403)."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use; a login makes a new one)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def same_origin(origin: str, host: str) -> bool:
    """Whether an ``Origin`` header names the host the request was sent to."""
    parts = urlsplit(origin)
    return bool(parts.netloc) and parts.netloc.lower() == host.lower()


async def check_csrf(request: Request) -> None:
    """App-wide dependency: refuse unsafe requests without the right token or from another site."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise CsrfError("cross-site request refused")
    origin = request.headers.get("origin")
    if origin and origin != "null" and not same_origin(origin, request.headers.get("host", "")):
        raise CsrfError("request from another origin refused")
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not given or not hmac.compare_digest(expected, given):
        raise CsrfError("missing or wrong CSRF token")


def login(request: Request, account: Account) -> None:
    """Start a session for ``account`` (a fresh session: a new CSRF token, nothing carried over)."""
    request.session.clear()
    request.session.update({"uid": account.id, "stamp": account.stamp})
    csrf_token(request)


def logout(request: Request) -> None:
    request.session.clear()


def principal_of(request: Request) -> Principal | None:
    """The signed-in user, the local user in single-user mode, or ``None``.

    Resolved once per request (cached on ``request.state``): the accounts table is read each time, so
    a role change, password change or removal takes effect at the next request.
    """
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    web = request.app.state.web
    with web.registry.session() as s:
        users = count_users(s)
        if not needs_accounts(web.config.host, users):
            found: Principal | None = Principal(web.config.local_user, "admin", single_user=True)
        else:
            uid = request.session.get("uid")
            account = get_account(s, uid) if isinstance(uid, int) else None
            found = None
            if account is not None and hmac.compare_digest(account.stamp, str(request.session.get("stamp"))):
                found = Principal(account.name, account.role, account_id=account.id)
            elif uid is not None:
                request.session.pop("uid", None)
                request.session.pop("stamp", None)
    request.state.principal = found
    return found


def require(role: str) -> Callable[[Request], Principal]:
    """A dependency that returns the principal holding ``role``, or raises LoginRequired/Forbidden."""

    def dependency(request: Request) -> Principal:
        who = principal_of(request)
        if who is None:
            raise LoginRequired()
        if not who.can(role):
            raise Forbidden(role)
        return who

    dependency.__name__ = f"require_{role}"
    return dependency


class SecurityHeaders:
    """ASGI middleware adding protective headers to every response (and ``no-store`` to data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
                if not static:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_wrapper)
