"""``spinecase pubmed search``: find case reports in PubMed, save their XML, optionally ingest them."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..registry import IngestOptions, RegistryError
from ..registry.pubmed import ENV_API_KEY, fetch_pubmed
from . import app
from .db import DbOption, err, fail, open_db
from .ingest import run_ingest

pubmed_app = typer.Typer(help="Search PubMed through NCBI E-utilities.", no_args_is_help=True)
app.add_typer(pubmed_app, name="pubmed")


@pubmed_app.command("search")
def search_command(
    query: Annotated[
        str, typer.Argument(help='A PubMed query, e.g. "spinal metastasis\\[tiab] AND case reports\\[pt]".')
    ],
    max_records: Annotated[int, typer.Option("--max", min=1, help="Fetch at most this many records.")] = 100,
    ingest: Annotated[
        bool, typer.Option("--ingest", help="Store the fetched records in the registry.")
    ] = False,
    save: Annotated[
        Path | None,
        typer.Option("--save", help="Keep the fetched PubMed XML in this folder (one file per batch)."),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option("--api-key", envvar=ENV_API_KEY, help="NCBI API key: 10 requests/s instead of 3."),
    ] = None,
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Processes for --ingest.")] = 1,
) -> None:
    """Search PubMed, fetch the records (XML, in batches) and list them — or ingest them.

      spinecase pubmed search "spinal metastasis\\[tiab] AND case reports\\[pt]" --max 500 --ingest

    The E-utilities address can be changed with SPINECASE_EUTILS_URL (e.g. a mirror or a test server).
    """
    with tempfile.TemporaryDirectory(prefix="spinecase-pubmed-") as tmp:
        folder = save or (Path(tmp) if ingest else None)
        try:
            fetched = fetch_pubmed(query, max_records=max_records, api_key=api_key, save_to=folder)
        except RegistryError as exc:
            fail(str(exc), code=1)
        err.print(f"PubMed: {fetched.count:,} record(s) match; fetched {len(fetched.articles):,}")
        if not ingest:
            table = Table("pmid", "year", "journal", "title")
            for a in fetched.articles:
                table.add_row(a.pmid, a.year, escape(a.journal), escape(a.title))
            Console().print(table)
            if save is not None:
                err.print(f"saved {len(fetched.files)} file(s) in {save}")
            return
        if not fetched.files:
            return
        with open_db(db) as reg:
            summary = run_ingest([str(p) for p in fetched.files], reg, IngestOptions(workers=workers))
    if summary.failed:
        raise typer.Exit(1)
