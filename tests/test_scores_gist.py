"""GIST risk: every AFIP cell and cut-off, the column order, and every modified-NIH row."""

from __future__ import annotations

import pytest

from spinecase.scores import ScoreInputError, gist_afip, gist_nih_modified

# One (size, mitoses) per prognostic group, and the original table (gastric, jejunum/ileum,
# duodenum, rectum): (category, percent).
GROUP_VALUES = {
    "1": (1.5, 3),
    "2": (4, 3),
    "3a": (8, 3),
    "3b": (12, 3),
    "4": (1.5, 8),
    "5": (4, 8),
    "6a": (8, 8),
    "6b": (12, 8),
}
INSUFFICIENT = ("insufficient data", None)
TABLE = {
    "1": [("none", 0), ("none", 0), ("none", 0), ("none", 0)],
    "2": [("very low", 1.9), ("low", 4.3), ("low", 8.3), ("low", 8.5)],
    "3a": [("low", 3.6), ("moderate", 24), INSUFFICIENT, INSUFFICIENT],
    "3b": [("moderate", 10), ("high", 52), ("high", 34), ("high", 57)],
    "4": [("none", 0), ("high", 50), INSUFFICIENT, ("high", 54)],
    "5": [("moderate", 16), ("high", 73), ("high", 50), ("high", 52)],
    "6a": [("high", 55), ("high", 85), INSUFFICIENT, INSUFFICIENT],
    "6b": [("high", 86), ("high", 90), ("high", 86), ("high", 71)],
}
COLUMNS = ["stomach", "jejunum", "duodenum", "rectum"]


@pytest.mark.parametrize(("group", "column"), [(g, c) for g in TABLE for c in range(4)])
def test_afip_table_in_the_original_column_order(group: str, column: int) -> None:
    size, mitoses = GROUP_VALUES[group]
    r = gist_afip(site=COLUMNS[column], size_cm=size, mitoses_per_50hpf=mitoses)
    assert (r.category, r.risk_of_progression_pct) == TABLE[group][column]
    assert r.prognostic_group == group
    assert (r.total, r.possible_range, r.missing) == (None, None, [])


@pytest.mark.parametrize(
    ("size", "mitoses", "group"),
    [
        (2.0, 5, "1"),  # cut-offs belong to the lower group
        (2.01, 5, "2"),
        (5.0, 5, "2"),
        (5.01, 5, "3a"),
        (10.0, 5, "3a"),
        (10.01, 5, "3b"),
        (2.0, 5.5, "4"),
        (2.0, 6, "4"),
        (5.0, 6, "5"),
        (10.0, 6, "6a"),
        (10.5, 100, "6b"),
        (0.1, 0, "1"),
    ],
)
def test_afip_cutoffs(size: float, mitoses: float, group: str) -> None:
    assert gist_afip(site="stomach", size_cm=size, mitoses_per_50hpf=mitoses).prognostic_group == group


def test_afip_site_codes() -> None:
    assert gist_afip(site="ileum", size_cm=8, mitoses_per_50hpf=3).category == "moderate"
    assert gist_afip(site="small_intestine", size_cm=8, mitoses_per_50hpf=3).category == "moderate"
    notes = " ".join(gist_afip(site="duodenum", size_cm=8, mitoses_per_50hpf=3).notes)
    assert "original order" in notes
    assert "12%" in " ".join(gist_afip(site="stomach", size_cm=12, mitoses_per_50hpf=3).notes)
    assert "small numbers" in " ".join(gist_afip(site="jejunum", size_cm=1, mitoses_per_50hpf=8).notes)


@pytest.mark.parametrize("site", ["colon", "sigmoid_colon", "esophagus", "mesentery", "retroperitoneum"])
def test_afip_other_sites_not_covered(site: str) -> None:
    r = gist_afip(site=site, size_cm=4, mitoses_per_50hpf=8)
    assert (r.category, r.prognostic_group, r.risk_of_progression_pct) == ("not covered", "5", None)


