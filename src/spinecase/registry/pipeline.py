"""``spinecase ingest``: read, extract and store many inputs, idempotently and in bounded memory.

Reading and extraction run where the ``backend`` says — in this process (``workers=1``), in local
worker processes (``workers=N``) or on a Dask cluster (``dask="tcp://scheduler:8786"``) — while this
process is the one writer. Each document is stored in a savepoint of a batch transaction, so a
document is written completely or not at all, and a killed ingest simply finishes when run again:
texts already stored with the current extractor version are recognised by their hash before
extraction and cost nothing.

Example::

    >>> from spinecase.registry import open_registry
    >>> reg = open_registry("sqlite:///:memory:")
    >>> summary = ingest(["reports/"], reg)  # doctest: +SKIP
    >>> summary.new, summary.failed  # doctest: +SKIP
    (12, 0)
"""

from __future__ import annotations

import contextlib
import glob
import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError, PendingRollbackError, SQLAlchemyError

from .bulk import store_batch
from .engine import Registry, RegistryError, display_url
from .models import IngestRun, utcnow
from .store import Incoming
from .work import (
    DEFAULT_EXTRACTOR,
    Processed,
    Task,
    TaskResult,
    WorkSettings,
    extractor_version,
    process_documents,
    read_task,
    run_task,
    split_tasks,
    worker_init,
)

