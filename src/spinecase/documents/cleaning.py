"""Clean text as scraped from PDFs and web pages, keeping a map back to the original offsets.

Real case-report text arrives with words split across lines ("metas-\\ntasis", "sho- \\nwed"), hard
line breaks inside sentences, page breaks in the middle of a sentence and headings on lines of their
own. Extraction wants sentences; evidence must point into the text as read. :func:`clean_text` joins
what belongs together and keeps everything else, recording an :class:`OffsetMap` for every change.

Rules (applied line by line, linear in the text length):

* a lowercase letter, a hyphen, a line break, a lowercase letter → the word is joined, hyphen dropped
  (de-hyphenation as in Wikisource/OCR post-processing; digits and capitals keep their hyphen so that
  "T3-\\nT8" survives);
* a line break inside a paragraph → one space;
* a blank line → a paragraph break ("\\n\\n"), unless the text before it ends mid-sentence and the text
  after it starts in lowercase (a page break inside a sentence) → one space;
* a short line without closing punctuation that looks like a heading stays on its own line.

Example::

    >>> c = clean_text("The le-\\nsion was lytic.\\nCase presentation\\nA 61-year-old man")
    >>> c.text
    'The lesion was lytic.\\nCase presentation\\nA 61-year-old man'
    >>> c.original_span(4, 10)
    (4, 12)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .offsets import OffsetMap, TextBuilder
from .sections import classify_heading

# Characters replaced one-for-one (so offsets do not move): exotic spaces and soft hyphens become
# plain spaces; the soft hyphen stays a character so the map stays the identity.
_SAME_LENGTH = str.maketrans(
    {
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u200b": " ",
        "\u00ad": " ",
        "\t": " ",
        "\r": " ",
        "\f": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
    }
)

_LINE = re.compile(r"[^\n]*(?:\n|$)")
_HEADING_MAX_WORDS = 9
_HEADING_LOOKS = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+|[IVX]+\.\s+)?[A-Z][A-Za-z0-9' ,&/()\-–]*$")
# Page furniture of PDF text: running heads and feet ("Spine Oncol Case Rep 2019; 7(2): 41–47",
# "42   Spine Oncol…"), lone page numbers, "Page 3 of 7". Such a line is dropped from the cleaned text
# (the offset map keeps the rest in place) so that the sentence it interrupts reads whole again.
_FURNITURE = re.compile(
    r"^(?:\d{1,4}|page\s+\d+(?:\s+of\s+\d+)?|\d{1,4}\s+of\s+\d{1,4})$"
    r"|^.{0,80}\b(?:19|20)\d{2}\s*[;,]\s*\d{1,4}\s*(?:\(\s*\d{1,4}\s*\))?(?:\s*[:,]\s*[\w–-]+)?\s*(?:\s{2,}.{0,40})?$"
    r"|^.{0,80}\s{3,}\d{1,4}$|^\d{1,4}\s{3,}.{0,80}$",
    re.IGNORECASE,
)
_FIELD_LABEL = re.compile(r"^[A-Z][A-Za-z/()-]*(?:\s+[A-Za-z/()-]+){0,3}\s*:\s+\S")
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "of", "the", "in", "on", "with", "for", "to", "or", "at", "by", "&"}
)
_CAPTION = re.compile(r"^\s*(?:Fig(?:ure)?s?\.?|Table|Supplementary)\s*[0-9IVX]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CleanText:
    """A cleaned copy of a text with the map back to it."""

    text: str
    map: OffsetMap

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text that cover ``text[start:end]``."""
        return self.map.span(start, end)


def _is_heading(line: str) -> bool:
    """A line on its own that names a section ("Case presentation", "DISCUSSION", "2. Case 2")."""
    s = line.strip()
    if not s or len(s) > 70 or s[-1] in ".,;" or _CAPTION.match(s):
        return False
    words = s.split()
    if len(words) > _HEADING_MAX_WORDS or not _HEADING_LOOKS.match(s):
        return False
    if classify_heading(s) != "other" or (s.isupper() and len(s) > 3):
        return True
    # an unknown heading: short and title-cased ("Imaging Findings", "Operative Technique")
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    return len(words) <= 5 and bool(content) and all(w[:1].isupper() for w in content)


def clean_text(original: str) -> CleanText:
    """Clean ``original`` for extraction; see the module docstring for the rules."""
    text = original.translate(_SAME_LENGTH)
    if "\n" not in text:
        return CleanText(text, OffsetMap.identity(len(text)))

    lines: list[tuple[int, int]] = []  # (start, end) of each line's content, without the newline
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        end = m.end() - 1 if text[m.end() - 1 : m.end()] == "\n" else m.end()
        lines.append((m.start(), end))

    b = TextBuilder(text)
    pending_blank = False
    prev_kind = "none"  # none | text | heading | joined (mid-word)
    prev_last = ""  # last visible character of the previous content line
    prev_hyphen_cut: int | None = None  # where a trailing "-" of the previous line begins
    for start, end in lines:
        # strip the line, remembering where its content starts
        s, e = start, end
        while s < e and text[s] == " ":
            s += 1
        while e > s and text[e - 1] == " ":
            e -= 1
        if s == e:
            if prev_kind != "none":
                pending_blank = True
            continue
        content = text[s:e]
        if len(content) < 120 and _FURNITURE.match(content):
            continue  # a running head or page number inside the flow of text
        # "Age/sex: 58/F", "Outcome: alive…": a field of a structured summary starts its own line
        label_line = bool(_FIELD_LABEL.match(content)) and prev_kind == "text"
        heading = _is_heading(content) and (prev_last in ".:;?!" or prev_kind != "text" or pending_blank)
        first = content[0]
        if prev_hyphen_cut is not None:
            if first.islower():
                # a word split across the line break: join it, hyphen dropped
                prev_hyphen_cut = None
                pending_blank = False
                prev_kind = "joined"
            else:
                b.copy(prev_hyphen_cut, prev_hyphen_cut + 1)  # the hyphen was real
        if prev_kind in ("none", "joined") or (
            prev_last in "-–/" and prev_kind == "text" and not pending_blank
        ):
            pass  # "T3-" + "T8": a range split at its dash stays one token
        elif heading or prev_kind == "heading" or label_line:
            b.insert("\n", s)
        elif pending_blank and not (prev_last not in ".:;?!\"')]" and first.islower()):
            b.insert("\n\n", s)
        else:
            b.insert(" ", s)
        pending_blank = False
        # a trailing hyphen after a lowercase letter may be a split word: hold it back
        hy = e - 1 if content.endswith("-") and len(content) > 1 and content[-2].islower() else None
        b.copy(s, hy if hy is not None else e)
        prev_hyphen_cut = hy
        prev_kind = "heading" if heading else "text"
        prev_last = content[-1]
    if prev_hyphen_cut is not None:
        b.copy(prev_hyphen_cut, prev_hyphen_cut + 1)
    clean, omap = b.build()
    return CleanText(clean, omap)
