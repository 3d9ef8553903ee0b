"""``spinecase cases scores``: scores derived from a stored case."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from spinecase.cli import app

runner = CliRunner()
REPORT = (
    "A 58-year-old man with renal cell carcinoma presented with mechanical back pain from a lytic L2 "
    "metastasis without cord compression. He had lung metastases. His Karnofsky performance status was 70 "
    "and he was neurologically intact (Frankel E)."
)


def test_scores_of_a_stored_case(tmp_path: Path) -> None:
    src = tmp_path / "rcc.txt"
    src.write_text(REPORT, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'reg.db'}"
    ingest = runner.invoke(app, ["ingest", str(src), "--db", db])
    assert ingest.exit_code == 0, ingest.output
    result = runner.invoke(app, ["cases", "scores", "rcc#1", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    by_name = {r["score"]: r for r in json.loads(result.stdout)}
    assert {"sins", "tokuhashi_revised", "tomita"} <= set(by_name)
    sins = by_name["sins"]
    assert sins["items"]["location"] == 2  # L2: mobile spine
    assert sins["items"]["pain"] == 3  # mechanical pain
    assert sins["items"]["bone_lesion"] == 2  # lytic
    assert "alignment" in sins["missing"]
    lo, hi = sins["possible_range"]
    assert lo <= hi
    tokuhashi = by_name["tokuhashi_revised"]
    assert tokuhashi["items"]["kps"] == 1  # KPS 70
    assert tokuhashi["items"]["frankel"] == 2  # Frankel E
    card = runner.invoke(app, ["cases", "scores", "rcc#1", "--db", db])
    assert card.exit_code == 0 and "Tomita" in card.stdout


def test_unknown_case_is_a_clean_error(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'reg.db'}"
    result = runner.invoke(app, ["cases", "scores", "999", "--db", db])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
