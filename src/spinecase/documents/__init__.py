"""Reading case reports: one :class:`Document` model for every kind of file, with an offset map
from cleaned text back to the text as read.

Example::

    >>> from spinecase.documents import read_documents
    >>> for doc in read_documents(["reports/", "pubmed.xml.gz"]):  # doctest: +SKIP
    ...     print(doc)
"""

from __future__ import annotations

from .model import Document, ReadError, Section, SectionKind
from .offsets import OffsetMap, TextBuilder
from .readers import SUPPORTED_SUFFIXES, read_documents, read_path

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Document",
    "OffsetMap",
    "ReadError",
    "Section",
    "SectionKind",
    "TextBuilder",
    "read_documents",
    "read_path",
]
