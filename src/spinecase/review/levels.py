"""Vertebral levels: their order, regions, parsing from table cells and compact display.

The contract's levels are ``C1``…``C7``, ``T1``…``T12``, ``L1``…``L5``, ``S1``…``S5``, ``S`` (sacrum,
level not given) and ``Co`` (coccyx). Reviews print runs of adjacent levels as ranges, as papers do.

Example::

    >>> compress(["T11", "T12", "L1", "L4", "S"])
    'T11–L1, L4, S'
    >>> parse_levels("Th11-L1, sacrum")
    ['T11', 'T12', 'L1', 'S']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Every level from the skull to the coccyx (``S`` sits after S5: the sacrum with no level given).
ORDER: tuple[str, ...] = (
    *(f"C{i}" for i in range(1, 8)),
    *(f"T{i}" for i in range(1, 13)),
    *(f"L{i}" for i in range(1, 6)),
    *(f"S{i}" for i in range(1, 6)),
    "S",
    "Co",
)
INDEX: dict[str, int] = {lv: i for i, lv in enumerate(ORDER)}
#: The regions of the ``--region`` filter, with their levels.
REGIONS: dict[str, tuple[str, ...]] = {
    "cervical": ORDER[0:7],
    "thoracic": ORDER[7:19],
    "lumbar": ORDER[19:24],
    "sacral": ORDER[24:30],
    "coccygeal": ("Co",),
}
_REGION_OF = {lv: region for region, levels in REGIONS.items() for lv in levels}
_MAX = {"C": 7, "T": 12, "L": 5, "S": 5}

_TOKEN = r"(?:Th|[CTDLS])\s?-?\s?\d{1,2}"
_RANGE = re.compile(
    rf"(?P<a>{_TOKEN})(?:\s*(?:[-–—]|to)\s*(?P<b>{_TOKEN}|\d{{1,2}}))?(?![\d])", re.IGNORECASE
)
_PART = re.compile(r"(?P<r>Th|[CTDLS])\s?-?\s?(?P<n>\d{1,2})", re.IGNORECASE)
_SACRUM = re.compile(r"\b(?:sacrum|sacral|os\s+sacrum)\b", re.IGNORECASE)
_COCCYX = re.compile(r"\b(?:coccyx|coccygeal|Co)\b")


def region_of(level: str) -> str | None:
    """``T12`` -> ``thoracic``; ``None`` for a string that is not a level."""
    return _REGION_OF.get(level)


def sort_levels(levels: Iterable[str]) -> list[str]:
    """Levels in cranio-caudal order, each once (unknown strings last, as given)."""
    seen = list(dict.fromkeys(levels))
    return sorted(seen, key=lambda lv: INDEX.get(lv, len(ORDER)))


def _level(token: str, region: str | None = None) -> str | None:
    m = _PART.fullmatch(token.strip())
    if m:
        region, num = m.group("r").upper(), int(m.group("n"))
    elif token.strip().isdigit() and region:
        num = int(token)
    else:
        return None
    region = {"TH": "T", "D": "T"}.get(region, region)
    if region not in _MAX or not 1 <= num <= _MAX[region]:
        return None
    return f"{region}{num}"


def expand(a: str, b: str) -> list[str]:
    """Every level from ``a`` to ``b`` inclusive (either order)."""
    i, j = sorted((INDEX[a], INDEX[b]))
    return [lv for lv in ORDER[i : j + 1] if lv != "S"]


def parse_levels(text: str) -> list[str]:
    """The levels named in a table cell: ``T7``, ``L2–L4``, ``Th11-L1``, ``D7``, ``sacrum``, ``coccyx``."""
    out: list[str] = []
    for m in _RANGE.finditer(text):
        a = _level(m.group("a"))
        if a is None:
            continue
        b = _level(m.group("b"), a[0]) if m.group("b") else None
        out += expand(a, b) if b else [a]
    if _SACRUM.search(text) and not any(lv.startswith("S") for lv in out):
        out.append("S")
    if _COCCYX.search(text):
        out.append("Co")
    return sort_levels(out)


def compress(levels: Iterable[str]) -> str:
    """Levels as a compact string, adjacent runs of three or more as ranges (``T11–L1``)."""
    ordered = sort_levels(levels)
    parts: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 3:
            parts.append(f"{run[0]}–{run[-1]}")
        else:
            parts.extend(run)
        run.clear()

    for lv in ordered:
        if run and (lv == "S" or run[-1] == "S" or INDEX.get(lv, -9) != INDEX.get(run[-1], -9) + 1):
            flush()
        run.append(lv)
    flush()
    return ", ".join(parts)
