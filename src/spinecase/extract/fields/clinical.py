"""Inputs of the clinical scores that case reports state: tumour size, mitotic count, performance
status (KPS and ECOG kept apart: the scores never convert one into the other), Bilsky ESCC grade and
the kind of pain (mechanical pain drives SINS). Frankel/ASIA grades are read with the neurological
status (:mod:`.outcome`).

Example::

    >>> from spinecase.extract.segment import segment
    >>> from spinecase.extract.patients import find_patients
    >>> from spinecase.extract.base import Draft, PatientText
    >>> seg = segment("A 60-year-old man. The tumour measured 8.5 x 8 cm with 12 mitoses per 50 HPF. KPS was 70.")
    >>> d = Draft(); extract_clinical(PatientText(seg, find_patients(seg)[0]), d)
    >>> d.clinical["tumour_size_cm"], d.clinical["mitotic_count"], d.clinical["kps"]
    (8.5, 12.0, 70)
"""

from __future__ import annotations

import re

from ..base import Draft, PatientText
from ..context import FAMILY, NEGATED

_SIZE = re.compile(
    r"\b(?:tumou?r|mass|lesion)\b[^.;]{0,60}?\b(?:measur\w*|diameter|size|sized)\b[^.;]{0,25}?"
    r"(?P<a>\d+(?:\.\d+)?)\s*(?:[x×*]\s*(?P<b>\d+(?:\.\d+)?)\s*)?(?:[x×*]\s*\d+(?:\.\d+)?\s*)?(?P<u>cm|mm)\b"
    r"|(?P<a2>\d+(?:\.\d+)?)\s*(?:[x×*]\s*\d+(?:\.\d+)?\s*)?(?P<u2>cm|mm)[\s-]+(?:sized\s+)?(?:\w+\s+){0,3}?(?:tumou?r|mass|lesion)\b",
    re.IGNORECASE,
)
_MITOSES = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?:mitos[ie]s|mitotic\s+figures?)\s*(?:per|/|in)\s*(?P<d>\d+\s*(?:HPFs?|high[\s-]power\s+fields?)|\d+\s*mm2|\d+\s*mm²)"
    r"|mitotic\s+(?:count|index|rate|activity)\s+(?:was\s+|of\s+|:\s*)?(?P<n2>\d+(?:\.\d+)?)\s*(?:per|/)\s*(?P<d2>\d+\s*(?:HPFs?|high[\s-]power\s+fields?)|\d+\s*mm2|\d+\s*mm²)",
    re.IGNORECASE,
)
_KPS = re.compile(
    r"\b(?:KPS|Karnofsky(?:\s+performance\s+(?:status|score|scale))?)\s*(?:score\s+)?(?:was\s+|of\s+|=\s*|:\s*)?(?P<v>\d{2,3})\s*%?",
    re.IGNORECASE,
)
_ECOG = re.compile(
    r"\b(?:ECOG|WHO|Zubrod)(?:\s+performance\s+(?:status|score))?\s*(?:PS\s*)?(?:score\s+)?(?:was\s+|of\s+|=\s*|:\s*)?(?P<v>[0-4])\b",
    re.IGNORECASE,
)
_ESCC = re.compile(
    r"\b(?:Bilsky|ESCC|epidural\s+spinal\s+cord\s+compression)(?:\s+(?:grade|score|scale))?\s*(?:was\s+|of\s+|:\s*)?(?P<v>0|1a|1b|1c|2|3)\b",
    re.IGNORECASE,
)
_LYTIC = re.compile(r"\b(?:osteo)?lytic\b|\bosteolysis\b", re.IGNORECASE)
_BLASTIC = re.compile(r"\b(?:osteo)?blastic\b|\bsclerotic\b|\bosteosclero\w*", re.IGNORECASE)
_MIXED = re.compile(
    r"\bmixed\s+(?:lytic|osteolytic|blastic|osteoblastic|sclerotic)|\blytic[\s-]+(?:and[\s-]+)?(?:blastic|sclerotic)\b",
    re.IGNORECASE,
)
_MECHANICAL = re.compile(
    r"\bmechanical\s+(?:back\s+|neck\s+)?pain\b|\bpain\s+(?:on|with)\s+(?:movement|loading|standing|sitting|weight[\s-]bearing)|\bmovement[\s-]related\s+pain",
    re.IGNORECASE,
)
_PAIN = re.compile(
    r"\b(?:back|neck|spinal|lumbar|thoracic|buttock|radicular|radiating)\s+pain\b|\bpain\s+in\s+(?:the\s+|his\s+|her\s+)?(?:lower\s+)?back\b",
    re.IGNORECASE,
)


