"""Bauer, modified Bauer and NESMS: band boundaries, the two versions' disagreements, the NESMS cap."""

from __future__ import annotations

import itertools

import pytest

from spinecase.scores import ScoreInputError, bauer, nesms

PRIMARY_POINTS = {"lung": 0, "other": 1, "breast": 2, "kidney": 2, "lymphoma": 2, "myeloma": 2}


@pytest.mark.parametrize(
    ("primary", "visceral", "solitary", "fracture"),
    list(itertools.product(PRIMARY_POINTS, [True, False], [True, False], [True, False])),
)
def test_bauer_counts_favourable_factors(
    primary: str, visceral: bool, solitary: bool, fracture: bool
) -> None:
    r = bauer(
        primary=primary,
        visceral_mets=visceral,
        solitary_skeletal_met=solitary,
        pathological_fracture=fracture,
    )
    modified = PRIMARY_POINTS[primary] + (not visceral) + solitary
    assert r.modified_total == modified
    assert r.total == modified + (not fracture)
    assert r.possible_range == (r.total, r.total)


@pytest.mark.parametrize(
    ("inputs", "total", "category"),
    [
        (
            dict(primary="lung", visceral_mets=True, solitary_skeletal_met=False, pathological_fracture=True),
            0,
            "0-1",
        ),
        (
            dict(
                primary="lung", visceral_mets=True, solitary_skeletal_met=False, pathological_fracture=False
            ),
            1,
            "0-1",
        ),
        (
            dict(
                primary="other", visceral_mets=True, solitary_skeletal_met=False, pathological_fracture=False
            ),
            2,
            "2-3",
        ),
        (
            dict(
                primary="breast", visceral_mets=True, solitary_skeletal_met=False, pathological_fracture=False
            ),
            3,
            "2-3",
        ),
        (
            dict(
                primary="breast",
                visceral_mets=False,
                solitary_skeletal_met=False,
                pathological_fracture=False,
            ),
            4,
            "4-5",
        ),
        (
            dict(
                primary="kidney", visceral_mets=False, solitary_skeletal_met=True, pathological_fracture=False
            ),
            5,
            "4-5",
        ),
    ],
)
def test_bauer_original_bands(inputs: dict[str, object], total: int, category: str) -> None:
    r = bauer(inputs)
    assert (r.total, r.category) == (total, category)


@pytest.mark.parametrize(
    ("inputs", "total", "category"),
    [
        (dict(primary="lung", visceral_mets=True, solitary_skeletal_met=False), 0, "0-1"),
        (dict(primary="other", visceral_mets=True, solitary_skeletal_met=False), 1, "0-1"),
        (dict(primary="other", visceral_mets=False, solitary_skeletal_met=False), 2, "2"),
        (dict(primary="other", visceral_mets=False, solitary_skeletal_met=True), 3, "3-4"),
        (dict(primary="myeloma", visceral_mets=False, solitary_skeletal_met=True), 4, "3-4"),
    ],
)
def test_modified_bauer_bands_need_no_fracture_status(
    inputs: dict[str, object], total: int, category: str
) -> None:
    r = bauer(inputs)
    assert (r.modified_total, r.modified_category) == (total, category)
    assert r.total is None
    assert r.missing == ["pathological_fracture"]


def test_the_two_versions_disagree_where_documented() -> None:
    # No fracture plus one other favourable factor: original 2 (2-3), modified 1 (0-1).
    r = bauer(primary="other", visceral_mets=True, solitary_skeletal_met=False, pathological_fracture=False)
    assert (r.total, r.category, r.modified_total, r.modified_category) == (2, "2-3", 1, "0-1")
    # Fracture plus three favourable factors: 3 on both, bands 2-3 versus 3-4.
    r = bauer(primary="breast", visceral_mets=False, solitary_skeletal_met=False, pathological_fracture=True)
    assert (r.total, r.category, r.modified_total, r.modified_category) == (3, "2-3", 3, "3-4")


def test_bauer_any_other_organ_is_other_and_says_so() -> None:
    r = bauer(primary="colon")
    assert r.inputs["primary"] == "other"
    assert r.items["primary"] == 1
    assert "colon" in " ".join(r.notes)
    assert bauer(primary="Renal cell carcinoma").inputs["primary"] == "kidney"
    assert bauer(primary="multiple myeloma").inputs["primary"] == "myeloma"


