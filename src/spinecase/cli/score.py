"""``spinecase score NAME --input JSON|@file``: compute one clinical score and print it.

One sub-command per score; ``spinecase score NAME --help`` lists its inputs with their allowed values
and points. The result is one JSON object (``--format json``, the default) or a readable card
(``--format table``). Invalid JSON or an invalid input prints one line on stderr and exits with 2.

Example::

    $ spinecase score tomita --input '{"primary_growth": "slow", "visceral_mets": "none", "bone_mets": "solitary"}'
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..scores import SCORES, ScoreInputError, ScoreResult, compute, help_text, input_specs, score_spec
from . import app

EXIT_INVALID = 2

score_app = typer.Typer(
    name="score",
    help=(
        "Compute a clinical score (SINS, Tokuhashi, Tomita, Bauer, NESMS, ESCC, NOMS, GIST risk) from JSON "
        "inputs. Missing inputs give the range of totals still possible. "
        "See `spinecase score NAME --help` for a score's inputs."
    ),
    no_args_is_help=True,
)
app.add_typer(
    score_app,
    name="score",
    short_help="Compute a clinical score from JSON inputs (SINS, Tokuhashi, Tomita, Bauer, NESMS, ESCC, NOMS, GIST risk).",
)


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(EXIT_INVALID)


def read_inputs(name: str, text: str) -> dict[str, Any]:
    """The JSON object of ``--input``: inline JSON, ``@path`` for a file, or ``@-`` for stdin."""
    source = "--input"
    if text.startswith("@"):
        path = text[1:]
        source = path
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except OSError as e:
            _fail(f"spinecase score {name}: cannot read {path}: {e.strerror or e}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        _fail(
            f"spinecase score {name}: invalid JSON in {source}: {e.msg} (line {e.lineno}, column {e.colno})"
        )
    if not isinstance(data, dict):
        _fail(
            f"spinecase score {name}: {source} must be a JSON object of input keys, got {type(data).__name__}"
        )
    return data


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render_card(result: ScoreResult, console: Console) -> None:
    """A readable card: one row per input (value and points), then the total, range and category."""
    spec = score_spec(result.score)
    additive = result.possible_range is not None
    console.print(f"[bold]{escape(spec.title)}[/bold]")
    table = Table(show_lines=False)
    table.add_column("Item")
    table.add_column("Value")
    if additive:
        table.add_column("Points", justify="right")
    for item in input_specs(result.score):
        key = item.key
        if key in result.inputs:
            value = _value_text(result.inputs[key])
        elif key in result.ambiguous:
            value = "one of " + ", ".join(_value_text(v) for v in result.ambiguous[key].candidates)
        elif item.alternative_to or not (item.scored or key in result.missing):
            continue
        else:
            value = "missing"
        if key in result.items:
            points = str(result.items[key])
        elif key in result.ambiguous and result.ambiguous[key].points:
            points = " or ".join(str(p) for p in result.ambiguous[key].points)
        elif item.scored:
            points = "?"
        else:
            points = ""
        table.add_row(escape(key), escape(value), *([points] if additive else []))
    console.print(table)
    data = result.to_json_dict()
    lines: list[tuple[str, Any]] = []
    if result.possible_range is not None:
        lines.append(("Total", result.total if result.total is not None else "incomplete"))
        lines.append(("Possible range", f"{result.possible_range[0]}-{result.possible_range[1]}"))
    lines.append(("Category", result.category if result.category is not None else "undecided"))
    lines += [(key.replace("_", " ").capitalize(), data[key]) for key in result.extra_keys()]
    if result.missing:
        lines.append(("Missing", ", ".join(result.missing)))
    for label, value in lines:
        shown = "undecided" if value is None else _value_text(value)
        if isinstance(value, list):
            shown = "-".join(str(v) for v in value)
        console.print(f"[bold]{escape(label)}:[/bold] {escape(shown)}")
    for note in result.notes:
        console.print(f"[dim]- {escape(note)}[/dim]")


def _make_command(name: str) -> Any:
    def command(
        input: Annotated[
            str,
            typer.Option(
                "--input",
                "-i",
                help="The inputs as a JSON object, @FILE for a JSON file, or @- for stdin.",
            ),
        ] = "{}",
        format: Annotated[
            OutputFormat, typer.Option("--format", "-f", help="json (one object) or table (a card).")
        ] = OutputFormat.json,
    ) -> None:
        data = read_inputs(name, input)
        try:
            result = compute(name, data)
        except ScoreInputError as e:
            _fail(f"spinecase score: {e}")
        if format is OutputFormat.table:
            render_card(result, Console(highlight=False))
        else:
            typer.echo(json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False))

    command.__name__ = f"score_{name}"
    return command


for _name in SCORES:
    # The root app renders help as Rich markup: escape the brackets of "[points: ...]".
    score_app.command(_name, help=escape(help_text(_name)), short_help=score_spec(_name).title)(
        _make_command(_name)
    )
