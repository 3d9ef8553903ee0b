"""Fast scanning of large alternation patterns: try them only where a match can begin.

Python's ``re`` tries every alternative of a pattern at every position of the text. Lexicon tables
are alternations of hundreds of terms, so a plain ``finditer`` costs about a microsecond per character
per table — too slow for a corpus. Every pattern spinecase scans with begins at a word start, so we
index the word starts of a text once by their first two characters (lower-cased), compute from the
parsed pattern the set of two-character beginnings it can have, and run ``pattern.match`` only at the
word starts whose beginning is in that set — the idea of a first-character table in Aho–Corasick or
Hyperscan's literal prefilter, at the cost of a dictionary lookup.

Example::

    >>> p = FastPattern(re.compile(r"\\b(?:imatinib|sunitinib)\\b", re.IGNORECASE))
    >>> sorted(p.prefixes)
    ['im', 'su']
    >>> idx = WordIndex("He took Imatinib, then sunitinib.")
    >>> [m.group(0) for m in p.finditer(idx, 0, len(idx.text))]
    ['Imatinib', 'sunitinib']
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

# the standard library's own regex parser (re._parser since Python 3.11), used read-only
sre_parse: Any = importlib.import_module("re._parser")
sre_c: Any = importlib.import_module("re._constants")

_MAX_PREFIXES = 4000
_WORD_START = re.compile(r"(?<![\w])\w")
_START = re.Match.start
_WHITESPACE = (" ", "\n")


class _Unbounded(Exception):
    """The pattern can begin with too many different characters to index."""


def _chars_of_in(items: list[tuple[Any, Any]]) -> set[str]:
    out: set[str] = set()
    for op, av in items:
        if op is sre_c.LITERAL:
            out.add(chr(av).lower())
        elif op is sre_c.RANGE:
            lo, hi = av
            if hi - lo > 40:
                raise _Unbounded
            out.update(chr(c).lower() for c in range(lo, hi + 1))
        elif op is sre_c.CATEGORY:
            if av is sre_c.CATEGORY_DIGIT:
                out.update("0123456789")
            elif av is sre_c.CATEGORY_SPACE:
                out.update(_WHITESPACE)
            else:
                raise _Unbounded
        elif op is sre_c.NEGATE:
            raise _Unbounded
        else:
            raise _Unbounded
    return out


def _starts(seq: list[tuple[Any, Any]], k: int) -> set[str]:
    """Beginnings (up to ``k`` characters) of the strings ``seq`` matches; '' marks 'may be empty'."""
    results: set[str] = {""}
    for op, av in seq:
        if all(len(r) >= k for r in results):
            break
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            continue  # zero width
        if op is sre_c.LITERAL:
            piece = {chr(av).lower()}
        elif op is sre_c.IN:
            piece = _chars_of_in(av)
        elif op is sre_c.SUBPATTERN:
            piece = _starts(list(av[-1]), k)
        elif op is sre_c.BRANCH:
            piece = set()
            for branch in av[1]:
                piece |= _starts(list(branch), k)
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            one = _starts(list(sub), k)
            piece = set(one)
            if hi > 1:  # two repetitions may be needed to fill k characters
                piece |= {a + b for a in one for b in one}
            if lo == 0:
                piece.add("")
        else:
            raise _Unbounded
        new: set[str] = set()
        for r in results:
            if len(r) >= k:
                new.add(r)
                continue
            for p in piece:
                new.add((r + p)[:k])
        results = new
        if len(results) > _MAX_PREFIXES:
            raise _Unbounded
    return results


def pattern_prefixes(pattern: re.Pattern[str], k: int = 2) -> set[str] | None:
    """Lower-cased beginnings of length ≤ ``k`` that every match starts with (``None``: unknown)."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        starts = _starts(list(parsed), k)
    except (_Unbounded, RecursionError):
        return None
    if "" in starts:
        return None
    return starts