def test_afip_missing_inputs() -> None:
    # <=2 cm and <=5 mitoses is "none" at every covered site, but the site could be uncovered.
    r = gist_afip(size_cm=1.5, mitoses_per_50hpf=2)
    assert (r.category, r.prognostic_group, r.missing) == (None, "1", ["site"])
    # Gastric <=2 cm is "none" whatever the mitotic count (group 1 or 4).
    r = gist_afip(site="stomach", size_cm=1.5)
    assert (r.category, r.risk_of_progression_pct, r.prognostic_group, r.missing) == (
        "none",
        0,
        None,
        ["mitoses_per_50hpf"],
    )
    r = gist_afip(site="unknown", size_cm=4, mitoses_per_50hpf=2)
    assert r.missing == ["site"]
    assert gist_afip(site="colon").category == "not covered"


@pytest.mark.parametrize(
    ("inputs", "key"),
    [
        ({"size_cm": 0}, "size_cm"),
        ({"size_cm": -3}, "size_cm"),
        ({"size_cm": "5 cm"}, "size_cm"),
        ({"mitoses_per_50hpf": -1}, "mitoses_per_50hpf"),
        ({"site": "gastric antrum"}, "site"),
        ({"rupture": True}, "rupture"),  # not an AFIP input
    ],
)
def test_afip_invalid_inputs(inputs: dict[str, object], key: str) -> None:
    with pytest.raises(ScoreInputError) as e:
        gist_afip(inputs)
    assert e.value.key == key


# -- modified NIH (Joensuu) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "size", "mitoses", "risk"),
    [
        ("stomach", 2.0, 5, "very low"),
        ("jejunum", 2.0, 5, "very low"),
        ("stomach", 2.1, 5, "low"),
        ("rectum", 5.0, 5, "low"),
        ("stomach", 5.0, 6, "intermediate"),  # gastric 2.1-5 cm, >5
        ("stomach", 3, 10, "intermediate"),
        ("duodenum", 3, 6, "high"),  # non-gastric 2.1-5 cm, >5 (overlaps the intermediate row)
        ("stomach", 1.5, 8, "intermediate"),  # <5 cm, 6-10
        ("ileum", 1.5, 8, "intermediate"),  # original row, flagged
        ("stomach", 1.5, 11, "high"),  # >10 mitoses
        ("stomach", 5.1, 5, "intermediate"),  # gastric 5.1-10, <=5
        ("stomach", 10.0, 5, "intermediate"),
        ("jejunum", 5.1, 5, "high"),  # non-gastric 5.1-10, <=5
        ("stomach", 5.1, 6, "high"),  # >5 cm and >5 mitoses
        ("stomach", 10.1, 0, "high"),  # >10 cm
    ],
)
def test_nih_rows(site: str, size: float, mitoses: float, risk: str) -> None:
    r = gist_nih_modified(site=site, size_cm=size, mitoses_per_50hpf=mitoses, rupture=False)
    assert (r.category, r.missing) == (risk, [])


def test_nih_rupture_is_always_high() -> None:
    assert gist_nih_modified(site="stomach", size_cm=1, mitoses_per_50hpf=0, rupture=True).category == "high"
    assert gist_nih_modified(rupture=True).category == "high"
    assert gist_nih_modified(rupture=True).missing == []


def test_nih_flags_the_disputed_vector() -> None:
    r = gist_nih_modified(site="ileum", size_cm=1.5, mitoses_per_50hpf=8, rupture=False)
    assert "original" in " ".join(r.notes)
    r = gist_nih_modified(site="stomach", size_cm=1.5, mitoses_per_50hpf=8, rupture=False)
    assert r.notes == []


def test_nih_missing_inputs() -> None:
    r = gist_nih_modified(site="stomach", size_cm=4, mitoses_per_50hpf=2)
    assert (r.category, r.missing) == (None, ["rupture"])
    r = gist_nih_modified(size_cm=12, mitoses_per_50hpf=2)
    assert (r.category, r.missing) == ("high", [])
    r = gist_nih_modified(size_cm=4, mitoses_per_50hpf=8, rupture=False)
    assert (r.category, r.missing) == (None, ["site"])
    r = gist_nih_modified(size_cm=1.5, mitoses_per_50hpf=8, rupture=False)
    assert (r.category, r.missing) == ("intermediate", [])


@pytest.mark.parametrize(
    ("inputs", "key"),
    [({"rupture": "yes"}, "rupture"), ({"size_cm": float("nan")}, "size_cm"), ({"site": 5}, "site")],
)
def test_nih_invalid_inputs(inputs: dict[str, object], key: str) -> None:
    with pytest.raises(ScoreInputError) as e:
        gist_nih_modified(inputs)
    assert e.value.key == key
