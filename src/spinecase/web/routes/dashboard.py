"""The dashboard: how many cases, where in the spine, the latest ingests."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ..app import page
from ..data import counts, latest_runs
from ..security import Principal, require

router = APIRouter()
Viewer = Annotated[Principal, Depends(require("viewer"))]


def dashboard_data(request: Request) -> dict[str, Any]:
    with request.app.state.web.registry.session() as s:
        return {"counts": counts(s), "runs": latest_runs(s, 5)}


@router.get("/", include_in_schema=False)
def dashboard_page(request: Request, user: Viewer) -> Response:
    data = dashboard_data(request)
    top = max(data["counts"].by_region.values(), default=0)
    return page(request, "dashboard.html", data | {"region_max": top})


@router.get("/api/dashboard", tags=["dashboard"], summary="Registry at a glance")
def dashboard_api(request: Request, user: Viewer) -> dict[str, Any]:
    """Counts (cases, own cases, documents, curator edits, cases per spinal region) and the latest ingests."""
    data = dashboard_data(request)
    return {"counts": asdict(data["counts"]), "latest_ingests": [asdict(r) for r in data["runs"]]}
