"""The workers' side of an ingest: read a piece of input, skip what is stored, extract the rest.

A :class:`Task` is one file, or one byte range of a large JSON Lines file (so one 10,000-line corpus
still keeps every core busy). :func:`run_task` reads it, computes each document's de-duplication keys,
asks the registry which texts are already stored with the current extractor version (one query per
256 documents; those are not extracted again), and extracts the others. It runs in a local worker
process or on a Dask worker; it never writes to the registry — the single writer does.

Example::

    >>> settings = WorkSettings(extractor_version="demo")
    >>> parse_extractor("spinecase.extract:extract_cases")
    ('spinecase.extract', 'extract_cases')
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from ..documents.model import Document, ReadError
from ..records import CaseRecord
from .dedup import STRUCTURED_FORMATS, DocKeys, document_keys, quick_input_hash

DEFAULT_EXTRACTOR = "spinecase.extract:extract_cases"
#: Documents per "already stored?" query.
LOOKUP_BATCH = 256
JSONL_SUFFIXES = (".jsonl", ".ndjson")

Lookup = Callable[[list[str]], set[str]]


@dataclass(frozen=True, slots=True)
class Task:
    """A piece of input: a whole file, or bytes ``[start, end)`` of a JSON Lines file."""

    path: str
    start: int = 0
    end: int | None = None
    size: int = 0  # bytes covered, for progress
    line: int = 1  # number of the part's first line (parts start and end at line boundaries)


@dataclass(frozen=True, slots=True)
class WorkSettings:
    """What a worker needs besides its task (picklable: sent to processes and Dask workers)."""

    extractor_version: str
    extractor: str = DEFAULT_EXTRACTOR
    #: registry URL for the "already stored?" check; ``None`` extracts everything
    lookup_url: str | None = None
    force: bool = False
    publication_type: str | None = None
    max_bytes: int = 50_000_000


@dataclass(slots=True)
class Processed:
    """One document (or read error) as a worker leaves it for the writer.

    ``kind``: ``extracted`` (records ready to store), ``known`` (stored already, nothing to do),
    ``skipped`` (not of the requested publication type) or ``error``.
    """

    kind: Literal["extracted", "known", "skipped", "error"]
    source: str
    document: Document | None = None
    keys: DocKeys | None = None
    records: list[CaseRecord] = field(default_factory=list)
    error: str | None = None
    line: int | None = None


@dataclass(slots=True)
class TaskResult:
    task: Task
    items: list[Processed]


def parse_extractor(ref: str) -> tuple[str, str]:
    """``"package.module:function"`` -> ``(module, function)``."""
    module, sep, name = ref.partition(":")
    if not sep or not module or not name:
        raise ValueError(f"extractor reference {ref!r} is not 'module:function'")
    return module, name


@lru_cache(maxsize=8)
def load_extractor(ref: str) -> Callable[[Document], list[CaseRecord]]:
    module, name = parse_extractor(ref)
    func: Callable[[Document], list[CaseRecord]] = getattr(importlib.import_module(module), name)
    return func


def extractor_version(ref: str = DEFAULT_EXTRACTOR) -> str:
    """``EXTRACTOR_VERSION`` of the extractor's package (``"unversioned"`` when it has none)."""
    module = importlib.import_module(parse_extractor(ref)[0])
    return str(getattr(module, "EXTRACTOR_VERSION", "unversioned"))


def jsonl_splittable(path: Path) -> bool:
    """An uncompressed JSON Lines file can be cut into byte ranges at line boundaries."""
    return path.suffix.lower() in JSONL_SUFFIXES


def split_tasks(path: Path, part_bytes: int) -> Iterator[Task]:
    """One task per file, or one per ``part_bytes`` (rounded up to a line end) of a splittable JSON
    Lines file, each knowing the number of its first line.

    The parts are cut here, in one sequential pass, so no worker has to count the lines before its
    part (which costs the whole file per part: quadratic on a large corpus). Lazy: the first parts go
    to the workers while the rest of a large file is still being cut.
    """
    size = path.stat().st_size
    if not jsonl_splittable(path) or size <= part_bytes:
        yield Task(str(path), size=size)
        return
    with open(path, "rb") as fh:
        start, line = 0, 1
        while start < size:
            chunk = fh.read(part_bytes)
            if not chunk:
                break
            end, lines = start + len(chunk), chunk.count(b"\n")
            if not chunk.endswith(b"\n"):
                # finish the last line, in bounded pieces: a line may be larger than memory allows
                while rest := fh.readline(1 << 20):
                    end += len(rest)
                    if rest.endswith(b"\n"):
                        lines += 1
                        break
            yield Task(str(path), start, end, end - start, line)
            start, line = end, line + lines


