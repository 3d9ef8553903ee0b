"""Real processes: an ingest killed with SIGKILL part-way, and two ingests writing at the same time.

Both run the ``spinecase ingest`` command (with the project's extractor) over folders of invented
reports, as a user would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from registry.fakes import write_reports
from spinecase.registry import Registry
from spinecase.registry.models import CaseRow, DocumentKey, DocumentRow, DocumentSource, IngestRun

pytest_plugins = ["registry.plugin"]


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from spinecase.cli import main; main()", *args]


def _count(reg: Registry) -> int:
    with reg.session() as s:
        return int(s.scalar(select(func.count()).select_from(DocumentRow)) or 0)


def _assert_each_document_once_and_whole(reg: Registry, expected_keys: set[str]) -> None:
    with reg.session() as s:
        keys = list(s.scalars(select(DocumentRow.key)))
        assert len(keys) == len(set(keys)) and set(keys) == expected_keys
        # a whole document has its text keys and its source; cases point at it
        per_doc = dict(
            s.execute(
                select(DocumentKey.document_id, func.count())
                .where(DocumentKey.key.like("sha256:%") | DocumentKey.key.like("input:%"))
                .group_by(DocumentKey.document_id)
            ).all()
        )
        doc_ids = set(s.scalars(select(DocumentRow.id)))
        assert set(per_doc) == doc_ids and set(per_doc.values()) == {2}
        assert set(s.scalars(select(DocumentSource.document_id))) == doc_ids
        assert set(s.scalars(select(CaseRow.document_id).distinct())) <= doc_ids


def test_killed_ingest_leaves_whole_documents_and_a_rerun_finishes(
    registry: Registry, tmp_path: Path
) -> None:
    reports = write_reports(tmp_path / "reports", 600)
    url = registry.url.render_as_string(hide_password=False)
    log = (tmp_path / "first.log").open("w")
    proc = subprocess.Popen(
        _command("ingest", str(tmp_path / "reports"), "--db", url),
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    stored_at_kill = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        stored_at_kill = _count(registry)
        if stored_at_kill > 0:  # at least one batch committed: kill while the next one is in flight
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    proc.wait(timeout=60)
    log.close()
    assert proc.returncode == -signal.SIGKILL, (tmp_path / "first.log").read_text()
    after_kill = _count(registry)
    assert 0 < after_kill < len(reports)
    with registry.session() as s:  # whatever was committed is whole
        stored = set(s.scalars(select(DocumentRow.key)))
    _assert_each_document_once_and_whole(registry, stored)

    rerun = subprocess.run(
        _command("ingest", str(tmp_path / "reports"), "--db", url), capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stderr
    assert (
        f"new {len(reports) - after_kill:,}" in rerun.stderr and f"unchanged {after_kill:,}" in rerun.stderr
    )
    _assert_each_document_once_and_whole(registry, {p.stem for p in reports})
    with registry.session() as s:
        statuses = [r.status for r in s.scalars(select(IngestRun).order_by(IngestRun.id))]
    assert statuses == ["interrupted", "completed"]


def test_two_concurrent_ingests_into_one_database(registry: Registry, tmp_path: Path) -> None:
    a = write_reports(tmp_path / "a", 150, start=0)
    b = write_reports(tmp_path / "b", 150, start=150)
    c = write_reports(tmp_path / "c", 150, start=300)
    url = registry.url.render_as_string(hide_password=False)
    first = subprocess.Popen(
        _command("ingest", str(tmp_path / "a"), str(tmp_path / "b"), "--db", url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    second = subprocess.Popen(
        _command("ingest", str(tmp_path / "c"), str(tmp_path / "b"), "--db", url, "--workers", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    outs = [p.communicate(timeout=600) for p in (first, second)]
    for proc, (_, err) in zip((first, second), outs, strict=True):
        assert proc.returncode == 0, err
        assert "error" not in err.lower() and "locked" not in err.lower() and "failed 0" in err
    _assert_each_document_once_and_whole(registry, {p.stem for p in a + b + c})
    with registry.session() as s:
        runs = list(s.scalars(select(IngestRun).order_by(IngestRun.id)))
    # the shared folder is stored once: whoever came second found it there
    assert sum(r.new for r in runs) == 450 and sum(r.unchanged for r in runs) == 150
