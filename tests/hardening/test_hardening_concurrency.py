"""Two ingests and a running web server on one registry (a SQLite file, a PostgreSQL database).

No error may reach anyone: both ingests exit 0 with nothing failed, no request gets a 5xx or a broken
connection, the server logs no error, and every distinct document given is stored exactly once and
whole — the web app's count included.
"""

from __future__ import annotations

from pathlib import Path

from .concurrency import two_ingests_and_a_server
from .support import assert_no_traceback

pytest_plugins = ["registry.plugin"]


def test_two_ingests_and_a_web_server_on_one_registry(db_url: str, tmp_path: Path) -> None:
    report = two_ingests_and_a_server(tmp_path, db_url, per_folder=120)
    assert report.returncodes == [0, 0], report.stderrs
    for err in report.stderrs:
        assert_no_traceback(err)
        assert "failed 0" in err and "locked" not in err.lower()
    assert report.failures == [], report.failures[:5]
    assert report.requests > 20 and set(report.statuses) == {200}, report.statuses
    assert_no_traceback(report.server_log)
    assert "ERROR" not in report.server_log, report.server_log[-3000:]
    # no write lost, none doubled: every distinct document once and whole; the web app sees them all
    assert report.state.problems == [] and report.lost == 0
    assert report.state.documents == report.given == 360
    assert report.final_total == report.state.cases and report.max_total_seen <= report.state.cases
