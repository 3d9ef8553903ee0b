"""The ingest pipeline: idempotence, failures, refresh after an extractor upgrade, workers and Dask."""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, PendingRollbackError

from registry import fakes
from registry.fakes import EXTRACTOR, EXTRACTOR_V2, write_jsonl, write_reports
from spinecase.documents import Document, ReadError, read_path
from spinecase.registry import (
    CaseFilter,
    IngestOptions,
    Registry,
    RegistryError,
    count_cases,
    ingest,
    iter_cases,
    pipeline,
)
from spinecase.registry.models import DocumentRow, IngestRun
from spinecase.registry.work import Task, TaskResult, WorkSettings, read_task, split_tasks

pytest_plugins = ["registry.plugin"]

FAKE = IngestOptions(extractor=EXTRACTOR, version="fake-1")


def _documents(reg: Registry) -> int:
    with reg.session() as s:
        return int(s.scalar(select(func.count()).select_from(DocumentRow)) or 0)


def _contract(reg: Registry) -> list[dict]:
    with reg.session() as s:
        return sorted(
            (c.record.to_contract() for c in iter_cases(s, CaseFilter())),
            key=lambda r: (r["document"], r["case"]),
        )


def test_second_ingest_skips_stored_texts_before_extraction(registry: Registry, tmp_path: Path) -> None:
    write_reports(tmp_path / "reports", 30)
    options = IngestOptions(extractor="registry.fakes:counting_extract", version="fake-1")
    fakes.CALLS.clear()
    first = ingest([tmp_path / "reports"], registry, options)
    assert (first.read, first.new, first.failed, len(fakes.CALLS)) == (30, 30, 0, 30)
    fakes.CALLS.clear()
    second = ingest([tmp_path / "reports"], registry, options)
    assert (second.read, second.new, second.updated, second.unchanged) == (30, 0, 0, 30)
    assert fakes.CALLS == []  # nothing was extracted again
    assert _documents(registry) == 30
    with registry.session() as s:
        assert count_cases(s) == 40  # every third report has two patients
        runs = list(s.scalars(select(IngestRun).order_by(IngestRun.id)))
    assert [(r.status, r.new, r.unchanged) for r in runs] == [("completed", 30, 0), ("completed", 0, 30)]


