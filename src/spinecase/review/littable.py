"""Tables of earlier cases inside papers: find them, read their header by meaning, split their rows.

Reviews and case reports often tabulate the previously reported cases ("Table 1: clinical data for 12
cases of GIST with spinal metastases") with an abbreviation legend under the table. This module finds
such tables in a document's text as read and returns their structure (:class:`LiteratureTable`:
columns with a *kind*, rows of cells with offsets into the text, the legend);
:mod:`~spinecase.review.littable_cells` turns the rows into case records.

Three layouts are read:

``delimited``
    one row per line, cells separated by ``" | "`` or tabs — how the JATS and HTML readers render
    ``<table>`` (see ``documents/readers/jats.py``), and some PDF extractors;
``lines``
    one row per line (a row may wrap over a few lines), cells separated by spaces only — PDF text;
``flowing``
    the rows run on like a paragraph (a PDF whose line breaks fall anywhere).

Without delimiters the cells are found by what each column holds: the header is read by meaning
(``data/littable.yaml``: "Primary tumor location" is the primary site, "Location of
metastases/invasion" the metastatic sites, "Author (year)" the reference…), and each column kind has
a grammar (a number, ``58/M``, a list of legend letters, a site of the lexicon, levels, ``[12]``…);
free-text columns (treatment) take what lies between their neighbours.

Example::

    >>> text = '''Table 2 Previously reported cases
    ... Case Age/Sex Primary Level Treatment Reference
    ... 1 58/M Kidney T7 Laminectomy and fixation [4]
    ... 2 71/F Lung L2, L3 RT [9]
    ... '''
    >>> [t.layout for t in find_tables(text)]
    ['lines']
    >>> [[c.text for c in row.cells] for row in find_tables(text)[0].rows]
    [['1', '58/M', 'Kidney', 'T7', 'Laminectomy and fixation', '[4]'], ['2', '71/F', 'Lung', 'L2, L3', 'RT', '[9]']]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from ..documents.model import Document
from .abbreviations import Legend, abbreviations, legend_score, load_data, parse_legend

Layout = Literal["delimited", "lines", "flowing"]

#: Columns whose cells are free text (what lies between typed neighbours).
FREE_KINDS = frozenset(
    {
        "treatment",
        "radiotherapy",
        "systemic",
        "symptoms",
        "neuro",
        "presentation",
        "recurrence",
        "other",
        "histology",
    }
)
_CAPTION = re.compile(
    r"^[ \t]*(?P<label>Table[ \t]+(?:\d{1,2}|[IVX]{1,5})[a-z]?)\b[ \t]*[.:|\-–—]?[ \t]*", re.MULTILINE
)
_STOP = re.compile(
    r"^[ \t]*(?:(?:Table|Fig(?:ure)?\.?|Figs?\.)[ \t]+\d|references?[ \t]*$|bibliography[ \t]*$)",
    re.IGNORECASE | re.MULTILINE,
)
_UNIT = re.compile(
    r"\(\s*(?P<u>y|yr|yrs|years?|mo|mos|m|months?|d|days?|w|wk|wks|weeks?)\s*\)|,\s*(?P<v>years?|months?|mo|y)\b",
    re.IGNORECASE,
)
#: The most characters a table may span, from its caption.
MAX_TABLE_CHARS = 30_000
#: The most characters one free-text cell may hold in the flowing layout (bounds backtracking).
MAX_FREE_CELL = 240


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its kind (``patient``, ``reference``, ``age_sex``, ``primary``, ``metastases``,
    ``level``, ``treatment``, ``outcome``… or ``other``), its header as written, the unit its header
    gives (``y``/``mo``/``d``/``wk``) and the header's offsets."""

    kind: str
    header: str
    start: int
    end: int
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    """The text of one cell and its offsets ``[start, end)`` into the document text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Row:
    """One row: a cell per column (``None`` where the row has no cell), its offsets, and whether the
    lenient grammar was needed to split it."""

    cells: tuple[Cell | None, ...]
    start: int
    end: int
    lenient: bool = False

    def cell(self, index: int) -> Cell | None:
        return self.cells[index] if index < len(self.cells) else None


@dataclass
class LiteratureTable:
    """A table of cases found in a document."""

    label: str
    caption: str
    start: int
    end: int
    layout: Layout
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    legend: Legend = field(default_factory=Legend)
    legend_span: tuple[int, int] | None = None
    caption_span: tuple[int, int] | None = None

    def kinds(self) -> list[str]:
        return [c.kind for c in self.columns]

    def index(self, kind: str) -> int | None:
        """The first column of ``kind``."""
        return next((i for i, c in enumerate(self.columns) if c.kind == kind), None)


# -- header -------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _header_patterns() -> dict[str, re.Pattern[str]]:
    data = load_data("littable.yaml")["columns"]
    tail = r"(?:\s*\([^)\n]{0,40}\)|\s*,\s*(?:years?|months?|mo|y)\b)?"
    return {
        kind: re.compile(rf"(?<![\w/])(?:{'|'.join(f'(?:{p})' for p in pats)}){tail}(?![\w/])", re.IGNORECASE)
        for kind, pats in data.items()
    }


def _unit(header: str) -> str | None:
    m = _UNIT.search(header)
    if not m:
        return None
    u = (m.group("u") or m.group("v") or "").lower()
    if u.startswith("y"):
        return "y"
    if u.startswith("m"):
        return "mo"
    if u.startswith("d"):
        return "d"
    return "wk"


def header_terms(text: str, start: int = 0, end: int | None = None) -> list[Column]:
    """Header terms in ``text[start:end]`` by meaning, leftmost-longest, not overlapping."""
    end = len(text) if end is None else end
    found: list[Column] = []
    for kind, pattern in _header_patterns().items():
        for m in pattern.finditer(text, start, end):
            found.append(Column(kind, m.group(), m.start(), m.end(), _unit(m.group())))
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[Column] = []
    for c in found:
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return out


def cell_kind(cell: str) -> tuple[str, str | None]:
    """The kind of a header cell (``"Primary tumor location"`` -> ``primary``) and its unit."""
    text = " ".join(cell.split())
    terms = header_terms(text)
    if not terms:
        return "other", None
    best = max(terms, key=lambda c: c.end - c.start)
    return best.kind, best.unit or _unit(text)


_GAP_SEPARATORS = re.compile(r"^[\s/,;:|]*$")


def _header_run(text: str, start: int, end: int) -> list[Column] | None:
    """The first run of three or more adjacent header terms in ``text[start:end]`` (words between two
    terms on one line, without digits, make an ``other`` column)."""
    terms = header_terms(text, start, end)
    runs: list[list[Column]] = []
    for term in terms:
        if runs:
            prev = runs[-1][-1]
            gap = text[prev.end : term.start]
            if _GAP_SEPARATORS.match(gap) and gap.count("\n") <= 1:
                at_line_start = "\n" in gap
                if at_line_start and sum(1 for c in runs[-1] if c.kind != "other") < 2:
                    runs[-1] = [term]  # one header word ending the caption line is the caption's
                else:
                    runs[-1].append(term)
                continue
            words = gap.split()
            if "\n" not in gap and not re.search(r"\d", gap) and len(words) <= 3:
                other_start = prev.end + (len(gap) - len(gap.lstrip()))
                runs[-1].append(Column("other", gap.strip(), other_start, other_start + len(gap.strip())))
                runs[-1].append(term)
                continue
        runs.append([term])
    for run in runs:
        if sum(1 for c in run if c.kind != "other") >= 3:
            return run
    return None


# -- value grammars -------------------------------------------------------------------------------------


def _strip_groups(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


@lru_cache(maxsize=1)
def _site_phrase() -> str:
    from ..extract.terms import site_table

    sites = _strip_groups(site_table().regex.pattern)
    mod = (
        r"(?:(?:left|right|upper|lower|proximal|distal|middle|bilateral|ascending|descending|transverse)\s+)?"
    )
    return (
        rf"(?:{mod}{sites}(?:\s+(?:{sites}|body|antrum|fundus|tumou?rs?|cancer|mass|lesion|gist))*(?:\s*\([^)\n]{{0,30}}\))?"
        r"|unknown(?:\s+primary)?|(?-i:CUP)|occult)"
    )


@lru_cache(maxsize=1)
def _histology_phrase() -> str:
    from ..extract.terms import histology_table

    return _strip_groups(histology_table().regex.pattern)


_NUM = r"\d{1,3}(?:[.,]\d{1,2})?"
_NUM_UNIT = (
    rf"(?:[<>≥≤~+]\s*)?{_NUM}\+?(?:\s*(?:mo(?:nths?|s)?|m|y(?:ears?|rs?)?|yr|d(?:ays?)?|w(?:ee)?ks?)\.?)?\+?"
)
_LEVEL_ITEM = (
    r"(?:(?:Th|[CTDLS])\s?\d{1,2}(?:\s*[-–—]\s*(?:(?:Th|[CTDLS])\s?)?\d{1,2})?"
    r"|sacrum|sacral|coccyx|multiple|diffuse|cervical|thoracic|lumbar|lumbosacral|thoracolumbar|cervicothoracic)"
)
_LIST_SEP = r"\s*(?:,|;|/|\+|&|\band\b)\s*"
_AUTHOR_YEAR = (
    r"(?-i:[A-ZÀ-Þ])[\w'’\-]+(?:\s+(?:et\s+al\.?|and\s+(?-i:[A-Z])[\w'’\-]+|&\s+(?-i:[A-Z])[\w'’\-]+))?,?\s*"
    r"(?:\((?:19|20)\d\d[a-z]?\)|(?:19|20)\d\d[a-z]?)(?:\s*\[\d{1,3}\])?"
)


@lru_cache(maxsize=1)
def _self_reference() -> str:
    return str(load_data("littable.yaml")["self_reference"])


@lru_cache(maxsize=1)
def _empty() -> str:
    return rf"(?:{load_data('littable.yaml')['empty_cell']})"


def _outcome_status(legend: Legend) -> str:
    data = abbreviations()
    words = "|".join(f"(?:{w})" for w in data["outcome_words"].values())
    keys = set(data["outcome"]) | {k for k, v in legend.items() if _status_definition(v)}
    abbr = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return rf"(?:(?-i:{abbr})|{words})"


def _status_definition(definition: str) -> bool:
    data = abbreviations()["outcome_words"]
    return any(re.search(rf"\b(?:{w})\b", definition, re.IGNORECASE) for w in data.values())


def _grammar(kind: str, legend: Legend) -> str | None:
    """The pattern of a cell of ``kind`` (``None``: free text)."""
    if kind == "patient":
        return r"(?:(?:case|patient|pt\.?|no\.?|#)\s*)?\d{1,3}[a-z]?\*?"
    if kind == "reference":
        return (
            rf"(?:\[\d{{1,3}}(?:\s*[,–\-]\s*\d{{1,3}})*\]|\(\d{{1,3}}\)|(?:ref\.?\s*)?\d{{1,3}}"
            rf"|{_AUTHOR_YEAR}|(?-i:[A-ZÀ-Þ])[\w'’\-]+(?:\s+et\s+al\.?)?\s*\[\d{{1,3}}\]|{_self_reference()})"
        )
    if kind == "age_sex":
        return (
            r"(?:\d{1,3}\s*(?:y(?:ears?|rs?)?\.?|yo)?\s*[/,\-]?\s*(?:(?-i:[MF])|male|female|man|woman)"
            r"|(?:(?-i:[MF])|male|female)\s*[/,]\s*\d{1,3})"
        )
    if kind == "age":
        return r"\d{1,3}(?:\s*(?:y|yrs?|years?))?"
    if kind == "sex":
        return r"(?:(?-i:[MF])|male|female|man|woman)"
    if kind == "year":
        return r"(?:19|20)\d\d"
    if kind == "level":
        return rf"{_LEVEL_ITEM}(?:{_LIST_SEP}{_LEVEL_ITEM})*(?:\s+(?:spine|vertebrae?))?"
    if kind == "primary":
        return _site_phrase()
    if kind == "metastases":
        from ..extract.terms import site_table

        keys = sorted(
            set(legend.site_keys())
            | set(abbreviations()["read_sites"])
            | set(abbreviations()["sites"].values()),
            key=len,
            reverse=True,
        )
        letters = "|".join(re.escape(k) for k in keys)
        spine = abbreviations()["spine_words"]
        sites = _strip_groups(site_table().regex.pattern)
        item = rf"(?:(?-i:{letters})(?![\w/])|{sites}|{spine}|none|no|nil)"
        return rf"{item}(?:{_LIST_SEP}{item})*"
    if kind in ("interval", "follow_up"):
        return (
            rf"(?:{_NUM_UNIT}|sync(?:hronous)?\.?|simultaneous(?:ly)?|concurrent|at\s+(?:diagnosis|presentation)"
            r"|(?-i:S)|metachronous)"
        )
    if kind == "outcome":
        status = _outcome_status(legend)
        return (
            rf"(?:(?:{_NUM_UNIT}\s*,?\s*)?{status}(?:\s*(?:,|at|after|for|;)?\s*{_NUM_UNIT})?"
            rf"(?:\s*(?:,|;)?\s*{status})?)"
        )
    return None


def _row_pattern(
    columns: Sequence[Column], legend: Legend, *, lenient: bool, flowing: bool
) -> re.Pattern[str]:
    free = rf"[\s\S]{{1,{MAX_FREE_CELL}}}?" if flowing else r"[\s\S]+?"
    parts = []
    for i, col in enumerate(columns):
        grammar = _grammar(col.kind, legend)
        if grammar is None:
            body = free
        elif lenient:
            body = rf"(?:{grammar}|{_empty()}|{free})"
        else:
            body = rf"(?:{grammar}|{_empty()})"
        parts.append(rf"(?P<c{i}>{body})")
    end = r"(?=\s|$)" if flowing else r"\s*$"
    joined = r"\s+".join(parts)
    return re.compile(rf"\s*{joined}{end}", re.IGNORECASE)


# -- rows ---------------------------------------------------------------------------------------------


def _row_of(m: re.Match[str], n: int) -> Row:
    cells: list[Cell | None] = []
    for i in range(n):
        s, e = m.span(f"c{i}")
        cells.append(Cell(m.group(f"c{i}"), s, e) if s >= 0 else None)
    first = next((c for c in cells if c), None)
    return Row(tuple(cells), first.start if first else m.start(), m.end())


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``(start, end)`` of the non-blank lines of ``text[start:end]``."""
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        if text[pos:stop].strip():
            out.append((pos, stop))
        pos = stop + 1
    return out