#: A JSON Lines file is read in parts of this size: workers share them, progress advances per part.
JSONL_PART_BYTES = 1 << 16
#: More than two tasks per worker may be out while together they cover less input than this…
IN_FLIGHT_BYTES = 8 << 20
#: …up to this many tasks.
IN_FLIGHT_MAX = 64
#: A batch the database refuses (locked, disconnected, full) is tried this often, waiting
#: WRITE_BACKOFF, then twice as long, … between attempts (0.5 + 1 + 2 + 4 s by default).
WRITE_ATTEMPTS = 5
WRITE_BACKOFF = 0.5
#: Refresh the planner's statistics after an ingest that stored at least this many documents.
ANALYZE_AFTER = 1000
#: The failures an ingest summary (and the ``ingest_runs`` row) keeps in full.
MAX_FAILURES_KEPT = 1000


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How to ingest. ``workers`` > 1 reads and extracts in local processes; ``dask`` (a scheduler
    address, or a ``distributed.Client``) on a Dask cluster. ``commit_every`` documents (or one
    second) make a transaction; ``force`` re-extracts and compares even unchanged texts;
    ``publication_type`` keeps only documents of that type (``"Case Reports"``)."""

    workers: int = 1
    dask: Any = None
    force: bool = False
    publication_type: str | None = None
    commit_every: int = 500
    extractor: str = DEFAULT_EXTRACTOR
    version: str | None = None  # default: the extractor package's EXTRACTOR_VERSION
    max_bytes: int = 50_000_000


@dataclass(frozen=True, slots=True)
class Failure:
    source: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}" if self.line else f"{self.source}: {self.message}"


@dataclass(slots=True)
class IngestSummary:
    """Counts of one ingest. ``read`` counts documents read; ``failed`` unreadable files or lines,
    failed extractions and failed writes (``failures`` keeps the first thousand with reasons)."""

    read: int = 0
    new: int = 0
    updated: int = 0
    merged: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[Failure] = field(default_factory=list)
    bytes_done: int = 0
    bytes_total: int = 0
    seconds: float = 0.0
    run_id: int | None = None
    extractor_version: str = ""

    @property
    def rate(self) -> float:
        """Documents read per second."""
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def fail(self, failure: Failure) -> None:
        self.failed += 1
        if len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append(failure)


Progress = Callable[[IngestSummary], None]


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | Failure]:
    """Files named, inside named folders (recursively, sorted, hidden ones skipped) or matching a
    glob; each file once. Missing inputs come out as :class:`Failure`."""
    seen: set[Path] = set()

    def once(p: Path) -> Iterator[Path]:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            yield p

    def walk(folder: Path) -> Iterator[Path]:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    yield from once(Path(root, name))

    for item in paths:
        p = Path(item).expanduser()
        if p.is_file():
            yield from once(p)
        elif p.is_dir():
            yield from walk(p)
        elif set("*?[") & set(str(item)):
            matches = sorted(glob.glob(str(p), recursive=True))
            if not matches:
                yield Failure(str(item), "no files match this pattern")
            for m in map(Path, matches):
                yield from walk(m) if m.is_dir() else once(m)
        else:
            yield Failure(str(item), "no such file or folder")


class _Writer:
    """The single writer: buffers extracted documents and stores them batch by batch."""

    def __init__(self, registry: Registry, options: IngestOptions, summary: IngestSummary) -> None:
        self.registry, self.options, self.summary = registry, options, summary
        self.pending: list[Processed] = []
        self.last_flush = time.monotonic()

    def add(self, item: Processed) -> None:
        s = self.summary
        if item.kind == "error":
            s.fail(Failure(item.source, item.error or "failed", item.line))
            return
        s.read += 1
        if item.kind == "known":
            s.unchanged += 1
        elif item.kind == "skipped":
            s.skipped += 1
        else:
            self.pending.append(item)
            if len(self.pending) >= self.options.commit_every or time.monotonic() - self.last_flush > 1.0:
                self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        outcomes: list[tuple[str, Failure | None]] = []
        version = self.summary.extractor_version
        batch = []
        for item in self.pending:
            assert item.document is not None and item.keys is not None
            batch.append(Incoming(item.document, item.keys, item.records, version))
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self.registry.write() as session:
                    results = store_batch(session, batch, force=self.options.force)
                    lost = next(
                        (r for r in results if isinstance(r, Exception) and _connection_lost(r)), None
                    )
                    if lost is not None:
                        # a document failed because the database went away, not because of itself:
                        # the whole batch is retried on a fresh connection
                        raise lost
                    outcomes = [
                        (r.outcome, None)
                        if not isinstance(r, Exception)
                        else ("failed", Failure(p.source, f"{b.document.id}: not stored: {r}"))
                        for r, p, b in zip(results, self.pending, batch, strict=True)
                    ]
                    self._record_run(session, outcomes)
                break
            except (DBAPIError, PendingRollbackError) as exc:  # OperationalError is a DBAPIError
                # locked past the busy timeout, disconnected, disk full: the whole batch is retried
                if not _connection_lost(exc):
                    raise
                if attempt == WRITE_ATTEMPTS - 1:
                    where = display_url(self.registry.url)
                    reason = getattr(exc, "orig", None) or exc
                    raise RegistryError(
                        f"cannot write to the registry at {where}: {reason}; every document "
                        "stored so far is complete: run the same command again to finish"
                    ) from exc
                time.sleep(WRITE_BACKOFF * 2**attempt)
        for outcome, failure in outcomes:
            if failure is not None:
                self.summary.fail(failure)
            else:
                setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)
        self.pending.clear()
        self.last_flush = time.monotonic()

    def _record_run(self, session: Any, outcomes: list[tuple[str, Failure | None]]) -> None:
        """Keep the run's counts current in the same transaction as the documents they count."""
        if self.summary.run_id is None:
            return
        s = self.summary
        n = {
            k: sum(1 for o, _ in outcomes if o == k)
            for k in ("new", "updated", "merged", "unchanged", "failed")
        }
        session.execute(
            update(IngestRun)
            .where(IngestRun.id == s.run_id)
            .values(
                read=s.read,
                new=s.new + n["new"],
                updated=s.updated + n["updated"],
                merged=s.merged + n["merged"],
                unchanged=s.unchanged + n["unchanged"],
                failed=s.failed + n["failed"],
            )
        )


