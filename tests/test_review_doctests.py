"""The examples in the review modules' docstrings are part of the documentation: they must stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "spinecase.review",
    "spinecase.review.abbreviations",
    "spinecase.review.labels",
    "spinecase.review.levels",
    "spinecase.review.stats",
    "spinecase.review.survival",
    "spinecase.review.render",
    "spinecase.review.cohort",
    "spinecase.review.table",
    "spinecase.review.writers",
    "spinecase.review.figures",
    "spinecase.review.spine",
    "spinecase.review.references",
    "spinecase.review.littable",
    "spinecase.review.littable_cells",
    "spinecase.review.littable_store",
    "spinecase.review.source",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
