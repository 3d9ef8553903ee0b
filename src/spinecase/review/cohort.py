"""The cases a review is made of: a record, where it comes from, and how to cite it.

A :class:`ReviewCase` is a case record with its document's bibliographic data (when it comes from
the registry), whether it is *secondary* (a row of another paper's literature table) and under which
reference, and the literature tables that also report it (when a secondary case was merged into its
primary report). The review table and the statistics work on these, or on bare records.

Example::

    >>> from spinecase.records import CaseRecord
    >>> c = ReviewCase(CaseRecord(document="000_1fbb", case=1, age=61))
    >>> c.reference()
    '000_1fbb'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..records import CaseRecord
from ..registry.query import DocumentInfo, RegistryCase
from .references import parse_entry


def surname(author: str) -> str:
    """``"Kim JH"`` -> ``"Kim"``; ``"van der Berg A"`` -> ``"van der Berg"``."""
    parts = author.split()
    while len(parts) > 1 and re.fullmatch(r"[A-Z][A-Z.\-]{0,4}", parts[-1]):
        parts.pop()
    return " ".join(parts) or author


def short_citation(doc: DocumentInfo) -> str | None:
    """``Kim et al. 2020``, ``Kim 2020`` (one author), ``Kim`` or ``None`` without authors or year."""
    if not doc.authors and not doc.year:
        return None
    name = surname(doc.authors[0]) if doc.authors else None
    if name and len(doc.authors) > 2:
        name += " et al."
    elif name and len(doc.authors) == 2:
        name += f" and {surname(doc.authors[1])}"
    return " ".join(p for p in (name, str(doc.year) if doc.year else None) if p)


def identifiers(doc: DocumentInfo) -> str:
    """``doi:10.1/x; PMID 123`` (what of them the document has)."""
    parts = []
    if doc.doi:
        parts.append(f"doi:{doc.doi}")
    if doc.pmid:
        parts.append(f"PMID {doc.pmid}")
    elif doc.pmcid:
        parts.append(doc.pmcid)
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class ReviewCase:
    """One case of a review (see the module documentation)."""

    record: CaseRecord
    document: DocumentInfo | None = None
    case_id: int | None = None
    secondary: bool = False
    cited_by: str | None = None
    reference_number: int | None = None
    #: literature tables that also report this patient (``"Kim 2020 [ref. 2]"``)
    also_in: tuple[str, ...] = ()
    #: for a secondary case whose paper is in the registry but whose patient was not matched
    primary_document: str | None = None
    #: how many cases the document has (a reference then says which one)
    cases_in_document: int = 1

    @classmethod
    def from_registry(cls, case: RegistryCase) -> ReviewCase:
        return cls(
            record=case.record,
            document=case.document,
            case_id=case.case_id,
            secondary=case.secondary,
            cited_by=case.cited_by,
            reference_number=case.reference_number,
        )

    @classmethod
    def from_record(cls, record: CaseRecord) -> ReviewCase:
        """A bare record (a :class:`~spinecase.review.littable_cells.LiteratureCase` stays secondary)."""
        return cls(
            record=record,
            secondary=bool(getattr(record, "secondary", False)),
            cited_by=getattr(record, "cited_by", None),
            reference_number=getattr(record, "reference_number", None),
        )

    @property
    def year(self) -> int | None:
        if self.secondary and self.cited_by:
            return parse_entry(self.reference_number or 0, _entry(self.cited_by)).year
        return self.document.year if self.document else None

    def citing(self) -> str:
        """How the citing document (or this document) is cited: ``Kim et al. 2020`` or its key."""
        if self.document is not None:
            return short_citation(self.document) or self.document.key
        return self.record.document

    def reference(self) -> str:
        """The reference cell: first author and year (or the document key), its DOI/PMID, which case;
        for a secondary case, the cited paper and where it is cited."""
        if self.secondary:
            cited = None
            if self.cited_by:
                entry = parse_entry(self.reference_number or 0, _entry(self.cited_by))
                if entry.first_author or entry.year:
                    cited = entry.short()
                    ids = "; ".join(
                        p
                        for p in (
                            f"doi:{entry.doi}" if entry.doi else "",
                            f"PMID {entry.pmid}" if entry.pmid else "",
                        )
                        if p
                    )
                    cited += f" ({ids})" if ids else ""
            ref = f"ref. {self.reference_number}" if self.reference_number is not None else "table"
            where = f"{ref} in {self.citing()}"
            return f"{cited} [{where}]" if cited else f"[{where}]"
        text = self.citing()
        if self.document is not None:
            ids = identifiers(self.document)
            if ids:
                text += f" ({ids})"
        if self.cases_in_document > 1:
            text += f", case {self.record.case}"
        return text

    def sort_key(self) -> tuple[int, str, str, int, int, int]:
        """Chronological (year of the paper reporting the patient), then author, document, own patients
        before tabulated ones, reference number and case number."""
        if self.secondary:
            name = self.reference().casefold() if self.year else ""
            return (
                self.year or 9999,
                name,
                self.record.document,
                1,
                self.reference_number or 0,
                self.record.case,
            )
        return (self.year or 9999, self.citing().casefold(), self.record.document, 0, 0, self.record.case)


def _entry(cited_by: str) -> str:
    text = cited_by.strip()
    if text.startswith("[") and "]" in text:
        return text.partition("]")[2].strip() or text
    return text


def as_review_cases(items: Iterable[ReviewCase | CaseRecord]) -> list[ReviewCase]:
    """Review cases from review cases or bare records, with per-document case counts filled in."""
    cases = [c if isinstance(c, ReviewCase) else ReviewCase.from_record(c) for c in items]
    counts: dict[tuple[str, bool], int] = {}
    for c in cases:
        key = (c.record.document, c.secondary)
        counts[key] = counts.get(key, 0) + 1
    return [replace(c, cases_in_document=counts[(c.record.document, c.secondary)]) for c in cases]


def stats_records(cases: Sequence[ReviewCase]) -> list[CaseRecord]:
    """The records of review cases for the statistics (secondary ones keep their mark, for
    ``--by source``)."""
    from .littable_cells import LiteratureCase

    out: list[CaseRecord] = []
    for c in cases:
        if c.secondary and not isinstance(c.record, LiteratureCase):
            data = c.record.model_dump()
            out.append(
                LiteratureCase.model_validate(
                    data | {"secondary": True, "cited_by": c.cited_by, "reference_number": c.reference_number}
                )
            )
        else:
            out.append(c.record)
    return out
