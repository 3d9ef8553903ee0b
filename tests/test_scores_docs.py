"""docs/scores.md shows real commands with their real output: re-run every one and compare."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinecase.cli import app

DOC = Path(__file__).resolve().parents[1] / "docs" / "scores.md"
BLOCK = re.compile(r"```console\n\$ spinecase (score .*?)\n(.*?)\n```", re.S)
EXAMPLES = BLOCK.findall(DOC.read_text(encoding="utf-8")) if DOC.is_file() else []


def test_every_score_has_a_worked_example() -> None:
    names = {shlex.split(command)[1] for command, _ in EXAMPLES}
    assert names >= {
        "sins",
        "tokuhashi_revised",
        "tomita",
        "bauer",
        "nesms",
        "escc",
        "noms",
        "gist_afip",
        "gist_nih_modified",
    }


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c[:60] for c, _ in EXAMPLES])
def test_documented_output_is_real(command: str, expected: str) -> None:
    result = CliRunner().invoke(app, shlex.split(command), env={"COLUMNS": "80"})
    assert result.output.rstrip() == expected
    invalid = expected.startswith("spinecase score")
    assert result.exit_code == (2 if invalid else 0)
