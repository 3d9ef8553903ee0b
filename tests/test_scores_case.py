"""Scores of a case record: what the record supports, what stays missing or ambiguous, and why."""

from __future__ import annotations

from typing import Any

from spinecase.records import CaseRecord, ClinicalDetails
from spinecase.scores import ScoreResult, from_case, score_inputs


def case(**fields: Any) -> CaseRecord:
    clinical = fields.pop("clinical", {})
    return CaseRecord(document="test", case=1, clinical=ClinicalDetails(**clinical), **fields)


def by_score(results: list[ScoreResult]) -> dict[str, list[ScoreResult]]:
    out: dict[str, list[ScoreResult]] = {}
    for r in results:
        out.setdefault(r.score, []).append(r)
    return out


def test_renal_cell_carcinoma_single_level() -> None:
    rec = case(
        histology="renal_cell_carcinoma",
        primary_site="kidney",
        spinal_levels=["T12"],
        neurological_deficit=True,
        clinical=dict(kps=80, frankel="D", escc_grade="2", pain_type="mechanical"),
    )
    s = by_score(from_case(rec))
    assert set(s) == {"sins", "tokuhashi_revised", "tomita", "bauer", "nesms", "escc", "noms"}

    (sins,) = s["sins"]
    assert sins.inputs["location"] == "junctional"
    assert sins.items == {"location": 3, "pain": 3}
    assert sins.missing == ["bone_lesion", "alignment", "collapse", "posterolateral"]

    (toku,) = s["tokuhashi_revised"]
    # KPS 80 (2) + no extraspinal bone (2) + one vertebra (2) + no organ mets (2) + kidney (3) + Frankel D (1)
    assert (toku.total, toku.category) == (12, "12-15")

    (tomita,) = s["tomita"]
    assert (tomita.total, tomita.category) == (3, "2-3")

    (bauer,) = s["bauer"]
    assert bauer.missing == ["pathological_fracture"]
    assert (bauer.modified_total, bauer.modified_category) == (4, "3-4")

    (nesms,) = s["nesms"]
    assert nesms.items["modified_bauer"] == 2
    assert nesms.missing == ["ambulatory_independent", "albumin_g_dl"]

    assert s["escc"][0].category == "high_grade"
    (noms,) = s["noms"]
    assert (noms.radiosensitivity, noms.inputs["myelopathy"]) == ("radioresistant", True)
    assert noms.missing == ["fit_for_surgery", "mechanically_unstable"]


def test_gist_with_ecog_and_visceral_metastases() -> None:
    rec = case(
        histology="gist",
        primary_site="stomach",
        spinal_levels=["L2", "L3"],
        other_metastasis_sites=["liver"],
        clinical=dict(ecog=1, tumour_size_cm=12, mitotic_count=8, mitotic_denominator="50 HPF", asia="D"),
    )
    s = by_score(from_case(rec))
    assert [r.inputs["level"] for r in s["sins"]] == ["L2", "L3"]  # one SINS per level

    (toku,) = s["tokuhashi_revised"]
    assert toku.ambiguous["kps"].points == [1, 2]  # ECOG 1: KPS 70-90, never converted silently
    assert toku.ambiguous["major_organ_mets"].candidates == ["unremovable", "removable"]
    assert toku.ambiguous["primary"].candidates == ["stomach", "other"]  # a GIST is not gastric carcinoma
    assert toku.items["frankel"] == 1
    assert toku.items["vertebral_body_mets"] == 1
    assert set(toku.missing) == {"kps", "major_organ_mets", "primary"}
    assert any("ASIA" in n for n in toku.notes)

    (tomita,) = s["tomita"]
    assert "primary_growth" in tomita.missing
    assert tomita.ambiguous["bone_mets"].candidates == ["solitary", "multiple"]  # contiguous levels

    (bauer,) = s["bauer"]
    assert bauer.inputs["primary"] == "other"
    assert bauer.inputs["visceral_mets"] is True

    (afip,) = s["gist_afip"]
    assert (afip.category, afip.prognostic_group, afip.risk_of_progression_pct) == ("high", "6b", 86)
    (nih,) = s["gist_nih_modified"]
    assert (nih.category, nih.missing) == ("high", [])


def test_gist_mitoses_per_10_hpf_are_not_used() -> None:
    rec = case(
        histology="gist",
        primary_site="jejunum",
        clinical=dict(tumour_size_cm=4, mitotic_count=3, mitotic_denominator="10 HPF"),
    )
    afip = next(r for r in from_case(rec) if r.score == "gist_afip")
    assert "mitoses_per_50hpf" not in afip.inputs
    assert "mitoses_per_50hpf" in afip.missing
    assert any("10 HPF" in n for n in afip.notes)


