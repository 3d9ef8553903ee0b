"""``spinecase cases``: list, show, curate and export the registry's cases."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..registry import (
    CaseFilter,
    case_detail,
    count_cases,
    export_cases,
    history,
    iter_cases,
    set_value,
)
from . import app
from .db import DbOption, err, open_db

cases_app = typer.Typer(help="List, show, curate and export the registry's cases.", no_args_is_help=True)
app.add_typer(cases_app, name="cases")

Histology = Annotated[str | None, typer.Option("--histology", help="Histology code, e.g. gist.")]
Site = Annotated[str | None, typer.Option("--site", help="Primary site code, e.g. rectum.")]
Level = Annotated[str | None, typer.Option("--level", help="A vertebral level with metastasis, e.g. T12.")]
Region = Annotated[
    str | None,
    typer.Option(
        "--region",
        help="cervical (C1-C7), thoracic (T1-T12), lumbar (L1-L5), sacral (S1-S5, S) or coccygeal.",
    ),
]
Text = Annotated[
    str | None, typer.Option("--text", help='Full-text query on the documents: words and "phrases".')
]
Document = Annotated[str | None, typer.Option("--document", help="Only cases of this document key.")]
CaseRef = Annotated[str, typer.Argument(help="Case id (from `cases list`) or DOCUMENT#N.")]


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    jsonl = "jsonl"


def case_filter(
    histology: str | None,
    site: str | None,
    level: str | None,
    region: str | None,
    text: str | None,
    document: str | None,
) -> CaseFilter:
    """The :class:`CaseFilter` of the common filter options (shared by ``cases``, ``review`` and ``stats``)."""
    return CaseFilter(
        histology=histology, site=site, level=level, region=region, text=text, document=document
    )


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(_show(v) if not isinstance(v, dict) else json.dumps(v) for v in value) or "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@cases_app.command("list")
def list_command(
    db: DbOption = None,
    histology: Histology = None,
    site: Site = None,
    level: Level = None,
    region: Region = None,
    text: Text = None,
    document: Document = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most this many.")] = 50,
) -> None:
    """List cases as a table (curated values are marked *).

    spinecase cases list --histology gist --region lumbar

    spinecase cases list --text "en bloc" --site rectum
    """
    flt = case_filter(histology, site, level, region, text, document)
    with open_db(db) as reg, reg.session() as s:
        total = count_cases(s, flt)
        rows = list(iter_cases(s, flt, limit=limit))
    table = Table(
        "id", "document", "#", "age", "sex", "histology", "primary site", "levels", "first author", "year"
    )
    for c in rows:
        r, mark = c.record, (lambda f, c=c: "*" if f in c.curated_fields else "")
        table.add_row(
            str(c.case_id),
            escape(c.document.key),
            str(r.case) + (" (lit.)" if c.secondary else ""),
            _show(r.age) + mark("age"),
            _show(r.sex) + mark("sex"),
            _show(r.histology) + mark("histology"),
            _show(r.primary_site) + mark("primary_site"),
            _show(r.spinal_levels) + mark("spinal_levels"),
            escape(c.document.first_author or "—"),
            _show(c.document.year),
        )
    Console().print(table)
    err.print(f"{len(rows)} of {total} case(s)" + (f"; --limit {limit} reached" if total > len(rows) else ""))


@cases_app.command("show")
def show_command(ref: CaseRef, db: DbOption = None) -> None:
    """Show a case: every value, where it came from, and the sentences that support it."""
    with open_db(db) as reg, reg.session() as s:
        detail = case_detail(s, ref)
    c, doc = detail.case, detail.case.document
    out = Console()
    out.print(
        f"[bold]case {c.case_id}[/bold]: case {c.record.case} of document {escape(doc.key)}"
        + (f" (literature table, cited as {escape(c.cited_by or '?')})" if c.secondary else "")
    )
    out.print(f"  {escape(doc.title or '(no title)')}")
    ids = ", ".join(f"{k} {v}" for k, v in (("doi", doc.doi), ("pmid", doc.pmid), ("pmcid", doc.pmcid)) if v)
    meta = "; ".join(
        x
        for x in (
            ", ".join(doc.authors[:3]) + (" et al." if len(doc.authors) > 3 else ""),
            doc.journal or "",
            str(doc.year or ""),
            ids,
        )
        if x
    )
    if meta:
        out.print(f"  {escape(meta)}")
    out.print(f"  sources: {escape(', '.join(detail.sources))}")
    table = Table("field", "value", "origin", "evidence", show_lines=True)
    for f in detail.fields:
        origin = (
            "[yellow]curated[/yellow]"
            if f.origin == "curator"
            else f"extractor {escape(f.extractor_version or '')}"
        )
        quotes = "\n".join(f"“{escape(q)}”" for q in f.quotes) or "—"
        table.add_row(f.field, escape(_show(f.value)), origin, quotes)
    out.print(table)


@cases_app.command("set")
def set_command(
    ref: CaseRef,
    field: Annotated[str, typer.Argument(help="A contract field (age, spinal_levels…) or clinical.<name>.")],
    value: Annotated[
        str, typer.Argument(help='The value: JSON, or comma-separated codes for lists; "null" clears.')
    ],
    by: Annotated[str, typer.Option("--by", help="Who makes the change (kept in the audit trail).")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why (kept in the audit trail).")] = None,
    evidence: Annotated[
        str | None,
        typer.Option("--evidence", help="Supporting spans of the document text: START:END[,START:END]."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Correct a value of a case; later ingests never overwrite it.

    spinecase cases set 12 spinal_levels T11,T12 --by "A. Curator" --reason "T11 named in the MRI report"

    spinecase cases set 12 radiotherapy '[{"modality": "srs", "total_dose_gy": 24, "fractions": 3}]' --by ac
    """
    with open_db(db) as reg, reg.write() as s:
        edit = set_value(s, ref, field, value, curator=by, reason=reason, evidence=evidence)
    err.print(
        f"case {edit.case_id}: {edit.field} {_show(edit.old_value)} → {_show(edit.new_value)} (by {edit.curator})"
    )


