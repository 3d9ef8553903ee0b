"""Opening a registry: database URL, engine settings per backend, sessions, automatic migrations.

The database is, in order: the ``url`` argument (``--db``), the ``SPINECASE_DB`` environment variable,
or the SQLite file ``./spinecase.db``. Any SQLAlchemy URL works (``postgresql+psycopg://user@host/db``);
a plain path is taken as a SQLite file. SQLite runs in WAL mode with a busy timeout, and write
transactions start with ``BEGIN IMMEDIATE`` so that two writers queue instead of failing with
"database is locked". A new or older database is migrated to the latest schema on first use.

Example::

    >>> reg = open_registry("sqlite:///:memory:")
    >>> with reg.session() as s:
    ...     s.scalar(text("select count(*) from documents"))
    0
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

DEFAULT_DB = "sqlite:///spinecase.db"
ENV_DB = "SPINECASE_DB"
#: How long a SQLite writer waits for another writer before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 120_000
#: Key of the PostgreSQL advisory lock that serialises registry writers (dedup must see all commits).
PG_WRITE_LOCK = 0x5350_494E  # "SPIN"


class RegistryError(Exception):
    """A registry problem the user can fix (bad URL, unknown case, invalid value…)."""


def resolve_url(url: str | None = None) -> URL:
    """The database URL to use: ``url``, else ``$SPINECASE_DB``, else ``sqlite:///spinecase.db``.

    >>> resolve_url("reg.db").render_as_string()
    'sqlite:///reg.db'
    >>> resolve_url("postgresql+psycopg://me@db/registry").get_backend_name()
    'postgresql'
    """
    raw = url or os.environ.get(ENV_DB) or DEFAULT_DB
    if "://" not in raw:
        raw = f"sqlite:///{raw}"
    try:
        parsed = make_url(raw)
    except ArgumentError as exc:
        raise RegistryError(f"not a database URL: {raw!r} ({exc})") from exc
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # psycopg 3 is the driver the project installs; plain postgresql:// would ask for psycopg2
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def display_url(url: URL) -> str:
    """The URL with any password hidden, for messages and logs."""
    return url.render_as_string(hide_password=True)


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    memory = database in ("", ":memory:") or "mode=memory" in str(url)
    if not memory and not url.query.get("uri"):
        parent = Path(database).expanduser().resolve().parent
        if not parent.is_dir():
            raise RegistryError(f"folder of the SQLite database does not exist: {parent}")
    kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    if memory:
        # one shared connection, or every session would see its own empty in-memory database
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # the sqlite3 module's own transaction handling would defeat BEGIN IMMEDIATE: switch it off
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe with WAL
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # a deferred transaction that later writes can fail at once with SQLITE_BUSY when another
        # writer committed meanwhile; IMMEDIATE takes the write lock up front and waits for it
        write = conn.get_execution_options().get("spinecase_write", True)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def create_registry_engine(url: str | URL | None = None) -> Engine:
    """An engine configured for the registry (not migrated; see :func:`open_registry`)."""
    parsed = url if isinstance(url, URL) else resolve_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise RegistryError(
            f"the database driver for {parsed.drivername} is not installed ({exc.name}); "
            "for PostgreSQL: pip install 'spinecase[postgres]'"
        ) from exc


class Registry:
    """An open registry database: an engine, migrated to the latest schema, and its sessions.

    ``session()`` is for reading (and ORM work committed by the caller); ``write()`` is a
    transaction that commits on success and holds the writers' lock (SQLite ``BEGIN IMMEDIATE``,
    a PostgreSQL advisory lock) so de-duplication always sees every other writer's documents.

    Example::

        >>> reg = open_registry("sqlite:///:memory:")
        >>> with reg.write() as s:
        ...     _ = s.execute(text("select 1"))
        >>> reg.backend
        'sqlite'
    """

    def __init__(self, url: str | URL | None = None, *, migrate: bool = True) -> None:
        self.url: URL = url if isinstance(url, URL) else resolve_url(url)
        self.engine: Engine = create_registry_engine(self.url)
        self.backend: str = self.url.get_backend_name()
        self._read = sessionmaker(
            bind=self.engine.execution_options(spinecase_write=False), expire_on_commit=False
        )
        self._write = sessionmaker(bind=self.engine, expire_on_commit=False)
        if migrate:
            from .migrate import ensure_schema

            ensure_schema(self.engine)

    def session(self) -> Session:
        """A session for reading (SQLite: deferred transactions, never blocking writers)."""
        return self._read()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: commits when the block ends, rolls back on an exception."""
        with self._write() as session, session.begin():
            if self.backend == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK})
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Registry({display_url(self.url)!r})"


def open_registry(url: str | URL | None = None) -> Registry:
    """Open (and if needed create or migrate) the registry at ``url``; see :func:`resolve_url`."""
    return Registry(url)
