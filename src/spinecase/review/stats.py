"""Cohort statistics over case records: what the authors of a case series compute by hand.

:func:`cohort_stats` is a pure function of a sequence of :class:`~spinecase.records.CaseRecord`
(no database): number of cases, age median (range), sex, synchronous share, interval from the primary
(metachronous cases) median (range), region and level distribution, treatment distribution, local
recurrence, deaths and Kaplan–Meier survival from the treatment of the spinal metastasis; with
``by=FIELD``, the same per group and a log-rank test between the groups.
:func:`spinecase.review.source.registry_stats` is the thin registry wrapper.

Conventions (stated so that a reader can check any number by hand):

- A numeric summary is the median, minimum, maximum and ``n`` of the cases that state the value.
- Categorical counts keep an ``unknown`` bucket; shares are of the cases where the value is known.
- ``presentation`` is the record's, else follows from ``interval_months`` (0 synchronous, > 0
  metachronous), as the contract defines the interval.
- ``interval_months`` is summarised over metachronous cases (a synchronous interval is 0 by definition).
- ``regions`` count cases with at least one level in the region; ``levels`` count cases per level.
- Treatment is per case: surgery (any ``spinal_surgery``), radiotherapy (any course), systemic (any
  agent, at any time) and their combination.

Example::

    >>> from spinecase.records import CaseRecord
    >>> s = cohort_stats([CaseRecord(document="a", case=1, age=51, sex="male"),
    ...                   CaseRecord(document="b", case=1, age=71, sex="female")])
    >>> s.n, s.age.median, s.sex["male"]
    (2, 61.0, 1)
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..records import CaseRecord
from .levels import ORDER, REGIONS, region_of
from .survival import KaplanMeier, LogRank, kaplan_meier, logrank

UNKNOWN = "unknown"


def _number(x: float | None) -> float | int | None:
    """JSON-friendly number: ``61.0`` -> ``61``, rounded to 2 decimals."""
    if x is None:
        return None
    x = round(float(x), 2)
    return int(x) if x.is_integer() else x


@dataclass(frozen=True, slots=True)
class Summary:
    """Median, minimum and maximum of the ``n`` cases that state a numeric value."""

    n: int
    median: float | None = None
    min: float | None = None
    max: float | None = None

    @classmethod
    def of(cls, values: Sequence[float | None]) -> Summary:
        xs = [float(v) for v in values if v is not None]
        if not xs:
            return cls(0)
        return cls(len(xs), float(statistics.median(xs)), min(xs), max(xs))

    def to_json(self) -> dict[str, Any]:
        return {
            "median": _number(self.median),
            "min": _number(self.min),
            "max": _number(self.max),
            "n": self.n,
        }

    def __str__(self) -> str:
        """``61 (51–71)``, or ``—`` when no case states it."""
        if not self.n:
            return "—"
        return f"{_number(self.median)} ({_number(self.min)}–{_number(self.max)})"


@dataclass(frozen=True, slots=True)
class Share:
    """``count`` of ``n`` cases where the value is known."""

    count: int
    n: int

    @property
    def share(self) -> float | None:
        return self.count / self.n if self.n else None

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "n": self.n,
            "share": None if self.share is None else round(self.share, 4),
        }

    def __str__(self) -> str:
        return f"{self.count}/{self.n} ({self.share:.0%})" if self.n else "—"


def _counts(values: Sequence[str | None], order: Sequence[str] = ()) -> dict[str, int]:
    """Counts with fixed keys first (``order``), then others by frequency, ``unknown`` last."""
    c = Counter(UNKNOWN if v is None else v for v in values)
    out = {k: c.pop(k, 0) for k in order}
    unknown = c.pop(UNKNOWN, 0)
    out |= dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
    out[UNKNOWN] = unknown
    return out


def _flag(v: bool | None) -> str | None:
    return None if v is None else ("yes" if v else "no")


def presentation_of(r: CaseRecord) -> str | None:
    """The record's presentation, else what its interval says (0: synchronous, > 0: metachronous)."""
    if r.presentation is not None:
        return r.presentation
    if r.interval_months is None:
        return None
    return "synchronous" if r.interval_months <= 0 else "metachronous"


def treatment_of(r: CaseRecord) -> str:
    """``surgery + radiotherapy + systemic`` (any two of them), ``surgery only``…, or ``none stated``."""
    parts = [
        name
        for name, given in (
            ("surgery", bool(r.spinal_surgery)),
            ("radiotherapy", bool(r.radiotherapy)),
            ("systemic", bool(r.systemic_agents)),
        )
        if given
    ]
    if not parts:
        return "none stated"
    return " + ".join(parts) if len(parts) > 1 else f"{parts[0]} only"


