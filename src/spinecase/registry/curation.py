"""Curating cases: a curator's value replaces the extracted one for good, and every change is logged.

A curated field keeps ``origin='curator'``; re-ingesting with a newer extractor leaves it alone.
Values are validated by the record model (and the project's code lists) before anything is written.

Example::

    >>> from spinecase.documents import Document
    >>> from spinecase.records import CaseRecord
    >>> from spinecase.registry import open_registry
    >>> from spinecase.registry.store import incoming, store_document
    >>> reg = open_registry("sqlite:///:memory:")
    >>> doc = Document(id="r1", text="A 61-year-old man with T12 pain.", source="r1.txt", format="text")
    >>> with reg.write() as s:
    ...     _ = store_document(s, incoming(doc, [CaseRecord(document="r1", case=1, age=61)], "v1"))
    ...     edit = set_value(s, "r1#1", "age", "62", curator="ana", reason="age at the spinal diagnosis")
    >>> edit.old_value, edit.new_value, edit.curator
    (61, 62, 'ana')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .engine import RegistryError
from .models import ORIGIN_CURATOR, CaseRow, CuratorEdit, FieldValue, utcnow
from .query import parse_case_ref
from .store import rewrite_terms
from .values import is_stated, parse_value, validate_value


@dataclass(frozen=True, slots=True)
class Edit:
    """One entry of a case's audit trail."""

    id: int
    case_id: int
    field: str
    old_value: Any
    new_value: Any
    curator: str
    reason: str | None
    at: datetime


def parse_spans(raw: str, text_length: int) -> list[dict[str, int]]:
    """``"120:135,200:214"`` -> evidence spans, checked against the document length.

    >>> parse_spans("2:13", 40)
    [{'start': 2, 'end': 13}]
    """
    spans = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        m = re.fullmatch(r"(\d+)\s*[:-]\s*(\d+)", part)
        if not m:
            raise RegistryError(f"evidence span {part!r} is not START:END")
        start, end = int(m.group(1)), int(m.group(2))
        if not 0 <= start < end <= text_length:
            raise RegistryError(f"evidence span {part!r} is outside the document (0..{text_length})")
        spans.append({"start": start, "end": end})
    return spans


def set_value(
    session: Session,
    ref: str | int,
    field: str,
    value: Any,
    *,
    curator: str,
    reason: str | None = None,
    evidence: str | list[dict[str, int]] | None = None,
    parse: bool = True,
) -> Edit:
    """Set ``field`` of case ``ref`` to ``value`` as ``curator`` and log it.

    ``value`` is text as typed (parsed with :func:`~spinecase.registry.values.parse_value`) unless
    ``parse`` is false, then a JSON value checked by the model. ``evidence`` is ``"START:END,…"`` or a
    list of spans; without it the extracted evidence is kept when the value is unchanged, else none.
    Run inside a write transaction (``Registry.write()``).
    """
    if not curator or not curator.strip():
        raise RegistryError("a curator name is required (--by NAME)")
    new = parse_value(field, value) if parse else validate_value(field, value)
    case_id = parse_case_ref(session, ref)
    case = session.scalar(
        select(CaseRow)
        .where(CaseRow.id == case_id)
        .options(selectinload(CaseRow.values), selectinload(CaseRow.document))
    )
    if case is None:
        raise RegistryError(f"no case with id {case_id}")
    row = next((fv for fv in case.values if fv.field == field), None)
    old = row.value if row is not None else None
    if isinstance(evidence, str):
        spans = parse_spans(evidence, len(case.document.text))
    elif evidence is not None:
        spans = [{"start": int(s["start"]), "end": int(s["end"])} for s in evidence]
    else:
        spans = list(row.evidence or []) if row is not None and row.value == new else []
    now = utcnow()
    if row is None:
        row = FieldValue(field=field, value=new, evidence=spans, origin=ORIGIN_CURATOR, updated_at=now)
        case.values.append(row)
    else:
        row.value, row.evidence, row.origin, row.updated_at = new, spans, ORIGIN_CURATOR, now
        row.extractor_version = None
    edit = CuratorEdit(
        case_id=case.id,
        field=field,
        old_value=old if is_stated(old) else None,
        new_value=new if is_stated(new) else None,
        curator=curator.strip(),
        reason=(reason or "").strip() or None,
        created_at=now,
    )
    session.add(edit)
    case.updated_at = now
    session.flush()
    rewrite_terms(session, case)
    return _edit(edit)


def _edit(e: CuratorEdit) -> Edit:
    return Edit(e.id, e.case_id, e.field, e.old_value, e.new_value, e.curator, e.reason, e.created_at)


def history(session: Session, ref: str | int) -> list[Edit]:
    """The audit trail of a case, oldest first."""
    case_id = parse_case_ref(session, ref)
    if session.get(CaseRow, case_id) is None:
        raise RegistryError(f"no case with id {case_id}")
    edits = session.scalars(
        select(CuratorEdit)
        .where(CuratorEdit.case_id == case_id)
        .order_by(CuratorEdit.created_at, CuratorEdit.id)
    )
    return [_edit(e) for e in edits]