def test_sacrum_and_no_levels() -> None:
    (sins,) = [r for r in from_case(case(spinal_levels=["S"])) if r.score == "sins"]
    assert sins.ambiguous["location"].candidates == ["junctional", "rigid"]
    assert sins.ambiguous["location"].points == [0, 3]
    (sins,) = [r for r in from_case(case()) if r.score == "sins"]
    assert "location" in sins.missing


def test_non_contiguous_levels_and_other_bone_are_multiple() -> None:
    tomita = next(r for r in from_case(case(spinal_levels=["T4", "L3"])) if r.score == "tomita")
    assert tomita.inputs["bone_mets"] == "multiple"
    tomita = next(
        r
        for r in from_case(case(spinal_levels=["T4"], other_metastasis_sites=["bone"]))
        if r.score == "tomita"
    )
    assert tomita.inputs["bone_mets"] == "multiple"
    toku = next(
        r
        for r in from_case(case(spinal_levels=["T4"], other_metastasis_sites=["bone"]))
        if r.score == "tokuhashi_revised"
    )
    assert toku.ambiguous["extraspinal_bone_mets_foci"].points == [0, 1]


def test_uncertain_visceral_sites_are_ambiguous() -> None:
    bauer = next(r for r in from_case(case(other_metastasis_sites=["peritoneum"])) if r.score == "bauer")
    assert bauer.ambiguous["visceral_mets"].candidates == [True, False]
    bauer = next(r for r in from_case(case(other_metastasis_sites=["lymph_node"])) if r.score == "bauer")
    assert bauer.inputs["visceral_mets"] is False


def test_primary_classes_from_histology_and_site() -> None:
    def inputs(score: str, **fields: Any) -> dict[str, Any]:
        derived = next(d for d in score_inputs(case(**fields)) if d.score == score)
        return {**derived.inputs, **{k: v for k, v in derived.candidates.items()}}

    assert inputs("tokuhashi_revised", primary_site="breast")["primary"] == "breast"  # no histology: organ
    assert (
        inputs("tokuhashi_revised", histology="adenocarcinoma", primary_site="sigmoid_colon")["primary"]
        == "other"
    )
    assert (
        inputs("tokuhashi_revised", histology="neuroendocrine_tumor", primary_site="ileum")["primary"]
        == "carcinoid"
    )
    assert (
        inputs("tokuhashi_revised", histology="carcinoma", primary_site="unknown")["primary"]
        == "unidentified"
    )
    assert inputs("tokuhashi_revised", histology="lymphoma", primary_site="stomach")["primary"] == [
        "stomach",
        "other",
    ]
    assert inputs("tomita", histology="hepatocellular_carcinoma")["primary_growth"] == "rapid"
    assert inputs("tomita", histology="adenocarcinoma", primary_site="prostate")["primary_growth"] == "slow"
    assert "primary_growth" not in inputs("tomita", histology="melanoma", primary_site="skin")
    assert inputs("bauer", histology="plasma_cell_myeloma")["primary"] == "myeloma"
    assert inputs("bauer", histology="squamous_cell_carcinoma", primary_site="lung")["primary"] == "lung"
    assert "primary" not in inputs("bauer", histology="carcinoma", primary_site="unknown")  # could be lung


def test_neurology_and_performance_derivations() -> None:
    toku = next(r for r in from_case(case(neurological_deficit=False)) if r.score == "tokuhashi_revised")
    assert toku.items["frankel"] == 2
    noms = next(r for r in from_case(case(neurological_deficit=False)) if r.score == "noms")
    assert noms.inputs["myelopathy"] is False
    nesms = next(r for r in from_case(case(clinical=dict(frankel="C"))) if r.score == "nesms")
    assert nesms.inputs["ambulatory_independent"] is False
    # A KPS off the 10-point grid is not rounded silently: both neighbours score 2 here.
    toku = next(r for r in from_case(case(clinical=dict(kps=85))) if r.score == "tokuhashi_revised")
    assert toku.items["kps"] == 2
    assert any("85" in n for n in toku.notes)


def test_bad_record_values_become_notes_not_errors() -> None:
    rec = case(spinal_levels=["T7"], clinical=dict(pain_type="severe", escc_grade="4", frankel="X"))
    s = by_score(from_case(rec))
    assert "pain" in s["sins"][0].missing
    assert any("severe" in n for n in s["sins"][0].notes)
    assert s["escc"][0].missing == ["grade"]
    assert "frankel" in s["tokuhashi_revised"][0].missing
    assert "myelopathy" not in s["noms"][0].inputs


def test_non_gist_has_no_gist_scores() -> None:
    assert not {"gist_afip", "gist_nih_modified"} & {r.score for r in from_case(case(histology="melanoma"))}
