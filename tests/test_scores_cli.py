"""``spinecase score NAME``: JSON output, --format table, --input @file, help, and exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinecase.cli import app
from spinecase.scores import SCORES

runner = CliRunner()

SINS_FULL = {
    "level": "T12",
    "pain": "mechanical",
    "bone_lesion": "lytic",
    "alignment": "normal",
    "collapse": "lt50",
    "posterolateral": "unilateral",
}


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["score", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_output_parses_with_the_contract_keys() -> None:
    code, out, _ = run("sins", "--input", json.dumps(SINS_FULL))
    assert code == 0
    data = json.loads(out)
    for key in ("score", "total", "possible_range", "missing", "category", "items", "references"):
        assert key in data
    assert (data["score"], data["total"], data["possible_range"]) == ("sins", 11, [11, 11])
    assert (data["category"], data["surgical_consultation_warranted"]) == ("potentially_unstable", True)
    assert data["items"]["location"] == 3


def test_missing_inputs_print_a_range() -> None:
    code, out, _ = run(
        "tomita", "--input", '{"primary_growth": "rapid", "visceral_mets": "untreatable", "bone_mets": null}'
    )
    data = json.loads(out)
    assert code == 0
    assert (data["total"], data["possible_range"], data["missing"], data["category"]) == (
        None,
        [9, 10],
        ["bone_mets"],
        "8-10",
    )


def test_no_input_means_everything_missing() -> None:
    code, out, _ = run("tokuhashi_revised")
    assert code == 0
    assert json.loads(out)["possible_range"] == [0, 15]


def test_input_from_file(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"site": "stomach", "size_cm": 6, "mitoses_per_50hpf": 3}), encoding="utf-8")
    code, out, _ = run("gist_afip", "--input", f"@{path}")
    assert code == 0
    data = json.loads(out)
    assert (data["category"], data["prognostic_group"], data["risk_of_progression_pct"]) == ("low", "3a", 3.6)


@pytest.mark.parametrize(
    ("name", "payload", "key"),
    [
        ("tokuhashi_revised", '{"vertebral_body_mets": 0}', "vertebral_body_mets"),
        ("sins", '{"pain": "severe"}', "pain"),
        ("escc", '{"grade": "1d"}', "grade"),
        ("bauer", '{"visceral_mets": "yes"}', "visceral_mets"),
        ("noms", '{"histology": "kidney"}', "histology"),
        ("tomita", '{"growth": "slow"}', "growth"),
    ],
)
def test_invalid_input_exits_2_naming_the_key(name: str, payload: str, key: str) -> None:
    code, out, err = run(name, "--input", payload)
    assert code == 2
    assert out == ""  # never a total
    assert key in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("payload", ['{"kps": 80', "[1, 2]", "not json", '"kps"'])
def test_invalid_json_exits_2(payload: str) -> None:
    code, out, err = run("tokuhashi_revised", "--input", payload)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run("sins", "--input", f"@{tmp_path / 'absent.json'}")
    assert code == 2
    assert "absent.json" in err


def test_table_format_shows_items_and_points() -> None:
    code, out, _ = run("sins", "--input", json.dumps(SINS_FULL), "--format", "table")
    assert code == 0
    for text in (
        "location",
        "junctional",
        "posterolateral",
        "unilateral",
        "Total: 11",
        "potentially_unstable",
    ):
        assert text in out
    code, out, _ = run("gist_afip", "--input", '{"site": "colon", "size_cm": 3}', "--format", "table")
    assert code == 0
    assert "not covered" in out
    assert "mitoses_per_50hpf" in out and "missing" in out


def test_table_format_shows_ambiguous_items() -> None:
    code, out, _ = run("tokuhashi_revised", "--input", '{"ecog": 3}', "-f", "table")
    assert code == 0
    assert "one of 30, 40, 50" in out
    assert "0 or 1" in out


def test_score_help_lists_every_score() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for name in SCORES:
        assert name in out


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sins", ["level", "C0", "S5", "posterolateral", "bilateral (3)"]),
        ("tokuhashi_revised", ["vertebral_body_mets", "kps", "in steps of 10", "carcinoid (5)", "ecog"]),
        ("gist_afip", ["mitoses_per_50hpf", "small_intestine", "Miettinen"]),
        ("noms", ["histology", "renal_cell_carcinoma", "fit_for_surgery"]),
        ("nesms", ["albumin_g_dl", "modified_bauer", "solitary_skeletal_met"]),
    ],
)
def test_score_name_help_lists_inputs_and_allowed_values(name: str, expected: list[str]) -> None:
    result = runner.invoke(app, ["score", name, "--help"], terminal_width=200)
    assert result.exit_code == 0
    for text in expected:
        assert text in result.stdout


def test_unknown_score_is_a_usage_error() -> None:
    code, _, _ = run("karnofsky", "--input", "{}")
    assert code == 2
