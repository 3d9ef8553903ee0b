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

from ..base import Draft, PatientText, Span
from ..context import FAMILY, HYPOTHETICAL, NEGATED
from ..numbers import NUMBER, UNIT, parse_number, to_months

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
            ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
            ("november", "nov"), ("december", "dec"),
        ]
    )
    for m in names
}
_DATE = re.compile(
    r"\b(?:(?P<month>january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?(?:of\s+)?)?(?P<year>(?:19[5-9]|20[0-4])\d)\b",
    re.IGNORECASE,
)
_SPINE = re.compile(
    r"spin(?:e|al)|vertebr|sacr(?:um|al)|\b[CTLS]\d{1,2}\b|\bTh\d{1,2}\b|\bD\d{1,2}\b|lumbar|thoracic|cervical\s+spine|coccy",
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
    r"cancer|carcinoma|gist|tumou?r|neoplasm|malignan\w*|sarcoma|melanoma|myeloma|lymphoma|\bnet\b|carcinoid|mass",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    rf"(?P<n>{NUMBER})\s*[-\s]?(?P<u>{UNIT})\.?\s+(?:after|following|post|later|since|from)\b|\bafter\s+(?:about\s+|approximately\s+|nearly\s+)?(?P<n2>{NUMBER})\s*(?P<u2>{UNIT})\b",
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
    r"\bas\s+the\s+first\s+(?:sign|manifestation|presentation)|\bfirst\s+presented\s+with\b|\binitially\s+presented\s+with\b",
    re.IGNORECASE,
)
_HISTORY = re.compile(
    r"\b(?:history\s+of|previously\s+(?:diagnosed|treated|operated|resected)|had\s+(?:undergone|been\s+treated|received|been\s+diagnosed)|"
    r"(?:was|had\s+been)\s+(?:previously\s+)?(?:treated|operated|diagnosed)\s+(?:for|with)\s+\w+|prior\s+(?:history|diagnosis)|"
    r"(?:years?|months?)\s+(?:after|following)\s+(?:the\s+)?(?:initial\s+|primary\s+)?(?:diagnosis|surgery|resection|treatment))",
    re.IGNORECASE,
)
_FOLLOW = re.compile(r"follow[\s-]?up|postoperative|after\s+(?:the\s+)?(?:spinal\s+)?surgery\s+(?:she|he)\s+", re.IGNORECASE)
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
    month = m.group("month")
    return int(m.group("year")), _MONTHS.get(month.lower().rstrip(".")) if month else None


def extract_timing(pt: PatientText, draft: Draft) -> None:
    """Fill ``presentation`` and ``interval_months`` for a patient with spinal disease."""
    if not draft.values.get("spinal_levels") and not _mentions_spinal_metastasis(pt):
        return
    text = pt.text
    interval: tuple[float, Span] | None = None
    sync: Span | None = None
    history: Span | None = None
    primary_dates: list[tuple[tuple[int, int | None], Span]] = []
    spine_dates: list[tuple[tuple[int, int | None], Span]] = []
    for sent in pt.sentences():
        a, b = sent.start, sent.end
        spinal = bool(_SPINE.search(text, a, b) and _DISEASE.search(text, a, b))
        f_sent = pt.ctx.family.search(text, a, b)
        if f_sent:
            continue
        if spinal and interval is None and _DISCOVERY.search(text, a, b) and not _FOLLOW.search(text, a, b):
            for m in _RELATIVE.finditer(text, a, b):
                n, u = (m.group("n"), m.group("u")) if m.group("n") else (m.group("n2"), m.group("u2"))
                v = parse_number(n)
                if v is None or pt.flags(sent, m.start(), m.end()) & (NEGATED | HYPOTHETICAL):
                    continue
                interval = (to_months(v, u), m.span())
                break
        for m in _SYNC.finditer(text, a, b):
            if not pt.flags(sent, m.start(), m.end()) & (NEGATED | HYPOTHETICAL) and (spinal or _SPINE.search(text, a, b)):
                sync = sync or m.span()
        for m in _DATE.finditer(text, a, b):
            if spinal:
                spine_dates.append((_date(m), m.span()))
            elif _CANCER.search(text, a, b) and _PRIMARY_EVENT.search(text, a, b):
                primary_dates.append((_date(m), m.span()))
        if not spinal and _CANCER.search(text, a, b):
            hm = _HISTORY.search(text, a, b)
            if hm:
                history = history or hm.span()
                am = _AGO.search(text, a, b)
                if am and interval is None and (v := parse_number(am.group("n"))) is not None:
                    interval = (to_months(v, am.group("u")), am.span())
    if interval is None and primary_dates and spine_dates:
        p_date, p_span = min(primary_dates, key=lambda d: (d[0][0], d[0][1] or 0))
        later = [d for d in spine_dates if d[0] >= p_date]
        if later:
            s_date, s_span = min(later, key=lambda d: (d[0][0], d[0][1] or 0))
            months = months_between(p_date, s_date)
            if months > 0:
                interval = (float(months), s_span)
                if p_span not in (s_span,):
                    interval = (float(months), s_span)
                    draft.evidence.setdefault("interval_months", []).append(p_span)
    unknown = draft.values.get("primary_site") == "unknown"
    if interval is not None and interval[0] > 1.5:
        draft.set("interval_months", round(interval[0], 1), [*draft.evidence.get("interval_months", []), interval[1]])
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
    draft.evidence.pop("interval_months", None) if "interval_months" not in draft.values else None


def _mentions_spinal_metastasis(pt: PatientText) -> bool:
    text = pt.text
    return any(
        re.search(r"(?:spin(?:e|al)|vertebr\w*|sacr\w*)\s+(?:\w+\s+){0,2}?metasta", text[s.start : s.end], re.IGNORECASE)
        for s in pt.sentences()
    )
