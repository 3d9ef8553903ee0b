"""Ways real reports write things that the first rules missed (fixture batch 3), one rule per test.

Every text here is invented for the test.
"""

from __future__ import annotations

import pytest

from extracting import cases, one
from spinecase.extract.patients import find_intro


@pytest.mark.parametrize(
    ("phrase", "age", "sex"),
    [
        ("a 64-yo man", 64, "male"),
        ("a 64 y/o woman", 64, "female"),
        ("Patient 2 (52/F) In 2009 she", 52, "female"),
        ("Case 3 (58 M) He", 58, "male"),
        ("The other, a man of 59, had", 59, "male"),
        ("a woman aged forty-eight", 48, "female"),
    ],
)
def test_shorthand_introductions(phrase: str, age: int, sex: str) -> None:
    intro = find_intro(phrase, 0, len(phrase))
    assert intro is not None and (intro.age, intro.sex) == (age, sex)


@pytest.mark.parametrize(
    "phrase", ["Fig 3/F shows", "a case of 9-hour-old", "a man of 70 kg", "a dose of 30 mg/m2"]
)
def test_things_that_are_not_introductions(phrase: str) -> None:
    assert find_intro(phrase, 0, len(phrase)) is None


def test_patient_headings_run_into_their_paragraphs_open_cases() -> None:
    found = cases(
        "Spinal radiosurgery for three uncommon primaries\n\nIntroduction\nSBRT is widely used; its median "
        "dose in series of 200 patients is 24 Gy.\n\n"
        "Patient 1 (male, 66 years) This man had a squamous cell carcinoma of the penis. MRI showed a "
        "metastasis of T4.\n"
        "Patient 2 (52/F) She had an adenoid cystic carcinoma of the parotid gland. Lytic metastases of L1 "
        "and L3 were treated with SBRT.\n"
        "Patient 3 (a 45-year-old man) He had a mucosal melanoma of the anorectal junction and a metastasis "
        "of S1.\n"
    )
    assert [(c.age, c.sex) for c in found] == [(66, "male"), (52, "female"), (45, "male")]
    assert [c.spinal_levels for c in found] == [["T4"], ["L1", "L3"], ["S1"]]


def test_numbered_and_care_headings() -> None:
    r = one(
        "1. Introduction\nBone metastases occur in 30% of patients with rectal tumours.\n\n"
        "Patient information\nA 47-year-old man had a rectal neuroendocrine tumour resected in 2012.\n\n"
        "2.1. Diagnostic assessment\nMRI showed a metastasis of C6 compressing the cord."
    )
    assert (r.age, r.sex, r.spinal_levels) == (47, "male", ["C6"])


def test_family_members_with_an_adjective_are_family() -> None:
    r = one(
        "A man aged forty-eight had a lump under his left nipple. His younger sister had been treated for "
        "ovarian cancer at the age of 50. Biopsy showed invasive ductal carcinoma of the breast, and "
        "germline testing confirmed the familial BRCA2 variant. PET showed a metastasis of T7."
    )
    assert (r.age, r.histology, r.primary_site) == (48, "breast_ductal_carcinoma", "breast")


@pytest.mark.parametrize(
    ("phrase", "histology"),
    [
        ("non-small cell lung cancer", "carcinoma"),
        ("non-small-cell lung carcinoma", "carcinoma"),
        ("NSCLC", "carcinoma"),
        ("small cell lung cancer", "small_cell_carcinoma"),
        ("lung adenocarcinoma with an anaplastic lymphoma kinase (ALK) rearrangement", "adenocarcinoma"),
    ],
)
def test_lung_cancer_names(phrase: str, histology: str) -> None:
    r = one(f"A 60-year-old man with {phrase} had a T9 metastasis.")
    assert (r.histology, r.primary_site) == (histology, "lung")


def test_organ_failure_and_coordinated_metastases_are_not_primaries() -> None:
    r = one(
        "A seventy-year-old woman had back pain. MRI showed a destructive metastasis of L2. CT revealed a "
        "mass in the head of the pancreas and multiple liver metastases. Biopsy showed adenocarcinoma. She "
        "died 10 weeks after the operation from hepatic failure."
    )
    assert (r.primary_site, r.other_metastasis_sites) == ("pancreas", ["liver"])


