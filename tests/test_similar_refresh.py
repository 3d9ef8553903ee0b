"""The similar-cases index refreshes incrementally and survives in its cache folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from fixtures.similar.support import add_case, case_id, small_registry
from spinecase.documents.model import Document
from spinecase.records import CaseRecord
from spinecase.registry import open_registry, set_value
from spinecase.registry.store import incoming, store_document
from spinecase.search import SimilarIndex, forget_indexes, refresh_index, search_similar
from spinecase.search.store import load_index, save_index

pytest_plugins = ["registry.plugin"]

NEW_TEXT = (
    "A 66-year-old man with a paraganglioma of the carotid body had an L3 metastasis treated with "
    "separation surgery. He was alive at 20 months."
)
NEW_RECORD = {
    "age": 66,
    "sex": "male",
    "histology": "paraganglioma",
    "spinal_levels": ["L3"],
    "follow_up_months": 20,
}


def test_added_case_is_found_without_a_full_rebuild() -> None:
    reg = small_registry()
    index = SimilarIndex()
    with reg.session() as s:
        first = index.refresh(s)
    assert (first.added, first.total, index.coded) == (8, 8, 8)
    with reg.session() as s:
        again = index.refresh(s)
    assert again.checked_only and index.coded == 8  # nothing changed: one fingerprint query
    add_case(reg, "paraganglioma_l3", NEW_TEXT, NEW_RECORD)
    with reg.session() as s:
        report = index.refresh(s)
    assert (report.added, report.updated, report.removed, report.total) == (1, 0, 0, 9)
    assert index.coded == 9  # only the new case was read and coded
    new_id = case_id(reg, "paraganglioma_l3")
    assert index.row_of(new_id) is not None
    assert index.bm25_scores(index.tokenizer.tokens("paraganglioma"))[index.row_of(new_id)] > 0
    reg.dispose()


def test_search_refreshes_and_curation_updates_one_case() -> None:
    reg = small_registry()
    refresh_index(reg, cache_dir=False)
    add_case(reg, "paraganglioma_l3", NEW_TEXT, NEW_RECORD)
    hits = search_similar(
        reg, text="A 65-year-old man with paraganglioma metastatic to L3", top=1, cache_dir=False
    ).hits
    assert hits[0].case.document.key == "paraganglioma_l3"
    # a curator changes the level: the next search sees it (only that case is coded again)
    with reg.write() as s:
        set_value(s, case_id(reg, "rcc_t12"), "spinal_levels", "C2", curator="test")
    report = refresh_index(reg, cache_dir=False)
    assert report.updated == 1 and report.added == 0
    res = search_similar(reg, case="gist_t12#1", top=8, cache_dir=False, mode="structured")
    rcc = next(h for h in res.hits if h.case.document.key == "rcc_t12")
    assert not any("level" in e for e in rcc.explanations)
    reg.dispose()


def test_removed_cases_leave_the_index(tmp_path: Path) -> None:
    from sqlalchemy import delete

    from spinecase.registry.models import DocumentRow

    reg = small_registry(f"sqlite:///{tmp_path / 'r.db'}")
    refresh_index(reg, cache_dir=tmp_path / "cache")
    with reg.write() as s:
        s.execute(delete(DocumentRow).where(DocumentRow.key == "gist_l1"))
    report = refresh_index(reg, cache_dir=tmp_path / "cache")
    assert report.removed == 1 and report.total == 7
    keys = [
        h.case.document.key for h in search_similar(reg, case="gist_t12#1", cache_dir=tmp_path / "cache").hits
    ]
    assert "gist_l1" not in keys and len(keys) == 6
    reg.dispose()


def test_cache_round_trip_needs_no_recoding(tmp_path: Path) -> None:
    reg = small_registry(f"sqlite:///{tmp_path / 'r.db'}")
    index = SimilarIndex()
    with reg.session() as s:
        index.refresh(s)
    save_index(index, tmp_path / "c", "test")
    loaded = load_index(tmp_path / "c")
    assert loaded is not None and loaded.coded == 0 and len(loaded) == 8
    assert (loaded.case_ids == index.case_ids).all()
    tokens = ["gastrointestin", "stromal", "t12"]
    assert (loaded.bm25_scores(tokens) == index.bm25_scores(tokens)).all()
    with reg.session() as s:
        assert loaded.refresh(s).checked_only  # same registry state: nothing to read
    assert loaded.coded == 0
    # a damaged cache is ignored, not trusted
    gen = tmp_path / "c" / (tmp_path / "c" / "CURRENT").read_text().strip()
    (gen / "index.npz").write_bytes(b"not an npz")
    assert load_index(tmp_path / "c") is None
    reg.dispose()


def test_an_unchanged_sqlite_registry_costs_one_tiny_query(tmp_path: Path) -> None:
    reg = small_registry(f"sqlite:///{tmp_path / 'r.db'}")
    index = SimilarIndex()
    with reg.session() as s:
        index.refresh(s)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(reg.engine, "before_cursor_execute", seen)
    for _ in range(3):
        with reg.session() as s:
            assert index.refresh(s).checked_only
    asked = [st for st in statements if not st.startswith("BEGIN")]
    # the write marker alone: no count, no max over cases or documents
    assert asked == ["SELECT data_version, total_changes() FROM pragma_data_version"] * 3
    statements.clear()
    add_case(reg, "paraganglioma_l3", NEW_TEXT, NEW_RECORD)
    with reg.session() as s:
        assert index.refresh(s).added == 1  # a write moves the marker: the fingerprint is read again
    assert any("count(*)" in st for st in statements)
    event.remove(reg.engine, "before_cursor_execute", seen)
    reg.dispose()


def test_a_case_stored_through_another_connection_is_found_by_the_next_search(db_url: str) -> None:
    forget_indexes()
    reg = small_registry(db_url)
    assert search_similar(reg, text="paraganglioma metastatic to L3", cache_dir=False).index_size == 8
    other = open_registry(db_url)  # another engine: another connection, as another process would use
    add_case(other, "paraganglioma_l3", NEW_TEXT, NEW_RECORD)
    result = search_similar(
        reg, text="A 65-year-old man with paraganglioma metastatic to L3", cache_dir=False
    )
    assert result.index_size == 9 and result.refresh.added == 1
    assert result.hits[0].case.document.key == "paraganglioma_l3"
    other.dispose()
    reg.dispose()


def test_a_write_rolled_back_after_a_refresh_leaves_the_index(tmp_path: Path) -> None:
    reg = small_registry(f"sqlite:///{tmp_path / 'r.db'}")
    assert refresh_index(reg, cache_dir=False).total == 8
    doc = Document(id="paraganglioma_l3", text=NEW_TEXT, source="p.txt", format="text")
    with pytest.raises(RuntimeError), reg.write() as s:
        store_document(s, incoming(doc, [CaseRecord(document=doc.id, case=1, **NEW_RECORD)], "test"))
        assert refresh_index(s, cache_dir=False).added == 1  # sees its own uncommitted case
        raise RuntimeError("the ingest fails: its transaction is rolled back")
    report = refresh_index(reg, cache_dir=False)  # a write session never leaves a marker to trust
    assert (report.removed, report.total) == (1, 8)
    reg.dispose()
