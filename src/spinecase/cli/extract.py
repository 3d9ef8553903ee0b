"""``spinecase extract``: case records of reports, for a terminal or a file."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..api import ExtractionResult, extract_paths
from ..documents.readers import DEFAULT_MAX_BYTES
from ..records import CaseRecord
from . import app

#: ``--max-bytes``, shared by every command that reads files.
MaxBytesOption = Annotated[
    int,
    typer.Option(
        "--max-bytes", min=1, help="Refuse a file (or JSON Lines record) larger than this many bytes."
    ),
]


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"
    table = "table"


EXAMPLE = "example_report.txt"


def _example_path() -> Path:
    with resources.as_file(resources.files("spinecase.examples").joinpath(EXAMPLE)) as p:
        return Path(p)


@app.command("extract")
def extract_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, folders or glob patterns: .txt, .pdf, .html, PubMed/PMC .xml(.gz), .jsonl(.gz)."
        ),
    ] = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="jsonl: the interchange contract, one case per line; json: one array; table: for people.",
        ),
    ] = OutputFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write here instead of standard output (written whole or not at all)."
        ),
    ] = None,
    example: Annotated[
        bool, typer.Option("--example", help="Run on a built-in demonstration report.")
    ] = False,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    """Extract one evidence-linked case record per patient from case reports.

    Examples:

      spinecase extract report.txt                      # a readable table

      spinecase extract reports/ --format jsonl -o cases.jsonl

      spinecase extract --example --format json

    Files that cannot be read are reported on standard error, one line each; the others go on.
    The exit status is 1 when any file failed, 2 for bad usage.
    """
    if example:
        paths = [*(paths or []), str(_example_path())]
    if not paths:
        raise typer.BadParameter("give at least one PATH, or --example", param_hint="PATHS")
    err = Console(stderr=True)
    result = extract_paths(
        paths, progress=sys.stderr.isatty() and fmt is not OutputFormat.table, max_bytes=max_bytes
    )
    for e in result.errors:
        err.print(f"[red]error[/red] {e}", highlight=False, markup=True, soft_wrap=True)
    text = _render(result, fmt)
    if output is None:
        if fmt is OutputFormat.table:
            _print_tables(Console(), result)
        else:
            sys.stdout.write(text)
    else:
        _write_atomic(output, text if fmt is not OutputFormat.table else _table_text(result))
    if result.errors:
        raise typer.Exit(1)


def _render(result: ExtractionResult, fmt: OutputFormat) -> str:
    records = [r.to_contract() for r in result.records]
    if fmt is OutputFormat.jsonl:
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt is OutputFormat.json:
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    return ""


def _cell(record: CaseRecord, field: str) -> str:
    v = getattr(record, field)
    if v in (None, []):
        return "–"
    if field == "radiotherapy":
        parts = []
        for c in v:
            dose = f" {c.total_dose_gy:g} Gy" if c.total_dose_gy is not None else ""
            fx = f"/{c.fractions}" if c.fractions is not None else ""
            parts.append(f"{c.modality}{dose}{fx}")
        return ", ".join(parts)
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("age / sex", ("age", "sex")),
    ("histology", ("histology",)),
    ("primary site", ("primary_site",)),
    ("spinal levels", ("spinal_levels",)),
    ("other metastases", ("other_metastasis_sites",)),
    ("presentation", ("presentation",)),
    ("interval (months)", ("interval_months",)),
    ("neurological deficit", ("neurological_deficit",)),
    ("spinal surgery", ("spinal_surgery",)),
    ("radiotherapy", ("radiotherapy",)),
    ("systemic agents", ("systemic_agents",)),
    ("follow-up (months)", ("follow_up_months",)),
    ("local recurrence", ("local_recurrence",)),
    ("vital status", ("vital_status",)),
)


def _case_tables(result: ExtractionResult) -> list[Table]:
    """One two-column card per case: readable in any terminal width."""
    tables = []
    for r in result.records:
        t = Table(
            title=f"{r.document} · case {r.case}",
            title_justify="left",
            show_header=False,
            box=None,
            padding=(0, 2),
        )
        t.add_column("field", style="bold", no_wrap=True)
        t.add_column("value", overflow="fold")
        for label, fields in _ROWS:
            t.add_row(label, " ".join(_cell(r, f) for f in fields))
        tables.append(t)
    return tables


def _print_tables(console: Console, result: ExtractionResult) -> None:
    for t in _case_tables(result):
        console.print(t)
        console.print()
    console.print(f"{len(result.records)} case(s) from {result.documents} document(s)", style="dim")


def _table_text(result: ExtractionResult) -> str:
    with open(os.devnull, "w", encoding="utf-8") as sink:
        console = Console(record=True, width=100, file=sink)
        _print_tables(console, result)
        return console.export_text()


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so a failure leaves nothing half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
