"""The rows of a literature table as case records: each cell decoded by its column's meaning.

A row becomes a :class:`LiteratureCase` — a :class:`~spinecase.records.CaseRecord` marked
``secondary`` (reported by another paper), with the reference number it is cited under and the
reference as ``cited_by`` — whose evidence spans are the cells' offsets in the citing document. Cells
are decoded with the table's own legend first ("L liver"), then the package's abbreviations
(``data/abbreviations.yaml``), then the project's lexicons (sites, procedures, agents, histology).
The row of the citing paper's own patient ("Current report", "Present case") is not an earlier case
and is skipped. What the caption says of every row ("12 cases of gastrointestinal stromal tumor")
gives the histology when no column does.

Example::

    >>> from spinecase.documents import Document
    >>> text = '''Table 1 Earlier cases of renal cell carcinoma
    ... Case Age/Sex Level Treatment Outcome Reference
    ... 1 58/M L2 TES NED 30 mo [4]
    ... 2 71/F T7 RT + ZA DOD 18 mo [9]
    ... TES total en bloc spondylectomy, NED no evidence of disease, DOD died of disease'''
    >>> cases = literature_cases(Document(id="doc", text=text, source="doc.txt", format="text"))
    >>> [(c.age, c.sex, c.spinal_levels, c.spinal_surgery, c.vital_status, c.follow_up_months, c.reference_number)
    ...  for c in cases]
    [(58, 'male', ['L2'], ['en_bloc_resection'], 'alive', 30.0, 4), (71, 'female', ['T7'], [], 'dead', 18.0, 9)]
    >>> cases[1].radiotherapy[0].modality, cases[1].systemic_agents, cases[0].histology, cases[0].primary_site
    ('radiotherapy', ['zoledronic_acid'], 'renal_cell_carcinoma', 'kidney')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..documents.model import Document
from ..records import CaseRecord, RadiotherapyCourse, Span
from .abbreviations import Legend, abbreviations, load_data, site_codes_in
from .levels import parse_levels
from .littable import Cell, LiteratureTable, Row, document_tables
from .references import Reference, document_references, find_by_author


class LiteratureCase(CaseRecord):
    """A case read from a table of earlier cases: a patient of another publication.

    ``cited_by`` is the reference as the citing paper gives it (its reference-list entry when there is
    one, else the table's cell); ``reference_number`` its number in that list.
    """

    secondary: bool = True
    cited_by: str | None = None
    reference_number: int | None = None
    table: str | None = None


@dataclass
class _Values:
    """The fields of one row as they are decoded, with the cells that support them."""

    data: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, list[Span]] = field(default_factory=dict)

    def set(self, name: str, value: Any, cell: Cell | None, *, overwrite: bool = False) -> None:
        if value in (None, [], ""):
            return
        if name in self.data and not overwrite:
            if isinstance(value, list) and isinstance(self.data[name], list):
                self.data[name] = list(dict.fromkeys([*self.data[name], *value]))
            else:
                return
        else:
            self.data[name] = value
        if cell is None:
            return
        spans = self.evidence.setdefault(name, [])
        span = Span(start=cell.start, end=cell.end)
        if span not in spans:
            spans.append(span)


@lru_cache(maxsize=1)
def _empty_cell() -> re.Pattern[str]:
    return re.compile(rf"(?:{load_data('littable.yaml')['empty_cell']})", re.IGNORECASE)


@lru_cache(maxsize=1)
def _self_reference() -> re.Pattern[str]:
    return re.compile(load_data("littable.yaml")["self_reference"], re.IGNORECASE)


def is_empty(text: str) -> bool:
    """A cell that states nothing (``–``, ``N/A``, ``NR``, ``unknown``…)."""
    return not text.strip() or bool(_empty_cell().fullmatch(text.strip()))


_NUMBER = re.compile(
    r"(?P<n>\d+(?:[.,]\d+)?)\s*(?P<u>mo(?:nths?|s)?|m|y(?:ears?|rs?)?|yr|d(?:ays?)?|w(?:ee)?ks?)?\b\.?"
)
_PER_MONTH = {"y": 12.0, "mo": 1.0, "d": 1 / 30.44, "wk": 7 / 30.44}


def _unit_key(unit: str | None) -> str | None:
    if not unit:
        return None
    u = unit.lower()
    if u.startswith("y"):
        return "y"
    if u.startswith("m"):
        return "mo"
    if u.startswith("d"):
        return "d"
    return "wk"


def months(text: str, default_unit: str | None) -> float | None:
    """Months in a cell (``30 mo``, ``2.5 years``, ``9`` under a header in years); ``None`` when no unit
    is known: a bare number is never guessed to be months."""
    m = _NUMBER.search(text)
    if not m:
        return None
    unit = _unit_key(m.group("u")) or default_unit
    if unit is None:
        return None
    value = float(m.group("n").replace(",", ".")) * _PER_MONTH[unit]
    return round(value, 2)


# -- references ---------------------------------------------------------------------------------------

_BRACKETS = re.compile(
    r"\[(\d{1,3}(?:\s*[,–\-]\s*\d{1,3})*)\]|\((\d{1,3})\)|^(?:ref\.?\s*)?(\d{1,3})$|al\.?\s*(\d{1,3})$"
)
_AUTHOR_YEAR = re.compile(r"^(?P<a>[A-ZÀ-Þ][\w'’\-]+).*?\(?(?P<y>(?:19|20)\d\d)[a-z]?\)?", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Citation:
    """Which earlier paper a row comes from."""

    number: int | None
    text: str


def citation(cell: str, refs: dict[int, Reference]) -> Citation:
    """The reference of a row from its reference cell (``[2]``, ``Fenwick (2008)``, ``Smith et al. [4]``)."""
    text = " ".join(cell.split())
    number: int | None = None
    m = _BRACKETS.search(text)
    if m:
        group = next(g for g in m.groups() if g)
        number = int(re.split(r"\s*[,–\-]\s*", group)[0])
    else:
        ay = _AUTHOR_YEAR.match(text)
        if ay:
            ref = find_by_author(refs, ay.group("a"), int(ay.group("y")))
            number = ref.number if ref else None
    entry = refs.get(number) if number is not None else None
    if entry is not None:
        return Citation(number, f"[{number}] {entry.text}")
    return Citation(number, text)


# -- treatment ----------------------------------------------------------------------------------------

_DOSE = re.compile(
    r"(?P<dose>\d+(?:\.\d+)?)\s*Gy(?:\s*(?:/|in|×|x)\s*(?P<fx>\d{1,2})\s*(?:fx|fr|fractions?)?)?",
    re.IGNORECASE,
)


def treatment(text: str, legend: Legend) -> tuple[list[str], list[RadiotherapyCourse], list[str]]:
    """Spinal surgery codes, radiotherapy courses and systemic agents named in a treatment cell."""
    from ..extract.terms import radiotherapy_table, regimens, surgery_table, systemic_table

    expanded = legend.expand(text, abbreviations()["treatment"])
    surgery = list(dict.fromkeys(code for code, _, _ in surgery_table().find(expanded)))
    if len(surgery) > 1 and "spinal_surgery" in surgery:
        surgery.remove("spinal_surgery")
    modalities = list(dict.fromkeys(code for code, _, _ in radiotherapy_table().find(expanded)))
    if len(modalities) > 1 and "radiotherapy" in modalities:
        modalities.remove("radiotherapy")  # "stereotactic body radiotherapy" also reads as radiotherapy
    courses = [RadiotherapyCourse(modality=m) for m in modalities]
    dose = _DOSE.search(expanded)
    if dose and len(courses) == 1:
        fx = dose.group("fx")
        courses = [
            RadiotherapyCourse(
                modality=courses[0].modality,
                total_dose_gy=float(dose.group("dose")),
                fractions=int(fx) if fx else None,
            )
        ]
    agents: list[str] = []
    for code, _, _ in systemic_table().find(expanded):
        if code.startswith("class:"):
            agents.append(code.split(":", 1)[1])
        elif code.startswith("regimen:"):
            agents += regimens().get(code, [])
        else:
            agents.append(code)
    return surgery, courses, list(dict.fromkeys(agents))


# -- outcome ------------------------------------------------------------------------------------------


def outcome(text: str, legend: Legend, unit: str | None) -> dict[str, Any]:
    """Vital status, local recurrence and follow-up months stated in an outcome cell."""
    data = abbreviations()
    words = data["outcome_words"]
    out: dict[str, Any] = {}
    for token in re.findall(r"[A-Za-z]+", text):
        info = data["outcome"].get(token) if token.isupper() or token in data["outcome"] else None
        definition = legend.get_definition(token) if token.isupper() else None
        if definition:
            out |= {k: v for k, v in _status_words(definition, words).items() if k not in out}
        elif info:
            out |= {k: v for k, v in info.items() if k != "label" and k not in out}
    out |= {k: v for k, v in _status_words(text, words).items() if k not in out}
    follow = months(text, unit)
    if follow is not None:
        out["follow_up_months"] = follow
    return out


def _status_words(text: str, words: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def has(key: str) -> bool:
        return bool(re.search(rf"\b(?:{words[key]})\b", text, re.IGNORECASE))

    if has("dead"):
        out["vital_status"] = "dead"
    elif has("alive"):
        out["vital_status"] = "alive"
    if has("no_recurrence") or re.search(r"no\s+evidence\s+of\s+disease", text, re.IGNORECASE):
        out["local_recurrence"] = False
    elif has("recurrence"):
        out["local_recurrence"] = True
    return out


_YES = re.compile(
    r"^(?:yes|y|\+|present|positive)$|deficit|pares[ie]s|plegi|weakness|myelopathy|cauda\s+equina|frankel\s+[a-d]\b|asia\s+[a-d]\b",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^(?:no|n|-|–|none|absent|negative|intact|normal)$|frankel\s+e\b|asia\s+e\b|no\s+deficit", re.IGNORECASE
)


def _flag(text: str, yes: re.Pattern[str], no: re.Pattern[str]) -> bool | None:
    t = text.strip()
    if no.search(t):
        return False
    if yes.search(t):
        return True
    return None


# -- rows ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    legend: Legend
    refs: dict[int, Reference]
    histology: str | None = None
    histology_cell: Cell | None = None
    site: str | None = None
    site_cell: Cell | None = None


def _caption_context(
    table: LiteratureTable, text: str | None, legend: Legend, refs: dict[int, Reference]
) -> _Context:
    """What the caption says of every row: the histology, when it names exactly one ("12 cases of
    gastrointestinal stromal tumor"), and the primary site written just before it ("pancreatic NET")
    or implied by it (renal cell carcinoma: kidney)."""
    from ..extract.terms import histology_info, histology_table, site_table

    if text is not None and table.caption_span is not None:
        source, (start, end) = text, table.caption_span
    else:
        source, start, end = table.caption, 0, len(table.caption)
    hits = list(histology_table().find(source, start, end))
    if len({code for code, _, _ in hits}) != 1:
        return _Context(legend, refs)
    code, h_start, h_end = hits[0]
    located = text is not None and table.caption_span is not None
    h_cell = Cell(source[h_start:h_end], h_start, h_end) if located else None
    site: str | None = None
    s_cell: Cell | None = None
    for s_code, s_start, s_end in site_table().find(source, max(start, h_start - 40), h_start):
        if re.fullmatch(r"\s*(?:[\w-]+\s+)?", source[s_end:h_start]):
            site, s_cell = s_code, (Cell(source[s_start:s_end], s_start, s_end) if located else None)
    if site is None:
        site, s_cell = histology_info().get(code, {}).get("implies_site"), h_cell
    return _Context(legend, refs, code, h_cell, site, s_cell)


def _decode(kind: str, cell: Cell, unit: str | None, ctx: _Context, v: _Values) -> None:
    text = " ".join(cell.text.split())
    if kind == "primary" and re.search(r"\bunknown|\bCUP\b|occult", text, re.IGNORECASE):
        v.set("primary_site", "unknown", cell)
        return
    if is_empty(text):
        return
    if kind in ("age_sex", "age", "sex"):
        age = re.search(r"\b(\d{1,3})\b", text)
        if age and kind != "sex" and 0 < int(age.group(1)) < 120:
            v.set("age", int(age.group(1)), cell)
        sex = re.search(
            r"(?<![A-Za-z])(?:(?P<m>M|male|man)|(?P<f>F|female|woman))(?![a-z])", text, re.IGNORECASE
        )
        if sex and kind != "age":
            v.set("sex", "male" if sex.group("m") else "female", cell)
    elif kind == "primary":
        sites = site_codes_in(text)
        if sites:
            v.set("primary_site", sites[0], cell)
        _decode_histology(text, cell, v)
    elif kind == "histology":
        _decode_histology(text, cell, v)
    elif kind == "metastases":
        v.set("other_metastasis_sites", ctx.legend.sites(text), cell)
        v.set("spinal_levels", [lv for lv in parse_levels(text) if re.search(r"\d", lv)], cell)
    elif kind == "level":
        v.set("spinal_levels", parse_levels(text), cell)
    elif kind in ("treatment", "radiotherapy", "systemic", "other"):
        surgery, courses, agents = treatment(text, ctx.legend)
        if kind in ("treatment", "other"):
            v.set("spinal_surgery", surgery, cell)
        if kind in ("treatment", "radiotherapy", "other"):
            v.set("radiotherapy", courses, cell)
        v.set("systemic_agents", agents, cell)
    elif kind == "interval":
        if re.search(
            r"sync|simultan|concurrent|at\s+(?:diagnosis|presentation)|^S$|^0$", text, re.IGNORECASE
        ):
            v.set("presentation", "synchronous", cell)
            v.set("interval_months", 0.0, cell)
        else:
            value = months(text, unit)
            if value is not None:
                v.set("interval_months", value, cell)
                v.set("presentation", "synchronous" if value == 0 else "metachronous", cell)
    elif kind == "presentation":
        if re.search(r"\bsync|^S$", text, re.IGNORECASE):
            v.set("presentation", "synchronous", cell)
        elif re.search(r"\bmeta|^M$", text, re.IGNORECASE):
            v.set("presentation", "metachronous", cell)
    elif kind == "follow_up":
        value = months(text, unit)
        if value is not None:
            v.set("follow_up_months", value, cell)
        for name, val in _status_words(text, abbreviations()["outcome_words"]).items():
            v.set(name, val, cell)
    elif kind == "outcome":
        for name, val in outcome(text, ctx.legend, unit).items():
            v.set(name, val, cell)
    elif kind == "recurrence":
        flag = _flag(
            text,
            re.compile(r"^(?:yes|y|\+)$|recurr|relapse", re.I),
            re.compile(r"^(?:no|n|-|none)$|no\s+recurr", re.I),
        )
        if flag is not None:
            v.set("local_recurrence", flag, cell)
    elif kind == "neuro":
        flag = _flag(text, _YES, _NO)
        if flag is not None:
            v.set("neurological_deficit", flag, cell)


def _decode_histology(text: str, cell: Cell, v: _Values) -> None:
    from ..extract.terms import histology_table

    codes = [code for code, _, _ in histology_table().find(text)]
    if codes:
        v.set("histology", codes[0], cell)


def _row_case(
    document: str, number: int, table: LiteratureTable, row: Row, ctx: _Context
) -> LiteratureCase | None:
    v = _Values()
    cite: Citation | None = None
    for i, col in enumerate(table.columns):
        cell = row.cell(i)
        if cell is None:
            continue
        if _self_reference().search(cell.text):
            return None  # the citing paper's own patient
        if col.kind == "reference":
            if not is_empty(cell.text):
                cite = citation(cell.text, ctx.refs)
            continue
        _decode(col.kind, cell, col.unit, ctx, v)
    if not v.data and cite is None:
        return None
    if ctx.histology and "histology" not in v.data:
        v.set("histology", ctx.histology, ctx.histology_cell)
    if "primary_site" not in v.data and v.data.get("histology") == ctx.histology and ctx.site:
        v.set("primary_site", ctx.site, ctx.site_cell)
    others = v.data.get("other_metastasis_sites")
    if others and v.data.get("primary_site") in others:  # the primary itself is not a metastatic site
        v.data["other_metastasis_sites"] = [s for s in others if s != v.data["primary_site"]]
        if not v.data["other_metastasis_sites"]:
            del v.data["other_metastasis_sites"]
            v.evidence.pop("other_metastasis_sites", None)
    return LiteratureCase(
        document=document,
        case=number,
        cited_by=cite.text if cite else None,
        reference_number=cite.number if cite else None,
        table=table.label,
        evidence=v.evidence,
        **v.data,
    )


def table_cases(
    document: str,
    table: LiteratureTable,
    refs: dict[int, Reference] | None = None,
    first: int = 1,
    text: str | None = None,
) -> list[LiteratureCase]:
    """The earlier cases of one table, numbered from ``first`` (``text``: the document's text, for the
    evidence of what the caption says)."""
    ctx = _caption_context(table, text, table.legend, refs or {})
    out: list[LiteratureCase] = []
    for row in table.rows:
        case = _row_case(document, first + len(out), table, row, ctx)
        if case is not None:
            out.append(case)
    return out


def literature_cases(
    document: Document, tables: Callable[[Document], list[LiteratureTable]] = document_tables
) -> list[LiteratureCase]:
    """Every earlier case tabulated in ``document``, numbered 1, 2, … across its tables."""
    found = tables(document)
    if not found:
        return []
    refs = document_references(document)
    out: list[LiteratureCase] = []
    for table in found:
        out += table_cases(document.id, table, refs, first=len(out) + 1, text=document.text)
    return out
