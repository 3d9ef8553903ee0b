"""Missing inputs of the classification scores (ESCC, NOMS, GIST risk): decide by enumeration.

A classification has no sum to bound, so a missing input is handled by trying every value it could
take: an output (a category, a recommendation) is reported once every completion agrees on it, and a
missing key is listed only when some completion changes an output.

Example::

    >>> outcomes = enumerate_outcomes({"a": [1], "b": [True, False]}, lambda v: (v["a"] > 0,))
    >>> decided(outcomes, 0), mattering(outcomes, ["b"])
    (True, [])
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Outcome = tuple[Any, ...]
Completion = tuple[dict[str, Any], Outcome]


def enumerate_outcomes(
    domains: Mapping[str, Sequence[Any]], decide: Callable[[dict[str, Any]], Outcome]
) -> list[Completion]:
    """``decide`` applied to every combination of the domains (given inputs have one value)."""
    keys = list(domains)
    out: list[Completion] = []
    for combo in itertools.product(*(domains[k] for k in keys)):
        values = dict(zip(keys, combo, strict=True))
        out.append((values, decide(values)))
    return out


def decided(outcomes: Sequence[Completion], index: int) -> Any:
    """Output ``index`` when every completion agrees on it, else None."""
    values = {o[index] for _, o in outcomes}
    return values.pop() if len(values) == 1 else None


def mattering(outcomes: Sequence[Completion], keys: Sequence[str]) -> list[str]:
    """The keys whose value alone changes some output, the others held fixed."""
    out = []
    for key in keys:
        groups: dict[tuple[tuple[str, Any], ...], set[Outcome]] = {}
        for values, outcome in outcomes:
            rest = tuple(sorted((k, repr(v)) for k, v in values.items() if k != key))
            groups.setdefault(rest, set()).add(outcome)
        if any(len(g) > 1 for g in groups.values()):
            out.append(key)
    return out


def domain(
    key: str, given: Mapping[str, Any], candidates: Mapping[str, Sequence[Any]], full: Sequence[Any]
) -> list[Any]:
    """The values ``key`` may take: the given value, its candidates, or its whole domain."""
    if key in given:
        return [given[key]]
    if key in candidates:
        return list(candidates[key])
    return list(full)
