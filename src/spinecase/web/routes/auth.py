"""Signing in and out (pages and API), and ``/api/me``: who am I, and my CSRF token."""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ...auth import authenticate
from ..app import page
from ..schemas import LoginIn, Me
from ..security import csrf_token, login, logout, principal_of

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only a path of this site (``/cases?x=1``), never another host (open-redirect guard).

    >>> safe_next("/cases/3"), safe_next("//evil.example/x"), safe_next("https://evil.example")
    ('/cases/3', '/', '/')
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


class _Throttled(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = max(1, math.ceil(seconds))

    @property
    def message(self) -> str:
        minutes = math.ceil(self.seconds / 60)
        return f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes > 1 else ''}."


def _check(request: Request, username: str, password: str) -> bool:
    """Whether the password is right (and then sign in); :class:`_Throttled` while locked out."""
    throttle = request.app.state.web.throttle
    client = request.client.host if request.client else None
    wait = throttle.retry_after(username, client)
    if wait > 0:
        raise _Throttled(wait)  # the password is not even checked: a guesser learns nothing
    with request.app.state.web.registry.write() as s:
        account = authenticate(s, username, password)
    if account is None:
        throttle.failed(username, client)
        return False
    throttle.succeeded(username)
    login(request, account)
    return True


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> Response:
    who = principal_of(request)
    if who is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return page(request, "login.html", {"next": safe_next(next)})


@router.post("/login", include_in_schema=False)
def login_form(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    try:
        if _check(request, username, password):
            return RedirectResponse(safe_next(next), status_code=303)
    except _Throttled as exc:
        context = {"next": safe_next(next), "error": exc.message, "username": username}
        response = page(request, "login.html", context, status_code=429)
        response.headers["Retry-After"] = str(exc.seconds)
        return response
    context = {"next": safe_next(next), "error": "Wrong name or password.", "username": username}
    return page(request, "login.html", context, status_code=401)


@router.post("/logout", include_in_schema=False)
def logout_form(request: Request) -> Response:
    logout(request)
    return RedirectResponse("/login", status_code=303)


@router.post("/api/login", response_model=Me, tags=["session"], summary="Sign in")
def login_api(request: Request, body: LoginIn) -> Response:
    """Start a session (a cookie); the answer holds the new CSRF token for later calls.

    After 5 wrong passwords for one name (or 20 from one address) within 15 minutes, sign-ins are
    refused with 429 and ``Retry-After`` until the oldest failure is 15 minutes old."""
    try:
        if not _check(request, body.username, body.password):
            return JSONResponse({"detail": "wrong name or password"}, status_code=401)
    except _Throttled as exc:
        return JSONResponse(
            {"detail": exc.message}, status_code=429, headers={"Retry-After": str(exc.seconds)}
        )
    request.state.__dict__.pop("principal", None)
    return JSONResponse(_me(request).model_dump())


@router.post("/api/logout", tags=["session"], summary="Sign out", status_code=204)
def logout_api(request: Request) -> Response:
    logout(request)
    return Response(status_code=204)


def _me(request: Request) -> Me:
    who = principal_of(request)
    return Me(
        name=who.name if who else None,
        role=who.role if who else None,
        single_user=bool(who and who.single_user),
        csrf_token=csrf_token(request),
    )


@router.get("/api/me", response_model=Me, tags=["session"], summary="Who am I")
def me_api(request: Request) -> Me:
    """The signed-in user (or the local user in single-user mode) and the session's CSRF token."""
    return _me(request)
