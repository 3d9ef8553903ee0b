"""Age and sex of the patient.

The introduction ("A 61-year-old Chinese man…") gives both. Without one, age comes from the first
age expression of the patient's text ("aged 54", "54 years of age") and sex from the nouns and
pronouns used for the patient (he/his/him against she/her), a majority vote as in MACCROBAT-style
annotation, ignoring sentences about relatives.

Example::

    >>> from spinecase.extract.segment import segment
    >>> from spinecase.extract.patients import find_patients
    >>> from spinecase.extract.base import Draft, PatientText
    >>> seg = segment("The patient, aged 47, complained of back pain. She had no fever.")
    >>> d = Draft(); extract_demographics(PatientText(seg, find_patients(seg)[0]), d)
    >>> d.values["age"], d.values["sex"]
    (47, 'female')
"""

from __future__ import annotations

import re

from ..base import Draft, PatientText
from ..context import FAMILY
from ..numbers import WORD_NUMBER
from ..patients import AGE_EXPR, _age_years

_AGE_ANY = re.compile(
    rf"{AGE_EXPR}|\b(?:aged?|age\s+of)\s+(?P<age2>\d{{1,3}}\b|{WORD_NUMBER})(?!\s*(?:%|mm|cm|kg|mg|months|weeks|days))"
    rf"|\b(?P<age3>\d{{1,3}})\s*(?:years?|yrs?)\s+of\s+age\b|\b(?P<age4>\d{{1,3}})\s*(?:yo|y/o|y\.o\.)(?!\w)",
    re.IGNORECASE,
)
_NOW = re.compile(
    rf"\bnow\s+(?:an?\s+)?(?:aged\s+)?(?P<n>\d{{1,3}}|{WORD_NUMBER})(?:[\s-]*years?[\s-]*old\b|\s*,)",
    re.IGNORECASE,
)
# …and the same sentence tells the presentation ("now 53, she presents with back pain")
_PRESENTS = re.compile(
    r"\b(?:presents?|presented|developed|develops|reports?|reported|complain(?:s|ed)|(?:is|was)\s+(?:admitted|referred)|"
    r"noticed|notices|came|comes)\b",
    re.IGNORECASE,
)
_MALE = re.compile(r"\b(?:he|his|him|himself|man|male|boy|gentleman|mr)\b", re.IGNORECASE)
_FEMALE = re.compile(
    r"\b(?:she|her|hers|herself|woman|female|girl|lady|mrs|ms|pregnant|pregnancy|gravida)\b", re.IGNORECASE
)
_KIN = re.compile(r"\b(?:mother|father|brother|sister|son|daughter|wife|husband|family)\b", re.IGNORECASE)


def _age_now(pt: PatientText) -> tuple[int, tuple[int, int]] | None:
    """ "Now 53, she presents…", "the patient, now a nineteen-year-old man": the age at this presentation."""
    if "now" not in pt.seg.words.lower:
        return None
    for sent, m in pt.scan(_NOW):
        if pt.flags(sent, m.start(), m.end()) & FAMILY or not _PRESENTS.search(pt.text, sent.start, sent.end):
            continue  # "is now 64 years old, still alive": the age at follow-up, not at presentation
        age = _age_years(m.group("n"), "y")
        if age is not None:
            return age, m.span("n")
    return None


def extract_demographics(pt: PatientText, draft: Draft) -> None:
    """Fill ``age`` and ``sex`` (with evidence) for one patient.

    The contract's age is the age at presentation with the spinal metastasis, so an explicit "now 53"
    wins over the age the story opened with ("a sixteen-year-old boy was diagnosed…").
    """
    p = pt.patient
    now = _age_now(pt)
    if now is not None:
        draft.set("age", now[0], [now[1]])
    elif p.age is not None and p.age_span is not None:
        draft.set("age", p.age, [p.age_span])
    else:
        for sent, m in pt.scan(_AGE_ANY):
            if pt.flags(sent, m.start(), m.end()) & FAMILY:
                continue
            if m.group("age"):
                age = _age_years(m.group("age"), m.group("unit"))
            else:
                age = _age_years(m.group("age2") or m.group("age3") or m.group("age4"), "y")
            if age is not None:
                draft.set("age", age, [m.span()])
                break
    if p.sex is not None and p.sex_span is not None:
        draft.set("sex", p.sex, [p.sex_span])
        return
    male: list[tuple[int, int]] = []
    female: list[tuple[int, int]] = []
    text = pt.text
    for sent in pt.sentences():
        if _KIN.search(text, sent.start, sent.end):
            continue
        male.extend(m.span() for m in _MALE.finditer(text, sent.start, sent.end))
        female.extend(m.span() for m in _FEMALE.finditer(text, sent.start, sent.end))
    if male and len(male) >= 3 * len(female):
        draft.set("sex", "male", male[:1])
    elif female and len(female) >= 3 * len(male):
        draft.set("sex", "female", female[:1])
