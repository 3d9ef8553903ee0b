"""Curating in the browser: a curator corrects a value and says why; the audit trail keeps it.

The change goes through :func:`spinecase.registry.set_value` (the same call as ``spinecase cases
set``), so values are validated by the record model and the code lists, and the edit is logged with
who, when, old, new and why. Only curators and admins may do this — checked here, on the server.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ...registry import STORED_FIELDS, RegistryError, set_value
from ..app import page
from ..display import label
from ..schemas import EditIn, EditOut, edit_out
from ..security import Principal, require
from .cases import load_case

router = APIRouter()
Curator = Annotated[Principal, Depends(require("curator"))]


def _edit(
    request: Request, case_id: int, field: str, value: str, reason: str, who: str, evidence: str | None = None
) -> EditOut:
    if field not in STORED_FIELDS:
        raise RegistryError(f"unknown field {field!r}")
    if not reason.strip():
        raise RegistryError("say why the value changes (the reason is kept in the audit trail)")
    with request.app.state.web.registry.write() as s:
        edit = set_value(s, case_id, field, value, curator=who, reason=reason, evidence=evidence or None)
    return edit_out(edit)


@router.post("/cases/{case_id}/edit", include_in_schema=False)
def edit_form(
    request: Request,
    case_id: int,
    user: Curator,
    field: Annotated[str, Form(max_length=64)],
    value: Annotated[str, Form(max_length=5000)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        edit = _edit(request, case_id, field, value, reason, user.name)
    except RegistryError as exc:
        if str(exc).startswith("no case"):
            raise
        data = load_case(request, case_id)
        stated = {f.field for f in data["detail"].fields}
        data.update(
            unstated=[f for f in STORED_FIELDS if f not in stated],
            can_edit=True,
            edit_error={"field": field, "message": str(exc), "value": value, "reason": reason},
        )
        return page(request, "case.html", data, status_code=422)
    request.session["flash"] = f"{label(edit.field)} changed; the change is in the history below."
    return RedirectResponse(f"/cases/{case_id}#history", status_code=303)


@router.put(
    "/api/cases/{case_id}/fields/{field}",
    response_model=EditOut,
    tags=["curation"],
    summary="Correct a value",
)
def edit_api(request: Request, case_id: int, field: str, body: EditIn, user: Curator) -> EditOut:
    """Set ``field`` of the case to ``value`` (as typed: JSON or comma-separated codes; ``null``
    clears) with a ``reason``; returns the audit-trail entry. Needs the curator role and the
    ``X-CSRF-Token`` header."""
    return _edit(request, case_id, field, body.value, body.reason, user.name, body.evidence)
