"""Finding cases: filters, case records with curated values applied, and one case in detail.

This is the read side of the data-access layer that the CLI, the exports and the web app share.
:func:`iter_cases` streams :class:`RegistryCase` objects (a :class:`~spinecase.records.CaseRecord`
with every curator edit applied, plus its document's bibliographic data) in id order, a page at a
time, so it works on a registry of millions of cases.

Example::

    >>> from spinecase.registry import open_registry
    >>> reg = open_registry("sqlite:///:memory:")
    >>> with reg.session() as s:
    ...     [c.record.histology for c in iter_cases(s, CaseFilter(histology="gist", region="thoracic"))]
    []
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from ..records import CaseRecord
from .engine import RegistryError
from .fts import matching_document_ids
from .models import ORIGIN_CURATOR, CaseRow, CaseTerm, DocumentRow, DocumentSource
from .values import REGIONS, STORED_FIELDS, record_from_values

PAGE = 500
#: The largest id a 64-bit integer column holds (SQLite and PostgreSQL BIGINT alike).
MAX_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """Which cases to return; every given criterion must hold.

    ``site`` is the primary site code, ``level`` one vertebral level (``T12``), ``region`` one of
    ``cervical``, ``thoracic``, ``lumbar``, ``sacral`` (S1–S5 and ``S``) or ``coccygeal``, ``text`` a
    full-text query on the document, ``document`` a document key.
    """

    histology: str | None = None
    site: str | None = None
    level: str | None = None
    region: str | None = None
    text: str | None = None
    document: str | None = None
    include_secondary: bool = True


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """Bibliographic data of a case's document."""

    id: int
    key: str
    title: str | None
    authors: tuple[str, ...]
    year: int | None
    journal: str | None
    doi: str | None
    pmid: str | None
    pmcid: str | None
    source: str

    @property
    def first_author(self) -> str | None:
        return self.authors[0] if self.authors else None


@dataclass(frozen=True, slots=True)
class RegistryCase:
    """A stored case: its record (curated values applied) and where it comes from."""

    case_id: int
    record: CaseRecord
    document: DocumentInfo
    secondary: bool = False
    cited_by: str | None = None
    reference_number: int | None = None
    curated_fields: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class FieldDetail:
    """One stored value of a case with its evidence quoted from the document text."""

    field: str
    value: Any
    origin: str
    extractor_version: str | None
    updated_at: datetime
    evidence: list[dict[str, int]]
    quotes: list[str]


@dataclass(frozen=True, slots=True)
class CaseDetail:
    case: RegistryCase
    fields: list[FieldDetail]
    sources: list[str]


def normalise_level(level: str) -> str:
    """``t12`` -> ``T12``, ``co`` -> ``Co``."""
    level = level.strip()
    return "Co" if level.lower() == "co" else level.upper()


def _has_term(field_name: str, *terms: str) -> Any:
    return CaseRow.id.in_(
        select(CaseTerm.case_id).where(CaseTerm.field == field_name, CaseTerm.term.in_(terms))
    )


def filtered_case_ids(session: Session, flt: CaseFilter) -> Select[int]:
    """``SELECT cases.id`` restricted by ``flt`` (unordered)."""
    stmt = select(CaseRow.id)
    if not flt.include_secondary:
        stmt = stmt.where(CaseRow.secondary.is_(False))
    if flt.histology:
        stmt = stmt.where(_has_term("histology", flt.histology.strip().lower()))
    if flt.site:
        stmt = stmt.where(_has_term("primary_site", flt.site.strip().lower()))
    if flt.level:
        stmt = stmt.where(_has_term("spinal_levels", normalise_level(flt.level)))
    if flt.region:
        region = flt.region.strip().lower()
        if region not in REGIONS:
            raise RegistryError(f"unknown region {flt.region!r}; one of: {', '.join(REGIONS)}")
        stmt = stmt.where(_has_term("spinal_levels", *REGIONS[region]))
    if flt.document:
        stmt = stmt.where(
            CaseRow.document_id.in_(select(DocumentRow.id).where(DocumentRow.key == flt.document))
        )
    if flt.text:
        stmt = stmt.where(CaseRow.document_id.in_(matching_document_ids(session, flt.text)))
    return stmt


def count_cases(session: Session, flt: CaseFilter | None = None) -> int:
    sub = filtered_case_ids(session, flt or CaseFilter()).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def _info(doc: DocumentRow) -> DocumentInfo:
    return DocumentInfo(
        id=doc.id,
        key=doc.key,
        title=doc.title,
        authors=tuple(doc.authors or ()),
        year=doc.year,
        journal=doc.journal,
        doi=doc.doi,
        pmid=doc.pmid,
        pmcid=doc.pmcid,
        source=doc.source,
    )


