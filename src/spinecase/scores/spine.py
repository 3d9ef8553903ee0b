"""Additive spine scores: SINS (instability), the revised Tokuhashi score and the Tomita score.

Each function takes the inputs as a mapping or keywords (see ``spinecase score NAME --help``) and
returns a result whose ``total`` is null until every item is known; ``possible_range`` and
``category`` say what the known items already decide. ``candidates`` lists, for an input the caller
knows only as alternatives, every value it may take.

Example::

    >>> r = tomita(primary_growth="rapid", visceral_mets="none")
    >>> r.total, r.possible_range, r.category
    (None, (5, 6), None)
    >>> tomita(primary_growth="slow", visceral_mets="none", bone_mets="solitary").surgical_strategy
    'wide or marginal excision'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._spec import ScoreInputError, band_of, load_table, merge_inputs, score_spec
from .result import ScoreResult, tally_items


class SinsResult(ScoreResult):
    """SINS result; ``surgical_consultation_warranted`` is true from 7 points (null while undecided)."""

    surgical_consultation_warranted: bool | None = None


class TokuhashiResult(ScoreResult):
    """Revised Tokuhashi result with the band's ``predicted_survival``."""

    predicted_survival: str | None = None


class TomitaResult(ScoreResult):
    """Tomita result with the band's ``surgical_strategy``."""

    surgical_strategy: str | None = None


SINS_ITEMS = ("location", "pain", "bone_lesion", "alignment", "collapse", "posterolateral")
TOKUHASHI_ITEMS = (
    "kps",
    "extraspinal_bone_mets_foci",
    "vertebral_body_mets",
    "major_organ_mets",
    "primary",
    "frankel",
)
TOMITA_ITEMS = ("primary_growth", "visceral_mets", "bone_mets")


def level_location(level: str) -> str:
    """SINS location of a vertebral level (``"T12"`` → ``"junctional"``, ``"T5"`` → ``"semirigid"``)."""
    for location, levels in score_spec("sins").raw["level_location"].items():
        if level in levels:
            return str(location)
    raise KeyError(level)


def sins(
    inputs: Mapping[str, Any] | None = None,
    /,
    *,
    candidates: Mapping[str, Sequence[Any]] | None = None,
    **values: Any,
) -> SinsResult:
    """Spinal Instability Neoplastic Score of one lesion (Fisher et al., Spine 2010).

    Six items: location (or the vertebral ``level``, from which it is derived), pain, bone lesion,
    alignment, vertebral body collapse and posterolateral involvement. 0-6 is stable, 7-12 potentially
    unstable (indeterminate) and 13-18 unstable; from 7 points a surgical consultation is warranted.
    Score one level at a time: the items describe a single lesion.

    >>> r = sins(level="T12", pain="mechanical", bone_lesion="lytic", alignment="normal",
    ...          collapse="lt50", posterolateral="unilateral")
    >>> r.total, r.category, r.surgical_consultation_warranted
    (11, 'potentially_unstable', True)
    """
    spec = score_spec("sins")
    given, notes = spec.validate(merge_inputs(inputs, values))
    cands = spec.validate_candidates(candidates)
    if "level" in given:
        derived = level_location(given["level"])
        if given.get("location", derived) != derived:
            raise ScoreInputError(
                "sins", "location", f"{given['location']!r} contradicts level {given['level']} ({derived})"
            )
        given["location"] = derived
    elif "level" in cands and "location" not in cands:
        cands["location"] = list(dict.fromkeys(level_location(lv) for lv in cands["level"]))
    t = tally_items(spec, SINS_ITEMS, given, cands)
    band = band_of(spec.bands, t.lo, t.hi)
    threshold = int(spec.raw["surgical_consultation_from"])
    consult = True if t.lo >= threshold else False if t.hi < threshold else None
    return SinsResult(
        score="sins",
        total=t.total(),
        possible_range=(t.lo, t.hi),
        missing=t.missing,
        category=band.category if band else None,
        surgical_consultation_warranted=consult,
        items=t.items,
        ambiguous=t.ambiguous,
        inputs=given,
        notes=notes,
        references=list(spec.references),
    )


def kps_from_ecog(ecog: int) -> list[int]:
    """Every KPS that a published ECOG→KPS crosswalk pairs with ``ecog`` (they disagree).

    >>> kps_from_ecog(1)
    [70, 80, 90]
    """
    return list(load_table("performance")["ecog_to_kps"][ecog])


