"""Initial registry schema: documents and their keys, cases, field values, edits, ingest runs, search.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)

# SQLite: an external-content FTS5 index over documents(title, text), kept in step by triggers.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE documents_fts USING fts5("
    "title, text, content='documents', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents BEGIN "
    "INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, coalesce(new.title, ''), new.text); END",
    "CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
    "VALUES ('delete', old.id, coalesce(old.title, ''), old.text); END",
    "CREATE TRIGGER documents_fts_au AFTER UPDATE OF title, text ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
    "VALUES ('delete', old.id, coalesce(old.title, ''), old.text); "
    "INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, coalesce(new.title, ''), new.text); END",
]
# PostgreSQL: a stored tsvector column (first 400,000 characters: a tsvector is limited to 1 MB).
PG_FTS = [
    "ALTER TABLE documents ADD COLUMN search tsvector GENERATED ALWAYS AS "
    "(to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || left(text, 400000))) STORED",
    "CREATE INDEX ix_documents_search ON documents USING gin (search)",
]


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("doi", sa.String(255)),
        sa.Column("pmid", sa.String(32)),
        sa.Column("pmcid", sa.String(32)),
        sa.Column("title", sa.Text),
        sa.Column("journal", sa.Text),
        sa.Column("year", sa.Integer),
        sa.Column("authors", JSON, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("sections", JSON, nullable=False),
        sa.Column("extractor_version", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    for col in ("key", "doi", "pmid", "pmcid", "content_hash", "fingerprint"):
        op.create_index(f"ix_documents_{col}", "documents", [col])

    op.create_table(
        "document_keys",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
    )
    op.create_index("ix_document_keys_document_id", "document_keys", ["document_id"])

    op.create_table(
        "document_shingles",
        sa.Column("shingle", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
    )
    op.create_index("ix_document_shingles_document_id", "document_shingles", ["document_id"])

    op.create_table(
        "document_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("matched_by", sa.String(32), nullable=False),
        sa.Column("ingested_at", TS, nullable=False),
    )
    op.create_index("ix_document_sources_document_id", "document_sources", ["document_id"])

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("secondary", sa.Boolean, nullable=False),
        sa.Column("cited_by", sa.Text),
        sa.Column("reference_number", sa.Integer),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("document_id", "secondary", "number", name="uq_cases_document_number"),
    )
    op.create_index("ix_cases_document_id", "cases", ["document_id"])

    op.create_table(
        "field_values",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("extractor_version", sa.String(64)),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("case_id", "field", name="uq_field_values_case_field"),
    )
    op.create_index("ix_field_values_case_id", "field_values", ["case_id"])

    op.create_table(
        "case_terms",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("field", sa.String(64), primary_key=True),
        sa.Column("term", sa.String(128), primary_key=True),
    )
    op.create_index("ix_case_terms_field_term", "case_terms", ["field", "term"])

    op.create_table(
        "curator_edits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("old_value", JSON, nullable=True),
        sa.Column("new_value", JSON, nullable=True),
        sa.Column("curator", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_curator_edits_case_id", "curator_edits", ["case_id"])

    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("extractor_version", sa.String(64), nullable=False),
        sa.Column("paths", JSON, nullable=False),
        sa.Column("backend", sa.String(64), nullable=False),
        sa.Column("host", sa.String(255)),
        sa.Column("pid", sa.Integer),
        sa.Column("read", sa.Integer, nullable=False),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("merged", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("failures", JSON, nullable=False),
    )

    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else PG_FTS if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("documents_fts_ai", "documents_fts_ad", "documents_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS documents_fts")
    for table in (
        "ingest_runs",
        "curator_edits",
        "case_terms",
        "field_values",
        "cases",
        "document_sources",
        "document_shingles",
        "document_keys",
        "documents",
    ):
        op.drop_table(table)
