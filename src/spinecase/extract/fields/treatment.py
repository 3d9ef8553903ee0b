"""Spinal surgery, radiotherapy courses to the spine, and systemic agents.

* Surgery counts only on the spine: a procedure term needs a spinal cue in its sentence
  ("posterior T10–L2 fixation", "sacral laminectomy") and no surgery of the primary
  ("wedge resection of the stomach"). A needle biopsy is not surgery. "Surgery, type not stated"
  is reported only when no specific procedure is.
* Each stated total dose is a course ("36 Gy in 4 fractions", "20 Gy in a single fraction",
  "5 × 4 Gy"); the modality is the nearest radiotherapy term (SBRT, CyberKnife, proton…); a course
  named without a dose is kept only when no dosed course of that kind exists. Courses aimed elsewhere
  (breast, whole brain, humerus) are not spinal.
* Systemic agents at any time, generic names and brands mapped to codes; unnamed chemotherapy counts
  as ``chemotherapy`` only when no coded anticancer agent is named (``case-record.md``), while a named
  drug without a code of its own (gemcitabine) always does. Proposed or refused treatment is not
  treatment.

Example::

    >>> parse_dose("36 Gy radiation dose divided into 4 fractions")
    (36.0, 4)
    >>> parse_dose("20 Gy in 5 fractions of 4 Gy")
    (20.0, 5)
    >>> parse_dose("8 Gy in a single fraction")
    (8.0, 1)
"""

from __future__ import annotations

import re

from ...lexicon import load_yaml
from ...records import RadiotherapyCourse
from ..base import Draft, PatientText, Span
from ..context import FAMILY, HYPOTHETICAL, NEGATED
from ..numbers import NUMBER, parse_number
from ..terms import procedure_pattern, radiotherapy_table, regimens, surgery_table, systemic_table

_GENERIC_SURGERY = re.compile(
    r"^(?:surgery|operation|operated|surgical\s+\w+|underwent\s+surgery)$", re.IGNORECASE
)
_TIME_BEFORE = re.compile(
    r"\b(?:after|since|following|before|prior\s+to|post)\s+(?:the\s+|his\s+|her\s+|initial\s+|primary\s+)?$",
    re.IGNORECASE,
)
_NOT_PROCEDURE_AFTER = re.compile(r"\s*(?:gene|transcript|protein|oncogene|product|partner)", re.IGNORECASE)
_NOT_PROCEDURE_BEFORE = re.compile(
    r"(?:disease|clinical|hemodynamic|haemodynamic|EWSR1|FLI-?1|gene|[A-Z0-9]{3,}[-/])\s*$", re.IGNORECASE
)
_BIOPSY = re.compile(r"biops", re.IGNORECASE)
_HISTORY_WORDS = re.compile(
    r"\bhad\s+(?:undergone|been)|\bpreviously\b|\bat\s+the\s+age\s+of\b|\byears?\s+(?:ago|earlier|before)\b",
    re.IGNORECASE,
)
_DISEASE_WORD = re.compile(r"metasta|tumou?r|lesion|mass|infiltrat|compression|destruct|lytic", re.IGNORECASE)

