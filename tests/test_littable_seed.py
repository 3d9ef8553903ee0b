"""The literature table of seed 001 (Table 1: 12 earlier GIST cases with spinal metastases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinecase.documents import read_path
from spinecase.review import document_tables, literature_cases

pytestmark = pytest.mark.shared

SEED = "corpus/seeds/001_c7536a997780dbfc.txt"

# Table 1 of the seed, worked by hand: primary tumour location, metastases decoded with the table's
# own legend (B is bone outside the spine, L liver, LN lymph node, M mediastinum, P peritoneum,
# S spleen, ST soft tissue; V is the spine itself, not another site), spinal treatment ("–" and
# "N/A" state none) and the reference number.
EXPECTED = [
    (1, "small_intestine", ["liver", "spleen", "bone"], ["radiotherapy"], ["zoledronic_acid"], [], 2),
    (2, "small_intestine", ["liver", "spleen", "bone"], ["radiotherapy"], ["zoledronic_acid"], [], 2),
    (3, "stomach", ["liver", "bone"], [], ["zoledronic_acid"], [], 2),
    (4, "sigmoid_colon", ["liver", "bone"], [], [], [], 10),
    (5, "esophagus", ["mediastinum"], [], [], ["decompression", "fixation"], 8),
    (6, "stomach", ["liver", "bone", "spleen", "soft_tissue", "lymph_node", "peritoneum"], [], [], [], 11),
    (7, "rectum", ["liver", "bone", "peritoneum"], [], [], [], 11),
    (8, "stomach", ["liver", "bone", "peritoneum"], [], [], [], 11),
    (9, "stomach", ["liver", "bone", "peritoneum"], [], [], [], 11),
    (10, "small_intestine", ["liver", "bone"], ["radiotherapy"], ["zoledronic_acid"], [], 9),
    (11, "small_intestine", ["liver"], ["radiotherapy"], ["zoledronic_acid"], [], 9),
    (12, "stomach", ["liver", "bone"], [], [], [], 7),
]


@pytest.fixture(scope="module")
def document(shared_dir: Path):  # type: ignore[no-untyped-def]
    return next(iter(read_path(shared_dir / SEED)))


def test_the_table_is_found_with_its_header_and_legend(document) -> None:  # type: ignore[no-untyped-def]
    tables = document_tables(document)
    assert len(tables) == 1
    table = tables[0]
    assert table.label == "Table 1" and table.layout == "lines"
    assert table.caption.startswith("Clinical data for 12 cases of gastrointestinal stromal tumor")
    assert table.kinds() == ["patient", "primary", "metastases", "treatment", "reference"]
    assert len(table.rows) == 13  # 12 earlier cases and the current report
    assert table.legend["B"].startswith("bone metastases") and "vertebrae" in table.legend["B"]
    assert table.legend["V"] == "vertebrae" and table.legend["LN"] == "lymph node"
    assert table.legend["TKI"] == "tyrosine kinase inhibitor"  # the legend wraps over two lines


def test_twelve_earlier_cases(document) -> None:  # type: ignore[no-untyped-def]
    cases = literature_cases(document)
    got = [
        (
            c.case,
            c.primary_site,
            c.other_metastasis_sites,
            [rt.modality for rt in c.radiotherapy],
            c.systemic_agents,
            c.spinal_surgery,
            c.reference_number,
        )
        for c in cases
    ]
    assert got == EXPECTED
    assert all(c.secondary and c.histology == "gist" and c.document == document.id for c in cases)
    assert [c.cited_by for c in cases[:2]] == ["[2]", "[2]"]  # no reference list in the seed's text


def test_evidence_points_into_the_text(document) -> None:  # type: ignore[no-untyped-def]
    case = literature_cases(document)[4]
    quote = {k: [document.text[s.start : s.end] for s in v] for k, v in case.evidence.items()}
    assert quote["primary_site"] == ["Esophagus"]
    assert quote["other_metastasis_sites"] == ["V, M"]
    assert quote["spinal_surgery"] == ["Posterior decompression and instrumentation"]
    assert quote["histology"] == ["gastrointestinal stromal tumor"]  # from the caption


def test_the_current_report_is_not_an_earlier_case(document) -> None:  # type: ignore[no-untyped-def]
    cases = literature_cases(document)
    assert len(cases) == 12
    assert not any(c.primary_site == "rectum" and c.spinal_surgery for c in cases)
