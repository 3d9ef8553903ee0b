"""Read files, folders and glob patterns into documents, one reader per file type.

:func:`read_documents` is what the command line and the pipeline call. It never raises for a bad
input: an unreadable, unsupported, truncated or hostile file becomes a :class:`ReadError` in the
stream and the batch goes on.

Example::

    >>> for item in read_documents(["reports/", "pubmed/*.xml.gz"]):  # doctest: +SKIP
    ...     if isinstance(item, ReadError):
    ...         print("skipped", item)
    ...     else:
    ...         print(item.id, item.format, len(item.text))
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import Document, ReadError
from .base import DEFAULT_MAX_BYTES, ReadOptions
from .registry import resolve

PathLike = str | os.PathLike[str]

_GLOB_CHARS = frozenset("*?[")


def read_path(path: PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | ReadError]:
    """Documents of one file: one for text, PDF and HTML; one per article or line for XML and JSONL."""
    p = Path(path)
    if p.is_dir():
        yield ReadError(str(p), "is a folder (use read_documents to read folders)")
        return
    resolved = resolve(p)
    if isinstance(resolved, ReadError):
        yield resolved
        return
    reader, source = resolved
    items = reader.read(source, ReadOptions(max_bytes=max_bytes))
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except Exception as exc:  # a reader bug must cost one file, not the batch
            yield ReadError(
                str(p), f"unexpected error in the {reader.format} reader: {type(exc).__name__}: {exc}"
            )
            return
        yield item


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(folder: Path, recursive: bool) -> Iterator[Path]:
    """Files of a folder in sorted order, hidden files and folders skipped."""
    if not recursive:
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            return
        yield from (e for e in entries if e.is_file() and not _hidden(e.name))
        return
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        for name in sorted(files):
            if not _hidden(name):
                path = Path(root, name)
                if path.is_file():
                    yield path


def _expand(item: PathLike, recursive: bool) -> Iterator[Path | ReadError]:
    p = Path(item).expanduser()
    if p.is_file():
        yield p
    elif p.is_dir():
        yield from _walk(p, recursive)
    elif _GLOB_CHARS & set(str(item)):
        matches = sorted(glob.glob(str(p), recursive=True))
        if not matches:
            yield ReadError(str(item), "no files match this pattern")
        for m in matches:
            mp = Path(m)
            if mp.is_dir():
                yield from _walk(mp, recursive)
            elif mp.is_file():
                yield mp
    else:
        yield ReadError(str(item), "no such file or folder")


def read_documents(
    paths: PathLike | Iterable[PathLike],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    recursive: bool = True,
) -> Iterator[Document | ReadError]:
    """Read files, folders (sorted; recursively unless ``recursive=False``) and glob patterns.

    A file reached twice (named and inside a named folder) is read once. ``max_bytes`` bounds what
    one file, or one record of a streamed PubMed/JATS/JSON Lines file, may hold in memory.
    """
    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    seen: set[Path] = set()
    for item in items:
        for found in _expand(item, recursive):
            if isinstance(found, ReadError):
                yield found
                continue
            key = found.resolve()
            if key in seen:
                continue
            seen.add(key)
            yield from read_path(found, max_bytes=max_bytes)
