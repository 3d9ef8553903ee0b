"""Faults during ``spinecase ingest``: SIGKILL at random points (20 times, seeded), a full disk, and a
PostgreSQL server restarted mid-ingest. After each, the registry is consistent with every stored
document whole, and running the same command again stores every document exactly once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.fakes import write_reports
from registry.pg import PgServer

from .faults import disk_full, pg_restart, sigkill_loop
from .support import assert_no_traceback, error_lines

pytest_plugins = ["registry.plugin"]


@pytest.mark.slow
def test_twenty_random_sigkills_leave_whole_documents_and_a_rerun_finishes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    report = sigkill_loop(tmp_path, url, rounds=20, seed=20240806)
    assert report.audits_failed == []
    # the kills really landed while ingests ran; this seed aims 11 of them at the writing phase
    assert report.kills >= 15 and report.mid_write >= 8, report
    assert report.final_rc == 0
    assert report.final.problems == [] and report.lost == 0
    assert report.final.documents == report.given == 600
    # every killed run that had registered itself is marked interrupted; none is left "running"
    assert "running" not in report.statuses and report.statuses[-1] == "completed"
    assert 0 < report.statuses.count("interrupted") <= report.kills


@pytest.mark.parametrize("limit", [300_000, 1_400_000])
def test_full_disk_is_a_clear_error_and_stores_no_partial_document(tmp_path: Path, limit: int) -> None:
    reports = write_reports(tmp_path / "reports", 300)
    report = disk_full(tmp_path, limit, reports)
    assert report.returncode == 1, report.stderr
    assert_no_traceback(report.stderr)
    last = error_lines(report.stderr)[-1]
    assert (
        last.startswith("error: cannot write to the registry at sqlite:///")
        and "run the same command again" in last
    )
    # what the failed run left is whole (the documents committed before the disk filled)
    assert report.stored.problems == [] and report.stored.documents < len(reports)
    assert report.rerun_rc == 0 and report.final.problems == [] and report.lost == 0
    assert report.final.documents == len(reports)


@pytest.mark.postgres
@pytest.mark.parametrize(("mode", "workers"), [("fast", "1"), ("immediate", "2")])
def test_postgres_restart_during_an_ingest(
    pg_server: PgServer, tmp_path: Path, mode: str, workers: str
) -> None:
    reports = write_reports(tmp_path / "reports", 300)
    url = pg_server.create_database()
    report = pg_restart(pg_server, url, reports, mode=mode, workers=workers)
    assert report.restarted and 0 < report.stored_before_restart < len(reports)
    assert_no_traceback(report.stderr)
    # the writer retries across the restart; if it ever gave up, it must say so in one line
    if report.returncode != 0:
        assert report.returncode == 1 and error_lines(report.stderr)[-1].startswith("error: cannot write")
    else:
        assert "failed 0" in report.stderr
    assert report.after.problems == []
    assert report.rerun_rc == 0 and report.final.problems == [] and report.lost == 0
    assert report.final.documents == len(reports)
