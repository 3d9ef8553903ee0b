"""The registry schema as SQLAlchemy 2 typed models.

One article is one :class:`DocumentRow`, whatever number of files brought it in; every way it may
arrive again (content hash of each text, normalised-text fingerprint, DOI, PMID, PMCID) is a
:class:`DocumentKey` pointing at it, and a sample of its word shingles sits in
:class:`DocumentShingle` so a shorter version of the same text (a PubMed abstract of a scraped
article) is recognised too. Each patient is a :class:`CaseRow`; each stated value of a case is one
:class:`FieldValue` row (JSON value + evidence spans), written by the extractor or by a curator. A
curator's change is also logged in :class:`CuratorEdit`, and :class:`CaseTerm` keeps the coded values
(histology, sites, levels…) in an indexed form for filtering.

The tables are created by the Alembic migrations in ``registry/migrations``, never by
``metadata.create_all``: the models and the migrations are checked against each other by a test.

Example::

    >>> from spinecase.registry.models import FieldValue
    >>> FieldValue(field="age", value=61, evidence=[{"start": 2, "end": 13}], origin="extractor").origin
    'extractor'
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: JSON on SQLite, JSONB on PostgreSQL (smaller, comparable, indexable).
JSONType = JSON().with_variant(JSONB(), "postgresql")

ORIGIN_EXTRACTOR = "extractor"
ORIGIN_CURATOR = "curator"


def utcnow() -> datetime:
    """Timestamps are stored in UTC, timezone-aware."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every registry table."""


class DocumentRow(Base):
    """One article (or one narrative): its text as read, identifiers and bibliographic data."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The contract's ``document`` key (file stem, PMID, PMCID, DOI or JSON Lines ``id``).
    key: Mapped[str] = mapped_column(String(255), index=True)
    source: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(32))
    doi: Mapped[str | None] = mapped_column(String(255), index=True)
    pmid: Mapped[str | None] = mapped_column(String(32), index=True)
    pmcid: Mapped[str | None] = mapped_column(String(32), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    journal: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    authors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    extractor_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: indexed (migration 0003): the newest update is one B-tree step, not a scan of every text
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    cases: Mapped[list[CaseRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class DocumentKey(Base):
    """A key that identifies a document when it arrives again: ``sha256:…``, ``fp:…``, ``doi:…``,
    ``pmid:…``, ``pmcid:…``. A key belongs to one document only."""

    __tablename__ = "document_keys"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)


class DocumentShingle(Base):
    """A sampled hash of eight consecutive normalised words of a document (see ``dedup``)."""

    __tablename__ = "document_shingles"

    shingle: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class DocumentSource(Base):
    """A file (or record of a file) that brought a distinct text of a document into the registry."""

    __tablename__ = "document_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    #: How the text was matched to the document: ``new``, ``sha256``, ``doi``, ``fingerprint``…
    matched_by: Mapped[str] = mapped_column(String(32))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseRow(Base):
    """One patient of one document. ``secondary`` cases come from a literature table of the document
    (a patient of another publication, ``cited_by`` / ``reference_number`` say which)."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("document_id", "secondary", "number", name="uq_cases_document_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # no index of its own: document_id leads uq_cases_document_number, whose index serves lookups
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    secondary: Mapped[bool] = mapped_column(Boolean, default=False)
    cited_by: Mapped[str | None] = mapped_column(Text)
    reference_number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    document: Mapped[DocumentRow] = relationship(back_populates="cases")
    values: Mapped[list[FieldValue]] = relationship(
        back_populates="case", cascade="all, delete-orphan", passive_deletes=True
    )


class FieldValue(Base):
    """The value of one field of one case, with the spans of the document text that support it.

    ``field`` is a contract key (``age``, ``spinal_levels``…) or ``clinical.<name>`` for the clinical
    details. A row with ``origin='curator'`` is never overwritten by a later extraction.
    """

    __tablename__ = "field_values"
    __table_args__ = (UniqueConstraint("case_id", "field", name="uq_field_values_case_field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # no index of its own: case_id leads uq_field_values_case_field, whose index serves lookups
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    evidence: Mapped[list[dict[str, int]]] = mapped_column(JSONType, default=list)
    origin: Mapped[str] = mapped_column(String(16), default=ORIGIN_EXTRACTOR)
    extractor_version: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[CaseRow] = relationship(back_populates="values")


class CaseTerm(Base):
    """One coded value of a case (``spinal_levels`` = ``T12``) for indexed filtering; derived from the
    field values, rewritten whenever they change."""

    __tablename__ = "case_terms"
    __table_args__ = (Index("ix_case_terms_field_term", "field", "term"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    term: Mapped[str] = mapped_column(String(128), primary_key=True)


class CuratorEdit(Base):
    """The audit trail: who changed which field of which case, when, from what to what, and why."""

    __tablename__ = "curator_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    curator: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IngestRun(Base):
    """One ``spinecase ingest`` invocation and its outcome."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: ``running``, ``completed``, ``failed`` (some inputs failed) or ``interrupted``.
    status: Mapped[str] = mapped_column(String(16), default="running")
    extractor_version: Mapped[str] = mapped_column(String(64))
    paths: Mapped[list[str]] = mapped_column(JSONType, default=list)
    backend: Mapped[str] = mapped_column(String(64), default="local")
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    read: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    #: documents recognised as another version of a stored article (kept as an alias)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
