"""Readers: one module per file type, chosen by suffix or content (see :mod:`.registry`).

=========  ===========================================  ===========================================
format     files                                        documents
=========  ===========================================  ===========================================
text       ``.txt``, ``.text``, no suffix               one; id = file stem
pdf        ``.pdf`` (text layer; two columns reordered)  one; id = file stem
html       ``.html``, ``.htm``, ``.xhtml``               one; id = file stem
pubmed     ``.xml`` with a PubMed/MEDLINE root           one per citation; id = PMID
jats       ``.nxml``, ``.xml`` with ``<article>``        one per article; id = PMID, PMCID or DOI
jsonl      ``.jsonl``, ``.ndjson``                       one per line; id = the ``id`` field
=========  ===========================================  ===========================================

Any of them may be gzip-compressed (``.gz``).

Example::

    >>> from spinecase.documents import read_documents
    >>> docs = [d for d in read_documents("corpus/") if not isinstance(d, ReadError)]  # doctest: +SKIP
"""

from __future__ import annotations

from ..model import ReadError
from .base import DEFAULT_MAX_BYTES, ReadOptions, Source
from .dispatch import read_documents, read_path
from .registry import READERS, SUPPORTED_SUFFIXES, Reader, register_reader, resolve

__all__ = [
    "DEFAULT_MAX_BYTES",
    "READERS",
    "SUPPORTED_SUFFIXES",
    "ReadError",
    "ReadOptions",
    "Reader",
    "Source",
    "read_documents",
    "read_path",
    "register_reader",
    "resolve",
]
