"""Score results (the JSON contract) and the arithmetic of partial sums.

Every result carries ``score``, ``total`` (null until every item is known), ``possible_range`` (the
lowest and highest total the missing items still allow), ``missing``, ``category`` (set as soon as the
whole range falls in one band), ``items`` (points per given input) and ``references``; plus
``ambiguous`` (items a case supports only as alternatives), ``inputs`` (the canonical inputs used) and
``notes``. Scores that classify rather than add (ESCC, NOMS, GIST risk) have ``total`` and
``possible_range`` null; their answer is the ``category`` and extra keys.

Example::

    >>> t = Tally()
    >>> t.award("pain", 3)
    >>> t.leave_missing("bone_lesion", {0, 1, 2})
    >>> (t.total(), t.lo, t.hi, t.missing)
    (None, 3, 5, ['bone_lesion'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ._spec import ScoreSpec

_HEAD = ("score", "total", "possible_range", "missing", "category")
_TAIL = ("items", "ambiguous", "inputs", "notes", "references")


class Ambiguity(BaseModel):
    """An item the inputs support only as alternatives (e.g. KPS from ECOG 1: KPS 70, 80 or 90)."""

    model_config = ConfigDict(extra="forbid")

    candidates: list[Any]
    points: list[int]


class ScoreResult(BaseModel):
    """The result of one score; subclasses add the score's extra keys."""

    model_config = ConfigDict(extra="forbid")

    score: str
    total: int | None = None
    possible_range: tuple[int, int] | None = None
    missing: list[str] = Field(default_factory=list)
    category: str | None = None
    items: dict[str, int] = Field(default_factory=dict)
    ambiguous: dict[str, Ambiguity] = Field(default_factory=dict)
    inputs: dict[str, Any] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when nothing is missing."""
        return not self.missing

    def extra_keys(self) -> list[str]:
        """The score-specific keys (after ``category`` in the JSON)."""
        return [k for k in type(self).model_fields if k not in _HEAD and k not in _TAIL]

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON object of the contract, keys in a reading order (common, extra, detail)."""
        data = self.model_dump(mode="json")
        ordered = {k: data[k] for k in _HEAD}
        ordered.update({k: data[k] for k in self.extra_keys()})
        ordered.update({k: data[k] for k in _TAIL})
        return ordered


@dataclass
class Tally:
    """A partial sum: points awarded, and the lowest/highest points still possible for the rest."""

    items: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    ambiguous: dict[str, Ambiguity] = field(default_factory=dict)
    lo: int = 0
    hi: int = 0

    def award(self, key: str, points: int) -> None:
        self.items[key] = points
        self.lo += points
        self.hi += points

    def leave_missing(self, key: str, possible: Iterable[int]) -> None:
        pts = set(possible)
        self.missing.append(key)
        self.lo += min(pts)
        self.hi += max(pts)

    def total(self) -> int | None:
        return None if self.missing else self.lo


def tally_items(
    spec: ScoreSpec,
    keys: Sequence[str],
    given: Mapping[str, Any],
    candidates: Mapping[str, Sequence[Any]],
) -> Tally:
    """Add up ``keys``: given inputs score their points; candidates score every point they allow
    (one value of points is awarded, several make the item ambiguous); the rest are missing.
    """
    t = Tally()
    for key in keys:
        item = spec.inputs[key]
        if key in given:
            t.award(key, item.points_for(given[key]))
        elif key in candidates:
            pts = sorted({item.points_for(c) for c in candidates[key]})
            if len(pts) == 1:
                t.award(key, pts[0])
            else:
                t.ambiguous[key] = Ambiguity(candidates=list(candidates[key]), points=pts)
                t.leave_missing(key, pts)
        else:
            t.leave_missing(key, item.possible_points())
    return t
