"""Many rows into one table, with the driver's ``executemany`` and SQLAlchemy's own type conversions.

A first ingest writes about eighteen rows per document (keys, shingle samples, cases, field values,
terms). Through ``Connection.execute(table.insert(), rows)`` SQLAlchemy builds a parameter
dictionary per row and looks up every column's converter per row; on SQLite that bookkeeping cost
as much as the inserts themselves. :func:`insert_rows` compiles the statement and fetches the
converters once per (table, columns) and hands the driver plain tuples. The values stored are the
same: the converters are the column types' own bind processors (JSON serialisation, SQLite's
datetime strings). PostgreSQL keeps SQLAlchemy's "insertmanyvalues" path, which is already batched.

Example::

    >>> from sqlalchemy import create_engine
    >>> from spinecase.registry.models import Base, CaseTerm
    >>> engine = create_engine("sqlite://")
    >>> Base.metadata.create_all(engine, tables=[CaseTerm.__table__])  # tests only; migrations do this
    >>> with engine.begin() as conn:
    ...     insert_rows(conn, CaseTerm.__table__, [{"case_id": 1, "field": "level", "term": "T12"}])
    ...     conn.exec_driver_sql("SELECT term FROM case_terms").scalar()
    'T12'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect

Converter = Callable[[Any], Any] | None
_NOTHING = object()


@lru_cache(maxsize=128)
def _statement(table: Table, dialect: Dialect, keys: tuple[str, ...]) -> tuple[str, tuple[Converter, ...]]:
    compiled = table.insert().compile(dialect=dialect, column_keys=list(keys))
    order = tuple(compiled.positiontup or ())
    if order != keys:  # qmark parameters follow the table's column order, not the rows' key order
        raise ValueError(f"unexpected parameter order {order} for {keys}")
    converters = tuple(table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in keys)
    return str(compiled), converters


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dictionaries with the same keys, column names) into ``table``."""
    if not rows:
        return
    if conn.dialect.name != "sqlite" or not conn.dialect.positional:
        conn.execute(table.insert(), list(rows))
        return
    keys = tuple(rows[0])
    order = tuple(c.key for c in table.columns if c.key in keys)
    if len(order) != len(keys):
        raise KeyError(f"{table.name} has no column(s) {sorted(set(keys) - set(order))}")
    sql, converters = _statement(table, conn.dialect, order)
    pick = itemgetter(*order)
    if not any(converters):
        plain = [pick(r) for r in rows] if len(order) > 1 else [(pick(r),) for r in rows]
        conn.exec_driver_sql(sql, plain)
        return
    params = [list(pick(r)) for r in rows] if len(order) > 1 else [[pick(r)] for r in rows]
    for i, convert in enumerate(converters):
        if convert is None:
            continue
        # a batch's rows share values (one timestamp, one extractor version): convert each once
        last_in: Any = _NOTHING
        last_out: Any = None
        for row in params:
            value = row[i]
            if value is not last_in:
                last_in, last_out = value, convert(value)
            row[i] = last_out
    conn.exec_driver_sql(sql, list(map(tuple, params)))


__all__ = ["insert_rows"]
