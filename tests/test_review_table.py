"""The review table: its rows and legend, and every output format opened and read back.

Word and Excel files are read with python-docx and openpyxl; Markdown, CSV, HTML and LaTeX are
parsed back into rows, which must be the table's rows.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from spinecase.records import CaseRecord, RadiotherapyCourse
from spinecase.review import ReviewCase, render_text, review_table, write_table
from spinecase.review.littable_cells import LiteratureCase
from spinecase.review.table import COLUMNS, ReviewTable
from spinecase.review.writers import WriterError, format_of, tex_escape
from test_stats_cohort import load_cohort

HEADERS = [h for _, h in COLUMNS]


@pytest.fixture(scope="module")
def table() -> ReviewTable:
    cases = load_cohort()
    lit = LiteratureCase(
        document="kim2019",
        case=1,
        primary_site="small_intestine",
        histology="gist",
        other_metastasis_sites=["liver", "spleen", "bone"],
        radiotherapy=[RadiotherapyCourse(modality="radiotherapy")],
        systemic_agents=["zoledronic_acid"],
        cited_by="[2] Ohtori S, Yamamoto K. Spinal metastasis of GIST | a case. Spine. 2008;33:E1. PMID: 18449038",
        reference_number=2,
    )
    return review_table([*cases, lit], caption="Clinical data for 11 cases & a literature case")


def test_rows(table: ReviewTable) -> None:
    assert table.headers == HEADERS
    first = table.rows[0]
    assert first == {
        "no": "1",
        "reference": "kim2019",
        "age_sex": "62/M",
        "primary": "Stomach (GIST)",
        "levels": "T12, L1",
        "other_sites": "L",
        "interval": "48",
        "treatment": "decompression + fixation; SRS/SBRT 24 Gy/3 fx",
        "systemic": "imatinib",
        "outcome": "18 mo, dead, no LR",
    }
    smith = table.rows[6:9]
    assert [r["reference"] for r in smith] == ["smith2017, case 1", "smith2017, case 2", "smith2017, case 3"]
    assert smith[0]["levels"] == "L4–S1" and smith[1]["levels"] == "T10–T12"
    assert smith[2]["age_sex"] == "–/F" and smith[2]["outcome"] == "9 mo, no LR"
    assert table.rows[5]["outcome"] == "NR" and table.rows[5]["levels"] == "S"  # garcia2012
    lit = table.rows[-1]
    assert lit["reference"] == "Ohtori 2008 (PMID 18449038) [ref. 2 in kim2019]†"
    assert (
        lit["other_sites"] == "L, Sp, B" and lit["treatment"] == "RT" and lit["systemic"] == "zoledronic acid"
    )


def test_legend_lists_what_is_used(table: ReviewTable) -> None:
    legend = dict(item.split(" ", 1) for item in table.legend.split(", ") if " " in item)
    assert legend["L"] == "liver" and legend["Sp"] == "spleen" and legend["B"] == "bone (non-spinal)"
    assert legend["GIST"] == "gastrointestinal stromal tumour" and legend["HCC"] == "hepatocellular carcinoma"
    assert (
        legend["M"] == "male"
        and legend["LR"] == "local recurrence"
        and legend["Sync."].startswith("synchronous")
    )
    assert legend["P"] == "peritoneum"  # ohtori2008
    assert "O" not in legend  # no omentum in the table
    assert any("† Case known from the literature table" in n for n in table.notes)


def test_legend_of_a_single_case() -> None:
    t = review_table([CaseRecord(document="d", case=1, other_metastasis_sites=["peritoneum"])])
    assert t.legend == "NR not reported, P peritoneum"
    assert t.caption == "Clinical data for 1 case with spinal metastases"


def _md_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([c.strip().replace("\\|", "|") for c in cells])
    return rows


def test_markdown(table: ReviewTable) -> None:
    text = render_text(table, "md")
    rows = _md_rows(text)
    assert rows[0] == HEADERS and rows[1:] == table.matrix()
    assert text.startswith("**Table.** Clinical data for 11 cases & a literature case")
    assert table.legend in text


def test_csv(table: ReviewTable) -> None:
    rows = list(csv.reader(io.StringIO(render_text(table, "csv"))))
    assert rows[0] == HEADERS and rows[1:] == table.matrix()


class _HtmlTable(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.caption = ""
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "caption":
            self._in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_caption:
            self.caption += data


def test_html(table: ReviewTable) -> None:
    parser = _HtmlTable()
    parser.feed(render_text(table, "html"))
    header, footer, *body = parser.rows  # thead, tfoot, tbody in document order
    assert header == HEADERS and body == table.matrix()
    assert footer == [table.footer()]
    assert parser.caption == "Table. Clinical data for 11 cases & a literature case"


def _tex_unescape(cell: str) -> str:
    for raw, esc in ((r"\textbackslash{}", "\\"), ("---", "—"), ("--", "–"), (r"\dag{}", "†")):
        cell = cell.replace(raw, esc)
    return re.sub(r"\\([&%$#_{}])", r"\1", cell)


def test_latex(table: ReviewTable) -> None:
    text = render_text(table, "tex")
    assert (
        "\\begin{longtable}" in text and "\\caption{Clinical data for 11 cases \\& a literature case}" in text
    )
    body = text.split("\\endhead\n", 1)[1].split("\\bottomrule", 1)[0]
    rows = [re.split(r"(?<!\\) & ", line.removesuffix(" \\\\")) for line in body.strip().splitlines()]
    assert [[_tex_unescape(c) for c in row] for row in rows] == table.matrix()
    header_line = text.split("\\toprule\n", 1)[1].splitlines()[0]
    assert [c.strip() for c in header_line.removesuffix(" \\\\").split(" & ")] == HEADERS
    assert tex_escape("50% of T1_2 & {x}") == r"50\% of T1\_2 \& \{x\}"


def test_word(table: ReviewTable, tmp_path: Path) -> None:
    from docx import Document as WordDocument
    from docx.enum.section import WD_ORIENT

    path = tmp_path / "review.docx"
    write_table(table, "docx", path)
    doc = WordDocument(str(path))
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert doc.paragraphs[0].text == "Table. Clinical data for 11 cases & a literature case"
    (grid,) = doc.tables
    rows = [[c.text for c in row.cells] for row in grid.rows]
    assert rows[0] == HEADERS and rows[1:] == table.matrix()
    assert all(run.bold for run in grid.rows[0].cells[0].paragraphs[0].runs)
    assert grid.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # header repeated on every page
    assert doc.paragraphs[-1].text == table.footer()


def test_excel(table: ReviewTable, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "review.xlsx"
    write_table(table, "xlsx", path)
    ws = load_workbook(path).active
    assert ws is not None and ws.title == "Review"
    assert ws["A1"].value == "Table. Clinical data for 11 cases & a literature case"
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=3 + len(table.rows))]
    assert values[0] == HEADERS
    assert [[str(v) for v in row] for row in values[1:]] == table.matrix()
    assert ws["A3"].font.bold and ws.freeze_panes == "A4"
    assert ws.cell(row=3 + len(table.rows) + 2, column=1).value == table.footer()
    assert isinstance(ws["A4"].value, int)


def test_streams_and_errors(table: ReviewTable) -> None:
    out = io.StringIO()
    write_table(table, "csv", out)
    assert out.getvalue().startswith("No.,Reference,")
    binary = io.BytesIO()
    write_table(table, "xlsx", binary)
    assert binary.getvalue()[:2] == b"PK"
    with pytest.raises(WriterError, match="unknown review format"):
        write_table(table, "pdf", out)
    assert format_of(Path("a/review.DOCX")) == "docx" and format_of(Path("x.htm")) == "html"
    assert format_of(Path("x.txt")) is None


def test_review_cases_from_bare_records() -> None:
    cases = [ReviewCase(CaseRecord(document="d", case=n, age=50 + n)) for n in (1, 2)]
    t = review_table(cases)
    assert [r["reference"] for r in t.rows] == ["d, case 1", "d, case 2"]


def test_control_characters_never_break_a_word_or_excel_file(tmp_path: Path) -> None:
    """A control character (typed into a filter, or carried in from scraped text) is dropped."""
    from docx import Document as WordDocument
    from openpyxl import load_workbook

    table = review_table(load_cohort()[:2], caption="histology \x08gist\x1f")
    for fmt in ("docx", "xlsx"):
        out = tmp_path / f"t.{fmt}"
        write_table(table, fmt, out)
        if fmt == "docx":
            text = "\n".join(p.text for p in WordDocument(str(out)).paragraphs)
        else:
            text = str(load_workbook(out).active["A1"].value)
        assert "\x08" not in text and "histology gist" in text
