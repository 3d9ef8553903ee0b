"""Map offsets in a cleaned copy of a text back to the text as read.

Cleaning copies runs of the original and replaces or drops other stretches (a hyphen and line break
inside a word, runs of white space, boilerplate). :class:`TextBuilder` records each copied run as an
anchor ``(clean_start, original_start, length)``; a replacement is anchored to the start of what it
replaced. Lookup is a binary search over the anchors, so the map costs O(runs), not O(characters).

Example::

    >>> b = TextBuilder("sho-\\nwed it")
    >>> b.copy(0, 3); b.copy(5, 11)
    >>> clean, m = b.build()
    >>> clean
    'showed it'
    >>> m.span(0, 6)   # "showed" in the clean text -> "sho-\\nwed" in the original
    (0, 8)
"""

from __future__ import annotations

from bisect import bisect_right


class OffsetMap:
    """Monotone map from offsets of a cleaned text to offsets of the original."""

    __slots__ = ("_clean", "_orig", "_len", "_orig_len")

    def __init__(self, anchors: list[tuple[int, int, int]], original_length: int) -> None:
        self._clean = [a[0] for a in anchors]
        self._orig = [a[1] for a in anchors]
        self._len = [a[2] for a in anchors]
        self._orig_len = original_length

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls([(0, 0, length)], length)

    def to_original(self, offset: int) -> int:
        """Original offset of the character at clean ``offset`` (clamped into the original)."""
        i = bisect_right(self._clean, offset) - 1
        if i < 0:
            return 0
        delta = offset - self._clean[i]
        if delta >= self._len[i]:
            # inside a replacement: point at the end of the last copied run
            return min(self._orig[i] + self._len[i], self._orig_len)
        return min(self._orig[i] + delta, self._orig_len)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering the clean span ``[start, end)`` (never empty)."""
        s = self.to_original(start)
        e = self.to_original(max(end - 1, start)) + 1 if end > start else s + 1
        e = min(max(e, s + 1), self._orig_len)
        if s >= e:
            s = max(0, e - 1)
        return s, e


class TextBuilder:
    """Assemble a cleaned text from pieces of an original, keeping the offset map."""

    __slots__ = ("_orig", "_parts", "_anchors", "_pos")

    def __init__(self, original: str) -> None:
        self._orig = original
        self._parts: list[str] = []
        self._anchors: list[tuple[int, int, int]] = []
        self._pos = 0

    @property
    def length(self) -> int:
        return self._pos

    def copy(self, start: int, end: int) -> None:
        """Append ``original[start:end]`` unchanged."""
        if end <= start:
            return
        self._parts.append(self._orig[start:end])
        self._anchors.append((self._pos, start, end - start))
        self._pos += end - start

    def insert(self, text: str, at: int) -> None:
        """Append ``text`` standing for the original stretch that begins at ``at``."""
        if not text:
            return
        self._parts.append(text)
        # a zero-length anchor: offsets inside the inserted text map to ``at``
        self._anchors.append((self._pos, at, 0))
        self._pos += len(text)

    def build(self) -> tuple[str, OffsetMap]:
        return "".join(self._parts), OffsetMap(self._anchors, len(self._orig))
