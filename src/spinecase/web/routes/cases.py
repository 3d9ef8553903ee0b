"""The case list (filter, sort, search, pages) and the case page (values, evidence, text, history).

Every page has its JSON twin: ``/cases`` and ``/api/cases``, ``/cases/{id}`` and ``/api/cases/{id}``.
Filters are passed to :class:`~spinecase.registry.CaseFilter` as bound values (never pasted into
SQL), the sort column is one of a fixed list, and the full-text query goes through the registry's
quoting (``fts5_query``), so no parameter can change a query.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ...registry import REGIONS, STORED_FIELDS, CaseFilter, RegistryError, case_detail, history
from ..app import page
from ..data import PER_PAGE_CHOICES, SORTS, CasePage, document_text, list_cases
from ..display import label
from ..evidence import highlight
from ..schemas import CaseList, CaseOut, EditOut, case_summary, document_out, edit_out, field_out
from ..security import Principal, require

router = APIRouter()
Viewer = Annotated[Principal, Depends(require("viewer"))]


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, list[str]]:
    """Codes offered as suggestions in the filter boxes."""
    from ...lexicon import load_yaml

    out: dict[str, list[str]] = {}
    for name, file in (("histology", "histology.yaml"), ("site", "sites.yaml")):
        data = load_yaml(file)
        out[name] = sorted(data) if isinstance(data, dict) else []
    return out


class ListParams:
    """The query parameters of the case list (shared by the page and the API)."""

    def __init__(
        self,
        q: Annotated[
            str | None, Query(max_length=300, description='Full-text query: words and "phrases".')
        ] = None,
        histology: Annotated[
            str | None, Query(max_length=100, description="Histology code, e.g. gist.")
        ] = None,
        site: Annotated[
            str | None, Query(max_length=100, description="Primary site code, e.g. rectum.")
        ] = None,
        level: Annotated[str | None, Query(max_length=10, description="A vertebral level, e.g. T12.")] = None,
        region: Annotated[
            str | None, Query(max_length=20, description=f"One of {', '.join(REGIONS)}.")
        ] = None,
        document: Annotated[str | None, Query(max_length=255, description="A document key.")] = None,
        secondary: Annotated[bool, Query(description="Include literature-table cases.")] = True,
        sort: Annotated[str, Query(description=f"One of {', '.join(SORTS)}.")] = "id",
        order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=max(PER_PAGE_CHOICES))] = 50,
    ) -> None:
        def clean(v: str | None) -> str | None:
            return v.strip() or None if v is not None else None

        self.q, self.histology, self.site = clean(q), clean(histology), clean(site)
        self.level, self.region, self.document = clean(level), clean(region), clean(document)
        if self.region is not None and self.region.lower() not in REGIONS:
            raise RegistryError(f"unknown region {self.region!r}; one of: {', '.join(REGIONS)}")
        self.secondary = secondary
        self.sort = sort if sort in SORTS else "id"
        self.order, self.page, self.per_page = order, page, per_page

    def filter(self) -> CaseFilter:
        return CaseFilter(
            histology=self.histology,
            site=self.site,
            level=self.level,
            region=self.region.lower() if self.region else None,
            text=self.q,
            document=self.document,
            include_secondary=self.secondary,
        )

    def query(self, **changes: Any) -> str:
        """This list's URL query with ``changes`` (for sort links and pages)."""
        data: dict[str, Any] = {
            "q": self.q,
            "histology": self.histology,
            "site": self.site,
            "level": self.level,
            "region": self.region,
            "document": self.document,
            "secondary": None if self.secondary else "false",
            "sort": None if self.sort == "id" else self.sort,
            "order": None if self.order == "asc" else self.order,
            "per_page": None if self.per_page == 50 else self.per_page,
            "page": None if self.page == 1 else self.page,
        }
        data.update(changes)
        return urlencode({k: v for k, v in data.items() if v is not None})


def _page(request: Request, p: ListParams) -> CasePage:
    web = request.app.state.web
    with web.registry.session() as s:
        return list_cases(
            s, p.filter(), sort=p.sort, descending=p.order == "desc", page=p.page, per_page=p.per_page
        )


