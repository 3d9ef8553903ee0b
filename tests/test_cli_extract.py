"""``spinecase extract`` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from spinecase.cli import app

runner = CliRunner()
REPORT = (
    "A 72-year-old man with prostate adenocarcinoma presented with an L3 metastasis and paraparesis. "
    "He underwent laminectomy and received radiotherapy, 8 Gy in a single fraction. He died 3 months later."
)


def test_jsonl_is_the_contract(tmp_path: Path) -> None:
    src = tmp_path / "case_a.txt"
    src.write_text(REPORT, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(src), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert row["document"] == "case_a" and row["case"] == 1
    assert (row["age"], row["sex"], row["primary_site"], row["spinal_levels"]) == (
        72,
        "male",
        "prostate",
        ["L3"],
    )
    assert row["radiotherapy"] == [{"modality": "radiotherapy", "total_dose_gy": 8, "fractions": 1}]
    s = row["evidence"]["age"][0]
    assert REPORT[s["start"] : s["end"]].startswith("72")


def test_output_file_json_and_table(tmp_path: Path) -> None:
    src = tmp_path / "r.txt"
    src.write_text(REPORT, encoding="utf-8")
    out = tmp_path / "sub" / "cases.json"
    result = runner.invoke(app, ["extract", str(src), "--format", "json", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())[0]["histology"] == "adenocarcinoma"
    table = runner.invoke(app, ["extract", str(src)])
    assert table.exit_code == 0 and "prostate" in table.stdout


def test_bad_files_are_reported_and_the_rest_go_on(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(REPORT, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(empty), str(good), "--format", "jsonl"])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_example_and_usage_errors() -> None:
    result = runner.invoke(app, ["extract", "--example", "--format", "jsonl"])
    assert result.exit_code == 0
    row = json.loads(result.stdout.splitlines()[0])
    assert row["histology"] == "gist" and row["spinal_levels"] == ["L2"]
    assert runner.invoke(app, ["extract"]).exit_code == 2