@pytest.mark.parametrize(
    ("sentence", "course"),
    [
        ("She received a single 8 Gy fraction to the sacrum.", (8.0, 1)),
        ("The S1 metastasis was treated with SBRT 27 Gy in 3 to the sacrum.", (27.0, 3)),
    ],
)
def test_dose_notations(sentence: str, course: tuple[float, int]) -> None:
    r = one(f"A 61-year-old woman had anal squamous cell carcinoma staged T3 N1 M0. {sentence}")
    assert [(c.total_dose_gy, c.fractions) for c in r.radiotherapy] == [course]


def test_radiotherapy_to_the_primary_with_a_tnm_stage_is_not_spinal() -> None:
    r = one(
        "A 61-year-old woman had a squamous cell carcinoma of the anal canal, staged T3 N1 M0, treated with "
        "54 Gy in 30 fractions to the primary tumour. Two years later MRI showed a sacral metastasis."
    )
    assert r.radiotherapy == [] and r.spinal_levels == ["S"]


def test_radiotherapy_right_after_a_spinal_operation_targets_it() -> None:
    r = one(
        "A 68-year-old man had renal cell carcinoma. MRI showed a metastasis of L1. He underwent "
        "decompression and pedicle screw fixation from T11 to L3. Histology confirmed renal cell carcinoma. "
        "Conventional radiotherapy, 30 Gy/10 fx, followed."
    )
    assert [(c.total_dose_gy, c.fractions) for c in r.radiotherapy] == [(30.0, 10)]


@pytest.mark.parametrize(
    ("story", "interval"),
    [
        (
            "He was then disease-free for 30 months until he reported back pain. MRI showed a metastasis of T4.",
            30,
        ),
        (
            "He had undergone cholecystectomy for adenocarcinoma of the gallbladder 18 months before he "
            "developed neck pain. MRI showed a metastasis of C3.",
            18,
        ),
        (
            "Six years earlier he had undergone resection of a gastrointestinal stromal tumour. Twenty months "
            "after imatinib was stopped, CT showed liver metastases. MRI then showed a metastasis of L4.",
            72,
        ),
    ],
)
def test_intervals(story: str, interval: float) -> None:
    r = one(f"A 60-year-old man had cancer. {story}")
    assert (r.presentation, r.interval_months) == ("metachronous", interval)


def test_one_work_up_finding_primary_and_spine_is_synchronous() -> None:
    r = one(
        "A 74-year-old woman had a neck swelling and a hard thyroid mass. CT showed a 7-cm thyroid mass, lung "
        "metastases and destruction of the C4 vertebral body. Biopsy showed anaplastic carcinoma."
    )
    assert (r.presentation, r.interval_months) == ("synchronous", 0)


@pytest.mark.parametrize(
    ("sentence", "deficit"),
    [
        ("Right ankle dorsiflexion was 3/5.", True),
        ("The left triceps were 4-/5 with a positive Hoffmann sign.", True),
        ("There was reduced sensation over the right foot.", True),
        ("He had mild sacral pain but no deficit.", False),
    ],
)
def test_neurological_findings(sentence: str, deficit: bool) -> None:
    r = one(f"A 64-year-old man had prostate cancer and a metastasis of L4. {sentence}")
    assert r.neurological_deficit is deficit


def test_slash_vertebral_bodies_are_two_levels_but_a_slash_disc_is_not() -> None:
    r = one("A 64-year-old man had a GIST. MRI showed metastases in the L4/5 vertebral bodies.")
    assert r.spinal_levels == ["L4", "L5"]


def test_mimics_leave_no_level() -> None:
    r = one(
        "A 52-year-old woman had melanoma treated with nivolumab. PET showed uptake in T6 and L2, reported as "
        "probable metastatic progression. Biopsy of L2 showed non-caseating granulomas, and a sarcoid-like "
        "reaction was diagnosed."
    )
    assert r.spinal_levels == []


@pytest.mark.parametrize(
    "sentence",
    ["At the 18-month visit she was alive and well.", "Eighteen months on, she remains well."],
)
def test_follow_up_phrasings(sentence: str) -> None:
    r = one(
        f"A 52-year-old woman had an adenoid cystic carcinoma. MRI showed a metastasis of L1, treated with "
        f"SBRT 24 Gy in 2 fractions. {sentence}"
    )
    assert (r.follow_up_months, r.vital_status) == (18, "alive")