_DOSE = re.compile(
    r"(?<![\w.])(?P<dose>\d+(?:[.,]\d+)?)\s*-?\s*(?P<unit>c?Gy|gray|centigray)\b(?:\s*\(?(?:RBE|GyE|Gy\s*\(RBE\)|Eq)\)?)?",
    re.IGNORECASE,
)
_FX_AFTER = re.compile(
    rf"^[^.;]{{0,40}}?(?:(?:in|into|over|divided(?:\s+(?:into|in))?|/|,|with|delivered\s+in|given\s+in|x|×)\s*(?:a\s+)?"
    rf"(?P<fx>{NUMBER}|single|one)\s*(?:daily\s+)?(?:fractions?|fx|fr\.?|sessions?|treatments?|times|#)(?![\w])"
    rf"|(?P<fx2>{NUMBER})\s*(?:fractions?|fx|fr|#)(?![\w])|(?P<single>fraction\b))"
    # "SBRT 27 Gy in 3 to C3": a bare count right after the dose
    rf"|^\s*in\s+(?P<fx3>\d{{1,2}})(?=\s*(?:$|[,;.)]|to\b|at\b|on\b|for\b|and\b|was\b|were\b))",
    re.IGNORECASE,
)
_NOT_A_COURSE_BEFORE = re.compile(
    r"(?:alpha\s*/\s*beta|α\s*/\s*β|\ba/b|\bEQD\s?2\w*|\bBED\d*|\bD\s?max|maximum|\bmax\b|"
    r"constraint|tolerance|\blimit(?:ed)?\b|below|under|exceed\w*)[^.;]{0,20}$",
    re.IGNORECASE,
)
_FX_BEFORE = re.compile(rf"(?P<fx>{NUMBER})\s*(?:fractions?|fx|sessions?)\s*(?:of|x|×)\s*$", re.IGNORECASE)
_SINGLE_BEFORE = re.compile(r"(?<![\w-])(?:a\s+)?(?:single|one)\s*$", re.IGNORECASE)
_TIMES_BEFORE = re.compile(r"(?P<n>\d{1,2})\s*[x×]\s*$", re.IGNORECASE)
_TIMES_AFTER = re.compile(r"^\s*[x×]\s*(?P<n>\d{1,2})\b", re.IGNORECASE)
_PER_FRACTION_AFTER = re.compile(
    r"^\s*(?:per|/|each|a)\s*(?:fraction|fx|day|session)|^\s*(?:fractions?|daily)\b", re.IGNORECASE
)
_PER_FRACTION_BEFORE = re.compile(
    r"(?:fractions?|fx|sessions?)\s+of\s*$|\b(?:of|at)\s+a\s+fraction\s+of\s*$|\bfraction(?:al)?\s+dose\s+of\s*$",
    re.IGNORECASE,
)
_TOTAL_AFTER = re.compile(
    r"^[^.;]{0,60}?(?:total(?:\s+dose)?\s+(?:of\s+)?)(?P<dose>\d+(?:[.,]\d+)?)\s*(?:c?Gy|gray)", re.IGNORECASE
)

_GENERIC_CHEMO = re.compile(r"chemo|cytotoxic|platinum", re.IGNORECASE)
_GENERIC_TARGETED = re.compile(r"targeted|kinase|TKI|inhibitor", re.IGNORECASE)
_GENERIC_IMMUNO = re.compile(r"immunotherap|checkpoint|ICI|anti-?PD", re.IGNORECASE)
_GENERIC_BISPHOS = re.compile(r"^bisphosphonates?$", re.IGNORECASE)
_GROUPS: dict[str, frozenset[str]] = {
    k: frozenset(v) for k, v in load_yaml("systemic.yaml")["groups"].items()
}
_IMAGING_AFTER = re.compile(
    r"[-\s]*(?:based\s+)?(?:imaging|scan|scans|scintigraph\w*|PET|SPECT|uptake|avid|receptor\s+imaging)\b",
    re.IGNORECASE,
)
_TRACER_BEFORE = re.compile(r"(?:68\s*Ga|111\s*In|99m\s*Tc|64\s*Cu|18\s*F)[-\s]*$", re.IGNORECASE)
_AFTER_SURGERY = re.compile(
    r"\b(?:post-?\s?operative(?:ly)?|adjuvant|after\s+(?:the\s+)?(?:surgery|operation|decompression|stabili[sz]ation))\b",
    re.IGNORECASE,
)
_STRONG_HYPOTHETICAL = re.compile(
    r"\b(?:proposed|planned|plan(?:ned)?\s+to|recommended|candidate|was\s+offered|will\s+(?:be|receive|start)|would|"
    r"scheduled|consider(?:ed|ing)\s+(?:for|starting)|refused|declined|discontinued\s+before|not\s+(?:started|given|administered))\b",
    re.IGNORECASE,
)


def parse_dose(fragment: str) -> tuple[float, int | None] | None:
    """(total Gy, fractions) of the first dose statement in ``fragment``."""
    for m in _DOSE.finditer(fragment):
        c = _course_from_dose(fragment, 0, len(fragment), m)
        if c is not None:
            return c
    return None


