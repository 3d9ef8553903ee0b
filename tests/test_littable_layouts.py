"""Literature tables in other layouts: PDF lines with a wrapped row, a flowing PDF paragraph, a JATS
table as the reader renders it, tab-separated cells, legends with other abbreviations, and text that
only looks like a table."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinecase.documents import Document, read_path
from spinecase.review import document_tables, find_tables, literature_cases, parse_legend
from spinecase.review.littable import cell_kind, header_terms
from spinecase.review.littable_cells import citation, months, treatment
from spinecase.review.references import parse_references

FIXTURES = Path(__file__).parent / "fixtures" / "review"


def read(name: str) -> Document:
    return next(iter(read_path(FIXTURES / name)))  # type: ignore[arg-type]


def summary(doc: Document) -> list[tuple]:
    return [
        (
            c.age,
            c.sex,
            c.primary_site,
            c.spinal_levels,
            c.other_metastasis_sites,
            c.interval_months,
            c.spinal_surgery,
            [(r.modality, r.total_dose_gy, r.fractions) for r in c.radiotherapy],
            c.systemic_agents,
            c.follow_up_months,
            c.vital_status,
            c.reference_number,
        )
        for c in literature_cases(doc)
    ]


def test_header_by_meaning() -> None:
    kinds = [
        c.kind
        for c in header_terms("Patient Primary tumor location Location of metastases/invasion Reference")
    ]
    assert kinds == ["patient", "primary", "metastases", "reference"]
    assert cell_kind("Age/sex") == ("age_sex", None)
    assert cell_kind("Follow-up (months)") == ("follow_up", "mo")
    assert cell_kind("Interval (y)") == ("interval", "y")
    assert cell_kind("Author (year)")[0] == "reference"
    assert cell_kind("Level(s) involved")[0] == "level"
    assert cell_kind("Ki-67 index") == ("other", None)


def test_pdf_lines_with_a_wrapped_row_and_author_references() -> None:
    doc = read("pdf_lines_table.txt")
    (table,) = document_tables(doc)
    assert table.layout == "lines" and table.label == "Table 3"
    assert [c.kind for c in table.columns] == [
        "patient", "age_sex", "primary", "level", "interval", "treatment", "follow_up", "outcome", "reference"
    ]  # fmt: skip
    assert [c.unit for c in table.columns if c.unit] == ["y", "mo"]
    assert summary(doc) == [
        (61, "female", "kidney", ["L1"], [], 144.0, ["en_bloc_resection"], [], [], 48.0, "alive", 4),
        (
            58, "male", "kidney", ["T10", "T11", "T12"], [], 108.0,
            ["en_bloc_resection", "reconstruction", "fixation"], [], [], 36.0, "alive", 7,
        ),
        (70, "male", "kidney", ["S1"], [], 0.0, ["en_bloc_resection"], [("srs", 18.0, 1)], [], 20.0, "dead", 9),
    ]  # fmt: skip
    cases = literature_cases(doc)
    assert cases[0].histology == "renal_cell_carcinoma"  # from the caption
    assert cases[0].local_recurrence is False  # NED: no evidence of disease
    assert cases[2].presentation == "synchronous"
    assert "doi:10.5555/ssj.2014.77" in (cases[0].cited_by or "")
    assert cases[1].cited_by is not None and "PMID: 28000007" in cases[1].cited_by


def test_flowing_paragraph() -> None:
    doc = read("flowing_table.txt")
    (table,) = document_tables(doc)
    assert table.layout == "flowing"
    assert table.caption == "Reported pancreatic NET spinal metastases"
    assert summary(doc) == [
        (
            47,
            "female",
            "pancreas",
            ["L5"],
            [],
            30.0,
            [],
            [("srs", None, None)],
            ["octreotide"],
            24.0,
            "alive",
            1,
        ),
        (63, "male", "pancreas", ["T8"], [], 0.0, ["decompression", "fixation"], [], [], 7.0, "dead", 2),
    ]
    first = literature_cases(doc)[0]
    assert first.histology == "neuroendocrine_tumor"
    assert first.cited_by is not None and first.cited_by.startswith("[1] Ruiz M, Soto A.")  # "Ruiz (2013)"


def test_jats_table_as_the_reader_renders_it() -> None:
    doc = read("jats_hcc_review.xml")
    assert doc.id == "39000001"
    (table,) = document_tables(doc)
    assert table.layout == "delimited" and table.label == "Table 2"
    assert table.legend["Pu"] == "pulmonary" and table.legend["Os"] == "osseous (non-spinal)"
    assert summary(doc) == [
        (
            67, "male", "liver", ["C7", "T1", "T2"], ["lung", "bone"], None, ["decompression"],
            [("radiotherapy", 30.0, 10)], [], 8.0, "dead", 1,
        ),
        # "H, hepatic": the liver is this patient's primary, not another metastatic site
        (72, "female", "liver", ["T3"], [], None, [], [("srs", 24.0, 2)], ["sorafenib"], 14.0, "alive", 2),
        (54, "male", "liver", ["C6", "C7"], [], None, ["corpectomy", "fixation"], [], [], 30.0, "alive", 3),
    ]  # fmt: skip
    cases = literature_cases(doc)
    assert all(c.histology == "hepatocellular_carcinoma" for c in cases)
    span = cases[0].evidence["spinal_levels"][0]
    assert doc.text[span.start : span.end] == "C7–T2"


def test_tab_separated_cells() -> None:
    doc = read("tab_table.txt")
    (table,) = document_tables(doc)
    assert table.layout == "delimited"
    assert summary(doc) == [
        (
            45,
            "female",
            "breast",
            ["L2"],
            ["lung", "brain"],
            None,
            ["kyphoplasty"],
            [],
            ["denosumab"],
            20.0,
            "alive",
            3,
        ),
        (
            50,
            "female",
            "breast",
            ["L4", "L5"],
            [],
            None,
            [],
            [("radiotherapy", None, None)],
            [],
            9.0,
            "dead",
            5,
        ),
    ]


def test_a_legend_with_other_abbreviations() -> None:
    text = """Table 4 Earlier cases
