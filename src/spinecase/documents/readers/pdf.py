"""PDF articles, read with pypdf: the text layer of every page, in reading order.

Journal PDFs are usually set in two columns. A PDF stores text in drawing order, which may zig-zag
between the columns line by line ("A 58-year-old woman" / "Renal tumours often" / "had back pain"
...), so each page is also rendered with pypdf's layout mode, where every line keeps its horizontal
position. A column gutter shows up as a band of spaces that many lines share; when one is found, the
page is read left column first, then right, and full-width lines (a title, a wide table) stay where
they are:

.. code-block:: text

    Vertebral metastasis of a renal tumour          Vertebral metastasis of a renal tumour
    Case presentation      Discussion        ->     Case presentation
    A 58-year-old woman    Renal tumours            A 58-year-old woman
                                                    Discussion
                                                    Renal tumours

A PDF without a text layer (a scan) is reported, not guessed at: spinecase does no OCR.

Example::

    >>> page = "Title across the page\\nLeft one     Right one\\nLeft two     Right two\\nLeft end     Right end"
    >>> print(reorder_columns(page))
    Title across the page
    Left one
    Left two
    Left end
    Right one
    Right two
    Right end
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

from ..model import Document, ReadError
from .base import PDF_MAGIC, ReadOptions, Source, read_whole
from .headings import detect_sections

FORMAT = "pdf"

# pypdf logs what it repairs in a damaged file ("EOF marker not found"); without a handler Python
# prints that on standard error, a stray line beside the one-line error the reader already gives
logging.getLogger("pypdf").addHandler(logging.NullHandler())

_RUNS = re.compile(r"\S+(?: \S+)*")
_SPACES = re.compile(r"[ \t]{2,}")
_BLANK_RUNS = re.compile(r"\n{3,}")
_MIN_COLUMN_LINES = 3


def _gutter(lines: list[str]) -> int | None:
    """Character position of a column gutter shared by enough lines, or ``None``.

    A position supports a gutter on a line when it lies in a gap of two or more spaces between two
    words, and is blocked when running text (words one space apart) covers it. Titles and other full-width lines block the gutter,
    so it need only be supported by at least half as many lines as block it. A two-column *table*
    must not be read as text columns: text fills its columns, so each side of the gutter is wider
    than the gutter, while a table has short cells across a wide gap.
    """
    width = max(len(line) for line in lines)
    lo, hi = int(width * 0.25), int(width * 0.75)
    if hi - lo < 2:
        return None
    # runs of words one space apart: running text, which a gutter cannot cross
    spans_of = [[m.span() for m in _RUNS.finditer(line)] for line in lines]
    support = [0] * (width + 1)  # lines with a gap between two runs here
    blocked = [0] * (width + 1)  # lines with a run over this position
    for spans in spans_of:
        for s, e in spans:
            for p in range(max(s, lo), min(e, hi)):
                blocked[p] += 1
        for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False):
            for p in range(max(a_end, lo), min(b_start, hi)):
                support[p] += 1
    score = [support[p] - 2 * blocked[p] for p in range(width + 1)]
    best = max(range(lo, hi), key=lambda p: score[p])
    if support[best] < _MIN_COLUMN_LINES or 2 * support[best] < blocked[best]:
        return None
    # the middle of the run of equally good positions: the centre of the gutter
    left = right = best
    while left - 1 >= lo and score[left - 1] == score[best]:
        left -= 1
    while right + 1 < hi and score[right + 1] == score[best]:
        right += 1
    gutter = (left + right) // 2
    lefts: list[int] = []
    gaps: list[int] = []
    rights: list[int] = []
    for spans in spans_of:
        for i in range(len(spans) - 1):
            if spans[i][1] <= gutter < spans[i + 1][0]:
                lefts.append(spans[i][1] - spans[0][0])
                gaps.append(spans[i + 1][0] - spans[i][1])
                rights.append(spans[-1][1] - spans[i + 1][0])
                break
    if not gaps:
        return None
    gap = _median(gaps)
    if _median(lefts) < gap or 2 * _median(rights) < gap:
        return None  # short cells across a wide gap: a table, whose rows must stay rows
    return gutter


def _median(values: list[int]) -> int:
    return sorted(values)[len(values) // 2]


def _clean(part: str) -> str:
    return _SPACES.sub(" ", part.strip())


def reorder_columns(layout: str) -> str | None:
    """Re-read a layout-mode page as columns; ``None`` when the page has a single column."""
    lines = layout.splitlines()
    text_lines = [line.rstrip() for line in lines if line.strip()]
    if len(text_lines) < _MIN_COLUMN_LINES:
        return None
    gutter = _gutter(text_lines)
    if gutter is None:
        return None
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []

    def flush() -> None:
        # no blank line between the columns: a paragraph often runs on from one to the next
        for column in (left, right):
            while column and not column[-1]:
                column.pop()
            out.extend(line for i, line in enumerate(column) if line or any(column[:i]))
        left.clear()
        right.clear()

    for line in lines:
        line = line.rstrip()
        if not line.strip():
            if left or right:
                left.append("")
                right.append("")
            continue
        at_gutter = line[gutter - 1 : gutter + 1] if len(line) > gutter else "  "
        if at_gutter.strip():
            flush()  # a full-width line (title, wide table) ends the column block above it
            out.append(_clean(line))
            continue
        left.append(_clean(line[:gutter]))
        right.append(_clean(line[gutter:]))
    flush()
    # a line blank on one side only leaves empty lines; keep at most one blank line in a row
    return _BLANK_RUNS.sub("\n\n", "\n".join(out)).strip("\n")


def _page_text(page: Any) -> tuple[str, bool]:
    """Text of one page and whether it was read as two columns."""
    plain = page.extract_text() or ""
    if not plain.strip():
        return "", False
    try:
        layout = page.extract_text(extraction_mode="layout", layout_mode_space_vertically=False)
    except Exception:
        return plain, False  # layout mode needs font metrics some PDFs lack; keep the plain text
    columns = reorder_columns(layout or "")
    if columns is None:
        return plain, False
    return columns, True


def read(source: Source, options: ReadOptions) -> Iterator[Document | ReadError]:
    """Read one PDF as one document."""
    from pypdf import PdfReader

    data = read_whole(source, options)
    if isinstance(data, ReadError):
        yield data
        return
    if PDF_MAGIC not in data[:1024]:
        yield ReadError(source.name, "not a PDF file (no %PDF- header)")
        return
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            yield ReadError(source.name, "encrypted PDF: a password is needed to read it")
            return
        pages = list(reader.pages)
    except Exception as exc:  # pypdf raises many exception types for damaged files
        yield ReadError(source.name, f"corrupt or unreadable PDF: {type(exc).__name__}: {exc}")
        return
    texts: list[str] = []
    two_column: list[int] = []
    failed: list[int] = []
    for number, page in enumerate(pages, start=1):
        try:
            text, columns = _page_text(page)
        except Exception:
            failed.append(number)
            continue
        if columns:
            two_column.append(number)
        if text.strip():
            texts.append(text.strip("\n"))
    if not texts:
        if failed:
            yield ReadError(
                source.name, f"corrupt or unreadable PDF: no page could be read ({len(failed)} failed)"
            )
        else:
            yield ReadError(source.name, "no text layer (scanned PDF? spinecase does no OCR)")
        return
    text = _BLANK_RUNS.sub("\n\n", "\n\n".join(texts))
    meta: dict[str, Any] = {"pages": len(pages), "two_column_pages": two_column}
    if failed:
        meta["unreadable_pages"] = failed
    try:
        info = reader.metadata
        title = info.title if info else None
    except Exception:
        title = None  # a damaged info dictionary loses the title, not the text
    if isinstance(title, str) and title.strip():
        meta["title"] = title.strip()
    yield Document(
        id=source.doc_id,
        text=text,
        source=source.name,
        format=FORMAT,
        metadata=meta,
        sections=detect_sections(text),
    )
