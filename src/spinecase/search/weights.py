"""The weights of the similar-cases ranking, read from ``weights.yaml`` (data, not code).

Example::

    >>> w = load_weights()
    >>> w.rrf_k, w.field("histology").weight
    (60.0, 4.0)
    >>> w.histology_similarity("thyroid_follicular_x", "thyroid_follicular_x")
    1.0
    >>> w.histology_similarity("breast_ductal_carcinoma", "breast_lobular_carcinoma")
    0.7
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

#: The structured facts compared, in the order explanations list them.
FIELDS: tuple[str, ...] = (
    "histology",
    "primary_site",
    "spinal_levels",
    "other_metastasis_sites",
    "neurological_deficit",
    "age",
    "presentation",
    "sex",
)


@dataclass(frozen=True, slots=True)
class FieldWeight:
    """The weight of one fact and its knobs (``exact``/``adjacent``/``region`` for levels, ``band_years``
    and ``zero_at_years`` for age)."""

    weight: float
    params: dict[str, float] = field(default_factory=dict)

    def get(self, name: str, default: float) -> float:
        return float(self.params.get(name, default))


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    similarity: float
    members: frozenset[str]


@dataclass(frozen=True, slots=True)
class Weights:
    """Every number of the ranking; see ``weights.yaml`` for what each means."""

    rrf_k: float
    fusion: dict[str, float]
    depth: int
    fields: dict[str, FieldWeight]
    histology_families: tuple[Group, ...]
    site_groups: tuple[Group, ...]
    parent_similarity: float
    site_parents: dict[str, str]

    def field(self, name: str) -> FieldWeight:
        return self.fields.get(name, FieldWeight(0.0))

    def histology_similarity(self, a: str, b: str) -> float:
        """1 for the same code, the family's similarity for related codes, else 0."""
        if a == b:
            return 1.0
        return max(
            (g.similarity for g in self.histology_families if a in g.members and b in g.members), default=0.0
        )

    def histology_family(self, a: str, b: str) -> str | None:
        """The name of the closest family two different codes share."""
        shared = [g for g in self.histology_families if a in g.members and b in g.members]
        return max(shared, key=lambda g: g.similarity).name if shared else None

    def site_similarity(self, a: str, b: str) -> float:
        """1 for the same organ, ``parent_similarity`` for an organ and its part, a group's value else."""
        if a == b:
            return 1.0
        best = 0.0
        if self.site_parents.get(a) == b or self.site_parents.get(b) == a:
            best = self.parent_similarity
        for g in self.site_groups:
            if a in g.members and b in g.members:
                best = max(best, g.similarity)
        return best

    def site_group(self, a: str, b: str) -> str | None:
        if self.site_parents.get(a) == b or self.site_parents.get(b) == a:
            return "part of the same organ"
        shared = [g for g in self.site_groups if a in g.members and b in g.members]
        return max(shared, key=lambda g: g.similarity).name if shared else None


def _groups(raw: list[dict[str, Any]] | None) -> tuple[Group, ...]:
    return tuple(
        Group(str(g["name"]), float(g["similarity"]), frozenset(str(m) for m in g["members"]))
        for g in raw or []
    )


def _site_parents() -> dict[str, str]:
    from ..lexicon import load_yaml

    sites = load_yaml("sites.yaml") or {}
    return {code: str(v["parent"]) for code, v in sites.items() if isinstance(v, dict) and v.get("parent")}


def parse_weights(data: dict[str, Any]) -> Weights:
    """Weights from a mapping shaped like ``weights.yaml`` (missing fields weigh 0)."""
    fields: dict[str, FieldWeight] = {}
    for name, spec in (data.get("fields") or {}).items():
        if name not in FIELDS:
            raise ValueError(f"weights: unknown field {name!r}; fields: {', '.join(FIELDS)}")
        spec = dict(spec or {})
        weight = float(spec.pop("weight", 0.0))
        if weight < 0:
            raise ValueError(f"weights: {name} has a negative weight")
        fields[name] = FieldWeight(weight, {k: float(v) for k, v in spec.items()})
    fusion = {str(k): float(v) for k, v in (data.get("fusion") or {"structured": 1.0, "bm25": 1.0}).items()}
    return Weights(
        rrf_k=float(data.get("rrf_k", 60)),
        fusion=fusion,
        depth=int(data.get("depth", 1000)),
        fields=fields,
        histology_families=_groups(data.get("histology_families")),
        site_groups=_groups(data.get("site_groups")),
        parent_similarity=float(data.get("parent_similarity", 0.8)),
        site_parents=_site_parents(),
    )


@lru_cache(maxsize=8)
def load_weights(path: str | Path | None = None) -> Weights:
    """The packaged ``weights.yaml``, or another file shaped like it."""
    if path is None:
        raw = resources.files(__package__).joinpath("weights.yaml").read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    return parse_weights(yaml.safe_load(raw) or {})
