"""Fixtures of the hardening tests: the loopback canary server and the catalogue's context."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .inputs import Context
from .support import Canary

SECRET = "SECRET-CANARY-7f3a"


@pytest.fixture
def canary() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.close()


@pytest.fixture
def context(tmp_path: Path, canary: Canary) -> Context:
    """A secret file an XXE would leak and a server it would call; neither may be reached."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    return Context(secret, canary.url)