@cases_app.command("history")
def history_command(ref: CaseRef, db: DbOption = None) -> None:
    """Show the curators' changes to a case, oldest first."""
    with open_db(db) as reg, reg.session() as s:
        edits = history(s, ref)
    table = Table("when", "who", "field", "old", "new", "reason")
    for e in edits:
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            escape(e.curator),
            e.field,
            escape(_show(e.old_value)),
            escape(_show(e.new_value)),
            escape(e.reason or ""),
        )
    Console().print(table)
    if not edits:
        err.print("no curator edits")


@cases_app.command("export")
def export_command(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="jsonl: the interchange contract; csv, xlsx: tables."),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (standard output if omitted; xlsx needs one)."),
    ] = None,
    db: DbOption = None,
    histology: Histology = None,
    site: Site = None,
    level: Level = None,
    region: Region = None,
    text: Text = None,
    document: Document = None,
    include_secondary: Annotated[
        bool | None,
        typer.Option(
            "--include-secondary/--no-secondary",
            help="Literature-table cases (default: not in jsonl, in tables).",
        ),
    ] = None,
) -> None:
    """Export cases, curated values applied.

    spinecase cases export --format jsonl -o cases.jsonl     # score with score_cases.py

    spinecase cases export --histology gist --format xlsx -o gist.xlsx
    """
    flt = case_filter(histology, site, level, region, text, document)
    with open_db(db) as reg, reg.session() as s:
        n = export_cases(
            s,
            flt,
            fmt.value,
            output if output is not None else sys.stdout,
            include_secondary=include_secondary,
        )
    err.print(f"exported {n} case(s)" + (f" to {output}" if output else ""))
