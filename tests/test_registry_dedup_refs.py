"""Identifiers in a scraped text's head stop at its reference list."""

from __future__ import annotations

from spinecase.registry.dedup import identifiers_from_text


def test_a_doi_in_the_reference_list_is_not_the_papers_own() -> None:
    text = (
        "Sacral metastasis of a renal carcinoma\nA 60-year-old man had a sacral lesion.\n"
        "References\n1. Other A. A cited paper. doi: 10.1000/cited.123\n"
    )
    assert "doi" not in identifiers_from_text(text)


def test_a_doi_before_the_references_is_kept() -> None:
    text = "Case report. doi: 10.1000/own.42\nA 60-year-old man.\nReferences\n1. doi: 10.1000/cited.1\n"
    assert identifiers_from_text(text)["doi"] == "10.1000/own.42"
