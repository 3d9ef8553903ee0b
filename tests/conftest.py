"""Shared test fixtures.

Tests that read the real documents in ``../shared`` (next to the checkout) use :func:`shared_dir`
and skip cleanly when that folder is absent; CI has it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _find_shared() -> Path | None:
    env = os.environ.get("SPINECASE_SHARED")
    candidates = [Path(env)] if env else []
    candidates += [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
    for c in candidates:
        if (c / "spec" / "case-record.md").is_file():
            return c
    return None


SHARED: Path | None = _find_shared()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder (spec, gold, corpus); skips the test when it is absent."""
    if SHARED is None:
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
