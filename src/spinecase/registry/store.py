"""Writing one read-and-extracted document into the registry (the single writer's job).

:func:`store_document` decides, with :mod:`~spinecase.registry.dedup`, whether the document is new,
a new text of a stored article, or the same text again, and writes accordingly. It never touches a
field a curator has set, and it runs inside the caller's transaction (the ingest wraps each document
in a savepoint), so a document is stored completely or not at all.

Outcomes: ``new``; ``updated`` (text replaced by a richer version, or extracted values changed);
``merged`` (another version of a stored article, kept as an alias); ``unchanged``.

Example::

    >>> from spinecase.documents import Document
    >>> from spinecase.registry.engine import open_registry
    >>> reg = open_registry("sqlite:///:memory:")
    >>> doc = Document(id="r1", text="A 61-year-old man with T12 pain.", source="r1.txt", format="text")
    >>> rec = CaseRecord(document="r1", case=1, age=61)
    >>> with reg.write() as s:
    ...     store_document(s, incoming(doc, [rec], "v1")).outcome
    'new'
    >>> with reg.write() as s:
    ...     store_document(s, incoming(doc, [rec], "v1")).outcome
    'unchanged'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Table, delete, func, insert, select, text
from sqlalchemy.orm import Session, selectinload

from ..documents.model import Document
from ..records import CaseRecord
from .dedup import STRUCTURED_FORMATS, DocKeys, document_keys, find_match
from .models import (
    ORIGIN_CURATOR,
    ORIGIN_EXTRACTOR,
    CaseRow,
    CaseTerm,
    DocumentKey,
    DocumentRow,
    DocumentShingle,
    DocumentSource,
    FieldValue,
    utcnow,
)
from .multirow import insert_rows
from .values import record_values, terms

Outcome = Literal["new", "updated", "merged", "unchanged"]


@dataclass(slots=True)
class Incoming:
    """A read document, its de-duplication keys and its extracted cases, ready to store."""

    document: Document
    keys: DocKeys
    records: list[CaseRecord]
    extractor_version: str


@dataclass(frozen=True, slots=True)
class StoreResult:
    outcome: Outcome
    document_id: int
    rule: str  # how it matched a stored document ("new" when it did not)


def incoming(document: Document, records: list[CaseRecord], extractor_version: str) -> Incoming:
    """Compute the keys of ``document`` and bundle it with its records."""
    keys = document_keys(document.text, document.metadata, structured=document.format in STRUCTURED_FORMATS)
    return Incoming(document, keys, records, extractor_version)


def _authors(meta: dict[str, Any]) -> list[str]:
    raw = meta.get("authors") or []
    if isinstance(raw, str):
        return [a.strip() for a in raw.split(";") if a.strip()]
    out: list[str] = []
    for a in raw if isinstance(raw, list) else []:
        if isinstance(a, dict):
            name = " ".join(
                str(a[k]) for k in ("last", "last_name", "surname", "initials", "first") if a.get(k)
            )
            out.append(name or str(a.get("name", "")))
        else:
            out.append(str(a))
    return [a for a in out if a]


def _year(meta: dict[str, Any]) -> int | None:
    raw = meta.get("year")
    try:
        return int(str(raw)[:4]) if raw not in (None, "") else None
    except ValueError:
        return None


def _text_or_none(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


def _json_safe(meta: dict[str, Any]) -> dict[str, Any]:
    """Metadata as JSON (readers may put dates or tuples in it)."""
    import json

    return dict(json.loads(json.dumps(meta, default=str)))


def document_values(item: Incoming) -> dict[str, Any]:
    doc, keys, meta = item.document, item.keys, item.document.metadata
    return {
        "key": doc.id[:255],
        "source": doc.source,
        "format": doc.format,
        "doi": keys.identifiers.get("doi"),
        "pmid": keys.identifiers.get("pmid"),
        "pmcid": keys.identifiers.get("pmcid"),
        "title": _text_or_none(meta.get("title")),
        "journal": _text_or_none(meta.get("journal")),
        "year": _year(meta),
        "authors": _authors(meta),
        "text": doc.text,
        "content_hash": keys.content_hash,
        "fingerprint": keys.fingerprint,
        "meta": _json_safe(meta),
        "sections": [
            {"title": s.title, "start": s.start, "end": s.end, "kind": s.kind} for s in doc.sections
        ],
        "extractor_version": item.extractor_version,
    }


def _add_keys(session: Session, document_id: int, keys: DocKeys) -> None:
    """Point every key of ``keys`` not yet taken at the document (a key never changes owner)."""
    wanted = keys.all_keys()
    taken = set(session.scalars(select(DocumentKey.key).where(DocumentKey.key.in_(wanted))))
    rows = [{"key": k[:300], "document_id": document_id} for k in wanted if k not in taken]
    if rows:
        session.execute(insert(DocumentKey), rows)


def _set_shingles(session: Session, document_id: int, shingles: tuple[int, ...]) -> None:
    session.execute(delete(DocumentShingle).where(DocumentShingle.document_id == document_id))
    if shingles:
        session.execute(
            insert(DocumentShingle), [{"shingle": h, "document_id": document_id} for h in shingles]
        )


def _add_source(session: Session, document_id: int, item: Incoming, matched_by: str) -> None:
    session.execute(
        insert(DocumentSource).values(
            document_id=document_id,
            source=item.document.source,
            format=item.document.format,
            content_hash=item.keys.content_hash,
            matched_by=matched_by,
            ingested_at=utcnow(),
        )
    )


def case_attrs(record: CaseRecord) -> dict[str, Any]:
    # literature-table cases (another engineer's extractor) carry these attributes when present
    return {
        "secondary": bool(getattr(record, "secondary", False)),
        "cited_by": getattr(record, "cited_by", None),
        "reference_number": getattr(record, "reference_number", None),
    }


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def allocate_ids(conn: Connection, table: Table, n: int) -> list[int]:
    """``n`` fresh primary keys of ``table``, so many rows go in one multi-row insert.

    (``INSERT … RETURNING`` in parameter order runs row by row on SQLite.) The caller holds the
    writers' lock, so on SQLite no one else can take the ids between this read and the insert;
    PostgreSQL hands them out from the table's sequence.
    """
    if n <= 0:
        return []
    if conn.dialect.name == "postgresql":
        seq = f"{table.name}_id_seq"
        return list(conn.scalars(text(f"SELECT nextval('{seq}') FROM generate_series(1, :n)"), {"n": n}))
    start = int(conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1
    return list(range(start, start + n))


def insert_documents(session: Session, items: list[Incoming], *, keys_free: bool = True) -> list[int]:
    """Insert new documents with their keys, shingles, sources, cases and values.

    ``keys_free``: none of their keys is taken yet (the batch path checked); otherwise keys owned
    by another document (an identical text under another PMID) are left to their owner.
    """
    if not items:
        return []
    conn = session.connection()
    now = utcnow()
    doc_rows = []
    for item in items:
        values = document_values(item) | {"created_at": now, "updated_at": now}
        values["metadata"] = values.pop("meta")  # Core inserts use column names
        doc_rows.append(values)
    documents = _table(DocumentRow)
    ids = allocate_ids(conn, documents, len(doc_rows))
    for doc_id, row in zip(ids, doc_rows, strict=True):
        row["id"] = doc_id
    insert_rows(conn, documents, doc_rows)
    key_rows, shingle_rows, source_rows, case_rows = [], [], [], []
    case_records = []
    for doc_id, item in zip(ids, items, strict=True):
        key_rows += [{"key": k[:300], "document_id": doc_id} for k in dict.fromkeys(item.keys.all_keys())]
        shingle_rows += [{"shingle": h, "document_id": doc_id} for h in item.keys.shingles]
        source_rows.append(
            {
                "document_id": doc_id,
                "source": item.document.source,
                "format": item.document.format,
                "content_hash": item.keys.content_hash,
                "matched_by": "new",
                "ingested_at": now,
            }
        )
        for record in item.records:
            attrs = case_attrs(record)
            case_rows.append(
                {"document_id": doc_id, "number": record.case, "created_at": now, "updated_at": now, **attrs}
            )
            case_records.append((record, item.extractor_version))
    if not keys_free:
        taken = set(
            conn.scalars(select(DocumentKey.key).where(DocumentKey.key.in_([r["key"] for r in key_rows])))
        )
        key_rows = [r for r in key_rows if r["key"] not in taken]
    if key_rows:
        insert_rows(conn, _table(DocumentKey), key_rows)
    if shingle_rows:
        insert_rows(conn, _table(DocumentShingle), shingle_rows)
    insert_rows(conn, _table(DocumentSource), source_rows)
    if case_rows:
        cases = _table(CaseRow)
        case_ids = allocate_ids(conn, cases, len(case_rows))
        for case_id, row in zip(case_ids, case_rows, strict=True):
            row["id"] = case_id
        insert_rows(conn, cases, case_rows)
        value_rows, term_rows = [], []
        for case_id, (record, version) in zip(case_ids, case_records, strict=True):
            for field, (value, evidence) in record_values(record).items():
                value_rows.append(
                    {
                        "case_id": case_id,
                        "field": field,
                        "value": value,
                        "evidence": evidence,
                        "origin": ORIGIN_EXTRACTOR,
                        "extractor_version": version,
                        "updated_at": now,
                    }
                )
                term_rows += [
                    {"case_id": case_id, "field": field, "term": t[:128]} for t in terms(field, value)
                ]
        if value_rows:
            insert_rows(conn, _table(FieldValue), value_rows)
        if term_rows:
            insert_rows(conn, _table(CaseTerm), term_rows)
    return ids


def rewrite_terms(session: Session, case: CaseRow) -> None:
    """Recompute the ``case_terms`` of a case from its field values."""
    session.execute(delete(CaseTerm).where(CaseTerm.case_id == case.id))
    rows = [
        {"case_id": case.id, "field": fv.field, "term": t[:128]}
        for fv in case.values
        for t in terms(fv.field, fv.value)
    ]
    if rows:
        session.execute(insert(CaseTerm), rows)


def sync_cases(session: Session, doc: DocumentRow, records: list[CaseRecord], version: str) -> bool:
    """Make the extractor's values of ``doc`` those of ``records``; curated fields stay as they are.

    Returns whether any stored value changed. A case the extractor no longer finds is removed, unless a
    curator edited it (then only its extracted values go).
    """
    now = utcnow()
    cases = {
        (c.secondary, c.number): c
        for c in session.scalars(
            select(CaseRow).where(CaseRow.document_id == doc.id).options(selectinload(CaseRow.values))
        )
    }
    changed = False
    seen: set[tuple[bool, int]] = set()
    for record in records:
        attrs = case_attrs(record)
        key = (attrs["secondary"], record.case)
        seen.add(key)
        case = cases.get(key)
        if case is None:
            case = CaseRow(document_id=doc.id, number=record.case, created_at=now, updated_at=now, **attrs)
            session.add(case)
            session.flush()
            changed = True
        case_changed = False
        rows = {fv.field: fv for fv in case.values}
        new = record_values(record)
        for field, (value, evidence) in new.items():
            row = rows.get(field)
            if row is None:
                case.values.append(
                    FieldValue(
                        field=field,
                        value=value,
                        evidence=evidence,
                        origin=ORIGIN_EXTRACTOR,
                        extractor_version=version,
                        updated_at=now,
                    )
                )
                case_changed = True
            elif row.origin == ORIGIN_CURATOR:
                continue
            elif row.value != value or row.evidence != evidence:
                row.value, row.evidence, row.extractor_version, row.updated_at = value, evidence, version, now
                case_changed = True
            elif row.extractor_version != version:
                row.extractor_version = version
        for field, row in rows.items():
            if field not in new and row.origin == ORIGIN_EXTRACTOR:
                case.values.remove(row)
                case_changed = True
        if case_changed:
            case.updated_at = now
            session.flush()
            rewrite_terms(session, case)
            changed = True
    for key, case in cases.items():
        if key in seen:
            continue
        curated = [fv for fv in case.values if fv.origin == ORIGIN_CURATOR]
        if curated:
            if len(curated) != len(case.values):
                case.values[:] = curated
                session.flush()
                rewrite_terms(session, case)
                changed = True
        else:
            session.delete(case)
            changed = True
    session.flush()
    return changed


def _remap_curated_evidence(session: Session, doc: DocumentRow, new_text: str) -> None:
    """Move curated evidence spans onto a replacing text by finding the quoted words again."""
    rows = session.scalars(
        select(FieldValue)
        .join(CaseRow, CaseRow.id == FieldValue.case_id)
        .where(CaseRow.document_id == doc.id, FieldValue.origin == ORIGIN_CURATOR)
    )
    for row in rows:
        moved = []
        for span in row.evidence or []:
            quote = doc.text[span["start"] : span["end"]]
            at = new_text.find(quote) if quote else -1
            if at >= 0:
                moved.append({"start": at, "end": at + len(quote)})
        row.evidence = moved


def _stated_count(session: Session, document_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(FieldValue)
            .join(CaseRow, CaseRow.id == FieldValue.case_id)
            .where(CaseRow.document_id == document_id, FieldValue.origin == ORIGIN_EXTRACTOR)
        )
        or 0
    )


def _richer(item: Incoming, doc: DocumentRow, stored_values: int) -> bool:
    """The incoming text replaces the stored one when the extractor finds more in it (ties: longer)."""
    incoming_values = sum(len(record_values(r)) for r in item.records)
    return (incoming_values, len(item.document.text)) > (stored_values, len(doc.text))


def _merge_metadata(doc: DocumentRow, item: Incoming) -> None:
    """Fill what the stored document lacks from another version of it (stored values win)."""
    fresh = document_values(item)
    for name in ("doi", "pmid", "pmcid", "title", "journal", "year"):
        if getattr(doc, name) in (None, "") and fresh[name] not in (None, ""):
            setattr(doc, name, fresh[name])
    if not doc.authors and fresh["authors"]:
        doc.authors = fresh["authors"]
    merged = dict(fresh["meta"]) | dict(doc.meta or {})
    if merged != doc.meta:
        doc.meta = merged


def store_document(session: Session, item: Incoming, *, force: bool = False) -> StoreResult:
    """Store ``item`` (see the module documentation); ``force`` compares values even when the text
    and the extractor version are unchanged."""
    match = find_match(session, item.keys)
    if match is None:
        return StoreResult("new", insert_documents(session, [item], keys_free=False)[0], "new")
    doc = session.get(DocumentRow, match.document_id)
    if doc is None:  # pragma: no cover - keys cascade with their document
        raise RuntimeError(f"document key points at missing document {match.document_id}")
    version = item.extractor_version
    if doc.content_hash == item.keys.content_hash:
        _add_keys(session, doc.id, item.keys)
        if doc.extractor_version == version and not force:
            return StoreResult("unchanged", doc.id, match.rule)
        changed = sync_cases(session, doc, item.records, version)
        doc.extractor_version = version
        if changed:
            doc.updated_at = utcnow()
        return StoreResult("updated" if changed else "unchanged", doc.id, match.rule)
    if match.rule == "sha256":  # a text already merged as an alias of the stored one
        _add_keys(session, doc.id, item.keys)
        return StoreResult("unchanged", doc.id, match.rule)
    if _richer(item, doc, _stated_count(session, doc.id)):
        _remap_curated_evidence(session, doc, item.document.text)
        fresh = document_values(item)
        for name in ("key", "source", "format", "text", "content_hash", "fingerprint", "sections"):
            setattr(doc, name, fresh[name])
        _merge_metadata(doc, item)
        doc.extractor_version, doc.updated_at = version, utcnow()
        session.flush()
        _add_keys(session, doc.id, item.keys)
        _set_shingles(session, doc.id, item.keys.shingles)
        _add_source(session, doc.id, item, match.rule)
        sync_cases(session, doc, item.records, version)
        return StoreResult("updated", doc.id, match.rule)
    _merge_metadata(doc, item)
    _add_keys(session, doc.id, item.keys)
    _add_source(session, doc.id, item, match.rule)
    session.flush()
    return StoreResult("merged", doc.id, match.rule)


def known_inputs(session: Session, input_hashes: list[str], extractor_version: str) -> set[str]:
    """The input hashes (:attr:`DocKeys.input_hash`) among ``input_hashes`` already stored with
    ``extractor_version``: those inputs need neither extraction nor writing."""
    if not input_hashes:
        return set()
    # two index lookups rather than a join: PostgreSQL may otherwise scan the documents table
    owners: dict[str, int] = {
        key: doc_id
        for key, doc_id in session.execute(
            select(DocumentKey.key, DocumentKey.document_id).where(
                DocumentKey.key.in_([f"input:{h}" for h in input_hashes])
            )
        )
    }
    if not owners:
        return set()
    current = set(
        session.scalars(
            select(DocumentRow.id).where(
                DocumentRow.id.in_(set(owners.values())), DocumentRow.extractor_version == extractor_version
            )
        )
    )
    return {k.split(":", 1)[1] for k, doc_id in owners.items() if doc_id in current}
