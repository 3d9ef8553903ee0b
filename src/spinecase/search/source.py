"""Reading cases out of the registry for the similar-cases index (read-only, in pages, no ORM objects).

:func:`registry_state` is the cheap test run before every search: case count, highest id, sum of ids,
newest case and document timestamps. Any ingest, curation, re-extraction or deletion changes one of
them. :func:`case_stamps` lists every case with its two timestamps, so the index can tell exactly
which cases are new, changed or gone; :func:`load_cases` reads the facts and text of just those.

Values are read from the registry's ``field_values`` table, where a curator's value has replaced the
extracted one, so the index sees what ``iter_cases`` would show.

Example::

    >>> from spinecase.registry import open_registry
    >>> reg = open_registry("sqlite:///:memory:")
    >>> with reg.session() as s:
    ...     registry_state(s)[0], len(case_stamps(s)[0])
    ('0', 0)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..records import CONTRACT_FIELDS
from ..registry import DocumentInfo, RegistryCase
from ..registry.models import ORIGIN_CURATOR, CaseRow, DocumentRow, FieldValue
from ..registry.values import record_from_values
from .text import case_text

PAGE = 500


def _epoch(value: datetime | None) -> float:
    if value is None:
        return 0.0
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def registry_state(session: Session) -> tuple[str, ...]:
    """A fingerprint of the registry's cases that changes whenever a case is added, edited or removed."""
    n, top, total, newest = session.execute(
        select(
            func.count(CaseRow.id), func.max(CaseRow.id), func.sum(CaseRow.id), func.max(CaseRow.updated_at)
        )
    ).one()
    doc_newest = session.scalar(select(func.max(DocumentRow.updated_at)))
    return (str(n), str(top), str(total), str(newest), str(doc_newest))


def case_stamps(session: Session) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Every case id (ascending) with a stamp: the later of its own and its document's update time."""
    rows = session.execute(
        select(CaseRow.id, CaseRow.updated_at, DocumentRow.updated_at)
        .join(DocumentRow, DocumentRow.id == CaseRow.document_id)
        .order_by(CaseRow.id)
    ).all()
    ids = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    stamps = np.fromiter((max(_epoch(r[1]), _epoch(r[2])) for r in rows), np.float64, len(rows))
    return ids, stamps


@dataclass(frozen=True, slots=True)
class SourceCase:
    """What the index needs of one case: its facts (contract keys, JSON values) and its text."""

    case_id: int
    facts: dict[str, Any]
    text: str


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def load_cases(session: Session, ids: Sequence[int], page: int = PAGE) -> Iterator[SourceCase]:
    """The facts and case text of the cases ``ids`` (those that still exist), a page at a time."""
    contract = set(CONTRACT_FIELDS)
    for chunk in _chunks(sorted(ids), page):
        cases = session.execute(
            select(CaseRow.id, CaseRow.document_id, CaseRow.secondary).where(CaseRow.id.in_(chunk))
        ).all()
        if not cases:
            continue
        doc_ids = sorted({c.document_id for c in cases})
        docs = {
            d.id: d
            for d in session.execute(
                select(DocumentRow.id, DocumentRow.title, DocumentRow.text, DocumentRow.sections).where(
                    DocumentRow.id.in_(doc_ids)
                )
            )
        }
        primaries = dict(
            session.execute(
                select(CaseRow.document_id, func.count(CaseRow.id))
                .where(CaseRow.document_id.in_(doc_ids), CaseRow.secondary.is_(False))
                .group_by(CaseRow.document_id)
            ).all()
        )
        facts: dict[int, dict[str, Any]] = defaultdict(dict)
        evidence: dict[int, list[dict[str, int]]] = defaultdict(list)
        for case_id, name, value, spans in session.execute(
            select(FieldValue.case_id, FieldValue.field, FieldValue.value, FieldValue.evidence).where(
                FieldValue.case_id.in_(chunk)
            )
        ):
            if name in contract and value is not None:
                facts[case_id][name] = value
            evidence[case_id] += [s for s in spans or [] if isinstance(s, dict) and "start" in s]
        for c in cases:
            doc = docs.get(c.document_id)
            if doc is None:  # pragma: no cover - a case always has its document (foreign key)
                continue
            own = not c.secondary and int(primaries.get(c.document_id, 0)) <= 1
            text = case_text(
                doc.text or "",
                title=doc.title,
                sections=doc.sections or [],
                evidence=evidence[c.id],
                own_document=own,
            )
            yield SourceCase(c.id, dict(facts[c.id]), text)


def registry_cases(session: Session, ids: Sequence[int]) -> dict[int, RegistryCase]:
    """The :class:`RegistryCase` of each of ``ids`` that exists, in three queries (not three per case),
    as :func:`~spinecase.registry.get_case` would give it (curated values applied)."""
    if not ids:
        return {}
    cases = session.execute(
        select(
            CaseRow.id,
            CaseRow.document_id,
            CaseRow.number,
            CaseRow.secondary,
            CaseRow.cited_by,
            CaseRow.reference_number,
        ).where(CaseRow.id.in_(list(ids)))
    ).all()
    doc_ids = sorted({c.document_id for c in cases})
    docs = {
        d.id: DocumentInfo(
            id=d.id,
            key=d.key,
            title=d.title,
            authors=tuple(d.authors or ()),
            year=d.year,
            journal=d.journal,
            doi=d.doi,
            pmid=d.pmid,
            pmcid=d.pmcid,
            source=d.source,
        )
        for d in session.execute(
            select(
                DocumentRow.id,
                DocumentRow.key,
                DocumentRow.title,
                DocumentRow.authors,
                DocumentRow.year,
                DocumentRow.journal,
                DocumentRow.doi,
                DocumentRow.pmid,
                DocumentRow.pmcid,
                DocumentRow.source,
            ).where(DocumentRow.id.in_(doc_ids))
        )
    }
    values: dict[int, dict[str, tuple[Any, list[dict[str, int]]]]] = defaultdict(dict)
    curated: dict[int, set[str]] = defaultdict(set)
    for case_id, name, value, spans, origin in session.execute(
        select(
            FieldValue.case_id, FieldValue.field, FieldValue.value, FieldValue.evidence, FieldValue.origin
        ).where(FieldValue.case_id.in_(list(ids)))
    ):
        values[case_id][name] = (value, list(spans or []))
        if origin == ORIGIN_CURATOR:
            curated[case_id].add(name)
    out: dict[int, RegistryCase] = {}
    for c in cases:
        info = docs[c.document_id]
        out[c.id] = RegistryCase(
            case_id=c.id,
            record=record_from_values(info.key, c.number, values[c.id]),
            document=info,
            secondary=c.secondary,
            cited_by=c.cited_by,
            reference_number=c.reference_number,
            curated_fields=frozenset(curated[c.id]),
        )
    return out
