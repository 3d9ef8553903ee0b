"""Safe, streamed XML for the PubMed and JATS readers, and the text assembler they share.

XML from the web can attack its reader: a "billion laughs" document defines entities that expand to
gigabytes, and an external entity (``<!ENTITY x SYSTEM "file:///etc/passwd">``) makes a naive parser
read local files or fetch URLs. Every parse here goes through :mod:`defusedxml`, which refuses entity
declarations and external references; the refusal becomes a :class:`ReadError`, and nothing is
ever resolved.

Structured readers build ``Document.text`` themselves, block by block, with
:class:`TextAssembler`, which records where each titled section starts and ends.

Example::

    >>> a = TextAssembler()
    >>> a.block("Spinal metastasis of a thymoma")
    (0, 30)
    >>> i = a.open_section("Case presentation", "case")
    >>> a.block("A 52-year-old woman had T4 pain.")
    (51, 83)
    >>> a.close_section(i)
    >>> text, sections = a.build()
    >>> text[sections[0].start:sections[0].end]
    'Case presentation\\n\\nA 52-year-old woman had T4 pain.'
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import defusedxml
import defusedxml.ElementTree as DET

from ..model import ReadError, Section, SectionKind
from .base import GZIP_ERRORS, Readable, Source, gzip_error

_WS = re.compile(r"\s+")


def local(tag: object) -> str:
    """Tag name without its ``{namespace}``; comments and processing instructions give ``''``."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def norm(s: str) -> str:
    """Collapse white space runs (XML indentation, line breaks inside a paragraph) to one space."""
    return _WS.sub(" ", s).strip()


def text_of(elem: Element, skip: frozenset[str] = frozenset()) -> str:
    """All text inside ``elem`` (inline markup dissolved), skipping subtrees named in ``skip``."""
    if not skip:
        return norm("".join(elem.itertext()))
    parts: list[str] = []

    def walk(e: Element) -> None:
        if e.text:
            parts.append(e.text)
        for child in e:
            if local(child.tag) not in skip:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(elem)
    return norm("".join(parts))


def spaced_text(elem: Element, skip: frozenset[str] = frozenset()) -> str:
    """Text with a space wherever two elements' words would otherwise touch.

    Reference lists are field lists (``<surname>Lee</surname><given-names>K</given-names>``), so
    plain concatenation would give ``LeeK``; paragraphs should use :func:`text_of` instead.
    """
    parts: list[str] = []

    def add(s: str | None) -> None:
        if not s:
            return
        if parts and parts[-1] and parts[-1][-1].isalnum() and s[0].isalnum():
            parts.append(" ")
        parts.append(s)

    def walk(e: Element) -> None:
        add(e.text)
        for child in e:
            if local(child.tag) not in skip:
                walk(child)
            add(child.tail)

    walk(elem)
    return norm("".join(parts))


def find(elem: Element, *path: str) -> Element | None:
    """First descendant along a path of local names (namespace-blind ``elem.find``)."""
    cur: Element | None = elem
    for name in path:
        if cur is None:
            return None
        cur = next((c for c in cur if local(c.tag) == name), None)
    return cur


def children(elem: Element, name: str) -> Iterator[Element]:
    return (c for c in elem if local(c.tag) == name)


def descendants(elem: Element, name: str) -> Iterator[Element]:
    return (c for c in elem.iter() if local(c.tag) == name)


def iterparse(fh: Readable, events: Iterable[str]) -> Iterator[tuple[str, Element]]:
    """:func:`defusedxml.ElementTree.iterparse`: entities and external references refused."""
    parsed: Iterator[tuple[str, Element]] = DET.iterparse(
        fh, events=tuple(events), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    return parsed


def xml_error(source: Source, exc: BaseException) -> ReadError:
    """Turn a parse failure into a :class:`ReadError` that says what happened."""
    if isinstance(exc, DET.EntitiesForbidden) and (exc.sysid or exc.pubid):
        return ReadError(
            source.name, "refused: the XML declares an external entity (never resolved or fetched)"
        )
    if isinstance(exc, DET.EntitiesForbidden):
        return ReadError(
            source.name,
            "refused: the XML declares entities (entity expansion such as 'billion laughs' is an attack; "
            "entities are never expanded)",
        )
    if isinstance(exc, DET.ExternalReferenceForbidden):
        return ReadError(source.name, "refused: the XML refers to an external entity (never resolved)")
    if isinstance(exc, defusedxml.DefusedXmlException):
        return ReadError(source.name, f"refused unsafe XML: {exc}")
    if isinstance(exc, ET.ParseError):
        return ReadError(source.name, f"malformed XML: {exc}")
    if isinstance(exc, RecursionError):
        # the parser copes with any depth, but walking the tree recursively does not
        return ReadError(source.name, "refused: the XML is nested too deeply to read")
    if isinstance(exc, GZIP_ERRORS):
        return gzip_error(source, exc)
    if isinstance(exc, OSError):
        return ReadError(source.name, f"cannot read file: {exc.strerror or exc}")
    raise exc


#: What :func:`xml_error` knows how to report; anything else is a bug and propagates.
XML_ERRORS: tuple[type[BaseException], ...] = (
    defusedxml.DefusedXmlException,
    ET.ParseError,
    OSError,
    RecursionError,
    *GZIP_ERRORS,
)


class CountingReader:
    """A binary file wrapper that counts bytes read, to bound the size of one streamed record."""

    def __init__(self, fh: Readable) -> None:
        self._fh = fh
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        self.count += len(data)
        return data


@dataclass(slots=True)
class _Pending:
    title: str
    start: int
    end: int  # -1 while the section is open
    kind: SectionKind


class TextAssembler:
    """Build a document text from blocks (paragraphs, headings, tables) separated by blank lines."""

    __slots__ = ("_parts", "_pos", "_open")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pos = 0
        self._open: list[_Pending] = []

    @property
    def pos(self) -> int:
        return self._pos

    def block(self, text: str, *, tight: bool = False) -> tuple[int, int] | None:
        """Append a block; returns its ``(start, end)`` offsets, or ``None`` for blank text.

        Blocks are separated by a blank line; a ``tight`` block follows the previous one on the next
        line (the text under a label: ``"CASE PRESENTATION\\nA 34-year-old man ..."``).
        """
        text = text.strip()
        if not text:
            return None
        if self._pos:
            sep = "\n" if tight else "\n\n"
            self._parts.append(sep)
            self._pos += len(sep)
        start = self._pos
        self._parts.append(text)
        self._pos += len(text)
        return start, self._pos

    def open_section(self, title: str, kind: SectionKind, *, show_title: bool = True) -> int:
        """Start a section; its heading line is written unless ``show_title`` is false."""
        span = self.block(title) if show_title else None
        start = span[0] if span else self._pos + (2 if self._pos else 0)
        self._open.append(_Pending(title, start, -1, kind))
        return len(self._open) - 1

    def close_section(self, handle: int) -> None:
        """End the section at the current end of text (an empty section is dropped at build)."""
        self._open[handle].end = self._pos

    def add_section(self, title: str, start: int, end: int, kind: SectionKind) -> None:
        self._open.append(_Pending(title, start, end, kind))

    def build(self) -> tuple[str, list[Section]]:
        """The text and its sections, sorted by start (a parent before the subsections it holds)."""
        sections = [Section(p.title, p.start, p.end, p.kind) for p in self._open if p.end > p.start]
        sections.sort(key=lambda sec: (sec.start, -sec.end))
        return "".join(self._parts), sections
