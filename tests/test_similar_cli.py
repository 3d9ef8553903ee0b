"""``spinecase similar`` through Typer's CliRunner on a small invented registry file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fixtures.similar.support import small_registry
from spinecase.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("similar") / "reg.db"
    small_registry(f"sqlite:///{path}").dispose()
    return str(path)


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SPINECASE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_json_output(db: str, cache: Path) -> None:
    res = runner.invoke(
        app, ["similar", "--case", "gist_t12#1", "--top", "3", "--db", db, "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [h["rank"] for h in data["hits"]] == [1, 2, 3]
    assert data["hits"][0]["document"] == "gist_l1"
    assert "adjacent level: T12↔L1" in data["hits"][0]["why"]
    assert data["aggregate"]["n"] == 3
    assert data["query"]["facts"]["histology"] == "gist"
    # the index was written to the cache folder, as a complete generation
    folders = list((cache / "similar").iterdir())
    assert len(folders) == 1 and (folders[0] / "CURRENT").is_file()
    gen = folders[0] / (folders[0] / "CURRENT").read_text().strip()
    assert json.loads((gen / "manifest.json").read_text())["cases"] == 8


def test_table_output(db: str) -> None:
    res = runner.invoke(
        app,
        [
            "similar",
            "--text",
            "A 60-year-old man with GIST metastasis at T12 and liver metastases",
            "--db",
            db,
        ],
    )
    assert res.exit_code == 0, res.output
    assert "gist_t12" in res.stdout and "same histology: GIST" in res.stdout
    assert "over these" in res.stdout and "median overall survival" in res.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["similar"],
        ["similar", "--text", "x", "--case", "1"],
        ["similar", "--text", "GIST", "--mode", "magic"],
        ["similar", "--case", "no-such-doc#3"],
        ["similar", "--text", "GIST", "--top", "0"],
    ],
)
def test_usage_errors_exit_2(db: str, args: list[str]) -> None:
    res = runner.invoke(app, [*args, "--db", db])
    assert res.exit_code == 2
    assert "error" in (res.stderr or res.output).lower() or "usage" in (res.stderr or res.output).lower()


def test_help_teaches_with_examples() -> None:
    res = runner.invoke(app, ["similar", "--help"])
    assert res.exit_code == 0
    assert "spinecase similar --text" in res.stdout
