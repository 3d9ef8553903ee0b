"""``spinecase cases scores ID``: every clinical score a stored case supports, and what is missing."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from ..registry import get_case
from ..scores import from_case
from .cases import CaseRef, cases_app
from .db import DbOption, open_db
from .score import render_card


class Format(StrEnum):
    table = "table"
    json = "json"


@cases_app.command("scores")
def case_scores_command(
    case: CaseRef,
    db: DbOption = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table: one card per score; json: a list.")
    ] = Format.table,
) -> None:
    """Compute every score the case record supports; inputs it lacks are listed as missing.

    Inputs come from the record: the spinal level gives the SINS location, histology and site the
    primary-tumour classes, levels and other sites the count of bone and visceral metastases, the
    extracted tumour size and mitoses the GIST risk, Frankel/ASIA, KPS or ECOG (never converted
    silently), Bilsky grade and pain type.

    Examples:

      spinecase cases scores 12

      spinecase cases scores "PMC6358589#1" --format json
    """
    with open_db(db) as reg, reg.session() as session:
        record = get_case(session, case).record
    results = from_case(record)
    if fmt is Format.json:
        typer.echo(json.dumps([r.to_json_dict() for r in results], indent=2, ensure_ascii=False))
        return
    console = Console()
    for result in results:
        render_card(result, console)
        console.print()