def test_failures_are_reported_and_the_rest_is_stored(registry: Registry, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    write_reports(folder, 5)
    (folder / "crash.txt").write_text("A 50-year-old man. EXTRACTOR-CRASH", encoding="utf-8")
    (folder / "bad.jsonl").write_text(
        '{"id": "ok-1", "text": "A 40-year-old woman."}\nnot json\n', encoding="utf-8"
    )
    summary = ingest([folder, tmp_path / "missing-folder"], registry, FAKE)
    assert (summary.new, summary.failed) == (6, 3)
    reasons = sorted(str(f) for f in summary.failures)
    assert any("missing-folder" in r and "no such file" in r for r in reasons)
    assert any("bad.jsonl:2" in r and "malformed JSON" in r for r in reasons)
    assert any("crash" in r and "extraction failed" in r for r in reasons)
    with registry.session() as s:
        run = s.scalar(select(IngestRun))
        assert run is not None and run.status == "failed" and len(run.failures) == 3


def test_extractor_upgrade_refreshes_values(registry: Registry, tmp_path: Path) -> None:
    write_reports(tmp_path / "r", 12)
    ingest([tmp_path / "r"], registry, FAKE)
    before = _contract(registry)
    upgraded = ingest([tmp_path / "r"], registry, IngestOptions(extractor=EXTRACTOR_V2, version="fake-2"))
    assert (upgraded.updated, upgraded.new, upgraded.unchanged) == (12, 0, 0)
    after = _contract(registry)
    assert [r["vital_status"] for r in after] == ["alive"] * len(before)
    assert [{**r, "vital_status": None} for r in after] == before  # nothing else moved


def test_json_lines_parts_are_read_exactly_once(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_jsonl(tmp_path / "corpus.jsonl", 200)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("{broken\n")
        fh.write(json.dumps({"id": "last", "text": "A 77-year-old man with T7 pain."}) + "\n")
    monkeypatch.setattr(pipeline, "JSONL_PART_BYTES", 997)  # many parts, cut mid-line
    summary = ingest([path], registry, FAKE)
    assert (summary.read, summary.new, summary.failed) == (201, 201, 1)
    assert str(summary.failures[0]).startswith(f"{path}:201:")
    with registry.session() as s:
        keys = sorted(s.scalars(select(DocumentRow.key)))
    assert keys == sorted([f"N{i:05d}" for i in range(200)] + ["last"])


def test_publication_type_filter(registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "typed.jsonl"
    rows = [
        {
            "id": f"p{i}",
            "text": f"A {40 + i}-year-old man with L{1 + i % 5} pain.",
            "publication_types": types,
        }
        for i, types in enumerate([["Case Reports"], ["Review"], ["Journal Article", "Case Reports"], []])
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary = ingest(
        [path], registry, IngestOptions(extractor=EXTRACTOR, version="f", publication_type="case reports")
    )
    assert (summary.read, summary.new, summary.skipped) == (4, 2, 2)


def test_local_worker_processes_store_the_same_as_one_process(tmp_path: Path) -> None:
    write_reports(tmp_path / "r", 40)
    write_jsonl(tmp_path / "n.jsonl", 60, start=1000)
    single = Registry(f"sqlite:///{tmp_path / 'single.db'}")
    pooled = Registry(f"sqlite:///{tmp_path / 'pooled.db'}")
    ingest([tmp_path / "r", tmp_path / "n.jsonl"], single, FAKE)
    summary = ingest(
        [tmp_path / "r", tmp_path / "n.jsonl"],
        pooled,
        IngestOptions(workers=2, extractor=EXTRACTOR, version="fake-1"),
    )
    assert (summary.new, summary.failed) == (100, 0)
    assert _contract(pooled) == _contract(single)
    again = ingest([tmp_path / "r"], pooled, IngestOptions(workers=2, extractor=EXTRACTOR, version="fake-1"))
    assert (again.unchanged, again.new) == (40, 0)
    single.dispose()
    pooled.dispose()


def test_dask_cluster_reads_and_extracts(registry: Registry, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    write_reports(tmp_path / "r", 25)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        options = IngestOptions(dask=cluster.scheduler_address, extractor=EXTRACTOR, version="fake-1")
        summary = ingest([tmp_path / "r"], registry, options)
        assert (summary.new, summary.failed) == (25, 0)
        again = ingest([tmp_path / "r"], registry, options)
        assert (again.unchanged, again.new) == (25, 0)
    with registry.session() as s:
        run = s.scalar(select(IngestRun).order_by(IngestRun.id.desc()))
        assert run is not None and run.backend == "dask"


_LINE = st.one_of(
    st.builds(lambda t: json.dumps({"id": "x", "text": t or "."}), st.text(max_size=50)),
    st.sampled_from(["", "not json", "[1, 2]", '{"id": "no text"}']),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(_LINE, min_size=1, max_size=30),
    part_bytes=st.integers(min_value=1, max_value=300),
    final_newline=st.booleans(),
)
def test_json_lines_parts_read_what_the_reader_reads(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], part_bytes: int, final_newline: bool
) -> None:
    # a file of blank lines only: the reader says "empty file", which no single part can know
    assume(any(line.strip() for line in lines))
    path = tmp_path_factory.mktemp("parts") / "corpus.jsonl"
    body = "".join(line.replace("x", str(i), 1) + "\n" for i, line in enumerate(lines))
    path.write_text(body if final_newline else body[:-1], encoding="utf-8")
    raw = path.read_bytes()

    def outline(items: Iterable[Document | ReadError]) -> list[tuple[str, str, int | None]]:
        return [
            (d.id, d.text, None) if isinstance(d, Document) else ("error", d.message, d.line) for d in items
        ]

    parts = list(split_tasks(path, part_bytes))
    assert sum(t.size for t in parts) == path.stat().st_size
    for task in parts:
        # cut at line ends, and each part knows its first line's number without counting
        assert task.start == 0 or raw[task.start - 1 : task.start] == b"\n"
        assert task.line == raw[: task.start].count(b"\n") + 1
    assert outline(item for task in parts for item in read_task(task)) == outline(read_path(path))


class _Instant(Executor):
    """Runs nothing: every submitted task is done at once. Records how many were out at a time."""

    def __init__(self) -> None:
        self.out = 0
        self.most = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.out += 1
        self.most = max(self.most, self.out)
        fut: Future[Any] = Future()
        fut.set_result(TaskResult(args[0], []))
        return fut


@pytest.mark.parametrize(
    ("size", "most"),
    [
        (100 << 20, 4),  # whole large files: two per worker, as ever
        (1 << 20, 8),  # 1 MB parts: more while they cover under IN_FLIGHT_BYTES
        (1 << 10, 64),  # tiny parts: capped by count
    ],
)
def test_tasks_out_at_once_are_bounded_by_count_and_bytes(size: int, most: int) -> None:
    executor = _Instant()
    tasks = [Task("corpus.jsonl", i * size, (i + 1) * size, size) for i in range(200)]
    settings = WorkSettings(extractor_version="x")
    done = 0
    for _result in pipeline._pooled(executor, tasks, settings, in_flight=4):
        executor.out -= 1
        done += 1
    assert done == 200
    assert pipeline.IN_FLIGHT_BYTES == 8 << 20 and pipeline.IN_FLIGHT_MAX == 64
    assert executor.most == most


def test_a_dead_worker_stops_the_ingest_cleanly(tmp_path: Path) -> None:
    write_reports(tmp_path / "r", 30)
    (tmp_path / "r" / "a-dies.txt").write_text("A 50-year-old man. WORKER-EXIT", encoding="utf-8")
    reg = Registry(f"sqlite:///{tmp_path / 'dead.db'}")
    with pytest.raises(RegistryError, match="worker process stopped unexpectedly"):
        ingest([tmp_path / "r"], reg, IngestOptions(workers=2, extractor=EXTRACTOR, version="fake-1"))
    with reg.session() as s:
        assert s.scalar(select(IngestRun.status)) == "interrupted"
    rerun = ingest([tmp_path / "r" / f"report-{i:05d}.txt" for i in range(30)], reg, FAKE)
    assert (rerun.failed, rerun.new + rerun.unchanged) == (0, 30)
    reg.dispose()


def test_a_registry_that_cannot_be_written_ends_the_ingest_with_a_reason(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reports(tmp_path / "r", 3)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT INTO documents", {}, Exception("database or disk is full"))

    monkeypatch.setattr(pipeline, "store_batch", disk_full)
    monkeypatch.setattr(pipeline, "WRITE_BACKOFF", 0.0)
    with pytest.raises(RegistryError, match="cannot write to the registry at .*: database or disk is full"):
        ingest([tmp_path / "r"], registry, FAKE)
    assert _documents(registry) == 0


@pytest.mark.parametrize(
    "lost",
    [
        PendingRollbackError("Can't reconnect until invalid transaction is rolled back"),
        OperationalError("INSERT INTO documents", {}, Exception("server closed the connection unexpectedly")),
    ],
)
def test_documents_that_failed_because_the_server_went_away_are_retried(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lost: Exception
) -> None:
    # a restart mid-batch makes each document's savepoint fail with the connection's error, not its
    # own: the batch must be written again, not reported as failed documents (nor end in a traceback)
    write_reports(tmp_path / "r", 5)
    real = pipeline.store_batch
    calls = []

    def flaky(session: object, items: list[object], **kwargs: object) -> list[object]:
        calls.append(len(items))
        if len(calls) == 1:
            return [lost for _ in items]
        return real(session, items, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "store_batch", flaky)
    monkeypatch.setattr(pipeline, "WRITE_BACKOFF", 0.0)
    summary = ingest([tmp_path / "r"], registry, FAKE)
    assert (summary.new, summary.failed, len(calls)) == (5, 0, 2)
    assert _documents(registry) == 5
