"""``spinecase ingest``: read, extract and store reports in the registry, with progress and a summary."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ..documents.readers import DEFAULT_MAX_BYTES
from ..registry import IngestOptions, IngestSummary, Registry, RegistryError, display_url, ingest
from . import app
from .db import DbOption, err, open_db
from .extract import MaxBytesOption

#: Failures listed on the terminal; all of them stay in the ingest run (``spinecase db runs``).
SHOWN_FAILURES = 20


def run_ingest(paths: list[str], reg: Registry, options: IngestOptions, quiet: bool = False) -> IngestSummary:
    """Ingest with a Rich progress bar on standard error (rate and ETA), then print the summary."""
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("ingest"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[docs]:,} documents · {task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    )
    bar = progress.add_task("ingest", total=None, docs=0, rate=0.0)

    def update(s: IngestSummary) -> None:
        progress.update(bar, total=s.bytes_total or None, completed=s.bytes_done, docs=s.read, rate=s.rate)

    try:
        with progress:
            summary = ingest(paths, reg, options, progress=update)
    except KeyboardInterrupt:
        err.print(
            "interrupted: every document stored so far is complete; run the same command again to finish."
        )
        raise typer.Exit(130) from None
    except RegistryError as exc:  # the registry could not be written (disk full, server gone)
        err.print(f"[red]error[/red]: {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    if not quiet:
        print_summary(summary, display_url(reg.url))
    return summary


def print_summary(s: IngestSummary, where: str) -> None:
    err.print(
        f"ingested into {where} in {s.seconds:.1f} s ({s.rate:,.0f} documents/s, extractor {s.extractor_version})"
    )
    counts = [("read", s.read), ("new", s.new), ("updated", s.updated), ("merged", s.merged)]
    counts += [("unchanged", s.unchanged), ("skipped", s.skipped), ("failed", s.failed)]
    err.print(
        "  " + "  ".join(f"{name} {n:,}" for name, n in counts if n or name in ("read", "new", "failed"))
    )
    for failure in s.failures[:SHOWN_FAILURES]:
        err.print(f"  [red]failed[/red] {failure}", soft_wrap=True, markup=True)
    if s.failed > SHOWN_FAILURES:
        err.print(f"  … and {s.failed - SHOWN_FAILURES:,} more: spinecase db runs --failures {s.run_id}")


@app.command("ingest")
def ingest_command(
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders or glob patterns (any format `extract` reads).")
    ],
    db: DbOption = None,
    workers: Annotated[
        int,
        typer.Option("--workers", "-w", min=1, help="Local processes that read and extract (one writer)."),
    ] = 1,
    dask: Annotated[
        str | None,
        typer.Option("--dask", help="Dask scheduler address (tcp://host:8786) to read and extract on."),
    ] = None,
    publication_type: Annotated[
        str | None,
        typer.Option(
            "--publication-type", help='Keep only documents of this PubMed type, e.g. "Case Reports".'
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-extract texts already stored with this extractor version.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
) -> None:
    """Read, extract and store case reports in the registry; safe to run again at any time.

      spinecase ingest reports/ pubmed/*.xml.gz

      spinecase ingest baseline/ --workers 8 --publication-type "Case Reports" --db postgresql+psycopg://…

    The same article arriving again (same file, another format of it, the same DOI/PMID/PMCID, or the
    same words) is stored once. Texts already stored with the current extractor version are skipped
    before extraction. Exit status 1 when any input failed.
    """
    options = IngestOptions(
        workers=workers, dask=dask, force=force, publication_type=publication_type, max_bytes=max_bytes
    )
    with open_db(db) as reg:
        summary = run_ingest(paths, reg, options, quiet=quiet)
    if summary.failed:
        raise typer.Exit(1)
