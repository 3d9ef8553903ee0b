"""The registry on the real documents of ../shared: ingesting twice adds nothing, and the exported
contract scores exactly as the extractor's own output against the seeds' gold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinecase.cli import app

pytest_plugins = ["registry.plugin"]

runner = CliRunner()


def _score(shared: Path, pred: Path) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            str(shared / "eval" / "score_cases.py"),
            "--gold",
            str(shared / "gold" / "seeds.jsonl"),
            "--pred",
            str(pred),
            "--texts",
            str(shared / "corpus" / "seeds"),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    summary.pop("documents_not_in_gold")  # the registry also holds the format samples
    return dict(summary)


@pytest.mark.shared
def test_ingest_twice_then_export_scores_like_the_extractor(
    shared_dir: Path, db_url: str, tmp_path: Path
) -> None:
    seeds, formats = shared_dir / "corpus" / "seeds", shared_dir / "corpus" / "formats"
    first = runner.invoke(app, ["ingest", str(seeds), str(formats), "--db", db_url])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["ingest", str(seeds), str(formats), "--db", db_url])
    assert second.exit_code == 0, second.output
    assert "new 0" in second.stderr and "updated" not in second.stderr and "merged" not in second.stderr
    read = int(second.stderr.split("read ")[1].split()[0].replace(",", ""))
    assert read > 600 and f"unchanged {read:,}" in second.stderr

    exported = tmp_path / "registry.jsonl"
    result = runner.invoke(
        app, ["cases", "export", "--format", "jsonl", "--output", str(exported), "--db", db_url]
    )
    assert result.exit_code == 0, result.output
    extracted = tmp_path / "extract.jsonl"
    result = runner.invoke(
        app,
        ["extract", *map(str, sorted(seeds.glob("*.txt"))), "--format", "jsonl", "--output", str(extracted)],
    )
    assert result.exit_code == 0, result.output

    registry_score, extractor_score = _score(shared_dir, exported), _score(shared_dir, extracted)
    assert registry_score == extractor_score
    assert registry_score["cases"]["pred"] > 0
