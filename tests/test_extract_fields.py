"""Field extractors on short invented reports: levels, doses, intervals, numbers as words, patients."""

from __future__ import annotations

import pytest

from extracting import cases, one
from spinecase.extract.fields.levels import expand
from spinecase.extract.fields.timing import months_between
from spinecase.extract.fields.treatment import parse_dose
from spinecase.extract.numbers import parse_number


@pytest.mark.parametrize(
    ("sentence", "levels"),
    [
        ("MRI showed metastases of T12–L2.", ["T12", "L1", "L2"]),
        ("MRI showed metastases of T12-L2.", ["T12", "L1", "L2"]),
        ("Lytic lesions of the L1, L3 and L5 vertebral bodies were seen.", ["L1", "L3", "L5"]),
        ("Metastatic infiltration from T4 to T6 was found.", ["T4", "T5", "T6"]),
        ("A destructive lesion of Th10 was found.", ["T10"]),
        ("A metastasis of D7 with cord compression was found.", ["T7"]),
        ("There was a metastasis in the seventh thoracic vertebra.", ["T7"]),
        ("Bone scan uptake at D5-7-12 suggested metastases.", ["T5", "T7", "T12"]),
        ("A lytic metastasis destroyed the sacrum.", ["S"]),
        ("Metastases were found in S1 and S2.", ["S1", "S2"]),
        ("An osteolytic metastasis of C2 (odontoid) was seen.", ["C2"]),
    ],
)
def test_level_mentions(sentence: str, levels: list[str]) -> None:
    r = one(f"A 60-year-old man with renal cell carcinoma was examined. {sentence}")
    assert r.spinal_levels == levels


def test_instrumented_levels_are_not_metastatic() -> None:
    r = one(
        "A 63-year-old woman had a breast cancer metastasis to T6 causing cord compression. "
        "Decompression with T3-T8 posterior stabilization was performed."
    )
    assert r.spinal_levels == ["T6"]


def test_mri_sequences_tnm_and_roots_are_not_levels() -> None:
    r = one(
        "A 59-year-old man had lung adenocarcinoma, pT2 N1 M0. T1-weighted and T2 sagittal images showed a "
        "metastasis of L3. He had an S1 radiculopathy and an old L4-5 disc herniation."
    )
    assert r.spinal_levels == ["L3"]


def test_intradural_drop_metastases_are_not_vertebral_levels() -> None:
    r = one("A 35-year-old man with glioblastoma developed intradural drop metastases at T11 and L1.")
    assert r.spinal_levels == []


def test_thoracic_spine_metastases_without_a_level_give_none() -> None:
    r = one("A 70-year-old woman with breast carcinoma had multiple thoracic spine metastases.")
    assert r.spinal_levels == []


def test_tuberculosis_is_not_a_metastasis() -> None:
    r = one(
        "A 40-year-old man had spondylodiscitis of L2-L3 due to tuberculosis with a paravertebral abscess."
    )
    assert r.spinal_levels == []


@pytest.mark.parametrize(
    ("fragment", "dose"),
    [
        ("36 Gy in 4 fractions", (36.0, 4)),
        ("20 Gy in a single fraction", (20.0, 1)),
        ("30 Gy in 10 fractions", (30.0, 10)),
        ("24 Gy/3 fx", (24.0, 3)),
        ("5 x 4 Gy", (20.0, 5)),
        ("20 Gy in 5 fractions of 4 Gy", (20.0, 5)),
        ("a dose of 3000 cGy", (30.0, None)),
        ("8 Gy in one fraction", (8.0, 1)),
        ("36 Gy radiation dose divided into 4 fractions", (36.0, 4)),
    ],
)
def test_doses(fragment: str, dose: tuple[float, int | None]) -> None:
    assert parse_dose(fragment) == dose


def test_radiotherapy_courses_to_the_spine_only() -> None:
    r = one(
        "A 55-year-old woman with lung adenocarcinoma had a T8 metastasis treated with SBRT, 24 Gy in 3 fractions. "
        "Two brain metastases received whole-brain radiotherapy, 30 Gy in 10 fractions."
    )
    assert [(c.modality, c.total_dose_gy, c.fractions) for c in r.radiotherapy] == [("srs", 24.0, 3)]