def test_bauer_partial_range() -> None:
    r = bauer(primary="lung", visceral_mets=True)
    assert (r.possible_range, r.category) == ((0, 2), None)
    assert r.modified_possible_range == (0, 1)
    assert r.modified_category == "0-1"


@pytest.mark.parametrize(
    ("inputs", "key"),
    [
        ({"visceral_mets": "yes"}, "visceral_mets"),
        ({"solitary_skeletal_met": 1}, "solitary_skeletal_met"),
        ({"primary": ""}, "primary"),
        ({"primary": 3}, "primary"),
        ({"fracture": True}, "fracture"),
    ],
)
def test_bauer_invalid_inputs(inputs: dict[str, object], key: str) -> None:
    with pytest.raises(ScoreInputError) as e:
        bauer(inputs)
    assert e.value.key == key


# -- NESMS ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("modified_bauer", "ambulatory", "albumin", "total"),
    [
        (0, False, 3.0, 0),
        (2, False, 3.49, 0),  # both just under their cut-offs
        (2, False, 3.5, 1),  # albumin cut-off is inclusive
        (2, True, 3.5, 2),
        (3, False, 3.0, 2),  # modified Bauer cut-off is >= 3
        (3, True, 3.0, 3),
        (4, False, 4.2, 3),
    ],
)
def test_nesms_totals(modified_bauer: int, ambulatory: bool, albumin: float, total: int) -> None:
    r = nesms(modified_bauer=modified_bauer, ambulatory_independent=ambulatory, albumin_g_dl=albumin)
    assert (r.total, r.category, r.possible_range) == (total, str(total), (total, total))


def test_nesms_ceiling_of_three_is_flagged_unresolved() -> None:
    r = nesms(modified_bauer=4, ambulatory_independent=True, albumin_g_dl=4.0)
    assert sum(r.items.values()) == 4
    assert r.total == 3
    assert any(n.startswith("UNRESOLVED") for n in r.notes)


def test_nesms_from_bauer_inputs() -> None:
    r = nesms(
        primary="breast",
        visceral_mets=False,
        solitary_skeletal_met=False,
        ambulatory_independent=True,
        albumin_g_dl=3.8,
    )
    assert r.items["modified_bauer"] == 2
    assert r.total == 3
    # Lung with visceral metastases: modified Bauer 0-1 whatever the solitary item, so the NESMS item
    # is 0 and the score complete.
    r = nesms(primary="lung", visceral_mets=True, ambulatory_independent=False, albumin_g_dl=3.0)
    assert (r.missing, r.items["modified_bauer"], r.total) == ([], 0, 0)
    # Other primary, no visceral metastases: 2-3, across the cut-off, so the solitary item is missing.
    r = nesms(primary="other", visceral_mets=False, ambulatory_independent=False, albumin_g_dl=3.0)
    assert r.missing == ["solitary_skeletal_met"]
    assert (r.possible_range, r.category, r.total) == ((0, 2), None, None)


def test_nesms_missing() -> None:
    r = nesms(ambulatory_independent=True)
    assert r.missing == ["albumin_g_dl", "modified_bauer"]
    assert r.possible_range == (1, 3)
    assert r.category is None


@pytest.mark.parametrize(
    ("inputs", "key"),
    [
        ({"albumin_g_dl": 35}, "albumin_g_dl"),  # g/L, not g/dL
        ({"albumin_g_dl": 0}, "albumin_g_dl"),
        ({"modified_bauer": 5}, "modified_bauer"),
        (
            {"modified_bauer": 3, "primary": "lung", "visceral_mets": True, "solitary_skeletal_met": False},
            "modified_bauer",
        ),
        ({"ambulatory_independent": "no"}, "ambulatory_independent"),
        ({"visceral_mets": "no"}, "visceral_mets"),
    ],
)
def test_nesms_invalid_inputs(inputs: dict[str, object], key: str) -> None:
    with pytest.raises(ScoreInputError) as e:
        nesms(inputs)
    assert e.value.key == key
