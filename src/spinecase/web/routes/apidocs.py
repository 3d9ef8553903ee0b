"""``/api``: the API reference, rendered on the server from the OpenAPI document (no CDN assets)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ..app import page
from ..security import Principal, require

router = APIRouter()


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The operations of an OpenAPI document as rows: method, path, summary, description, parameters."""
    rows = []
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            params = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "description": p.get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {})
            rows.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tag": (op.get("tags") or ["other"])[0],
                    "params": params,
                    "body": next(iter(body), None),
                }
            )
    return rows


@router.get("/api", include_in_schema=False)
def api_page(request: Request, user: Annotated[Principal, Depends(require("viewer"))]) -> Response:
    return page(request, "api.html", {"operations": operations(request.app.openapi())})