def region_group(r: CaseRecord) -> str:
    """The region of the case's levels, ``multiple`` across regions, ``unknown`` without levels."""
    regions = {region_of(lv) for lv in r.spinal_levels} - {None}
    if not regions:
        return UNKNOWN
    return regions.pop() if len(regions) == 1 else "multiple"  # type: ignore[return-value]


def age_group(r: CaseRecord) -> str:
    if r.age is None:
        return UNKNOWN
    return "<65" if r.age < 65 else "≥65"


#: Fields ``--by`` understands: name -> (help, the group of a record).
GROUPINGS: dict[str, tuple[str, Callable[[CaseRecord], str | None]]] = {
    "sex": ("male / female", lambda r: r.sex),
    "histology": ("histology code", lambda r: r.histology),
    "primary_site": ("primary site code", lambda r: r.primary_site),
    "presentation": ("synchronous / metachronous", presentation_of),
    "region": ("cervical, thoracic, lumbar, sacral, coccygeal or multiple", region_group),
    "treatment": ("combination of surgery, radiotherapy, systemic therapy", treatment_of),
    "surgery": ("spinal surgery yes / no", lambda r: _flag(bool(r.spinal_surgery))),
    "radiotherapy": ("radiotherapy yes / no", lambda r: _flag(bool(r.radiotherapy))),
    "systemic": ("systemic therapy yes / no", lambda r: _flag(bool(r.systemic_agents))),
    "neurological_deficit": ("deficit yes / no", lambda r: _flag(r.neurological_deficit)),
    "local_recurrence": ("local recurrence yes / no", lambda r: _flag(r.local_recurrence)),
    "age_group": ("<65 / ≥65 years", age_group),
    "source": (
        "primary report / literature table",
        lambda r: "literature table" if getattr(r, "secondary", False) else "primary report",
    ),
}


def group_of(record: CaseRecord, by: str) -> str:
    """The group of ``record`` under ``by`` (``unknown`` when the value is not stated)."""
    if by not in GROUPINGS:
        raise ValueError(f"cannot group by {by!r}; one of: {', '.join(GROUPINGS)}")
    value = GROUPINGS[by][1](record)
    return UNKNOWN if value is None else str(value)


@dataclass(frozen=True, slots=True)
class TreatmentStats:
    """Per case: surgery, radiotherapy, systemic therapy, their combinations, and the codes."""

    n: int
    surgery: int
    radiotherapy: int
    systemic: int
    combinations: dict[str, int]
    procedures: dict[str, int]
    modalities: dict[str, int]
    agents: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "surgery": self.surgery,
            "radiotherapy": self.radiotherapy,
            "systemic": self.systemic,
            "combinations": self.combinations,
            "surgery_procedures": self.procedures,
            "radiotherapy_modalities": self.modalities,
            "systemic_agents": self.agents,
        }


def _code_counts(lists: Sequence[Sequence[str]]) -> dict[str, int]:
    """Cases per code (a code counted once per case)."""
    c = Counter(code for codes in lists for code in dict.fromkeys(codes))
    return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def treatment_stats(records: Sequence[CaseRecord]) -> TreatmentStats:
    combos = Counter(treatment_of(r) for r in records)
    return TreatmentStats(
        n=len(records),
        surgery=sum(1 for r in records if r.spinal_surgery),
        radiotherapy=sum(1 for r in records if r.radiotherapy),
        systemic=sum(1 for r in records if r.systemic_agents),
        combinations=dict(sorted(combos.items(), key=lambda kv: (-kv[1], kv[0]))),
        procedures=_code_counts([r.spinal_surgery for r in records]),
        modalities=_code_counts([[c.modality for c in r.radiotherapy] for r in records]),
        agents=_code_counts([r.systemic_agents for r in records]),
    )


@dataclass(frozen=True, slots=True)
class LevelStats:
    """Cases per level and per region, among the ``n`` cases with at least one level."""

    n: int
    levels: dict[str, int]
    regions: dict[str, int]
    per_case: Summary
    multiple: int  # cases with more than one level

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "levels": {lv: c for lv, c in self.levels.items() if c},
            "regions": self.regions,
            "levels_per_case": self.per_case.to_json(),
            "multiple_levels": self.multiple,
        }


