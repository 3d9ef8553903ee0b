"""Golden tests: the project's own fixture reports (tests/fixtures/reports/NN_name.txt) against the
expected records beside them (NN_name.json, in the gold syntax of tests/golden.py).

The fixtures were written independently of the rules, in the styles real reports come in (PDF and
web scrapes, E3C-like narratives, several patients, negations, non-metastatic mimics). Three checks:

* every fixture yields the expected number of patients, with evidence inside the text;
* age, sex and spinal levels — the fields every downstream answer rests on — are right in every
  fixture, except the known gaps listed with their reason;
* over the whole set, every field reaches its F1 bar (precision and recall counted as in the gold
  scorer), so a rule change that helps one report and hurts ten is caught.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from golden import counts, f1, problems
from spinecase import Document, extract_cases
from spinecase.records import CONTRACT_FIELDS

REPORTS = Path(__file__).parent / "fixtures" / "reports"
FIXTURES = sorted(p.stem for p in REPORTS.glob("*.txt"))
CORE = ("age", "sex", "spinal_levels")

#: (fixture, field) -> why the rules miss it today (documented, not hidden).
KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("81_series_table_four_patients_cup", "age"): "three of the four ages are given only in a summary table "
    "flattened into text, which the rules do not read row by row",
}

#: F1 bar per field over all fixtures.
BARS: dict[str, float] = {f: 0.85 for f in CONTRACT_FIELDS} | {"interval_months": 0.75, "presentation": 0.80}
OVERALL_BAR = 0.90


@cache
def run(name: str) -> tuple[list[dict], list[dict], str]:
    text = (REPORTS / f"{name}.txt").read_text(encoding="utf-8")
    doc = Document(id=name, text=text, source=f"{name}.txt", format="text")
    got = [r.to_contract() for r in extract_cases(doc)]
    want = sorted(json.loads((REPORTS / f"{name}.json").read_text(encoding="utf-8")), key=lambda c: c["case"])
    return got, want, text


def test_there_are_enough_fixtures() -> None:
    assert len(FIXTURES) >= 25
    assert all((REPORTS / f"{n}.json").is_file() for n in FIXTURES)


@pytest.mark.parametrize("name", FIXTURES)
def test_patients_and_core_fields(name: str) -> None:
    got, want, _ = run(name)
    assert len(got) == len(want), f"{len(got)} patients found, {len(want)} expected"
    report = {}
    for g, w in zip(got, want, strict=True):
        wrong = {f: p for f, p in problems(g, w).items() if f in CORE and (name, f) not in KNOWN_GAPS}
        if wrong:
            report[f"case {w['case']}"] = wrong
    assert not report, json.dumps(report, indent=1, default=str)


@pytest.mark.parametrize("name", FIXTURES)
def test_evidence_points_into_the_text(name: str) -> None:
    got, _, text = run(name)
    for rec in got:
        for field in CONTRACT_FIELDS:
            value = rec[field]
            if value in (None, [], ""):
                assert field not in rec["evidence"]
                continue
            spans = rec["evidence"].get(field)
            assert spans, f"case {rec['case']}: {field} has no evidence"
            for s in spans:
                assert 0 <= s["start"] < s["end"] <= len(text)
                assert text[s["start"] : s["end"]].strip(), f"{field}: empty evidence"


def test_every_field_meets_its_bar_over_the_set() -> None:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for name in FIXTURES:
        got, want, _ = run(name)
        for g, w in zip(got, want, strict=False):
            for field, c in counts(g, w).items():
                totals[field] = [a + b for a, b in zip(totals[field], c, strict=True)]
    scores = {field: round(f1(*t), 3) for field, t in totals.items()}
    overall = f1(*(sum(t[i] for t in totals.values()) for i in range(4)))
    below = {f: s for f, s in scores.items() if s < BARS[f]}
    assert not below and overall >= OVERALL_BAR, f"overall {overall:.3f}; per field {json.dumps(scores)}"
