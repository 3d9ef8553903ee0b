"""Neurological deficit, local recurrence, vital status and follow-up.

* Deficit: weakness of the limbs, para-/tetraparesis or -plegia, sensory loss, sphincter disturbance,
  cord or cauda equina compression, Frankel/ASIA A–D → true; "neurologically intact", "full
  neurological function", "no motor or sensory deficit", Frankel/ASIA E → false (unless a deficit is
  stated too). Pain alone is not a deficit; an old traumatic cord injury is not this disease.
* Local recurrence: "no local recurrence", "no sign of recurrence" → false; "recurrence of the tumour
  … spinal canal" → true. Only for a patient with spinal disease.
* Vital status: death words → dead; "alive", "remains", "doing well", or a follow-up figure → alive.
* Follow-up: the longest stated follow-up after treatment ("at the 36-month follow-up", "died 16 days
  after surgery", "3-year follow-up"), in months (days / 30.44).

Example::

    >>> from spinecase.extract.segment import segment
    >>> from spinecase.extract.patients import find_patients
    >>> from spinecase.extract.base import Draft, PatientText
    >>> seg = segment("A 54-year-old man had T7 metastasis and paraparesis. He died 16 days after surgery.")
    >>> d = Draft(); d.values["spinal_levels"] = ["T7"]
    >>> extract_outcome(PatientText(seg, find_patients(seg)[0]), d)
    >>> d.values["neurological_deficit"], d.values["vital_status"], round(d.values["follow_up_months"], 2)
    (True, 'dead', 0.53)
"""

from __future__ import annotations

import re

from ..base import Draft, PatientText, Span
from ..context import FAMILY, HYPOTHETICAL, NEGATED
from ..numbers import NUMBER, UNIT, parse_number, to_months

