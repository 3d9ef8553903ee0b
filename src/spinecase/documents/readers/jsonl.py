"""JSON Lines (``.jsonl``, ``.ndjson``, ``.jsonl.gz``): one narrative per line, as corpora ship them.

Each line is a JSON object with at least ``id`` and ``text``; every other key (``doi``, ``source``,
``url``, ``licence``, ``publication_date`` ...) is kept in ``Document.metadata``::

    {"id": "cr-0042", "text": "A 72-year-old man with prostate cancer ...", "doi": "10.1000/cr42"}

A bad line (not JSON, not an object, no ``id`` or ``text``) is reported with its line number and
the rest of the file is read on; a 10,000-line corpus should not be lost to one stray comma.

Example::

    >>> from spinecase.documents.readers.jsonl import parse_line
    >>> doc = parse_line(b'{"id": 7, "text": "CASE: A 50-year-old woman.", "licence": "CC BY"}', "c.jsonl", 1)
    >>> doc.id, doc.metadata
    ('7', {'licence': 'CC BY'})
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..model import Document, ReadError
from .base import GZIP_ERRORS, ReadOptions, Source, gzip_error, size_limit_message
from .headings import detect_sections

FORMAT = "jsonl"
SUFFIXES = (".jsonl", ".ndjson")


def parse_line(raw: bytes, source: str, lineno: int) -> Document | ReadError | None:
    """One line as a document, an error naming the line, or ``None`` for a blank line."""
    if lineno == 1:
        raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM written by some editors
    if not raw.strip():
        return None
    try:
        record = json.loads(raw)
    except UnicodeDecodeError as exc:
        return ReadError(source, f"line is not UTF-8: {exc.reason}", line=lineno)
    except json.JSONDecodeError as exc:
        return ReadError(source, f"malformed JSON: {exc.msg} (column {exc.colno})", line=lineno)
    except RecursionError:
        return ReadError(source, "malformed JSON: nested too deeply", line=lineno)
    if not isinstance(record, dict):
        return ReadError(source, f"expected a JSON object, got {type(record).__name__}", line=lineno)
    doc_id = record.pop("id", None)
    text = record.pop("text", None)
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or str(doc_id).strip() == "":
        return ReadError(source, "missing or invalid 'id' (a non-empty string or number)", line=lineno)
    if not isinstance(text, str):
        return ReadError(source, "missing or invalid 'text' (a string)", line=lineno)
    if not text.strip():
        return ReadError(source, f"empty 'text' for id {doc_id}", line=lineno)
    return Document(
        id=str(doc_id),
        text=text,
        source=source,
        format=FORMAT,
        metadata=record,
        sections=detect_sections(text),
    )


def read(source: Source, options: ReadOptions) -> Iterator[Document | ReadError]:
    """Stream the records of one JSON Lines file; lines longer than ``max_bytes`` are refused."""
    lineno = 0
    produced = False
    try:
        with source.open() as fh:
            while True:
                raw = fh.readline(options.max_bytes + 1)
                if not raw:
                    break
                lineno += 1
                if len(raw) > options.max_bytes and not raw.endswith(b"\n"):
                    produced = True
                    yield ReadError(source.name, size_limit_message(options.max_bytes, "line"), line=lineno)
                    while raw and not raw.endswith(b"\n"):  # skip the rest of the long line
                        raw = fh.readline(options.max_bytes + 1)
                    continue
                item = parse_line(raw, source.name, lineno)
                if item is not None:
                    produced = True
                    yield item
        if not produced:
            yield ReadError(source.name, "empty file: no JSON Lines records")
    except GZIP_ERRORS as exc:
        yield gzip_error(source, exc)
    except OSError as exc:
        yield ReadError(source.name, f"cannot read file: {exc.strerror or exc}", line=lineno or None)
