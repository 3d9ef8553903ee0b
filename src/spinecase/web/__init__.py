"""The web application: ``spinecase serve`` — browse, verify, curate, compare and compute in a browser.

Server-rendered pages (Jinja2, a little vanilla JavaScript, no build step, no CDN) and a JSON API
under ``/api`` with its OpenAPI document at ``/openapi.json``, all on the registry's data-access
layer (:mod:`spinecase.registry`) — the same one the CLI uses. See ``docs/web.md``.

Example::

    >>> app = create_app(WebConfig(db="sqlite:///:memory:"))
    >>> sorted(app.openapi()["paths"])[:2]
    ['/api/cases', '/api/cases/{case_id}']
"""

from __future__ import annotations

from .app import create_app
from .config import WebConfig, is_loopback, needs_accounts

__all__ = ["WebConfig", "create_app", "is_loopback", "needs_accounts"]
