"""The registry commands as a user runs them: ingest, cases, db and pubmed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from registry.eutils_server import EutilsServer
from registry.fakes import EXTRACTOR, write_reports
from spinecase.cli import app
from spinecase.registry import (
    CaseFilter,
    IngestOptions,
    Registry,
    head_revision,
    ingest,
    iter_cases,
    open_registry,
)
from spinecase.registry.models import DocumentRow

pytest_plugins = ["registry.plugin"]

runner = CliRunner()
WIDE = {"COLUMNS": "250"}


def run(*args: str, env: dict[str, str] | None = None):  # noqa: ANN201 - click's Result
    return runner.invoke(app, list(args), env={**WIDE, **(env or {})})


@pytest.fixture
def filled(registry: Registry, tmp_path: Path) -> Registry:
    """A registry of invented reports stored with the predictable fake extractor."""
    write_reports(tmp_path / "r", 9)
    ingest([tmp_path / "r"], registry, IngestOptions(extractor=EXTRACTOR, version="fake-1"))
    return registry


def _url(reg: Registry) -> str:
    return reg.url.render_as_string(hide_password=False)


def test_ingest_twice_with_the_real_extractor(tmp_path: Path) -> None:
    write_reports(tmp_path / "r", 6)
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    first = run("ingest", str(tmp_path / "r"), "--db", db)
    assert first.exit_code == 0, first.output
    assert "read 6  new 6" in first.stderr and "failed 0" in first.stderr
    second = run("ingest", str(tmp_path / "r"), "--db", db)
    assert second.exit_code == 0
    assert "new 0" in second.stderr and "unchanged 6" in second.stderr


def test_ingest_exits_1_when_an_input_fails(tmp_path: Path) -> None:
    write_reports(tmp_path / "r", 2)
    result = run("ingest", str(tmp_path / "r"), str(tmp_path / "nowhere.txt"), "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 1
    assert "new 2" in result.stderr and "nowhere.txt: no such file or folder" in result.stderr


def test_environment_variable_chooses_the_database(tmp_path: Path) -> None:
    write_reports(tmp_path / "r", 1)
    result = run("ingest", str(tmp_path / "r"), env={"SPINECASE_DB": str(tmp_path / "env.db")})
    assert result.exit_code == 0 and (tmp_path / "env.db").exists()


def test_cases_list_show_set_history(filled: Registry) -> None:
    db = _url(filled)
    listed = run("cases", "list", "--db", db, "--region", "lumbar")
    assert listed.exit_code == 0, listed.output
    # the fake extractor puts report 3 at L1 and report 6 at L3 (see registry.fakes.report_text)
    assert "report-00003" in listed.stdout and "report-00006" in listed.stdout
    assert "report-00001" not in listed.stdout and "2 of 2 case(s)" in listed.stderr
    with filled.session() as s:
        case = next(iter_cases(s, CaseFilter(document="report-00004")))
    shown = run("cases", "show", str(case.case_id), "--db", db)
    assert shown.exit_code == 0
    assert "imaging showed a lytic lesion of T9." in shown.stdout and "extractor fake-1" in shown.stdout
    changed = run(
        "cases",
        "set",
        "report-00004#1",
        "spinal_levels",
        "T9,T10",
        "--by",
        "Ana",
        "--reason",
        "T10 too",
        "--db",
        db,
    )
    assert changed.exit_code == 0, changed.output
    assert "T9 → T9, T10 (by Ana)" in changed.stderr
    assert "curated" in run("cases", "show", "report-00004#1", "--db", db).stdout
    trail = run("cases", "history", "report-00004#1", "--db", db)
    assert "Ana" in trail.stdout and "T10 too" in trail.stdout
    assert "report-00004" in run("cases", "list", "--level", "T10", "--db", db).stdout


def test_bad_input_is_one_clear_line_with_exit_2(filled: Registry, tmp_path: Path) -> None:
    db = _url(filled)
    bad_value = run("cases", "set", "report-00004#1", "age", "old", "--by", "Ana", "--db", db)
    assert bad_value.exit_code == 2 and bad_value.stderr.startswith("error: invalid value for age")
    no_case = run("cases", "show", "999999", "--db", db)
    assert no_case.exit_code == 2 and "no case with id 999999" in no_case.stderr
    region = run("cases", "list", "--region", "pelvis", "--db", db)
    assert region.exit_code == 2 and "unknown region" in region.stderr
    no_by = run("cases", "set", "1", "age", "50", "--db", db)
    assert no_by.exit_code == 2 and "--by" in no_by.output
    bad_db = run("cases", "list", "--db", "nosuchdialect://x")
    assert bad_db.exit_code == 2 and "error:" in bad_db.stderr
    missing_dir = run("cases", "list", "--db", str(tmp_path / "no" / "such" / "dir.db"))
    assert missing_dir.exit_code == 2 and "does not exist" in missing_dir.stderr


def test_cases_export_formats(filled: Registry, tmp_path: Path) -> None:
    db = _url(filled)
    out = tmp_path / "cases.jsonl"
    result = run("cases", "export", "--format", "jsonl", "--output", str(out), "--db", db)
    assert result.exit_code == 0 and "exported 12 case(s)" in result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 12 and set(records[0]) >= {"document", "case", "age", "spinal_levels", "evidence"}
    table = run("cases", "export", "--format", "csv", "--histology", "gist", "--db", db)
    assert table.exit_code == 0 and table.stdout.splitlines()[0].startswith("case_id,document,case")
    assert all(",gist," in line for line in table.stdout.splitlines()[1:])
    xlsx = run("cases", "export", "--format", "xlsx", "--db", db)
    assert xlsx.exit_code == 2 and "needs an output file" in xlsx.stderr


def test_db_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert "revision (empty)" in run("db", "current", "--db", db).stdout
    upgraded = run("db", "upgrade", "--db", db)
    head = head_revision()
    assert upgraded.exit_code == 0 and f"is at revision {head}" in upgraded.stderr
    assert f"revision {head}; newest {head}" in run("db", "current", "--db", db).stdout
    write_reports(tmp_path / "r", 3)
    run("ingest", str(tmp_path / "r"), str(tmp_path / "missing"), "--db", db)
    runs = run("db", "runs", "--db", db)
    assert runs.exit_code == 0 and "failed" in runs.stdout
    failures = run("db", "runs", "--db", db, "--failures", "1")
    assert "missing: no such file or folder" in failures.stdout


def test_pubmed_search_lists_then_ingests(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'pm.db'}"
    with EutilsServer() as server:
        env = {"SPINECASE_EUTILS_URL": server.url}
        listed = run("pubmed", "search", "spinal metastasis", "--max", "4", env=env)
        assert listed.exit_code == 0, listed.output
        assert (
            "5 record(s) match; fetched 4" in listed.stderr
            and "Cervical vertebral metastasis" in listed.stdout
        )
        stored = run("pubmed", "search", "spinal metastasis", "--ingest", "--db", db, env=env)
        assert stored.exit_code == 0, stored.output
        assert "new 5" in stored.stderr
    reg = open_registry(db)
    with reg.session() as s:
        assert sorted(s.query(DocumentRow.key).all())[0] == ("39100001",)
    reg.dispose()


def test_pubmed_errors_exit_1(tmp_path: Path) -> None:
    with EutilsServer() as server:
        server.fake.fail_next = [400]
        result = run("pubmed", "search", "x", env={"SPINECASE_EUTILS_URL": server.url})
    assert result.exit_code == 1 and "HTTP 400" in result.stderr
