"""Drop two indexes that a unique constraint already provides.

``cases.document_id`` and ``field_values.case_id`` each had an index of their own, but both columns
lead a unique constraint (``uq_cases_document_number``, ``uq_field_values_case_field``), whose index
answers the same lookups on SQLite and PostgreSQL alike. The extra indexes only cost writes: every
case and every field value an ingest stores updated two B-trees instead of one.

Revision ID: 0004_redundant_indexes
Revises: 0003_updated_at
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004_redundant_indexes"
down_revision: str | Sequence[str] | None = "0003_updated_at"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_field_values_case_id", table_name="field_values")
    op.drop_index("ix_cases_document_id", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_document_id", "cases", ["document_id"])
    op.create_index("ix_field_values_case_id", "field_values", ["case_id"])