def _starts_row(columns: Sequence[Column], legend: Legend) -> re.Pattern[str] | None:
    """How a row begins, when its first column has a grammar (a number, ``Fenwick (2008)``…)."""
    first = _grammar(columns[0].kind, legend) if columns else None
    return re.compile(rf"\s*(?:{first})(?=\s)", re.IGNORECASE) if first else None


def _parse_lines(
    text: str, lines: list[tuple[int, int]], columns: list[Column], legend: Legend
) -> tuple[list[Row], int]:
    """Rows of one or a few lines each; returns the rows and how many lines the strict grammar read.

    The lenient grammar (typed columns may hold free text) is compiled only when a line needs it:
    patterns holding the site lexicon are large, and most tables never need it."""
    patterns: list[tuple[re.Pattern[str], bool]] = [
        (_row_pattern(columns, legend, lenient=False, flowing=False), False)
    ]
    starts_row = _starts_row(columns, legend)

    def continues(j: int) -> bool:
        """Line ``j`` may continue the row above (it does not begin like a row)."""
        return starts_row is None or not starts_row.match(text, lines[j][0], lines[j][1])

    def attempt(i: int, pattern: re.Pattern[str], is_lenient: bool) -> tuple[Row, int] | None:
        for span in (1, 2, 3):
            if i + span > len(lines) or (span > 1 and not continues(i + span - 1)):
                break
            m = pattern.fullmatch(text, lines[i][0], lines[i + span - 1][1])
            if m:
                row = _row_of(m, len(columns))
                return Row(row.cells, row.start, row.end, is_lenient), span
        return None

    rows: list[Row] = []
    strict_lines = 0
    i = 0
    failures = 0
    while i < len(lines):
        found = attempt(i, *patterns[0])
        if found is None:
            if len(patterns) == 1:
                patterns.append((_row_pattern(columns, legend, lenient=True, flowing=False), True))
            found = attempt(i, *patterns[1])
        if found is None:
            failures += 1
            if rows and failures >= 2:
                break
            i += 1
            continue
        row, span = found
        rows.append(row)
        strict_lines += 0 if row.lenient else span
        i += span
        failures = 0
    return rows, strict_lines


