"""Storing a batch of documents fast: most are new, and those need no per-document decisions.

:func:`store_batch` looks up every key and shingle sample of the batch in two queries. Documents
that match nothing stored (nor an earlier document of the same batch) are inserted together with
multi-row Core inserts — a few statements per batch instead of ten per document. The others (a
possible duplicate, a new version, an upgrade) go one by one through
:func:`~spinecase.registry.store.store_document`, each in its own savepoint. If the bulk insert
fails, its documents are retried one by one too, so one bad document costs only itself.

Example::

    >>> from spinecase.documents import Document
    >>> from spinecase.registry.engine import open_registry
    >>> from spinecase.registry.store import incoming
    >>> reg = open_registry("sqlite:///:memory:")
    >>> docs = [Document(id=f"d{i}", text=f"Report {i}.", source="x", format="text") for i in range(3)]
    >>> with reg.write() as s:
    ...     [r.outcome for r in store_batch(s, [incoming(d, [], "v1") for d in docs])]
    ['new', 'new', 'new']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .dedup import CONTAINMENT, MIN_SAMPLES
from .models import DocumentKey, DocumentShingle
from .store import Incoming, StoreResult, insert_documents, store_document

#: Values per ``IN (...)`` list (SQLite allows 32,766 parameters; PostgreSQL 65,535).
CHUNK = 900
#: A document sharing this many shingle samples with others might be contained in one of them.
SUSPECT_SHARED = math.ceil(CONTAINMENT * MIN_SAMPLES)


def _chunks(values: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _existing(conn: Connection, column: Any, values: Iterable[Any]) -> set[Any]:
    wanted = list(set(values))
    found: set[Any] = set()
    for part in _chunks(wanted):
        found.update(conn.scalars(select(column).where(column.in_(part)).distinct()))
    return found


def _partition(session: Session, items: list[Incoming]) -> tuple[list[int], list[int]]:
    """Indexes of items that are certainly new, and of those that need a closer look."""
    conn = session.connection()
    taken = _existing(conn, DocumentKey.key, (k for it in items for k in it.keys.exact_keys()))
    sampled = _existing(conn, DocumentShingle.shingle, (h for it in items for h in it.keys.shingles))
    fresh: list[int] = []
    careful: list[int] = []
    batch_keys: set[str] = set()
    batch_samples: set[int] = set()
    for i, item in enumerate(items):
        exact = item.keys.exact_keys()
        shingles = item.keys.shingles
        shared = sum(1 for h in shingles if h in sampled or h in batch_samples)
        (
            careful
            if any(k in taken or k in batch_keys for k in exact) or shared >= SUSPECT_SHARED
            else fresh
        ).append(i)
        # later copies of any item of the batch, stored or not yet, take the careful path
        batch_keys.update(exact)
        batch_samples.update(shingles)
    return fresh, careful


def store_batch(
    session: Session, items: list[Incoming], *, force: bool = False
) -> list[StoreResult | Exception]:
    """Store ``items`` in the caller's transaction; per item a result, or the exception that kept it
    out (the others are stored regardless)."""
    results: list[StoreResult | Exception | None] = [None] * len(items)
    fresh, careful = _partition(session, items)
    if fresh:
        try:
            with session.begin_nested():
                ids = insert_documents(session, [items[i] for i in fresh])
            for i, doc_id in zip(fresh, ids, strict=True):
                results[i] = StoreResult("new", doc_id, "new")
        except SQLAlchemyError:
            careful = sorted(careful + fresh)  # find the culprit one document at a time
    for i in careful:
        try:
            with session.begin_nested():
                results[i] = store_document(session, items[i], force=force)
        except (SQLAlchemyError, ValueError, TypeError) as exc:
            results[i] = exc
    return [r if r is not None else RuntimeError("not stored") for r in results]
