"""The one document model every reader produces.

A :class:`Document` holds the text *as read* (``text``): the file's decoded content for plain text, or
the plain text a structured reader (XML, PDF, HTML) assembles. Evidence offsets always point into this
text, so a viewer can highlight them. Cleaning for extraction (de-hyphenation, line joins, boilerplate
removal) works on a copy and keeps an :class:`~spinecase.documents.offsets.OffsetMap` back to ``text``.

Example::

    >>> doc = Document(id="demo", text="A 61-year-old man.", source="demo.txt", format="text")
    >>> doc.text[2:13]
    '61-year-old'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SectionKind = Literal[
    "title",
    "abstract",
    "background",
    "case",
    "discussion",
    "conclusion",
    "references",
    "table",
    "caption",
    "boilerplate",
    "other",
]


@dataclass(frozen=True, slots=True)
class Section:
    """A titled stretch ``[start, end)`` of :attr:`Document.text` (e.g. "Case presentation")."""

    title: str
    start: int
    end: int
    kind: SectionKind = "other"


@dataclass(slots=True)
class Document:
    """One article or narrative, whatever file it came from.

    ``id`` is the contract's ``document`` key: file stem for text/PDF/HTML, PMID (else PMCID, else DOI)
    for XML, the ``id`` field for JSON Lines. ``metadata`` holds identifiers and bibliographic data under
    stable keys: ``pmid``, ``pmcid``, ``doi``, ``title``, ``journal``, ``year``, ``publication_types``,
    ``article_type``, ``authors``, plus any extra JSON Lines keys.
    """

    id: str
    text: str
    source: str
    format: str
    metadata: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ReadError:
    """A file (or a line of a JSON Lines file) that could not be read; the batch goes on."""

    source: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"
