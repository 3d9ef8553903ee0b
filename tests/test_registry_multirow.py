"""``insert_rows`` stores exactly what SQLAlchemy's own multi-row insert stores, only faster."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Engine, Integer, MetaData, Table, create_engine, select

from spinecase.registry.models import Base, CaseRow, DocumentRow, FieldValue
from spinecase.registry.multirow import insert_rows

NOW = datetime(2026, 11, 21, 9, 30, 15, 123456, tzinfo=UTC)
LATER = datetime(2026, 11, 21, 9, 31, tzinfo=UTC)


def _engine() -> Engine:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)  # a scratch schema; the registry itself is made by migrations
    return engine


def _both_ways(table: Table, rows: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """The table's rows after ``insert_rows`` and after ``Connection.execute(insert(), rows)``."""
    stored = []
    for use_fast in (True, False):
        engine = _engine()
        with engine.begin() as conn:
            if use_fast:
                insert_rows(conn, table, rows)
            else:
                conn.execute(table.insert(), rows)
            stored.append(conn.execute(select(table).order_by(*table.primary_key.columns)).all())
        engine.dispose()
    return stored[0], stored[1]


def test_field_values_with_json_nulls_lists_and_shared_timestamps() -> None:
    table = FieldValue.__table__
    rows = [
        {
            "id": i,
            "case_id": 1 + i // 3,
            "field": f"f{i % 3}",
            "value": value,
            "evidence": [{"start": i, "end": i + 4}] if i % 2 else [],
            "origin": "extractor",
            "extractor_version": "v1",
            "updated_at": NOW if i < 4 else LATER,
        }
        for i, value in enumerate([61, None, "M", ["T12", "L1"], {"a": [1, None]}, 0.5, True])
    ]
    fast, reference = _both_ways(table, rows)  # type: ignore[arg-type]
    assert fast == reference
    assert [r.value for r in fast] == [61, None, "M", ["T12", "L1"], {"a": [1, None]}, 0.5, True]
    assert {r.updated_at for r in fast} == {NOW.replace(tzinfo=None), LATER.replace(tzinfo=None)}


def test_documents_and_cases_keep_every_column() -> None:
    doc = {
        "id": 7,
        "key": "r1",
        "source": "r1.txt",
        "format": "text",
        "doi": None,
        "pmid": "123",
        "pmcid": None,
        "title": "A title",
        "journal": None,
        "year": 2020,
        "authors": ["Doe J"],
        "text": "A 61-year-old man… with T12 pain.",
        "content_hash": "a" * 64,
        "fingerprint": "b" * 64,
        "metadata": {"when": "2020-01-01", "tags": ["x"]},
        "sections": [{"title": "Case", "start": 0, "end": 5, "kind": "case"}],
        "extractor_version": "v1",
        "created_at": NOW,
        "updated_at": NOW,
    }
    fast, reference = _both_ways(DocumentRow.__table__, [doc])  # type: ignore[arg-type]
    assert fast == reference and fast[0].metadata == {"when": "2020-01-01", "tags": ["x"]}
    case = {
        "id": 1,
        "document_id": 7,
        "number": 2,
        "secondary": True,
        "cited_by": None,
        "reference_number": 14,
        "created_at": NOW,
        "updated_at": NOW,
    }
    fast, reference = _both_ways(CaseRow.__table__, [case])  # type: ignore[arg-type]
    assert fast == reference and fast[0].secondary is True


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=-(2**62), max_value=2**62), unique=True, max_size=30))
def test_a_one_column_table(values: list[int]) -> None:
    table = Table("single", MetaData(), Column("n", Integer, primary_key=True))
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        insert_rows(conn, table, [{"n": v} for v in values])
        assert sorted(conn.scalars(select(table.c.n))) == sorted(values)
    engine.dispose()


def test_rows_with_an_unknown_column_are_refused() -> None:
    engine = _engine()
    with engine.begin() as conn, pytest.raises(KeyError, match="nope"):
        insert_rows(conn, CaseRow.__table__, [{"id": 1, "nope": 2}])  # type: ignore[arg-type]
    engine.dispose()
