"""PDF reader: reading order of two-column pages, tables kept as rows, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from spinecase.documents import Document, ReadError, read_path
from spinecase.documents.readers.pdf import reorder_columns

W, H = A4
COL = (W - 100) / 2 - 15

LEFT = (
    "A 59-year-old man presented with lumbar pain radiating to the left thigh for six weeks. "
    "Computed tomography showed an osteolytic lesion of the L2 vertebral body without other "
    "metastases. He underwent en bloc spondylectomy and reconstruction with a cage."
)
RIGHT = (
    "Solitary renal metastases to the spine may be resected en bloc when the primary tumour is "
    "controlled, and local control then often lasts for years."
)


def _one(path: Path) -> Document | ReadError:
    items = list(read_path(path))
    assert len(items) == 1
    return items[0]


def _two_column_pdf(path: Path, title: str = "Lumbar metastasis of a renal carcinoma") -> None:
    """Draw a title, a full-width abstract, then two columns line by line, alternating sides.

    Alternating is the hard case: the drawing order zig-zags between the columns, so text
    extraction without layout analysis interleaves their lines.
    """
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(title)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(50, H - 60, title)
    c.setFont("Helvetica", 10)
    y = H - 85
    abstract = "Abstract: an invented report of a solitary L2 metastasis resected en bloc, with two years of follow-up."
    for line in simpleSplit(abstract, "Helvetica", 10, W - 100):
        c.drawString(50, y, line)
        y -= 13
    left = ["Case presentation", *simpleSplit(LEFT, "Helvetica", 10, COL)]
    right = ["Discussion", *simpleSplit(RIGHT, "Helvetica", 10, COL)]
    y -= 15
    for i in range(max(len(left), len(right))):
        if i < len(left):
            c.drawString(50, y, left[i])
        if i < len(right):
            c.drawString(W / 2 + 10, y, right[i])
        y -= 13
    c.showPage()
    c.save()


def test_two_column_page_is_read_left_then_right(tmp_path: Path) -> None:
    path = tmp_path / "renal-l2.pdf"
    _two_column_pdf(path)
    doc = _one(path)
    assert isinstance(doc, Document), doc
    assert doc.id == "renal-l2"
    assert doc.format == "pdf"
    assert doc.metadata["pages"] == 1
    assert doc.metadata["two_column_pages"] == [1]
    assert doc.metadata["title"] == "Lumbar metastasis of a renal carcinoma"
    t = doc.text
    flat = " ".join(t.split())  # line breaks fall where the columns wrap
    order = [
        flat.index("Lumbar metastasis of a renal carcinoma"),
        flat.index("Abstract:"),
        flat.index("Case presentation"),
        flat.index("A 59-year-old man"),
        flat.index("with a cage."),
        flat.index("Discussion"),
        flat.index("Solitary renal metastases"),
        flat.index("lasts for years."),
    ]
    assert order == sorted(order)
    # each column reads as one run: the left column is not cut by lines of the right one
    assert LEFT in flat
    assert RIGHT in flat
    kinds = {s.title: s.kind for s in doc.sections}
    assert kinds["Case presentation"] == "case"
    assert kinds["Discussion"] == "discussion"
    case = next(s for s in doc.sections if s.kind == "case")
    assert "osteolytic lesion of the L2" in t[case.start : case.end]
    assert "Solitary renal" not in t[case.start : case.end]


def test_single_column_page_with_a_table_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "labs.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 10)
    y = H - 60
    prose = (
        "Laboratory tests on admission showed anaemia and a raised alkaline phosphatase, with a "
        "normal calcium; the values are listed below and were repeated after the operation. "
    ) * 3
    for line in simpleSplit(prose, "Helvetica", 10, W - 100):
        c.drawString(50, y, line)
        y -= 13
    for name, value in [
        ("Haemoglobin", "9.8 g/dL"),
        ("Alkaline phosphatase", "412 U/L"),
        ("Calcium", "2.4 mmol/L"),
    ]:
        c.drawString(60, y, name)
        c.drawString(W / 2 + 40, y, value)
        y -= 13
    c.showPage()
    c.save()
    doc = _one(path)
    assert isinstance(doc, Document)
    assert doc.metadata["two_column_pages"] == []
    t = doc.text
    positions = [
        t.index(s) for s in ("Haemoglobin", "9.8 g/dL", "Alkaline phosphatase", "412 U/L", "Calcium", "2.4")
    ]
    assert positions == sorted(positions)


def test_pages_are_joined_in_order(tmp_path: Path) -> None:
    path = tmp_path / "two-pages.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, H - 72, "CASE REPORT")
    c.drawString(72, H - 90, "A 66-year-old woman had progressive paraparesis from a T6 lesion.")
    c.showPage()
    c.drawString(72, H - 72, "DISCUSSION")
    c.drawString(72, H - 90, "Myeloma should be excluded before any vertebral biopsy is read.")
    c.showPage()
    c.save()
    doc = _one(path)
    assert isinstance(doc, Document)
    assert doc.metadata["pages"] == 2
    assert doc.text.index("T6 lesion") < doc.text.index("DISCUSSION")
    assert [(s.title, s.kind) for s in doc.sections] == [
        ("CASE REPORT", "case"),
        ("DISCUSSION", "discussion"),
    ]


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    err = _one(path)
    assert isinstance(err, ReadError)
    assert err.message == "no text layer (scanned PDF? spinecase does no OCR)"


def test_encrypted_pdf_needs_a_password(tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(locked), pagesize=A4, encrypt="secret")
    c.drawString(72, H - 72, "A confidential case of C2 metastasis.")
    c.showPage()
    c.save()
    err = _one(locked)
    assert isinstance(err, ReadError)
    assert "encrypted" in err.message


def test_encrypted_pdf_with_empty_user_password_is_read(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = tmp_path / "owner-only.pdf"
    enc = StandardEncryption("", ownerPassword="owner", canPrint=1)
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=enc)
    c.drawString(72, H - 72, "A 48-year-old man with a C5 plasmacytoma.")
    c.showPage()
    c.save()
    doc = _one(path)
    assert isinstance(doc, Document), doc
    assert "C5 plasmacytoma" in doc.text


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref", b"%PDF-1.4\n" + bytes(range(256)) * 8],
)
def test_corrupt_pdf(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    err = _one(path)
    assert isinstance(err, ReadError)
    assert "PDF" in err.message


def test_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_text("A 51-year-old man, just text with a pdf name.")
    err = _one(path)
    assert isinstance(err, ReadError)
    assert "not a PDF" in err.message


def test_reorder_columns_needs_a_shared_gutter() -> None:
    single = "\n".join(["A long line of running text that crosses the middle of the page easily"] * 6)
    assert reorder_columns(single) is None
    table = "\n".join(
        f"  Test {i}                                             {i}.0 mmol/L" for i in range(6)
    )
    assert reorder_columns(table) is None
    columns = "\n".join(f"left column line {i} text here     right column line {i} text" for i in range(6))
    out = reorder_columns(columns)
    assert out is not None
    lines = out.splitlines()
    assert lines[:6] == [f"left column line {i} text here" for i in range(6)]
    assert lines[6:] == [f"right column line {i} text" for i in range(6)]
