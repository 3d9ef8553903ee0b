"""SINS, revised Tokuhashi and Tomita: every band boundary, item cut-off and input rule."""

from __future__ import annotations

import pytest

from spinecase.scores import ScoreInputError, level_location, sins, tokuhashi_revised, tomita

# -- SINS ---------------------------------------------------------------------------------------

SINS_ZERO = dict(
    location="rigid",
    pain="pain_free",
    bone_lesion="blastic",
    alignment="normal",
    collapse="none",
    posterolateral="none",
)


@pytest.mark.parametrize(
    ("changes", "total", "category", "consult"),
    [
        ({}, 0, "stable", False),
        # 1 + 3 + 1 + 0 + 1 + 0 = 6: top of "stable"
        (
            dict(
                location="semirigid",
                pain="mechanical",
                bone_lesion="mixed",
                collapse="no_collapse_gt50_body_involved",
            ),
            6,
            "stable",
            False,
        ),
        # + unilateral posterolateral: 7, bottom of the middle band, consultation warranted
        (
            dict(
                location="semirigid",
                pain="mechanical",
                bone_lesion="mixed",
                collapse="no_collapse_gt50_body_involved",
                posterolateral="unilateral",
            ),
            7,
            "potentially_unstable",
            True,
        ),
        # 3 + 3 + 2 + 2 + 2 + 0 = 12: top of the middle band
        (
            dict(
                location="junctional",
                pain="mechanical",
                bone_lesion="lytic",
                alignment="de_novo_deformity",
                collapse="lt50",
            ),
            12,
            "potentially_unstable",
            True,
        ),
        # + unilateral: 13, bottom of "unstable"
        (
            dict(
                location="junctional",
                pain="mechanical",
                bone_lesion="lytic",
                alignment="de_novo_deformity",
                collapse="lt50",
                posterolateral="unilateral",
            ),
            13,
            "unstable",
            True,
        ),
        (
            dict(
                location="junctional",
                pain="mechanical",
                bone_lesion="lytic",
                alignment="subluxation_translation",
                collapse="gt50",
                posterolateral="bilateral",
            ),
            18,
            "unstable",
            True,
        ),
    ],
)
def test_sins_band_boundaries(changes: dict[str, str], total: int, category: str, consult: bool) -> None:
    r = sins({**SINS_ZERO, **changes})
    assert (r.total, r.category, r.surgical_consultation_warranted) == (total, category, consult)
    assert r.possible_range == (total, total)
    assert r.missing == []


@pytest.mark.parametrize(
    ("key", "value", "points"),
    [
        ("pain", "mechanical", 3),
        ("pain", "occasional_nonmechanical", 1),  # 3/1/0, not 3/2/1
        ("alignment", "de_novo_deformity", 2),
        ("alignment", "subluxation_translation", 4),
        ("collapse", "no_collapse_gt50_body_involved", 1),
        ("posterolateral", "unilateral", 1),
        ("posterolateral", "bilateral", 3),
        ("location", "mobile", 2),
        ("location", "semirigid", 1),
    ],
)
def test_sins_item_points(key: str, value: str, points: int) -> None:
    r = sins({**SINS_ZERO, key: value})
    assert r.items[key] == points
    assert r.total == points


@pytest.mark.parametrize(
    ("level", "location"),
    [
        ("C0", "junctional"),
        ("C2", "junctional"),
        ("C3", "mobile"),
        ("C6", "mobile"),
        ("C7", "junctional"),
        ("T2", "junctional"),
        ("T3", "semirigid"),
        ("T10", "semirigid"),
        ("T11", "junctional"),
        ("L1", "junctional"),
        ("L2", "mobile"),
        ("L4", "mobile"),
        ("L5", "junctional"),
        ("S1", "junctional"),
        ("S2", "rigid"),
        ("S5", "rigid"),
    ],
)
def test_sins_level_gives_location(level: str, location: str) -> None:
    assert level_location(level) == location
    r = sins(level=level.lower())
    assert r.inputs["location"] == location
    assert "location" not in r.missing


def test_sins_level_contradicting_location_names_location() -> None:
    with pytest.raises(ScoreInputError) as e:
        sins(level="T5", location="junctional")
    assert e.value.key == "location"


def test_sins_missing_items_give_range_and_decided_category() -> None:
    # 3 + 3 + 2 + 4 + 3 = 15 known; posterolateral adds 0-3: 15-18, all unstable.
    r = sins(
        level="L1",
        pain="mechanical",
        bone_lesion="lytic",
        alignment="subluxation_translation",
        collapse="gt50",
    )
    assert r.total is None
    assert r.missing == ["posterolateral"]
    assert r.possible_range == (15, 18)
    assert r.category == "unstable"
    assert r.surgical_consultation_warranted is True


