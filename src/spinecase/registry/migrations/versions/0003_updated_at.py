"""Indexes on ``cases.updated_at`` and ``documents.updated_at``.

The similar-cases index asks, before a search, whether the registry changed since it was built: the
newest update time of the cases and of the documents is part of that fingerprint. Without an index
each ``max(updated_at)`` reads the whole table (for ``documents``, every row with its full text);
with one it is a single step down a B-tree, on SQLite and PostgreSQL alike. Listing every case with
its document's update time (an incremental refresh) reads the small index instead of the documents.

Revision ID: 0003_updated_at
Revises: 0002_users
Create Date: 2025-01-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003_updated_at"
down_revision: str | Sequence[str] | None = "0002_users"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_cases_updated_at", "cases", ["updated_at"])
    op.create_index("ix_documents_updated_at", "documents", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_documents_updated_at", table_name="documents")
    op.drop_index("ix_cases_updated_at", table_name="cases")
