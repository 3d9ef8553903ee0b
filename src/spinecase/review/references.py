"""A document's reference list: numbered entries with their identifiers, first author, year and title.

Literature tables cite earlier cases by number (``[2]``) or by author and year (``Fenwick (2008)``);
the reference list says which paper that is, and its DOI, PMID or title lets the registry recognise
the paper when it is ingested too.

Example::

    >>> refs = parse_references('''REFERENCES
    ... 1. Fenwick J, Li K. Wide resection of renal cancer spinal metasta-
    ...    ses. Spine Oncol. 2008;4:55–61. doi:10.1000/so.2008.55
    ... 2. Abadi R, et al. Combining en bloc surgery and radiosurgery. J Neurosurg Oncol. 2012;9:301–7.''')
    >>> refs[1].first_author, refs[1].year, refs[1].doi, refs[1].title
    ('Fenwick', 2008, '10.1000/so.2008.55', 'Wide resection of renal cancer spinal metastases')
    >>> find_by_author(refs, "Abadi", 2012).number
    2
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..documents.model import Document

_HEADING = re.compile(
    r"^[ \t]*(?:references?|bibliography|literature\s+cited|works\s+cited|references\s+and\s+notes)[ \t]*:?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_ENTRY = re.compile(r"^[ \t]*(?:\[(?P<a>\d{1,3})\]|(?P<b>\d{1,3})[.)])[ \t]+(?=\S)", re.MULTILINE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_PMID = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b")
_HYPHEN_BREAK = re.compile(r"(\w)-\s*\n\s*(\w)")
_SENTENCE = re.compile(r"(?<=[a-z\]\)?!])\.\s+|(?<=[A-Z]{2})\.\s+|(?<=\b[A-Z])\.\s+(?=[A-Z][a-z])")
_AUTHOR = re.compile(
    r"^\s*(?P<surname>[A-ZÀ-Þ][\w'’\-]+(?:\s+(?:van|von|de|der|da|di|le|la)\s+[A-Z][\w'’\-]+)*)"
)


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of a reference list (``text`` is the whole entry on one line)."""

    number: int
    text: str
    first_author: str | None
    year: int | None
    title: str | None
    doi: str | None
    pmid: str | None

    def short(self) -> str:
        """``Fenwick 2008`` (or the entry's number when neither is known)."""
        parts = [p for p in (self.first_author, str(self.year) if self.year else None) if p]
        return " ".join(parts) if parts else f"ref. {self.number}"


def normalise_title(title: str) -> str:
    """Case, accents, punctuation and spacing ignored: the key titles are compared by."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


def _title(body: str) -> str | None:
    """The title of an entry: after ``(year)`` in author–year style, else the sentence after the
    author list (Vancouver style)."""
    m = re.search(r"\((?:19|20)\d\d[a-z]?\)[.:]?\s+(?P<t>[^.?!]+[?!]?)", body)
    if m and m.start() < 200:
        return m.group("t").strip() or None
    parts = [p.strip() for p in _SENTENCE.split(body) if p.strip()]
    if len(parts) >= 2:
        authors = parts[0]
        if "et al" in authors or re.search(r"\b[A-Z]{1,3}(?:,|$)", authors):
            return parts[1].rstrip(".") or None
    return None


def _year(text: str) -> int | None:
    """The publication year: ``2008;33``, ``(2010)`` or ``2012.`` before any other year."""
    for pattern in (
        r"\b((?:19|20)\d\d)[a-z]?\s*[;:]",
        r"\(((?:19|20)\d\d)[a-z]?\)",
        r"\b((?:19|20)\d\d)[a-z]?\b",
    ):
        m = re.search(pattern, text)
        if m:
            return int(m.group(1))
    return None


def parse_entry(number: int, raw: str) -> Reference:
    """One reference entry (its text after the number)."""
    text = " ".join(_HYPHEN_BREAK.sub(r"\1\2", raw).split())
    doi_m = _DOI.search(text)
    doi = doi_m.group(1).rstrip(".,;)").lower() if doi_m else None
    pmid_m = _PMID.search(text)
    author_m = _AUTHOR.match(text)
    return Reference(
        number=number,
        text=text,
        first_author=author_m.group("surname") if author_m else None,
        year=_year(text),
        title=_title(text),
        doi=doi,
        pmid=pmid_m.group(1) if pmid_m else None,
    )


def references_block(text: str) -> tuple[int, int] | None:
    """``(start, end)`` of the last reference list of a text (its heading excluded)."""
    heads = list(_HEADING.finditer(text))
    if not heads:
        return None
    start = heads[-1].end()
    return start, len(text)


def parse_references(text: str, block: tuple[int, int] | None = None) -> dict[int, Reference]:
    """The numbered entries of a text's reference list (``block``, else the last "References"
    heading to the end); entries may wrap over several lines."""
    where = block or references_block(text)
    if where is None:
        return {}
    start, end = where
    body = text[start:end]
    marks = list(_ENTRY.finditer(body))
    out: dict[int, Reference] = {}
    expected = 1
    for i, m in enumerate(marks):
        number = int(m.group("a") or m.group("b"))
        if number != expected and number in out:
            continue  # a numbered line inside an entry ("2. Stage ...") is not a new entry
        stop = marks[i + 1].start() if i + 1 < len(marks) else len(body)
        out[number] = parse_entry(number, body[m.end() : stop])
        expected = number + 1
    return out


def document_references(document: Document) -> dict[int, Reference]:
    """The reference list of a read document (its ``references`` section when the reader marked one)."""
    sections = [s for s in document.sections if s.kind == "references"]
    if sections:
        refs: dict[int, Reference] = {}
        for s in sections:
            refs |= parse_references(document.text, (s.start, s.end))
        if refs:
            return refs
    return parse_references(document.text)


def _surname_key(name: str) -> str:
    return normalise_title(name).replace(" ", "")


def find_by_author(refs: dict[int, Reference], author: str, year: int | None) -> Reference | None:
    """The entry whose first author is ``author`` (and year ``year`` when given), if exactly one."""
    key = _surname_key(author)
    hits = [
        r
        for r in refs.values()
        if r.first_author and _surname_key(r.first_author) == key and (year is None or r.year == year)
    ]
    return hits[0] if len(hits) == 1 else None


def identifiers_in(text: str) -> dict[str, str]:
    """DOI and PMID written in a reference text."""
    out: dict[str, str] = {}
    m = _DOI.search(text)
    if m:
        out["doi"] = m.group(1).rstrip(".,;)").lower()
    m = _PMID.search(text)
    if m:
        out["pmid"] = m.group(1)
    return out
