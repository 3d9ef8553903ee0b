"""The FastAPI application: pages rendered on the server, their JSON twins under ``/api``, one registry.

:func:`create_app` wires the registry (the same data-access layer as the CLI), the session and
security middleware, the templates and static files (all served from the package: no CDN, no build
step) and one router per page. Errors never show a stack trace: a 500 is a plain page (or JSON
under ``/api``) and the traceback goes to the server log.

Example::

    >>> from fastapi.testclient import TestClient
    >>> app = create_app(WebConfig(db="sqlite:///:memory:"))
    >>> TestClient(app).get("/api/cases").json()["total"]
    0
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from .. import __version__
from ..registry import Registry, RegistryError, open_registry
from .config import WebConfig
from .display import code_words, edit_text, label, show_value, slug
from .jobs import IngestJobs
from .security import CsrfError, Forbidden, LoginRequired, SecurityHeaders, check_csrf, csrf_token
from .throttle import LoginThrottle

log = logging.getLogger("spinecase.web")
PACKAGE = Path(str(resources.files("spinecase.web")))


@dataclass(slots=True)
class WebState:
    """What every request handler reaches through ``request.app.state.web``."""

    config: WebConfig
    registry: Registry
    jobs: IngestJobs
    templates: Jinja2Templates
    throttle: LoginThrottle = field(default_factory=LoginThrottle)


def _context(request: Request) -> dict[str, Any]:
    return {
        "user": getattr(request.state, "principal", None),
        "csrf_token": csrf_token(request),
        "path": request.url.path,
        "version": __version__,
        "flash": request.session.pop("flash", None),
    }


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(str(PACKAGE / "templates")),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(label=label, show_value=show_value, edit_text=edit_text, slug=slug)
    env.filters.update(words=code_words, show=show_value)
    return Jinja2Templates(env=env, context_processors=[_context])


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def page(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    """Render ``template`` with ``context`` (plus user, CSRF token and path)."""
    web: WebState = request.app.state.web
    return web.templates.TemplateResponse(request, template, context or {}, status_code=status_code)


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    return page(request, "error.html", {"status": status, "title": title, "message": message}, status)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return error_page(
            request, 403, "Not allowed", f"Your role cannot do this: it needs the {exc.needed} role."
        )

    @app.exception_handler(CsrfError)
    async def _csrf(request: Request, exc: CsrfError) -> Response:
        return error_page(
            request,
            403,
            "Request refused",
            f"{exc}. Reload the page and try again; forms only work from this site.",
        )

    @app.exception_handler(RegistryError)
    async def _registry(request: Request, exc: RegistryError) -> Response:
        status = 404 if str(exc).startswith("no case") else 400
        return error_page(request, status, "Not found" if status == 404 else "Bad request", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "Not found", 405: "Method not allowed", 413: "Too large", 400: "Bad request"}
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404 and detail == "Not Found":
            detail = "There is no page at this address."
        return error_page(request, exc.status_code, titles.get(exc.status_code, "Error"), detail)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p not in ('query', 'body', 'path'))}: {e.get('msg')}"
            for e in exc.errors()
        )
        if wants_json(request):
            return JSONResponse({"detail": problems}, status_code=422)
        return error_page(request, 422, "Invalid input", problems)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        # the traceback goes to the log only: a page never shows code, paths or queries
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        if wants_json(request):
            return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)
        try:
            return error_page(
                request,
                500,
                "Something went wrong",
                "The server could not finish this request. It has been logged.",
            )
        except Exception:  # noqa: BLE001 - even the error page failed: plain text, still no traceback
            return Response("Internal error", status_code=500, media_type="text/plain")


def create_app(config: WebConfig | None = None, *, registry: Registry | None = None) -> FastAPI:
    """The web application for ``config`` (opens the registry unless one is given)."""
    cfg = config or WebConfig()
    reg = registry or open_registry(cfg.db)
    app = FastAPI(
        title="spinecase",
        version=__version__,
        summary="Case reports of spinal metastases as an evidence-linked registry: browse, verify, curate, score.",
        description=(
            "The JSON twin of every page. Sign in with `POST /api/login` (or use single-user mode); every "
            "`POST`/`PUT`/`DELETE` needs the session's CSRF token in the `X-CSRF-Token` header "
            "(`GET /api/me` returns it)."
        ),
        docs_url=None,  # Swagger UI would load from a CDN: /api is the local, server-rendered reference
        redoc_url=None,
        dependencies=[Depends(check_csrf)],
    )
    app.state.web = WebState(cfg, reg, IngestJobs(reg), _templates())
    app.add_middleware(
        SessionMiddleware,
        secret_key=cfg.secret_key,
        session_cookie="spinecase_session",
        max_age=cfg.session_days * 24 * 3600,
        same_site="lax",
        https_only=cfg.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(PACKAGE / "static")), name="static")
    _handlers(app)
    from .routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    return app
