"""Figures: the drawn spine shaded by count, Kaplan–Meier with numbers at risk, distributions, the
one-page cohort figure, SVG for the web app and files for the docs."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba

from spinecase.records import CaseRecord
from spinecase.review import (
    cohort_figure,
    distribution_figure,
    figure_svg,
    km_figure,
    save_figure,
    spine_figure,
)
from spinecase.review.figures import OKABE_ITO, FigureError, plot
from spinecase.review.levels import ORDER
from spinecase.review.spine import EMPTY_COLOUR, level_counts
from test_stats_cohort import load_cohort


@pytest.fixture(scope="module")
def cohort() -> list[CaseRecord]:
    return load_cohort()


def _luminance(rgba: tuple[float, ...]) -> float:
    r, g, b = rgba[:3]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_spine_is_drawn_and_shaded_by_count(cohort: list[CaseRecord]) -> None:
    fig = spine_figure(cohort)
    ax = fig.axes[0]
    patches = {p.get_gid(): p for p in ax.patches if p.get_gid()}
    assert set(patches) == {f"level-{lv}" for lv in ORDER}  # C1…C7, T1…T12, L1…L5, S1…S5, S, Co
    counts = level_counts(cohort)
    assert counts["T12"] == 3 and counts["L1"] == 2 and counts["C2"] == 1 and counts["T7"] == 0
    assert patches["level-T7"].get_facecolor() == to_rgba(EMPTY_COLOUR)
    assert patches["level-Co"].get_facecolor() == to_rgba(EMPTY_COLOUR)
    lum = {lv: _luminance(patches[f"level-{lv}"].get_facecolor()) for lv in ("C2", "L1", "T12")}
    assert lum["C2"] > lum["L1"] > lum["T12"]  # more cases, darker
    labels = {t.get_text() for t in ax.texts}
    assert {"C1", "T12", "L5", "S1", "S5", "Co"} <= labels
    assert len(fig.axes) == 2  # the column and its colour bar
    assert "cases" in fig.axes[1].get_ylabel()
    assert isinstance(fig.canvas, FigureCanvasAgg)


def test_spine_from_counts_marks_the_unspecified_sacrum() -> None:
    fig = spine_figure({"S": 4, "T1": 1})
    patches = {p.get_gid(): p for p in fig.axes[0].patches if p.get_gid()}
    assert patches["level-S"].get_facecolor() != to_rgba(EMPTY_COLOUR)
    assert patches["level-S1"].get_facecolor() == to_rgba(EMPTY_COLOUR)
    assert "S: 4" in {t.get_text() for t in fig.axes[0].texts}


def test_kaplan_meier_with_numbers_at_risk(cohort: list[CaseRecord]) -> None:
    fig = km_figure(cohort, by="surgery")
    km_ax, risk_ax = fig.axes
    legend = [t.get_text() for t in km_ax.get_legend().get_texts()]
    assert legend == [
        "surgery: yes (n=6, 4 deaths; median 12 mo)",
        "surgery: no (n=2, 0 deaths; median not reached)",
    ]
    colours = [line.get_color() for line in km_ax.get_lines() if line.get_linestyle() == "-"]
    assert colours[:2] == [OKABE_ITO[0], OKABE_ITO[1]]
    ticks = [float(t) for t in km_ax.get_xticks()]
    assert ticks[0] == 0
    at_risk = [(t.get_position()[0], t.get_text()) for t in risk_ax.texts]
    # after surgery: 3 d, 6 d, 12 d, 18 d, 30 c, 36 c; without: 24 c, 40 c
    yes = dict(at_risk[: len(ticks)])
    no = dict(at_risk[len(ticks) :])
    assert yes[0.0] == "6" and yes[10.0] == "4" and yes[20.0] == "2" and yes[40.0] == "0"
    assert no[0.0] == "2" and no[30.0] == "1"
    assert [t.get_text() for t in risk_ax.get_yticklabels()] == ["surgery: yes", "surgery: no"]
    assert "2 without follow-up or status left out" in km_ax.get_title()


def test_distributions(cohort: list[CaseRecord]) -> None:
    fig = distribution_figure(cohort)
    sites, treatments = fig.axes
    site_bars = {
        t.get_text(): p.get_width() for t, p in zip(sites.get_yticklabels(), sites.patches, strict=True)
    }
    assert site_bars["Stomach"] == 2 and site_bars["Skin"] == 1
    treatment_bars = {
        t.get_text(): p.get_width()
        for t, p in zip(treatments.get_yticklabels(), treatments.patches, strict=True)
    }
    assert treatment_bars == {
        "surgery + radiotherapy + systemic": 4,
        "radiotherapy + systemic": 3,
        "surgery + systemic": 2,
        "systemic only": 1,
    }


def test_cohort_figure_svg_and_files(cohort: list[CaseRecord], tmp_path: Path) -> None:
    fig = cohort_figure(cohort)
    assert len(fig.axes) == 6  # spine, colour bar, KM, numbers at risk, two distributions
    svg = figure_svg(fig)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "Number at risk" in svg
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        path = tmp_path / f"cohort{suffix}"
        save_figure(fig, path)
        assert path.read_bytes()[: len(magic)] == magic
    with pytest.raises(FigureError, match="use .png, .svg or .pdf"):
        save_figure(fig, tmp_path / "cohort.gif")
    with pytest.raises(FigureError, match="unknown figure"):
        plot(cohort, "pie")


def test_figures_of_an_empty_or_unfollowed_cohort() -> None:
    unfollowed = [CaseRecord(document="d", case=1, spinal_levels=["T4"])]
    for kind in ("all", "km", "spine", "distributions"):
        assert figure_svg(plot(unfollowed, kind)).count("<svg") == 1
    assert figure_svg(plot([], "all")).count("<svg") == 1
