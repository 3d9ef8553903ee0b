"""What was done to the similar published patients and how they fared.

Counts of surgery by type, radiotherapy by modality, systemic agents, local recurrence and vital status
over the hits, and the Kaplan–Meier median overall survival (Kaplan & Meier, JASA 1958) from follow-up
after treatment of the spinal metastasis, death being the event and a living patient censored at last
follow-up. The median is the first time the product-limit estimate falls to 0.5 or below (Collett,
"Modelling survival data in medical research"); with fewer than ``min_follow_up`` patients reporting
follow-up, no death, or a curve that never reaches 0.5, the aggregate says so instead of guessing.

Example::

    >>> from spinecase.records import CaseRecord, RadiotherapyCourse
    >>> cases = [CaseRecord(document="a", case=1, spinal_surgery=["decompression", "fixation"],
    ...                     follow_up_months=12, vital_status="dead"),
    ...          CaseRecord(document="b", case=1, radiotherapy=[RadiotherapyCourse(modality="srs")],
    ...                     follow_up_months=30, vital_status="alive"),
    ...          CaseRecord(document="c", case=1, follow_up_months=20, vital_status="dead")]
    >>> a = aggregate(cases, min_follow_up=2)
    >>> a.n_surgery, a.surgery, a.radiotherapy
    (1, {'decompression': 1, 'fixation': 1}, {'srs': 1})
    >>> a.survival.median_months, a.survival.reason  # S = 2/3 after 12 months, 1/3 after 20
    (20.0, None)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..records import CaseRecord

#: Fewest hits reporting follow-up for a Kaplan–Meier median to be worth stating.
MIN_FOLLOW_UP = 5


def km_curve(times: Sequence[float], events: Sequence[bool]) -> tuple[list[float], list[float]]:
    """The product-limit survival estimate: event times and S(t) just after each.

    >>> km_curve([2, 4, 4, 6], [True, True, False, True])
    ([2.0, 4.0, 6.0], [0.75, 0.5, 0.0])
    """
    t = np.asarray(times, np.float64)
    e = np.asarray(events, bool)
    out_t: list[float] = []
    out_s: list[float] = []
    s = 1.0
    for u in np.unique(t[e]):
        at_risk = int((t >= u).sum())
        deaths = int(((t == u) & e).sum())
        s *= 1.0 - deaths / at_risk
        out_t.append(float(u))
        out_s.append(s)
    return out_t, out_s


@dataclass(frozen=True, slots=True)
class Survival:
    """Kaplan–Meier median overall survival in months, or why it is not given."""

    n_follow_up: int
    n_deaths: int
    median_months: float | None
    reason: str | None


def survival(cases: Sequence[CaseRecord], min_follow_up: int = MIN_FOLLOW_UP) -> Survival:
    """The Kaplan–Meier median of ``cases`` (see the module documentation)."""
    known = [c for c in cases if c.follow_up_months is not None]
    times = [float(c.follow_up_months or 0.0) for c in known]
    events = [c.vital_status == "dead" for c in known]
    n, d = len(known), sum(events)
    if n < min_follow_up:
        return Survival(
            n, d, None, f"only {n} of {len(cases)} report follow-up (at least {min_follow_up} needed)"
        )
    if d == 0:
        return Survival(
            n, 0, None, f"median not reached: no deaths among {n} followed up to {max(times):g} months"
        )
    ts, ss = km_curve(times, events)
    median = next((t for t, s in zip(ts, ss, strict=True) if s <= 0.5 + 1e-12), None)
    if median is None:
        return Survival(
            n, d, None, f"median not reached: survival {ss[-1]:.0%} at {ts[-1]:g} months ({d} deaths)"
        )
    return Survival(n, d, median, None)


@dataclass(frozen=True, slots=True)
class Aggregate:
    """Treatments and outcomes over the hits (counts of patients; a patient may count in several types)."""

    n: int
    n_surgery: int
    surgery: dict[str, int]
    n_radiotherapy: int
    radiotherapy: dict[str, int]
    n_systemic: int
    systemic: dict[str, int]
    local_recurrence: dict[str, int]
    vital_status: dict[str, int]
    survival: Survival
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "surgery": {"n": self.n_surgery, "by_type": self.surgery},
            "radiotherapy": {"n": self.n_radiotherapy, "by_modality": self.radiotherapy},
            "systemic": {"n": self.n_systemic, "by_agent": self.systemic},
            "local_recurrence": self.local_recurrence,
            "vital_status": self.vital_status,
            "survival": {
                "n_follow_up": self.survival.n_follow_up,
                "n_deaths": self.survival.n_deaths,
                "median_months": self.survival.median_months,
                "reason": self.survival.reason,
            },
        }


def _count(values: Sequence[Sequence[str]]) -> dict[str, int]:
    c: Counter[str] = Counter()
    for v in values:
        c.update(dict.fromkeys(v, 1))  # a patient counts once per type
    return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def _tri(values: Sequence[bool | None], yes: str, no: str) -> dict[str, int]:
    return {
        yes: sum(v is True for v in values),
        no: sum(v is False for v in values),
        "not stated": sum(v is None for v in values),
    }


def aggregate(cases: Sequence[CaseRecord], min_follow_up: int = MIN_FOLLOW_UP) -> Aggregate:
    """Treatments and outcomes of ``cases`` (see the module documentation)."""
    vital = {
        "alive": sum(c.vital_status == "alive" for c in cases),
        "dead": sum(c.vital_status == "dead" for c in cases),
        "not stated": sum(c.vital_status is None for c in cases),
    }
    return Aggregate(
        n=len(cases),
        n_surgery=sum(bool(c.spinal_surgery) for c in cases),
        surgery=_count([c.spinal_surgery for c in cases]),
        n_radiotherapy=sum(bool(c.radiotherapy) for c in cases),
        radiotherapy=_count([[r.modality for r in c.radiotherapy] for c in cases]),
        n_systemic=sum(bool(c.systemic_agents) for c in cases),
        systemic=_count([c.systemic_agents for c in cases]),
        local_recurrence=_tri([c.local_recurrence for c in cases], "recurred", "no recurrence"),
        vital_status=vital,
        survival=survival(cases, min_follow_up),
    )
