"""The review page: build a literature-review table from filters, preview it, download it.

The table is :func:`spinecase.review.review_table` of :func:`spinecase.review.review_cases` — the
same table as ``spinecase review`` — and the files are written by :func:`spinecase.review.write_table`
(Markdown, CSV, Excel, Word). The dashboard's figures (the spine figure, the Kaplan–Meier curve) are
the review package's too, served here as PNG images.
"""

from __future__ import annotations

import io
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from ...registry import CaseFilter, iter_cases
from ...review import (
    ReviewTable,
    km_figure,
    registry_stats,
    review_cases,
    review_table,
    spine_figure,
    write_table,
)
from ..app import page
from ..security import Principal, require
from .cases import ListParams, vocabulary

router = APIRouter()
Viewer = Annotated[Principal, Depends(require("viewer"))]
#: Formats offered for download, with their media types.
DOWNLOADS: dict[str, tuple[str, str]] = {
    "md": ("text/markdown; charset=utf-8", "Markdown"),
    "csv": ("text/csv; charset=utf-8", "CSV"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
}
Caption = Annotated[
    str | None, Query(max_length=300, description="Table caption (default: made from the cases).")
]


def build(request: Request, p: ListParams, caption: str | None) -> tuple[ReviewTable, Any]:
    """The review table and the cohort statistics of the filtered cases."""
    # a review leaves literature-table cases out unless asked (as `spinecase review` does)
    p.secondary = request.query_params.get("secondary", "false").lower() == "true"
    flt = p.filter()
    with request.app.state.web.registry.session() as s:
        cases = review_cases(s, flt, include_secondary=p.secondary)
        stats = registry_stats(s, flt, include_secondary=p.secondary)
    # control characters have no place in a caption (and Excel files cannot hold them)
    clean = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", caption or "").split())
    return review_table(cases, caption=clean or None, histology=p.histology), stats


def file_name(parts: list[str | None], fmt: str) -> str:
    """``review-gist-thoracic.md``-style names from the filters (ASCII letters, digits, ``-``, ``_``).

    >>> file_name(["gist", None, "thoracic"], "md"), file_name(['x"; y', None], "csv")
    ('review-gist-thoracic.md', 'review-x___y.csv')
    """
    words = [re.sub(r"[^A-Za-z0-9_]", "_", w)[:40] for w in parts if w]
    return "-".join(["review", *words]) + f".{fmt}"


@router.get("/review", include_in_schema=False)
def review_page(
    request: Request, user: Viewer, p: Annotated[ListParams, Depends()], caption: Caption = None
) -> Response:
    table, stats = build(request, p, caption)
    context = {
        "p": p,
        "table": table,
        "stats": stats,
        "caption": caption or "",
        "downloads": DOWNLOADS,
        "vocabulary": vocabulary(),
        "query": p.query(page=None, sort=None, order=None, per_page=None),
    }
    return page(request, "review.html", context)


@router.get("/review/download", include_in_schema=False)
@router.get(
    "/api/review/download",
    tags=["review"],
    summary="Download a review table",
    responses={200: {"content": {m: {} for m, _ in DOWNLOADS.values()}}},
)
def review_download(
    request: Request,
    user: Viewer,
    p: Annotated[ListParams, Depends()],
    fmt: Annotated[str, Query(pattern="^(md|csv|xlsx|docx)$", description="md, csv, xlsx or docx.")] = "md",
    caption: Caption = None,
) -> Response:
    """The review table of the filtered cases as a file (Markdown, CSV, Excel or Word)."""
    table, _ = build(request, p, caption)
    media, _ = DOWNLOADS[fmt]
    if fmt in ("md", "csv"):
        text = io.StringIO()
        write_table(table, fmt, text)
        body = text.getvalue().encode("utf-8")
    else:
        binary = io.BytesIO()
        write_table(table, fmt, binary)
        body = binary.getvalue()
    name = file_name([p.histology, p.site, p.region, p.level], fmt)
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/api/review", tags=["review"], summary="A review table")
def review_api(
    request: Request, user: Viewer, p: Annotated[ListParams, Depends()], caption: Caption = None
) -> dict[str, Any]:
    """The review table of the filtered cases: caption, columns, rows (strings), legend and notes."""
    table, _ = build(request, p, caption)
    return {
        "caption": table.caption,
        "columns": [{"key": k, "title": t} for k, t in table.columns],
        "rows": table.rows,
        "legend": table.legend,
        "notes": table.notes,
    }


def _png(fig: Any) -> Response:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return Response(buf.getvalue(), media_type="image/png", headers={"Cache-Control": "no-store"})


def _records(request: Request) -> list[Any]:
    with request.app.state.web.registry.session() as s:
        return [c.record for c in iter_cases(s, CaseFilter(include_secondary=False))]


@router.get("/figures/spine.png", include_in_schema=False)
def spine_png(request: Request, user: Viewer) -> Response:
    records = _records(request)
    if not records:
        raise HTTPException(404, "no cases yet")
    return _png(spine_figure(records, title="Spinal levels with metastases"))


@router.get("/figures/survival.png", include_in_schema=False)
def survival_png(request: Request, user: Viewer) -> Response:
    records = _records(request)
    if not records:
        raise HTTPException(404, "no cases yet")
    return _png(km_figure(records))
