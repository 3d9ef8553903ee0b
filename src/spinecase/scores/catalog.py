"""The scores by name: one dispatcher for the CLI and the case scorer, and their help texts.

Example::

    >>> compute("escc", {"grade": "1b"}).category
    'low_grade'
    >>> "bone_lesion: lytic (2), mixed (1), blastic (0)" in help_text("sins")
    True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._spec import InputSpec, score_spec
from .bauer import bauer, nesms
from .gist import gist_afip, gist_nih_modified
from .noms import escc, noms
from .result import ScoreResult
from .spine import sins, tokuhashi_revised, tomita

ScoreFunction = Callable[..., ScoreResult]

#: Every score, by its CLI name, in the order ``spinecase score --help`` lists them.
SCORES: dict[str, ScoreFunction] = {
    "sins": sins,
    "tokuhashi_revised": tokuhashi_revised,
    "tomita": tomita,
    "bauer": bauer,
    "nesms": nesms,
    "escc": escc,
    "noms": noms,
    "gist_afip": gist_afip,
    "gist_nih_modified": gist_nih_modified,
}


def compute(
    name: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    candidates: Mapping[str, Sequence[Any]] | None = None,
) -> ScoreResult:
    """Score ``name`` from ``inputs`` (and ``candidates``); :class:`KeyError` for an unknown name."""
    try:
        function = SCORES[name]
    except KeyError:
        raise KeyError(f"unknown score {name!r} (one of: {', '.join(SCORES)})") from None
    return function(dict(inputs or {}), candidates=candidates)


def input_specs(name: str) -> list[InputSpec]:
    """The inputs a score accepts, in help order (NESMS also takes the Bauer inputs)."""
    specs = list(score_spec(name).inputs.values())
    if name == "nesms":
        bauer = score_spec("bauer").inputs
        specs += [bauer[k] for k in score_spec("nesms").raw["bauer_inputs"]]
    return specs


def input_lines(name: str) -> list[str]:
    """Two lines per input: ``key: allowed values (points)`` and, indented, what it means."""
    lines = []
    for spec in input_specs(name):
        allowed = spec.allowed_text()
        if spec.scored:
            allowed = f"{spec.range_text()}: {spec.points_text()}" if spec.bins else spec.points_text()
            if spec.open_value:
                allowed += f"; anything else counts as {spec.open_value}"
        lines.append(f"{spec.key}: {allowed}")
        meaning = spec.help
        if spec.alternative_to:
            meaning = f"{meaning} (alternative to {spec.alternative_to})".strip()
        if meaning:
            lines.append(f"    {meaning}")
    return lines


def help_text(name: str) -> str:
    """The help of ``spinecase score NAME``: what it computes, its inputs, outputs and citations."""
    spec = score_spec(name)
    paragraphs = [
        f"{spec.title}: {spec.summary}",
        "\n".join(
            ["Inputs (JSON keys; null or absent means missing):", *(f"  {x}" for x in input_lines(name))]
        ),
        f"Result: {spec.outputs}.",
        "\n".join(["References:", *(f"  {ref}" for ref in spec.references)]),
    ]
    return "\n\n".join(paragraphs)