def _parse_flowing(text: str, start: int, end: int, columns: list[Column], legend: Legend) -> list[Row]:
    pattern = _row_pattern(columns, legend, lenient=False, flowing=True)
    rows: list[Row] = []
    pos = start
    while pos < end:
        m = pattern.match(text, pos, end)
        if not m or m.end() <= pos:
            break
        rows.append(_row_of(m, len(columns)))
        pos = m.end()
    return rows


def _legend_block(text: str, lines: list[tuple[int, int]], first: int) -> tuple[int, int]:
    """The legend starting at line ``first``: it goes on while a line does not end a sentence."""
    s = lines[first][0]
    e = lines[first][1]
    i = first
    while not text[s:e].rstrip().endswith(".") and i + 1 < len(lines):
        nxt_s, nxt_e = lines[i + 1]
        if "\n\n" in text[e:nxt_s] or text[e:nxt_s].count("\n") > 1:
            break
        i += 1
        e = nxt_e
    return s, e


def _find_legend(
    text: str, lines: list[tuple[int, int]], columns: list[Column]
) -> tuple[int, tuple[int, int]] | None:
    """The first legend line of ``lines`` that does not begin like a row: its index and the legend's span."""
    starts_row = _starts_row(columns, Legend())
    for i, (s, e) in enumerate(lines):
        if legend_score(text[s:e]) >= 2 and (starts_row is None or not starts_row.match(text, s, e)):
            return i, _legend_block(text, lines, i)
    return None