def test_sins_range_spanning_bands_has_no_category() -> None:
    r = sins(pain="pain_free", bone_lesion="blastic")
    assert r.possible_range == (0, 13)
    assert r.category is None
    assert r.surgical_consultation_warranted is None


def test_sins_null_is_missing() -> None:
    assert sins({**SINS_ZERO, "pain": None}).missing == ["pain"]


@pytest.mark.parametrize(
    ("inputs", "key"),
    [
        ({"pain": "severe"}, "pain"),
        ({"level": "T13"}, "level"),
        ({"level": "S"}, "level"),
        ({"collapse": 50}, "collapse"),
        ({"location": True}, "location"),
        ({"stability": "stable"}, "stability"),
    ],
)
def test_sins_invalid_inputs(inputs: dict[str, object], key: str) -> None:
    with pytest.raises(ScoreInputError) as e:
        sins(inputs)
    assert e.value.key == key
    assert repr(key) in str(e.value)


# -- revised Tokuhashi ----------------------------------------------------------------------------

TOKU_ZERO = dict(
    kps=40,
    extraspinal_bone_mets_foci=3,
    vertebral_body_mets=3,
    major_organ_mets="unremovable",
    primary="lung",
    frankel="A",
)


@pytest.mark.parametrize(
    ("changes", "total", "category", "survival"),
    [
        ({}, 0, "0-8", "<6 months"),
        # 5 + 2 + 1 = 8: top of the worst band
        (dict(primary="breast", frankel="E", kps=50), 8, "0-8", "<6 months"),
        (dict(primary="breast", frankel="E", kps=80), 9, "9-11", ">=6 months"),
        (dict(primary="breast", frankel="E", kps=80, extraspinal_bone_mets_foci=0), 11, "9-11", ">=6 months"),
        (
            dict(primary="breast", frankel="E", kps=80, extraspinal_bone_mets_foci=0, vertebral_body_mets=2),
            12,
            "12-15",
            ">=1 year",
        ),
        (
            dict(
                primary="breast",
                frankel="E",
                kps=100,
                extraspinal_bone_mets_foci=0,
                vertebral_body_mets=1,
                major_organ_mets="none",
            ),
            15,
            "12-15",
            ">=1 year",
        ),
    ],
)
def test_tokuhashi_band_boundaries(
    changes: dict[str, object], total: int, category: str, survival: str
) -> None:
    r = tokuhashi_revised({**TOKU_ZERO, **changes})
    assert (r.total, r.category, r.predicted_survival) == (total, category, survival)


@pytest.mark.parametrize(
    ("key", "value", "points"),
    [
        ("kps", 0, 0),
        ("kps", 40, 0),
        ("kps", 50, 1),
        ("kps", 70, 1),
        ("kps", 80, 2),
        ("kps", 100, 2),
        ("extraspinal_bone_mets_foci", 0, 2),
        ("extraspinal_bone_mets_foci", 1, 1),
        ("extraspinal_bone_mets_foci", 2, 1),
        ("extraspinal_bone_mets_foci", 3, 0),
        ("vertebral_body_mets", 1, 2),  # >=3 / 2 / 1, not >=3 / 1-2 / 0
        ("vertebral_body_mets", 2, 1),
        ("vertebral_body_mets", 3, 0),
        ("major_organ_mets", "removable", 1),
        ("major_organ_mets", "none", 2),
        ("primary", "liver", 1),
        ("primary", "unidentified", 1),
        ("primary", "other", 2),
        ("primary", "kidney", 3),
        ("primary", "uterus", 3),
        ("primary", "rectum", 4),
        ("primary", "carcinoid", 5),
        ("primary", "osteosarcoma", 0),
        ("frankel", "B", 0),
        ("frankel", "C", 1),
        ("frankel", "D", 1),
        ("frankel", "E", 2),
    ],
)
def test_tokuhashi_item_cutoffs(key: str, value: object, points: int) -> None:
    assert tokuhashi_revised({**TOKU_ZERO, key: value}).items[key] == points


@pytest.mark.parametrize(
    ("ecog", "points", "ambiguous"),
    [
        (0, [2], False),
        (1, [1, 2], True),
        (2, [1], False),
        (3, [0, 1], True),
        (4, [0], False),
        (5, [0], False),
    ],
)
def test_tokuhashi_ecog_never_converted_silently(ecog: int, points: list[int], ambiguous: bool) -> None:
    inputs = {k: v for k, v in TOKU_ZERO.items() if k != "kps"}
    r = tokuhashi_revised(inputs, ecog=ecog)
    assert any("ECOG" in n for n in r.notes)
    if ambiguous:
        assert r.total is None
        assert r.missing == ["kps"]
        assert r.ambiguous["kps"].points == points
        assert r.possible_range == (min(points), max(points))
    else:
        assert r.items["kps"] == points[0]
        assert r.total == points[0]


