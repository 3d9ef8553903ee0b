"""Alembic environment of the registry: run on the connection handed over by ``migrate.py``.

``spinecase db upgrade`` and the automatic upgrade on first use pass an open connection (already in
a transaction holding the writers' lock) in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from spinecase.registry.models import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things: later migrations rebuild tables in batch mode
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        raise SystemExit("offline (SQL script) migrations are not supported; use `spinecase db upgrade`")
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from spinecase.registry.engine import create_registry_engine

    engine = create_registry_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


_main()
