"""Survival from the treatment of the spinal metastasis: Kaplan–Meier and the log-rank test.

Time is ``follow_up_months`` (the contract measures it from the treatment of the spinal metastasis to
the last follow-up or death), the event is death (``vital_status == "dead"``), a patient alive at the
last follow-up is censored. A case without follow-up time, or without a vital status, cannot enter
the curve: it is left out and counted (:attr:`KaplanMeier.excluded`). lifelines does the estimation;
it is imported only when a curve is computed.

Example::

    >>> from spinecase.records import CaseRecord
    >>> cases = [CaseRecord(document="d", case=i + 1, follow_up_months=t, vital_status=s)
    ...          for i, (t, s) in enumerate([(2, "dead"), (4, "dead"), (6, "alive"), (8, "dead"), (10, "alive")])]
    >>> km = kaplan_meier(cases)
    >>> km.n, km.events, km.median
    (5, 3, 8.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..records import CaseRecord

#: Why a case is not on the curve.
NO_FOLLOW_UP = "no_follow_up"
NO_VITAL_STATUS = "no_vital_status"


@dataclass(frozen=True, slots=True)
class SurvivalData:
    """Durations (months) and events (``True`` = death) of the cases that can enter a curve."""

    durations: tuple[float, ...]
    events: tuple[bool, ...]
    excluded: dict[str, int]

    @property
    def n(self) -> int:
        return len(self.durations)


def survival_data(records: Sequence[CaseRecord]) -> SurvivalData:
    """The survival data of ``records``, and how many were left out and why."""
    durations: list[float] = []
    events: list[bool] = []
    excluded = {NO_FOLLOW_UP: 0, NO_VITAL_STATUS: 0}
    for r in records:
        if r.follow_up_months is None or r.follow_up_months < 0:
            excluded[NO_FOLLOW_UP] += 1
        elif r.vital_status is None:
            excluded[NO_VITAL_STATUS] += 1
        else:
            durations.append(float(r.follow_up_months))
            events.append(r.vital_status == "dead")
    return SurvivalData(tuple(durations), tuple(events), excluded)


def _json_number(x: float | None) -> float | int | None:
    """``18.0`` -> ``18``; other numbers rounded to 2 decimals."""
    if x is None:
        return None
    x = round(float(x), 2)
    return int(x) if x.is_integer() else x


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


@dataclass(frozen=True, slots=True)
class KaplanMeier:
    """A Kaplan–Meier estimate: counts, median survival with its 95% confidence interval (``None``
    where not reached), and the step function for plotting (``times``/``survival``/``lower``/``upper``,
    the first point at time 0)."""

    label: str
    n: int
    events: int
    excluded: dict[str, int]
    median: float | None
    ci_lower: float | None
    ci_upper: float | None
    times: tuple[float, ...] = ()
    survival: tuple[float, ...] = ()
    lower: tuple[float, ...] = ()
    upper: tuple[float, ...] = ()
    durations: tuple[float, ...] = ()
    observed: tuple[bool, ...] = ()

    @property
    def censored(self) -> int:
        return self.n - self.events

    @property
    def median_reached(self) -> bool:
        return self.median is not None

    def at_risk(self, t: float) -> int:
        """Patients still followed (neither dead nor censored) just before time ``t``."""
        return sum(1 for d in self.durations if d >= t)

    def survival_at(self, t: float) -> float | None:
        """S(t) from the step function (``None`` beyond the last follow-up)."""
        if not self.times or t > max(self.durations, default=0):
            return None
        value = 1.0
        for time, s in zip(self.times, self.survival, strict=True):
            if time <= t:
                value = s
        return value

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "events": self.events,
            "censored": self.censored,
            "excluded": dict(self.excluded),
            "median_months": _json_number(self.median),
            "median_reached": self.median_reached,
            "ci95": [_json_number(self.ci_lower), _json_number(self.ci_upper)],
        }


def kaplan_meier(records: Sequence[CaseRecord], label: str = "all") -> KaplanMeier:
    """The Kaplan–Meier estimate of ``records`` (see the module documentation)."""
    data = survival_data(records)
    if data.n == 0:
        return KaplanMeier(label, 0, 0, data.excluded, None, None, None)
    from lifelines import KaplanMeierFitter

    kmf = KaplanMeierFitter(label=label)
    kmf.fit(list(data.durations), event_observed=list(data.events))
    sf = kmf.survival_function_.iloc[:, 0]
    band = kmf.confidence_interval_
    times = [float(t) for t in sf.index]
    lower_band = [float(v) for v in band.iloc[:, 0].tolist()]
    upper_band = [float(v) for v in band.iloc[:, 1].tolist()]
    survival = [float(v) for v in sf.tolist()]
    return KaplanMeier(
        label=label,
        n=data.n,
        events=sum(data.events),
        excluded=data.excluded,
        median=first_at_or_below(times, survival),
        ci_lower=first_at_or_below(times, lower_band),
        ci_upper=first_at_or_below(times, upper_band),
        times=tuple(times),
        survival=tuple(survival),
        lower=tuple(lower_band),
        upper=tuple(upper_band),
        durations=data.durations,
        observed=data.events,
    )


def first_at_or_below(times: Sequence[float], values: Sequence[float], q: float = 0.5) -> float | None:
    """The first time a step function is at or below ``q`` (``None``: never, "not reached").

    The median survival is the smallest time with S(t) ≤ 0.5; its 95% confidence limits are where the
    lower and upper pointwise bands reach 0.5 (Brookmeyer–Crowley).

    >>> first_at_or_below([0, 3, 6, 12], [1.0, 0.8, 0.5, 0.4])
    6
    >>> first_at_or_below([0, 3], [1.0, 0.8]) is None
    True
    """
    for t, v in zip(times, values, strict=True):
        if v <= q + 1e-9:
            return t
    return None


@dataclass(frozen=True, slots=True)
class LogRank:
    """A log-rank test between groups (the multivariate form for more than two)."""

    groups: tuple[str, ...]
    statistic: float | None
    df: int
    p_value: float | None
    left_out: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "groups": list(self.groups),
            "statistic": self.statistic,
            "df": self.df,
            "p_value": self.p_value,
            "left_out": dict(self.left_out),
        }


def logrank(
    groups: Mapping[str, Sequence[CaseRecord]], *, skip: Sequence[str] = ("unknown",)
) -> LogRank | None:
    """The log-rank test between ``groups`` (those named in ``skip`` and groups with no case on the
    curve are left out and counted); ``None`` when fewer than two groups remain."""
    durations: list[float] = []
    events: list[bool] = []
    labels: list[str] = []
    kept: list[str] = []
    left_out: dict[str, int] = {}
    for name, records in groups.items():
        data = survival_data(records)
        if name in skip or data.n == 0:
            left_out[name] = data.n
            continue
        kept.append(name)
        durations += data.durations
        events += data.events
        labels += [name] * data.n
    if len(kept) < 2:
        return None
    df = len(kept) - 1
    if not any(events):
        return LogRank(tuple(kept), None, df, None, left_out)
    from lifelines.statistics import multivariate_logrank_test

    result = multivariate_logrank_test(durations, labels, events)
    return LogRank(tuple(kept), _finite(result.test_statistic), df, _finite(result.p_value), left_out)
