"""ESCC grades and the NOMS decision: every grade, every branch, missing and invalid inputs."""

from __future__ import annotations

import pytest

from spinecase.scores import ScoreInputError, escc, noms, radiosensitivity_of


@pytest.mark.parametrize(
    ("grade", "category"),
    [
        ("0", "low_grade"),
        ("1a", "low_grade"),
        ("1b", "low_grade"),
        ("1c", "controversial"),
        ("2", "high_grade"),
        ("3", "high_grade"),
    ],
)
def test_escc_grades(grade: str, category: str) -> None:
    r = escc(grade=grade)
    assert (r.category, r.missing, r.total, r.possible_range) == (category, [], None, None)
    assert r.inputs["grade"] == grade


def test_escc_grade_stays_a_string() -> None:
    assert escc(grade=2).inputs["grade"] == "2"
    assert escc(grade="1C").inputs["grade"] == "1c"
    assert "case by case" in " ".join(escc(grade="1c").notes)


def test_escc_missing_and_candidates() -> None:
    assert (escc().category, escc().missing) == (None, ["grade"])
    assert escc(candidates={"grade": ["1a", "1b"]}).category == "low_grade"
    assert escc(candidates={"grade": ["1b", "1c"]}).category is None


@pytest.mark.parametrize("grade", ["1", 1, "1d", "4", 2.5, True])
def test_escc_invalid_grade(grade: object) -> None:
    with pytest.raises(ScoreInputError) as e:
        escc(grade=grade)
    assert e.value.key == "grade"


# -- radiosensitivity -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("histology", "site", "expected"),
    [
        ("lymphoma", None, "radiosensitive"),
        ("plasma_cell_myeloma", None, "radiosensitive"),
        ("breast_ductal_carcinoma", None, "moderately_radiosensitive"),
        ("adenocarcinoma", "prostate", "moderately_radiosensitive"),
        ("carcinoma", "ovary", "moderately_radiosensitive"),
        ("neuroendocrine_carcinoma", "lung", "moderately_radiosensitive"),
        ("renal_cell_carcinoma", None, "radioresistant"),
        ("melanoma", "skin", "radioresistant"),
        ("papillary_thyroid_carcinoma", None, "radioresistant"),
        ("adenocarcinoma", "sigmoid_colon", "radioresistant"),  # via the parent site, colon
        ("adenocarcinoma", "lung", "radioresistant"),  # NSCLC
        ("hepatocellular_carcinoma", None, "radioresistant"),
        ("leiomyosarcoma", "uterus", "radioresistant"),
        ("gist", "stomach", "radioresistant"),
        ("small_cell_carcinoma", "lung", "unknown"),
        ("adenocarcinoma", None, "unknown"),
        ("chordoma", None, "unknown"),
    ],
)
def test_radiosensitivity(histology: str, site: str | None, expected: str) -> None:
    assert radiosensitivity_of(histology, site) == expected


# -- NOMS decision ------------------------------------------------------------------------------

FULL = dict(myelopathy=False, mechanically_unstable=False, fit_for_surgery=True)


@pytest.mark.parametrize(
    ("histology", "grade", "changes", "recommendation"),
    [
        # Radiosensitive: cEBRT whatever the compression or myelopathy.
        ("lymphoma", "3", dict(myelopathy=True), "cebrt"),
        ("lymphoma", "0", {}, "cebrt"),
        ("breast_lobular_carcinoma", "2", dict(myelopathy=True, fit_for_surgery=False), "cebrt"),
        # Radioresistant, low grade, no myelopathy: SRS.
        ("renal_cell_carcinoma", "0", {}, "srs"),
        ("renal_cell_carcinoma", "1b", {}, "srs"),
        ("melanoma", "1c", {}, "srs"),
        # Radioresistant, high grade or myelopathy: separation surgery then SRS, if fit.
        ("renal_cell_carcinoma", "2", {}, "separation_surgery_then_srs"),
        ("renal_cell_carcinoma", "3", dict(myelopathy=True), "separation_surgery_then_srs"),
        ("melanoma", "1b", dict(myelopathy=True), "separation_surgery_then_srs"),
        ("renal_cell_carcinoma", "3", dict(fit_for_surgery=False), "no_surgery"),
    ],
)
def test_noms_recommendations(
    histology: str, grade: str, changes: dict[str, bool], recommendation: str
) -> None:
    r = noms({"histology": histology, "escc": grade, **FULL, **changes})
    assert r.recommendation == recommendation
    assert r.category == recommendation
    assert r.missing == []


def test_noms_stabilization_is_independent() -> None:
    r = noms(
        histology="lymphoma", escc="0", myelopathy=False, mechanically_unstable=True, fit_for_surgery=True
    )
    assert (r.recommendation, r.stabilization) == ("cebrt", True)
    r = noms(
        histology="melanoma", escc="0", myelopathy=False, mechanically_unstable=True, fit_for_surgery=False
    )
    assert (r.recommendation, r.stabilization) == ("srs", True)
    assert "percutaneous" in " ".join(r.notes)


def test_noms_notes_flag_inferences_and_controversy() -> None:
    r = noms(histology="gist", primary_site="stomach", escc="1c", **FULL)
    assert r.radiosensitivity == "radioresistant"
    notes = " ".join(r.notes)
    assert "inference" in notes
    assert "1c" in notes


def test_noms_only_lists_inputs_that_change_the_decision() -> None:
    # Radiosensitive: fitness for surgery cannot change anything; instability still decides stabilisation.
    r = noms(histology="plasma_cell_myeloma", escc="3")
    assert r.recommendation == "cebrt"
    assert r.missing == ["mechanically_unstable"]
    assert r.stabilization is None
    # Radioresistant with high-grade compression: fitness decides; myelopathy does not.
    r = noms(histology="renal_cell_carcinoma", escc="2", mechanically_unstable=False)
    assert r.recommendation is None
    assert r.missing == ["fit_for_surgery"]


def test_noms_site_needed_for_adenocarcinoma() -> None:
    r = noms(histology="adenocarcinoma", escc="0", **FULL)
    assert r.missing == ["primary_site"]
    assert r.radiosensitivity is None
    assert noms(histology="adenocarcinoma", primary_site="breast", escc="0", **FULL).recommendation == "cebrt"


def test_noms_unknown_radiosensitivity_can_be_given() -> None:
    r = noms(histology="chordoma", escc="0", **FULL)
    assert (r.radiosensitivity, r.recommendation) == ("unknown", None)
    assert r.missing == ["radiosensitivity"]
    r = noms(histology="chordoma", radiosensitivity="radioresistant", escc="0", **FULL)
    assert (r.radiosensitivity, r.recommendation, r.missing) == ("radioresistant", "srs", [])


@pytest.mark.parametrize(
    ("inputs", "key"),
    [
        ({"histology": "kidney cancer"}, "histology"),
        ({"primary_site": "spine"}, "primary_site"),
        ({"escc": "4"}, "escc"),
        ({"myelopathy": "no"}, "myelopathy"),
        ({"radiosensitivity": "unknown"}, "radiosensitivity"),
        ({"sins": 12}, "sins"),
    ],
)
def test_noms_invalid_inputs(inputs: dict[str, object], key: str) -> None:
    with pytest.raises(ScoreInputError) as e:
        noms(inputs)
    assert e.value.key == key
