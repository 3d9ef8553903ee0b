"""The ``spinecase`` command line: thin wrappers over the library (parse → one call → format).

Each command group lives in its own module and registers itself on :data:`app`.
"""

from __future__ import annotations

import importlib

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

# Command modules register themselves on import; the order here is the order in --help. A module
# that is not part of this installation is skipped, so the command line never breaks on one absent
# command; a module that exists but fails to import still raises.
_COMMAND_MODULES = (
    "extract",
    "ingest",
    "cases",
    "case_scores",
    "db",
    "pubmed",
    "score",
    "review",
    "similar",
    "web",
)
for _name in _COMMAND_MODULES:
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"{__name__}.{_name}":
            raise


def main() -> None:
    """Console entry point."""
    app()
