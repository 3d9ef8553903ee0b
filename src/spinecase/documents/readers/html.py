"""Saved HTML article pages (``.html``, ``.htm``): a journal or PubMed page kept from a browser.

A saved page wraps the article in navigation, cookie banners and footers. The main text is taken
with trafilatura (offline: it only parses the string it is given), whose XML output keeps headings
apart from paragraphs, so sections come from real ``<h2>``/``<h3>`` headings. When trafilatura finds
nothing, a plain walk over the page (scripts, navigation, header and footer skipped) is used.

Bibliographic data comes from the Highwire ``citation_*`` meta tags that journals publish for
Google Scholar::

    <meta name="citation_title" content="Sacral metastasis of a paraganglioma">
    <meta name="citation_doi" content="10.1000/xyz123">

Example::

    >>> page = b'<html><body><nav>Home</nav><h1>T8 metastasis</h1><p>A 45-year-old man.</p></body></html>'
    >>> fallback_blocks(page.decode())
    [('head', 'T8 metastasis', 1), ('p', 'A 45-year-old man.', 0)]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from ..model import Document, ReadError, Section, SectionKind
from ..sections import classify_heading
from .base import ReadOptions, Source, decode_text, read_whole
from .text import _binary_reason as binary_reason
from .xmlutil import TextAssembler, local, norm, text_of

FORMAT = "html"

Block = tuple[str, str, int]  # ("head" | "p", text, heading level or 0)

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)

_META_KEYS = {
    "citation_title": "title",
    "citation_doi": "doi",
    "citation_pmid": "pmid",
    "citation_journal_title": "journal",
    "citation_publication_date": "publication_date",
    "citation_date": "publication_date",
}


class _MetaParser(HTMLParser):
    """Collects ``<meta name=... content=...>`` pairs and the ``<title>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            a = dict(attrs)
            name = (a.get("name") or a.get("property") or "").strip().lower()
            content = a.get("content")
            if name and content:
                self.meta.setdefault(name, []).append(content.strip())
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


_SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "template",
        "svg",
        "button",
        "select",
    }
    | {"head", "title", "iframe"}
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "li", "ul", "ol", "table", "tr", "br", "blockquote", "pre"}
    | {"dd", "dt", "dl", "figcaption", "figure", "caption", "body", "hr"}
)
_HEADINGS = {f"h{i}": i for i in range(1, 7)}


class _TextParser(HTMLParser):
    """The fallback: visible text as blocks, headings kept apart, page furniture skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._buf: list[str] = []
        self._skip = 0
        self._level = 0

    def _flush(self) -> None:
        text = norm("".join(self._buf))
        self._buf = []
        if text:
            self.blocks.append(("head", text, self._level) if self._level else ("p", text, 0))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif self._skip:
            return
        elif tag in _HEADINGS:
            self._flush()
            self._level = _HEADINGS[tag]
        elif tag in ("td", "th"):
            self._buf.append(" | " if self._buf else "")
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._skip and tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif self._skip:
            return
        elif tag in _HEADINGS:
            self._flush()
            self._level = 0
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def fallback_blocks(html: str) -> list[Block]:
    """Visible text of a page as ``(kind, text, level)`` blocks, without trafilatura."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.blocks


def trafilatura_blocks(html: str) -> list[Block]:
    """Main-content blocks found by trafilatura (``[]`` when it finds none)."""
    import trafilatura

    xml = trafilatura.extract(
        html,
        output_format="xml",
        include_formatting=True,
        include_tables=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        deduplicate=False,
        with_metadata=False,
    )
    if not xml:
        return []
    import defusedxml.ElementTree as DET

    root = DET.fromstring(xml)
    main = next((e for e in root.iter() if local(e.tag) == "main"), root)
    blocks: list[Block] = [("p", norm(main.text or ""), 0)]
    for elem in main:
        name = local(elem.tag)
        if name == "head":
            level = int(m.group(1)) if (m := re.fullmatch(r"h(\d)", elem.get("rend", ""))) else 2
            blocks.append(("head", text_of(elem), level))
        elif name == "list":
            items = [text_of(i) for i in elem.iter() if local(i.tag) == "item"]
            blocks.append(("p", "\n".join(i for i in items if i), 0))
        elif name == "table":
            rows = []
            for row in (r for r in elem.iter() if local(r.tag) == "row"):
                rows.append(" | ".join(text_of(c) for c in row if local(c.tag) == "cell"))
            blocks.append(("p", "\n".join(r for r in rows if r.strip(" |")), 0))
        else:
            blocks.append(("p", text_of(elem), 0))
        # text between blocks ("<head>Case</head>A 60-year-old man ...") is a paragraph of its own
        blocks.append(("p", norm(elem.tail or ""), 0))
    return [b for b in blocks if b[1]]


def _assemble(blocks: list[Block], title: str) -> tuple[str, list[Section]]:
    """Write blocks; each heading opens a section closed by the next heading of its level or higher."""
    out = TextAssembler()
    open_: list[tuple[int, int, SectionKind]] = []  # (level, handle, kind)
    title_done = False
    for kind_of_block, text, level in blocks:
        if kind_of_block != "head":
            out.block(text)
            continue
        if not title_done and (norm(text).casefold() == norm(title).casefold() or (level == 1 and not open_)):
            title_done = True
            span = out.block(text)
            if span:
                out.add_section(text, span[0], span[1], "title")
            continue
        while open_ and open_[-1][0] >= level:
            out.close_section(open_.pop()[1])
        kind = classify_heading(text)
        if kind == "other" and open_:
            kind = open_[-1][2]  # an unknown subheading belongs to the section it sits in
        open_.append((level, out.open_section(text, kind), kind))
    while open_:
        out.close_section(open_.pop()[1])
    return out.build()


def _metadata(parser: _MetaParser) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key, field in _META_KEYS.items():
        values = parser.meta.get(key)
        if values and field not in meta:
            meta[field] = values[0]
    if "doi" in meta:
        meta["doi"] = _DOI_PREFIX.sub("", meta["doi"])
    if "title" not in meta:
        og = parser.meta.get("og:title")
        meta["title"] = og[0] if og else norm(parser.title)
    if "publication_date" in meta and (m := _YEAR.search(meta["publication_date"])):
        meta["year"] = int(m.group())
    authors = parser.meta.get("citation_author")
    if authors:
        meta["authors"] = authors
    return meta


def read(source: Source, options: ReadOptions) -> Iterator[Document | ReadError]:
    """Read one saved HTML page as one document."""
    data = read_whole(source, options)
    if isinstance(data, ReadError):
        yield data
        return
    m = _CHARSET.search(data[:4096])
    html, encoding = decode_text(data, m.group(1).decode("ascii") if m else None)
    if not html.strip():
        yield ReadError(source.name, "empty file")
        return
    if reason := binary_reason(data, html, encoding):  # an image or program saved as .html
        yield ReadError(source.name, reason)
        return
    parser = _MetaParser()
    parser.feed(html)
    parser.close()
    meta = _metadata(parser)
    meta["encoding"] = encoding
    extractor = "trafilatura"
    try:
        blocks = trafilatura_blocks(html)
    except Exception:
        # a third-party extractor tripping over an odd page is no reason to lose the page
        blocks = []
    if not blocks:
        extractor = "fallback"
        blocks = fallback_blocks(html)
    meta["extractor"] = extractor
    text, sections = _assemble(blocks, meta.get("title") or "")
    if not text.strip():
        yield ReadError(source.name, "no text found in the HTML page")
        return
    yield Document(
        id=source.doc_id, text=text, source=source.name, format=FORMAT, metadata=meta, sections=sections
    )
