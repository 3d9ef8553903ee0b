"""Lexicons and rule tables, kept as data files in this package (never read from outside it)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_yaml(name: str) -> Any:
    """Load a YAML data file of this package by file name (cached)."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def load_json(name: str) -> Any:
    """Load a JSON data file of this package by file name (cached)."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)
