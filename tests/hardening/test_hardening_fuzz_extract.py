"""Hypothesis properties of the extractor on what ``tests/test_extract_properties.py`` does not try:
report-shaped text with extreme or malformed numbers, levels, doses and intervals; the artefacts of
PDF and web text (hyphenation across lines, form feeds, soft hyphens, ligatures, zero-width and
bidirectional marks, CRLF, NBSP); other scripts; and text decoded from arbitrary bytes.

Whatever the input: no exception; cases numbered 1..n of this document; every record in the
contract — the keys, codes from ``spinecase.lexicon.vocabulary.codes()``, valid types — and every
evidence offset inside the text, on a stated field.
"""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from spinecase import Document, extract_cases
from spinecase.documents.readers.base import decode_text
from spinecase.lexicon.vocabulary import codes
from spinecase.records import CONTRACT_FIELDS, CaseRecord

CODES = codes()
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

numbers = st.one_of(
    st.integers(-5, 200).map(str),
    st.sampled_from(
        ["0", "00", "1e9", "3,000", "2.5", "½", "٣٤", "１２", "99999999999999999999", "-0", "1/2"]
    ),
)
levels = st.sampled_from(
    [
        "C1",
        "C7",
        "C8",
        "T1",
        "T12",
        "T13",
        "L0",
        "L5",
        "L6",
        "S1",
        "S6",
        "Co1",
        "Th12",
        "D9",
        "T4-T6",
        "L1–L3",
        "T",
    ]
)
units = st.sampled_from(["days", "weeks", "months", "years", "year", "mo", "Gy", "cGy", "fractions", "%", ""])
phrases = st.sampled_from(
    [
        "A {n}-year-old {sex} with a {h} of the {site} presented with back pain.",
        "MRI showed a lytic lesion of {lv} and {lv}.",
        "She received {n} {u} in {n} fractions of SBRT to {lv}.",
        "He underwent decompression and fixation from {lv} to {lv} {n} {u} after the primary.",
        "Imatinib {n} mg was given; she died {n} {u} after surgery.",
        "At {n} {u} of follow-up there was no local recurrence.",
        "Case {n}. A {n} year old {sex}.",
        "Frankel {g}, KPS {n}, ECOG {n}; the tumour measured {n} cm with {n} mitoses per 50 HPF.",
        "Neither liver nor lung metastases were found; the {site} was the primary.",
        "In {n}, a {n}-year-old {sex} had a {h} (ref. {n}).",
    ]
)
artefacts = st.sampled_from(
    [
        "-\n",
        "\x0c",
        "\u00ad",
        "ﬁ",
        "\u200b",
        "\u202e",
        "\u200f",
        "\r\n",
        "\u00a0",
        "\t",
        "  ",
        "\n\n",
        "Page 3",
        "e\u0301",
        "…",
    ]
)
scripts = st.sampled_from(["患者", "مريض", "пациент", "ασθενής", "रोगी", "환자", "ผู้ป่วย", "🙂", "𝔘"])


@st.composite
def reports(draw: st.DrawFn) -> str:
    """Report-shaped text: sentences with random numbers, levels and units, artefacts spliced in."""
    out = []
    for _ in range(draw(st.integers(1, 12))):
        template = draw(phrases)
        sentence = template.format(
            n=draw(numbers),
            sex=draw(st.sampled_from(["man", "woman", "male", "female", "patient"])),
            h=draw(st.sampled_from(["GIST", "renal cell carcinoma", "adenocarcinoma", "chordoma", "tumour"])),
            site=draw(st.sampled_from(["stomach", "rectum", "kidney", "lung", "unknown primary", "sacrum"])),
            lv=draw(levels),
            u=draw(units),
            g=draw(st.sampled_from(["A", "E", "F", "", "3"])),
        )
        if "{n}" in template:  # some sentences get a second number drawn for their other slots
            sentence = sentence.replace(draw(numbers), draw(numbers), 1)
        chars = list(sentence)
        for _ in range(draw(st.integers(0, 4))):
            at = draw(st.integers(0, len(chars)))
            chars[at:at] = draw(artefacts | scripts)
        out.append("".join(chars))
    return draw(st.sampled_from([" ", "\n", "\n\n", "\r\n"])).join(out)


def check(text: str) -> None:
    doc = Document(id="fuzz", text=text, source="fuzz.txt", format="text")
    records = extract_cases(doc)
    event("cases found" if records else "no case")
    assert [r.case for r in records] == list(range(1, len(records) + 1))
    for rec in records:
        assert rec.document == "fuzz"
        out = rec.to_contract()
        assert set(out) == {"document", "case", *CONTRACT_FIELDS, "evidence"}
        assert CaseRecord.model_validate(out).to_contract() == out  # valid against the model, losslessly
        assert out["histology"] in (None, *CODES["histology"])
        assert out["primary_site"] in (None, "unknown", *CODES["site"])
        assert all(s in CODES["site"] for s in out["other_metastasis_sites"])
        assert all(lv in CODES["spinal_level"] for lv in out["spinal_levels"])
        assert len(set(out["spinal_levels"])) == len(out["spinal_levels"])
        assert all(s in CODES["surgery"] for s in out["spinal_surgery"])
        assert all(a in CODES["systemic"] for a in out["systemic_agents"])
        for course in out["radiotherapy"]:
            assert course["modality"] in CODES["radiotherapy"]
            # the text may well say "0 Gy": a value as written, but never a negative one
            assert course["total_dose_gy"] is None or course["total_dose_gy"] >= 0
            assert course["fractions"] is None or (
                isinstance(course["fractions"], int) and course["fractions"] >= 0
            )
        assert out["age"] is None or 0 <= out["age"] < 120
        for key in ("interval_months", "follow_up_months"):
            assert out[key] is None or out[key] >= 0
        for field, spans in out["evidence"].items():
            assert field in CONTRACT_FIELDS and out[field] not in (None, [], "")
            for s in spans:
                assert 0 <= s["start"] < s["end"] <= len(text)


@FUZZ
@given(reports())
def test_report_shaped_text(text: str) -> None:
    check(text)


@FUZZ
@given(st.binary(max_size=1500))
def test_text_decoded_from_arbitrary_bytes(data: bytes) -> None:
    """What the text reader makes of any bytes (BOMs, UTF-16 guesses, cp1252, Latin-1)."""
    check(decode_text(data)[0])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), st.integers(20, 60))
def test_long_repetitive_reports(text: str, times: int) -> None:
    """Many patients' worth of sentences in one text: numbering and offsets still hold."""
    check("\n\n".join(f"Case {i}. {text}" for i in range(1, times)))
