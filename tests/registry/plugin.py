"""Fixtures of the registry tests (loaded with ``pytest_plugins = ["registry.plugin"]``).

``db_url`` runs a test once on SQLite and once on PostgreSQL. The PostgreSQL server is started once
per session; without one the PostgreSQL runs skip — except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from spinecase.registry import Registry, open_registry

from .pg import PgServer, PgUnavailable

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL cluster for the whole session (skips outside CI when none can be started)."""
    try:
        server = PgServer.start()
    except PgUnavailable as exc:
        if in_ci():
            pytest.fail(f"CI needs PostgreSQL for the registry tests, and it could not start: {exc}")
        pytest.skip(f"no PostgreSQL server: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty registry database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.create_database()


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    reg = open_registry(db_url)
    yield reg
    reg.dispose()
