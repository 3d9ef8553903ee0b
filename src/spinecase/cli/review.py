"""``spinecase review`` and ``spinecase stats``: literature-review tables, cohort statistics, figures."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..registry import CaseFilter
from . import app
from .cases import Document, Histology, Level, Region, Site, Text, case_filter
from .db import DbOption, err, fail, open_db

IncludeSecondary = Annotated[
    bool,
    typer.Option(
        "--include-secondary/--primary-only",
        help="Also cases known only from the literature tables of other papers (marked †; merged with "
        "their primary report when it is in the registry).",
    ),
]


class ReviewFormat(StrEnum):
    md = "md"
    csv = "csv"
    xlsx = "xlsx"
    docx = "docx"
    html = "html"
    tex = "tex"


class StatsFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"


class Plot(StrEnum):
    all = "all"
    km = "km"
    spine = "spine"
    distributions = "distributions"


def _describe(flt: CaseFilter) -> str:
    parts = [
        f"{name} {value}"
        for name, value in (
            ("histology", flt.histology),
            ("site", flt.site),
            ("level", flt.level),
            ("region", flt.region),
            ("text", flt.text and f'"{flt.text}"'),
            ("document", flt.document),
        )
        if value
    ]
    return ", ".join(parts)


@app.command("review")
def review_command(
    fmt: Annotated[
        ReviewFormat | None,
        typer.Option(
            "--format", "-f", help="md, csv, xlsx, docx, html or tex [default: from --output, else md]."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write (standard output for md/csv/html/tex if omitted)."
        ),
    ] = None,
    db: DbOption = None,
    histology: Histology = None,
    site: Site = None,
    level: Level = None,
    region: Region = None,
    text: Text = None,
    document: Document = None,
    include_secondary: IncludeSecondary = False,
    caption: Annotated[
        str | None, typer.Option("--caption", help="Table caption [default: generated].")
    ] = None,
) -> None:
    """Write a literature-review table: one row per case, as papers print them.

    spinecase review --histology gist --format docx -o gist-review.docx

    spinecase review --region lumbar --include-secondary -o lumbar.xlsx
    """
    from ..review.source import review_cases
    from ..review.table import review_table
    from ..review.writers import TEXT_FORMATS, WriterError, format_of, render_text, write_table

    chosen = fmt.value if fmt else (format_of(output) if output else "md")
    if chosen is None:
        fail(f"cannot tell the format from {output}; give --format md|csv|xlsx|docx|html|tex")
    if output is None and chosen not in TEXT_FORMATS:
        fail(f"--format {chosen} needs an output file (--output FILE.{chosen})")
    flt = case_filter(histology, site, level, region, text, document)
    with open_db(db) as reg, reg.session() as s:
        cases = review_cases(s, flt, include_secondary=include_secondary)
    table = review_table(cases, caption=caption, histology=histology)
    try:
        if output is None:
            sys.stdout.write(render_text(table, chosen))
        else:
            write_table(table, chosen, output)
    except WriterError as exc:
        fail(str(exc))
    secondary = sum(1 for c in cases if c.secondary)
    where = f" ({_describe(flt)})" if _describe(flt) else ""
    err.print(
        f"{len(cases)} case(s){where}"
        + (f", {secondary} from literature tables" if include_secondary else "")
        + (f" written to {output}" if output else "")
    )


@app.command("stats")
def stats_command(
    db: DbOption = None,
    histology: Histology = None,
    site: Site = None,
    level: Level = None,
    region: Region = None,
    text: Text = None,
    document: Document = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Compare groups (Kaplan–Meier per group, log-rank test): sex, histology, primary_site, "
            "presentation, region, treatment, surgery, radiotherapy, systemic, neurological_deficit, "
            "local_recurrence, age_group, source.",
        ),
    ] = None,
    fmt: Annotated[
        StatsFormat, typer.Option("--format", "-f", help="table (terminal), json or md.")
    ] = StatsFormat.table,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Also draw the figures into FILE.png, .svg or .pdf."),
    ] = None,
    figure: Annotated[
        Plot,
        typer.Option(
            "--figure", help="Which figure --plot draws: all (one page), km, spine or distributions."
        ),
    ] = Plot.all,
    include_secondary: IncludeSecondary = False,
) -> None:
    """Cohort statistics: age, sex, timing, levels, treatment, outcome and survival.

    spinecase stats --histology gist

    spinecase stats --by surgery --format json

    spinecase stats --region thoracic --plot cohort.png
    """
    from ..review.cohort import stats_records
    from ..review.render import to_json, to_markdown, to_rich
    from ..review.source import review_cases
    from ..review.stats import GROUPINGS, cohort_stats

    if by is not None and by not in GROUPINGS:
        fail(f"cannot group by {by!r}; one of: {', '.join(GROUPINGS)}")
    flt = case_filter(histology, site, level, region, text, document)
    with open_db(db) as reg, reg.session() as s:
        cases = review_cases(s, flt, include_secondary=include_secondary)
    records = stats_records(cases)
    stats = cohort_stats(records, by)
    title = f"Cohort statistics ({_describe(flt)})" if _describe(flt) else "Cohort statistics"
    if fmt == StatsFormat.json:
        sys.stdout.write(to_json(stats, filters={k: v for k, v in _filter_dict(flt).items() if v}) + "\n")
    elif fmt == StatsFormat.md:
        sys.stdout.write(to_markdown(stats, title))
    else:
        Console(width=max(120, Console().width)).print(to_rich(stats, title))
    if plot is not None:
        from ..review.figures import FigureError, save_figure
        from ..review.figures import plot as draw

        try:
            save_figure(draw(records, figure.value, by), plot)
        except FigureError as exc:
            fail(str(exc))
        err.print(f"figure written to {plot}")
    if stats.survival.n < stats.n:
        left = stats.n - stats.survival.n
        err.print(f"survival: {left} case(s) without follow-up time or vital status left out")


def _filter_dict(flt: CaseFilter) -> dict[str, str | None]:
    return {
        "histology": flt.histology,
        "site": flt.site,
        "level": flt.level,
        "region": flt.region,
        "text": flt.text,
        "document": flt.document,
    }
