"""Writing a review table: Markdown, CSV, Excel, Word, HTML and LaTeX.

Text formats (``md``, ``csv``, ``html``, ``tex``) come as strings from :func:`render_text`; every
format is written by :func:`write_table` to a path (or a stream: text for the text formats, binary
for ``xlsx``/``docx``). Excel and Word files are real tables (openpyxl, python-docx: the ``reports``
extra), with the header row bold and repeated, the caption above and the legend below.

Example::

    >>> from spinecase.records import CaseRecord
    >>> from spinecase.review.table import review_table
    >>> t = review_table([CaseRecord(document="d1", case=1, age=61, sex="male")])
    >>> print(render_text(t, "md").splitlines()[2])
    | No. | Reference | Age/sex | Primary site (histology) | Spinal levels | Other metastases | Interval (mo) | Spinal treatment | Systemic agents | Follow-up, outcome |
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from typing import IO, Any, cast

from .table import ReviewTable

FORMATS: tuple[str, ...] = ("md", "csv", "xlsx", "docx", "html", "tex")
TEXT_FORMATS = frozenset({"md", "csv", "html", "tex"})
SUFFIXES = {"md": ".md", "csv": ".csv", "xlsx": ".xlsx", "docx": ".docx", "html": ".html", "tex": ".tex"}


class WriterError(Exception):
    """A review table cannot be written as asked (unknown format, missing library, no file)."""


def format_of(path: Path) -> str | None:
    """The format a file name asks for (``review.docx`` -> ``docx``; ``.markdown``, ``.htm`` too)."""
    suffix = path.suffix.lower()
    aliases = {".markdown": "md", ".htm": "html", ".latex": "tex"}
    return aliases.get(suffix) or next((f for f, s in SUFFIXES.items() if s == suffix), None)


# -- text formats ------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def to_markdown(table: ReviewTable) -> str:
    lines = [f"**Table.** {_md_cell(table.caption)}", ""]
    lines.append("| " + " | ".join(_md_cell(h) for h in table.headers) + " |")
    lines.append("|" + "|".join(" --- " for _ in table.headers) + "|")
    for row in table.matrix():
        lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    if table.footer():
        lines += ["", f"*{_md_cell(table.footer())}*"]
    return "\n".join(lines) + "\n"


def to_csv(table: ReviewTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.headers)
    writer.writerows(table.matrix())
    return out.getvalue()


_HTML_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; color: #1a1a1a; }
table { border-collapse: collapse; font-size: 0.85rem; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 0.5rem; }
th, td { border: 1px solid #bbb; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }
thead th { background: #eef1f5; }
tfoot td { border: none; font-size: 0.8rem; color: #333; padding-top: 0.6rem; }
""".strip()


def to_html(table: ReviewTable) -> str:
    e = html.escape
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in table.headers)
    body = "\n".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in table.matrix())
    foot = ""
    if table.footer():
        foot = f'<tfoot><tr><td colspan="{len(table.headers)}">{e(table.footer())}</td></tr></tfoot>'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(table.caption)}</title>\n<style>\n{_HTML_STYLE}\n</style>\n</head>\n<body>\n"
        f'<table class="spinecase-review">\n<caption>Table. {e(table.caption)}</caption>\n'
        f"<thead><tr>{head}</tr></thead>\n{foot}\n<tbody>\n{body}\n</tbody>\n</table>\n</body>\n</html>\n"
    )


_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "–": "--",
    "—": "---",
    "†": r"\dag{}",
    "≥": r"$\geq$",
    "≤": r"$\leq$",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}


def tex_escape(text: str) -> str:
    """``text`` safe inside a LaTeX paragraph (the ten specials, dashes, dagger, comparison signs)."""
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in " ".join(text.split()))


#: Column specifications of the LaTeX table (widths for the wrapped columns).
_TEX_COLUMNS = r"@{}r p{2.8cm} l p{2.2cm} p{1.5cm} p{1.4cm} l p{2.6cm} p{2.0cm} p{1.8cm}@{}"


def to_tex(table: ReviewTable) -> str:
    n = len(table.headers)
    lines = [
        "% Review table written by spinecase. Needs \\usepackage{longtable,booktabs}.",
        "\\begin{footnotesize}",
        f"\\begin{{longtable}}{{{_TEX_COLUMNS}}}",
        f"\\caption{{{tex_escape(table.caption)}}}\\label{{tab:spinecase-review}}\\\\",
        "\\toprule",
        " & ".join(tex_escape(h) for h in table.headers) + " \\\\",
        "\\midrule",
        "\\endhead",
    ]
    for row in table.matrix():
        lines.append(" & ".join(tex_escape(c) for c in row) + " \\\\")
    lines.append("\\bottomrule")
    if table.footer():
        lines.append(
            f"\\multicolumn{{{n}}}{{@{{}}p{{\\linewidth}}@{{}}}}{{{tex_escape(table.footer())}}} \\\\"
        )
    lines += ["\\end{longtable}", "\\end{footnotesize}"]
    return "\n".join(lines) + "\n"


