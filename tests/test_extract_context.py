"""Negation, uncertainty and other patients, on both sides of the term (own invented sentences)."""

from __future__ import annotations

from extracting import one


def test_no_local_recurrence_is_false() -> None:
    r = one(
        "A 60-year-old man with renal cell carcinoma had an L2 metastasis treated by corpectomy. "
        "At the 12-month follow-up there was no local recurrence."
    )
    assert r.local_recurrence is False


def test_recurrence_was_not_observed_is_false() -> None:
    r = one(
        "A 60-year-old man with renal cell carcinoma had an L2 metastasis treated by corpectomy. "
        "Local recurrence was not observed during 14 months of follow-up."
    )
    assert r.local_recurrence is False


def test_recurrence_at_the_operated_level_is_true() -> None:
    r = one(
        "A 48-year-old woman with breast carcinoma underwent laminectomy for a T9 metastasis. "
        "Three months later MRI showed local recurrence at T9 with cord compression."
    )
    assert r.local_recurrence is True


def test_neither_nor_adds_no_site() -> None:
    r = one(
        "A 70-year-old man had a lytic metastasis of L4 from prostate adenocarcinoma. "
        "There were neither liver nor lung metastases."
    )
    assert r.other_metastasis_sites == []


def test_no_metastases_to_vital_organs_adds_no_site() -> None:
    r = one(
        "A 61-year-old man had GIST metastases at T12. As there were no metastases to vital organs, "
        "posterior decompression was performed."
    )
    assert r.other_metastasis_sites == []


def test_could_not_be_excluded_is_not_a_finding() -> None:
    r = one(
        "A 66-year-old woman with follicular thyroid carcinoma had a T10 metastasis. "
        "A small lung metastasis could not be excluded on CT."
    )
    assert "lung" not in r.other_metastasis_sites


def test_negative_for_cd117_does_not_make_a_gist() -> None:
    r = one(
        "A 52-year-old woman had a uterine leiomyosarcoma with an L1 metastasis; the tumour was negative for CD117."
    )
    assert r.histology == "leiomyosarcoma"


def test_proposed_treatment_is_not_treatment() -> None:
    r = one(
        "A 62-year-old man with hepatocellular carcinoma had a T12 metastasis treated with radiotherapy, "
        "30 Gy in 10 fractions. He is now proposed for sorafenib."
    )
    assert "sorafenib" not in r.systemic_agents
    assert [c.total_dose_gy for c in r.radiotherapy] == [30.0]


def test_a_relative_with_cancer_is_not_the_patient() -> None:
    r = one(
        "A 45-year-old woman presented with back pain and a lytic T8 metastasis of breast ductal carcinoma. "
        "Her mother had died of colon cancer."
    )
    assert r.primary_site == "breast"
    assert r.vital_status != "dead"


def test_pain_alone_is_not_a_deficit_and_intact_is_false() -> None:
    r = one(
        "A 58-year-old man with lung adenocarcinoma had back pain from a T6 metastasis; "
        "he was neurologically intact."
    )
    assert r.neurological_deficit is False


def test_paraparesis_is_a_deficit() -> None:
    r = one("A 58-year-old man with lung adenocarcinoma developed paraparesis from a T6 metastasis.")
    assert r.neurological_deficit is True


def test_population_statements_are_not_the_patient() -> None:
    r = one(
        "Spinal metastases usually arise from lung or breast cancer, with a median age of 63. "
        "We report a 47-year-old man with a sacral metastasis from a rectal GIST."
    )
    assert (r.age, r.histology, r.primary_site) == (47, "gist", "rectum")
