"""Case text for BM25: which words of a report describe the patient, and how they become tokens.

BM25 (Robertson & Zaragoza, "The probabilistic relevance framework: BM25 and beyond", 2009) scores a
case by the query words it contains, weighting rare words more. Clinicians write the same fact many
ways, so both the published cases and the query are normalised the same way before counting:

* vertebral levels, single or as ranges, become one token per level plus the region's word
  ("T10-L2" -> ``t10 t11 t12 l1 l2`` and ``thorac``/``lumbar``; "Th12", "D12" -> ``t12``);
* capitalised abbreviations expand to words ("RCC" -> renal cell carcinoma), shorthand too
  ("mets" -> metastases, "61 yo" -> 61 year old);
* British spellings meet American ones (tumour -> tumor, oesophageal -> esophageal);
* words are lower-cased, stop words dropped and the rest stemmed with the Snowball English stemmer.

Example::

    >>> tok = Tokenizer()
    >>> tok.tokens("GIST mets at T12-L1")
    ['gastrointestin', 'stromal', 'tumor', 'metastas', 't12', 'l1', 'thorac', 'lumbar']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..extract.fields.levels import ORDER

#: Changes whenever tokens may change, so persisted indexes are rebuilt.
TOKENIZER_VERSION = "1"

_MAX = {"C": 7, "T": 12, "L": 5, "S": 5}
_REGION_WORD = {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacral"}
_LEVEL_PREFIX = {"c": "C", "t": "T", "th": "T", "d": "T", "l": "L", "s": "S"}
_LEVEL = re.compile(
    r"(?<![A-Za-z0-9])(?P<r1>Th|[CTDLS])\s?-?\s?(?P<n1>\d{1,2})(?![0-9])"
    r"(?:\s*(?:-|–|—|to|through|until)\s*(?P<r2>Th|[CTDLS])?\s?(?P<n2>\d{1,2})(?![0-9]))?"
    r"(?!\s*[-‐]?\s*(?:weighted|W\b|WI\b|w\b|sequence|image))",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*|\d+(?:\.\d+)?")
# a word shaped like a level that the level pattern turned down ("T2-weighted") is not a level token
_LEVEL_LIKE = re.compile(r"(?:th|[ctdls])\d{1,2}", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]\s+|\n")


@lru_cache(maxsize=1)
def text_rules() -> dict[str, Any]:
    """The normalisation tables of ``text.yaml`` (abbreviations, shorthand, spellings, stop words)."""
    raw = resources.files(__package__).joinpath("text.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(raw)
    return data


def _level_code(prefix: str, number: str) -> str | None:
    region = _LEVEL_PREFIX[prefix.lower()]
    n = int(number)
    return f"{region}{n}" if 1 <= n <= _MAX[region] else None


def level_mentions(text: str) -> list[tuple[int, int, list[str]]]:
    """Vertebral levels written in ``text``: ``(start, end, level codes)``, ranges expanded.

    >>> [codes for _, _, codes in level_mentions("metastases at Th11-L1 and D7; T2-weighted MRI")]
    [['T11', 'T12', 'L1'], ['T7']]
    """
    out: list[tuple[int, int, list[str]]] = []
    for m in _LEVEL.finditer(text):
        a = _level_code(m.group("r1"), m.group("n1"))
        if a is None:
            continue
        codes = [a]
        if m.group("n2") is not None:
            b = _level_code(m.group("r2") or m.group("r1"), m.group("n2"))
            if b is not None:
                i, j = sorted((ORDER.index(a), ORDER.index(b)))
                codes = [c for c in ORDER[i : j + 1] if c != "S"] if j - i <= 12 else [a, b]
        out.append((m.start(), m.end(), codes))
    return out


class Tokenizer:
    """Turns text into BM25 tokens (see the module documentation); ``surface`` maps a token back to a
    word as the text wrote it, for explanations."""

    def __init__(self, rules: dict[str, Any] | None = None) -> None:
        import Stemmer  # PyStemmer: part of the `search` extra
        from bm25s.stopwords import STOPWORDS_EN

        r = rules or text_rules()
        self._stemmer = Stemmer.Stemmer("english")
        self._abbrev: dict[str, list[str]] = {k: str(v).split() for k, v in r["abbreviations"].items()}
        self._short: dict[str, list[str]] = {k.lower(): str(v).split() for k, v in r["shorthand"].items()}
        self._spelling: list[tuple[str, str]] = sorted(r["spelling"].items(), key=lambda kv: -len(kv[0]))
        self._stop = frozenset(STOPWORDS_EN) | frozenset(w.lower() for w in r["stopwords"])
        self._stems: dict[str, str | None] = {}
        #: the tokens of each word as written ("RCC" -> renal cell carcinoma; "the" -> none): a text
        #: is then a dictionary lookup per word (the words of a corpus repeat endlessly)
        self._word_cache: dict[str, tuple[str, ...]] = {}
        self._regions = {k: self._stem_word(v) for k, v in _REGION_WORD.items()}

    def _stem_word(self, word: str) -> str | None:
        """A lower-case word's token, or ``None`` for a stop word (cached: the vocabulary is small)."""
        cached = self._stems.get(word, "")
        if cached != "":
            return cached
        w = word
        for old, new in self._spelling:
            if w.startswith(old):
                w = new + w[len(old) :]
                break
        stem: str | None = None if w in self._stop else str(self._stemmer.stemWord(w))
        self._stems[word] = stem
        return stem

    def _word_tokens(self, word: str) -> tuple[str, ...]:
        """The tokens of one word as the text wrote it (none for a stop word or a level-like word the
        level pattern turned down, such as "T2" of "T2-weighted")."""
        cached = self._word_cache.get(word)
        if cached is not None:
            return cached
        if _LEVEL_LIKE.fullmatch(word):
            cached = ()
        else:
            expansion = self._abbrev.get(word) or self._short.get(word.lower())
            stems = (self._stem_word(w) for w in expansion or (word.lower(),))
            cached = tuple(t for t in stems if t is not None)
        if len(self._word_cache) > 2_000_000:  # a long-lived process reading endless new words
            self._word_cache.clear()
        self._word_cache[word] = cached
        return cached

    def _words(self, text: str) -> list[tuple[str, str]]:
        """``(token, surface word)`` pairs of ``text`` without its level mentions."""
        return [(tok, word) for word in _WORD.findall(text) for tok in self._word_tokens(word)]

    def _level_tokens(self, codes: Sequence[str]) -> list[str]:
        """A level mention's tokens: one per level, then each region's word once."""
        out = [code.lower() for code in codes]
        regions: list[str] = []
        for code in codes:
            region = self._regions.get(code[0])
            if region and region not in regions:
                regions.append(region)
        return out + regions

    def pairs(self, text: str) -> list[tuple[str, str]]:
        """Tokens of ``text`` in order, each with the word it came from."""
        out: list[tuple[str, str]] = []
        last = 0
        for start, end, codes in level_mentions(text):
            out += self._words(text[last:start])
            surface = text[start:end]
            out += [(tok, surface) for tok in self._level_tokens(codes)]
            last = end
        out += self._words(text[last:])
        return out

    def tokens(self, text: str) -> list[str]:
        """The BM25 tokens of ``text`` (those of :meth:`pairs`, without building the pairs)."""
        cache, miss = self._word_cache, self._word_tokens
        out: list[str] = []
        last = 0
        for start, end, codes in level_mentions(text):
            words = _WORD.findall(text, last, start)
            out += [t for w in words for t in (cache[w] if w in cache else miss(w))]
            out += self._level_tokens(codes)
            last = end
        words = _WORD.findall(text, last)
        out += [t for w in words for t in (cache[w] if w in cache else miss(w))]
        return out


@lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    """The shared :class:`Tokenizer` (building one loads the stemmer and the tables)."""
    return Tokenizer()


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind("? ", 0, start))
    left = 0 if left < 0 else left + 1
    m = _SENTENCE_END.search(text, end)
    right = m.start() + 1 if m else len(text)
    return max(left, start - 400), min(right, end + 400)


def case_text(
    text: str,
    *,
    title: str | None = None,
    sections: Sequence[dict[str, Any]] = (),
    evidence: Sequence[dict[str, int]] = (),
    own_document: bool = True,
    limit: int = 20_000,
) -> str:
    """The words of a document that describe one patient, for BM25.

    A patient who has the document to themself (``own_document``) is described by the abstract and
    case sections when the reader found them, else by the whole text up to ``limit`` characters without
    the references. A patient who shares the document (a series, a literature table) is described by
    the sentences that hold their extracted values' evidence. The title goes first either way.

    >>> case_text("Intro. A 61-year-old man had GIST at T12. Discussion.", title="GIST of the spine",
    ...           evidence=[{"start": 7, "end": 24}], own_document=False)
    'GIST of the spine\\nA 61-year-old man had GIST at T12.'
    """
    parts = [title.strip()] if title and title.strip() else []
    if own_document:
        wanted = [s for s in sections if s.get("kind") in ("abstract", "case")]
        if wanted:
            parts += [text[int(s["start"]) : int(s["end"])] for s in wanted]
        else:
            cut = min((int(s["start"]) for s in sections if s.get("kind") == "references"), default=len(text))
            parts.append(text[: min(cut, limit)])
        return "\n".join(p.strip() for p in parts if p.strip())[: limit + 2000]
    seen: list[tuple[int, int]] = []
    for span in sorted(evidence, key=lambda s: int(s["start"])):
        a, b = _sentence_bounds(text, int(span["start"]), int(span["end"]))
        if seen and a <= seen[-1][1]:
            seen[-1] = (seen[-1][0], max(b, seen[-1][1]))
        else:
            seen.append((a, b))
    parts += [" ".join(text[a:b].split()) for a, b in seen]
    return "\n".join(p for p in parts if p)[:limit]
