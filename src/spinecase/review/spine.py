"""The spine figure: a drawn vertebral column, each level shaded by how many cases involve it.

The column is drawn in lateral view with matplotlib patches — vertebral bodies (rounded rectangles
growing from C1 to L5) with their spinous processes, the sacrum as five tapering segments S1–S5 and
the coccyx — along the cervical lordosis, thoracic kyphosis and lumbar lordosis. Each level is
shaded by its count with a colour-blind-safe sequential map (viridis, light for few, dark for many)
and a colour bar; a level no case involves stays light grey. ``S`` (sacrum, level not given) is a
separate box next to the sacrum. Labels C1…Co sit on the left, counts on the right.

Example::

    >>> fig = spine_figure({"T12": 2, "L4": 1, "S": 1})
    >>> sorted(p.get_gid() for p in fig.axes[0].patches if p.get_gid())[:3]
    ['level-C1', 'level-C2', 'level-C3']
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ..records import CaseRecord
from .levels import ORDER

#: Colour of a level no case involves, and of outlines.
EMPTY_COLOUR = "#eeeeee"
EDGE_COLOUR = "#555555"
COLOURMAP = "viridis_r"

# body height and width (arbitrary units) per region
_SIZE = {"C": (0.62, 1.05), "T": (0.78, 1.3), "L": (0.98, 1.75)}
_DISC = 0.16


def level_counts(records: Sequence[CaseRecord]) -> dict[str, int]:
    """Cases per level (a case counts once per level it involves)."""
    c = Counter(lv for r in records for lv in set(r.spinal_levels))
    return {lv: c.get(lv, 0) for lv in ORDER}


def _curve(y: float, total: float) -> float:
    """Horizontal offset of the column at depth ``y`` (lordosis, kyphosis, lordosis)."""
    t = y / total
    return 0.7 * math.sin(2 * math.pi * t * 1.05 + 0.3) * (0.6 + 0.4 * t)


def _norm(counts: Mapping[str, int]) -> Any:
    from matplotlib.colors import Normalize

    top = max([1, *counts.values()])
    return Normalize(vmin=0.5 if top > 1 else 0, vmax=top + 0.5 if top > 1 else 1)


def draw_spine(
    ax: Any, counts: Mapping[str, int], *, colourbar: bool = True, title: str | None = None
) -> Any:
    """Draw the column into ``ax``; returns the colour bar's mappable."""
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.patches import FancyBboxPatch, Polygon
    from matplotlib.ticker import MaxNLocator

    cmap = colormaps[COLOURMAP]
    norm = _norm(counts)

    def colour(level: str) -> Any:
        n = counts.get(level, 0)
        return cmap(norm(n)) if n else EMPTY_COLOUR

    mobile = [lv for lv in ORDER if lv[0] in "CTL" and lv != "Co"]
    total = sum(_SIZE[lv[0]][0] + _DISC for lv in mobile) + 4.2
    y = 0.0
    for lv in mobile:
        h, w = _SIZE[lv[0]]
        if lv == "C1":
            h, w = 0.42, 0.9  # the atlas: a ring, no body to speak of
        x0 = _curve(y + h / 2, total)
        ax.add_patch(
            FancyBboxPatch(
                (x0 - w / 2, -(y + h)),
                w,
                h,
                boxstyle="round,pad=0,rounding_size=0.12",
                facecolor=colour(lv),
                edgecolor=EDGE_COLOUR,
                linewidth=0.8,
                gid=f"level-{lv}",
            )
        )
        # the posterior elements: pedicle and spinous process, pointing back and down
        sp = 0.55 if lv[0] == "C" else 0.75 if lv[0] == "T" else 0.7
        px = x0 + w / 2
        ax.add_patch(
            Polygon(
                [
                    (px + 0.05, -(y + h * 0.2)),
                    (px + 0.35, -(y + h * 0.25)),
                    (px + 0.35 + sp, -(y + h * 0.75)),
                    (px + 0.3 + sp, -(y + h * 0.95)),
                    (px + 0.05, -(y + h * 0.7)),
                ],
                closed=True,
                facecolor=colour(lv),
                edgecolor=EDGE_COLOUR,
                linewidth=0.6,
                alpha=0.75,
            )
        )
        ax.text(x0 - w / 2 - 0.25, -(y + h / 2), lv, ha="right", va="center", fontsize=7.5)
        n = counts.get(lv, 0)
        ax.text(
            px + 1.25,
            -(y + h / 2),
            str(n) if n else "·",
            ha="left",
            va="center",
            fontsize=7.5,
            color="#222222" if n else "#999999",
        )
        y += h + _DISC
    # sacrum: five tapering segments, S1 widest
    top_w, bottom_w = 1.9, 0.7
    seg_h = 0.52
    for i in range(5):
        lv = f"S{i + 1}"
        w_top = top_w - (top_w - bottom_w) * i / 5
        w_bot = top_w - (top_w - bottom_w) * (i + 1) / 5
        x_top = _curve(y, total) + 0.25 * i
        x_bot = _curve(y + seg_h, total) + 0.25 * (i + 1)
        ax.add_patch(
            Polygon(
                [
                    (x_top - w_top / 2, -y),
                    (x_top + w_top / 2, -y),
                    (x_bot + w_bot / 2, -(y + seg_h)),
                    (x_bot - w_bot / 2, -(y + seg_h)),
                ],
                closed=True,
                facecolor=colour(lv),
                edgecolor=EDGE_COLOUR,
                linewidth=0.8,
                gid=f"level-{lv}",
            )
        )
        ax.text(x_top - w_top / 2 - 0.25, -(y + seg_h / 2), lv, ha="right", va="center", fontsize=7.5)
        n = counts.get(lv, 0)
        ax.text(
            x_top + w_top / 2 + 1.0,
            -(y + seg_h / 2),
            str(n) if n else "·",
            ha="left",
            va="center",
            fontsize=7.5,
            color="#222222" if n else "#999999",
        )
        if i == 1:
            sac_y, sac_x = y, x_top + w_top / 2
        y += seg_h
    # sacrum, level not given: a box beside the sacrum
    ax.add_patch(
        FancyBboxPatch(
            (sac_x + 1.85, -(sac_y + 0.8)),
            1.0,
            0.8,
            boxstyle="round,pad=0,rounding_size=0.1",
            facecolor=colour("S"),
            edgecolor=EDGE_COLOUR,
            linewidth=0.8,
            linestyle="--",
            gid="level-S",
        )
    )
    n = counts.get("S", 0)
    ax.text(sac_x + 2.35, -(sac_y + 0.4), f"S: {n}" if n else "S", ha="center", va="center", fontsize=7.5)
    ax.text(
        sac_x + 2.35,
        -(sac_y + 0.95),
        "sacrum,\nlevel not given",
        ha="center",
        va="top",
        fontsize=6.5,
        color="#444444",
    )
    # coccyx
    x_c = _curve(y, total) + 1.35
    ax.add_patch(
        Polygon(
            [(x_c - 0.35, -y - 0.05), (x_c + 0.35, -y - 0.05), (x_c + 0.2, -(y + 0.75))],
            closed=True,
            facecolor=colour("Co"),
            edgecolor=EDGE_COLOUR,
            linewidth=0.8,
            gid="level-Co",
        )
    )
    ax.text(x_c - 0.6, -(y + 0.35), "Co", ha="right", va="center", fontsize=7.5)
    n = counts.get("Co", 0)
    ax.text(
        x_c + 1.2,
        -(y + 0.35),
        str(n) if n else "·",
        ha="left",
        va="center",
        fontsize=7.5,
        color="#222222" if n else "#999999",
    )
    y += 0.9
    ax.set_xlim(-2.6, 5.4)
    ax.set_ylim(-(y + 0.3), 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    mappable = ScalarMappable(norm=norm, cmap=cmap)
    if colourbar:
        bar = ax.figure.colorbar(mappable, ax=ax, fraction=0.05, pad=0.02, shrink=0.5)
        bar.set_label("cases with a metastasis at the level", fontsize=8)
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()
        bar.ax.tick_params(labelsize=7)
    return mappable


def spine_figure(data: Sequence[CaseRecord] | Mapping[str, int], *, title: str | None = None) -> Any:
    """A figure of the drawn column (from records, or from ``{level: count}``)."""
    from .figures import new_figure

    counts = dict(data) if isinstance(data, Mapping) else level_counts(data)
    cases = None if isinstance(data, Mapping) else sum(1 for r in data if r.spinal_levels)
    fig = new_figure((4.2, 8.6))
    ax = fig.add_subplot()
    heading = title or (
        f"Spinal levels involved ({cases} case{'s' if cases != 1 else ''} with levels)"
        if cases is not None
        else "Spinal levels involved"
    )
    draw_spine(ax, counts, title=heading)
    return fig
