"""Plain text files (``.txt``, ``.text``, no suffix): a case report copied from a PDF or web page.

The decoded text is kept exactly as it is in the file, because evidence offsets point into it;
cleaning (de-hyphenation, page furniture) happens later on a copy. Headings are found heuristically
(:mod:`.headings`).

Example::

    >>> doc = document_from_bytes(b"CASE REPORT\\nA 47-year-old man had T11 pain.\\n", source="t11.txt")
    >>> doc.id, doc.metadata["encoding"], [(s.title, s.kind) for s in doc.sections]
    ('t11', 'utf-8', [('CASE REPORT', 'case')])
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..model import Document, ReadError
from .base import DEFAULT_MAX_BYTES, ReadOptions, Source, decode_text, read_whole, size_limit_message
from .headings import detect_sections

FORMAT = "text"
SUFFIXES = (".txt", ".text", "")

# C0 controls other than tab, newline, vertical tab, form feed and carriage return; C1 controls
# (what Latin-1 makes of stray binary bytes); and the replacement character of a bad UTF-16 file.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_SAMPLE_CHARS = 65536
_MAX_CONTROL_SHARE = 0.02


def _binary_reason(data: bytes, text: str, encoding: str) -> str | None:
    if not encoding.startswith(("utf-16", "utf-32")) and b"\x00" in data:
        return "binary content (NUL bytes) in a text file"
    sample = text[:_SAMPLE_CHARS]
    controls = len(_CONTROL.findall(sample))
    if controls > max(2, _MAX_CONTROL_SHARE * len(sample)):
        return f"binary content ({controls} control characters in {len(sample)}) in a text file"
    return None


def document_from_bytes(
    data: bytes,
    *,
    source: str,
    doc_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document | ReadError:
    """Decode the bytes of a text file into a :class:`Document`, or explain why not.

    Never raises: empty or whitespace-only content, binary content and content over ``max_bytes``
    come back as :class:`ReadError`.
    """
    if len(data) > max_bytes:
        return ReadError(source, size_limit_message(max_bytes))
    text, encoding = decode_text(data)
    if not text.strip():
        return ReadError(source, "empty file")
    reason = _binary_reason(data, text, encoding)
    if reason:
        return ReadError(source, reason)
    return Document(
        id=doc_id if doc_id is not None else (Path(source).stem or Path(source).name),
        text=text,
        source=source,
        format=FORMAT,
        metadata={"encoding": encoding},
        sections=detect_sections(text),
    )


def read(source: Source, options: ReadOptions) -> Iterator[Document | ReadError]:
    """Read one text file (gzip-compressed or not) as one document."""
    data = read_whole(source, options)
    if isinstance(data, ReadError):
        yield data
        return
    yield document_from_bytes(data, source=source.name, doc_id=source.doc_id, max_bytes=options.max_bytes)
