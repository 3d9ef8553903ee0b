"""The examples in the web and accounts docstrings are part of the documentation: they must stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "spinecase.auth",
    "spinecase.auth.accounts",
    "spinecase.auth.models",
    "spinecase.web",
    "spinecase.web.app",
    "spinecase.web.config",
    "spinecase.web.data",
    "spinecase.web.display",
    "spinecase.web.evidence",
    "spinecase.web.jobs",
    "spinecase.web.schemas",
    "spinecase.web.security",
    "spinecase.web.throttle",
    "spinecase.web.routes.auth",
    "spinecase.web.routes.cases",
    "spinecase.web.routes.review",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
