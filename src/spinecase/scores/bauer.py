"""The Bauer score, its modified form and the New England Spinal Metastasis Score (NESMS).

Bauer (1995) gives one point per favourable factor: no visceral metastases, a primary that is not lung
cancer, a breast, kidney, lymphoma or myeloma primary, a solitary skeletal metastasis and no
pathological fracture (0-5). The modified score (Leithner 2008) drops the fracture item (0-4) and
moves the band cut-points, so the two are reported side by side and never substituted. NESMS builds
on the modified Bauer score.

Example::

    >>> r = bauer(primary="breast", visceral_mets=False, solitary_skeletal_met=False,
    ...           pathological_fracture=True)
    >>> r.total, r.category, r.modified_total, r.modified_category
    (3, '2-3', 3, '3-4')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._spec import ScoreInputError, band_of, bands_from, merge_inputs, score_spec
from .result import ScoreResult, Tally, tally_items


class BauerResult(ScoreResult):
    """Bauer result: ``total``/``category`` are the 1995 score; ``modified_*`` the modified score."""

    modified_total: int | None = None
    modified_possible_range: tuple[int, int] | None = None
    modified_category: str | None = None


class NesmsResult(ScoreResult):
    """NESMS result (0-3, higher is better); ``category`` is the score itself once decided."""


BAUER_ITEMS = ("visceral_mets", "primary", "solitary_skeletal_met", "pathological_fracture")


def _modified_items() -> tuple[str, ...]:
    return tuple(score_spec("bauer").raw["modified_items"])


def modified_bauer_tally(given: Mapping[str, Any], candidates: Mapping[str, Sequence[Any]]) -> Tally:
    """The partial sum of the modified Bauer items (primary, visceral metastases, solitary metastasis)."""
    return tally_items(score_spec("bauer"), _modified_items(), given, candidates)


def bauer(
    inputs: Mapping[str, Any] | None = None,
    /,
    *,
    candidates: Mapping[str, Sequence[Any]] | None = None,
    **values: Any,
) -> BauerResult:
    """Bauer score (Bauer & Wedin 1995) and modified Bauer score (Leithner et al. 2008).

    ``total`` is the original 0-5 score in bands 0-1, 2-3, 4-5 (about <6 months, ~25% and ~50%
    one-year survival); ``modified_total`` is 0-4 in bands 0-1 (supportive care), 2 (short-term
    palliation) and 3-4 (middle-term local control). The modified score needs no fracture status.

    >>> r = bauer(primary="colon", visceral_mets=True, solitary_skeletal_met=True)
    >>> r.total, r.possible_range, r.modified_total, r.modified_category
    (None, (2, 3), 2, '2')
    """
    spec = score_spec("bauer")
    given, notes = spec.validate(merge_inputs(inputs, values))
    cands = spec.validate_candidates(candidates)
    t = tally_items(spec, BAUER_ITEMS, given, cands)
    m = modified_bauer_tally(given, cands)
    band = band_of(spec.bands, t.lo, t.hi)
    mband = band_of(bands_from(spec.raw["modified_bands"]), m.lo, m.hi)
    return BauerResult(
        score="bauer",
        total=t.total(),
        possible_range=(t.lo, t.hi),
        missing=t.missing,
        category=band.category if band else None,
        modified_total=m.total(),
        modified_possible_range=(m.lo, m.hi),
        modified_category=mband.category if mband else None,
        items=t.items,
        ambiguous=t.ambiguous,
        inputs=given,
        notes=notes,
        references=list(spec.references),
    )


def nesms(
    inputs: Mapping[str, Any] | None = None,
    /,
    *,
    candidates: Mapping[str, Sequence[Any]] | None = None,
    **values: Any,
) -> NesmsResult:
    """New England Spinal Metastasis Score (Ghori et al. 2015; Schoenfeld et al. 2016, 2021).

    Modified Bauer score >= 3 earns 2 points, intact independent ambulation 1 and serum albumin
    >= 3.5 g/dL 1; higher is better. The derivation states a ceiling of three although the items can
    add to four: implemented as ``min(sum, 3)`` and flagged as unresolved in the notes.
    ``modified_bauer`` may be replaced by the bauer inputs (primary, visceral_mets,
    solitary_skeletal_met).

    >>> r = nesms(modified_bauer=3, ambulatory_independent=True, albumin_g_dl=3.9)
    >>> r.total, r.category
    (3, '3')
    >>> nesms(primary="lung", visceral_mets=True, ambulatory_independent=True).possible_range
    (1, 2)
    """
    spec = score_spec("nesms")
    bauer_spec = score_spec("bauer")
    bauer_keys = tuple(spec.raw["bauer_inputs"])
    raw = merge_inputs(inputs, values)
    own = {k: v for k, v in raw.items() if k not in bauer_keys}
    given, notes = spec.validate(own)
    bauer_given, bauer_notes = bauer_spec.validate({k: v for k, v in raw.items() if k in bauer_keys})
    notes += bauer_notes
    all_cands = dict(candidates or {})
    cands = spec.validate_candidates({k: v for k, v in all_cands.items() if k not in bauer_keys})
    bauer_cands = bauer_spec.validate_candidates({k: v for k, v in all_cands.items() if k in bauer_keys})
    ceiling = int(spec.raw["ceiling"])
    item = spec.inputs["modified_bauer"]

    t = tally_items(spec, ("ambulatory_independent", "albumin_g_dl"), given, cands)
    uses_bauer = bool(bauer_given or bauer_cands)
    m = modified_bauer_tally(bauer_given, bauer_cands) if uses_bauer else None
    if "modified_bauer" in given:
        if m is not None and not m.lo <= given["modified_bauer"] <= m.hi:
            raise ScoreInputError(
                "nesms",
                "modified_bauer",
                f"{given['modified_bauer']} contradicts the bauer inputs ({m.lo}-{m.hi})",
            )
        t.award("modified_bauer", item.points_for(given["modified_bauer"]))
    elif m is not None and "modified_bauer" not in cands:
        possible = {item.points_for(v) for v in range(m.lo, m.hi + 1)}
        if m.total() is not None:
            t.award("modified_bauer", item.points_for(m.lo))
            notes.append(f"modified_bauer {m.lo} from the bauer inputs.")
        elif len(possible) == 1:
            # The missing Bauer items cannot move the score across the >= 3 cut-off.
            t.award("modified_bauer", possible.pop())
            notes.append(
                f"modified_bauer {m.lo}-{m.hi} from the bauer inputs: the item scores the same either way."
            )
        else:
            t.ambiguous.update(m.ambiguous)
            for key in m.missing:
                t.missing.append(key)
            t.lo += min(possible)
            t.hi += max(possible)
    else:
        mt = tally_items(spec, ("modified_bauer",), given, cands)
        t.items.update(mt.items)
        t.missing += mt.missing
        t.ambiguous.update(mt.ambiguous)
        t.lo += mt.lo
        t.hi += mt.hi
    notes.append(
        "UNRESOLVED: the items can add to 4 but the derivation paper states a ceiling of 3; the total is "
        "min(sum, 3) pending confirmation in Ghori 2015."
    )
    lo, hi = min(t.lo, ceiling), min(t.hi, ceiling)
    echo = {**given, **bauer_given}
    return NesmsResult(
        score="nesms",
        total=None if t.missing else lo,
        possible_range=(lo, hi),
        missing=t.missing,
        category=str(lo) if lo == hi else None,
        items=t.items,
        ambiguous=t.ambiguous,
        inputs=echo,
        notes=notes,
        references=list(spec.references),
    )