_DEFICIT = re.compile(
    r"\b(?:para|tetra|quadri|mono|hemi)(?:paresis|plegia|plegic|paretic)\b|\bparaparetic\b|"
    r"\b(?:motor|sensory|sensorimotor|neurologic(?:al)?|neural)\s+(?:deficits?|deficiency|impairment|dysfunction|disturbances?|loss|compromise|"
    r"deterioration|symptoms?|signs?|weakness)\b|"
    r"\b(?:weakness|numbness|paresthesi\w*|paraesthesi\w*|hypo-?(?:a)?esthesi\w*|an(?:a)?esthesi\w*\s+below|sensory\s+level)\b"
    r"(?:[^.;]{0,40}?\b(?:limbs?|legs?|arms?|extremit\w+|feet|foot|hands?|toes?|saddle|perineal|below))?|"
    r"\b(?:(?:lower|upper)[\s-]+(?:limb|extremity)\s+weakness)\b|"
    r"\b(?:urinary|bladder|bowel|sphincter)\s+(?:retention|incontinence|dysfunction|disturbances?)\b|"
    r"\bcauda\s+equina\s+syndrome\b|\bconus\s+medullaris\s+syndrome\b|\bmyelopathy\b|\bspinal\s+cord\s+compression\b|"
    r"\bcord\s+compression\b|\bcompression\s+of\s+the\s+(?:spinal\s+)?cord\b|\bunable\s+to\s+(?:walk|stand)\b(?![^.;]{0,30}pain)|"
    r"\b(?:frankel|asia)\s*(?:grade|score|scale|impairment\s+scale)?\s*(?:of\s+|was\s+|:\s*)?(?P<grade>[A-D])\b|"
    r"\bgait\s+(?:disturbance|disorder|instability|difficulty)\b|\bhyperreflexia\b|\bbabinski\b|\bclonus\b|"
    # "reduced sensation", upper motor neurone signs (muscle grades below 5/5: _WEAK_GRADE)
    r"\b(?:reduced|decreased|diminished|impaired|absent|loss\s+of)\s+(?:sensation|sensibility|pinprick|light[\s-]touch|"
    r"proprioception|vibration\s+sense)\b|\bhoffmann?'?s?\s+sign\b|\b(?:unsteady|ataxic|spastic)\s+gait\b|"
    r"\bclumsiness\s+of\s+(?:both\s+|the\s+)?(?:hands?|fingers)\b|\bfoot\s+drop\b",
    re.IGNORECASE,
)
# a muscle graded below 5/5 (MRC scale): "ankle dorsiflexion was 3/5", "triceps 4-/5"
_WEAK_GRADE = re.compile(r"\b[0-4][-+]?\s*/\s*5\b(?!\s*(?:of|patients|cases))")
_MUSCLE_BEFORE = re.compile(
    r"\b(?:power|strength|flexion|extension|dorsiflexion|plantar\s?flexion|extensors?|flexors?|abductors?|triceps|"
    r"biceps|deltoids?|quadriceps|hamstrings?|grip|MRC|muscles?)\b[^.;]{0,60}$",
    re.IGNORECASE,
)
_INTACT = re.compile(
    r"\bneurologically\s+(?:intact|normal|unremarkable)\b|\b(?:full|normal|intact|preserved)\s+neurological\s+(?:function|status|examination)s?\b|"
    r"\bneurological\s+(?:examination|exam|status|function|findings)\s+(?:was|were|remained)\s+(?:normal|intact|unremarkable)\b|"
    r"\b(?:frankel|asia)\s*(?:grade|score|scale|impairment\s+scale)?\s*(?:of\s+|was\s+|:\s*)?E\b|"
    r"\bmuscle\s+strength\s+was\s+(?:grade\s+)?(?:M?5|normal|full)\b|\bsensations?\s+(?:was|were)\s+normal\b|"
    r"\b(?:motor|sensory|neurological|neurologic)(?:\s+and\s+(?:motor|sensory|neurological))?\s+(?:examinations?|exams?|functions?|status|findings)\s+"
    r"(?:was|were|remained|proved)\s+(?:entirely\s+|completely\s+|otherwise\s+|fully\s+)?(?:normal|intact|unremarkable|preserved)\b|"
    r"\b(?:neurological|neurologic|physical)\s+(?:examination|exam|assessment)\s+(?:disclosed|showed|revealed|found|demonstrated)\s+no\s+"
    r"(?:focal\s+|neurological\s+|motor\s+or\s+sensory\s+)?(?:deficits?|abnormalit\w+|weakness)\b|"
    r"\bno\s+(?:focal\s+)?(?:neurological|neurologic|motor\s+or\s+sensory|sensorimotor)\s+(?:deficits?|abnormalit\w+|signs?|symptoms?)\b|"
    r"\bneurologically\s+(?:intact|normal)\b|\bpower,\s+sensation\s+and\s+reflexes\s+were\s+normal\b|"
    r"\b(?:but\s+)?(?:no|without)\s+(?:any\s+)?deficits?\b|"
    r"\b(?:examination|exam)\s+(?:showed|revealed|disclosed|demonstrated|found)\s+(?:intact|normal|full|preserved)\s+"
    r"(?:power|strength|sensation|motor|neurolog\w*)",
    re.IGNORECASE,
)
_TRAUMA = re.compile(
    r"(?<!non-)(?<!non)\btrauma\w*|\binjur(?:y|ies)\b|\baccident\b|\bfall\b|\bstroke\b|\bcongenital\b|\bspina\s+bifida\b|\bpolio",
    re.IGNORECASE,
)
_GENERALISED = re.compile(
    r"\b(?:generali[sz]ed|general|generalised)\s+weakness|fatigue\s+and\s+weakness|weakness\s+and\s+fatigue",
    re.IGNORECASE,
)

_RECURRENCE = re.compile(
    r"\b(?:local(?:ly)?\s+)?(?:recurren(?:ce|t)|re-?growth|regrowth|relapse|progression)\b|\brecurred\b",
    re.IGNORECASE,
)
_RECURRENCE_FREE = re.compile(
    r"\b(?:recurrence|relapse|progression|disease)[\s-]+free\b|\bno\s+(?:evidence|sign)s?\s+of\s+(?:local\s+)?(?:recurrence|relapse|disease)",
    re.IGNORECASE,
)
_LOCAL_CUE = re.compile(
    r"local|surgical\s+site|operat\w+\s+(?:site|level)|treated\s+(?:site|level|lesion)|spin(?:e|al)|vertebr|canal|cord|sacr|"
    r"\b[CTLS]\d{1,2}\b|same\s+(?:level|site)|in\s+situ|residual|at\s+the\s+site",
    re.IGNORECASE,
)
_AT_TREATED = re.compile(
    r"\s+(?:at|in|of)\s+(?:the\s+)?(?:treated|irradiated|operated|index|same|cemented|instrumented)\b|\s+(?:at|in|of)\s+(?:the\s+)?[CTLS]\d",
    re.IGNORECASE,
)
_DISEASE_FREE = re.compile(
    r"\b(?:disease|recurrence|relapse|tumou?r)[\s-]free\b|\bfree\s+of\s+(?:disease|recurrence|tumou?r)\b|\bno\s+evidence\s+of\s+(?:disease|tumou?r)\b",
    re.IGNORECASE,
)
_PRIMARY_RECURRENCE = re.compile(
    r"retroperitone|perito|abdom|liver|hepatic|lung|pulmonary|breast|chest|pelvi|anastomo|node", re.IGNORECASE
)

