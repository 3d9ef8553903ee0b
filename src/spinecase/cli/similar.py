"""``spinecase similar``: the published cases most like a patient, what was done and how they fared."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..registry import RegistryError
from . import app
from .db import DbOption, fail, open_db


class Format(StrEnum):
    table = "table"
    json = "json"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items()) or "—"


def _print_table(result: object, console: Console) -> None:
    from ..search import SimilarResult

    assert isinstance(result, SimilarResult)
    facts = result.query.facts()
    console.print(
        "[bold]query[/bold]: "
        + escape(
            " · ".join(
                f"{k}={v if not isinstance(v, list) else ','.join(map(str, v))}" for k, v in facts.items()
            )
        )
    )
    for note in result.query.notes:
        console.print(f"[yellow]note[/yellow]: {escape(note)}")
    table = Table(show_lines=False, expand=True)
    for col, kw in (
        ("#", {"justify": "right"}),
        ("case", {}),
        ("source", {}),
        ("score", {"justify": "right"}),
        ("struct", {"justify": "right"}),
        ("bm25", {"justify": "right"}),
        ("why", {"ratio": 3}),
    ):
        table.add_column(col, **kw)
    for h in result.hits:
        doc = h.case.document
        source = " ".join(str(p) for p in (doc.first_author, doc.year) if p) or doc.key
        table.add_row(
            str(h.rank),
            f"{h.case_id} ({escape(doc.key)}#{h.case.record.case})",
            escape(source),
            f"{h.score:.4f}",
            str(h.structured_rank or "—"),
            str(h.bm25_rank or "—"),
            escape(h.why),
        )
    console.print(table)
    a = result.aggregate
    console.print(f"[bold]over these {a.n} cases[/bold]")
    console.print(f"  spinal surgery: {a.n_surgery} ({escape(_counts(a.surgery))})")
    console.print(f"  radiotherapy:   {a.n_radiotherapy} ({escape(_counts(a.radiotherapy))})")
    console.print(f"  systemic:       {a.n_systemic} ({escape(_counts(a.systemic))})")
    console.print(f"  local recurrence: {escape(_counts(a.local_recurrence))}")
    console.print(f"  vital status:     {escape(_counts(a.vital_status))}")
    s = a.survival
    if s.median_months is not None:
        console.print(
            f"  median overall survival (Kaplan–Meier): {s.median_months:g} months "
            f"({s.n_deaths} deaths, {s.n_follow_up} followed up)"
        )
    else:
        console.print(f"  median overall survival: not estimated — {escape(s.reason or '')}")
    console.print(
        f"[dim]searched {result.index_size} cases in {result.seconds * 1000:.0f} ms ({result.mode})[/dim]"
    )


@app.command("similar")
def similar_command(
    text: Annotated[
        str | None,
        typer.Option("--text", "-t", help="Free-text description of the patient.", show_default=False),
    ] = None,
    case: Annotated[
        str | None,
        typer.Option(
            "--case", "-c", help="A registry case as the query: id or DOCUMENT#N.", show_default=False
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, max=1000, help="How many similar cases.")] = 10,
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
    mode: Annotated[
        str, typer.Option("--mode", help="Ranking: fused (default), structured or bm25 alone.")
    ] = "fused",
) -> None:
    """Find the published patients most like yours, what was done to them and how they fared.

    The description goes through the same extractor as the published reports, so both its facts
    (histology, primary site, levels, other metastases, deficit, age, timing) and its words count.

    Examples:

      spinecase similar --text "61-year-old man, GIST metastases at T12 and L4, liver metastases"

      spinecase similar --case 42 --top 5 --format json

      spinecase similar --text "54 yo F, RCC mets T10-L2, cord compression" --db registry.db
    """
    if (text is None) == (case is None):
        fail("give either --text or --case (not both)")
    from ..search import MODES, search_similar

    if mode not in MODES:
        fail(f"--mode must be one of: {', '.join(MODES)}")
    err = Console(stderr=True)
    with (
        open_db(db) as reg,
        Progress(
            TextColumn("indexing cases"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar,
    ):
        task = bar.add_task("index", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            result = search_similar(reg, text=text, case=case, top=top, mode=mode, progress=progress)  # type: ignore[arg-type]
        except RegistryError as exc:
            fail(str(exc))
    if fmt == Format.json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_table(result, Console(highlight=False, width=160 if not Console().is_terminal else None))
