"""Reading cases out of the registry for the similar-cases index (read-only, in pages, no ORM objects).

:func:`registry_state` is the test run before every search: case count, highest id, newest case and
document timestamps — a count of index entries and three index lookups (migration ``0003`` indexes
both ``updated_at`` columns), not a scan of the documents. Any ingest, curation, re-extraction or
deletion changes one of them.
:func:`write_marker` makes even that query rare on SQLite: ``PRAGMA data_version`` (commits by other
connections) and ``total_changes()`` (writes by this one) tell in one tiny query whether anything was
written since this connection last read the fingerprint. :func:`case_stamps` lists every case with
its two timestamps, so the index can tell exactly which cases are new, changed or gone;
:func:`load_cases` reads the facts and text of just those, a page of ids at a time, with only the
columns it needs.

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

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVarTuple

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import ColumnElement, Row, Select, String, Text, func, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..registry import DocumentInfo, RegistryCase
from ..registry.models import ORIGIN_CURATOR, CaseRow, DocumentRow, FieldValue
from ..registry.values import record_from_values
from .features import FEATURE_FIELDS
from .text import case_text

PAGE = 2000
_Ts = TypeVarTuple("_Ts")
#: Where a connection keeps the write marker and fingerprint it last saw (SQLAlchemy's per-DBAPI-
#: connection ``info``, which lives as long as the connection).
_SEEN = "spinecase.similar.seen"


def _epoch(value: datetime | None) -> float:
    if value is None:
        return 0.0
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def registry_state(session: Session) -> tuple[str, ...]:
    """A fingerprint of the registry's cases that changes whenever a case is added, edited or removed.

    Each part is its own subquery so that every ``max`` is one step down an index (SQLite optimises
    a lone ``min``/``max`` only) and ``count(*)`` counts index entries without decoding rows. Ids only
    grow, so a deletion shows in the count and an insertion in the highest id or the newest stamp.
    """
    parts = (
        select(func.count()).select_from(CaseRow).scalar_subquery(),
        select(func.max(CaseRow.id)).scalar_subquery(),
        select(func.max(CaseRow.updated_at)).scalar_subquery(),
        select(func.max(DocumentRow.updated_at)).scalar_subquery(),
    )
    return tuple(str(v) for v in _rows(session, select(*parts))[0])


@dataclass(slots=True)
class WriteMarker:
    """What SQLite says about writes, as one connection sees them: ``(data_version, total_changes)``.

    ``data_version`` changes when another connection (of this process or another) commits;
    ``total_changes()`` grows with every row this connection writes (rolled back or not). While both
    stay the same, nothing can have changed, so the fingerprint this connection read last still holds
    (Hipp et al., SQLite documentation of ``PRAGMA data_version``).
    """

    info: dict[Any, Any]
    value: tuple[int, int]

    def vouches_for(self, state: tuple[str, ...]) -> bool:
        """Whether the registry is known to still have fingerprint ``state``."""
        seen = self.info.get(_SEEN)
        return seen is not None and seen == (self.value, state)

    def remember(self, state: tuple[str, ...]) -> None:
        """Record that the registry had fingerprint ``state`` when the marker was read."""
        self.info[_SEEN] = (self.value, state)


def write_marker(session: Session) -> WriteMarker | None:
    """The SQLite write marker of ``session``'s connection, read before the fingerprint; ``None`` for
    other databases and for write sessions (a write that is rolled back later would leave the marker
    vouching for rows that never were)."""
    conn = session.connection()
    if conn.dialect.name != "sqlite" or conn.get_execution_options().get("spinecase_write", True):
        return None
    version, changes = conn.exec_driver_sql(
        "SELECT data_version, total_changes() FROM pragma_data_version"
    ).one()
    return WriteMarker(conn.connection.info, (int(version), int(changes)))


def _epochs(texts: Sequence[str | None]) -> NDArray[np.float64]:
    """SQLite's stored UTC timestamps (``2025-01-02 10:11:12.345678``) as epoch seconds, parsed by
    NumPy in one go; the same floats :func:`_epoch` gives."""
    parsed = np.array([t or "1970-01-01 00:00:00" for t in texts], dtype="datetime64[us]")
    return parsed.astype(np.int64) / 1e6


def case_stamps(session: Session) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Every case id (ascending) with a stamp: the later of its own and its document's update time."""
    if session.get_bind().dialect.name == "sqlite":
        # raw timestamp strings (no datetime objects); documents read through their updated_at
        # index (a covering scan), never their text
        cases = _rows(
            session,
            select(CaseRow.id, CaseRow.document_id, type_coerce(CaseRow.updated_at, String)).order_by(
                CaseRow.id
            ),
        )
        docs = _rows(session, select(DocumentRow.id, type_coerce(DocumentRow.updated_at, String)))
        try:
            case_t, doc_t = _epochs([r[2] for r in cases]), _epochs([r[1] for r in docs])
        except ValueError:  # a timestamp not written by SQLAlchemy: read it the slow way below
            pass
        else:
            ids = np.fromiter((r[0] for r in cases), np.int64, len(cases))
            doc_of = np.fromiter((r[1] for r in cases), np.int64, len(cases))
            doc_ids = np.fromiter((r[0] for r in docs), np.int64, len(docs))
            order = np.argsort(doc_ids)
            doc_ids, doc_t = doc_ids[order], doc_t[order]
            at = np.minimum(np.searchsorted(doc_ids, doc_of), max(0, len(doc_ids) - 1))
            found = doc_ids[at] == doc_of if len(doc_ids) else np.zeros(len(ids), bool)
            return ids, np.maximum(case_t, np.where(found, doc_t[at] if len(doc_ids) else 0.0, 0.0))
    rows = _rows(
        session,
        select(CaseRow.id, CaseRow.updated_at, DocumentRow.updated_at)
        .join(DocumentRow, DocumentRow.id == CaseRow.document_id)
        .order_by(CaseRow.id),
    )
    ids = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    stamps = np.fromiter((max(_epoch(r[1]), _epoch(r[2])) for r in rows), np.float64, len(rows))
    return ids, stamps


