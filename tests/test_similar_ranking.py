"""Similar cases on a small invented registry: ranking, explanations, exclusion, aggregate."""

from __future__ import annotations

import pytest

from fixtures.similar.support import case_id, small_cases, small_registry
from spinecase.registry import RegistryError
from spinecase.search import aggregate, search_similar


@pytest.fixture(scope="module")
def reg():  # type: ignore[no-untyped-def]
    r = small_registry()
    yield r
    r.dispose()


def test_case_query_obvious_match_first_and_explained(reg) -> None:  # type: ignore[no-untyped-def]
    result = search_similar(reg, case="gist_t12#1", top=5, cache_dir=False)
    keys = [h.case.document.key for h in result.hits]
    assert keys[0] == "gist_l1"  # same histology, T12↔L1, both liver metastases
    assert "gist_t12" not in keys  # the query case is never its own hit
    first = result.hits[0]
    assert "same histology: GIST" in first.explanations
    assert "adjacent level: T12↔L1" in first.explanations
    assert "both: liver metastases" in first.explanations
    assert first.structured_rank == 1 and first.bm25_rank is not None
    # the other GIST comes before the non-GIST cases on the structured side
    assert "gist_c3" in keys[:3]
    assert [h.rank for h in result.hits] == list(range(1, len(result.hits) + 1))
    assert all(a.score >= b.score for a, b in zip(result.hits, result.hits[1:], strict=False))


def test_text_query_finds_the_described_patient(reg) -> None:  # type: ignore[no-untyped-def]
    result = search_similar(
        reg,
        text="A 59-year-old man with GIST of the stomach, metastasis at T12, liver metastases.",
        cache_dir=False,
    )
    assert result.query.record.histology == "gist"
    assert result.query.record.spinal_levels == ["T12"]
    assert result.hits[0].case.document.key == "gist_t12"
    why = result.hits[0].why
    assert "same histology: GIST" in why and "same level: T12" in why and "both: liver metastases" in why


def test_shorthand_query_still_yields_facts(reg) -> None:  # type: ignore[no-untyped-def]
    result = search_similar(reg, text="61 yo M, RCC mets T11-L1, paraparesis", top=3, cache_dir=False)
    assert result.query.record.age == 61
    assert result.query.record.spinal_levels == ["T11", "T12", "L1"]
    assert result.hits[0].case.document.key == "rcc_t12"


def test_aggregate_counts_match_the_hits(reg) -> None:  # type: ignore[no-untyped-def]
    result = search_similar(reg, case="gist_t12#1", top=3, cache_dir=False)
    records = {h.case.document.key: h.case.record for h in result.hits}
    a = result.aggregate
    assert a.n == 3
    assert a.n_surgery == sum(bool(r.spinal_surgery) for r in records.values())
    assert a.n_systemic == sum(bool(r.systemic_agents) for r in records.values())
    assert sum(a.vital_status.values()) == 3
    # golden: with all eight invented cases as hits
    everything = aggregate(small_registry_records())
    assert everything.n_surgery == 4
    assert everything.surgery == {"decompression": 2, "corpectomy": 1, "fixation": 1, "vertebroplasty": 1}
    assert everything.radiotherapy == {"cebrt": 2, "srs": 1}
    assert everything.systemic == {"imatinib": 2, "letrozole": 1, "nivolumab": 1, "osimertinib": 1}
    assert everything.local_recurrence == {"recurred": 1, "no recurrence": 1, "not stated": 6}
    assert everything.vital_status == {"alive": 2, "dead": 3, "not stated": 3}
    assert everything.survival.n_follow_up == 5 and everything.survival.n_deaths == 3
    assert everything.survival.median_months == 24.0


def small_registry_records():  # type: ignore[no-untyped-def]
    from spinecase.records import CaseRecord

    return [CaseRecord(document=c["id"], case=1, **c["record"]) for c in small_cases()]


def test_modes_and_json(reg) -> None:  # type: ignore[no-untyped-def]
    structured = search_similar(reg, case=case_id(reg, "gist_t12"), mode="structured", top=3, cache_dir=False)
    assert [h.case.document.key for h in structured.hits][:2] == ["gist_l1", "gist_c3"]
    assert all(h.bm25_rank is None or h.bm25_rank >= 1 for h in structured.hits)
    bm25 = search_similar(reg, text="imatinib hepatic metastases", mode="bm25", top=2, cache_dir=False)
    assert {h.case.document.key for h in bm25.hits} <= {"gist_l1", "gist_t12"}
    data = structured.to_dict()
    assert data["hits"][0]["document"] == "gist_l1" and data["hits"][0]["structured"]["rank"] == 1
    assert data["aggregate"]["n"] == 3


def test_bad_queries(reg) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RegistryError):
        search_similar(reg, cache_dir=False)
    with pytest.raises(RegistryError):
        search_similar(reg, text="x", case=1, cache_dir=False)
    with pytest.raises(RegistryError):
        search_similar(reg, case="nope#9", cache_dir=False)
    with pytest.raises(RegistryError):
        search_similar(reg, text="   ", cache_dir=False)