def level_stats(records: Sequence[CaseRecord]) -> LevelStats:
    with_levels = [r for r in records if r.spinal_levels]
    counts = Counter(lv for r in with_levels for lv in set(r.spinal_levels))
    regions = {
        region: sum(1 for r in with_levels if set(r.spinal_levels) & set(levels))
        for region, levels in REGIONS.items()
    }
    return LevelStats(
        n=len(with_levels),
        levels={lv: counts.get(lv, 0) for lv in ORDER},
        regions=regions,
        per_case=Summary.of([len(set(r.spinal_levels)) for r in with_levels]),
        multiple=sum(1 for r in with_levels if len(set(r.spinal_levels)) > 1),
    )


@dataclass(frozen=True, slots=True)
class CohortStats:
    """The statistics of one cohort (see the module documentation)."""

    n: int
    age: Summary
    sex: dict[str, int]
    histology: dict[str, int]
    primary_site: dict[str, int]
    presentation: dict[str, int]
    synchronous: Share
    interval_months: Summary
    spinal_levels: LevelStats
    other_metastasis_sites: dict[str, int]
    neurological_deficit: dict[str, int]
    treatment: TreatmentStats
    local_recurrence: dict[str, int]
    vital_status: dict[str, int]
    follow_up_months: Summary
    survival: KaplanMeier
    label: str = "all"
    by: str | None = None
    groups: dict[str, CohortStats] = field(default_factory=dict)
    logrank: LogRank | None = None

    @property
    def deaths(self) -> int:
        return self.vital_status.get("dead", 0)

    @property
    def local_recurrences(self) -> int:
        return self.local_recurrence.get("yes", 0)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "n": self.n,
            "age": self.age.to_json(),
            "sex": self.sex,
            "histology": self.histology,
            "primary_site": self.primary_site,
            "presentation": self.presentation,
            "synchronous": self.synchronous.to_json(),
            "interval_months": self.interval_months.to_json(),
            "spinal_levels": self.spinal_levels.to_json(),
            "other_metastasis_sites": self.other_metastasis_sites,
            "neurological_deficit": self.neurological_deficit,
            "treatment": self.treatment.to_json(),
            "local_recurrence": self.local_recurrence,
            "local_recurrences": self.local_recurrences,
            "vital_status": self.vital_status,
            "deaths": self.deaths,
            "follow_up_months": self.follow_up_months.to_json(),
            "survival": self.survival.to_json(),
        }
        if self.by is not None:
            out["by"] = self.by
            out["groups"] = {name: g.to_json() for name, g in self.groups.items()}
            out["logrank"] = self.logrank.to_json() if self.logrank else None
        return out


def cohort_stats(records: Sequence[CaseRecord], by: str | None = None, *, label: str = "all") -> CohortStats:
    """The statistics of ``records``; with ``by``, also per group and the log-rank test between them."""
    records = list(records)
    presentations = [presentation_of(r) for r in records]
    known_presentation = [p for p in presentations if p is not None]
    groups: dict[str, CohortStats] = {}
    test: LogRank | None = None
    if by is not None:
        members: dict[str, list[CaseRecord]] = {}
        for r in records:
            members.setdefault(group_of(r, by), []).append(r)
        ordered = sorted(members, key=lambda g: (g == UNKNOWN, -len(members[g]), g))
        groups = {g: cohort_stats(members[g], label=g) for g in ordered}
        test = logrank({g: members[g] for g in ordered})
    return CohortStats(
        n=len(records),
        age=Summary.of([r.age for r in records]),
        sex=_counts([r.sex for r in records], ("male", "female")),
        histology=_counts([r.histology for r in records]),
        primary_site=_counts([r.primary_site for r in records]),
        presentation=_counts(presentations, ("synchronous", "metachronous")),
        synchronous=Share(sum(1 for p in known_presentation if p == "synchronous"), len(known_presentation)),
        interval_months=Summary.of(
            [r.interval_months for r, p in zip(records, presentations, strict=True) if p == "metachronous"]
        ),
        spinal_levels=level_stats(records),
        other_metastasis_sites=_code_counts([r.other_metastasis_sites for r in records]),
        neurological_deficit=_counts([_flag(r.neurological_deficit) for r in records], ("yes", "no")),
        treatment=treatment_stats(records),
        local_recurrence=_counts([_flag(r.local_recurrence) for r in records], ("yes", "no")),
        vital_status=_counts([r.vital_status for r in records], ("alive", "dead")),
        follow_up_months=Summary.of([r.follow_up_months for r in records]),
        survival=kaplan_meier(records, label),
        label=label,
        by=by,
        groups=groups,
        logrank=test,
    )