_DEAD = re.compile(
    r"\b(?:died|dies|death|passed\s+away|expired|succumbed|deceased|demise|dead|mortality)\b"
    # "she survived 5 months after the diagnosis of the spinal lesion": a survival that ended
    r"|\bsurvived\s+(?:for\s+)?(?:only\s+)?(?:\w+\s+){1,2}?(?:months?|years?|weeks?|days?)\s+(?:after|following|from)\b",
    re.IGNORECASE,
)
_ALIVE = re.compile(
    r"\b(?:alive|remains?\s+(?:well|stable|asymptomatic|disease[\s-]free|free|in\s+(?:good|stable|complete)|under|on)|"
    r"is\s+(?:currently\s+)?(?:doing\s+well|well|asymptomatic|living|alive|still|ambulatory|walking|free|in\s+good)|"
    r"(?:has|had)\s+returned\s+to\s+(?:work|normal)|survives|living\s+(?:with|without)|still\s+(?:alive|living|on|receiving|under)|"
    r"no\s+(?:evidence|sign)s?\s+of\s+(?:local\s+)?(?:recurrence|disease|progression)|disease[\s-]free|"
    r"(?:is|was)\s+(?:showing|without|free\s+of)|at\s+(?:the\s+)?last\s+follow[\s-]?up|remained\s+(?:ambulatory|well|stable|free|asymptomatic))",
    re.IGNORECASE,
)
_LOST = re.compile(r"\blost\s+to\s+follow[\s-]?up\b|\bfollow[\s-]?up\s+was\s+lost\b", re.IGNORECASE)
_DURATION = rf"(?P<n>{NUMBER})\s*[-\s]?(?P<u>{UNIT})\.?"
_QUAL = r"(?:about\s+|approximately\s+|nearly\s+|over\s+|more\s+than\s+|almost\s+|a\s+total\s+of\s+)?"
_FOLLOW_UP = [
    re.compile(
        rf"{_DURATION}[-\s]+(?:of\s+)?(?:post-?operative\s+|postoperative\s+|clinical\s+|radiological\s+|further\s+)?follow[\s-]?ups?\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\bfollow[\s-]?ups?\s+(?:period\s+|time\s+|duration\s+|visit\s+)?(?:of|at|after|for|was|lasted|to)\s+{_QUAL}{_DURATION}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:followed[\s-]up|(?:was|were|been)\s+followed)\s+(?:\w+\s+){{0,3}}?(?:for|over)\s+{_QUAL}{_DURATION}",
        re.IGNORECASE,
    ),
    # "at the 18-month visit", "at her two-year review"
    re.compile(
        rf"\bat\s+(?:the|her|his|their|a)\s+{_DURATION}[-\s]+(?:post-?operative\s+)?(?:visit|review|follow[\s-]?up|"
        rf"check[\s-]?up|control|assessment|appointment|evaluation|examination|consultation|clinic)\b",
        re.IGNORECASE,
    ),
]
_SPINAL_TREATMENT = (
    r"(?:the\s+)?(?:spinal\s+|spine\s+|index\s+|last\s+|second\s+|operative\s+|surgical\s+)?(?:surgery|operation|procedure|treatment|radiotherapy|radiosurgery|SBRT|SRS|"
    r"irradiation|resection|corpectomy|vertebrectomy|spondylectomy|decompression|intervention|discharge|kyphoplasty|"
    r"vertebroplasty|laminectomy|fixation|stabili[sz]ation|proton\s+therapy|cyberknife|embolization|admission|SABR|"
    r"re-?irradiation|diagnosis\s+of\s+(?:the\s+)?(?:spinal|vertebral|spine)\s+(?:lesion|metastas[ie]s|disease|tumou?r))"
)
# "13 months after spinal surgery", "after radiosurgery": the reference is the spinal treatment itself,
# wherever the sentence stands (structured summaries give the outcome before the story)
_EXPLICIT_SPINAL_TREATMENT = re.compile(
    r"\b(?:spinal|spine|vertebral)\s+(?:surgery|operation|radiotherapy|irradiation|treatment)|radiosurgery|\bSBRT\b|"
    r"\bSRS\b|\bSABR\b|re-?irradiation|corpectomy|vertebrectomy|spondylectomy|kyphoplasty|vertebroplasty|laminectomy|separation\s+surgery|"
    r"proton\s+therapy|carbon[\s-]ion|diagnosis\s+of\s+(?:the\s+)?(?:spinal|vertebral|spine)\s+(?:lesion|metastas[ie]s|disease)",
    re.IGNORECASE,
)
_AFTER_TREATMENT = [
    re.compile(
        rf"\b(?:(?:at|after|within|for|by)\s+)?{_DURATION}\s+(?:(?:after|following|post|from)\s+{_SPINAL_TREATMENT}|post-?operatively|"
        rf"postoperatively|later|on(?=\s*(?:,|he\b|she\b|the\s+patient\b|they\b|there\b)))\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\bat\s+{_DURATION}(?!\s*(?:of\s+age|old|history|-old))\b", re.IGNORECASE),
]
_OUTCOME_CUE = re.compile(
    r"died|death|passed\s+away|expired|succumbed|alive|remain|doing\s+well|follow|recurren|free\s+of|no\s+evidence|"
    r"ambulat|walk|stable|asymptomatic|well|survived|surviv|last\s+visit|progress|relapse|disease[\s-]free|symptom",
    re.IGNORECASE,
)
_DISCOVERY = re.compile(
    r"\b(?:revealed|showed|demonstrated|detected|found|diagnosed|developed|presented|complained|noticed|was\s+admitted|"
    r"was\s+referred|identified|discovered|appeared)\b",
    re.IGNORECASE,
)


