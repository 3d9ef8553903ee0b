"""Abbreviations: the site letters of review tables, and the legends of papers' tables.

Review tables write other metastatic sites the way the literature does (``L, P, B`` for liver,
peritoneum, bone) from ``data/abbreviations.yaml``; :func:`site_abbreviation` gives the letters of a
site code. A paper's table carries its own legend ("B bone metastases aside from vertebrae, L liver,
LN lymph node…" or "TES, total en bloc spondylectomy; NED, no evidence of disease"):
:func:`parse_legend` reads it into a :class:`Legend`, which decodes the cells of that table.

Example::

    >>> legend = parse_legend("B bone metastases aside from vertebrae, L liver, LN lymph node, V vertebrae")
    >>> legend["LN"]
    'lymph node'
    >>> legend.sites("L, V, B")
    ['liver', 'bone']
    >>> site_abbreviation("peritoneum")
    'P'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_data(name: str) -> Any:
    """A YAML file of ``spinecase/review/data`` (cached)."""
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def abbreviations() -> dict[str, Any]:
    data: dict[str, Any] = load_data("abbreviations.yaml")
    return data


def site_abbreviation(code: str) -> str:
    """The abbreviation a review table writes for a site code (the code itself when it has none)."""
    return str(abbreviations()["sites"].get(code, code))


@lru_cache(maxsize=1)
def _spine_words() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{abbreviations()['spine_words']})\b", re.IGNORECASE)


def names_spine(text: str) -> bool:
    """Whether a definition names the spine itself ("vertebrae", "spine")."""
    return bool(_spine_words().search(text))


def site_codes_in(text: str) -> list[str]:
    """Site codes named in a phrase, by the project's site lexicon, in order, each once."""
    from ..extract.terms import site_table

    return list(dict.fromkeys(code for code, _, _ in site_table().find(text)))


def site_of_definition(definition: str) -> str | None:
    """The site code a legend definition names: ``"bone metastases aside from vertebrae"`` -> ``bone``,
    ``"vertebrae"`` -> ``"spine"`` (the spine itself), ``None`` for anything else."""
    codes = site_codes_in(definition)
    if codes:
        return codes[0]
    if names_spine(definition):
        return "spine"
    return None


# An abbreviation: short, starting with a capital (``L``, ``LN``, ``N/A``, ``Lu``, ``cEBRT``).
_ABBR = r"(?:[A-Z][A-Za-z0-9/+.\-]{0,7}|[a-z][A-Z][A-Za-z0-9]{0,6})"
_ITEM = re.compile(rf"^\s*(?P<abbr>{_ABBR})(?:\s*[,=:–—]\s*|\s+-\s+|\s+)(?P<definition>\S.*?)\s*[.;]?\s*$")
_PREFIX = re.compile(r"^\s*(?:abbreviations?|note|notes|legend|key)\s*[:.]\s*", re.IGNORECASE)


def _is_abbreviation(token: str) -> bool:
    """Short, or mostly capitals: ``L``, ``Lu``, ``LN``, ``N/A``, ``TKI`` — never ``Long`` or ``The``."""
    token = token.rstrip(".")
    if not token or token.lower() in {"a", "an", "the", "in", "on", "of", "at", "as", "is", "it", "to", "no"}:
        return False
    capitals = sum(c.isupper() for c in token)
    return len(token) <= 3 or capitals >= 2 or "/" in token


