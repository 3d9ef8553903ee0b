"""Scores of a case record: derive every input the record supports, then score with what is missing.

:func:`score_inputs` reads a :class:`~spinecase.records.CaseRecord` (histology and primary site,
spinal levels, other metastatic sites, neurological status, and the clinical details: KPS/ECOG,
Frankel/ASIA, ESCC grade, pain type, GIST size and mitoses) and returns, per score, the inputs it
supports, the inputs it supports only as alternatives (``candidates``: e.g. visceral metastases are
recorded but not whether they are treatable), and a note for every derivation. :func:`from_case`
scores them; each result lists what is still missing. Class tables (primary-site classes, visceral
sites) are in ``data/case.yaml``.

Example::

    >>> from spinecase.records import CaseRecord, ClinicalDetails
    >>> rec = CaseRecord(document="demo", case=1, histology="renal_cell_carcinoma",
    ...                  primary_site="kidney", spinal_levels=["T12"],
    ...                  clinical=ClinicalDetails(kps=80, frankel="D", escc_grade="2"))
    >>> tomita = next(r for r in from_case(rec) if r.score == "tomita")
    >>> tomita.total, tomita.inputs
    (3, {'primary_growth': 'moderate', 'visceral_mets': 'none', 'bone_mets': 'solitary'})
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..records import CaseRecord
from ._spec import ScoreInputError, load_table, site_parent
from .catalog import compute, input_specs
from .result import ScoreResult

Visceral = Literal["present", "absent", "uncertain"]
Bone = Literal["solitary", "multiple", "either"]

_LEVEL_ORDER = [f"C{i}" for i in range(1, 8)] + [f"T{i}" for i in range(1, 13)]
_LEVEL_ORDER += [f"L{i}" for i in range(1, 6)] + [f"S{i}" for i in range(1, 6)] + ["Co"]
_TIMING = "other_metastasis_sites covers the whole course; they are taken as present when scoring."


class ScoreInputs(BaseModel):
    """The inputs of one score that a case record supports."""

    score: str
    inputs: dict[str, Any] = Field(default_factory=dict)
    candidates: dict[str, list[Any]] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


class _Builder:
    """Collects one score's inputs, validating each so a bad record value becomes a note, not an error."""

    def __init__(self, score: str) -> None:
        self.out = ScoreInputs(score=score)
        self.specs = {s.key: s for s in input_specs(score)}

    def note(self, text: str) -> None:
        if text not in self.out.notes:
            self.out.notes.append(text)

    def _valid(self, key: str, value: Any) -> Any:
        try:
            return self.specs[key].validate(self.out.score, value)
        except ScoreInputError as e:
            self.note(f"record value {value!r} not usable for {key}: {e.problem}.")
            return None

    def set(self, key: str, value: Any, note: str | None = None) -> None:
        if value is None:
            return
        canon = self._valid(key, value)
        if canon is not None:
            self.out.inputs[key] = canon
            if note:
                self.note(note)

    def options(self, key: str, values: Sequence[Any], note: str | None = None) -> None:
        canon = [c for c in (self._valid(key, v) for v in values) if c is not None]
        canon = list(dict.fromkeys(canon))
        if len(canon) == 1:
            self.set(key, canon[0], note)
        elif canon:
            self.out.candidates[key] = canon
            if note:
                self.note(note)


# -- facts read from the record ------------------------------------------------------------------


def _organ(record: CaseRecord) -> tuple[str | None, Literal["carcinoma", "other", "none"]]:
    """The primary organ (site code, sub-sites folded into their parent) and the histology kind.

    ``carcinoma``: a carcinoma of that organ (or no histology recorded and an organ whose cancers are
    carcinomas); ``other``: a named non-carcinoma histology (GIST, sarcoma, melanoma, lymphoma...);
    ``none``: nothing usable.
    """
    table = load_table("case")
    site = record.primary_site
    organ = (site_parent(site) or site) if site else None
    histology = record.histology
    if histology in table["carcinoma_histologies"]:
        return table["histology_organ"].get(histology, organ), "carcinoma"
    if histology:
        return organ, "other"
    if organ in table["carcinoma_organs"]:
        return organ, "carcinoma"
    return None, "none"


def _visceral(record: CaseRecord) -> Visceral:
    table = load_table("case")
    sites = set(record.other_metastasis_sites)
    if sites & set(table["visceral_sites"]):
        return "present"
    if sites - set(table["non_visceral_sites"]):
        return "uncertain"
    return "absent"


def _levels(record: CaseRecord) -> list[str]:
    return list(dict.fromkeys(record.spinal_levels))


