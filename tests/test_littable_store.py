"""Literature-table cases in the registry: stored by the ingest as secondary cases, shown only on
request, merged with their primary report when that paper is ingested too, kept across re-ingests."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from spinecase.documents import read_path
from spinecase.records import CaseRecord
from spinecase.registry import (
    CaseFilter,
    IngestOptions,
    Registry,
    ingest,
    iter_cases,
    open_registry,
    set_value,
)
from spinecase.registry.models import CaseRow
from spinecase.registry.store import incoming, store_document
from spinecase.review import review_cases
from spinecase.review.littable_store import (
    find_cited_document,
    match_case,
    scan_registry,
    store_literature_cases,
)
from spinecase.review.table import review_table

FIXTURES = Path(__file__).parent / "fixtures" / "review"
CITING = "pdf_lines_table.txt"  # Table 3: three earlier RCC cases, references [4], [7], [9]

LARSEN = """Late solitary lumbar metastasis of renal carcinoma

Scand Spine J. 2014;6:77–81. doi: 10.5555/ssj.2014.77

Case presentation
A 61-year-old woman had undergone a right nephrectomy for clear cell renal cell carcinoma twelve
years earlier. She presented with low back pain; MRI showed a solitary L1 metastasis. Total en bloc
spondylectomy of L1 was performed. At 48 months she was alive without evidence of disease.
"""
PRIMARIES_JSONL = [
    {
        "id": "moreno2017",
        "pmid": "28000007",
        "title": "En bloc vertebrectomy for a thoracic metastasis of renal cell carcinoma",
        "text": "A 58-year-old man with renal cell carcinoma treated by nephrectomy nine years before had "
        "metastases of T10, T11 and T12. En bloc vertebrectomy with cage reconstruction was performed.",
    },
    {
        "id": "haddad2020",
        "title": "Sacrectomy for a synchronous renal cell carcinoma metastasis",
        "text": "A 70-year-old man presented with sacral pain; imaging showed an S1 metastasis and a "
        "renal mass at the same time. Partial sacrectomy was followed by radiosurgery.",
    },
]


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    reg = open_registry(f"sqlite:///{tmp_path / 'lit.db'}")
    yield reg
    reg.dispose()


def _citing(tmp_path: Path) -> Path:
    folder = tmp_path / "citing"
    folder.mkdir()
    shutil.copy(FIXTURES / CITING, folder / CITING)
    return folder


def _primaries(tmp_path: Path) -> Path:
    folder = tmp_path / "primaries"
    folder.mkdir()
    (folder / "larsen2014.txt").write_text(LARSEN, encoding="utf-8")
    (folder / "more.jsonl").write_text(
        "\n".join(json.dumps(d) for d in PRIMARIES_JSONL) + "\n", encoding="utf-8"
    )
    return folder


def _secondary_rows(reg: Registry) -> list[CaseRow]:
    with reg.session() as s:
        return list(s.scalars(select(CaseRow).where(CaseRow.secondary.is_(True)).order_by(CaseRow.number)))


def test_ingest_stores_secondary_cases(registry: Registry, tmp_path: Path) -> None:
    summary = ingest([_citing(tmp_path)], registry)
    assert (summary.new, summary.failed) == (1, 0)
    rows = _secondary_rows(registry)
    assert [(r.number, r.reference_number) for r in rows] == [(1, 4), (2, 7), (3, 9)]
    assert rows[0].cited_by is not None and rows[0].cited_by.startswith("[4] Larsen P, Holm J, Berg K.")
    with registry.session() as s:
        own = review_cases(s, CaseFilter())
        everything = review_cases(s, CaseFilter(), include_secondary=True)
        # the registry's filters reach secondary cases too
        thoracic = review_cases(s, CaseFilter(region="thoracic"), include_secondary=True)
    assert [c.secondary for c in own] == [False]  # the citing paper's own patient (T9)
    assert len(everything) == 4 and sum(c.secondary for c in everything) == 3
    assert {(c.secondary, tuple(c.record.spinal_levels)) for c in thoracic} == {
        (False, ("T9",)),
        (True, ("T10", "T11", "T12")),
    }
    table = review_table(everything)
    assert any(
        row["reference"].startswith("Larsen 2014 (doi:10.5555/ssj.2014.77) [ref. 4 in ") for row in table.rows
    )
    assert any("†" in row["reference"] for row in table.rows)


def test_merged_with_the_primary_report_when_it_is_ingested(registry: Registry, tmp_path: Path) -> None:
    ingest([_citing(tmp_path)], registry)
    ingest([_primaries(tmp_path)], registry)
    with registry.session() as s:
        primaries = review_cases(s, CaseFilter())
        merged = review_cases(s, CaseFilter(), include_secondary=True)
        rows = list(iter_cases(s, CaseFilter(include_secondary=True)))
        links = {c.reference_number: find_cited_document(s, c.cited_by) for c in rows if c.secondary}
    assert len(primaries) == 4  # the citing paper's patient and the three earlier patients' own reports
    # doi for Larsen [4], PMID for Moreno [7], the title for Haddad [9]
    assert sorted(rule for _, rule in links.values() if rule) == ["doi", "pmid", "title"]
    assert len(merged) == 4 and not any(c.secondary for c in merged)
    by_doc = {c.record.document: c for c in merged}
    assert by_doc["larsen2014"].also_in and "[ref. 4]" in by_doc["larsen2014"].also_in[0]
    assert "[ref. 7]" in by_doc["moreno2017"].also_in[0]
    assert "[ref. 9]" in by_doc["haddad2020"].also_in[0]
    table = review_table(merged)
    assert any("also in" in row["reference"] for row in table.rows)


def test_a_contradicting_patient_is_not_merged() -> None:
    secondary = CaseRecord(document="citing", case=1, age=61, sex="female", spinal_levels=["L1"])
    from spinecase.registry.query import DocumentInfo, RegistryCase

    info = DocumentInfo(1, "p", None, (), None, None, None, None, None, "p.txt")
    same = RegistryCase(
        1, CaseRecord(document="p", case=1, age=62, sex="female", spinal_levels=["L1", "L2"]), info
    )
    other = RegistryCase(2, CaseRecord(document="p", case=2, age=40, sex="male"), info)
    assert match_case(secondary, [same, other]) is same
    assert match_case(secondary, [other]) is None  # age and sex disagree


def test_reingest_keeps_secondary_case_ids_and_curated_values(registry: Registry, tmp_path: Path) -> None:
    folder = _citing(tmp_path)
    ingest([folder], registry)
    before = [r.id for r in _secondary_rows(registry)]
    with registry.write() as s:
        set_value(s, before[0], "age", "62", curator="tester", reason="the original report says 62")
    again = ingest([folder], registry, IngestOptions(force=True))
    assert again.failed == 0
    rows = _secondary_rows(registry)
    assert [r.id for r in rows] == before
    with registry.session() as s:
        ages = [c.record.age for c in iter_cases(s, CaseFilter(include_secondary=True)) if c.secondary]
    assert ages == [62, 58, 70]


def test_scan_registry_backfills_and_store_updates(registry: Registry) -> None:
    # a registry filled before the ingest read literature tables: stored without them
    doc = next(iter(read_path(FIXTURES / CITING)))
    with registry.write() as s:
        store_document(s, incoming(doc, [], "old"))  # type: ignore[arg-type]
    assert _secondary_rows(registry) == []
    with registry.write() as s:
        assert scan_registry(s) == 3
    rows = _secondary_rows(registry)
    assert [(r.number, r.reference_number) for r in rows] == [(1, 4), (2, 7), (3, 9)]
    with registry.write() as s:
        assert scan_registry(s) == 3  # again: updated in place
    assert [r.id for r in _secondary_rows(registry)] == [r.id for r in rows]
    with registry.write() as s:
        assert (
            store_literature_cases(s, rows[0].document_id, []) == 0
        )  # the tables are gone: so are their cases
    assert _secondary_rows(registry) == []
