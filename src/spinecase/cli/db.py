"""``spinecase db``: the registry database (migrations, ingest history), and the ``--db`` option.

The registry is ``--db URL``, else ``$SPINECASE_DB``, else ``./spinecase.db`` (SQLite). Any
SQLAlchemy URL works, e.g. ``postgresql+psycopg://user@host/registry``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..registry import (
    Registry,
    RegistryError,
    current_revision,
    display_url,
    head_revision,
    open_registry,
    resolve_url,
)
from ..registry.migrate import upgrade
from ..registry.models import IngestRun
from . import app

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="SPINECASE_DB",
        help="Registry database: a SQLAlchemy URL or a SQLite file (default: ./spinecase.db).",
        show_default=False,
    ),
]

err = Console(stderr=True, highlight=False)
T = TypeVar("T")

db_app = typer.Typer(
    help="The registry database: create or migrate it, show its ingest history.", no_args_is_help=True
)
app.add_typer(db_app, name="db")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``error: message`` on standard error and exit with ``code``."""
    err.print(f"[red]error[/red]: {message}", soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def open_db(url: str | None) -> Iterator[Registry]:
    """The registry at ``url`` (created or migrated on first use); user errors end the command."""
    try:
        reg = open_registry(url)
    except RegistryError as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        fail(
            f"cannot open the registry at {display_url(resolve_url(url))}: {exc.__class__.__name__}: {exc.args[0] if exc.args else exc}"
        )
    try:
        yield reg
    except RegistryError as exc:
        fail(str(exc))
    finally:
        reg.dispose()


def guarded(func: Callable[[], T]) -> T:
    """Run ``func``, turning a :class:`RegistryError` into a clean error message."""
    try:
        return func()
    except RegistryError as exc:
        fail(str(exc))


@db_app.command("upgrade")
def upgrade_command(db: DbOption = None) -> None:
    """Create the registry, or migrate it to the newest schema (also done automatically on first use).

    spinecase db upgrade --db postgresql+psycopg://me@localhost/registry
    """
    with open_db(db) as reg:  # opening migrates
        revision = upgrade(reg.engine)
    err.print(f"{display_url(resolve_url(db))} is at revision {revision} (newest: {head_revision()})")


@db_app.command("current")
def current_command(db: DbOption = None) -> None:
    """Show the registry's schema revision."""
    try:
        reg = Registry(db, migrate=False)
        revision = current_revision(reg.engine)
    except (RegistryError, SQLAlchemyError) as exc:
        fail(str(exc))
    typer.echo(f"{display_url(reg.url)}: revision {revision or '(empty)'}; newest {head_revision()}")
    reg.dispose()


@db_app.command("runs")
def runs_command(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many of the latest runs.")] = 10,
    failures: Annotated[
        int | None, typer.Option("--failures", help="Show the failures of this run id.")
    ] = None,
) -> None:
    """Show the latest ingest runs (or the failures of one)."""
    with open_db(db) as reg, reg.session() as s:
        if failures is not None:
            run = s.get(IngestRun, failures)
            if run is None:
                fail(f"no ingest run {failures}")
            for f in run.failures:
                where = f"{f['source']}:{f['line']}" if f.get("line") else f["source"]
                typer.echo(f"{where}: {f['message']}")
            return
        runs = list(s.scalars(select(IngestRun).order_by(IngestRun.id.desc()).limit(limit)))
    table = Table(
        "run", "started", "status", "backend", "read", "new", "updated", "merged", "unchanged", "failed"
    )
    for r in runs:
        table.add_row(
            str(r.id),
            r.started_at.strftime("%Y-%m-%d %H:%M"),
            r.status,
            r.backend,
            *(str(getattr(r, k)) for k in ("read", "new", "updated", "merged", "unchanged", "failed")),
        )
    Console().print(table)