def _spinal_disease(draft: Draft) -> bool:
    return bool(
        draft.values.get("spinal_levels")
        or draft.values.get("spinal_surgery")
        or draft.values.get("radiotherapy")
    )


def extract_neuro(pt: PatientText, draft: Draft) -> None:
    """Fill ``neurological_deficit`` and the Frankel/ASIA grade of the clinical details."""
    text = pt.text
    deficit: list[Span] = []
    intact: list[Span] = []
    for sent, m in pt.scan(_DEFICIT):
        f = pt.flags(sent, m.start(), m.end())
        if f & (FAMILY | HYPOTHETICAL):
            continue
        if _TRAUMA.search(text, sent.start, sent.end) or _GENERALISED.search(
            text, max(sent.start, m.start() - 15), m.end()
        ):
            continue
        grade = m.group("grade")
        if grade:
            scale = "frankel" if text[m.start() : m.start() + 1].lower() == "f" else "asia"
            draft.set_clinical(scale, grade.upper(), [m.span()])
        if f & NEGATED:
            intact.append(m.span())
        else:
            deficit.append(m.span())
    for sent, m in pt.scan(_WEAK_GRADE):
        before = text[max(sent.start, m.start() - 70) : m.start()]
        if _MUSCLE_BEFORE.search(before) and not pt.flags(sent, m.start(), m.end()) & (FAMILY | HYPOTHETICAL):
            deficit.append(m.span())
    for _sent, m in pt.scan(_INTACT):
        if re.search(r"[EF]$", m.group(0)) and re.search(r"frankel", m.group(0), re.IGNORECASE):
            draft.set_clinical("frankel", "E", [m.span()])
        intact.append(m.span())
    if deficit:
        draft.set("neurological_deficit", True, deficit[:3])
    elif intact:
        draft.set("neurological_deficit", False, intact[:3])


def extract_recurrence(pt: PatientText, draft: Draft) -> None:
    """Fill ``local_recurrence`` for a patient with spinal disease."""
    if not _spinal_disease(draft):
        return
    text = pt.text
    positive: list[Span] = []
    negative: list[Span] = []
    treated = [a for key in ("spinal_surgery", "radiotherapy") for a, _ in draft.evidence.get(key, [])]
    t0 = min(treated) if treated else None
    for sent, m in pt.scan(_RECURRENCE):
        word = m.group(0).lower()
        if (
            "progression" in word
            and not word.startswith("local")
            and not _AT_TREATED.match(text, m.end(), sent.end)
        ):
            continue
        f = pt.flags(sent, m.start(), m.end())
        if f & (FAMILY | HYPOTHETICAL):
            continue
        window = text[max(sent.start, m.start() - 60) : min(sent.end, m.end() + 80)]
        free = _RECURRENCE_FREE.search(text, max(sent.start, m.start() - 20), min(sent.end, m.end() + 10))
        if f & NEGATED or free:
            negative.append(m.span())
        elif (
            t0 is not None
            and m.start() > t0  # a recurrence comes after the spinal treatment, not before it
            and _LOCAL_CUE.search(window)
            and not (_PRIMARY_RECURRENCE.search(window) and not word.startswith("local"))
        ):
            positive.append(m.span())
    if not positive and not negative:
        # "disease free at 2 years": no recurrence anywhere, so none at the treated level either
        starts = [a for key in ("spinal_surgery", "radiotherapy") for a, _ in draft.evidence.get(key, [])]
        if starts:
            for sent, m in pt.scan(_DISEASE_FREE):
                if m.start() > min(starts) and not pt.flags(sent, m.start(), m.end()) & (
                    NEGATED | HYPOTHETICAL
                ):
                    negative.append(m.span())
    if positive:
        draft.set("local_recurrence", True, positive[:3])
    elif negative:
        draft.set("local_recurrence", False, negative[:3])


