"""Hypothesis properties of extraction: never fails, offsets inside the text, output in the contract."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinecase import Document, extract_cases
from spinecase.lexicon.vocabulary import codes
from spinecase.records import CONTRACT_FIELDS, CaseRecord

CODES = codes()
WORDS = [
    "A",
    "61-year-old",
    "man",
    "woman",
    "GIST",
    "rectal",
    "metastasis",
    "T12",
    "L4",
    "T3-T8",
    "sacrum",
    "no",
    "local",
    "recurrence",
    "was",
    "not",
    "observed",
    "36",
    "Gy",
    "in",
    "4",
    "fractions",
    "imatinib",
    "died",
    "16",
    "days",
    "after",
    "surgery",
    "laminectomy",
    "fixation",
    "Case",
    "1",
    "2",
    "liver",
    "lung",
    "metastases",
    "thirteen",
    "years",
    "later",
    ".",
    ",",
    "\n",
    "-",
    "(",
    ")",
    "follow-up",
    "neither",
    "nor",
    "breast",
    "carcinoma",
    "2003",
    "March",
    "Frankel",
    "C",
    "KPS",
    "70",
    "tumour",
    "measured",
    "8",
    "cm",
    "primary",
]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(WORDS), max_size=120).map(" ".join),
)


def check_record(rec: CaseRecord, text: str) -> None:
    out = rec.to_contract()
    assert set(CONTRACT_FIELDS) <= set(out)
    assert out["histology"] in (None, *CODES["histology"])
    assert out["primary_site"] in (None, *CODES["site"])
    assert all(s in CODES["site"] for s in out["other_metastasis_sites"])
    assert all(lv in CODES["spinal_level"] for lv in out["spinal_levels"])
    assert all(s in CODES["surgery"] for s in out["spinal_surgery"])
    assert all(a in CODES["systemic"] for a in out["systemic_agents"])
    assert all(c["modality"] in CODES["radiotherapy"] for c in out["radiotherapy"])
    assert out["sex"] in (None, "male", "female")
    assert out["presentation"] in (None, "synchronous", "metachronous")
    assert out["vital_status"] in (None, "alive", "dead")
    if out["age"] is not None:
        assert 0 <= out["age"] < 120
    for field, spans in out["evidence"].items():
        assert out[field] not in (None, [], "")
        for s in spans:
            assert 0 <= s["start"] < s["end"] <= len(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_extraction_never_fails_and_stays_in_the_contract(text: str) -> None:
    for rec in extract_cases(Document(id="x", text=text, source="x.txt", format="text")):
        check_record(rec, text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=5, max_size=60).map(" ".join), st.integers(0, 3))
def test_cases_are_numbered_from_one(text: str, repeat: int) -> None:
    recs = extract_cases(Document(id="x", text=(text + "\n") * (repeat + 1), source="x.txt", format="text"))
    assert [r.case for r in recs] == list(range(1, len(recs) + 1))
