"""One router per page (each with its JSON twin under ``/api``)."""

from __future__ import annotations

from fastapi import APIRouter

from . import apidocs, auth, cases, curation, dashboard, ingest, review, scores, similar

ROUTERS: list[APIRouter] = [
    auth.router,
    dashboard.router,
    cases.router,
    curation.router,
    scores.router,
    ingest.router,
    similar.router,
    review.router,
    apidocs.router,
]