@pytest.mark.parametrize(
    ("story", "age"),
    [
        (
            "She was 44 at hysterectomy for a stromal sarcoma. Now 53, she presents with a metastasis of L3.",
            53,
        ),
        (
            "A sixteen-year-old boy had an osteosarcoma of the femur. In 2021 the patient, now a nineteen-year-old "
            "man, developed pain from a metastasis of T3.",
            19,
        ),
        (
            "A 26-year-old man had a metastasis of T9 from a thymoma. He is now 30 years old and still alive.",
            26,
        ),
    ],
)
def test_the_age_at_the_spinal_presentation_wins(story: str, age: int) -> None:
    assert one(story).age == age


def test_patients_named_by_letter_in_running_text_are_the_ones_introduced() -> None:
    found = cases(
        "A 24-yo man (A) came to the emergency department with chest pain after a trip abroad. Two days "
        "later his travel companion (B), a 23-yo man, came with the same symptoms. Patient B said that he "
        "and patient A had eaten chicken on the last day. Both recovered."
    )
    assert [(c.case, c.age) for c in found] == [(1, 24), (2, 23)]


def test_node_places_local_invasion_and_other_organs_are_not_metastatic_sites() -> None:
    r = one(
        "A 74-year-old woman had a thyroid carcinoma invading the trachea and oesophageal wall, with two avid "
        "lymph nodes in the anterior mediastinum. MRI showed a metastasis of C4. With non-pulmonary visceral "
        "disease excluded and MRI of the brain normal, ruling out cerebral metastases, she received radiotherapy."
    )
    assert r.other_metastasis_sites == ["lymph_node"]


def test_a_negation_after_and_does_not_reach_back() -> None:
    r = one(
        "A 61-year-old woman had anal carcinoma. MRI showed a metastasis of the sacrum. CT of the chest "
        "showed four new pulmonary nodules, and liver metastases were ruled out by MRI."
    )
    assert r.other_metastasis_sites == ["lung"]


@pytest.mark.parametrize(
    ("story", "interval"),
    [
        (
            "A 58-years-old woman was admitted in our clinic in 02/2016 for pain in the lumbosacral region since "
            "4 months. From her history we retain a thyroidectomy performed in 06/2009 for papillary thyroid "
            "carcinoma. MRI showed a metastasis of S1.",
            80,
        ),
        (
            "A 61-year-old man had an oesophagectomy in 2011-05 for a GIST. Timeline: 2011-07 to 2014-07 imatinib; "
            "2017-10 back pain, MRI showed a T6 metastasis.",
            77,
        ),
        (
            "A 48-year-old woman had a carotid body paraganglioma excised. After a latency of 14 years she "
            "reported back pain, and MRI showed a metastasis of T8.",
            168,
        ),
    ],
)
def test_more_ways_of_dating_the_spinal_metastasis(story: str, interval: float) -> None:
    r = one(story)
    assert (r.presentation, r.interval_months) == ("metachronous", interval)


def test_hash_fractions_and_dose_parameters() -> None:
    r = one(
        "A 48-year-old woman had a metastasis of T8 from a paraganglioma. T8 received SABR 35 Gy/5#, planned so "
        "that the spinal cord maximum stayed below 14 Gy (alpha/beta 2 Gy)."
    )
    assert [(c.total_dose_gy, c.fractions) for c in r.radiotherapy] == [(35.0, 5)]


def test_a_correction_notice_describes_no_patient() -> None:
    assert (
        cases(
            'Corrigendum\n\nCorrigendum to "Sacral metastasis of a rectal GIST"\n\nIn the Case presentation, the age '
            "of the patient should read 61 years, and the metastasis was at S2, not S1."
        )
        == []
    )


@pytest.mark.parametrize(
    ("sentence", "follow_up", "status"),
    [
        ("Twelve months after SABR she is free of pain.", 12, "alive"),
        ("She survived 5 months after the diagnosis of the spinal lesion.", 5, "dead"),
        ("He expired 9 months after the re-irradiation.", 9, "dead"),
    ],
)
def test_follow_up_after_sabr_reirradiation_or_the_spinal_diagnosis(
    sentence: str, follow_up: float, status: str
) -> None:
    r = one(
        f"A 48-year-old woman had a metastasis of T8 from a paraganglioma. T8 received SABR 35 Gy in 5 fractions. "
        f"Re-irradiation of T8 followed later. {sentence}"
    )
    assert (r.follow_up_months, r.vital_status) == (follow_up, status)