def test_tokuhashi_kps_wins_over_ecog() -> None:
    r = tokuhashi_revised(TOKU_ZERO, ecog=0)
    assert r.items["kps"] == 0
    assert "ecog not used" in " ".join(r.notes)


def test_tokuhashi_asia_stands_in_for_frankel_with_a_flag() -> None:
    inputs = {k: v for k, v in TOKU_ZERO.items() if k != "frankel"}
    r = tokuhashi_revised(inputs, asia="d")
    assert r.items["frankel"] == 1
    assert any("approximately" in n for n in r.notes)


def test_tokuhashi_missing_range() -> None:
    r = tokuhashi_revised(kps=90, primary="thyroid", frankel="E")
    assert r.possible_range == (9, 15)
    assert r.category is None
    assert r.missing == ["extraspinal_bone_mets_foci", "vertebral_body_mets", "major_organ_mets"]
    r = tokuhashi_revised(
        kps=90, primary="thyroid", frankel="E", extraspinal_bone_mets_foci=0, major_organ_mets="none"
    )
    assert r.possible_range == (13, 15)
    assert (r.category, r.predicted_survival) == ("12-15", ">=1 year")


@pytest.mark.parametrize(
    ("inputs", "key"),
    [
        ({"vertebral_body_mets": 0}, "vertebral_body_mets"),
        ({"kps": 85}, "kps"),
        ({"kps": 110}, "kps"),
        ({"kps": True}, "kps"),
        ({"kps": "80"}, "kps"),
        ({"extraspinal_bone_mets_foci": -1}, "extraspinal_bone_mets_foci"),
        ({"extraspinal_bone_mets_foci": 1.5}, "extraspinal_bone_mets_foci"),
        ({"primary": "colon"}, "primary"),
        ({"frankel": "F"}, "frankel"),
        ({"major_organ_mets": "some"}, "major_organ_mets"),
        ({"ecog": 6}, "ecog"),
    ],
)
def test_tokuhashi_invalid_inputs(inputs: dict[str, object], key: str) -> None:
    with pytest.raises(ScoreInputError) as e:
        tokuhashi_revised(inputs)
    assert e.value.key == key


# -- Tomita ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "total", "category", "strategy"),
    [
        (("slow", "none", "solitary"), 2, "2-3", "wide or marginal excision"),
        (("slow", "none", "multiple"), 3, "2-3", "wide or marginal excision"),
        (("moderate", "none", "multiple"), 4, "4-5", "marginal or intralesional excision"),
        (("slow", "treatable", "multiple"), 5, "4-5", "marginal or intralesional excision"),
        (("rapid", "none", "multiple"), 6, "6-7", "palliative surgery"),
        (("rapid", "treatable", "solitary"), 7, "6-7", "palliative surgery"),
        (("rapid", "treatable", "multiple"), 8, "8-10", "non-operative supportive care"),
        (("rapid", "untreatable", "multiple"), 10, "8-10", "non-operative supportive care"),
    ],
)
def test_tomita_band_boundaries(
    inputs: tuple[str, str, str], total: int, category: str, strategy: str
) -> None:
    growth, visceral, bone = inputs
    r = tomita(primary_growth=growth, visceral_mets=visceral, bone_mets=bone)
    assert (r.total, r.category, r.surgical_strategy) == (total, category, strategy)


def test_tomita_rapid_growth_is_four() -> None:
    assert tomita(primary_growth="rapid").items["primary_growth"] == 4
    assert tomita().possible_range == (2, 10)


def test_tomita_missing_decides_band_when_it_can() -> None:
    r = tomita(primary_growth="rapid", visceral_mets="untreatable")
    assert (r.total, r.possible_range, r.category) == (None, (9, 10), "8-10")
    assert r.surgical_strategy == "non-operative supportive care"


def test_tomita_candidates_are_ambiguous() -> None:
    r = tomita(
        primary_growth="slow",
        bone_mets="solitary",
        candidates={"visceral_mets": ["treatable", "untreatable"]},
    )
    assert r.ambiguous["visceral_mets"].points == [2, 4]
    assert r.possible_range == (4, 6)
    assert r.missing == ["visceral_mets"]


def test_tomita_invalid_value() -> None:
    with pytest.raises(ScoreInputError) as e:
        tomita(bone_mets="few")
    assert e.value.key == "bone_mets"
    assert "solitary, multiple" in str(e.value)