def extract_follow_up(pt: PatientText, draft: Draft) -> None:
    """Fill ``follow_up_months`` and ``vital_status``."""
    text = pt.text
    candidates: list[tuple[float, Span]] = []
    death: Span | None = None
    alive: Span | None = None
    lost = False
    # a follow-up is counted from the treatment of a spinal metastasis: without spinal disease only
    # the vital status is looked for (skipping the duration scans keeps corpus runs fast)
    spinal = _spinal_disease(draft)
    for pattern in _FOLLOW_UP if spinal else ():
        for sent, m in pt.scan(pattern):
            if pt.flags(sent, m.start(), m.end()) & (HYPOTHETICAL | FAMILY):
                continue
            months = _months(m)
            if months is not None:
                candidates.append((months, m.span()))
    # the spinal treatment (or, without one, the spinal lesion) starts the follow-up clock
    starts = [a for key in ("spinal_surgery", "radiotherapy") for a, _ in draft.evidence.get(key, [])]
    t0 = min(starts) if starts else min((a for a, _ in draft.evidence.get("spinal_levels", [])), default=None)
    for sent, m in (hit for pattern in (_AFTER_TREATMENT if spinal else ()) for hit in pt.scan(pattern)):
        if pt.flags(sent, m.start(), m.end()) & (HYPOTHETICAL | FAMILY | NEGATED):
            continue
        phrase = m.group(0).lower()
        after_spinal_treatment = (
            bool(re.search(r"after|following|post|from", phrase)) and "later" not in phrase
        )
        explicit = bool(_EXPLICIT_SPINAL_TREATMENT.search(phrase))
        if (t0 is None or m.start() < t0) and not explicit:
            continue  # before the spinal treatment: an interval, not a follow-up
        if "later" in phrase and not _DEAD.search(text, sent.start, sent.end):
            continue
        if not after_spinal_treatment and not _OUTCOME_CUE.search(text, sent.start, sent.end):
            continue
        months = _months(m)
        if months is not None and months < 600:
            candidates.append((months, m.span()))
    for sent, m in pt.scan(_DEAD):
        if pt.flags(sent, m.start(), m.end()) & (NEGATED | HYPOTHETICAL | FAMILY):
            continue
        if re.search(
            r"\b(?:risk|rates?|cause\s+of\s+death|mortality)\b",
            text[max(sent.start, m.start() - 20) : m.end() + 10],
            re.IGNORECASE,
        ):
            continue
        death = m.span()
    for sent, m in pt.scan(_ALIVE):
        if pt.flags(sent, m.start(), m.end()) & (HYPOTHETICAL | FAMILY):
            continue
        alive = alive or m.span()
    for _sent, _m in pt.scan(_LOST) if spinal else ():
        lost = True
    interval = draft.values.get("interval_months")
    if isinstance(interval, (int, float)) and interval > 0:
        # "10 years after surgery" dated the metastasis, not the follow-up
        candidates = [c for c in candidates if abs(c[0] - interval) >= 0.5]
    best = max(candidates, key=lambda c: c[0]) if candidates else None
    if best is not None:
        draft.set("follow_up_months", round(best[0], 2), [best[1]])
    if death is not None:
        draft.set("vital_status", "dead", [death])
    elif alive is not None:
        draft.set("vital_status", "alive", [alive])
    elif best is not None and not lost:
        draft.set("vital_status", "alive", [best[1]])


def _months(m: re.Match[str]) -> float | None:
    n = parse_number(m.group("n"))
    if n is None:
        return None
    return to_months(n, m.group("u"))


def extract_outcome(pt: PatientText, draft: Draft) -> None:
    """Neurological status, recurrence, follow-up and vital status."""
    extract_neuro(pt, draft)
    extract_recurrence(pt, draft)
    extract_follow_up(pt, draft)
