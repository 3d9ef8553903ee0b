"""``spinecase extract``: case records of reports, for a terminal or a file."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..api import ExtractionResult, extract_paths
from ..records import CaseRecord
from . import app


class OutputFormat(str, Enum):
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
        typer.Argument(help="Files, folders or glob patterns: .txt, .pdf, .html, PubMed/PMC .xml(.gz), .jsonl(.gz)."),
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="jsonl: the interchange contract, one case per line; json: one array; table: for people.")
    ] = OutputFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of standard output (written whole or not at all).")] = None,
    example: Annotated[bool, typer.Option("--example", help="Run on a built-in demonstration report.")] = False,
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
    result = extract_paths(paths, progress=sys.stderr.isatty() and fmt is not OutputFormat.table)
    for e in result.errors:
        err.print(f"[red]error[/red] {e}", highlight=False, markup=True, soft_wrap=True)
    text = _render(result, fmt)
    if output is None:
        if fmt is OutputFormat.table:
            _print_table(result)
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


def _build_table(result: ExtractionResult) -> Table:
    table = Table(title=f"{len(result.records)} case(s) from {result.documents} document(s)", show_lines=True)
    for col in ("document", "case", "age/sex", "tumour", "levels", "other sites", "timing", "treatment", "outcome"):
        table.add_column(col, overflow="fold")
    for r in result.records:
        timing = _cell(r, "presentation")
        if r.interval_months is not None:
            timing += f", {r.interval_months:g} mo"
        treatment = "\n".join(
            f"{label}: {_cell(r, f)}" for label, f in (("surgery", "spinal_surgery"), ("RT", "radiotherapy"), ("drugs", "systemic_agents"))
            if getattr(r, f)
        ) or "–"
        outcome = "\n".join(
            x
            for x in (
                f"deficit: {_cell(r, 'neurological_deficit')}",
                f"follow-up: {_cell(r, 'follow_up_months')} mo",
                f"recurrence: {_cell(r, 'local_recurrence')}",
                f"status: {_cell(r, 'vital_status')}",
            )
        )
        table.add_row(
            r.document,
            str(r.case),
            f"{_cell(r, 'age')} {_cell(r, 'sex')}",
            f"{_cell(r, 'histology')}\n{_cell(r, 'primary_site')}",
            _cell(r, "spinal_levels"),
            _cell(r, "other_metastasis_sites"),
            timing,
            treatment,
            outcome,
        )
    return table


def _print_table(result: ExtractionResult) -> None:
    Console().print(_build_table(result))


def _table_text(result: ExtractionResult) -> str:
    console = Console(record=True, width=160, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(_build_table(result))
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
