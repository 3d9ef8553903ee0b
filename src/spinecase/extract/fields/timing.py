"""Presentation (synchronous or metachronous) and the interval from the primary to the spine.

Three kinds of evidence, strongest first:

1. a relative time in a sentence that reports the spinal metastasis: "diagnosed with L3 vertebral
   metastasis 10 years after surgery", "Thirteen years later, … a sacral metastatic lesion";
2. dates: the primary diagnosed "in March 2003", the spine "in February 2016" → 155 months;
3. history: "a history of breast cancer treated 6 years earlier".

Synchronous when the report says so ("as first presentation", "at the time of diagnosis",
"simultaneously"), when the primary was found after the spine, or when it was never found; then the
interval is 0.

Example::

    >>> months_between((2003, 3), (2016, 2))
    155
"""

from __future__ import annotations

import re

from ..base import VERTEBRA_TOKEN, Draft, PatientText, Span
from ..context import HYPOTHETICAL, NEGATED
from ..numbers import NUMBER, UNIT, parse_number, to_months
from ..segment import Sentence
from ..terms import site_table

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan", "winter"),
            ("february", "feb", "early"),
            ("march", "mar"),
            ("april", "apr", "spring"),
            ("may",),
            ("june", "jun"),
            ("july", "jul", "summer", "mid"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct", "autumn", "fall"),
            ("november", "nov", "late"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_DATE = re.compile(
    # numeric month and year: "2011-05", "03/2014", "11.2015" (not a full date such as 12/03/2014)
    r"(?<![\d/.-])(?P<year3>(?:19[5-9]|20[0-4])\d)-(?P<mnum2>0[1-9]|1[0-2])\b(?![/.-]\d)"
    r"|(?<![\d/.-])(?P<mnum>0?[1-9]|1[0-2])[/.](?P<year2>(?:19[5-9]|20[0-4])\d)\b(?![/.-]\d)"
    r"|\b(?:(?P<month>january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|spring|summer|autumn|fall|winter|early|mid|late)\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?(?:of\s+)?)?(?P<year>(?:19[5-9]|20[0-4])\d)\b",
    re.IGNORECASE,
)
_SPINE = re.compile(
    rf"spin(?:e|al)|vertebr|sacr(?:um|al)|{VERTEBRA_TOKEN}|\bTh\d{{1,2}}\b|\bD\d{{1,2}}\b|lumbar|thoracic|cervical\s+spine|coccy",
    re.IGNORECASE,
)
_DISEASE = re.compile(
    r"metasta|lesion|tumou?r|mass|destruct|lytic|osteolytic|infiltrat|involv|uptake|fracture|compression|collapse|deposit",
    re.IGNORECASE,
)
_PRIMARY_EVENT = re.compile(
    r"diagnos\w*|resect\w*|\w+ectomy|surgery|operat\w*|biops\w*|excis\w*|treated|detected|found|identified|confirmed|presented",
    re.IGNORECASE,
)
_CANCER = re.compile(
    r"cancer|carcinoma|gist|tumou?r|\bprimary\b|neoplasm|malignan\w*|sarcoma|melanoma|myeloma|lymphoma|\bnet\b|carcinoid|mass",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    rf"(?P<n>{NUMBER})\s*[-\s]?(?P<u>{UNIT})\.?\s+(?:after|following|post|later|since|from)\b|\b(?:after|interval\s+of)\s+(?:about\s+|approximately\s+|nearly\s+|almost\s+)?(?P<n2>{NUMBER})\s*(?P<u2>{UNIT})\b",
    re.IGNORECASE,
)
_AGO = re.compile(
    rf"(?P<n>{NUMBER})\s*[-\s]?(?P<u>{UNIT})\.?\s+(?:ago|earlier|before|previously|prior(?:\s+to)?)\b",
    re.IGNORECASE,
)
_SYNC = re.compile(
    r"\b(?:first|initial|presenting)\s+(?:presentation|manifestation|sign|symptom|feature)|\bat\s+(?:initial\s+)?presentation\b|"
    r"\bat\s+(?:the\s+time\s+of\s+)?(?:initial\s+)?diagnosis\b|\bat\s+the\s+same\s+time\b|\bsimultaneous\w*|\bsynchronous\w*|"
    r"\bconcurrent\w*|\bconcomitant\w*|\bduring\s+(?:the\s+)?(?:initial\s+)?(?:staging|work-?up)|\bstaging\s+(?:work-?up|ct|mri|pet|scan)|"
    r"\bas\s+the\s+first\s+(?:sign|manifestation|presentation)|\bfirst\s+presented\s+with\b|\binitially\s+presented\s+with\b|"
    r"\bfirst\s+(?:revealed|detected|diagnosed|manifest\w*|discovered)|\bpresent(?:ing|ed)\s+as\b|\bled\s+to\s+(?:the\s+)?(?:discovery|diagnosis)|"
    r"\brevealed\s+the\s+primary|\bhad\s+not\s+been\s+suspected|\boccult\s+primary|\bwithout\s+(?:a\s+)?(?:known|previous|prior)\s+(?:history\s+of\s+)?(?:cancer|malignancy)|"
    r"\bno\s+(?:known\s+|previous\s+|prior\s+)?history\s+of\s+(?:cancer|malignancy)|\bno\s+past\s+(?:medical\s+)?history",
    re.IGNORECASE,
)
_HISTORY = re.compile(
    r"\b(?:history\s+of|previously\s+(?:diagnosed|treated|operated|resected)|had\s+(?:undergone|been\s+treated|received|been\s+diagnosed)|"
    r"(?:was|had\s+been)\s+(?:previously\s+)?(?:treated|operated|diagnosed)\s+(?:for|with)\s+\w+|prior\s+(?:history|diagnosis)|"
    r"(?:years?|months?)\s+(?:after|following)\s+(?:the\s+)?(?:initial\s+|primary\s+)?(?:diagnosis|surgery|resection|treatment))",
    re.IGNORECASE,
)
_FOUND = re.compile(
    r"\b(?:showed|revealed|demonstrated|disclosed|identified|found|detected|confirmed|established|diagnos\w+)\b",
    re.IGNORECASE,
)
_SPINAL_REFERENCE = re.compile(
    r"\s*the\s+(?:second|third|fourth|fifth|last|latest|final|most\s+recent|repeat|redo)\b|"
    r"\s*(?:the\s+)?(?:\w+\s+)?(?:spinal|spine|vertebra\w*|decompress\w*|fixation|corpectomy|laminectomy|kyphoplasty|vertebroplasty|"
    r"radiotherapy|radiosurgery|SBRT|irradiation|admission|presentation|discharge|kyphoplasty|stabili[sz]ation)",
    re.IGNORECASE,
)
_DISEASE_FREE_FOR = re.compile(
    rf"\b(?:(?:disease|recurrence|relapse|progression)[\s-]free\s+(?:for|interval\s+of|period\s+of|survival\s+of)|"
    rf"(?:latency|latent\s+period|latency\s+period)\s+of)\s+"
    rf"(?:about\s+|approximately\s+|nearly\s+|almost\s+|more\s+than\s+)?(?P<n>{NUMBER})\s*[-\s]?(?P<u>{UNIT})\b",
    re.IGNORECASE,
)
_OTHER_METASTASIS = re.compile(
    r"\b(?:liver|hepatic|lung|pulmonary|brain|cerebral|adrenal|peritone\w*|nodal|lymph\s+node|pleura\w*|ovarian|skin|"
    r"subcutaneous|renal|splenic|pancreatic|soft[\s-]tissue)\s+(?:\w+\s+){0,2}?(?:metasta\w*|deposits?|recurrence|lesions?|nodules?)"
    r"|\bmetasta\w*\s+(?:\w+\s+){0,2}?(?:to|in|of)\s+the\s+(?:liver|lungs?|brain|adrenal|peritoneum|pleura|skin)",
    re.IGNORECASE,
)
# "18 months before he developed neck pain": the onset of the spinal disease is the reference
_BEFORE_ONSET = re.compile(
    r"\s*(?:he|she|the\s+patient)\s+(?:\w+\s+)?(?:developed|presented|noticed|reported|complained|began|was\s+admitted|was\s+referred)",
    re.IGNORECASE,
)
_ADMITTED = re.compile(
    r"\b(?:admitted|referred|presented|was\s+seen|were\s+seen|consulted|came\s+to|attended)\b", re.IGNORECASE
)
_AT_AGE = re.compile(r"\bat\s+(?:the\s+)?age\s+(?:of\s+)?(?P<age>\d{1,2})\b", re.IGNORECASE)
_TREATMENT_STEP = re.compile(
    r"\b(?:underwent|received|was\s+treated|were\s+treated|was\s+performed|were\s+performed|was\s+operated|was\s+given|started|initiated)\b",
    re.IGNORECASE,
)
_ONSET = re.compile(
    r"\b(?:pain|ache|complain\w*|weakness|numbness|consulted|admitted|referred|presented|noticed|developed)\b",
    re.IGNORECASE,
)
_IMAGING_BEFORE = re.compile(
    r"\b(?:CT|MRI|scan|radiograph\w*|imaging|X-ray|PET|performed|obtained|done)\b[^.;]*$", re.IGNORECASE
)
_SYMPTOM = re.compile(r"history|duration|pain|complain|symptom|onset|weakness|numbness", re.IGNORECASE)
_FOLLOW = re.compile(
    r"follow[\s-]?up|postoperative|free\s+of|alive|died|death|remains\b|remission|complete\s+(?:clinical\s+)?response|surveillance|(?:no|without)\s+(?:local\s+)?recurrence|disease[\s-]free|doing\s+well|surviv|after\s+(?:the\s+)?(?:spinal\s+)?surgery\s+(?:she|he)\s+",
    re.IGNORECASE,
)
_DISCOVERY = re.compile(
    r"found|revealed|showed|diagnosed|developed|detected|presented|complained|noted|identified|demonstrated|confirmed|discovered|appeared|admitted|referred",
    re.IGNORECASE,
)


def months_between(a: tuple[int, int | None], b: tuple[int, int | None]) -> int:
    """Whole months from date ``a`` to date ``b`` (year, month or None); months default to equal."""
    (ya, ma), (yb, mb) = a, b
    if ma is None or mb is None:
        return (yb - ya) * 12
    return (yb - ya) * 12 + (mb - ma)


def _date(m: re.Match[str]) -> tuple[int, int | None]:
    if m.group("year2"):
        return int(m.group("year2")), int(m.group("mnum"))
    if m.group("year3"):
        return int(m.group("year3")), int(m.group("mnum2"))
    month = m.group("month")
    return int(m.group("year")), _MONTHS.get(month.lower().rstrip(".")) if month else None


def extract_timing(pt: PatientText, draft: Draft) -> None:
    """Fill ``presentation`` and ``interval_months`` for a patient with spinal disease."""
    text = pt.text
    sentences = [s for s in pt.sentences() if not pt.ctx.family.search(text, s.start, s.end)]
    if not sentences:
        return
    level_starts = [a for a, _ in draft.evidence.get("spinal_levels", [])]

    def is_spinal(k: int) -> bool:
        a, b = sentences[k].start, sentences[k].end
        return any(a <= x < b for x in level_starts) or bool(
            _SPINE.search(text, a, b) and _DISEASE.search(text, a, b)
        )

    spinal = [k for k in range(len(sentences)) if is_spinal(k)]
    if not spinal or (not level_starts and not _mentions_spinal_metastasis(pt)):
        return
    spinal[0]
    interval: tuple[float, Span] | None = None
    seen: set[int] = set()
    # a spinal episode opens at most two sentences before a sentence naming the lesion; the first
    # relative time found in such a stretch, in reading order, dates it
    with_level = [k for k in spinal if any(sentences[k].start <= x < sentences[k].end for x in level_starts)]
    anchors = with_level[:3] or spinal[:2]
    late = False  # found only around a later mention of the lesion (less sure than the first)
    for n_anchor, anchor in enumerate(anchors):
        for k in range(max(0, anchor - 3), anchor + 1):
            if k in seen:
                continue
            seen.add(k)
            interval = _relative_interval(pt, sentences[k], first_sentence=k == 0)
            if interval is not None:
                late = n_anchor > 0
                break
        if interval is not None:
            break
    history: Span | None = None
    ago: tuple[float, Span] | None = None
    primary_dates: list[tuple[tuple[int, int | None], Span]] = []
    upto = max(anchors)
    for k, sent in enumerate(sentences[: upto + 1]):
        a, b = sent.start, sent.end
        if not _CANCER.search(text, a, b):
            continue
        hm = _HISTORY.search(text, a, b)
        if hm and k not in spinal:
            history = history or hm.span()
        if ago is None and (hm or (k < upto and _PRIMARY_EVENT.search(text, a, b))):
            am = _AGO.search(text, a, b)
            if (
                am
                and (v := parse_number(am.group("n"))) is not None
                and (
                    not _SYMPTOM.search(text, max(a, am.start() - 30), am.end() + 25)
                    or _BEFORE_ONSET.match(text, am.end(), b)
                )
                and not _IMAGING_BEFORE.search(text[max(a, am.start() - 40) : am.start()])
            ):
                ago = (to_months(v, am.group("u")), am.span())
            at_age = _AT_AGE.search(text, a, b)
            age = draft.values.get("age")
            if ago is None and at_age and isinstance(age, int) and 0 < age - int(at_age.group("age")) < 60:
                ago = (12.0 * (age - int(at_age.group("age"))), at_age.span())
        if _PRIMARY_EVENT.search(text, a, b) and k not in spinal:
            primary_dates.extend((_date(m), m.span()) for m in _DATE.finditer(text, a, b))
    if ago is not None and (interval is None or interval[0] <= 1.5):
        interval = ago
    if interval is None and primary_dates:
        p_date = min((d for d, _ in primary_dates), key=lambda d: (d[0], d[1] or 0))
        # the sentences just before a named lesion, and any earlier sentence about the spinal disease
        # ("Spinal metastases: February 2019" in a structured summary)
        near = {j for a in anchors for j in range(max(0, a - 3), a + 1)}
        near |= {k for k in spinal if k <= max(anchors)}
        # "admitted in 02/2016 for pain in the lumbosacral region", told before the history
        near |= {
            k
            for k in range(min(anchors))
            if _ADMITTED.search(text, sentences[k].start, sentences[k].end)
            and _SYMPTOM.search(text, sentences[k].start, sentences[k].end)
        }
        for k in sorted(near):
            sk = sentences[k]
            if not (k in spinal or _ONSET.search(text, sk.start, sk.end)):
                continue  # a date of another event ("metastasectomy was done in May 2014")
            dates = [(_date(m), m.span()) for m in _DATE.finditer(text, sk.start, sk.end)]
            later = [d for d in dates if (d[0][0], d[0][1] or 0) > (p_date[0], p_date[1] or 0)]
            lesion_at = [x for x in level_starts if sk.start <= x < sk.end]
            if later and lesion_at:
                # a timeline flattened into one sentence: the date standing next to the lesion dates it
                later.sort(key=lambda d: abs(d[1][0] - lesion_at[0]))
            if later:
                months = months_between(p_date, later[0][0])
                if months > 0:
                    interval = (float(months), later[0][1])
                    break
    sync: Span | None = None
    for sent in sentences:
        for m in _SYNC.finditer(text, sent.start, sent.end):
            if not pt.flags(sent, m.start(), m.end()) & (NEGATED | HYPOTHETICAL) and _SPINE.search(
                text, sent.start, sent.end
            ):
                sync = sync or m.span()
    unknown = draft.values.get("primary_site") == "unknown"
    if interval is None and sync is None and history is None and with_level:
        # the narrative meets the spinal lesion first and only then finds the primary ("CT of the chest
        # then revealed a mass in the left upper lobe"): found together, so synchronous
        first_level = sentences[with_level[0]].start
        found_after = [
            a
            for a, _ in draft.evidence.get("primary_site", []) + draft.evidence.get("histology", [])
            if a > first_level
        ]
        before = [
            a
            for a, _ in draft.evidence.get("primary_site", []) + draft.evidence.get("histology", [])
            if a < first_level
        ]
        first_sent = sentences[with_level[0]]
        primary = draft.values.get("primary_site")
        together = [
            ss
            for code, ss, _ in site_table().find(text, first_sent.start, first_sent.end)
            if primary is not None and code == primary
        ]
        if together and _FOUND.search(text, first_sent.start, first_sent.end):
            # "CT showed a 7-cm thyroid mass … and destruction of the C4 vertebral body": one work-up
            # found both, with no earlier history of the cancer
            sync = (together[0], together[0] + 1)
        elif found_after and not before:
            k = next(
                i
                for i, s in enumerate(sentences)
                if s.start <= min(found_after) < s.end or s.start > min(found_after)
            )
            sent = sentences[k]
            if _FOUND.search(text, sent.start, sent.end):
                sync = (min(found_after), min(found_after) + 1)
    if draft.values.get("primary_site") == "unknown":
        interval = None  # the contract: an unknown primary is synchronous
    if interval is not None and late and sync is not None:
        interval = None  # "found at the same time as the lung primary" beats a later "eleven months later"
    if interval is not None and interval[0] > 1.5:
        draft.set("interval_months", round(interval[0], 1), [interval[1]])
        draft.set("presentation", "metachronous", [interval[1]])
    elif sync is not None or unknown:
        span = sync or draft.evidence.get("primary_site", [(0, 1)])[0]
        draft.set("presentation", "synchronous", [span])
        draft.set("interval_months", 0, [span])
    elif interval is not None:
        draft.set("interval_months", round(interval[0], 1), [interval[1]])
        draft.set("presentation", "synchronous", [interval[1]])
    elif history is not None:
        draft.set("presentation", "metachronous", [history])


def _relative_interval(pt: PatientText, sent: Sentence, *, first_sentence: bool) -> tuple[float, Span] | None:
    text = pt.text
    dfi = _DISEASE_FREE_FOR.search(text, sent.start, sent.end)
    if dfi and (v := parse_number(dfi.group("n"))) is not None:
        return to_months(v, dfi.group("u")), dfi.span()  # "disease-free for 30 months until…"
    if _FOLLOW.search(text, sent.start, sent.end):
        return None
    if _OTHER_METASTASIS.search(text, sent.start, sent.end) and not _SPINE.search(text, sent.start, sent.end):
        return None  # "twenty months after imatinib was stopped, CT showed liver metastases": another event
    for m in _RELATIVE.finditer(text, sent.start, sent.end):
        n, u = (m.group("n"), m.group("u")) if m.group("n") else (m.group("n2"), m.group("u2"))
        v = parse_number(n)
        if v is None or pt.flags(sent, m.start(), m.end()) & (NEGATED | HYPOTHETICAL):
            continue
        if first_sentence and "later" in m.group(0).lower():
            continue  # "later" needs an earlier primary
        if _SPINAL_REFERENCE.match(text, m.end(), sent.end):
            continue  # "two weeks after the spinal surgery" dates the treatment, not the metastasis
        if _TREATMENT_STEP.search(text, sent.start, sent.end) and not _DISCOVERY.search(
            text, sent.start, sent.end
        ):
            continue  # "Three weeks later the T10 lesion received radiotherapy": a step of treatment
        return to_months(v, u), m.span()
    return None


def _mentions_spinal_metastasis(pt: PatientText) -> bool:
    text = pt.text
    return any(
        re.search(
            r"(?:spin(?:e|al)|vertebr\w*|sacr\w*)\s+(?:\w+\s+){0,2}?metasta",
            text[s.start : s.end],
            re.IGNORECASE,
        )
        for s in pt.sentences()
    )