Case Age/sex Primary Extraspinal metastases Level Reference
1 60/M Stomach Hep, Per, Oss T9 [12]
2 41/F Lung Br, Adr C4 [13]
Hep hepatic, Per peritoneal, Oss osseous, Br cerebral, Adr adrenal gland
"""
    doc = Document(id="legend", text=text, source="legend.txt", format="text")
    cases = literature_cases(doc)
    assert [(c.primary_site, c.other_metastasis_sites, c.spinal_levels) for c in cases] == [
        ("stomach", ["liver", "peritoneum", "bone"], ["T9"]),
        ("lung", ["brain", "adrenal"], ["C4"]),
    ]


def test_without_a_legend_the_package_abbreviations_apply() -> None:
    text = """Table 1 Previously reported cases
Patient Age/Sex Primary site Other metastases Levels Reference
1 70/M Prostate B, LN L2-L4 [5]
2 66/F Breast L, Lu T5 [6]
"""
    cases = literature_cases(Document(id="x", text=text, source="x.txt", format="text"))
    assert [(c.other_metastasis_sites, c.spinal_levels) for c in cases] == [
        (["bone", "lymph_node"], ["L2", "L3", "L4"]),
        (["liver", "lung"], ["T5"]),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # prose mentioning tables, and a table of scores (no patients)
        (FIXTURES / "prose_only.txt").read_text(encoding="utf-8"),
        # a laboratory table
        "Table 1 Laboratory values\nTest Before After\nCalcium 3.1 2.4\nAlbumin 31 35\n",
        # a header without any row that parses
        "Table 2 Cases\nPatient Age Level Treatment\nNo patients were found in the literature.\n",
    ],
)
def test_no_false_tables(text: str) -> None:
    doc = Document(id="none", text=text, source="none.txt", format="text")
    assert literature_cases(doc) == []


def test_the_example_report_of_the_fixtures(fixtures_dir: Path) -> None:
    """The lead's golden fixture 06 carries a flattened table of three earlier RCC cases."""
    doc = next(iter(read_path(fixtures_dir / "reports" / "06_rcc_pdf_en_bloc_table.txt")))
    cases = literature_cases(doc)
    assert [
        (c.age, c.sex, c.spinal_levels, c.interval_months, c.follow_up_months, c.vital_status) for c in cases
    ] == [
        (58, "male", ["L2"], 108.0, 30.0, "alive"),
        (71, "female", ["T7"], 48.0, 18.0, "dead"),
        (49, "male", ["L4"], 132.0, 52.0, "alive"),
    ]
    assert [c.reference_number for c in cases] == [1, 2, 3]  # Fenwick, Abadi, Sorensen by author and year
    assert cases[1].radiotherapy[0].modality == "srs" and cases[1].spinal_surgery == ["en_bloc_resection"]


def test_cell_helpers() -> None:
    assert months("30 mo", None) == 30 and months("2.5 years", None) == 30
    assert months("9", "y") == 108 and months("9", None) is None  # a bare number is not guessed
    assert months("14 d", None) == pytest.approx(0.46)
    surgery, courses, agents = treatment(
        "TES + SBRT 24 Gy/3 fx + ZA", parse_legend("TES, total en bloc spondylectomy")
    )
    assert surgery == ["en_bloc_resection"]
    assert [(c.modality, c.total_dose_gy, c.fractions) for c in courses] == [("srs", 24.0, 3)]
    assert agents == ["zoledronic_acid"]
    refs = parse_references("References\n1. Alpha A. One. J. 2001.\n2. Beta B, et al. Two. J. 2009.\n")
    assert citation("Beta et al. (2009)", refs).number == 2
    assert citation("[1, 2]", refs).number == 1
    assert citation("Gamma (2010)", refs).number is None


def test_find_tables_in_plain_text_and_in_sections() -> None:
    text = "Intro.\n\nTable 1 Cases\nCase Age Sex Level Reference\n1 50 M T4 [2]\n2 61 F L1 [3]\n"
    (table,) = find_tables(text)
    assert [[c.text for c in r.cells if c] for r in table.rows] == [
        ["1", "50", "M", "T4", "[2]"],
        ["2", "61", "F", "L1", "[3]"],
    ]
    section = (text.index("Table 1"), len(text))
    assert len(find_tables(text, [section])) == 1  # not twice