def _course_from_dose(
    text: str, sent_start: int, sent_end: int, m: re.Match[str]
) -> tuple[float, int | None] | None:
    before = text[max(sent_start, m.start() - 40) : m.start()]
    after = text[m.end() : min(sent_end, m.end() + 70)]
    if _NOT_A_COURSE_BEFORE.search(before):
        return None  # "alpha/beta 2 Gy", "cord maximum 14 Gy", "EQD2 of 45 Gy": a parameter or a limit
    dose = float(m.group("dose").replace(",", "."))
    if m.group("unit").lower().startswith(("c", "centi")):
        dose /= 100.0
    if _SINGLE_BEFORE.search(before):
        return dose, 1  # "a single 8 Gy fraction", "one 8-Gy fraction"
    if _PER_FRACTION_BEFORE.search(before) or _PER_FRACTION_AFTER.match(after):
        tb, ta = _TIMES_BEFORE.search(before), _TIMES_AFTER.match(after)
        fb = _FX_BEFORE.search(before)
        if tb or ta:
            n = int((tb or ta).group("n"))  # type: ignore[union-attr]
            return dose * n, n
        if fb and (v := parse_number(fb.group("fx"))):
            return dose * v, int(v)
        total = _TOTAL_AFTER.match(after)
        if total:
            return None  # the total dose stated later is the course
        return None
    tb, ta = _TIMES_BEFORE.search(before), _TIMES_AFTER.match(after)
    if tb or ta:
        n = int((tb or ta).group("n"))  # type: ignore[union-attr]
        return dose * n, n
    fx = _FX_AFTER.match(after)
    if fx and fx.group("single") and not _SINGLE_BEFORE.search(before):
        fx = None  # "... 8 Gy fraction" alone says nothing about how many
    if fx:
        raw = fx.group("fx") or fx.group("fx2") or fx.group("fx3")
        count = 1.0 if raw.lower() in ("single", "one", "a") else parse_number(raw)
        return dose, int(count) if count else None
    return dose, None


def _spine(text: str, start: int, end: int) -> bool:
    return bool(procedure_pattern("spine_cue").search(text, start, end))


def extract_surgery(pt: PatientText, draft: Draft) -> None:
    """Fill ``spinal_surgery`` with procedure codes on the spine."""
    text = pt.text
    other = procedure_pattern("other_surgery")
    specific: dict[str, list[Span]] = {}
    generic: list[Span] = []
    for sent, code, s, e in pt.terms(surgery_table()):
        if pt.flags(sent, s, e) & (NEGATED | HYPOTHETICAL | FAMILY):
            continue
        if _NOT_PROCEDURE_AFTER.match(text, e) or _NOT_PROCEDURE_BEFORE.search(
            text[max(sent.start, s - 20) : s]
        ):
            continue
        window_lo, window_hi = max(sent.start, s - 120), min(sent.end, e + 120)
        om = other.search(text, window_lo, window_hi)
        if not _spine(text, window_lo, window_hi):
            # "…metastasis in the first lumbar vertebral body. … en bloc resection and reconstruction were
            # performed": the spine named in the sentence before carries over, unless other surgery is named
            prev = pt.seg.sentences[max(0, pt.seg.index_at(sent.start) - 1)]
            if (
                om
                or prev.start == sent.start
                or not _spine(text, prev.start, prev.end)
                or not _DISEASE_WORD.search(text, prev.start, prev.end)
                or _HISTORY_WORDS.search(text, sent.start, sent.end)
            ):
                continue
        if om and not _spine(text, max(sent.start, s - 40), min(sent.end, e + 40)):
            continue
        if code == "spinal_surgery":
            phrase = text[s:e]
            if _GENERIC_SURGERY.match(phrase) and _TIME_BEFORE.search(text[max(sent.start, s - 30) : s]):
                continue
            if _BIOPSY.search(text, max(sent.start, s - 25), min(sent.end, e + 25)):
                continue
            generic.append((s, e))
            continue
        specific.setdefault(code, []).append((s, e))
    if "en_bloc_resection" in specific:
        specific.pop("tumor_resection", None)
    for code, spans in specific.items():
        for span in spans[:3]:
            draft.add("spinal_surgery", code, span)
    if not specific and generic:
        draft.add("spinal_surgery", "spinal_surgery", generic[0])