@router.get("/cases", include_in_schema=False)
def cases_page(request: Request, user: Viewer, p: Annotated[ListParams, Depends()]) -> Response:
    try:
        result = _page(request, p)
        error = None
    except RegistryError as exc:  # e.g. a query with nothing to search for: say so beside the form
        result, error = CasePage([], 0, 1, p.per_page, p.sort, p.order == "desc"), str(exc)
    context = {
        "p": p,
        "result": result,
        "error": error,
        "regions": list(REGIONS),
        "sorts": SORTS,
        "per_page_choices": PER_PAGE_CHOICES,
        "vocabulary": vocabulary(),
    }
    return page(request, "cases.html", context, 400 if error else 200)


@router.get("/api/cases", response_model=CaseList, tags=["cases"], summary="List cases")
def cases_api(request: Request, user: Viewer, p: Annotated[ListParams, Depends()]) -> CaseList:
    """Cases matching the filters, one page at a time; each ``id`` opens ``/api/cases/{id}``."""
    result = _page(request, p)
    return CaseList(
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        pages=result.pages,
        sort=result.sort,
        order="desc" if result.descending else "asc",
        notice=result.notice,
        cases=[case_summary(c) for c in result.rows],
    )


def load_case(request: Request, case_id: int) -> dict[str, Any]:
    """Everything the case page shows: detail, text with evidence marked, history."""
    web = request.app.state.web
    with web.registry.session() as s:
        detail = case_detail(s, case_id)
        edits = history(s, case_id)
        text = document_text(s, detail.case.document.id)
    spans = {f.field: [(e["start"], e["end"]) for e in f.evidence] for f in detail.fields}
    heading = detail.case.document.title or first_line(text) or detail.case.document.key
    return {
        "detail": detail,
        "history": edits,
        "text": text,
        "marked": highlight(text, spans),
        "heading": heading,
    }


def first_line(text: str, limit: int = 200) -> str:
    """The first line of a text with words in it: the title of a plain-text report, usually.

    >>> first_line("\\n  \\nLumbar metastasis of a renal carcinoma\\nA 58-year-old man")
    'Lumbar metastasis of a renal carcinoma'
    """
    for line in text.splitlines():
        words = " ".join(line.split())
        if any(ch.isalpha() for ch in words):
            return words if len(words) <= limit else words[: limit - 1] + "…"
    return ""


@router.get("/cases/{case_id}", include_in_schema=False)
def case_page(request: Request, case_id: int, user: Viewer) -> Response:
    data = load_case(request, case_id)
    stated = {f.field for f in data["detail"].fields}
    data["unstated"] = [f for f in STORED_FIELDS if f not in stated]
    data["can_edit"] = user.can("curator")
    return page(request, "case.html", data)


@router.get("/api/cases/{case_id}", response_model=CaseOut, tags=["cases"], summary="One case")
def case_api(request: Request, case_id: int, user: Viewer) -> CaseOut:
    """A case: every stored value with its origin and evidence (offsets and quoted sentences), the
    record in the interchange contract, and the audit trail."""
    data = load_case(request, case_id)
    d = data["detail"]
    return CaseOut(
        id=d.case.case_id,
        case=d.case.record.case,
        secondary=d.case.secondary,
        cited_by=d.case.cited_by,
        document=document_out(d.case),
        sources=[s.rsplit("/", 1)[-1] for s in d.sources],
        record=d.case.record.to_contract(),
        fields=[field_out(f, label(f.field)) for f in d.fields],
        history=[edit_out(e) for e in data["history"]],
    )


@router.get(
    "/api/cases/{case_id}/history", response_model=list[EditOut], tags=["cases"], summary="Audit trail"
)
def history_api(request: Request, case_id: int, user: Viewer) -> list[EditOut]:
    """Curators' changes to the case, oldest first."""
    with request.app.state.web.registry.session() as s:
        return [edit_out(e) for e in history(s, case_id)]
