"""The examples in the scores' docstrings are part of the documentation: they must stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "spinecase.scores",
    "spinecase.scores._spec",
    "spinecase.scores.result",
    "spinecase.scores.classify",
    "spinecase.scores.spine",
    "spinecase.scores.bauer",
    "spinecase.scores.noms",
    "spinecase.scores.gist",
    "spinecase.scores.catalog",
    "spinecase.scores.case",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
