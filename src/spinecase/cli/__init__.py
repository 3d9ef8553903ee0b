"""The ``spinecase`` command line: thin wrappers over the library (parse → one call → format).

Each command group lives in its own module and registers itself on :data:`app`.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="spinecase",
    help=(
        "Turn published case reports of spinal metastases into an evidence-linked registry.\n\n"
        "Start with `spinecase extract REPORT.txt` to see the case records of a report, or "
        "`spinecase extract --example` for a built-in demonstration report."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command modules register themselves on import (order = order in --help).
from . import case_scores as _case_scores  # noqa: E402,F401
from . import cases as _cases  # noqa: E402,F401
from . import db as _db  # noqa: E402,F401
from . import extract as _extract  # noqa: E402,F401
from . import ingest as _ingest  # noqa: E402,F401
from . import pubmed as _pubmed  # noqa: E402,F401
from . import review as _review  # noqa: E402,F401
from . import score as _score  # noqa: E402,F401
from . import similar as _similar  # noqa: E402,F401
from . import web as _web  # noqa: E402,F401


def main() -> None:
    """Console entry point."""
    app()