def _read_jsonl_range(task: Task, max_bytes: int) -> Iterator[Document | ReadError]:
    """The lines of bytes ``[start, end)``; :func:`split_tasks` cut them at line boundaries."""
    from ..documents.readers.base import size_limit_message
    from ..documents.readers.jsonl import parse_line

    assert task.end is not None
    with open(task.path, "rb") as fh:
        fh.seek(task.start)
        lineno = task.line
        while fh.tell() < task.end:
            raw = fh.readline(max_bytes + 1)
            if not raw:
                break
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                yield ReadError(task.path, size_limit_message(max_bytes, "line"), line=lineno)
                while raw and not raw.endswith(b"\n"):
                    raw = fh.readline(max_bytes + 1)
            else:
                item = parse_line(raw, task.path, lineno)
                if item is not None:
                    yield item
            lineno += 1


def read_task(task: Task, max_bytes: int = 50_000_000) -> Iterator[Document | ReadError]:
    """The documents of a task, streamed."""
    if task.end is not None:
        try:
            yield from _read_jsonl_range(task, max_bytes)
        except OSError as exc:
            yield ReadError(task.path, f"cannot read file: {exc.strerror or exc}")
        return
    from ..documents import read_path

    yield from read_path(task.path, max_bytes=max_bytes)


@lru_cache(maxsize=4)
def _lookup_registry(url: str) -> Any:
    """A read-only view of the registry in a worker (``None`` when it cannot be opened)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.orm import sessionmaker

    parsed = make_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            path = Path(parsed.database or "")
            if not path.is_file():
                return None  # on another machine, or in memory: extract everything
            engine = create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true")

            @event.listens_for(engine, "connect")
            def _timeout(dbapi_conn: Any, _record: Any) -> None:
                dbapi_conn.execute("PRAGMA busy_timeout=60000")

        else:
            engine = create_engine(parsed, pool_size=1, max_overflow=0, pool_pre_ping=True)
        return sessionmaker(bind=engine)
    except Exception:  # noqa: BLE001 - a missing driver or bad URL only costs the shortcut
        return None


def registry_lookup(url: str | None, version: str) -> Lookup | None:
    """``hashes -> stored hashes`` against the registry at ``url``, or ``None`` if unreachable."""
    if url is None:
        return None
    factory = _lookup_registry(url)
    if factory is None:
        return None
    from sqlalchemy.exc import SQLAlchemyError

    from .store import known_inputs

    def lookup(hashes: list[str]) -> set[str]:
        try:
            with factory() as session:
                return known_inputs(session, hashes, version)
        except SQLAlchemyError:
            return set()  # e.g. a brand-new database without tables yet

    return lookup


def _wanted(doc: Document, publication_type: str | None) -> bool:
    if not publication_type:
        return True
    types = doc.metadata.get("publication_types") or []
    want = publication_type.casefold()
    return any(str(t).casefold() == want for t in types)


def _extract(doc: Document, keys: DocKeys, settings: WorkSettings) -> Processed:
    try:
        records = list(load_extractor(settings.extractor)(doc))
        # review hook (issue 5): the document's literature-table cases, stored as secondary cases.
        # It runs here, in the workers, so a long table never holds up the single writer.
        from ..review.littable_store import literature_records

        records += literature_records(doc)
    except Exception as exc:  # noqa: BLE001 - one document's failure must not stop the batch
        return Processed(
            "error", doc.source, error=f"{doc.id}: extraction failed: {type(exc).__name__}: {exc}"
        )
    return Processed("extracted", doc.source, document=doc, keys=keys, records=records)


def process_documents(
    items: Iterable[Document | ReadError], settings: WorkSettings, lookup: Lookup | None
) -> Iterator[Processed]:
    """Turn read items into :class:`Processed`, extracting only texts the registry lacks.

    The "already stored?" check needs only the input hash (a SHA-256); the costlier keys
    (fingerprint, shingle samples) are computed for the documents that go on to extraction.
    """
    batch: list[tuple[Document, str]] = []

    def drain() -> Iterator[Processed]:
        known = set() if lookup is None or settings.force else lookup([h for _, h in batch])
        for doc, input_hash in batch:
            if input_hash in known:
                yield Processed("known", doc.source)
            else:
                structured = doc.format in STRUCTURED_FORMATS
                yield _extract(doc, document_keys(doc.text, doc.metadata, structured=structured), settings)
        batch.clear()

    for item in items:
        if isinstance(item, ReadError):
            yield Processed("error", item.source, error=item.message, line=item.line)
            continue
        if not _wanted(item, settings.publication_type):
            yield Processed("skipped", item.source)
            continue
        structured = item.format in STRUCTURED_FORMATS
        batch.append((item, quick_input_hash(item.text, item.metadata, structured=structured)))
        if len(batch) >= LOOKUP_BATCH:
            yield from drain()
    if batch:
        yield from drain()


def run_task(task: Task, settings: WorkSettings) -> TaskResult:
    """Process one task completely (in a worker process or on a Dask worker)."""
    lookup = registry_lookup(settings.lookup_url, settings.extractor_version)
    items = list(process_documents(read_task(task, settings.max_bytes), settings, lookup))
    return TaskResult(task, items)


def worker_init(extractor: str) -> None:
    """Start of a local worker process: import the extractor (and its lexicons) once."""
    load_extractor(extractor)
