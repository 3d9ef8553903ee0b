"""Figures of a cohort: Kaplan–Meier survival with numbers at risk, the spine figure, distributions.

Every function returns a :class:`matplotlib.figure.Figure` drawn on the Agg canvas, without pyplot
(so the web app can render figures in threads): :func:`figure_svg` turns one into an SVG string for
embedding, :func:`save_figure` writes PNG, SVG or PDF by the file's suffix. Colours are colour-blind
safe: the Okabe–Ito palette for groups and bars, viridis for the spine's counts.

- :func:`km_figure` — Kaplan–Meier curves from the treatment of the spinal metastasis (one per group
  with ``by``), 95% confidence bands, censoring ticks, the median in the legend, and a table of the
  numbers at risk under the time axis;
- :func:`~spinecase.review.spine.spine_figure` — the drawn vertebral column shaded by count;
- :func:`distribution_figure` — primary sites and treatments (cases per category);
- :func:`cohort_figure` — all of them on one page (what ``spinecase stats --plot`` writes).

Example::

    >>> from spinecase.records import CaseRecord
    >>> cases = [CaseRecord(document="d", case=i + 1, follow_up_months=t, vital_status=s, spinal_levels=["L3"])
    ...          for i, (t, s) in enumerate([(2, "dead"), (4, "dead"), (6, "alive"), (8, "dead"), (10, "alive")])]
    >>> figure_svg(km_figure(cases)).lstrip().startswith("<?xml")
    True
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..records import CaseRecord
from .labels import label
from .spine import draw_spine, level_counts
from .stats import UNKNOWN, cohort_stats, group_of
from .survival import KaplanMeier, kaplan_meier

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
FIGURE_FORMATS = ("png", "svg", "pdf")


class FigureError(Exception):
    """A figure cannot be written as asked (unknown file type, missing matplotlib)."""


def new_figure(size: tuple[float, float]) -> Any:
    """A pyplot-free figure on the Agg canvas."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ModuleNotFoundError as exc:  # pragma: no cover - the reports extra is missing
        raise FigureError("figures need matplotlib: pip install 'spinecase[reports]'") from exc
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def figure_svg(fig: Any) -> str:
    """The figure as an SVG document (text), for embedding in a web page."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    return buf.getvalue()


def save_figure(fig: Any, path: Path | str, *, dpi: int = 200) -> None:
    """Write the figure as PNG, SVG or PDF (by the suffix of ``path``)."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FIGURE_FORMATS:
        raise FigureError(
            f"cannot write a figure as {path.suffix or 'a file without suffix'}; use .png, .svg or .pdf"
        )
    fig.savefig(path, format=fmt, dpi=dpi)


# -- Kaplan–Meier ------------------------------------------------------------------------------------


def _groups(records: Sequence[CaseRecord], by: str | None) -> dict[str, list[CaseRecord]]:
    """Curve label -> records (``surgery: yes``); cases of unknown group get no curve."""
    if by is None:
        return {"all cases": list(records)}
    members: dict[str, list[CaseRecord]] = {}
    for r in records:
        members.setdefault(group_of(r, by), []).append(r)
    ordered = sorted(members, key=lambda g: (g == UNKNOWN, -len(members[g]), g))
    return {f"{by.replace('_', ' ')}: {g}": members[g] for g in ordered if g != UNKNOWN}


def _ticks(max_t: float) -> list[float]:
    from matplotlib.ticker import MaxNLocator

    ticks = MaxNLocator(nbins=6, steps=[1, 2, 3, 6, 10], integer=True).tick_values(0, max_t)
    return [float(t) for t in ticks if 0 <= t <= max_t * 1.001]


def _median_text(km: KaplanMeier) -> str:
    if km.median is None:
        return "median not reached"
    return f"median {km.median:g} mo"