def _bone_lesion(pt: PatientText, draft: Draft) -> None:
    """Lytic, blastic or mixed, from the sentences that name a metastatic level (SINS item)."""
    level_starts = [a for a, _ in draft.evidence.get("spinal_levels", [])]
    kinds: dict[str, list[tuple[int, int]]] = {}
    for sent in pt.sentences():
        if not any(sent.start <= x < sent.end for x in level_starts):
            continue
        for kind, pattern in (("mixed", _MIXED), ("lytic", _LYTIC), ("blastic", _BLASTIC)):
            for m in pattern.finditer(pt.text, sent.start, sent.end):
                if not pt.flags(sent, m.start(), m.end()) & NEGATED:
                    kinds.setdefault(kind, []).append(m.span())
    if "mixed" in kinds or ("lytic" in kinds and "blastic" in kinds):
        spans = kinds.get("mixed") or kinds["lytic"][:1] + kinds["blastic"][:1]
        draft.set_clinical("bone_lesion", "mixed", spans)
    elif kinds:
        kind = next(iter(kinds))
        draft.set_clinical("bone_lesion", kind, kinds[kind][:2])


def extract_clinical(pt: PatientText, draft: Draft) -> None:
    """Fill the score inputs of ``draft.clinical`` that the text states."""
    for sent, m in pt.scan(_SIZE):
        if pt.flags(sent, m.start(), m.end()) & (NEGATED | FAMILY):
            continue
        a = float(m.group("a") or m.group("a2"))
        unit = (m.group("u") or m.group("u2")).lower()
        size = a / 10 if unit == "mm" else a
        if "tumour_size_cm" not in draft.clinical or size > draft.clinical["tumour_size_cm"]:
            draft.set_clinical("tumour_size_cm", size, [m.span()])
    for _sent, m in pt.scan(_MITOSES):
        n = float(m.group("n") or m.group("n2"))
        denom = (
            re.sub(r"\s+", " ", (m.group("d") or m.group("d2")))
            .replace("high power fields", "HPF")
            .replace("HPFs", "HPF")
        )
        draft.set_clinical("mitotic_count", n, [m.span()])
        draft.set_clinical("mitotic_denominator", denom, [m.span()])
        break
    for pattern, key in ((_KPS, "kps"), (_ECOG, "ecog")):
        for _sent, m in pt.scan(pattern):
            v = int(m.group("v"))
            if key == "kps" and (v > 100 or v % 10):
                continue
            draft.set_clinical(key, v, [m.span()])
            break
    for _sent, m in pt.scan(_ESCC):
        draft.set_clinical("escc_grade", m.group("v").lower(), [m.span()])
        break
    if not draft.values.get("spinal_levels"):
        return
    _bone_lesion(pt, draft)
    for sent, m in pt.scan(_MECHANICAL):
        if not pt.flags(sent, m.start(), m.end()) & NEGATED:
            draft.set_clinical("pain_type", "mechanical", [m.span()])
            return
    for sent, m in pt.scan(_PAIN):
        if not pt.flags(sent, m.start(), m.end()) & NEGATED:
            draft.set_clinical("pain_type", "occasional_nonmechanical", [m.span()])
            return
