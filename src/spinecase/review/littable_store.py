"""Literature-table cases in the registry: found at ingest, stored as secondary cases, merged with
their primary report when the registry holds it.

- :func:`literature_records` is what the ingest calls for each document it extracts (a marked hook in
  ``registry/work.py``, so it runs in the ingest's workers): the document's tabulated earlier cases, as
  :class:`~spinecase.review.littable_cells.LiteratureCase` records that the registry's store writes as
  ``secondary`` case rows (with ``cited_by`` and ``reference_number``) next to the document's own
  patients. A later ingest updates them like any extracted case, and never touches a curated value.
- :func:`store_literature_cases` writes them for a document already stored (:func:`scan_registry`
  does every stored document: a registry ingested before the hook existed).
- :func:`resolve_primary` finds the earlier paper in the registry by the reference entry's DOI, PMID
  or title, and the case of that paper the row describes; the review then shows that patient once.

Example::

    >>> from spinecase.registry import open_registry
    >>> reg = open_registry("sqlite:///:memory:")
    >>> with reg.write() as s:
    ...     scan_registry(s)
    0
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..documents.model import Document, Section
from ..records import CaseRecord
from ..registry.models import (
    ORIGIN_CURATOR,
    ORIGIN_EXTRACTOR,
    CaseRow,
    DocumentKey,
    DocumentRow,
    FieldValue,
    utcnow,
)
from ..registry.query import CaseFilter, RegistryCase, iter_cases
from ..registry.store import rewrite_terms
from ..registry.values import record_values
from .littable_cells import LiteratureCase, literature_cases
from .references import identifiers_in, normalise_title, parse_entry

log = logging.getLogger(__name__)

#: Version of the literature-table reader, kept with the values it wrote.
LITTABLE_VERSION = "littable-1"


def literature_records(document: Document) -> list[LiteratureCase]:
    """The tabulated earlier cases of ``document`` (never raises: a table the parser cannot read costs
    only its own cases, never the document's ingest)."""
    try:
        return literature_cases(document)
    except Exception:  # noqa: BLE001 - one odd table must not fail an ingest
        log.warning("literature tables of %s could not be read", document.id, exc_info=True)
        return []


def _document(row: DocumentRow) -> Document:
    sections = [
        Section(s.get("title", ""), int(s["start"]), int(s["end"]), s.get("kind", "other"))
        for s in row.sections or []
        if isinstance(s, dict) and "start" in s and "end" in s
    ]
    return Document(
        id=row.key,
        text=row.text,
        source=row.source,
        format=row.format,
        metadata=dict(row.meta or {}),
        sections=sections,
    )


def store_literature_cases(
    session: Session, document_id: int, cases: Sequence[CaseRecord], version: str = LITTABLE_VERSION
) -> int:
    """Make the secondary cases of a stored document those of ``cases``: insert new ones, update
    changed values (curated values stay), drop the ones no longer found unless a curator edited them.
    Returns the number of secondary cases written."""
    now = utcnow()
    existing = {
        c.number: c
        for c in session.scalars(
            select(CaseRow)
            .where(CaseRow.document_id == document_id, CaseRow.secondary.is_(True))
            .options(selectinload(CaseRow.values))
        )
    }
    for case in cases:
        row = existing.pop(case.case, None)
        cited_by = getattr(case, "cited_by", None)
        reference_number = getattr(case, "reference_number", None)
        if row is None:
            row = CaseRow(
                document_id=document_id,
                number=case.case,
                secondary=True,
                cited_by=cited_by,
                reference_number=reference_number,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
        else:
            row.cited_by, row.reference_number = cited_by, reference_number
        current = {fv.field: fv for fv in row.values}
        values = record_values(case)
        for name, (value, evidence) in values.items():
            fv = current.get(name)
            if fv is None:
                row.values.append(
                    FieldValue(
                        field=name,
                        value=value,
                        evidence=evidence,
                        origin=ORIGIN_EXTRACTOR,
                        extractor_version=version,
                        updated_at=now,
                    )
                )
            elif fv.origin != ORIGIN_CURATOR and (fv.value != value or fv.evidence != evidence):
                fv.value, fv.evidence, fv.extractor_version, fv.updated_at = value, evidence, version, now
        for name, fv in current.items():
            if name not in values and fv.origin == ORIGIN_EXTRACTOR:
                row.values.remove(fv)
        row.updated_at = now
        session.flush()
        rewrite_terms(session, row)
    for row in existing.values():
        curated = [fv for fv in row.values if fv.origin == ORIGIN_CURATOR]
        if curated:
            row.values[:] = curated
            session.flush()
            rewrite_terms(session, row)
        else:
            session.delete(row)
    session.flush()
    return len(cases)


def scan_registry(session: Session, documents: Iterable[str] | None = None) -> int:
    """Read the literature tables of stored documents (all, or those keys) and store their cases;
    returns the number of secondary cases written."""
    stmt = select(DocumentRow.id).order_by(DocumentRow.id)
    if documents is not None:
        stmt = stmt.where(DocumentRow.key.in_(list(documents)))
    total = 0
    for doc_id in list(session.scalars(stmt)):
        row = session.get(DocumentRow, doc_id)
        if row is None:
            continue
        total += store_literature_cases(session, doc_id, literature_records(_document(row)))
        session.expunge(row)
    return total


# -- the primary report of a secondary case -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrimaryLink:
    """Where the registry holds the paper a secondary case comes from (and the patient, if found)."""

    document_id: int
    document_key: str
    case_id: int | None
    rule: str  # doi, pmid or title


def _entry_text(cited_by: str) -> tuple[int, str]:
    text = cited_by.strip()
    if text.startswith("[") and "]" in text:
        head, _, rest = text.partition("]")
        number = head.strip("[ ")
        return (int(number) if number.isdigit() else 0), rest.strip()
    return 0, text


def find_cited_document(session: Session, cited_by: str | None) -> tuple[int, str] | None:
    """The stored document a reference entry names: ``(document id, rule)`` by DOI, PMID, then title."""
    if not cited_by:
        return None
    from ..registry.dedup import normalise_doi, normalise_pmid

    number, text = _entry_text(cited_by)
    ids = identifiers_in(text)
    for kind, norm in (("doi", normalise_doi), ("pmid", normalise_pmid)):
        if kind in ids:
            value = norm(ids[kind])
            if value:
                found = session.scalar(
                    select(DocumentKey.document_id).where(DocumentKey.key == f"{kind}:{value}")
                )
                if found is not None:
                    return int(found), kind
    entry = parse_entry(number, text)
    if entry.title and len(entry.title) >= 20:
        key = normalise_title(entry.title)
        words = key.split()[:4]
        pattern = "%" + "%".join(words) + "%"
        for doc_id, title in session.execute(
            select(DocumentRow.id, DocumentRow.title)
            .where(func.lower(DocumentRow.title).like(pattern))
            .limit(50)
        ):
            if title and normalise_title(title) == key:
                return int(doc_id), "title"
    return None


def _compatible(a: CaseRecord, b: CaseRecord) -> int | None:
    """How well two records agree (``None`` when they contradict each other)."""
    score = 0
    for name in ("age", "sex", "primary_site", "histology"):
        x, y = getattr(a, name), getattr(b, name)
        if x is None or y is None:
            continue
        if name == "age" and abs(int(x) - int(y)) > 1 or name != "age" and x != y:
            return None
        score += 1
    if a.spinal_levels and b.spinal_levels:
        if not set(a.spinal_levels) & set(b.spinal_levels):
            return None
        score += 1
    return score


def match_case(secondary: CaseRecord, primaries: Sequence[RegistryCase]) -> RegistryCase | None:
    """The patient of the primary report a table row describes: the only one, or the one that agrees
    best (and uniquely) with the row."""
    if len(primaries) == 1:
        return primaries[0] if _compatible(secondary, primaries[0].record) is not None else None
    scored = [(s, c) for c in primaries if (s := _compatible(secondary, c.record)) is not None]
    if not scored:
        return None
    best = max(s for s, _ in scored)
    winners = [c for s, c in scored if s == best]
    return winners[0] if len(winners) == 1 and best > 0 else None


def resolve_primary(session: Session, case: RegistryCase) -> PrimaryLink | None:
    """Where the registry holds the primary report of a secondary case (``None``: not ingested)."""
    if not case.secondary:
        return None
    found = find_cited_document(session, case.cited_by)
    if found is None:
        return None
    doc_id, rule = found
    if doc_id == case.document.id:
        return None  # a paper citing itself: nothing to merge
    key = session.scalar(select(DocumentRow.key).where(DocumentRow.id == doc_id))
    if key is None:  # pragma: no cover - a key row always has its document
        return None
    primaries = [
        c
        for c in iter_cases(session, CaseFilter(document=key, include_secondary=False))
        if c.document.id == doc_id  # keys are not unique across documents
    ]
    matched = match_case(case.record, primaries)
    return PrimaryLink(doc_id, key, matched.case_id if matched else None, rule)


def links(session: Session, cases: Iterable[RegistryCase]) -> dict[int, PrimaryLink]:
    """:func:`resolve_primary` of every secondary case, by case id (only those found)."""
    out: dict[int, PrimaryLink] = {}
    for case in cases:
        link = resolve_primary(session, case)
        if link is not None:
            out[case.case_id] = link
    return out


__all__ = [
    "LITTABLE_VERSION",
    "PrimaryLink",
    "find_cited_document",
    "links",
    "literature_records",
    "match_case",
    "resolve_primary",
    "scan_registry",
    "store_literature_cases",
]