def _bone(record: CaseRecord) -> Bone | None:
    """Solitary or multiple bone metastases (spine included); contiguous levels may be one lesion."""
    if "bone" in record.other_metastasis_sites:
        return "multiple"
    levels = _levels(record)
    if not levels:
        return None
    if len(levels) == 1:
        return "solitary"
    index = sorted(
        _LEVEL_ORDER.index("S1" if lv == "S" else lv) for lv in levels if lv in _LEVEL_ORDER or lv == "S"
    )
    contiguous = len(index) == len(levels) and all(b - a <= 1 for a, b in zip(index, index[1:], strict=False))
    return "either" if contiguous else "multiple"


def _frankel(record: CaseRecord) -> str | None:
    """Frankel grade, else the ASIA grade (approximate), upper-cased."""
    for grade in (record.clinical.frankel, record.clinical.asia):
        if grade and grade.strip().upper() in ("A", "B", "C", "D", "E"):
            return grade.strip().upper()
    return None


def _visceral_note(b: _Builder, state: Visceral, record: CaseRecord) -> None:
    sites = ", ".join(record.other_metastasis_sites) or "none recorded"
    if state == "present":
        b.note(
            f"visceral metastases from other_metastasis_sites ({sites}); whether treatable is not recorded."
        )
    elif state == "uncertain":
        b.note(f"other_metastasis_sites ({sites}) may or may not count as visceral.")
    else:
        b.note(f"no visceral metastasis recorded (other_metastasis_sites: {sites}).")
    if record.other_metastasis_sites:
        b.note(_TIMING)


def _bone_note(b: _Builder, state: Bone, record: CaseRecord) -> None:
    levels = ", ".join(_levels(record))
    if state == "either":
        b.note(f"contiguous levels {levels}: one lesion or several, not decided from the record.")
    elif state == "multiple":
        b.note(
            f"multiple bone metastases (spinal levels {levels or 'none'}; other sites: "
            f"{', '.join(record.other_metastasis_sites) or 'none'})."
        )
    else:
        b.note(f"single spinal level {levels} and no other bone metastasis recorded.")


# -- per score ------------------------------------------------------------------------------------


def _sins(record: CaseRecord) -> list[ScoreInputs]:
    out = []
    levels: list[str | None] = [*_levels(record)] or [None]
    for level in levels:
        b = _Builder("sins")
        if level is None:
            b.note("no spinal level recorded: location missing.")
        elif level == "S":
            b.options(
                "location",
                ["junctional", "rigid"],
                "level S (sacrum, segment not given): S1 junctional or S2-S5 rigid.",
            )
        elif level == "Co":
            b.note("coccyx: no SINS location; location missing.")
        else:
            b.set("level", level)
        b.set("pain", record.clinical.pain_type)
        b.set("bone_lesion", record.clinical.bone_lesion)
        if len(_levels(record)) > 1:
            b.note(f"SINS is scored per lesion: this result is level {level}.")
        out.append(b.out)
    return out