def _connection_lost(exc: object) -> bool:
    """Whether ``exc`` is the database's trouble (locked, gone, full), not the document's."""
    if isinstance(exc, (OperationalError, PendingRollbackError)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def _start_run(registry: Registry, paths: list[str], backend: str, version: str) -> int:
    host, pid = socket.gethostname(), os.getpid()
    with registry.write() as session:
        # runs of this host whose process is gone were killed: say so instead of "running" forever
        for run in session.scalars(
            select(IngestRun).where(IngestRun.status == "running", IngestRun.host == host)
        ):
            if run.pid and not _alive(run.pid):
                run.status, run.finished_at = "interrupted", run.finished_at or utcnow()
        run = IngestRun(
            extractor_version=version,
            paths=paths,
            backend=backend,
            host=host,
            pid=pid,
            status="running",
            started_at=utcnow(),
            read=0,
            new=0,
            updated=0,
            merged=0,
            unchanged=0,
            failed=0,
            failures=[],
        )
        session.add(run)
        session.flush()
        return run.id


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def refresh_statistics(registry: Registry) -> None:
    """Let the query planner see the registry's new size (after a large ingest).

    Without fresh statistics PostgreSQL keeps planning for the empty tables it last analysed, e.g.
    scanning ``document_keys`` instead of using its index for the "already stored?" check.
    """
    with registry.engine.connect() as conn:
        if registry.backend == "postgresql":
            conn.execute(text("ANALYZE documents, document_keys, document_shingles, cases, case_terms"))
        elif registry.backend == "sqlite":
            conn.exec_driver_sql("PRAGMA optimize")
        conn.commit()


def _finish_run(registry: Registry, summary: IngestSummary, status: str) -> None:
    if summary.run_id is None:
        return
    with registry.write() as session:
        run = session.get(IngestRun, summary.run_id)
        if run is None:
            return
        for name in ("read", "new", "updated", "merged", "unchanged", "failed"):
            setattr(run, name, getattr(summary, name))
        run.failures = [{"source": f.source, "line": f.line, "message": f.message} for f in summary.failures]
        run.status, run.finished_at = status, utcnow()


def _pool_broken(exc: BrokenExecutor) -> RegistryError:
    return RegistryError(
        f"a worker process stopped unexpectedly ({exc}); every document stored so far is "
        "complete: run the same command again to finish"
    )


def _pooled(
    executor: Executor, tasks: Iterable[Task], settings: WorkSettings, in_flight: int
) -> Iterator[TaskResult]:
    """Results of tasks run on ``executor`` (bounded memory).

    At most ``in_flight`` tasks are out at a time, or more while they are small (together under
    :data:`IN_FLIGHT_BYTES` of input): the writer submits new tasks only between its batches, so a few
    small parts in hand would leave the workers idle while it stores one.
    """
    pending: dict[Future[TaskResult], Task] = {}
    pending_bytes = 0

    def collect(done: set[Future[TaskResult]]) -> Iterator[TaskResult]:
        nonlocal pending_bytes
        for fut in done:
            task = pending.pop(fut)
            pending_bytes -= task.size
            try:
                yield fut.result()
            except BrokenExecutor as exc:  # a worker died (killed, out of memory): the pool is gone
                raise _pool_broken(exc) from exc
            except Exception as exc:  # noqa: BLE001 - a crashed worker costs its task, reported
                yield TaskResult(
                    task, [Processed("error", task.path, error=f"worker failed: {type(exc).__name__}: {exc}")]
                )

    for task in tasks:
        try:
            pending[executor.submit(run_task, task, settings)] = task
            pending_bytes += task.size
        except BrokenExecutor as exc:
            raise _pool_broken(exc) from exc
        while len(pending) >= in_flight and (
            pending_bytes >= IN_FLIGHT_BYTES or len(pending) >= IN_FLIGHT_MAX
        ):
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            yield from collect(done)
    while pending:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        yield from collect(done)


def _plan(paths: list[str], summary: IngestSummary) -> Iterator[Task]:
    """Tasks for every input file, lazily: one per file, or per part of a JSON Lines file."""
    for found in iter_files(paths):
        if isinstance(found, Failure):
            summary.fail(found)
            continue
        try:
            yield from split_tasks(found, JSONL_PART_BYTES)
        except OSError as exc:
            summary.fail(Failure(str(found), f"cannot read file: {exc.strerror or exc}"))


def _total_bytes(paths: list[str]) -> int:
    """Size of all inputs, for the progress bar's ETA (a directory walk, nothing read)."""
    total = 0
    for found in iter_files(paths):
        if isinstance(found, Path):
            with contextlib.suppress(OSError):
                total += found.stat().st_size
    return total


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    registry: Registry,
    options: IngestOptions | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Ingest files, folders and glob patterns into ``registry``; see the module documentation.

    ``progress`` is called with the running :class:`IngestSummary` a few times a second.
    """
    opts = options or IngestOptions()
    if opts.workers < 1:
        raise RegistryError("--workers must be at least 1")
    version = opts.version or extractor_version(opts.extractor)
    summary = IngestSummary(extractor_version=version)
    path_list = [str(p) for p in paths]
    started = time.monotonic()
    summary.bytes_total = _total_bytes(path_list)
    tasks = _plan(path_list, summary)
    backend = (
        "dask" if opts.dask is not None else f"processes:{opts.workers}" if opts.workers > 1 else "local"
    )
    try:
        summary.run_id = _start_run(registry, path_list, backend, version)
    except OperationalError as exc:
        raise storage_error(registry, exc) from exc
    settings = WorkSettings(
        extractor_version=version,
        extractor=opts.extractor,
        lookup_url=registry.url.render_as_string(hide_password=False),
        force=opts.force,
        publication_type=opts.publication_type,
        max_bytes=opts.max_bytes,
    )
    writer = _Writer(registry, opts, summary)
    last_report = 0.0

    def report(force: bool = False) -> None:
        nonlocal last_report
        now = time.monotonic()
        summary.seconds = now - started
        if progress is not None and (force or now - last_report >= 0.1):
            last_report = now
            progress(summary)

    status = "interrupted"
    try:
        for task, items in _results(tasks, settings, opts, registry):
            for item in items:
                writer.add(item)
                report()
            summary.bytes_done += task.size
            report()
        writer.flush()
        status = "failed" if summary.failed else "completed"
        if summary.new + summary.updated >= ANALYZE_AFTER:
            refresh_statistics(registry)
    except (OperationalError, PendingRollbackError) as exc:
        # the writer's retries are spent (disk full, server gone): one clear message, no traceback;
        # every document committed before is whole, and running the command again finishes the job
        status = "failed"
        raise storage_error(registry, exc) from exc
    finally:
        report(force=True)
        with contextlib.suppress(SQLAlchemyError):  # never hide the real error behind bookkeeping
            _finish_run(registry, summary, status)
    return summary


def storage_error(registry: Registry, exc: OperationalError | PendingRollbackError) -> RegistryError:
    """The one-line error of a registry that cannot be written (after the writer's retries)."""
    orig = getattr(exc, "orig", None)
    reason = str(orig if orig is not None else exc).strip().splitlines()
    return RegistryError(
        f"cannot write to the registry at {display_url(registry.url)}: "
        f"{reason[0] if reason else type(exc).__name__}; every document stored so far is complete: "
        "fix the cause (disk space, database server) and run the same command again"
    )


def _results(
    tasks: Iterable[Task], settings: WorkSettings, opts: IngestOptions, registry: Registry
) -> Iterator[tuple[Task, Iterable[Processed]]]:
    """``(task, processed documents)`` from the chosen backend."""
    if opts.dask is not None:
        yield from _dask_results(tasks, settings, opts)
    elif opts.workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork where there is one: workers start at once with everything imported (spawn costs about
        # a second per worker). A forked worker must not share this process's database connections,
        # so the pool is emptied first; with fork, all workers start at the first submit, before the
        # writer connects again.
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        registry.engine.dispose()
        with ProcessPoolExecutor(
            opts.workers, mp_context=ctx, initializer=worker_init, initargs=(settings.extractor,)
        ) as pool:
            try:
                for result in _pooled(pool, tasks, settings, 2 * opts.workers):
                    yield result.task, result.items
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    else:
        # in this process, streaming document by document; the stored-check reads the registry
        def lookup(hashes: list[str]) -> set[str]:
            from .store import known_inputs

            try:
                with registry.session() as session:
                    return known_inputs(session, hashes, settings.extractor_version)
            except OperationalError:
                # a dropped connection (server restart) costs only the shortcut: these documents are
                # extracted, and the writer, which retries, still stores each of them once
                return set()

        for task in tasks:
            yield task, process_documents(read_task(task, settings.max_bytes), settings, lookup)


def _dask_results(
    tasks: Iterable[Task], settings: WorkSettings, opts: IngestOptions
) -> Iterator[tuple[Task, list[Processed]]]:
    try:
        from distributed import Client
    except ModuleNotFoundError as exc:
        raise RegistryError("--dask needs dask.distributed: pip install 'spinecase[dask]'") from exc
    own = not isinstance(opts.dask, Client)
    client = Client(opts.dask) if own else opts.dask
    try:
        workers = max(1, sum(client.nthreads().values()))
        for result in _pooled(client.get_executor(pure=False), tasks, settings, 2 * workers):
            yield result.task, result.items
    finally:
        if own:
            client.close()


__all__ = ["Failure", "IngestOptions", "IngestSummary", "ingest", "iter_files"]