def _kps_from_ecog_note(ecogs: Sequence[int], kps: Sequence[int], points: set[int]) -> str:
    ecog_text = " or ".join(str(e) for e in ecogs)
    kps_text = f"{min(kps)}-{max(kps)}"
    if len(points) == 1:
        return (
            f"kps not given: ECOG {ecog_text} corresponds to KPS {kps_text} in every published crosswalk, "
            f"which scores {next(iter(points))} either way (flagged conversion; give kps to confirm)."
        )
    return (
        f"kps not given: ECOG {ecog_text} corresponds to KPS {kps_text} depending on the crosswalk, so the "
        f"item scores {' or '.join(str(p) for p in sorted(points))}; left ambiguous rather than converted."
    )


def tokuhashi_revised(
    inputs: Mapping[str, Any] | None = None,
    /,
    *,
    candidates: Mapping[str, Sequence[Any]] | None = None,
    **values: Any,
) -> TokuhashiResult:
    """Revised Tokuhashi score (Tokuhashi et al., Spine 2005): prognosis of a metastatic spine tumour.

    Six items of 0-2 points (primary site 0-5): Karnofsky status, extraspinal bone foci, number of
    vertebral body metastases (at least one), major-organ metastases, primary site and palsy (Frankel).
    0-8 predicts survival under 6 months, 9-11 at least 6 months and 12-15 at least a year.
    KPS is never converted from ECOG silently: ``ecog`` (when ``kps`` is unknown) makes the item
    ambiguous where the crosswalks disagree; ``asia`` stands in for ``frankel`` with a flag.

    >>> r = tokuhashi_revised(kps=70, extraspinal_bone_mets_foci=0, vertebral_body_mets=2,
    ...                       major_organ_mets="none", primary="kidney", frankel="D")
    >>> r.total, r.category, r.predicted_survival
    (10, '9-11', '>=6 months')
    >>> tokuhashi_revised(ecog=1).ambiguous["kps"].points
    [1, 2]
    """
    spec = score_spec("tokuhashi_revised")
    given, notes = spec.validate(merge_inputs(inputs, values))
    cands = spec.validate_candidates(candidates)
    kps_item = spec.inputs["kps"]
    if "kps" in given:
        if "ecog" in given:
            notes.append("ecog not used: the kps item is scored from the KPS given.")
    elif "kps" not in cands and ("ecog" in given or "ecog" in cands):
        ecogs = [given["ecog"]] if "ecog" in given else sorted(cands["ecog"])
        kps = sorted({k for e in ecogs for k in kps_from_ecog(e)})
        cands["kps"] = kps
        notes.append(_kps_from_ecog_note(ecogs, kps, {kps_item.points_for(k) for k in kps}))
    if "frankel" not in given and "frankel" not in cands and ("asia" in given or "asia" in cands):
        mapping = load_table("performance")["asia_to_frankel"]
        grades = [given["asia"]] if "asia" in given else cands["asia"]
        cands["frankel"] = list(dict.fromkeys(mapping[g] for g in grades))
        notes.append(
            f"frankel not given: taken from ASIA {' or '.join(grades)} (AIS and Frankel correspond only "
            "approximately; flagged conversion)."
        )
    t = tally_items(spec, TOKUHASHI_ITEMS, given, cands)
    band = band_of(spec.bands, t.lo, t.hi)
    return TokuhashiResult(
        score="tokuhashi_revised",
        total=t.total(),
        possible_range=(t.lo, t.hi),
        missing=t.missing,
        category=band.category if band else None,
        predicted_survival=band.extra["predicted_survival"] if band else None,
        items=t.items,
        ambiguous=t.ambiguous,
        inputs=given,
        notes=notes,
        references=list(spec.references),
    )


def tomita(
    inputs: Mapping[str, Any] | None = None,
    /,
    *,
    candidates: Mapping[str, Sequence[Any]] | None = None,
    **values: Any,
) -> TomitaResult:
    """Tomita score (Tomita et al., Spine 2001): surgical strategy for spinal metastases.

    Primary growth (slow 1, moderate 2, rapid 4), visceral metastases (none 0, treatable 2,
    untreatable 4) and bone metastases (solitary 1, multiple 2): 2-10 points, higher is worse.
    2-3 suggests wide or marginal excision, 4-5 marginal or intralesional excision, 6-7 palliative
    surgery and 8-10 non-operative supportive care.

    >>> tomita(primary_growth="moderate", visceral_mets="treatable", bone_mets="solitary").total
    5
    """
    spec = score_spec("tomita")
    given, notes = spec.validate(merge_inputs(inputs, values))
    cands = spec.validate_candidates(candidates)
    t = tally_items(spec, TOMITA_ITEMS, given, cands)
    band = band_of(spec.bands, t.lo, t.hi)
    return TomitaResult(
        score="tomita",
        total=t.total(),
        possible_range=(t.lo, t.hi),
        missing=t.missing,
        category=band.category if band else None,
        surgical_strategy=band.extra["surgical_strategy"] if band else None,
        items=t.items,
        ambiguous=t.ambiguous,
        inputs=given,
        notes=notes,
        references=list(spec.references),
    )