@dataclass
class Legend(Mapping[str, str]):
    """Abbreviation -> definition, as a table's legend gives them (keys are case-sensitive)."""

    entries: dict[str, str] = field(default_factory=dict)
    text: str = ""

    def __getitem__(self, key: str) -> str:
        return self.entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get_definition(self, token: str) -> str | None:
        """The definition of ``token``: the paper's legend first, then (case-insensitively) it again."""
        token = token.strip()
        if token in self.entries:
            return self.entries[token]
        folded = {k.casefold(): v for k, v in self.entries.items()}
        return folded.get(token.casefold())

    def site_keys(self) -> list[str]:
        """Keys whose definitions name a site (or the spine), longest first: the letters of a sites cell."""
        keys = [k for k, v in self.entries.items() if site_of_definition(v) is not None]
        return sorted(keys, key=len, reverse=True)

    def site_of(self, token: str) -> str | None:
        """The site code of one token of a metastatic-sites cell (``"spine"`` for the spine itself)."""
        token = token.strip().strip(".")
        if not token:
            return None
        definition = self.get_definition(token)
        if definition is not None:
            return site_of_definition(definition)
        read = abbreviations()["read_sites"]
        if token in read:
            return str(read[token])
        by_letters = {v: k for k, v in abbreviations()["sites"].items()}
        if token in by_letters and len(token) > 1:
            return str(by_letters[token])
        return site_of_definition(token)

    def sites(self, cell: str) -> list[str]:
        """The other metastatic sites of a cell (``"L, V, B"``), the spine itself left out."""
        out: list[str] = []
        for token in split_items(cell):
            code = self.site_of(token)
            if code is not None and code != "spine":
                out.append(code)
        return list(dict.fromkeys(out))

    def expand(self, text: str, extra: Mapping[str, str] | None = None) -> str:
        """``text`` with every abbreviation of the legend (then of ``extra``) replaced by its definition."""
        table = dict(extra or {}) | self.entries
        if not table:
            return text
        keys = sorted(table, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w/])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w/])")
        return pattern.sub(lambda m: table[m.group()], text)


_ITEM_SPLIT = re.compile(r"\s*(?:,|;|/(?!A\b)|\+|&|\band\b)\s*")


def split_items(cell: str) -> list[str]:
    """The items of a list cell: ``"L, V, B"``, ``"liver and lung"``, ``"L/P"`` (but ``N/A`` stays whole)."""
    return [t for t in _ITEM_SPLIT.split(cell) if t and t.strip()]


def _items(text: str) -> list[str]:
    """Legend text cut into ``ABBR definition`` items: on ``;`` when it has any, else on ``, ABBR``."""
    if ";" in text:
        return [p for p in text.split(";") if p.strip()]
    parts: list[str] = []
    for piece in re.split(r",\s+", text):
        head = piece.strip().split(" ", 1)[0].split("=", 1)[0].split(":", 1)[0]
        if parts and not (_is_abbreviation(head) and len(piece.split()) > 1 or "=" in piece or ":" in piece):
            parts[-1] += ", " + piece  # a comma inside the previous definition
        else:
            parts.append(piece)
    return parts


def parse_legend(text: str) -> Legend:
    """Read a table legend (abbreviation, then definition; items split by ``;`` or ``,``).

    >>> parse_legend("TES, total en bloc spondylectomy; NED, no evidence of disease.").entries
    {'TES': 'total en bloc spondylectomy', 'NED': 'no evidence of disease'}
    >>> parse_legend("Abbreviations: H = hepatic; Pu = pulmonary").entries
    {'H': 'hepatic', 'Pu': 'pulmonary'}
    """
    flat = _PREFIX.sub("", " ".join(text.split()))
    entries: dict[str, str] = {}
    for item in _items(flat):
        m = _ITEM.match(item)
        if not m or not _is_abbreviation(m.group("abbr")):
            continue
        definition = m.group("definition").strip().rstrip(".;,")
        if definition and not definition[0].isdigit():
            entries.setdefault(m.group("abbr").rstrip("."), definition)
    return Legend(entries, text)


def legend_score(line: str) -> int:
    """How many abbreviation definitions a line holds (a legend line has two or more)."""
    if _PREFIX.match(line):
        return 99
    return len(parse_legend(line))


def merged(*legends: Mapping[str, str]) -> Legend:
    """Legends combined, earlier ones winning."""
    out: dict[str, str] = {}
    for legend in legends:
        for k, v in legend.items():
            out.setdefault(k, v)
    return Legend(out)
