"""Compile lexicon tables (code → term patterns) into one regular expression per table.

Rules are data (``lexicon/*.yaml``); this module turns a table into a single alternation with one
named group per code, so a whole text is scanned once per table and each match names its code —
the same idea as spaCy's ``PhraseMatcher``, at the cost of one ``finditer`` instead of a token loop.
Terms are case-insensitive; acronyms are matched case-sensitively ("NET", never "net").

Example::

    >>> t = TermTable({"imatinib": ["imatinib(?:\\\\s+mesylate)?", "gleevec"]})
    >>> [(c, s, e) for c, s, e in t.find("He took Gleevec.")]
    [('imatinib', 8, 15)]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any

from ..lexicon import load_yaml
from .fastscan import KeyedPatterns, pattern_prefixes


def _group_name(code: str, taken: set[str]) -> str:
    name = re.sub(r"\W", "_", code)
    if name[0].isdigit():
        name = "_" + name
    base, n = name, 1
    while name in taken:
        n += 1
        name = f"{base}__{n}"
    taken.add(name)
    return name


class TermTable:
    """One compiled alternation over the terms of every code of a table."""

    def __init__(
        self,
        entries: Mapping[str, Sequence[str]],
        acronyms: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        parts: list[str] = []
        self._code: dict[str, str] = {}
        self._alts: list[list[str]] = []
        taken: set[str] = set()
        for code, terms in entries.items():
            alts = [f"(?:{t})" for t in terms]
            alts += [f"(?-i:{re.escape(a)})" for a in (acronyms or {}).get(code, [])]
            if not alts:
                continue
            name = _group_name(code, taken)
            self._code[name] = code
            self._alts.append(alts)
            parts.append(f"(?P<{name}>{'|'.join(alts)})")
        self.regex = re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])", re.IGNORECASE)
        self._keyed: KeyedPatterns | None = None

    def keyed(self) -> KeyedPatterns:
        """One small pattern per three-letter beginning, holding only the terms that can start so.

        Trying a 3-term pattern where "ren…" begins beats trying all 300 terms (see :mod:`.fastscan`).
        Codes keep their order, so the first listed code still wins a tie.
        """
        if self._keyed is not None:
            return self._keyed

        buckets: dict[str, dict[str, list[str]]] = {}
        names = list(self._code)
        for name, alts in zip(names, self._alts, strict=True):
            for alt in alts:
                pre = pattern_prefixes(re.compile(alt, re.IGNORECASE), 3)
                if pre is None:
                    raise ValueError(f"term {alt!r} can begin with anything; it cannot be indexed")
                for key in pre:
                    buckets.setdefault(key, {}).setdefault(name, []).append(alt)
        # a short beginning ("x" of a 1-letter term) belongs to every longer key that extends it
        for key in list(buckets):
            for short in (key[:1], key[:2]):
                if short != key and short in buckets:
                    for name, alts in buckets[short].items():
                        buckets[key].setdefault(name, []).extend(
                            a for a in alts if a not in buckets[key].get(name, [])
                        )
        out: dict[str, re.Pattern[str]] = {}
        for key, by_name in buckets.items():
            ordered = [n for n in names if n in by_name]
            body = "|".join(f"(?P<{n}>{'|'.join(by_name[n])})" for n in ordered)
            out[key] = re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.IGNORECASE)
        self._keyed = KeyedPatterns(out)
        return self._keyed

    def find(self, text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[str, int, int]]:
        """Yield ``(code, start, end)`` for every term in ``text[start:end]``."""
        for m in self.regex.finditer(text, start, len(text) if end is None else end):
            name = m.lastgroup
            if name is not None:
                yield self._code[name], m.start(), m.end()

    def code_of_group(self, group: str) -> str:
        """The code of a named group of :attr:`regex`."""
        return self._code[group]

    def code_of(self, phrase: str) -> str | None:
        """The code of a phrase matched whole, or ``None``."""
        m = self.regex.fullmatch(phrase)
        return self._code[m.lastgroup] if m and m.lastgroup else None


@lru_cache(maxsize=1)
def histology_table() -> TermTable:
    data: dict[str, Any] = load_yaml("histology.yaml")
    return TermTable(
        {k: v.get("terms", []) for k, v in data.items()},
        {k: v.get("acronyms", []) for k, v in data.items()},
    )


@lru_cache(maxsize=1)
def histology_info() -> dict[str, dict[str, Any]]:
    info: dict[str, dict[str, Any]] = load_yaml("histology.yaml")
    return info


@lru_cache(maxsize=1)
def site_table() -> TermTable:
    data: dict[str, Any] = load_yaml("sites.yaml")
    return TermTable({k: v.get("terms", []) for k, v in data.items()})


@lru_cache(maxsize=1)
def primary_only_site_table() -> TermTable:
    data: dict[str, Any] = load_yaml("sites.yaml")
    return TermTable({k: v["primary_only"] for k, v in data.items() if v.get("primary_only")})


@lru_cache(maxsize=1)
def site_parents() -> dict[str, str]:
    data: dict[str, Any] = load_yaml("sites.yaml")
    return {k: v["parent"] for k, v in data.items() if v.get("parent")}


@lru_cache(maxsize=1)
def systemic_table() -> TermTable:
    data: dict[str, Any] = load_yaml("systemic.yaml")
    entries: dict[str, list[str]] = {k: list(v) for k, v in data["agents"].items()}
    for cls, terms in data["classes"].items():
        entries[f"class:{cls}"] = list(terms)
    regimens = {f"regimen:{name}": [name] for name in data["regimens"]}
    return TermTable(entries, regimens)


@lru_cache(maxsize=1)
def regimens() -> dict[str, list[str]]:
    data: dict[str, Any] = load_yaml("systemic.yaml")
    return {f"regimen:{k}": list(v) for k, v in data["regimens"].items()}


@lru_cache(maxsize=1)
def surgery_table() -> TermTable:
    data: dict[str, Any] = load_yaml("procedures.yaml")
    return TermTable(data["surgery"])


@lru_cache(maxsize=1)
def radiotherapy_table() -> TermTable:
    data: dict[str, Any] = load_yaml("procedures.yaml")
    return TermTable(data["radiotherapy"])


@cache
def procedure_pattern(key: str) -> re.Pattern[str]:
    """A pattern of ``procedures.yaml`` by key (``spine_cue``, ``other_surgery``, ``rt_other_target``)."""
    data: dict[str, Any] = load_yaml("procedures.yaml")
    return re.compile(re.sub(r"\s+", "", data[key]), re.IGNORECASE)