@dataclass(frozen=True, slots=True)
class SourceCase:
    """What the index needs of one case: the facts it codes (:data:`FEATURE_FIELDS`, JSON values)
    and its text."""

    case_id: int
    facts: dict[str, Any]
    text: str


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def _among(column: InstrumentedAttribute[int], ids: Sequence[int]) -> ColumnElement[bool]:
    """``column`` in the sorted ``ids``: a range when they are dense (one sweep of the index, no
    thousands of bound parameters; the few extra rows are dropped by the caller), else a list."""
    if ids and ids[-1] - ids[0] + 1 <= 2 * len(ids):
        return column.between(ids[0], ids[-1])
    return column.in_(list(ids))


def _rows(session: Session, stmt: Select[*_Ts]) -> Sequence[Row[*_Ts]]:
    """All rows of a Core ``select`` on the session's connection (no ORM result machinery)."""
    return session.connection().execute(stmt).all()


def _raw_json(
    session: Session, column: InstrumentedAttribute[Any]
) -> ColumnElement[Any] | InstrumentedAttribute[Any]:
    """A JSON column as the SQLite driver hands it over — the stored JSON text, or a bare number —
    for :func:`_json_values` to decode a page at a time; other databases decode it as usual."""
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(column, Text)
    return column


def _json_values(session: Session, raw: Sequence[Any]) -> list[Any]:
    """Values read through :func:`_raw_json`, decoded: every JSON text of the page in one call of the
    C decoder (what SQLAlchemy's SQLite JSON type gives value by value: numbers stay as stored)."""
    if session.get_bind().dialect.name != "sqlite":
        return list(raw)
    at = [i for i, v in enumerate(raw) if isinstance(v, str)]
    if not at:
        return list(raw)
    out = list(raw)
    for i, value in zip(at, json.loads("[" + ",".join(raw[i] for i in at) + "]"), strict=True):
        out[i] = value
    return out


def load_cases(session: Session, ids: Sequence[int], page: int = PAGE) -> Iterator[SourceCase]:
    """The facts and case text of the cases ``ids`` (those that still exist), a page at a time.

    Only the columns the index uses are read, JSON arrives as text and is decoded a page at a time,
    and evidence spans are read only for patients who share their document (a series, a literature
    table), whose text is the sentences holding their evidence.
    """
    for chunk in _chunks(sorted(set(ids)), page):
        yield from _load_page(session, chunk)