class WordIndex:
    """Word starts of a text, grouped by their first three characters (lower-cased).

    Lookups by one- or two-character beginnings gather the three-character groups that extend them.
    """

    __slots__ = ("text", "lower", "_by_key", "_by_prefix", "_cache")

    def __init__(self, text: str) -> None:
        self.text = text
        lower = text.lower()
        self.lower = lower
        # the loop below runs once per word of the corpus: the fewest Python steps per word
        by_key: defaultdict[str, list[int]] = defaultdict(list)
        for p in map(_START, _WORD_START.finditer(text)):
            by_key[lower[p : p + 3]].append(p)
        self._by_key = by_key
        # every one-, two- and three-character beginning -> the three-character groups it covers
        # (a shorter group is listed under itself more than once: positions() collects into a set)
        by_prefix: defaultdict[str, list[str]] = defaultdict(list)
        for k3 in by_key:
            by_prefix[k3[:1]].append(k3)
            by_prefix[k3[:2]].append(k3)
            by_prefix[k3].append(k3)
        self._by_prefix = by_prefix
        self._cache: dict[frozenset[str], list[int]] = {}

    def positions(self, keys: frozenset[str]) -> list[int]:
        """Sorted word starts whose first one, two or three characters are in ``keys`` (cached)."""
        cached = self._cache.get(keys)
        if cached is not None:
            return cached
        groups: set[str] = set()
        for prefix in self._by_prefix.keys() & keys:
            groups.update(self._by_prefix[prefix])
        out = [p for k3 in groups for p in self._by_key[k3]]
        out.sort()
        self._cache[keys] = out
        return out


@lru_cache(maxsize=512)
def fast(pattern: re.Pattern[str]) -> FastPattern:
    """The (cached) :class:`FastPattern` of a compiled pattern."""
    return FastPattern(pattern)


def _matches(
    index: WordIndex,
    keys: frozenset[str],
    start: int,
    end: int,
    pattern_at: Callable[[int], re.Pattern[str] | None],
) -> Iterator[re.Match[str]]:
    """Non-overlapping matches at the word starts of ``keys`` in ``[start, end)``, like ``finditer``."""
    positions = index.positions(keys)
    i = bisect_left(positions, start)
    last_end = start
    text = index.text
    while i < len(positions):
        p = positions[i]
        i += 1
        if p >= end:
            break
        if p < last_end:
            continue
        pat = pattern_at(p)
        if pat is None:
            continue
        m = pat.match(text, p, end)
        if m is not None and m.end() > m.start():
            yield m
            last_end = m.end()


class KeyedPatterns:
    """A pattern split by three-letter beginnings (``TermTable.keyed``), with its key set built once."""

    __slots__ = ("by_key", "keys")

    def __init__(self, by_key: dict[str, re.Pattern[str]]) -> None:
        self.by_key = by_key
        self.keys = frozenset(by_key)

    def finditer(self, index: WordIndex, start: int, end: int) -> Iterator[re.Match[str]]:
        """Matches in ``index.text[start:end]``: at each word start, the pattern of its beginning."""
        get, lower = self.by_key.get, index.lower

        def pattern_at(p: int) -> re.Pattern[str] | None:
            return get(lower[p : p + 3]) or get(lower[p : p + 2]) or get(lower[p])

        return _matches(index, self.keys, start, end, pattern_at)


class FastPattern:
    """A pattern whose matches all begin at word starts, scanned through a :class:`WordIndex`."""

    __slots__ = ("pattern", "prefixes")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        found = pattern_prefixes(pattern)
        self.prefixes: frozenset[str] | None = frozenset(found) if found is not None else None

    def finditer(self, index: WordIndex, start: int, end: int) -> Iterator[re.Match[str]]:
        """Non-overlapping matches in ``index.text[start:end]``, like ``pattern.finditer``."""
        if self.prefixes is None:
            yield from self.pattern.finditer(index.text, start, end)
            return
        pattern = self.pattern
        yield from _matches(index, self.prefixes, start, end, lambda _p: pattern)
