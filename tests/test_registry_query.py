"""Reading the registry back: filters, full-text search, curation with its audit trail, exports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from registry.fakes import document, extract
from spinecase.records import CaseRecord, Span
from spinecase.registry import (
    CaseFilter,
    Registry,
    RegistryError,
    case_detail,
    count_cases,
    export_cases,
    get_case,
    history,
    iter_cases,
    parse_value,
    search_documents,
    set_value,
)
from spinecase.registry.fts import fts5_query
from spinecase.registry.models import CaseRow, DocumentRow
from spinecase.registry.store import incoming, store_document
from spinecase.registry.values import REGIONS

pytest_plugins = ["registry.plugin"]

REPORTS = {
    "gist-t12": "Case 1. A 61-year-old man with a stromal tumour of the stomach had a T12 lesion. "
    "Case 2. A 47-year-old woman with a stromal tumour of the rectum had metastases at L2 and S1.",
    "rcc-c5": "A 70-year-old man with renal cell carcinoma of the kidney developed neck pain; "
    "MRI showed a C5 metastasis. He received SBRT 24 Gy in 3 fractions.",
    "lung-t4": "A 58-year-old woman with adenocarcinoma of the lung presented with a T4 deposit "
    "and an en bloc resection was not possible.",
}


@pytest.fixture
def filled(registry: Registry) -> Registry:
    with registry.write() as s:
        for key, text in REPORTS.items():
            doc = document(key, text, title=f"Invented report {key}", authors=["Doe J", "Roe R"], year=2020)
            store_document(s, incoming(doc, extract(doc), "fake-1"))
    return registry


def _keys(reg: Registry, flt: CaseFilter) -> list[str]:
    with reg.session() as s:
        return [f"{c.document.key}#{c.record.case}" for c in iter_cases(s, flt)]


def test_filters_by_code_level_region_and_text(filled: Registry) -> None:
    assert _keys(filled, CaseFilter(histology="GIST")) == ["gist-t12#1", "gist-t12#2"]
    assert _keys(filled, CaseFilter(site="rectum")) == ["gist-t12#2"]
    assert _keys(filled, CaseFilter(level="t12")) == ["gist-t12#1"]
    assert _keys(filled, CaseFilter(region="sacral")) == ["gist-t12#2"]
    assert _keys(filled, CaseFilter(region="thoracic")) == ["gist-t12#1", "lung-t4#1"]
    assert _keys(filled, CaseFilter(region="cervical", histology="renal_cell_carcinoma")) == ["rcc-c5#1"]
    assert _keys(filled, CaseFilter(text="neck pain")) == ["rcc-c5#1"]
    assert _keys(filled, CaseFilter(text='"en bloc" lung', region="thoracic")) == ["lung-t4#1"]
    assert _keys(filled, CaseFilter(text="metastases", site="stomach")) == ["gist-t12#1"]  # stemmed match
    assert _keys(filled, CaseFilter(document="rcc-c5")) == ["rcc-c5#1"]
    with filled.session() as s:
        assert count_cases(s, CaseFilter(region="lumbar")) == 1
        with pytest.raises(RegistryError, match="unknown region"):
            count_cases(s, CaseFilter(region="pelvic"))


def test_cases_carry_records_and_bibliographic_data_page_by_page(filled: Registry) -> None:
    with filled.session() as s:
        cases = list(iter_cases(s, CaseFilter(), page=1))
        assert len(cases) == 4 and [c.case_id for c in cases] == sorted(c.case_id for c in cases)
        first = cases[0]
        assert first.document.title == "Invented report gist-t12"
        assert (first.document.first_author, first.document.year) == ("Doe J", 2020)
        assert first.record.spinal_levels == ["T12"] and first.record.age == 61
        assert len(list(iter_cases(s, CaseFilter(), limit=3))) == 3


def test_search_documents_ranks_and_quotes(filled: Registry) -> None:
    with filled.session() as s:
        hits = search_documents(s, "fractions")
        assert [h.key for h in hits] == ["rcc-c5"]
        assert "[fractions]" in hits[0].snippet
        with pytest.raises(RegistryError, match="nothing to search"):
            search_documents(s, " ?! ")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_user_query_becomes_a_valid_fts5_expression(query: str) -> None:
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61')")
    db.execute("INSERT INTO t VALUES ('a spinal metastasis at T12')")
    try:
        expression = fts5_query(query)
    except RegistryError:
        return  # only punctuation: nothing to search for, said clearly
    db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()


def test_curation_validates_logs_and_marks(filled: Registry) -> None:
    with filled.write() as s:
        edit = set_value(
            s, "rcc-c5#1", "spinal_levels", "c5, c6", curator="Ana", reason="C6 in the MRI report"
        )
        set_value(s, "rcc-c5#1", "systemic_agents", '["sunitinib"]', curator="Ana")
        set_value(s, "rcc-c5#1", "radiotherapy", "null", curator="Ben", reason="course was to the kidney")
    assert (edit.old_value, edit.new_value) == (["C5"], ["C5", "C6"])
    with filled.session() as s:
        case = get_case(s, "rcc-c5#1")
        assert case.record.spinal_levels == ["C5", "C6"] and case.record.radiotherapy == []
        assert case.curated_fields == {"spinal_levels", "systemic_agents", "radiotherapy"}
        trail = history(s, case.case_id)
        assert [(e.field, e.curator, e.reason) for e in trail] == [
            ("spinal_levels", "Ana", "C6 in the MRI report"),
            ("systemic_agents", "Ana", None),
            ("radiotherapy", "Ben", "course was to the kidney"),
        ]
        assert trail[2].old_value == [{"modality": "srs", "total_dose_gy": 24.0, "fractions": 3}]
        assert _keys(filled, CaseFilter(level="C6")) == ["rcc-c5#1"]  # filters see curated values


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age", "sixty", "invalid value for age"),
        ("sex", "unknown", "invalid value for sex"),
        ("spinal_levels", "T13", "not a vertebral level"),
        ("histology", "gistoma", "unknown code"),
        ("colour", "red", "unknown field"),
        ("radiotherapy", '[{"total_dose_gy": 8}]', "modality"),
    ],
)
def test_bad_curator_values_are_refused_with_a_reason(
    filled: Registry, field: str, value: str, message: str
) -> None:
    with pytest.raises(RegistryError, match=message), filled.write() as s:
        set_value(s, "gist-t12#1", field, value, curator="Ana")
    with filled.session() as s:
        assert history(s, "gist-t12#1") == []


def test_curation_needs_a_curator_a_known_case_and_spans_inside_the_text(filled: Registry) -> None:
    with filled.write() as s:
        with pytest.raises(RegistryError, match="curator name"):
            set_value(s, "gist-t12#1", "age", "62", curator=" ")
        with pytest.raises(RegistryError, match="no case"):
            set_value(s, "nope#9", "age", "62", curator="Ana")
        with pytest.raises(RegistryError, match="outside the document"):
            set_value(s, "gist-t12#1", "age", "62", curator="Ana", evidence="5:99999")


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sampled_from([lvl for levels in REGIONS.values() for lvl in levels]), min_size=1, max_size=6)
)
def test_levels_typed_any_way_parse_to_codes(levels: list[str]) -> None:
    typed = " , ".join(lvl.lower() if i % 2 else lvl for i, lvl in enumerate(levels))
    assert parse_value("spinal_levels", typed) == levels
    assert parse_value("spinal_levels", json.dumps(levels)) == levels


def test_case_detail_quotes_evidence_sentences(filled: Registry) -> None:
    with filled.session() as s:
        detail = case_detail(s, "rcc-c5#1")
    by_field = {f.field: f for f in detail.fields}
    assert by_field["radiotherapy"].quotes == ["He received SBRT 24 Gy in 3 fractions."]
    assert by_field["age"].origin == "extractor" and by_field["age"].extractor_version == "fake-1"
    assert detail.sources == ["rcc-c5.txt"]


def test_exports_read_back(filled: Registry, tmp_path: Path) -> None:
    with filled.write() as s:
        set_value(s, "lung-t4#1", "age", "59", curator="Ana")
        lit = CaseRow(
            document_id=s.scalar(select(DocumentRow.id).where(DocumentRow.key == "lung-t4")),
            number=1,
            secondary=True,
            cited_by="Invented et al. 2001",
        )
        s.add(lit)
    with filled.session() as s:
        expected = sorted(
            (c.record.to_contract() for c in iter_cases(s, CaseFilter()) if not c.secondary),
            key=lambda r: (r["document"], r["case"]),
        )
        n = export_cases(s, CaseFilter(), "jsonl", tmp_path / "cases.jsonl")
        table = io.StringIO()
        n_csv = export_cases(s, CaseFilter(text="lung"), "csv", table)
        n_xlsx = export_cases(s, CaseFilter(), "xlsx", tmp_path / "cases.xlsx")
    lines = [json.loads(line) for line in (tmp_path / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    assert n == 4 and sorted(lines, key=lambda r: (r["document"], r["case"])) == expected
    assert next(r for r in lines if r["document"] == "lung-t4")["age"] == 59
    rows = list(csv.DictReader(io.StringIO(table.getvalue())))
    assert n_csv == 2 and [(r["document"], r["secondary"], r["cited_by"]) for r in rows] == [
        ("lung-t4", "False", ""),
        ("lung-t4", "True", "Invented et al. 2001"),
    ]
    assert rows[0]["curated_fields"] == "age" and rows[0]["age"] == "59"
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "cases.xlsx", read_only=True)["cases"]
    values = list(sheet.iter_rows(values_only=True))
    assert n_xlsx == 5 and len(values) == 6 and values[0][:3] == ("case_id", "document", "case")
    rcc = next(v for v in values if v[1] == "rcc-c5")
    assert rcc[values[0].index("radiotherapy")] == "srs 24 Gy/3 fx"
    assert not list(tmp_path.glob("*.part"))


def test_xlsx_export_drops_control_characters(registry: Registry, tmp_path: Path) -> None:
    doc = document("ff", "A 50-year-old man with a T7 lesion.", title="Spinal\x0c metastasis\x07 report")
    with registry.write() as s:
        store_document(s, incoming(doc, extract(doc), "fake-1"))
    with registry.session() as s:
        assert export_cases(s, CaseFilter(), "xlsx", tmp_path / "ff.xlsx") == 1
    from openpyxl import load_workbook

    rows = list(load_workbook(tmp_path / "ff.xlsx", read_only=True)["cases"].iter_rows(values_only=True))
    assert rows[1][rows[0].index("title")] == "Spinal metastasis report"


def test_export_rejects_unknown_formats_and_xlsx_to_a_stream(filled: Registry) -> None:
    with filled.session() as s:
        with pytest.raises(RegistryError, match="unknown export format"):
            export_cases(s, CaseFilter(), "pdf", io.StringIO())
        with pytest.raises(RegistryError, match="needs an output file"):
            export_cases(s, CaseFilter(), "xlsx", io.StringIO())


def test_record_values_survive_curation_of_clinical_details(filled: Registry) -> None:
    with filled.write() as s:
        set_value(s, "gist-t12#1", "clinical.mitotic_count", "12", curator="Ana")
        set_value(s, "gist-t12#1", "clinical.mitotic_denominator", "50 HPF", curator="Ana")
    with filled.session() as s:
        rec: CaseRecord = get_case(s, "gist-t12#1").record
    assert (rec.clinical.mitotic_count, rec.clinical.mitotic_denominator) == (12.0, "50 HPF")
    at = REPORTS["gist-t12"].index("61-year-old man")
    assert rec.evidence["age"] == [Span(start=at, end=at + len("61-year-old man"))]  # extracted evidence kept
