"""The registry as the pages need it: one page of sorted cases, a case with its text, the latest ingests.

Everything goes through :mod:`spinecase.registry` (the data-access layer the CLI uses too); the few
reads it has no function for yet — a document's full text, the ingest runs, the documents an upload
brought in — are isolated here, read-only.

Example::

    >>> from spinecase.registry import open_registry
    >>> reg = open_registry("sqlite:///:memory:")
    >>> with reg.session() as s:
    ...     page = list_cases(s, CaseFilter(), sort="age", page=1, per_page=20)
    >>> page.total, page.rows
    (0, [])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..registry import CaseFilter, RegistryCase, count_cases, get_case, iter_cases
from ..registry.models import CaseRow, CuratorEdit, DocumentRow, DocumentSource, IngestRun
from ..registry.query import filtered_case_ids

#: Columns the case list sorts by (``id`` in the database; the others in memory, see SORT_LIMIT).
SORTS: tuple[str, ...] = (
    "id",
    "age",
    "sex",
    "histology",
    "primary_site",
    "levels",
    "vital_status",
    "follow_up",
    "year",
    "author",
)
#: Sorting by a value rather than the id reads every matching case; above this many, the list keeps id order.
SORT_LIMIT = 20_000
PER_PAGE_CHOICES = (20, 50, 100)
_LEVELS = [f"C{i}" for i in range(1, 8)] + [f"T{i}" for i in range(1, 13)]
_LEVELS += [f"L{i}" for i in range(1, 6)] + ["S"] + [f"S{i}" for i in range(1, 6)] + ["Co"]


@dataclass(slots=True)
class CasePage:
    """One page of the case list."""

    rows: list[RegistryCase]
    total: int
    page: int
    per_page: int
    sort: str
    descending: bool
    notice: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _level_rank(levels: list[str]) -> int:
    ranks = [_LEVELS.index(lv) for lv in levels if lv in _LEVELS]
    return min(ranks) if ranks else len(_LEVELS)


def sort_key(case: RegistryCase, sort: str) -> tuple[int, Any, int]:
    """Missing values last whatever the direction is handled by the caller; ties by id."""
    r, d = case.record, case.document
    value: Any = {
        "age": r.age,
        "sex": r.sex,
        "histology": r.histology,
        "primary_site": r.primary_site,
        "levels": _level_rank(r.spinal_levels) if r.spinal_levels else None,
        "vital_status": r.vital_status,
        "follow_up": r.follow_up_months,
        "year": d.year,
        "author": (d.first_author or "").lower() or None,
    }.get(sort, case.case_id)
    return (0 if value is not None else 1, value if value is not None else 0, case.case_id)


def list_cases(
    session: Session,
    flt: CaseFilter,
    *,
    sort: str = "id",
    descending: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> CasePage:
    """The ``page``-th page of the cases matching ``flt``, sorted by ``sort`` (one of :data:`SORTS`)."""
    sort = sort if sort in SORTS else "id"
    per_page = max(1, min(per_page, max(PER_PAGE_CHOICES)))
    total = count_cases(session, flt)
    page = max(1, min(page, max(1, -(-total // per_page))))
    offset = (page - 1) * per_page
    notice = None
    if sort != "id" and total > SORT_LIMIT:
        notice = f"Sorting by {sort} works on up to {SORT_LIMIT:,} cases; narrow the filter. Shown by id."
        sort = "id"
    if sort == "id":
        order = CaseRow.id.desc() if descending else CaseRow.id
        ids = session.scalars(filtered_case_ids(session, flt).order_by(order).offset(offset).limit(per_page))
        rows = [get_case(session, i) for i in ids]
    else:
        every = sorted(iter_cases(session, flt), key=lambda c: sort_key(c, sort))
        present = [c for c in every if sort_key(c, sort)[0] == 0]
        absent = [c for c in every if sort_key(c, sort)[0] == 1]
        ordered = (present[::-1] if descending else present) + absent
        rows = ordered[offset : offset + per_page]
    return CasePage(rows, total, page, per_page, sort, descending, notice)


def document_text(session: Session, document_id: int) -> str:
    """The full text of a document as read (the offsets of the evidence spans point into it)."""
    return session.scalar(select(DocumentRow.text).where(DocumentRow.id == document_id)) or ""


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One ingest run, for the dashboard."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    read: int
    new: int
    updated: int
    merged: int
    unchanged: int
    failed: int
    paths: list[str] = field(default_factory=list)


def latest_runs(session: Session, limit: int = 5) -> list[RunInfo]:
    runs = session.scalars(select(IngestRun).order_by(IngestRun.id.desc()).limit(limit))
    return [
        RunInfo(
            r.id,
            r.started_at,
            r.finished_at,
            r.status,
            r.read,
            r.new,
            r.updated,
            r.merged,
            r.unchanged,
            r.failed,
            [p.rsplit("/", 1)[-1] for p in (r.paths or [])][:5],
        )
        for r in runs
    ]


@dataclass(frozen=True, slots=True)
class Counts:
    cases: int
    primary_cases: int
    documents: int
    edits: int
    by_region: dict[str, int]


def counts(session: Session) -> Counts:
    """Headline numbers: cases (own and literature-table), documents, curator edits, cases per region."""
    from ..registry import REGIONS

    return Counts(
        cases=count_cases(session),
        primary_cases=count_cases(session, CaseFilter(include_secondary=False)),
        documents=int(session.scalar(select(func.count()).select_from(DocumentRow)) or 0),
        edits=int(session.scalar(select(func.count()).select_from(CuratorEdit)) or 0),
        by_region={r: count_cases(session, CaseFilter(region=r)) for r in REGIONS},
    )


def cases_from_sources(session: Session, prefix: str) -> list[int]:
    """Ids of the cases of documents brought in by files under ``prefix`` (one upload's folder)."""
    docs = select(DocumentSource.document_id).where(DocumentSource.source.startswith(prefix, autoescape=True))
    return list(session.scalars(select(CaseRow.id).where(CaseRow.document_id.in_(docs)).order_by(CaseRow.id)))
