"""The readers, keyed by file type, and how a file is matched to one.

The suffix decides, except where it cannot: ``.xml`` is PubMed or JATS (told apart by the root
element), ``.gz`` is whatever is inside (``cases.xml.gz``, ``corpus.jsonl.gz``, or sniffed), and a
file that starts with ``%PDF-`` is a PDF whatever its name. New readers can be added with
:func:`register_reader`.

Example::

    >>> reader_for_suffix(".nxml").format
    'jats'
    >>> sniff_xml_root(b'<?xml version="1.0"?>\\n<!DOCTYPE PubmedArticleSet>\\n<PubmedArticleSet>')
    'PubmedArticleSet'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..model import ReadError
from . import html, jats, jsonl, pdf, pubmed, text
from .base import GZIP_ERRORS, GZIP_MAGIC, PDF_MAGIC, ReaderFunc, Source, gzip_error


@dataclass(frozen=True, slots=True)
class Reader:
    """A file type: its ``Document.format`` name, the suffixes it claims and its read function."""

    format: str
    suffixes: tuple[str, ...]
    read: ReaderFunc
    description: str = ""


READERS: dict[str, Reader] = {}


def register_reader(reader: Reader) -> None:
    """Add (or replace) a reader; its suffixes are matched case-insensitively."""
    READERS[reader.format] = reader


for _reader in (
    Reader("text", text.SUFFIXES, text.read, "plain text (UTF-8, UTF-16 with BOM, cp1252/Latin-1)"),
    Reader("pdf", (".pdf",), pdf.read, "PDF with a text layer (no OCR)"),
    Reader("html", (".html", ".htm", ".xhtml"), html.read, "saved HTML article page"),
    Reader("pubmed", (), pubmed.read, "PubMed/MEDLINE XML (PubmedArticleSet, MedlineCitationSet)"),
    Reader("jats", (".nxml",), jats.read, "PMC JATS XML (one or more <article>)"),
    Reader("jsonl", jsonl.SUFFIXES, jsonl.read, "JSON Lines, one {id, text, ...} object per line"),
):
    register_reader(_reader)

#: Suffixes whose content decides between PubMed and JATS.
XML_SUFFIXES = (".xml",)

#: Every suffix :func:`spinecase.documents.read_documents` reads, each also as ``<suffix>.gz``
#: (files without a suffix are read as plain text).
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(
    sorted({s for r in READERS.values() for s in r.suffixes if s} | set(XML_SUFFIXES) | {".gz"})
)

_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*(?::[\w.\-]+)?)[\s/>]")


def reader_for_suffix(suffix: str) -> Reader | None:
    suffix = suffix.lower()
    for reader in READERS.values():
        if suffix in reader.suffixes:
            return reader
    return None


def sniff_xml_root(head: bytes) -> str | None:
    """Local name of the first element in the first bytes of an XML file (prolog skipped)."""
    m = _ROOT.search(head)
    if not m:
        return None
    return m.group(1).decode("ascii", "replace").rsplit(":", 1)[-1]


def _xml_reader(head: bytes) -> Reader:
    return READERS["pubmed"] if sniff_xml_root(head) in pubmed.ROOTS else READERS["jats"]


def _sniff(head: bytes) -> Reader | None:
    """A reader chosen by content alone (a ``.gz`` file without a telling inner suffix)."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(PDF_MAGIC):
        return READERS["pdf"]
    if stripped.startswith(b"<"):
        root = (sniff_xml_root(stripped) or "").lower()
        if root == "html" or stripped[:15].lower().startswith(b"<!doctype html"):
            return READERS["html"]
        return _xml_reader(stripped)
    if stripped.startswith(b"{"):
        return READERS["jsonl"]
    return READERS["text"]


def resolve(path: Path) -> tuple[Reader, Source] | ReadError:
    """The reader and source for one file, or why it cannot be read."""
    name = str(path)
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        return ReadError(name, f"cannot read file: {exc.strerror or exc}")
    compressed = magic.startswith(GZIP_MAGIC)
    if path.name.lower().endswith(".gz") and not compressed:
        return ReadError(name, "not a gzip file (bad magic number)")
    source = Source(path, compressed)
    if magic.startswith(PDF_MAGIC):
        return READERS["pdf"], source
    suffix = Path(source.inner_name).suffix.lower()
    # "cases.gz" names nothing inside: let the content decide
    if suffix in XML_SUFFIXES or (compressed and (not suffix or reader_for_suffix(suffix) is None)):
        try:
            head = source.head()
        except GZIP_ERRORS as exc:
            return gzip_error(source, exc)
        except OSError as exc:
            return ReadError(name, f"cannot read file: {exc.strerror or exc}")
        reader = _xml_reader(head) if suffix in XML_SUFFIXES else _sniff(head)
        return (reader, source) if reader else ReadError(name, "unsupported file type")
    reader = reader_for_suffix(suffix)
    if reader is None:
        known = ", ".join(SUPPORTED_SUFFIXES)
        return ReadError(name, f"unsupported file type {suffix!r} (spinecase reads {known})")
    return reader, source
