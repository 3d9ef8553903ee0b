"""Similar published cases — for the case on view, or for a new patient described in words.

The ranking, the reasons and the aggregate of treatments and outcomes are those of
:func:`spinecase.search.search_similar` (structured similarity fused with BM25 by reciprocal rank
fusion); this page only shows them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ...registry import RegistryError, get_case
from ...search import MODES, SimilarResult, search_similar
from ..app import page
from ..security import Principal, require

router = APIRouter()
Viewer = Annotated[Principal, Depends(require("viewer"))]
Top = Annotated[int, Query(ge=1, le=100, description="How many similar cases.")]
ModeQ = Annotated[str, Query(pattern="^(fused|structured|bm25)$", description="fused, structured or bm25.")]


def _search(
    request: Request, *, case: int | None = None, text: str | None = None, top: int, mode: str
) -> SimilarResult:
    web = request.app.state.web
    return search_similar(
        web.registry,
        text=text,
        case=case,
        top=top,
        mode=mode,  # type: ignore[arg-type]  # checked by the query pattern
        cache_dir=web.config.similar_cache,
    )


def _context(result: SimilarResult, top: int, mode: str) -> dict[str, Any]:
    agg = result.aggregate
    return {"result": result, "agg": agg, "top": top, "mode": mode, "modes": MODES}


@router.get("/cases/{case_id}/similar", include_in_schema=False)
def similar_page(
    request: Request, case_id: int, user: Viewer, top: Top = 10, mode: ModeQ = "fused"
) -> Response:
    with request.app.state.web.registry.session() as s:
        case = get_case(s, case_id)
    result = _search(request, case=case_id, top=top, mode=mode)
    return page(request, "similar.html", _context(result, top, mode) | {"case": case})


@router.get("/similar", include_in_schema=False)
def similar_text_page(
    request: Request,
    user: Viewer,
    text: Annotated[str | None, Query(max_length=5000)] = None,
    top: Top = 10,
    mode: ModeQ = "fused",
) -> Response:
    context: dict[str, Any] = {"case": None, "text": text or "", "top": top, "mode": mode, "modes": MODES}
    if text and text.strip():
        try:
            context |= _context(_search(request, text=text, top=top, mode=mode), top, mode)
        except RegistryError as exc:
            context["error"] = str(exc)
    return page(request, "similar.html", context, 400 if context.get("error") else 200)


@router.get("/api/cases/{case_id}/similar", tags=["similar"], summary="Cases like this one")
def similar_api(
    request: Request, case_id: int, user: Viewer, top: Top = 10, mode: ModeQ = "fused"
) -> dict[str, Any]:
    """The published cases most like the case, best first, each with why it was found, and the
    aggregate of their treatments and outcomes (Kaplan–Meier median survival when enough report it)."""
    return _search(request, case=case_id, top=top, mode=mode).to_dict()


@router.get("/api/similar", tags=["similar"], summary="Cases like a described patient")
def similar_text_api(
    request: Request,
    user: Viewer,
    text: Annotated[str, Query(min_length=1, max_length=5000, description="e.g. 54 yo F, RCC mets T10-L2")],
    top: Top = 10,
    mode: ModeQ = "fused",
) -> dict[str, Any]:
    """Like ``/api/cases/{id}/similar`` for a patient described in words (read by the extractor)."""
    return _search(request, text=text, top=top, mode=mode).to_dict()