def _tokuhashi(record: CaseRecord) -> ScoreInputs:
    b = _Builder("tokuhashi_revised")
    c = record.clinical
    if c.kps is not None:
        if c.kps % 10:
            b.options(
                "kps", [c.kps // 10 * 10, c.kps // 10 * 10 + 10], f"KPS {c.kps} lies between grid values."
            )
        else:
            b.set("kps", c.kps)
    elif c.ecog is not None:
        b.set("ecog", c.ecog)
    b.set("frankel", c.frankel)
    if "frankel" not in b.out.inputs:
        if c.asia:
            b.set("asia", c.asia)
        elif record.neurological_deficit is False:
            b.set("frankel", "E", "no neurological deficit recorded: Frankel E.")
    table = load_table("case")["tokuhashi_primary"]
    organ, kind = _organ(record)
    histology = record.histology
    if histology in table["histology"]:
        b.set("primary", table["histology"][histology])
    elif kind == "carcinoma" and organ:
        cls = table["organ"].get(organ, "other")
        b.options("primary", cls if isinstance(cls, list) else [cls], f"primary from {organ}.")
    elif kind == "other" and organ:
        cls = table["organ"].get(organ, "other")
        named = cls if isinstance(cls, list) else [cls]
        b.options(
            "primary",
            [*named, "other"],
            f"{histology} of the {organ}: the table's organ classes describe carcinomas, so either "
            f"{' or '.join(dict.fromkeys([*named, 'other']))}.",
        )
    else:
        b.note("primary site class not derivable from the record.")
    levels = [lv for lv in _levels(record) if lv != "Co"]
    if levels:
        b.set(
            "vertebral_body_mets", len(levels), f"vertebral_body_mets from spinal levels {', '.join(levels)}."
        )
    if "bone" in record.other_metastasis_sites:
        b.options("extraspinal_bone_mets_foci", [1, 3], "extraspinal bone metastases recorded, not counted.")
        b.note(_TIMING)
    else:
        b.set("extraspinal_bone_mets_foci", 0, "no extraspinal bone metastasis recorded.")
    state = _visceral(record)
    choices = {"present": ["unremovable", "removable"], "uncertain": ["unremovable", "removable", "none"]}
    b.options("major_organ_mets", choices.get(state, ["none"]))
    _visceral_note(b, state, record)
    return b.out


def _tomita(record: CaseRecord) -> ScoreInputs:
    b = _Builder("tomita")
    organ, kind = _organ(record)
    growth = load_table("case")["tomita_growth"]["organ"]
    if kind == "carcinoma" and organ in growth:
        b.set("primary_growth", growth[organ], f"primary growth from {organ}.")
    elif kind != "none":
        b.note(
            f"primary growth of {record.histology or 'carcinoma'} of {organ or 'unrecorded site'} is not "
            "among the paper's examples: give primary_growth."
        )
    state = _visceral(record)
    choices = {"present": ["treatable", "untreatable"], "uncertain": ["none", "treatable", "untreatable"]}
    b.options("visceral_mets", choices.get(state, ["none"]))
    _visceral_note(b, state, record)
    bone = _bone(record)
    if bone:
        b.options("bone_mets", ["solitary", "multiple"] if bone == "either" else [bone])
        _bone_note(b, bone, record)
    return b.out


def _bauer_inputs(b: _Builder, record: CaseRecord) -> None:
    table = load_table("case")["bauer_primary"]
    organ, kind = _organ(record)
    histology = record.histology
    if histology in table["histology"]:
        cls = table["histology"][histology]
        b.options("primary", cls if isinstance(cls, list) else [cls], f"primary from histology {histology}.")
    elif kind == "carcinoma" and organ and organ != "unknown":
        b.set("primary", table["organ"].get(organ, "other"), f"primary from {organ}.")
    elif kind == "other":
        b.set("primary", "other", f"{histology}: neither lung cancer nor a favourable histology.")
    state = _visceral(record)
    b.options("visceral_mets", {"present": [True], "absent": [False]}.get(state, [True, False]))
    _visceral_note(b, state, record)
    bone = _bone(record)
    if bone:
        b.options("solitary_skeletal_met", {"solitary": [True], "multiple": [False]}.get(bone, [True, False]))
        _bone_note(b, bone, record)


def _bauer(record: CaseRecord) -> ScoreInputs:
    b = _Builder("bauer")
    _bauer_inputs(b, record)
    return b.out


def _nesms(record: CaseRecord) -> ScoreInputs:
    b = _Builder("nesms")
    _bauer_inputs(b, record)
    grade = _frankel(record)
    if grade in ("A", "B", "C"):
        b.set(
            "ambulatory_independent",
            False,
            f"Frankel/ASIA {grade}: no useful motor function, not ambulatory.",
        )
    return b.out


def _escc(record: CaseRecord) -> ScoreInputs:
    b = _Builder("escc")
    b.set("grade", record.clinical.escc_grade)
    return b.out


def _noms(record: CaseRecord) -> ScoreInputs:
    b = _Builder("noms")
    b.set("histology", record.histology)
    b.set("primary_site", record.primary_site)
    b.set("escc", record.clinical.escc_grade)
    grade = _frankel(record)
    if grade:
        b.set("myelopathy", grade != "E", f"myelopathy from Frankel/ASIA {grade}.")
    elif record.neurological_deficit is not None:
        b.set(
            "myelopathy",
            record.neurological_deficit,
            "myelopathy from neurological_deficit (a deficit is taken as myelopathy or functional radiculopathy).",
        )
    return b.out


def _gist(record: CaseRecord, score: str) -> ScoreInputs:
    b = _Builder(score)
    b.set("site", record.primary_site)
    c = record.clinical
    b.set("size_cm", c.tumour_size_cm, "size_cm from the recorded tumour size (taken as the primary GIST).")
    if c.mitotic_count is not None:
        denominator = (c.mitotic_denominator or "").strip().lower()
        if denominator in load_table("case")["per_50hpf_denominators"]:
            b.set("mitoses_per_50hpf", c.mitotic_count)
        else:
            b.note(
                f"mitotic count {c.mitotic_count:g} per {c.mitotic_denominator or 'unstated area'}: "
                "not per 50 HPF / 5 mm2, so not used."
            )
    return b.out


def score_inputs(record: CaseRecord) -> list[ScoreInputs]:
    """The inputs of every applicable score that ``record`` supports (SINS once per spinal level;
    the GIST risk tables only for a GIST)."""
    out = _sins(record)
    out += [_tokuhashi(record), _tomita(record), _bauer(record), _nesms(record), _escc(record), _noms(record)]
    if record.histology == "gist":
        out += [_gist(record, "gist_afip"), _gist(record, "gist_nih_modified")]
    return out


def from_case(record: CaseRecord) -> list[ScoreResult]:
    """Every applicable score of ``record``, each with its derivation notes and what is still missing."""
    results = []
    for derived in score_inputs(record):
        result = compute(derived.score, derived.inputs, candidates=derived.candidates)
        result.notes = derived.notes + result.notes
        results.append(result)
    return results