def draw_km(ax: Any, risk_ax: Any, curves: Sequence[KaplanMeier], *, title: str | None = None) -> None:
    """Kaplan–Meier curves into ``ax`` and their numbers at risk into ``risk_ax``."""
    max_t = max((max(k.durations) for k in curves if k.durations), default=1.0) or 1.0
    for i, km in enumerate(curves):
        if not km.n:
            continue
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        ax.step(
            km.times,
            km.survival,
            where="post",
            color=colour,
            linewidth=2,
            label=f"{km.label} (n={km.n}, {km.events} deaths; {_median_text(km)})",
        )
        ax.fill_between(km.times, km.lower, km.upper, step="post", color=colour, alpha=0.15, linewidth=0)
        censored = [d for d, e in zip(km.durations, km.observed, strict=True) if not e]
        ax.plot(
            censored,
            [km.survival_at(t) for t in censored],
            linestyle="none",
            marker="|",
            markersize=10,
            markeredgewidth=1.6,
            color=colour,
        )
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlim(0, max_t * 1.03)
    ax.set_ylabel("Probability of survival")
    ax.axhline(0.5, color="#999999", linewidth=0.7, linestyle=":")
    ax.grid(True, axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    shown = [(i, k) for i, k in enumerate(curves) if k.n]
    if not shown:
        ax.text(
            0.5,
            0.5,
            "No case with follow-up time and vital status",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=10,
            color="#555555",
        )
        risk_ax.axis("off")
    else:
        ax.legend(loc="lower left", fontsize=8, frameon=True, framealpha=0.9, edgecolor="#cccccc")
    ticks = _ticks(max_t)
    ax.set_xticks(ticks)
    ax.set_xlabel("Months from treatment of the spinal metastasis")
    if title:
        ax.set_title(title, fontsize=11)
    if not shown:
        return
    # numbers at risk, aligned with the time axis (the first curve on top)
    risk_ax.set_xlim(ax.get_xlim())
    risk_ax.set_ylim(-0.5, len(shown) - 0.5)
    risk_ax.set_xticks([])
    risk_ax.set_yticks([len(shown) - 1 - row for row in range(len(shown))])
    risk_ax.set_yticklabels([k.label for _, k in shown], fontsize=8)
    for spine in risk_ax.spines.values():
        spine.set_visible(False)
    risk_ax.tick_params(left=False)
    risk_ax.set_title("Number at risk", fontsize=8, loc="left")
    for row, (i, km) in enumerate(shown):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        for t in ticks:
            risk_ax.text(
                t,
                len(shown) - 1 - row,
                str(km.at_risk(t)),
                ha="center",
                va="center",
                fontsize=8,
                color=colour,
                fontweight="bold",
            )


def km_figure(records: Sequence[CaseRecord], by: str | None = None, *, title: str | None = None) -> Any:
    """The Kaplan–Meier figure of ``records`` (one curve per group of ``by``)."""
    groups = _groups(records, by)
    curves = [kaplan_meier(members, name) for name, members in groups.items()]
    fig = new_figure((7.2, 5.0 + 0.25 * len(curves)))
    grid = fig.add_gridspec(2, 1, height_ratios=[5, 0.6 + 0.35 * len(curves)])
    ax = fig.add_subplot(grid[0])
    risk = fig.add_subplot(grid[1])
    draw_km(ax, risk, curves, title=title or _km_title(records, curves))
    return fig


def _km_title(records: Sequence[CaseRecord], curves: Sequence[KaplanMeier]) -> str:
    on_curve = sum(k.n for k in curves)
    left = len(records) - on_curve
    detail = f"{on_curve} cases" + (f"; {left} without follow-up or status left out" if left else "")
    return f"Survival after treatment of the spinal metastasis\n({detail})"


# -- distributions ----------------------------------------------------------------------------------


def _bars(ax: Any, counts: dict[str, int], title: str, colour: str, *, top: int = 10) -> None:
    items = [(k, v) for k, v in counts.items() if v][:top]
    names = [k for k, _ in items][::-1]
    values = [v for _, v in items][::-1]
    ax.barh(range(len(names)), values, color=colour, height=0.65)
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names, fontsize=8)
    for i, v in enumerate(values):
        ax.text(v + max(values) * 0.02, i, str(v), va="center", fontsize=8)
    ax.set_xlim(0, max(values, default=1) * 1.18 + 0.5)
    ax.set_title(title, fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=7)
    ax.xaxis.get_major_locator().set_params(integer=True)


def draw_distributions(axes: Sequence[Any], records: Sequence[CaseRecord]) -> None:
    """Primary sites and treatments into two axes."""
    stats = cohort_stats(records)
    sites = {
        (label("site", k).capitalize() if k != UNKNOWN else "not stated"): v
        for k, v in stats.primary_site.items()
    }
    sites = dict(sorted(sites.items(), key=lambda kv: (kv[0] == "not stated", -kv[1], kv[0])))
    _bars(axes[0], sites, "Primary site (cases)", OKABE_ITO[0])
    treatments = dict(stats.treatment.combinations)
    _bars(axes[1], treatments, "Treatment (cases)", OKABE_ITO[2])


def distribution_figure(records: Sequence[CaseRecord]) -> Any:
    """Bar charts of the primary sites and the treatments of ``records``."""
    fig = new_figure((8.0, 3.6))
    axes = fig.subplots(1, 2)
    draw_distributions(axes, records)
    return fig


# -- everything on one page -----------------------------------------------------------------------------


def cohort_figure(records: Sequence[CaseRecord], by: str | None = None, *, title: str | None = None) -> Any:
    """Spine figure (left), Kaplan–Meier with numbers at risk (top right), distributions (bottom right)."""
    groups = _groups(records, by)
    curves = [kaplan_meier(members, name) for name, members in groups.items()]
    fig = new_figure((13.0, 9.0))
    outer = fig.add_gridspec(1, 2, width_ratios=[1.0, 2.1])
    spine_ax = fig.add_subplot(outer[0])
    counts = level_counts(records)
    with_levels = sum(1 for r in records if r.spinal_levels)
    draw_spine(spine_ax, counts, title=f"Spinal levels involved\n({with_levels} cases with levels)")
    right = outer[1].subgridspec(3, 2, height_ratios=[5, 0.6 + 0.35 * len(curves), 3.6], hspace=0.05)
    km_ax = fig.add_subplot(right[0, :])
    risk_ax = fig.add_subplot(right[1, :])
    draw_km(km_ax, risk_ax, curves, title=_km_title(records, curves))
    draw_distributions([fig.add_subplot(right[2, 0]), fig.add_subplot(right[2, 1])], records)
    fig.suptitle(title or f"Cohort of {len(records)} case{'s' if len(records) != 1 else ''}", fontsize=13)
    return fig


PLOTS = ("all", "km", "spine", "distributions")


def plot(
    records: Sequence[CaseRecord], kind: str = "all", by: str | None = None, *, title: str | None = None
) -> Any:
    """The figure ``kind`` (``all``, ``km``, ``spine``, ``distributions``) of ``records``."""
    from .spine import spine_figure

    if kind == "all":
        return cohort_figure(records, by, title=title)
    if kind == "km":
        return km_figure(records, by, title=title)
    if kind == "spine":
        return spine_figure(records, title=title)
    if kind == "distributions":
        return distribution_figure(records)
    raise FigureError(f"unknown figure {kind!r}; one of: {', '.join(PLOTS)}")
