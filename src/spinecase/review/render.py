"""Cohort statistics as a characteristics table (terminal or Markdown) or JSON.

The table reads like the "Table 1" of a case series: one line per characteristic, one column for
the whole cohort and, with ``--by``, one per group, then survival and the log-rank test.

Example::

    >>> from spinecase.records import CaseRecord
    >>> from spinecase.review.stats import cohort_stats
    >>> s = cohort_stats([CaseRecord(document="a", case=1, age=51, sex="male"),
    ...                   CaseRecord(document="b", case=1, age=71, sex="female")])
    >>> rows = characteristics(s)
    >>> rows[0], rows[1]
    (('Cases', ['2']), ('Age, years: median (range)', ['61 (51–71), n=2']))
"""

from __future__ import annotations

import json
from typing import Any

from .labels import label
from .stats import UNKNOWN, CohortStats, Summary
from .survival import KaplanMeier


def _summary(s: Summary) -> str:
    return f"{s}, n={s.n}" if s.n else "—"


def _counts(counts: dict[str, int], kind: str | None = None) -> str:
    known = sum(v for k, v in counts.items() if k != UNKNOWN)
    parts = []
    for k, v in counts.items():
        if k == UNKNOWN or not v:
            continue
        name = label(kind, k) if kind else k
        parts.append(f"{name} {v} ({v / known:.0%})" if known else f"{name} {v}")
    text = ", ".join(parts) or "—"
    if counts.get(UNKNOWN):
        text += f"; not stated {counts[UNKNOWN]}"
    return text


def _of(count: int, n: int) -> str:
    return f"{count}/{n} ({count / n:.0%})" if n else "—"


def _survival(km: KaplanMeier) -> list[tuple[str, str]]:
    if km.n == 0:
        median = "—"
    elif km.median is None:
        median = "not reached"
    else:
        lo = "NR" if km.ci_lower is None else f"{km.ci_lower:g}"
        hi = "NR" if km.ci_upper is None else f"{km.ci_upper:g}"
        median = f"{km.median:g} (95% CI {lo}–{hi})"
    excluded = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in km.excluded.items() if v) or "none"
    return [
        ("Survival: cases (deaths)", f"{km.n} ({km.events})"),
        ("Survival: left out", excluded),
        ("Median survival, months", median),
    ]


def characteristics(stats: CohortStats) -> list[tuple[str, list[str]]]:
    """``(characteristic, [value for the cohort, value per group…])`` lines."""
    cohorts = [stats, *stats.groups.values()]

    def line(name: str, fn: Any) -> tuple[str, list[str]]:
        return name, [fn(s) for s in cohorts]

    rows = [
        line("Cases", lambda s: str(s.n)),
        line("Age, years: median (range)", lambda s: _summary(s.age)),
        line("Sex", lambda s: _counts(s.sex)),
        line("Histology", lambda s: _counts(s.histology, "histology")),
        line("Primary site", lambda s: _counts(s.primary_site, "site")),
        line("Synchronous", lambda s: str(s.synchronous)),
        line("Interval (metachronous), months: median (range)", lambda s: _summary(s.interval_months)),
        line("Cases with levels stated", lambda s: str(s.spinal_levels.n)),
        line(
            "Region (cases)",
            lambda s: ", ".join(f"{k} {v}" for k, v in s.spinal_levels.regions.items() if v) or "—",
        ),
        line(
            "Levels (cases)",
            lambda s: ", ".join(f"{k} {v}" for k, v in s.spinal_levels.levels.items() if v) or "—",
        ),
        line("More than one level", lambda s: _of(s.spinal_levels.multiple, s.spinal_levels.n)),
        line(
            "Other metastases",
            lambda s: (
                ", ".join(f"{label('site', k)} {v}" for k, v in s.other_metastasis_sites.items()) or "—"
            ),
        ),
        line("Neurological deficit", lambda s: _counts(s.neurological_deficit)),
        line("Spinal surgery", lambda s: _of(s.treatment.surgery, s.n)),
        line("Radiotherapy", lambda s: _of(s.treatment.radiotherapy, s.n)),
        line("Systemic therapy", lambda s: _of(s.treatment.systemic, s.n)),
        line(
            "Treatment", lambda s: ", ".join(f"{k} {v}" for k, v in s.treatment.combinations.items()) or "—"
        ),
        line(
            "Procedures",
            lambda s: (
                ", ".join(f"{label('surgery', k)} {v}" for k, v in s.treatment.procedures.items()) or "—"
            ),
        ),
        line("Follow-up, months: median (range)", lambda s: _summary(s.follow_up_months)),
        line("Local recurrence", lambda s: _counts(s.local_recurrence)),
        line("Vital status at last follow-up", lambda s: _counts(s.vital_status)),
    ]
    survival = [_survival(s.survival) for s in cohorts]
    for i, (name, _) in enumerate(survival[0]):
        rows.append((name, [lines[i][1] for lines in survival]))
    return rows


def headers(stats: CohortStats) -> list[str]:
    return ["Characteristic", "All", *(f"{stats.by} = {g}" for g in stats.groups)]


def logrank_line(stats: CohortStats) -> str | None:
    if stats.by is None:
        return None
    test = stats.logrank
    if test is None:
        return f"Log-rank test by {stats.by}: fewer than two groups with follow-up."
    if test.p_value is None:
        return f"Log-rank test by {stats.by} ({', '.join(test.groups)}): no death, no test."
    left = ", ".join(f"{k} ({v})" for k, v in test.left_out.items() if v)
    return (
        f"Log-rank test by {stats.by} ({', '.join(test.groups)}): chi² = {test.statistic:.2f}, "
        f"df = {test.df}, p = {test.p_value:.3g}" + (f"; left out: {left}" if left else "")
    )


def to_markdown(stats: CohortStats, title: str | None = None) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [f"**{title}**", ""] if title else []
    hs = headers(stats)
    lines.append("| " + " | ".join(hs) + " |")
    lines.append("|" + "|".join(" --- " for _ in hs) + "|")
    for name, values in characteristics(stats):
        lines.append("| " + " | ".join(cell(v) for v in [name, *values]) + " |")
    extra = logrank_line(stats)
    if extra:
        lines += ["", extra]
    return "\n".join(lines) + "\n"


def to_json(stats: CohortStats, **extra: Any) -> str:
    """The JSON form: top-level ``n``, numeric summaries as ``{median, min, max, n}``."""
    data = stats.to_json() | extra
    return json.dumps(data, indent=2, ensure_ascii=False)


def to_rich(stats: CohortStats, title: str | None = None) -> Any:
    """A :class:`rich.table.Table` of the characteristics (for the terminal)."""
    from rich.table import Table

    table = Table(*headers(stats), title=title, show_lines=False)
    for name, values in characteristics(stats):
        table.add_row(name, *values)
    extra = logrank_line(stats)
    if extra:
        table.caption = extra
    return table