def _registry_case(case: CaseRow, info: DocumentInfo) -> RegistryCase:
    values = {fv.field: (fv.value, list(fv.evidence or [])) for fv in case.values}
    return RegistryCase(
        case_id=case.id,
        record=record_from_values(info.key, case.number, values),
        document=info,
        secondary=case.secondary,
        cited_by=case.cited_by,
        reference_number=case.reference_number,
        curated_fields=frozenset(fv.field for fv in case.values if fv.origin == ORIGIN_CURATOR),
    )


def _load(session: Session, ids: list[int]) -> list[CaseRow]:
    return list(
        session.scalars(
            select(CaseRow)
            .where(CaseRow.id.in_(ids))
            .options(selectinload(CaseRow.values), selectinload(CaseRow.document))
            .order_by(CaseRow.id)
        )
    )


def iter_cases(
    session: Session, flt: CaseFilter | None = None, *, limit: int | None = None, page: int = PAGE
) -> Iterator[RegistryCase]:
    """The cases matching ``flt`` in id order, loaded ``page`` at a time (bounded memory).

    Each carries its :class:`CaseRecord` with curated values applied and its :class:`DocumentInfo`;
    the review, statistics and similar-cases features build on this.
    """
    base = filtered_case_ids(session, flt or CaseFilter())
    last, given = 0, 0
    infos: dict[int, DocumentInfo] = {}
    while limit is None or given < limit:
        size = page if limit is None else min(page, limit - given)
        ids = list(session.scalars(base.where(CaseRow.id > last).order_by(CaseRow.id).limit(size)))
        if not ids:
            return
        for case in _load(session, ids):
            info = infos.get(case.document_id) or _info(case.document)
            infos[case.document_id] = info
            yield _registry_case(case, info)
            given += 1
        last = ids[-1]
        infos.clear()  # the session's identity map is weak: a page's rows go once yielded


def parse_case_ref(session: Session, ref: str | int) -> int:
    """A case id from ``42`` or ``DOCUMENT#2`` (document key and case number).

    A number no database column can hold is no case (rather than an overflow in the driver):

    >>> from sqlalchemy.orm import Session
    >>> parse_case_ref(Session(), "99999999999999999999")
    Traceback (most recent call last):
    ...
    spinecase.registry.engine.RegistryError: no case '99999999999999999999' (give a case id from `spinecase cases list`, or DOCUMENT#N)
    """
    text = str(ref).strip()
    if text.isdigit() and int(text) <= MAX_ID:
        return int(text)
    m = re.fullmatch(r"(.+)#(\d+)", text)
    if m and int(m.group(2)) <= MAX_ID:
        case_id = session.scalar(
            select(CaseRow.id)
            .join(DocumentRow, DocumentRow.id == CaseRow.document_id)
            .where(
                DocumentRow.key == m.group(1), CaseRow.number == int(m.group(2)), CaseRow.secondary.is_(False)
            )
            .order_by(CaseRow.id)
            .limit(1)
        )
        if case_id is not None:
            return int(case_id)
    raise RegistryError(f"no case {text!r} (give a case id from `spinecase cases list`, or DOCUMENT#N)")


def get_case(session: Session, ref: str | int) -> RegistryCase:
    """One case by id (or ``DOCUMENT#N``); :class:`RegistryError` when there is none."""
    case_id = parse_case_ref(session, ref)
    rows = _load(session, [case_id])
    if not rows:
        raise RegistryError(f"no case with id {case_id}")
    return _registry_case(rows[0], _info(rows[0].document))


def sentence_around(text: str, start: int, end: int, limit: int = 300) -> str:
    """The sentence (or line) of ``text`` holding ``[start, end)``, at most ``limit`` characters.

    >>> sentence_around("Pain began. A 61-year-old man had T12 metastasis. He did well.", 14, 25)
    'A 61-year-old man had T12 metastasis.'
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind("? ", 0, start))
    left = 0 if left < 0 else left + 1
    ends = [i for i in (text.find(". ", end), text.find("\n", end), text.find("? ", end)) if i >= 0]
    right = min(ends) + 1 if ends else len(text)
    left, right = max(left, start - limit // 2), min(right, end + limit // 2)
    return " ".join(text[left:right].split())


def case_detail(session: Session, ref: str | int) -> CaseDetail:
    """A case with every stored value, its origin and its evidence sentences."""
    case = get_case(session, ref)
    row = session.get(CaseRow, case.case_id)
    assert row is not None
    text = row.document.text
    by_field = {fv.field: fv for fv in row.values}
    fields = []
    for name in STORED_FIELDS:
        fv = by_field.get(name)
        if fv is None:
            continue
        spans = list(fv.evidence or [])
        quotes = [sentence_around(text, s["start"], s["end"]) for s in spans]
        fields.append(
            FieldDetail(
                name,
                fv.value,
                fv.origin,
                fv.extractor_version,
                fv.updated_at,
                spans,
                list(dict.fromkeys(quotes)),
            )
        )
    sources = list(
        session.scalars(
            select(DocumentSource.source)
            .where(DocumentSource.document_id == row.document_id)
            .order_by(DocumentSource.id)
        )
    )
    return CaseDetail(case, fields, sources)
