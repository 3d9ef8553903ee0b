"""Find the patients of a report and give each sentence to one of them.

A report may describe several patients: under headings ("Case 1", "Patient 2"), in running text
("the second patient…") or only by introducing each ("A 71-year-old woman… A 69-year-old man…").
Following the way human abstractors read, a patient is *introduced* by an age with a person noun
("a 61-year-old Chinese man", "a woman aged 54"), and a new patient starts only when the document
says it has several (a count of cases, a second case label) — otherwise a report that restates the
introduction in its abstract and its case section would be split in two.

Example::

    >>> from spinecase.extract.segment import segment
    >>> seg = segment("We report two cases. A 71-year-old woman had GIST. "
    ...               "A 69-year-old man had GIST too.")
    >>> [(p.age, p.sex) for p in find_patients(seg)]
    [(71, 'female'), (69, 'male')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .numbers import NUMBER, ORDINAL, ORDINALS, parse_number
from .segment import Segmented

_MALE = r"man|male|gentleman|boy|guy|mr\.?|sportsman|veteran|father"
_FEMALE = r"woman|female|lady|girl|mrs\.?|ms\.?|gravida|primigravida|multigravida|secundigravida|primipara|multipara|mother"
_NEUTRAL = (
    r"patient|child|infant|neonate|newborn|adolescent|individual|person|smoker|subject|teenager|toddler|case|student|"
    r"worker|farmer|teacher|nurse|physician|doctor|driver|engineer|soldier|athlete|retiree|pensioner|labou?rer|"
    r"carpenter|electrician|mechanic|clerk|officer|accountant|cook|builder|fisherman|housewife|homemaker|tourist|resident"
)
_KIN = re.compile(
    r"\b(?:brother|sister|son|daughter|father|mother|wife|husband|sibling|twin|cousin|uncle|aunt|nephew|niece|"
    r"grand\w+|partner|spouse|friend|neighbou?r|donor|baby|fetus|foetus)\b",
    re.IGNORECASE,
)
AGE_UNIT = r"(?P<unit>years?|yrs?|yr|y|months?|mos?|weeks?|wks?|days?)"
AGE_EXPR = (
    rf"(?P<age>{NUMBER})\s*[-‐–—]?\s*{AGE_UNIT}\.?(?P<old>[\s\-‐–—]+old\b|\s+of\s+age\b|[\-‐–—\s]?old\b)"
)
_INTRO = re.compile(
    rf"(?P<pre>\b\w+\s+)?{AGE_EXPR}(?P<mid>(?:[\s,]+(?!and\b|with\b|who\b|was\b|had\b|presented\b)[\w'/-]+){{0,6}}?)"
    rf"[\s,]+(?P<noun>{_MALE}|{_FEMALE}|{_NEUTRAL})\b",
    re.IGNORECASE,
)
_INTRO_REV = re.compile(
    rf"\b(?:an?|the)\s+(?P<noun>{_MALE}|{_FEMALE}|{_NEUTRAL})\b[\s,]+(?:(?:aged|age)\s+(?P<age>{NUMBER})(?P<unit>)(?!\s*(?:%|mm|cm|kg|mg|months|weeks|days))|"
    rf"(?P<age2>\d{{1,3}})\s*(?:years?|yrs?)\s+(?:old|of\s+age)\b|"
    # "a man of 59", "a woman of 71 years"
    rf"of\s+(?P<age3>\d{{1,3}})\b(?:\s+years?(?:\s+of\s+age)?)?"
    rf"(?![\s-]*(?:%|[mck]?g\b|mm|cm|ml|mg|kg|patients?|hours?|days?|weeks?|months?|h\b|d\b)))",
    re.IGNORECASE,
)
# Introductions without "-year-old": "The patient (male, 45 years)", "Age/sex: 58/F", "Mr. K., 67,"
_INTRO_ALT = re.compile(
    r"\((?P<noun>male|female|man|woman|boy|girl)\s*,\s*(?P<age>\d{1,3})\s*(?:years?|yrs?|y)?(?:\s+old)?\)"
    r"|\bage\s*/\s*sex\s*[:=]?\s*(?P<age2>\d{1,3})\s*(?:years?|y)?\s*/\s*(?P<sex2>[MF]|male|female)\b"
    r"|\bsex\s*/\s*age\s*[:=]?\s*(?P<sex3>[MF]|male|female)\s*/\s*(?P<age3>\d{1,3})\b"
    r"|\b(?P<title>Mr|Mrs|Ms|Miss)\.?\s+[A-Z][\w.]*,\s*(?:an?\s+)?(?P<age4>\d{1,3})\s*(?:years?\s+old)?,"
    # clinical shorthand: "a 64-yo man", "64 y/o F", "(52/F)", "(58 M)", "58/M presented"
    rf"|\b(?P<age5>\d{{1,3}})[\s-]*(?:yo|y/o|y\.\s?o\.?)(?![\w/])[\s,]*(?P<sex5>{_MALE}|{_FEMALE}|{_NEUTRAL}|(?-i:[MF]))?\b"
    r"|\((?P<age6>\d{1,3})\s*(?:y|yrs?|years?)?\s*[/,]?\s*(?P<sex6>(?-i:[MF])|male|female)\)"
    r"|(?<![\w/.])(?P<age7>\d{2,3})\s*/\s*(?P<sex7>(?-i:[MF]))\b(?!/)",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"(?i)^(?:his|her|their|whose|its|my|our)\s+$")
_LABEL = re.compile(
    rf"\W*(?:\d+\.\s*)?(?:case|patient)\s*(?:no\.?\s*)?(?P<n>\d+|[ivx]+|one|two|three|four|five|[a-e])\b(?!\s*(?:%|years?|months?|days?|cm|mm))"
    rf"|\W*(?:in\s+)?the\s+(?P<o>{ORDINAL})\s+(?:case|patient)\b",
    re.IGNORECASE,
)
_MENTION = re.compile(
    rf"\b(?:case|patient)\s+(?P<n>\d|[ivx]{{1,3}}|[a-e])\b(?!\s*(?:%|years?|months?|days?|cm|mm|\.\d))"
    rf"|\bthe\s+(?P<o>{ORDINAL})\s+(?:case|patient)\b",
    re.IGNORECASE,
)
_MULTI = re.compile(
    r"\b(?:two|three|four|five|six|2|3|4|5|6)\s+(?:[\w-]+\s+){0,3}?(?:cases|patients|siblings|brothers|sisters)\b"
    r"|\b(?:both|all\s+(?:three|four))\s+(?:of\s+(?:the|our)\s+)?(?:cases|patients)\b|\b(?:case|patient)\s+(?:no\.?\s*)?(?:2|ii|two|b)\b|\bsecond\s+(?:case|patient)\b",
    re.IGNORECASE,
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}
_LETTER = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}


@dataclass(slots=True)
class Intro:
    """A patient introduction: age (years) and sex with their clean-text spans."""

    age: int | None
    sex: str | None
    age_span: tuple[int, int] | None
    sex_span: tuple[int, int] | None


@dataclass(slots=True)
class Patient:
    """One patient of a document: a label (Case N) when the text gives one, and the introduction."""

    label: int | None = None
    age: int | None = None
    sex: str | None = None
    age_span: tuple[int, int] | None = None
    sex_span: tuple[int, int] | None = None
    sentences: list[int] = field(default_factory=list)

    def signature(self) -> tuple[int | None, str | None]:
        return (self.age, self.sex)


def _sex_of(noun: str) -> str | None:
    n = noun.lower().rstrip(".")
    if re.fullmatch(_MALE.replace(r"\.?", ""), n):
        return "male"
    if re.fullmatch(_FEMALE.replace(r"\.?", ""), n):
        return "female"
    return None


def _age_years(value: str, unit: str) -> int | None:
    v = parse_number(value)
    if v is None:
        return None
    u = (unit or "y").lower()
    if u.startswith("y"):
        years = v
    elif u.startswith("mo"):
        years = v / 12
    elif u.startswith("w"):
        years = v / 52
    else:
        years = v / 365
    return int(years) if 0 <= years < 120 else None


# a notice correcting or withdrawing another article, as its own heading line
_CORRECTION_NOTICE = re.compile(
    r"^\s*(?:corrigendum|erratum|errata|correction|retraction(?:\s+notice)?|notice\s+of\s+retraction|"
    r"expression\s+of\s+concern)(?:\s+to\b[^\n]*)?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
# words one of the introduction patterns needs (a cheap test before the regular expressions)
_INTRO_HINTS = (
    ("old", "age", "Old", "AGE", "Age", "(male", "(female", "Mr", "Ms", "years")
    + ("-yo", " yo", "y/o", "y.o", "/F", "/M", "F)", "M)")
    + ("man of", "boy of", "girl of", "lady of", "patient of", "child of")
)


def find_intro(text: str, start: int, end: int) -> Intro | None:
    """The first patient introduction in ``text[start:end]`` ("a 54-year-old man")."""
    if not any(map(text[start:end].__contains__, _INTRO_HINTS)):
        return None  # every introduction says "…-year-old…", "aged …", "a man of 59" or "58/F"
    for m in _INTRO.finditer(text, start, end):
        pre = m.group("pre") or ""
        if _POSSESSIVE.match(pre) or _KIN.search(m.group("mid") or "") or _KIN.search(pre):
            continue
        age = _age_years(m.group("age"), m.group("unit"))
        if age is None:
            continue
        sex = _sex_of(m.group("noun"))
        return Intro(
            age,
            sex,
            (m.start("age"), m.end("old")),
            m.span("noun") if sex else None,
        )
    alt = _INTRO_ALT.search(text, start, end)
    if alt is not None:
        grp = next(g for g in ("age", "age2", "age3", "age4", "age5", "age6", "age7") if alt.group(g))
        age = _age_years(alt.group(grp), "y")
        sex_groups = ("noun", "sex2", "sex3", "title", "sex5", "sex6", "sex7")
        word = next((alt.group(g) for g in sex_groups if alt.group(g)), "").lower()
        sex = {
            "m": "male",
            "f": "female",
            "mr": "male",
            "mrs": "female",
            "ms": "female",
            "miss": "female",
        }.get(word)
        sex = sex or _sex_of(word)
        if age is not None:
            sex_grp = next((g for g in sex_groups if alt.group(g)), None)
            return Intro(age, sex, alt.span(grp), alt.span(sex_grp) if sex and sex_grp else None)
    m2 = _INTRO_REV.search(text, start, end)
    if m2:
        grp = next(g for g in ("age", "age2", "age3") if m2.group(g))
        age = _age_years(m2.group(grp), "y")
        if age is not None:
            sex = _sex_of(m2.group("noun"))
            return Intro(age, sex, m2.span(grp), m2.span("noun") if sex else None)
    return None


def _label_number(m: re.Match[str]) -> int | None:
    n, o = m.group("n"), m.group("o")
    if o:
        return ORDINALS.get(o.lower())
    if n is None:
        return None
    k = n.lower()
    if k.isdigit():
        return int(k)
    if k in _ROMAN:
        return _ROMAN[k]
    if k in _LETTER:
        return _LETTER[k]
    v = parse_number(k)
    return int(v) if v else None


def is_multi_patient(seg: Segmented) -> bool:
    """Whether the report says it describes several patients."""
    text = seg.text
    for s in seg.sentences:
        if (s.eligible or s.zone == "heading") and _MULTI.search(text, s.start, s.end):
            return True
    return False


def find_patients(seg: Segmented) -> list[Patient]:
    """Patients of the document, each with its sentences (indices into ``seg.sentences``).

    A document with no introduced patient still yields one patient when its eligible text speaks of
    an individual ("the patient", "he", "she"); a review with no patient yields none.
    """
    text = seg.text
    if _CORRECTION_NOTICE.search(text, 0, min(len(text), 800)):
        return []  # an erratum corrects another article's patient; it describes no case of its own
    multi = is_multi_patient(seg)
    patients: list[Patient] = []
    by_label: dict[int, Patient] = {}
    current: Patient | None = None
    for i, s in enumerate(seg.sentences):
        chunk_start, chunk_end = s.start, s.end
        lm = _LABEL.match(text, chunk_start, min(chunk_end, chunk_start + 60))
        label = _label_number(lm) if lm else None
        if (
            label is not None
            and (s.zone in ("heading", "case", "abstract", "other", "caption") or s.eligible)
            and (multi or label > 1)
        ):
            multi = True
            current = by_label.get(label)
            unlabelled = [p for p in patients if p.label is None]
            mid_paragraph = chunk_start > 0 and text[chunk_start - 1] != "\n"
            if current is None and mid_paragraph and 0 < label <= len(unlabelled):
                # "…a 24-yo male (A) … his companion (B), a 23-yo male … Patient B declared…": a label
                # named in running text is one of the patients already introduced, in their order
                for k, earlier in enumerate(unlabelled[:label], start=1):
                    if k not in by_label:  # patient A before patient B, in the order met
                        earlier.label = k
                        by_label[k] = earlier
                current = by_label[label]
            elif current is None:
                current = Patient(label=label)
                by_label[label] = current
                patients.append(current)
        if not s.eligible:
            continue
        intro = find_intro(text, chunk_start, chunk_end)
        target = current
        if intro is not None:
            if current is not None and current.age is None and current.sex is None:
                _set_intro(current, intro)
            elif current is None or (multi and (intro.age, intro.sex) != current.signature()):
                same = next((p for p in patients if p.signature() == (intro.age, intro.sex)), None)
                if same is not None:
                    current = same
                elif current is None or multi:
                    current = Patient()
                    _set_intro(current, intro)
                    patients.append(current)
                target = current
        mention = _MENTION.search(text, chunk_start, chunk_end) if multi else None
        if mention is not None and not (lm and lm.start() == mention.start()):
            n = _label_number(mention)
            if n is not None and n in by_label:
                target = by_label[n]
        if target is None:
            continue
        target.sentences.append(i)
    patients = _merge_unlabelled(patients)
    if not patients:
        p = _implicit_patient(seg)
        return [p] if p else []
    if len(patients) == 1:
        # a single patient owns every eligible sentence, also those before its introduction
        patients[0].sentences = [i for i, s in enumerate(seg.sentences) if s.eligible]
    return [p for p in patients if p.sentences or p.age is not None]


def _set_intro(p: Patient, intro: Intro) -> None:
    p.age, p.sex, p.age_span, p.sex_span = intro.age, intro.sex, intro.age_span, intro.sex_span


def _merge_unlabelled(patients: list[Patient]) -> list[Patient]:
    """Fold patients met first in an abstract into the labelled case with the same introduction."""
    labelled = [p for p in patients if p.label is not None]
    if not labelled:
        return patients
    out: list[Patient] = []
    for p in patients:
        if p.label is None:
            twin = next((q for q in labelled if q.signature() == p.signature() and p.age is not None), None)
            if twin is not None:
                twin.sentences = sorted(set(twin.sentences) | set(p.sentences))
                if twin.age_span is None:
                    twin.age_span, twin.sex_span = p.age_span, p.sex_span
                continue
        out.append(p)
    out.sort(key=lambda p: (p.label is None, p.label or 0))
    return out


_INDIVIDUAL = re.compile(
    r"\b(?:the|our|this|such\s+a|a)\s+patient\b|\bpatient\s+(?:was|had|has|regained|underwent|presented|developed|received|"
    r"complained|died|remained|is)\b|\b(?:he|she|his|her|him)\b|\bwe\s+(?:encountered|report|describe|present)\b",
    re.IGNORECASE,
)


def _implicit_patient(seg: Segmented) -> Patient | None:
    eligible = [i for i, s in enumerate(seg.sentences) if s.eligible]
    hits = sum(
        1 for i in eligible if _INDIVIDUAL.search(seg.text, seg.sentences[i].start, seg.sentences[i].end)
    )
    if hits >= 2 or (hits == 1 and len(eligible) <= 3):
        return Patient(sentences=eligible)
    return None
