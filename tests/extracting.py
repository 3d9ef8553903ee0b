"""Shared helpers of the extraction tests: run the extractor on a short invented text."""

from __future__ import annotations

from spinecase import Document, extract_cases
from spinecase.records import CaseRecord


def cases(text: str) -> list[CaseRecord]:
    """Every patient the extractor finds in ``text``."""
    return extract_cases(Document(id="t", text=text, source="t.txt", format="text"))


def one(text: str) -> CaseRecord:
    """The one patient of ``text`` (the test fails, showing what was found, if there is not exactly one)."""
    found = cases(text)
    assert len(found) == 1, [c.to_contract() for c in found]
    return found[0]