def _load_page(session: Session, chunk: list[int]) -> Iterator[SourceCase]:
    wanted = set(chunk)
    cases = [
        c
        for c in _rows(
            session,
            select(CaseRow.id, CaseRow.document_id, CaseRow.secondary)
            .where(_among(CaseRow.id, chunk))
            .order_by(CaseRow.id),
        )
        if c.id in wanted
    ]
    if not cases:
        return
    doc_ids = sorted({c.document_id for c in cases})
    needed = set(doc_ids)
    doc_rows = [
        d
        for d in _rows(
            session,
            select(
                DocumentRow.id, DocumentRow.title, DocumentRow.text, _raw_json(session, DocumentRow.sections)
            ).where(_among(DocumentRow.id, doc_ids)),
        )
        if d[0] in needed
    ]
    sections = _json_values(session, [d[3] for d in doc_rows])
    docs = {d[0]: (d[1], d[2], s) for d, s in zip(doc_rows, sections, strict=True)}
    primaries: dict[int, int] = {
        d: n
        for d, n in _rows(
            session,
            select(CaseRow.document_id, func.count(CaseRow.id))
            .where(_among(CaseRow.document_id, doc_ids), CaseRow.secondary.is_(False))
            .group_by(CaseRow.document_id),
        )
    }
    value_rows = [
        r
        for r in _rows(
            session,
            select(FieldValue.case_id, FieldValue.field, _raw_json(session, FieldValue.value)).where(
                _among(FieldValue.case_id, chunk), FieldValue.field.in_(FEATURE_FIELDS)
            ),
        )
        if r[0] in wanted
    ]
    facts: dict[int, dict[str, Any]] = defaultdict(dict)
    for (case_id, name, _), value in zip(
        value_rows, _json_values(session, [r[2] for r in value_rows]), strict=True
    ):
        if value is not None:
            facts[case_id][name] = value
    own = {c.id: not c.secondary and int(primaries.get(c.document_id, 0)) <= 1 for c in cases}
    shared = sorted(i for i, o in own.items() if not o)
    evidence: dict[int, list[dict[str, int]]] = defaultdict(list)
    if shared:
        ev_rows = _rows(
            session,
            select(FieldValue.case_id, _raw_json(session, FieldValue.evidence))
            .where(FieldValue.case_id.in_(shared))
            .order_by(FieldValue.case_id, FieldValue.id),
        )
        for (case_id, _), spans in zip(ev_rows, _json_values(session, [r[1] for r in ev_rows]), strict=True):
            evidence[case_id] += [s for s in spans or [] if isinstance(s, dict) and "start" in s]
    for c in cases:
        doc = docs.get(c.document_id)
        if doc is None:  # pragma: no cover - a case always has its document (foreign key)
            continue
        title, text, doc_sections = doc
        yield SourceCase(
            c.id,
            dict(facts[c.id]),
            case_text(
                text or "",
                title=title,
                sections=doc_sections or [],
                evidence=evidence[c.id],
                own_document=own[c.id],
            ),
        )


def registry_cases(session: Session, ids: Sequence[int]) -> dict[int, RegistryCase]:
    """The :class:`RegistryCase` of each of ``ids`` that exists, in three queries (not three per case),
    as :func:`~spinecase.registry.get_case` would give it (curated values applied)."""
    if not ids:
        return {}
    wanted = sorted(set(int(i) for i in ids))
    cases = _rows(
        session,
        select(
            CaseRow.id,
            CaseRow.document_id,
            CaseRow.number,
            CaseRow.secondary,
            CaseRow.cited_by,
            CaseRow.reference_number,
        ).where(CaseRow.id.in_(wanted)),
    )
    doc_ids = sorted({c.document_id for c in cases})
    doc_rows = _rows(
        session,
        select(
            DocumentRow.id,
            DocumentRow.key,
            DocumentRow.title,
            _raw_json(session, DocumentRow.authors),
            DocumentRow.year,
            DocumentRow.journal,
            DocumentRow.doi,
            DocumentRow.pmid,
            DocumentRow.pmcid,
            DocumentRow.source,
        ).where(DocumentRow.id.in_(doc_ids)),
    )
    authors = _json_values(session, [d[3] for d in doc_rows])
    docs = {
        d.id: DocumentInfo(
            id=d.id,
            key=d.key,
            title=d.title,
            authors=tuple(a or ()),
            year=d.year,
            journal=d.journal,
            doi=d.doi,
            pmid=d.pmid,
            pmcid=d.pmcid,
            source=d.source,
        )
        for d, a in zip(doc_rows, authors, strict=True)
    }
    value_rows = _rows(
        session,
        select(
            FieldValue.case_id,
            FieldValue.field,
            _raw_json(session, FieldValue.value),
            _raw_json(session, FieldValue.evidence),
            FieldValue.origin,
        ).where(FieldValue.case_id.in_(wanted)),
    )
    decoded = _json_values(session, [r[2] for r in value_rows] + [r[3] for r in value_rows])
    values: dict[int, dict[str, tuple[Any, list[dict[str, int]]]]] = defaultdict(dict)
    curated: dict[int, set[str]] = defaultdict(set)
    for (case_id, name, _, _, origin), value, spans in zip(
        value_rows, decoded[: len(value_rows)], decoded[len(value_rows) :], strict=True
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