def render_text(table: ReviewTable, fmt: str) -> str:
    """The table as Markdown, CSV, HTML or LaTeX text."""
    renderers = {"md": to_markdown, "csv": to_csv, "html": to_html, "tex": to_tex}
    if fmt not in renderers:
        raise WriterError(f"{fmt} is not a text format; one of: {', '.join(sorted(renderers))}")
    return renderers[fmt](table)


# -- Excel and Word ----------------------------------------------------------------------------------

#: Column widths (characters) in Excel.
_XLSX_WIDTHS = (5, 34, 9, 24, 14, 14, 10, 34, 22, 20)


# Characters XML 1.0 cannot hold (Word and Excel files are XML): a control character typed into a
# filter or carried in from a scraped text must not make the whole download fail.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def write_xlsx(table: ReviewTable, out: Path | IO[bytes]) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
        from openpyxl.utils import get_column_letter
    except ModuleNotFoundError as exc:
        raise WriterError("the xlsx review needs openpyxl: pip install 'spinecase[reports]'") from exc
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Review"
    n = len(table.headers)
    ws.cell(row=1, column=1, value=_safe(f"Table. {table.caption}")).font = Font(bold=True, size=12)
    header_row = 3
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for j, h in enumerate(table.headers, start=1):
        c = ws.cell(row=header_row, column=j, value=_safe(h))
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="E8ECF2")
        c.alignment, c.border = wrap, border
    for i, row in enumerate(table.matrix(), start=header_row + 1):
        for j, value in enumerate(row, start=1):
            c = ws.cell(row=i, column=j, value=int(value) if j == 1 and value.isdigit() else _safe(value))
            c.alignment, c.border = wrap, border
    last = header_row + len(table.rows)
    for j, width in enumerate(_XLSX_WIDTHS[:n], start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(n)}{last}"
    if table.footer():
        legend_row = last + 2
        ws.cell(row=legend_row, column=1, value=_safe(table.footer())).alignment = wrap
        ws.merge_cells(start_row=legend_row, start_column=1, end_row=legend_row, end_column=n)
        ws.row_dimensions[legend_row].height = 15 * (1 + len(table.footer()) // 180)
    wb.properties.title = _safe(table.caption)
    wb.save(out)


def _repeat_header(row: Any) -> None:
    """Mark a Word table row as a header row, repeated on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def write_docx(table: ReviewTable, out: Path | IO[bytes]) -> None:
    try:
        from docx import Document as WordDocument
        from docx.enum.section import WD_ORIENT
        from docx.shared import Cm, Pt
    except ModuleNotFoundError as exc:
        raise WriterError("the docx review needs python-docx: pip install 'spinecase[reports]'") from exc
    doc = WordDocument()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    doc.core_properties.title = _safe(table.caption)
    caption = doc.add_paragraph()
    run = caption.add_run("Table. ")
    run.bold = True
    caption.add_run(_safe(table.caption))
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
        r = cell.paragraphs[0].add_run(_safe(text))
        r.bold = True
        r.font.size = Pt(8)
    _repeat_header(grid.rows[0])
    for values in table.matrix():
        cells = grid.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.paragraphs[0].add_run(_safe(text)).font.size = Pt(8)
    if table.footer():
        legend = doc.add_paragraph()
        legend.add_run(_safe(table.footer())).font.size = Pt(8)
    doc.save(out)  # type: ignore[arg-type]


def write_table(table: ReviewTable, fmt: str, out: Path | IO[str] | IO[bytes]) -> None:
    """Write ``table`` as ``fmt`` to a path or a stream (see the module documentation). A path is
    written next to itself and renamed at the end: an interrupted write leaves no half file."""
    if fmt not in FORMATS:
        raise WriterError(f"unknown review format {fmt!r}; one of: {', '.join(FORMATS)}")
    if isinstance(out, Path):
        tmp = out.with_name(out.name + ".part")
        try:
            if fmt in TEXT_FORMATS:
                tmp.write_text(render_text(table, fmt), encoding="utf-8", newline="")
            elif fmt == "xlsx":
                write_xlsx(table, tmp)
            else:
                write_docx(table, tmp)
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
        return
    if fmt in TEXT_FORMATS:
        cast(IO[str], out).write(render_text(table, fmt))
    elif fmt == "xlsx":
        write_xlsx(table, cast(IO[bytes], out))
    else:
        write_docx(table, cast(IO[bytes], out))
