"""Statistics of a registry built from the seed reports equal the values worked by hand from the gold.

The five seeds (``../shared/corpus/seeds``) are ingested with the registry's own ``ingest`` into a
temporary SQLite database; ``registry_stats`` then computes the cohort statistics of the stored cases.
The expected values were worked by hand from ``../shared/gold/seeds.jsonl`` (six patients):

=========================  ==================================================================
ages                       61, 51, 71, 69, (not stated), 54 -> 51 54 [61] 69 71, n = 5
sex                        male 4 (000, 001, 002#2, 004), female 1 (002#1), not stated 1 (003)
levels                     000 T12 L4; 001 L3; 002#1 S; 002#2 L1 L3 S; 003 T6; 004 T7
regions (cases)            thoracic 3 (000, 003, 004), lumbar 3 (000, 001, 002#2), sacral 2
surgery / RT / systemic    5 (all but 002#2) / 3 (002#1, 002#2, 003) / 4 (001, 002#1, 002#2, 003)
procedures (required)      decompression 3 (000, 002#1, 003), fixation 3 (000, 001, 003),
                           tumour resection 2 (000, 002#1)
metachronous intervals     [114, 132], [150, 160], [90, 100] months -> median in [114, 132]
local recurrence           yes 1 (003)
deaths                     1 (004)
follow-up                  6 (000, alive), 36 (001, alive), 0.4–0.7 (004, dead); three not stated
survival                   3 on the curve, 1 death, 3 left out; S = 2/3 after the death: median
                           not reached
=========================  ==================================================================

Where the gold is exact, the registry's value must equal it; where the gold allows a range or
alternatives (presentation of 004, the intervals, 004's follow-up), the registry's value must lie in
what the gold allows. The literature table of seed 001 adds twelve secondary cases on request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from spinecase.registry import CaseFilter, Registry, ingest, open_registry
from spinecase.review import registry_stats, review_cases
from spinecase.review.stats import CohortStats

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def seeds_registry(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    url = f"sqlite:///{tmp_path_factory.mktemp('seeds') / 'seeds.db'}"
    reg = open_registry(url)
    summary = ingest([shared_dir / "corpus" / "seeds"], reg)
    assert (summary.new, summary.failed) == (5, 0)
    yield reg
    reg.dispose()


@pytest.fixture(scope="module")
def stats(seeds_registry: Registry) -> CohortStats:
    with seeds_registry.session() as s:
        return registry_stats(s, CaseFilter())


@pytest.fixture(scope="module")
def gold(shared_dir: Path) -> list[dict]:
    return [
        json.loads(line) for line in (shared_dir / "gold" / "seeds.jsonl").read_text().splitlines() if line
    ]


def test_the_hand_worked_values_are_those_of_the_gold(gold: list[dict]) -> None:
    """The numbers of this module's docstring, read again from the gold file."""
    assert len(gold) == 6
    assert [g["age"] for g in gold] == [61, 51, 71, 69, None, 54]
    assert sorted(lv for g in gold for lv in g["spinal_levels"]) == sorted(
        ["T12", "L4", "L3", "S", "L1", "L3", "S", "T6", "T7"]
    )
    assert [g["follow_up_months"] for g in gold] == [6, 36, None, None, None, {"range": [0.4, 0.7]}]
    assert [g["vital_status"] for g in gold].count("dead") == 1


def test_exact_values(stats: CohortStats) -> None:
    assert stats.n == 6
    assert stats.age.to_json() == {"median": 61, "min": 51, "max": 71, "n": 5}
    assert stats.sex == {"male": 4, "female": 1, "unknown": 1}
    assert stats.histology["gist"] == 4 and stats.histology["neuroendocrine_tumor"] == 1
    assert stats.spinal_levels.n == 6
    assert {k: v for k, v in stats.spinal_levels.levels.items() if v} == {
        "T6": 1,
        "T7": 1,
        "T12": 1,
        "L1": 1,
        "L3": 2,
        "L4": 1,
        "S": 2,
    }
    assert stats.spinal_levels.regions == {
        "cervical": 0,
        "thoracic": 3,
        "lumbar": 3,
        "sacral": 2,
        "coccygeal": 0,
    }
    assert stats.spinal_levels.multiple == 2
    t = stats.treatment
    assert (t.surgery, t.radiotherapy, t.systemic) == (5, 3, 4)
    assert {k: t.procedures.get(k) for k in ("decompression", "fixation", "tumor_resection")} == {
        "decompression": 3,
        "fixation": 3,
        "tumor_resection": 2,
    }
    assert t.modalities == {"srs": 2, "radiotherapy": 1}
    assert t.agents == {"imatinib": 3, "chemotherapy": 1, "sunitinib": 1}
    assert stats.presentation["metachronous"] == 3
    assert stats.local_recurrences == 1
    assert stats.deaths == 1
    assert stats.interval_months.n == 3


def test_values_within_what_the_gold_allows(stats: CohortStats) -> None:
    # 004's presentation is "synchronous or not stated"
    assert (stats.synchronous.count, stats.synchronous.n) in {(1, 4), (2, 5)}
    interval = stats.interval_months
    assert 114 <= interval.median <= 132 and 90 <= interval.min <= 100 and 150 <= interval.max <= 160  # type: ignore[operator]
    follow = stats.follow_up_months
    assert follow.n == 3 and follow.median == 6 and follow.max == 36 and 0.4 <= follow.min <= 0.7  # type: ignore[operator]
    # 002#2's recurrence is "no or not stated"
    assert stats.local_recurrence["no"] in (3, 4)


def test_survival(stats: CohortStats) -> None:
    km = stats.survival
    assert (km.n, km.events) == (3, 1)
    assert km.excluded == {"no_follow_up": 3, "no_vital_status": 0}
    assert km.survival_at(1) == pytest.approx(2 / 3)
    assert km.median is None


def test_literature_table_cases_only_on_request(seeds_registry: Registry) -> None:
    with seeds_registry.session() as s:
        own = review_cases(s, CaseFilter())
        everything = review_cases(s, CaseFilter(), include_secondary=True)
        gist = registry_stats(s, CaseFilter(histology="gist"), include_secondary=True)
    assert len(own) == 6 and not any(c.secondary for c in own)
    assert len(everything) == 18
    assert sum(1 for c in everything if c.secondary) == 12
    # the 12 earlier GIST cases of seed 001's Table 1, plus the 4 GIST patients of the seeds
    assert gist.n == 16 and gist.histology == {"gist": 16, "unknown": 0}
    # stomach: patients 3, 6, 8, 9, 12 of the table; small intestine: 1, 2, 10, 11
    assert gist.primary_site["stomach"] == 2 + 5 and gist.primary_site["small_intestine"] == 4
