"""Numbers and durations as case reports write them.

"thirteen years later", "a sixty-two-year-old woman", "1.5 years", "two and a half months",
"16 d", "6-mo follow-up": :data:`NUMBER` matches the number, :func:`parse_number` reads it, and
:func:`to_months` converts a duration (days / 30.44, the contract's convention).

Example::

    >>> parse_number("sixty-two"), parse_number("two and a half"), parse_number("3,5")
    (62.0, 2.5, 3.5)
    >>> round(to_months(16, "d"), 2)
    0.53
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..lexicon import load_yaml

_N = load_yaml("numbers.yaml")
CARDINALS: dict[str, float] = {k: float(v) for k, v in _N["cardinals"].items() if v is not None}
ORDINALS: dict[str, int] = {k: int(v) for k, v in _N["ordinals"].items()}

_UNITS = "|".join(
    sorted(
        (w for w in CARDINALS if CARDINALS[w] < 20 and w not in ("a", "an", "half")), key=len, reverse=True
    )
)
_TENS = "|".join(sorted((w for w in CARDINALS if CARDINALS[w] >= 20), key=len, reverse=True))
_WORD_NUMBER = rf"(?:(?:{_TENS})(?:[\s-](?:{_UNITS}))?|{_UNITS})"
#: A number in words ("forty-eight", "seven"), as a regex fragment (word-bounded).
WORD_NUMBER = rf"\b{_WORD_NUMBER}\b"
#: A number in digits or words, with an optional "and a half".
NUMBER = rf"(?:(?<![\w.,])\d+(?:[.,]\d+)?|\b(?:{_WORD_NUMBER}|an?)\b)(?:\s+and\s+a\s+half)?"
NUMBER_RE = re.compile(NUMBER, re.IGNORECASE)
ORDINAL = "|".join(sorted(ORDINALS, key=len, reverse=True))

_UNIT_MONTHS = {"y": 12.0, "m": 1.0, "w": 7 / 30.44, "d": 1 / 30.44, "h": 1 / (24 * 30.44)}
#: Time units as written: years, yrs, y, months, mo, mos, weeks, wk, days, d, hours.
UNIT = r"(?:years?|yrs?|y|months?|mos?|mths?|m|weeks?|wks?|w|days?|d|hours?|hrs?|h)"


@lru_cache(maxsize=4096)
def parse_number(text: str) -> float | None:
    """Value of a number written in digits or words (``None`` when unreadable)."""
    t = text.strip().lower()
    half = 0.0
    if t.endswith("and a half"):
        half = 0.5
        t = t[: -len("and a half")].strip()
    t = t.replace(",", ".") if re.fullmatch(r"\d+,\d{1,2}", t) else t.replace(",", "")
    try:
        return float(t) + half
    except ValueError:
        pass
    total = 0.0
    for part in re.split(r"[\s-]+", t):
        if part in CARDINALS:
            total += CARDINALS[part]
        elif part:
            return None
    return total + half


def unit_key(unit: str) -> str:
    """Normalise a time unit to y / m / w / d / h."""
    u = unit.lower()
    if u.startswith("y"):
        return "y"
    if u.startswith("mo") or u.startswith("mth") or u == "m":
        return "m"
    if u.startswith("w"):
        return "w"
    if u.startswith("d"):
        return "d"
    return "h"


def to_months(value: float, unit: str) -> float:
    """A duration in months (days / 30.44)."""
    return value * _UNIT_MONTHS[unit_key(unit)]