def test_drugs_brands_and_unnamed_chemotherapy() -> None:
    r = one(
        "A 61-year-old man with gastric GIST received Gleevec 400 mg/day, later sunitinib; "
        "zoledronic acid was given for an L2 metastasis. Dexamethasone was given for pain."
    )
    assert r.systemic_agents == ["imatinib", "sunitinib", "zoledronic_acid"]
    r2 = one(
        "A 50-year-old woman with cervical carcinoma received chemotherapy before a T10 metastasis appeared."
    )
    assert r2.systemic_agents == ["chemotherapy"]


def test_surgery_codes_and_biopsy() -> None:
    r = one(
        "A 58-year-old man with an L3 metastasis of renal cell carcinoma underwent a CT-guided needle biopsy, "
        "then en bloc spondylectomy of L3 with cage reconstruction and pedicle screw fixation."
    )
    assert set(r.spinal_surgery) == {"en_bloc_resection", "reconstruction", "fixation"}


def test_surgery_of_the_primary_is_not_spinal_surgery() -> None:
    r = one(
        "A 66-year-old woman underwent mastectomy for breast ductal carcinoma. Years later a T9 metastasis "
        "was treated with radiotherapy."
    )
    assert r.spinal_surgery == []


def test_interval_from_dates_and_words() -> None:
    r = one(
        "A 62-year-old man underwent gastrectomy for a gastric GIST in March 2003. In February 2016 he "
        "presented with back pain and MRI showed an L2 metastasis."
    )
    assert (r.presentation, r.interval_months) == ("metachronous", 155)
    r2 = one(
        "A 62-year-old man underwent gastrectomy for a gastric GIST. Thirteen years later MRI showed a "
        "sacral metastasis."
    )
    assert (r2.presentation, r2.interval_months) == ("metachronous", 156)
    assert months_between((2003, 3), (2016, 2)) == 155


def test_spine_first_is_synchronous() -> None:
    r = one(
        "Renal cell carcinoma presenting as a vertebral metastasis. A 57-year-old man presented with a lytic "
        "T11 metastasis as the first manifestation; staging CT then found a renal mass."
    )
    assert (r.presentation, r.interval_months) == ("synchronous", 0)


def test_unknown_primary() -> None:
    r = one(
        "A 54-year-old man had a T7 metastasis of poorly differentiated carcinoma; the primary remained "
        "unknown. He died 16 days after surgery."
    )
    assert r.primary_site == "unknown"
    assert r.vital_status == "dead"
    assert r.follow_up_months == pytest.approx(16 / 30.44, abs=0.01)


def test_numbers_written_as_words() -> None:
    assert parse_number("sixty-two") == 62
    assert parse_number("thirteen") == 13
    r = one("A sixty-two-year-old woman had an L4 metastasis of breast ductal carcinoma.")
    assert (r.age, r.sex) == (62, "female")


def test_follow_up_in_years() -> None:
    r = one(
        "A 51-year-old man with rectal GIST underwent en bloc corpectomy of L3. "
        "A 3-year follow-up showed no local recurrence."
    )
    assert r.follow_up_months == 36
    assert r.local_recurrence is False
    assert r.vital_status == "alive"


def test_two_cases_under_headings() -> None:
    found = cases(
        "We report two cases.\nCase 1\nA 71-year-old woman had a sacral GIST metastasis.\n"
        "Case 2\nA 69-year-old man had L1 and L3 metastases from a gastric GIST."
    )
    assert [(c.case, c.age, c.sex, c.spinal_levels) for c in found] == [
        (1, 71, "female", ["S"]),
        (2, 69, "male", ["L1", "L3"]),
    ]


def test_two_patients_in_running_text() -> None:
    found = cases(
        "Two patients are described. The first patient, a 50-year-old man, had a T4 metastasis of lung "
        "adenocarcinoma. The second patient, a 44-year-old woman, had an L5 metastasis of breast ductal "
        "carcinoma."
    )
    assert [(c.age, c.sex, c.spinal_levels, c.primary_site) for c in found] == [
        (50, "male", ["T4"], "lung"),
        (44, "female", ["L5"], "breast"),
    ]


def test_restated_introduction_is_one_patient() -> None:
    found = cases(
        "Abstract: A 51-year-old man had an L3 metastasis of rectal GIST.\n"
        "Case presentation\nA 51-year-old man presented with back pain. CT showed an L3 lesion."
    )
    assert len(found) == 1


def test_a_review_without_a_patient_yields_nothing() -> None:
    assert (
        cases(
            "Spinal metastases are common in lung and breast cancer. Surgery is usually combined with "
            "radiotherapy. Most series report a median survival of 12 months."
        )
        == []
    )


def test_expand_levels() -> None:
    assert expand("T11", "L2") == ["T11", "T12", "L1", "L2"]
