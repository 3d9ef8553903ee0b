"""What every field extractor works on: one patient's sentences, and a draft to fill.

:class:`PatientText` gives a field extractor the cleaned text, the sentences of one patient and the
shared context rules; :meth:`PatientText.scan` runs a compiled pattern once over each run of the
patient's sentences and yields each match with its sentence. :class:`Draft` collects values with
their evidence spans (offsets in the cleaned text; the pipeline maps them back to the original).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .context import Context, context
from .fastscan import fast
from .patients import Patient
from .segment import Segmented, Sentence
from .terms import TermTable

Span = tuple[int, int]


_SPINE_WORDS = (
    "spin",
    "verteb",
    "sacr",
    "lumb",
    "thorac",
    "dorsal",
    "cervical",
    "coccy",
    "cord",
    "cauda",
    "lamin",
    "pedicle",
    "odontoid",
    "epidural",
    "kyphopl",
    "corpectom",
)
_LEVEL_TOKEN = re.compile(r"(?<![\w/.])(?:C|T|Th|D|L|S)\s?-?\s?\d{1,2}(?!\d)")
#: A vertebra written as a level ("T12", "L4"), as a regex fragment for the fields' spine cues; not a
#: TNM stage ("T3 N1 M0"), whose T is followed by its N.
VERTEBRA_TOKEN = r"\b[CTLS]\d{1,2}\b(?!\s*,?\s*N[0-3xX])"


@dataclass(slots=True)
class Draft:
    """Field values of one patient under construction, with evidence spans per field."""

    values: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, list[Span]] = field(default_factory=dict)
    clinical: dict[str, Any] = field(default_factory=dict)
    clinical_evidence: dict[str, list[Span]] = field(default_factory=dict)
    #: what one stage leaves for a later one (e.g. which bone mentions were only "bone lesion")
    scratch: dict[str, Any] = field(default_factory=dict)

    def set(self, key: str, value: Any, spans: list[Span]) -> None:
        self.values[key] = value
        self.evidence[key] = list(dict.fromkeys(spans))

    def add(self, key: str, item: Any, span: Span) -> None:
        """Add ``item`` to the list field ``key`` (once), keeping every supporting span."""
        items = self.values.setdefault(key, [])
        if item not in items:
            items.append(item)
        spans = self.evidence.setdefault(key, [])
        if span not in spans:
            spans.append(span)

    def set_clinical(self, key: str, value: Any, spans: list[Span]) -> None:
        self.clinical[key] = value
        self.clinical_evidence[key] = spans


@dataclass(slots=True)
class PatientText:
    """The sentences of one patient of a segmented document."""

    seg: Segmented
    patient: Patient
    ctx: Context = field(default_factory=context)
    _blocks: list[tuple[int, int, list[int]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # merge consecutive sentence indices into blocks so that a pattern scans each block once
        blocks: list[tuple[int, int, list[int]]] = []
        for i in sorted(self.patient.sentences):
            s = self.seg.sentences[i]
            if blocks and blocks[-1][2][-1] == i - 1:
                a, _, idx = blocks[-1]
                idx.append(i)
                blocks[-1] = (a, s.end, idx)
            else:
                blocks.append((s.start, s.end, [i]))
        self._blocks = blocks

    @property
    def text(self) -> str:
        return self.seg.text

    @property
    def sentence_indices(self) -> list[int]:
        return [i for _, _, idx in self._blocks for i in idx]

    def sentences(self) -> Iterator[Sentence]:
        for i in self.sentence_indices:
            yield self.seg.sentences[i]

    def _sentence_of(self, idx: list[int], pos: int) -> Sentence:
        # blocks are short; a linear walk from the right is cheaper than bisect setup
        for i in reversed(idx):
            s = self.seg.sentences[i]
            if s.start <= pos:
                return s
        return self.seg.sentences[idx[0]]

    def scan(self, pattern: re.Pattern[str]) -> Iterator[tuple[Sentence, re.Match[str]]]:
        """Every match of ``pattern`` in this patient's sentences, with its sentence.

        ``pattern`` must match only at word starts (a leading ``\\b`` or look-behind): it is tried
        only where its first characters occur (:mod:`.fastscan`).
        """
        fp = fast(pattern)
        words = self.seg.words
        for a, b, idx in self._blocks:
            for m in fp.finditer(words, a, b):
                yield self._sentence_of(idx, m.start()), m

    def terms(self, table: TermTable) -> Iterator[tuple[Sentence, str, int, int]]:
        """Every term of ``table`` in this patient's sentences: (sentence, code, start, end)."""
        keyed = table.keyed()
        words = self.seg.words
        for a, b, idx in self._blocks:
            for m in keyed.finditer(words, a, b):
                name = m.lastgroup
                if name is not None:
                    yield self._sentence_of(idx, m.start()), table.code_of_group(name), m.start(), m.end()

    def mentions_spine(self) -> bool:
        """Whether any of this patient's sentences names the spine, a vertebra or a level.

        A cheap gate (substrings, one small pattern) in front of the spine-only stages.
        """
        lower = self.seg.words.lower
        text = self.seg.text
        for a, b, _ in self._blocks:
            chunk = lower[a:b]
            if any(w in chunk for w in _SPINE_WORDS) or _LEVEL_TOKEN.search(text, a, b):
                return True
        return False

    def flags(self, sent: Sentence, start: int, end: int) -> int:
        return self.ctx.flags(self.seg.text, sent.start, sent.end, start, end)

    def sentence_text(self, sent: Sentence) -> str:
        return self.seg.text[sent.start : sent.end]

    def any_sentence(self, pred: Callable[[str], bool]) -> bool:
        return any(pred(self.sentence_text(s)) for s in self.sentences())
