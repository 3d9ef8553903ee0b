"""Exporting cases: JSON Lines in the interchange contract, CSV and Excel tables.

The ``jsonl`` export is exactly ``CaseRecord.to_contract()`` of each case, curated values applied, so a
curated registry can be scored against gold like the extractor's own output. Literature-table
(secondary) cases are left out of it unless asked for: the contract describes a document's own
patients. Exports stream: a case is written as soon as it is read.

Example::

    >>> import io
    >>> from spinecase.registry import open_registry
    >>> reg = open_registry("sqlite:///:memory:")
    >>> out = io.StringIO()
    >>> with reg.session() as s:
    ...     export_cases(s, CaseFilter(), "csv", out)
    0
    >>> out.getvalue().split(",")[:3]
    ['case_id', 'document', 'case']
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from ..records import CONTRACT_FIELDS
from .engine import RegistryError
from .query import CaseFilter, RegistryCase, iter_cases
from .values import CLINICAL_FIELDS

FORMATS = ("csv", "xlsx", "jsonl")
COLUMNS: tuple[str, ...] = (
    "case_id",
    "document",
    "case",
    "secondary",
    "cited_by",
    "title",
    "first_author",
    "year",
    "journal",
    "doi",
    "pmid",
    "pmcid",
    *CONTRACT_FIELDS,
    *(f"clinical.{f}" for f in CLINICAL_FIELDS),
    "curated_fields",
)


def _cell(value: Any) -> Any:
    """A table cell: lists joined by ``; ``, radiotherapy as ``srs 24 Gy/3 fx``."""
    if isinstance(value, list):
        return "; ".join(_course(v) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _course(c: dict[str, Any]) -> str:
    out = str(c.get("modality") or "radiotherapy")
    if c.get("total_dose_gy") is not None:
        out += f" {_cell(c['total_dose_gy'])} Gy"
        if c.get("fractions") is not None:
            out += f"/{c['fractions']} fx"
    return out


def table_row(case: RegistryCase) -> dict[str, Any]:
    """One case as a flat row of :data:`COLUMNS`."""
    rec, doc = case.record, case.document
    row: dict[str, Any] = {
        "case_id": case.case_id,
        "document": doc.key,
        "case": rec.case,
        "secondary": case.secondary,
        "cited_by": case.cited_by,
        "title": doc.title,
        "first_author": doc.first_author,
        "year": doc.year,
        "journal": doc.journal,
        "doi": doc.doi,
        "pmid": doc.pmid,
        "pmcid": doc.pmcid,
        "curated_fields": "; ".join(sorted(case.curated_fields)),
    }
    data = rec.model_dump(mode="json")
    for f in CONTRACT_FIELDS:
        row[f] = _cell(data[f])
    for f in CLINICAL_FIELDS:
        row[f"clinical.{f}"] = _cell(data["clinical"][f])
    return row


def contract_lines(session: Session, flt: CaseFilter) -> Iterator[str]:
    """The JSON Lines of the interchange contract, one per case."""
    for case in iter_cases(session, flt):
        yield json.dumps(case.record.to_contract(), ensure_ascii=False)


def _write_xlsx(session: Session, flt: CaseFilter, path: Path) -> int:
    try:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    except ModuleNotFoundError as exc:
        raise RegistryError("the xlsx export needs openpyxl: pip install 'spinecase[reports]'") from exc

    def cell(value: Any) -> Any:
        # control characters (a form feed from a PDF title) are not allowed in a worksheet
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    wb = Workbook(write_only=True)  # rows go to disk as written: no whole sheet in memory
    ws = wb.create_sheet("cases")
    ws.append(list(COLUMNS))
    n = 0
    for case in iter_cases(session, flt):
        row = table_row(case)
        ws.append([cell(row[c]) for c in COLUMNS])
        n += 1
    wb.save(path)
    return n


def export_cases(
    session: Session, flt: CaseFilter, fmt: str, out: IO[str] | Path, *, include_secondary: bool | None = None
) -> int:
    """Write the cases matching ``flt`` as ``fmt`` (``csv``, ``xlsx``, ``jsonl``) to ``out`` (a text
    stream, or a path; ``xlsx`` needs a path); returns the number of cases written.

    ``include_secondary`` defaults to false for ``jsonl`` (the contract) and true for tables.
    """
    if fmt not in FORMATS:
        raise RegistryError(f"unknown export format {fmt!r}; one of: {', '.join(FORMATS)}")
    secondary = include_secondary if include_secondary is not None else fmt != "jsonl"
    flt = replace(flt, include_secondary=flt.include_secondary and secondary)
    if fmt == "xlsx" and not isinstance(out, Path):
        raise RegistryError("the xlsx export needs an output file (--output FILE.xlsx)")
    if isinstance(out, Path):
        # write next to the target and rename at the end: an interrupted export leaves no half file
        tmp = out.with_name(out.name + ".part")
        try:
            if fmt == "xlsx":
                n = _write_xlsx(session, flt, tmp)
            else:
                with tmp.open("w", encoding="utf-8", newline="") as fh:
                    n = export_cases(session, flt, fmt, fh, include_secondary=secondary)
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
        return n
    n = 0
    if fmt == "jsonl":
        for line in contract_lines(session, flt):
            out.write(line + "\n")
            n += 1
        return n
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    for case in iter_cases(session, flt):
        writer.writerow(table_row(case))
        n += 1
    return n
