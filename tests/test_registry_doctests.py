"""The examples in the registry's docstrings run as written."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import spinecase.registry

MODULES = ["spinecase.registry"] + [
    f"spinecase.registry.{m.name}"
    for m in pkgutil.iter_modules(spinecase.registry.__path__)
    if m.name != "migrations"
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
