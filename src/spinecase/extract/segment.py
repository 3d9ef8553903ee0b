"""Sentences and zones: which sentences of a report may describe *this* patient.

A case report mixes the patient's story with population figures ("GISTs usually metastasise to the
liver"), other papers' patients ("Smith et al. reported two cases…"), reference lists and web-page
furniture. The rules of ``case-record.md`` say none of those are this patient. Like the section
detection of medspaCy's ``Sectionizer``, this module assigns each sentence a *zone* from headings and
inline labels, then marks it eligible for extraction:

* case presentation, abstract, untitled text, titles and figure captions: eligible, unless the
  sentence is a population statement or cites another paper;
* introduction, discussion and conclusion: eligible only when the sentence names this patient
  ("our patient", "the present case", "we performed…");
* references, tables, boilerplate and non-English metadata: never.

Example::

    >>> s = segment("Background: GIST usually arises in the stomach. "
    ...             "Case summary: A 61-year-old man had back pain.")
    >>> [(t.zone, t.eligible) for t in s.sentences]
    [('background', False), ('case', True)]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..documents.cleaning import _CAPTION, _is_heading
from ..documents.sections import classify_heading
from ..lexicon import load_yaml
from .fastscan import WordIndex, fast


@dataclass(slots=True)
class Sentence:
    """A sentence ``[start, end)`` of the cleaned text."""

    start: int
    end: int
    zone: str
    eligible: bool
    patient: int = 0  # index into the document's patients, assigned by the patient splitter


@dataclass(slots=True)
class Segmented:
    """The cleaned text cut into sentences, with a fast offset → sentence lookup."""

    text: str
    sentences: list[Sentence]
    starts: list[int] = field(default_factory=list)
    _words: WordIndex | None = None

    def __post_init__(self) -> None:
        self.starts = [s.start for s in self.sentences]

    @property
    def words(self) -> WordIndex:
        """Word starts of the text, built on first use (see :mod:`.fastscan`)."""
        if self._words is None:
            self._words = WordIndex(self.text)
        return self._words

    def index_at(self, offset: int) -> int:
        """Index of the sentence holding ``offset`` (the previous one when between sentences)."""
        return max(0, bisect_right(self.starts, offset) - 1)


class _Rules:
    """Compiled zone rules from ``lexicon/zones.yaml``."""

    def __init__(self) -> None:
        z: dict[str, Any] = load_yaml("zones.yaml")
        flat: dict[str, Any] = {k: re.sub(r"\s+", "", v) if isinstance(v, str) else v for k, v in z.items()}
        labels: dict[str, str] = flat["inline_labels"]
        colon = re.sub(r"\s+", "", labels["colon"])
        caps = re.sub(r"\s+", "", labels["caps"])
        self.label = re.compile(
            rf"(?:(?<![\w-])(?P<colon>{colon})\s*:|(?<![\w-])(?P<caps>{caps})(?![\w-])\s*:?)"
        )
        self.anchor = re.compile(flat["patient_anchor"], re.IGNORECASE)
        self.population = re.compile(flat["population_cue"], re.IGNORECASE)
        self.citation = re.compile(flat["citation_cue"], re.IGNORECASE)
        self.boiler = re.compile(flat["boilerplate_line"], re.IGNORECASE)
        self.caps_inline = re.compile(rf"(?<=[\s.,;:])(?:{caps})(?=\s+[A-Z])")


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    return _Rules()


# A sentence ends at . ! ? followed by space(s) and an opening character, or glued to a capitalised
# word (".Radiographic" in text whose spaces were lost).
_BOUNDARY = re.compile(r"[.!?][\"')\]]*(?:\s+(?=[A-Z0-9(\[\"“‘])|(?=[A-Z][a-z]|[A-Z]{2,}\s))")
_ABBREV = re.compile(
    r"(?:\b(?i:Fig|Figs|et\s+al|e\.g|i\.e|Dr|Mr|Mrs|Ms|Prof|vs|No|Nos|approx|St|ca|cf|resp|Ref|Vol|pp|Jr|Sr|min|max|"
    r"mo|yr|yrs|wk|wks|hr|hrs|nr|pt|pts)\.?|\b[A-Z])[.!?]?$",
)
_PARA = re.compile(r"\n+")
_SECTION_NUMBER = re.compile(r"\s*(?:\d{1,2}(?:\.\d{1,2}){0,3}|[IVX]{1,4}|[A-H])\.")
# a line that starts with a case label, perhaps with its patient in brackets, then the narrative
_CASE_LINE = re.compile(
    r"(?:Case|Patient|CASE|PATIENT)\s+(?:[Nn]o\.?\s*)?(?:\d{1,2}|[IVX]{1,4}|[A-E]|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our)\b"
    r"(?:\s*\([^()\n]{1,60}\))?\s*[:.\u2013\u2014-]?\s+(?=[A-Z])"
)
_CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")
_ZONE_ELIGIBLE = {"case", "abstract", "other", "title", "caption"}
_ZONE_ANCHOR_ONLY = {"background", "discussion", "conclusion"}
_ZONE_NEVER = {"references", "table", "boilerplate"}


def _split_line(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    # an ALL-CAPS section label inside a line ("…insufficient. CASE SUMMARY A 54-year-old…") starts
    # a sentence of its own even without punctuation before it
    for lab in _rules().caps_inline.finditer(text, start + 1, end):
        _split_line(text, start, lab.start(), out)
        start = lab.start()
    s = start
    for m in _BOUNDARY.finditer(text, start, end):
        cut = m.start() + 1
        # skip abbreviations and initials: "Fig. 2", "et al. reported", "J. Smith"
        head = text[max(s, cut - 8) : cut]
        if _ABBREV.search(head) or (s == start and _SECTION_NUMBER.fullmatch(text, s, cut)):
            continue  # "2.1. History": the numbering belongs to the heading that follows
        e = m.end()
        if cut - s > 1:
            out.append((s, m.start() + len(m.group(0).rstrip())))
        s = e
    if end > s:
        out.append((s, end))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``; line breaks (headings, paragraphs) always end a sentence."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA.finditer(text):
        if m.start() > pos:
            _split_line(text, pos, m.start(), spans)
        pos = m.end()
    if pos < len(text):
        _split_line(text, pos, len(text), spans)
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _label_kind(label: str) -> str:
    k = classify_heading(label)
    if k == "other" and re.match(
        r"(?i)(patient|presenting)\s+concerns|diagnos|intervention|outcome|treatment", label
    ):
        return "case"
    if k == "other" and re.match(r"(?i)lessons?|main\s+lessons", label):
        return "discussion"
    return k


def segment(text: str) -> Segmented:
    """Cut cleaned ``text`` into sentences and assign zones and eligibility (see module doc)."""
    rules = _rules()
    spans = split_sentences(text)
    words = WordIndex(text)
    hits = _Hits(text, words, rules)
    sentences: list[Sentence] = []
    zone = "other"
    caption_until = -1  # a figure caption lasts one paragraph…
    caption_left = 0  # …and a few short sentences at most (PDF text runs captions into prose)
    table_mode = False
    for a, b in spans:
        chunk = text[a:b]
        line_start = a == 0 or text[a - 1] == "\n"
        para_start = a == 0 or text[a - 2 : a] == "\n\n" or (line_start and caption_until >= 0)
        this_zone: str | None = None
        if line_start and _is_heading(chunk):
            kind = classify_heading(chunk)
            if kind != "other":
                zone = kind
                table_mode = False
            elif zone == "background":
                zone = "other"  # an unknown heading after the introduction opens a section of its own
            sentences.append(Sentence(a, b, "heading", False))
            continue
        if line_start and _CAPTION.match(chunk):
            if re.match(r"\s*Table", chunk, re.IGNORECASE):
                table_mode = True
            else:
                caption_until = b
                caption_left = 3
                this_zone = "caption"
        elif caption_until >= 0 and not para_start and a > caption_until and caption_left > 0 and b - a < 200:
            caption_left -= 1
            this_zone = "caption"
        else:
            caption_until = -1
        if table_mode and line_start and len(chunk) > 220 and chunk.rstrip().endswith("."):
            table_mode = False
        if line_start and _CASE_LINE.match(chunk):
            # "Patient 2 (52/F) In 2009 she…": a heading run into its paragraph still opens a case
            zone = "case"
            table_mode = False
        m = rules.label.match(chunk) or rules.label.search(chunk, 0, 40)
        if m and (m.start() == 0 or chunk[: m.start()].strip() == ""):
            zone = _label_kind(m.group("colon") or m.group("caps"))
            table_mode = False
        if this_zone is None:
            this_zone = "table" if table_mode else zone
        if rules.boiler.match(chunk.lstrip()) or len(_CJK.findall(chunk)) * 5 > len(chunk):
            this_zone = "boilerplate"
        sentences.append(Sentence(a, b, this_zone, _eligible(text, a, b, this_zone, hits)))
    return Segmented(text, sentences, _words=words)


class _Hits:
    """Where each cue pattern matches in the whole text, found once (see :mod:`.fastscan`)."""

    def __init__(self, text: str, words: WordIndex, rules: _Rules) -> None:
        def starts(p: re.Pattern[str]) -> list[int]:
            return [m.start() for m in fast(p).finditer(words, 0, len(text))]

        self.anchor = starts(rules.anchor)
        self.population = starts(rules.population)
        self.citation = starts(rules.citation)
        self.patient = starts(_PATIENT_WORDS)

    @staticmethod
    def within(hits: list[int], a: int, b: int) -> bool:
        i = bisect_left(hits, a)
        return i < len(hits) and hits[i] < b


def _eligible(text: str, a: int, b: int, zone: str, hits: _Hits) -> bool:
    if zone in _ZONE_NEVER:
        return False
    anchored = hits.within(hits.anchor, a, b)
    if zone in _ZONE_ANCHOR_ONLY:
        return anchored and not hits.within(hits.citation, a, b) and not _CITATION_MARK.search(text, a, b)
    if hits.within(hits.citation, a, b) and not anchored:
        return False
    return not (
        hits.within(hits.population, a, b)
        and not anchored
        and not hits.within(hits.patient, a, b)
        and not _SPECIFIC.search(text, a, b)
    )


# "[12]", "[2, 7]", "…tumours7)." — a sentence that cites other papers
_CITATION_MARK = re.compile(r"\[\d+(?:[,–-]\s*\d+)*\]|[a-z]\d+(?:,\d+)*\)")

# A vertebral level, a measurement or a dose: a finding of one patient, not a population figure
_SPECIFIC = re.compile(r"(?<![\w/.-])(?:[CTLS]|Th)\s?\d{1,2}\b|\b\d+(?:\.\d+)?\s?(?:cm|mm|Gy|mg)\b")

# Words that tie a sentence to an individual patient even without "our patient".
_PATIENT_WORDS = re.compile(
    r"\b(?:he|she|his|her|him|the\s+patient|year-old|years?\s+old|man|woman|boy|girl|Mr|Mrs|Ms)\b",
    re.IGNORECASE,
)