# -- delimited tables -----------------------------------------------------------------------------------


def _split_cells(text: str, s: int, e: int, delimiter: str) -> list[Cell]:
    cells: list[Cell] = []
    pos = s
    line = text[s:e]
    for part in line.split(delimiter):
        raw_start = pos
        pos += len(part) + len(delimiter)
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        cells.append(Cell(stripped, raw_start + lead, raw_start + lead + len(stripped)))
    return cells


def _delimiter(text: str, lines: list[tuple[int, int]]) -> str | None:
    for delim in (" | ", "\t"):
        if sum(1 for s, e in lines if delim in text[s:e]) >= 2:
            return delim
    return None


def _parse_delimited(
    text: str, lines: list[tuple[int, int]], delimiter: str
) -> tuple[list[Column], list[Row], list[tuple[int, int]]] | None:
    """Header (the first delimited line whose cells name two or more known kinds), rows, other lines."""
    header_at = None
    columns: list[Column] = []
    for i, (s, e) in enumerate(lines):
        if delimiter not in text[s:e]:
            continue
        cells = _split_cells(text, s, e, delimiter)
        kinds = [cell_kind(c.text) for c in cells]
        if sum(1 for k, _ in kinds if k != "other") >= 2 and not any(
            re.search(r"\[\d", c.text) for c in cells
        ):
            header_at = i
            columns = [Column(k, c.text, c.start, c.end, u) for (k, u), c in zip(kinds, cells, strict=True)]
            break
    if header_at is None:
        return None
    rows: list[Row] = []
    rest: list[tuple[int, int]] = []
    for s, e in lines[header_at + 1 :]:
        if delimiter not in text[s:e]:
            rest.append((s, e))
            continue
        cells = _split_cells(text, s, e, delimiter)
        if len(cells) < max(2, len(columns) // 2) or not any(c.text for c in cells):
            rest.append((s, e))
            continue
        row_kinds = [cell_kind(c.text)[0] for c in cells]
        if (
            sum(1 for k in row_kinds if k != "other") >= 2
            and len(rows) == 0
            and not re.search(r"\d", text[s:e])
        ):
            continue  # a second header line (grouped headers)
        padded: list[Cell | None] = [c if c.text else None for c in cells[: len(columns)]]
        padded += [None] * (len(columns) - len(padded))
        rows.append(Row(tuple(padded), s, e))
    return columns, rows, rest


# -- finding tables -------------------------------------------------------------------------------------


def _region_end(text: str, start: int, limit: int) -> int:
    m = _STOP.search(text, start, limit)
    return m.start() if m else limit


def parse_table(text: str, caption_start: int, end: int, label: str = "Table") -> LiteratureTable | None:
    """The table whose caption starts at ``caption_start`` (its text ends by ``end``), or ``None`` when
    no header of a cases table follows the caption."""
    cap = _CAPTION.match(text, caption_start)
    body_start = cap.end() if cap else caption_start
    label = cap.group("label") if cap else label
    first_nl = text.find("\n", body_start, end)
    lines = _lines(text, body_start, end)
    if not lines:
        return None
    delimiter = _delimiter(text, lines)
    if delimiter is not None:
        parsed = _parse_delimited(text, lines, delimiter)
        if parsed is None:
            return None
        columns, rows, rest = parsed
        caption = text[body_start : first_nl if first_nl > 0 else end].strip()
        cap_end = first_nl if first_nl > 0 else end
        table = LiteratureTable(
            label, caption, caption_start, end, "delimited", columns, rows, caption_span=(body_start, cap_end)
        )
        legend_lines = [(s, e) for s, e in rest if legend_score(text[s:e]) >= 1]
        if legend_lines:
            span = (legend_lines[0][0], legend_lines[-1][1])
            table.legend = parse_legend(" ".join(text[s:e] for s, e in legend_lines))
            table.legend_span = span
        return _finish(table)
    window_end = min(end, body_start + 1200)
    run = _header_run(text, body_start, window_end)
    if run is None:
        return None
    best: LiteratureTable | None = None
    # a caption may end with a header word ("… spinal metastases Author (year) Age/Sex …"): the data
    # decide, so the header may also start one or two terms later
    for skip in range(3):
        header = run[skip:]
        if sum(1 for c in header if c.kind != "other") < 3:
            break
        candidate, complete = _text_table(text, label, caption_start, body_start, end, header)
        if candidate is not None and (best is None or _strict_rows(candidate) > _strict_rows(best)):
            best = candidate
        if complete:
            break  # every line of the table read with the strict grammar: no other header to try
    return _finish(best) if best is not None else None


def _strict_rows(table: LiteratureTable) -> int:
    return sum(1 for r in table.rows if not r.lenient)


def _text_table(
    text: str, label: str, caption_start: int, body_start: int, end: int, run: list[Column]
) -> tuple[LiteratureTable | None, bool]:
    """The table under header ``run``, rows split by line or as a flowing paragraph (whichever reads
    more rows with the strict grammar), and whether every row line was read strictly."""
    caption = " ".join(text[body_start : run[0].start].split()).rstrip(" .:")
    header_end = run[-1].end
    body_lines = _lines(text, header_end, end)
    legend_at = _find_legend(text, body_lines, run)
    legend = Legend()
    legend_span = None
    row_lines = body_lines
    if legend_at is not None:
        idx, legend_span = legend_at
        row_lines = body_lines[:idx]
        legend = parse_legend(text[legend_span[0] : legend_span[1]])
    rows_end = row_lines[-1][1] if row_lines else header_end
    line_rows, strict_lines = _parse_lines(text, row_lines, run, legend)
    # every line read strictly, one row per line: nothing else to try (a row spanning lines may be
    # several rows of a flowing paragraph)
    complete = (
        bool(row_lines)
        and strict_lines == len(row_lines)
        and not any("\n" in text[r.start : r.end] for r in line_rows)
    )
    flowing_rows = [] if complete else _parse_flowing(text, header_end, rows_end, run, legend)
    layout: Layout
    if len(flowing_rows) > sum(1 for r in line_rows if not r.lenient):
        rows, layout = flowing_rows, "flowing"
        complete = bool(rows) and not text[rows[-1].end : rows_end].strip()
    else:
        rows, layout = line_rows, "lines"
    if not rows:
        return None, False
    table_end = legend_span[1] if legend_span else rows[-1].end
    table = LiteratureTable(
        label,
        caption,
        caption_start,
        table_end,
        layout,
        run,
        rows,
        legend,
        legend_span,
        (body_start, run[0].start),
    )
    return table, complete


def _finish(table: LiteratureTable) -> LiteratureTable | None:
    """A cases table has rows and says something about patients (a reference, a patient, a site…)."""
    kinds = set(table.kinds())
    if not table.rows:
        return None
    if not kinds & {"patient", "reference", "age_sex", "age", "primary", "metastases", "level"}:
        return None
    return table


def find_tables(text: str, sections: Sequence[tuple[int, int]] = ()) -> list[LiteratureTable]:
    """Every cases table in ``text``: after each ``Table N`` caption line, and in each ``sections`` span
    (the ``table`` sections a structured reader marked)."""
    found: list[LiteratureTable] = []
    covered: list[tuple[int, int]] = []
    for s, e in sections:
        table = parse_table(text, s, e)
        if table is not None:
            found.append(table)
            covered.append((s, e))
    for m in _CAPTION.finditer(text):
        if any(s <= m.start() < e for s, e in covered):
            continue
        limit = min(len(text), m.start() + MAX_TABLE_CHARS)
        end = _region_end(text, m.end(), limit)
        table = parse_table(text, m.start(), end)
        if table is not None:
            found.append(table)
            covered.append((table.start, table.end))
    found.sort(key=lambda t: t.start)
    return found


def document_tables(document: Document) -> list[LiteratureTable]:
    """The cases tables of a read document (its ``table`` sections first, then ``Table N`` captions)."""
    spans = [(s.start, s.end) for s in document.sections if s.kind == "table"]
    return find_tables(document.text, spans)
