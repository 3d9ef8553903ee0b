"""Find section headings in plain text (text files, PDF text, JSON Lines narratives).

Plain text has no markup, so headings are recognised by how they look:

* a short line that is a known heading ("Case presentation", "DISCUSSION", "2. Case report",
  "References"), even inside a run of lines, as in text copied from a PDF;
* a short line standing alone between blank lines, in capitals, or numbered ("3. Surgical
  technique"), even when the heading itself is not in the lexicon;
* a label at the start of a line followed by a colon ("Case summary: A 61-year-old man ..."), or in
  capitals after a sentence end ("... poor prognosis.CASE SUMMARY A 54-year-old man ..."), when the
  label is a known heading.

Each heading opens a :class:`~spinecase.documents.model.Section` that runs to the next heading, with
its kind from :func:`~spinecase.documents.sections.classify_heading` (an unknown heading on the
very first line is taken for the title: kind ``"title"``).

Example::

    >>> text = "Background: Rare.\\n\\nCase presentation\\nA 70-year-old man.\\n\\nDISCUSSION\\nSurgery helped."
    >>> [(s.title, s.kind) for s in detect_sections(text)]
    [('Background', 'background'), ('Case presentation', 'case'), ('DISCUSSION', 'discussion')]

The text is split into lines once (C speed) and each line costs O(1) Python work before a cheap
length test; only short lines reach the heading table, so detection stays linear in the text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import Section, SectionKind
from ..sections import classify_heading, normalise_heading

_MAX_HEADING_CHARS = 80
_MAX_KNOWN_WORDS = 10
_MAX_UNKNOWN_WORDS = 8

# "2. Case report", "II. Methods", "3.1 Imaging"
_NUMBERED = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]+\.)\s+\S")
# table rows and list items, not headings, carry these characters
_NOT_IN_UNKNOWN = re.compile(r"[,;\[\]=%]")
# a line that starts with a heading label and a colon: "Case summary: ..."
_COLON_LABEL = re.compile(r"[ \t]*((?:\d+(?:\.\d+)*\.?\s+)?[A-Z][A-Za-z'/&\- ]{1,48}?)[ \t]*:[ \t]+\S")
# capitals run after a sentence end or line start, followed by the sentence it labels
_CAPS_LABEL = re.compile(
    r"(?:^|(?<=[.!?:;]))[ \t]*([A-Z]{3,}(?:[ \t]+[A-Z]{2,}){0,3})(?=[ \t]+(?:[A-Z][a-z]|\d|[A-Z]\s))",
    re.MULTILINE,
)
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=4096)
def _kind(title: str) -> SectionKind:
    # headings repeat across thousands of documents; the cache skips the pattern table for them
    return classify_heading(title)


_OTHER_HEADINGS = frozenset({"method", "methods", "materials and methods", "result", "results"})


@lru_cache(maxsize=4096)
def _known(title: str) -> bool:
    """True when ``title`` is a heading of the lexicon, including "Methods" and "Results" (kind other)."""
    return _kind(title) != "other" or normalise_heading(title).lower() in _OTHER_HEADINGS


def _first_letter_upper(s: str) -> bool:
    m = _LETTER.search(s)
    return m is not None and m.group().isupper()


def _is_heading_line(line: str, standalone: bool) -> bool:
    """Decide whether a stripped, non-empty, short line is a heading."""
    last = line[-1]
    if last in ",;-\u2013([" or not _first_letter_upper(line):
        return False
    words = line.count(" ") + 1
    if words > _MAX_KNOWN_WORDS:
        return False
    if _known(line):
        return True
    if last in ".!?" or words > _MAX_UNKNOWN_WORDS or _NOT_IN_UNKNOWN.search(line):
        return False
    letters = _LETTER.findall(line)
    if len(letters) < 3:
        return False  # "Fig. 1", "T9" and page numbers are not headings
    if standalone:
        return True
    if line.isupper() and len(letters) >= 4:
        return True
    return bool(_NUMBERED.match(line))


def heading_spans(text: str) -> list[tuple[int, str]]:
    """``(offset, title)`` of each heading in ``text``, in order; offsets point at the title."""
    found: list[tuple[int, str]] = []
    lines = text.splitlines(keepends=True)
    n = len(lines)
    pos = 0
    prev_blank = True
    for i, raw in enumerate(lines):
        start = pos
        pos += len(raw)
        line = raw.strip()
        if not line:
            prev_blank = True
            continue
        was_blank = prev_blank
        prev_blank = False
        if len(line) <= _MAX_HEADING_CHARS:
            standalone = was_blank and (i + 1 == n or not lines[i + 1].strip())
            if _is_heading_line(line, standalone):
                found.append((start + raw.index(line[0]), line))
                continue
        # inline labels only where a paragraph or line begins: "Case summary: A 61-year-old..."
        m = _COLON_LABEL.match(raw)
        if m and _kind(m.group(1)) != "other":
            found.append((start + m.start(1), m.group(1)))
    for m in _CAPS_LABEL.finditer(text):
        label = m.group(1)
        if _kind(label) != "other":
            found.append((m.start(1), label))
    found.sort()
    # a capitals label at a line start is also seen by the line pass: keep the first of equal offsets
    out: list[tuple[int, str]] = []
    for off, title in found:
        if out and out[-1][0] == off:
            continue
        out.append((off, title))
    return out


def detect_sections(text: str) -> list[Section]:
    """Sections of plain text, each from its heading to the next heading (or the end of the text)."""
    spans = heading_spans(text)
    sections: list[Section] = []
    for i, (start, title) in enumerate(spans):
        end = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        kind = _kind(title)
        if i == 0 and kind == "other" and not text[:start].strip():
            kind = "title"  # an unknown heading on the first line is the article's title
        sections.append(Section(title=title, start=start, end=end, kind=kind))
    return sections
