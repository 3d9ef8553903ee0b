"""Cohort statistics as a pure function of case records, checked against values worked by hand.

The cohort is ``fixtures/review/cohort.jsonl``: ten invented patients in seven invented papers. Every
expected number below was counted by hand from that file (the working is in the comments), not
produced by the code under test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from spinecase.records import CaseRecord
from spinecase.review import cohort_stats, kaplan_meier, logrank
from spinecase.review.render import characteristics, to_json, to_markdown
from spinecase.review.stats import GROUPINGS, Summary, group_of, presentation_of, treatment_of

COHORT = Path(__file__).parent / "fixtures" / "review" / "cohort.jsonl"


def load_cohort() -> list[CaseRecord]:
    out = []
    for line in COHORT.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        for i, case in enumerate(doc["cases"], start=1):
            out.append(CaseRecord(document=doc["id"], case=i, **case))
    return out


@pytest.fixture(scope="module")
def cohort() -> list[CaseRecord]:
    return load_cohort()


def test_counts_and_numeric_summaries(cohort: list[CaseRecord]) -> None:
    s = cohort_stats(cohort)
    assert s.n == 10
    # ages 62 55 70 48 66 74 58 81 (one not stated) 45 -> sorted 45 48 55 58 [62] 66 70 74 81
    assert s.age.to_json() == {"median": 62, "min": 45, "max": 81, "n": 9}
    assert s.sex == {"male": 6, "female": 4, "unknown": 0}
    assert s.histology["gist"] == 4 and s.histology["adenocarcinoma"] == 2
    assert s.primary_site["stomach"] == 2 and sum(s.primary_site.values()) == 10
    # synchronous: ohtori2008, chen2021#2, ahmed2020
    assert s.presentation == {"synchronous": 3, "metachronous": 7, "unknown": 0}
    assert (s.synchronous.count, s.synchronous.n) == (3, 10)
    # metachronous intervals 48 120 60 84 96 24 36 -> 24 36 48 [60] 84 96 120
    assert s.interval_months.to_json() == {"median": 60, "min": 24, "max": 120, "n": 7}
    # follow-up 18 24 36 12 6 - 30 3 9 40 -> 3 6 9 12 [18] 24 30 36 40
    assert s.follow_up_months.to_json() == {"median": 18, "min": 3, "max": 40, "n": 9}


def test_levels_and_regions(cohort: list[CaseRecord]) -> None:
    lv = cohort_stats(cohort).spinal_levels
    assert lv.n == 10
    # T12: kim2019, rossi2015, smith2017#2; L1: kim2019, ahmed2020
    assert lv.levels["T12"] == 3 and lv.levels["L1"] == 2 and lv.levels["S"] == 1 and lv.levels["T7"] == 0
    # cervical: chen2021#1 (C5 C6), smith2017#3 (C2); thoracic: kim, rossi, chen#2, smith#2;
    # lumbar: kim (L1), ohtori (L3), smith#1 (L4 L5), ahmed (L1); sacral: garcia (S), smith#1 (S1)
    assert lv.regions == {"cervical": 2, "thoracic": 4, "lumbar": 4, "sacral": 2, "coccygeal": 0}
    assert lv.multiple == 5  # kim, chen#1, chen#2, smith#1, smith#2
    assert lv.per_case.to_json() == {"median": 1.5, "min": 1, "max": 3, "n": 10}


def test_treatment_and_outcome(cohort: list[CaseRecord]) -> None:
    s = cohort_stats(cohort)
    t = s.treatment
    assert (t.surgery, t.radiotherapy, t.systemic) == (6, 7, 10)
    assert t.combinations == {
        "surgery + radiotherapy + systemic": 4,  # kim, chen#1, chen#2, smith#2
        "radiotherapy + systemic": 3,  # ohtori, garcia, smith#3
        "surgery + systemic": 2,  # rossi, smith#1
        "systemic only": 1,  # ahmed
    }
    assert t.procedures["fixation"] == 5 and t.procedures["decompression"] == 2
    assert t.modalities == {"srs": 4, "cebrt": 2, "radiotherapy": 1}
    assert t.agents["imatinib"] == 4
    assert s.other_metastasis_sites["liver"] == 4 and s.other_metastasis_sites["lung"] == 3
    assert s.neurological_deficit == {"yes": 4, "no": 4, "unknown": 2}
    assert s.local_recurrence == {"yes": 1, "no": 6, "unknown": 3}
    assert s.vital_status == {"alive": 4, "dead": 4, "unknown": 2}
    assert s.deaths == 4 and s.local_recurrences == 1


def test_kaplan_meier_by_hand(cohort: list[CaseRecord]) -> None:
    km = cohort_stats(cohort).survival
    # on the curve: 3 d, 6 d, 12 d, 18 d, 24 c, 30 c, 36 c, 40 c; garcia2012 has no follow-up,
    # smith2017#3 no vital status
    assert (km.n, km.events, km.censored) == (8, 4, 4)
    assert km.excluded == {"no_follow_up": 1, "no_vital_status": 1}
    # S: 7/8 at 3, x 6/7 at 6, x 5/6 at 12, x 4/5 at 18 -> 0.875 0.75 0.625 0.5
    assert km.survival_at(3) == pytest.approx(0.875)
    assert km.survival_at(12) == pytest.approx(0.625)
    assert km.survival_at(20) == pytest.approx(0.5)
    assert km.median == 18  # the first time S(t) <= 0.5
    assert km.at_risk(0) == 8 and km.at_risk(10) == 6 and km.at_risk(30) == 3


def test_median_not_reached_and_empty() -> None:
    cases = [
        CaseRecord(document="a", case=1, follow_up_months=5, vital_status="dead"),
        CaseRecord(document="b", case=1, follow_up_months=10, vital_status="alive"),
        CaseRecord(document="c", case=1, follow_up_months=20, vital_status="alive"),
    ]
    km = kaplan_meier(cases)
    assert km.median is None and not km.median_reached and km.events == 1
    empty = cohort_stats([])
    assert empty.n == 0 and empty.age == Summary(0) and empty.survival.n == 0
    assert empty.to_json()["age"] == {"median": None, "min": None, "max": None, "n": 0}
    none_followed = cohort_stats([CaseRecord(document="x", case=1, vital_status="dead")])
    assert none_followed.survival.excluded == {"no_follow_up": 1, "no_vital_status": 0}


def test_logrank_by_hand(cohort: list[CaseRecord]) -> None:
    s = cohort_stats(cohort, by="surgery")
    assert list(s.groups) == ["yes", "no"]
    assert s.groups["yes"].n == 6 and s.groups["no"].n == 4
    assert s.groups["yes"].survival.median == 12  # 5/6, 4/6, 3/6 = 0.5 at 12
    # deaths at 3, 6, 12, 18, all after surgery; at risk (surgery, none): (6,2) (5,2) (4,2) (3,2)
    # O - E = 4 - (6/8 + 5/7 + 4/6 + 3/5) = 1.269048; V = 12/64 + 10/49 + 8/36 + 6/25 = 0.853804
    # chi2 = 1.269048**2 / 0.853804 = 1.88624 on 1 df
    assert s.logrank is not None
    assert s.logrank.statistic == pytest.approx(1.88624, abs=1e-4)
    assert s.logrank.df == 1
    assert s.logrank.p_value == pytest.approx(math.erfc(math.sqrt(1.88624 / 2)), abs=1e-4)


def test_logrank_two_small_groups_from_the_docstring() -> None:
    times = [(2, "dead"), (4, "dead"), (6, "alive"), (8, "dead"), (10, "alive")]
    cases = [
        CaseRecord(document="d", case=i + 1, follow_up_months=t, vital_status=v)
        for i, (t, v) in enumerate(times)
    ]
    test = logrank({"a": cases[:3], "b": cases[3:]})
    # O_a - E_a = 2 - (3/5 + 2/4 + 0) = 0.9; V = 0.24 + 0.25 = 0.49; chi2 = 0.81 / 0.49
    assert test is not None and test.statistic == pytest.approx(0.81 / 0.49)
    assert logrank({"a": cases}) is None  # one group: no test
    no_death = [CaseRecord(document="e", case=1, follow_up_months=3, vital_status="alive")]
    assert logrank({"a": no_death, "b": no_death}).p_value is None  # type: ignore[union-attr]


def test_unknown_group_is_shown_but_not_tested(cohort: list[CaseRecord]) -> None:
    s = cohort_stats(cohort, by="neurological_deficit")
    assert list(s.groups) == ["no", "yes", "unknown"] or list(s.groups) == ["yes", "no", "unknown"]
    assert s.groups["unknown"].n == 2
    assert s.logrank is not None and "unknown" not in s.logrank.groups
    assert s.logrank.left_out == {"unknown": 0}  # garcia2012 and smith2017#3: none on the curve


def test_groupings_and_derived_fields(cohort: list[CaseRecord]) -> None:
    assert set(GROUPINGS) >= {"sex", "histology", "region", "treatment", "surgery", "source", "age_group"}
    assert [group_of(r, "region") for r in cohort[:4]] == ["multiple", "lumbar", "thoracic", "cervical"]
    assert treatment_of(cohort[-1]) == "systemic only"
    assert presentation_of(CaseRecord(document="x", case=1, interval_months=0)) == "synchronous"
    assert presentation_of(CaseRecord(document="x", case=1, interval_months=7)) == "metachronous"
    with pytest.raises(ValueError, match="cannot group by"):
        group_of(cohort[0], "colour")


def test_json_shape(cohort: list[CaseRecord]) -> None:
    data = json.loads(to_json(cohort_stats(cohort, by="sex")))
    assert data["n"] == 10
    assert data["age"] == {"median": 62, "min": 45, "max": 81, "n": 9}
    assert set(data["interval_months"]) == {"median", "min", "max", "n"}
    assert data["survival"]["median_months"] == 18 and data["survival"]["ci95"][0] == 3
    assert data["by"] == "sex" and set(data["groups"]) == {"male", "female"}
    assert data["groups"]["male"]["n"] == 6 and data["logrank"]["df"] == 1


def test_characteristics_table(cohort: list[CaseRecord]) -> None:
    s = cohort_stats(cohort, by="sex")
    rows = dict(characteristics(s))
    assert rows["Cases"] == ["10", "6", "4"]
    assert rows["Age, years: median (range)"][0] == "62 (45–81), n=9"
    assert rows["Synchronous"][0] == "3/10 (30%)"
    md = to_markdown(s, "Cohort")
    assert md.splitlines()[2].startswith("| Characteristic | All | sex = male | sex = female |")
    assert "Log-rank test by sex (male, female)" in md