def extract_radiotherapy(pt: PatientText, draft: Draft) -> None:
    """Fill ``radiotherapy`` with one course per stated dose to the spine."""
    text = pt.text
    other_target = procedure_pattern("rt_other_target")
    rt_mentions: list[tuple[int, str, int, int, int]] = []  # (sentence position, code, s, e, flags)
    sent_order = {i: k for k, i in enumerate(pt.sentence_indices)}
    sentences = [pt.seg.sentences[i] for i in pt.sentence_indices]
    for sent, code, s, e in pt.terms(radiotherapy_table()):
        rt_mentions.append((sent.start, code, s, e, pt.flags(sent, s, e)))

    def spinal_target(k: int, s: int, e: int) -> bool:
        sent = sentences[k]
        near_spine = _spine(text, max(sent.start, s - 150), min(sent.end, e + 150))
        if near_spine:
            o = other_target.search(text, max(sent.start, s - 60), min(sent.end, e + 60))
            return not o or _spine(text, max(sent.start, s - 60), min(sent.end, e + 60))
        if other_target.search(text, sent.start, sent.end):
            return False
        prev = sentences[k - 1] if k > 0 else None
        if (
            prev is not None
            and _spine(text, prev.start, prev.end)
            and not other_target.search(text, prev.start, prev.end)
        ):
            return True
        # radiotherapy just after the spinal operation ("Postoperative radiotherapy, 20 Gy in 5
        # fractions…"), with no other target named: the operated spine is the target
        operated = [a for a, _ in draft.evidence.get("spinal_surgery", []) if a < sent.start]
        if any(a >= sentences[max(0, k - 2)].start for a in operated):
            return True  # "…pedicle screw fixation from T11 to L3. … Conventional radiotherapy, 30 Gy/10 fx, followed"
        return bool(_AFTER_SURGERY.search(text, sent.start, sent.end)) and any(
            a >= sentences[max(0, k - 3)].start for a in operated
        )

    courses: list[tuple[RadiotherapyCourse, Span]] = []
    dose_sentences: set[int] = set()
    for k, sent in enumerate(sentences):
        for m in _DOSE.finditer(text, sent.start, sent.end):
            c = _course_from_dose(text, sent.start, sent.end, m)
            if c is None:
                continue
            # the modality: the nearest radiotherapy term in this or the two previous sentences
            near = [r for r in rt_mentions if sentences[max(0, k - 2)].start <= r[0] <= sent.start]
            if not near:
                if c[1] is None:
                    continue
                # "a single 8-Gy fraction": a dose in fractions is radiotherapy even unnamed
                near = [(sent.start, "radiotherapy", m.start(), m.end(), 0)]
            if any(r[4] & (NEGATED | HYPOTHETICAL) for r in near if r[0] == sent.start) and not any(
                not r[4] & (NEGATED | HYPOTHETICAL) for r in near if r[0] == sent.start
            ):
                continue
            if not spinal_target(k, m.start(), m.end()):
                continue
            # the radiotherapy term nearest before the dose in this sentence names its modality
            same_before = [r for r in near if r[0] == sent.start and r[2] <= m.start()]
            if same_before:
                nearest = max(same_before, key=lambda r: r[2])
                if nearest[1] != "radiotherapy":
                    near = [nearest]
            same = [r[1] for r in near if r[0] == sent.start]
            specific = [r[1] for r in near if r[1] != "radiotherapy"]
            # "20 Gy radiation dose…" after "radiosurgery to the sacrum": the named modality wins
            modality = next(
                (c_ for c_ in same if c_ != "radiotherapy"), specific[-1] if specific else near[-1][1]
            )
            dose_sentences.add(sent_order[pt.sentence_indices[k]])
            courses.append(
                (RadiotherapyCourse(modality=modality, total_dose_gy=c[0], fractions=c[1]), m.span())
            )

    undosed: dict[str, Span] = {}
    for k, sent in enumerate(sentences):
        for r in rt_mentions:
            if r[0] != sent.start or r[4] & (NEGATED | HYPOTHETICAL | FAMILY):
                continue
            if k in dose_sentences or not spinal_target(k, r[2], r[3]):
                continue
            undosed.setdefault(r[1], (r[2], r[3]))

    # "20 Gy … 20 Gy in 5 fractions" said twice: keep the fuller statement of one course
    fuller = {(c.modality, c.total_dose_gy) for c, _ in courses if c.fractions is not None}
    courses = [
        (c, sp) for c, sp in courses if c.fractions is not None or (c.modality, c.total_dose_gy) not in fuller
    ]
    # "20 Gy … 20 Gy in 5 fractions" said twice: keep the fuller statement of one course
    fuller = {(c.modality, c.total_dose_gy) for c, _ in courses if c.fractions is not None}
    courses = [
        (c, sp) for c, sp in courses if c.fractions is not None or (c.modality, c.total_dose_gy) not in fuller
    ]
    seen: set[tuple[str, float | None, int | None]] = set()
    for course, span in courses:
        key = (course.modality, course.total_dose_gy, course.fractions)
        if key in seen:
            continue
        seen.add(key)
        draft.add("radiotherapy", course, span)
    dosed_modalities = {c.modality for c, _ in courses}
    specific = [m for m in undosed if m != "radiotherapy"]
    for modality, span in undosed.items():
        if modality in dosed_modalities or (modality == "radiotherapy" and (specific or courses)):
            continue
        draft.add("radiotherapy", RadiotherapyCourse(modality=modality), span)


