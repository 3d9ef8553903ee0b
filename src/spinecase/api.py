"""The small public API of spinecase (re-exported from :mod:`spinecase`).

Example::

    >>> from spinecase import extract_paths
    >>> result = extract_paths(["report.txt"])          # doctest: +SKIP
    >>> [r.spinal_levels for r in result.records]        # doctest: +SKIP
    [['L2']]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .documents import Document, ReadError, read_documents
from .documents.readers import DEFAULT_MAX_BYTES
from .extract import extract_cases
from .records import CaseRecord


@dataclass(slots=True)
class ExtractionResult:
    """Records of every readable document, and one error per unreadable file (or JSON Lines line)."""

    records: list[CaseRecord] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    documents: int = 0


def iter_cases(
    paths: Iterable[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[tuple[Document, list[CaseRecord]] | ReadError]:
    """Stream ``(document, records)`` pairs (or :class:`ReadError`) over files, folders and globs;
    a file (or JSON Lines record) over ``max_bytes`` is an error naming the limit."""
    for item in read_documents(list(paths), max_bytes=max_bytes):
        if isinstance(item, ReadError):
            yield item
        else:
            yield item, extract_cases(item)


def extract_paths(
    paths: Iterable[str], *, progress: bool = False, max_bytes: int = DEFAULT_MAX_BYTES
) -> ExtractionResult:
    """Read and extract every document under ``paths``; collect records and errors."""
    result = ExtractionResult()
    stream = iter_cases(paths, max_bytes=max_bytes)
    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
        ) as bar:
            task = bar.add_task("extract", total=None)
            for item in stream:
                _collect(result, item)
                bar.advance(task)
        return result
    for item in stream:
        _collect(result, item)
    return result


def _collect(result: ExtractionResult, item: tuple[Document, list[CaseRecord]] | ReadError) -> None:
    if isinstance(item, ReadError):
        result.errors.append(item)
    else:
        result.documents += 1
        result.records.extend(item[1])
