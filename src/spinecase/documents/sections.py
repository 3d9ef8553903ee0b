"""Classify section headings into the kinds extraction cares about.

Which stretch of a paper describes *this* patient matters more than any single rule: the case
presentation does; the introduction, discussion and references describe populations and other
papers' patients. Headings are mapped with the data table ``lexicon/sections.yaml``.

Example::

    >>> classify_heading("2. Case presentation:")
    'case'
    >>> classify_heading("DISCUSSION")
    'discussion'
    >>> classify_heading("Histological examination of the lung")
    'other'
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..lexicon import load_yaml
from .model import SectionKind

_NUMBERING = re.compile(r"^\s*(?:(?:\d+(?:\.\d+)*|[IVX]+|[A-H])[.)]?\s+)?", re.IGNORECASE)


@lru_cache(maxsize=1)
def _table() -> list[tuple[SectionKind, re.Pattern[str]]]:
    data = load_yaml("sections.yaml")
    out: list[tuple[SectionKind, re.Pattern[str]]] = []
    for entry in data["kinds"]:
        for pat in entry["patterns"]:
            out.append((entry["kind"], re.compile(rf"(?:{pat})", re.IGNORECASE)))
    return out


def normalise_heading(title: str) -> str:
    """Strip numbering, a trailing colon and surrounding white space from a heading."""
    t = _NUMBERING.sub("", title.strip(), count=1)
    return t.strip().rstrip(":.").strip()


def classify_heading(title: str) -> SectionKind:
    """The :data:`SectionKind` of a heading; ``"other"`` when no pattern matches it whole."""
    t = normalise_heading(title)
    if not t or len(t) > 80:
        return "other"
    for kind, pat in _table():
        if pat.fullmatch(t):
            return kind
    return "other"