def extract_systemic(pt: PatientText, draft: Draft) -> None:
    """Fill ``systemic_agents`` with every anticancer or bone-targeted agent given."""
    text = pt.text
    named: dict[str, Span] = {}
    generic: dict[str, Span] = {}
    regimen_map = regimens()
    for sent, code, s, e in pt.terms(systemic_table()):
        if pt.flags(sent, s, e) & (NEGATED | HYPOTHETICAL | FAMILY):
            continue
        clause_start = max(sent.start, text.rfind(";", sent.start, s) + 1)
        if _STRONG_HYPOTHETICAL.search(text, clause_start, s) or _STRONG_HYPOTHETICAL.search(
            text, e, min(sent.end, e + 40)
        ):
            continue
        phrase = text[s:e]
        if _IMAGING_AFTER.match(text, e, min(sent.end, e + 40)) or _TRACER_BEFORE.search(
            text[max(sent.start, s - 8) : s]
        ):
            continue  # "octreotide-based imaging", "68Ga-DOTATATE PET" are diagnostics, not treatment
        if code.startswith("regimen:"):
            for agent in regimen_map[code]:
                named.setdefault(agent, (s, e))
        elif code.startswith("class:"):
            cls = code.split(":", 1)[1]
            is_generic = (
                (cls == "chemotherapy" and _GENERIC_CHEMO.search(phrase))
                or (
                    cls == "targeted_therapy"
                    and _GENERIC_TARGETED.search(phrase)
                    and not re.search(r"ib$|mab$", phrase)
                )
                or (cls == "immunotherapy" and _GENERIC_IMMUNO.search(phrase))
                or (cls == "bisphosphonate" and _GENERIC_BISPHOS.match(phrase))
            )
            (generic if is_generic else named).setdefault(cls, (s, e))
        else:
            named.setdefault(code, (s, e))
    agents = dict(named)
    coded = set(named) & _GROUPS["coded_anticancer"]
    for cls, span in generic.items():
        if cls == "chemotherapy" and coded:
            continue
        if cls == "targeted_therapy" and set(named) & _GROUPS["coded_kinase_inhibitors"]:
            continue
        if cls == "immunotherapy" and set(named) & _GROUPS["coded_immunotherapy"]:
            continue
        if cls == "bisphosphonate" and set(named) & _GROUPS["coded_bisphosphonates"]:
            continue
        agents.setdefault(cls, span)
    for code, span in sorted(agents.items(), key=lambda kv: kv[1][0]):
        draft.add("systemic_agents", code, span)
