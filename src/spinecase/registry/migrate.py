"""Alembic migrations, run from the package (no ``alembic.ini`` needed).

:func:`ensure_schema` is what :class:`~spinecase.registry.engine.Registry` calls on opening: it
compares the database's revision with the newest one and upgrades under the writers' lock, so two
processes opening a new database at the same moment do not both try to create it.

Example::

    >>> from spinecase.registry.engine import create_registry_engine
    >>> engine = create_registry_engine("sqlite:///:memory:")
    >>> ensure_schema(engine) == head_revision()
    True
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (and at ``connection``)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration's revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's revision (``None`` for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def ensure_schema(engine: Engine) -> str:
    """Upgrade the database to the newest revision if it is not there yet; returns the revision."""
    head = head_revision()
    if current_revision(engine) == head:
        return head  # the common case costs one small query, no lock
    return upgrade(engine)


def _locked(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        from .engine import PG_WRITE_LOCK

        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK})


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Run the migrations up to ``revision`` in one transaction, holding the writers' lock."""
    with engine.connect() as conn, conn.begin():  # SQLite: BEGIN IMMEDIATE (see engine.py)
        _locked(conn)
        # re-read under the lock: another process may have migrated while we waited
        ctx = MigrationContext.configure(conn)
        if ctx.get_current_revision() != head_revision() or revision != "head":
            command.upgrade(alembic_config(conn), revision)
        new = MigrationContext.configure(conn).get_current_revision()
    return new or ""


def downgrade(engine: Engine, revision: str) -> str:
    """Undo migrations down to ``revision`` (``base``: an empty database). Data of dropped tables is lost."""
    with engine.connect() as conn, conn.begin():
        _locked(conn)
        command.downgrade(alembic_config(conn), revision)
        new = MigrationContext.configure(conn).get_current_revision()
    return new or ""
