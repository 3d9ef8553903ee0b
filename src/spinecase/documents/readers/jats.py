"""PMC JATS XML full texts: a single ``<article>`` or any wrapper of several (``<pmc-articleset>``).

JATS is what PubMed Central publishes: the whole paper with its sections (``<sec>``), tables
(``<table-wrap>``), figure captions (``<fig>``) and reference list (``<ref-list>``). Each article
becomes one document; its text is written block by block, blank lines between blocks::

    Cervical metastasis of a chordoma          <- title (kind "title")

    Abstract                                   <- kind "abstract"
    ...
    Case presentation                          <- every titled <sec>, kind from its heading
    A 63-year-old man ...

    Table 1. Laboratory values                 <- kind "table", one row per line
    Test | Value
    Calcium | 3.1 mmol/L

    References                                 <- kind "references", one reference per line
    1. Lee K, Park J. ...

A subsection whose heading the lexicon does not know ("Neurological examination") takes the kind of
the section it sits in, so everything under "Case presentation" counts as the case.

The id is the PMID, else the PMCID (``PMC6358576``), else the DOI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

from ..model import Document, ReadError, SectionKind
from ..sections import classify_heading
from .base import ReadOptions, Source, too_large
from .xmlutil import (
    XML_ERRORS,
    CountingReader,
    TextAssembler,
    children,
    descendants,
    find,
    iterparse,
    local,
    spaced_text,
    text_of,
    xml_error,
)

FORMAT = "jats"

# blocks that may sit inside a <p> but are written as blocks of their own after it
_FLOATS = frozenset({"table-wrap", "table-wrap-group", "fig", "fig-group", "list", "supplementary-material"})
# raw LaTeX next to its MathML rendering inside <alternatives> would print the formula twice
_IN_PARAGRAPH_SKIP = _FLOATS | {"tex-math"}
_SKIP = frozenset(
    {"title", "label", "sec-meta", "object-id", "graphic", "media", "alternatives", "sub-article"}
)
_CONTAINERS = frozenset({"boxed-text", "disp-quote", "statement", "app", "glossary", "notes", "ack", "bio"})
_DEFAULT_TITLES = {
    "ack": "Acknowledgements",
    "notes": "Notes",
    "glossary": "Abbreviations",
    "fn-group": "Footnotes",
    "app": "Appendix",
}
# identifiers glued to a citation ("...2000;52:404-8.10968861") are noise in a reference line
_REF_SKIP = frozenset({"pub-id", "object-id", "uri"})
_SKIPPED_ABSTRACTS = frozenset({"graphical", "teaser", "toc", "web-summary", "precis"})
# sec-type values of the JATS tag library, for sections whose title the lexicon does not know
_SEC_TYPES: dict[str, SectionKind] = {
    "intro": "background",
    "cases": "case",
    "case": "case",
    "case-report": "case",
    "discussion": "discussion",
    "conclusions": "conclusion",
    "conclusion": "conclusion",
    "supplementary-material": "boilerplate",
    "COI-statement": "boilerplate",
}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _text(elem: Element | None) -> str:
    return text_of(elem) if elem is not None else ""


def _initials(given: str) -> str:
    """``"Mary Ann"`` -> ``"MA"``, ``"Jean-Pierre"`` -> ``"JP"``, ``"K."`` -> ``"K"``."""
    return "".join(part[0] for part in re.split(r"[\s.\-]+", given) if part and part[0].isalpha())


def _authors(meta: Element) -> list[str]:
    out: list[str] = []
    for group in children(meta, "contrib-group"):
        for contrib in children(group, "contrib"):
            if contrib.get("contrib-type", "author") != "author":
                continue
            name = find(contrib, "name")
            if name is not None:
                surname = _text(find(name, "surname"))
                given = _text(find(name, "given-names"))
                if surname:
                    out.append(f"{surname} {_initials(given)}".strip())
                    continue
            collab = find(contrib, "collab")
            if collab is not None and text_of(collab):
                out.append(text_of(collab))
    return out


def _year(meta: Element) -> int | None:
    dates = list(children(meta, "pub-date"))
    preferred = ("epub", "ppub", "pub", "collection")
    dates.sort(
        key=lambda d: next(
            (i for i, p in enumerate(preferred) if p in (d.get("pub-type"), d.get("date-type"))), 9
        )
    )
    for date in dates:
        year = find(date, "year")
        m = _YEAR.search(text_of(year)) if year is not None else None
        if m:
            return int(m.group())
    return None


def _metadata(article: Element) -> dict[str, Any]:
    front = find(article, "front")
    meta = find(front, "article-meta") if front is not None else None
    journal_meta = find(front, "journal-meta") if front is not None else None
    ids: dict[str, str] = {}
    if meta is not None:
        for aid in children(meta, "article-id"):
            kind = aid.get("pub-id-type", "")
            if text_of(aid) and kind not in ids:
                ids[kind] = text_of(aid)
    pmcid = ids.get("pmcid") or ids.get("pmc")
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = f"PMC{pmcid}"
    title_el = find(meta, "title-group", "article-title") if meta is not None else None
    journal_el = None
    if journal_meta is not None:
        journal_el = find(journal_meta, "journal-title-group", "journal-title")
        if journal_el is None:
            journal_el = find(journal_meta, "journal-title")  # NLM DTD 2.x
    keywords = [text_of(k) for k in descendants(meta, "kwd")] if meta is not None else []
    return {
        "pmid": ids.get("pmid"),
        "pmcid": pmcid,
        "doi": ids.get("doi"),
        "title": text_of(title_el, skip=frozenset({"xref", "fn"})) if title_el is not None else "",
        "journal": text_of(journal_el) if journal_el is not None else None,
        "year": _year(meta) if meta is not None else None,
        "article_type": article.get("article-type"),
        "authors": _authors(meta) if meta is not None else [],
        "keywords": [k for k in keywords if k],
    }


class _Writer:
    """Walks one article and writes its text with :class:`TextAssembler`."""

    def __init__(self) -> None:
        self.out = TextAssembler()
        self._titles = [""]  # titles of the open sections, innermost last

    # -- blocks -------------------------------------------------------------------------------
    def children(self, elem: Element, kind: SectionKind) -> None:
        for child in elem:
            name = local(child.tag)
            if not name or name in _SKIP:
                continue
            if name == "sec":
                self.sec(child, kind)
            elif name == "p":
                self.out.block(text_of(child, skip=_IN_PARAGRAPH_SKIP))
                for inner in child:
                    if local(inner.tag) in _FLOATS:
                        self.float(inner, kind)
            elif name in _FLOATS:
                self.float(child, kind)
            elif name == "ref-list":
                self.refs(child)
            elif name in _CONTAINERS or name == "fn-group":
                self.sec(child, kind, default_title=_DEFAULT_TITLES.get(name, ""))
            elif name == "def-list":
                self.def_list(child)
            else:
                self.out.block(text_of(child))

    def sec(self, sec: Element, parent: SectionKind, default_title: str = "") -> None:
        title_el = find(sec, "title")
        title = text_of(title_el) if title_el is not None else default_title
        if not title or title.casefold() == self._titles[-1]:
            # untitled, or repeating its parent's title (<ack><title>Acknowledgements</title><sec>...)
            self.children(sec, parent)
            return
        kind = classify_heading(title)
        if kind == "other":
            kind = _SEC_TYPES.get(sec.get("sec-type", ""), parent)
        handle = self.out.open_section(title, kind)
        self._titles.append(title.casefold())
        self.children(sec, kind)
        self._titles.pop()
        self.out.close_section(handle)

    def float(self, elem: Element, kind: SectionKind) -> None:
        name = local(elem.tag)
        if name in ("table-wrap-group", "fig-group"):
            self.children(elem, kind)
        elif name == "table-wrap":
            self.table(elem)
        elif name == "list":
            lines = [text_of(item) for item in descendants(elem, "list-item")]
            self.out.block("\n".join(line for line in lines if line))
        else:  # fig, supplementary-material: the caption is the text
            self.caption(elem)

    def _label_caption(self, elem: Element) -> tuple[str, str]:
        label_el = find(elem, "label")
        caption_el = find(elem, "caption")
        label = text_of(label_el) if label_el is not None else ""
        caption = text_of(caption_el) if caption_el is not None else ""
        return label, caption

    def caption(self, fig: Element) -> None:
        label, caption = self._label_caption(fig)
        text = f"{label}. {caption}" if label and caption else label or caption
        span = self.out.block(text)
        if span:
            default = "Figure" if local(fig.tag) == "fig" else "Supplementary material"
            self.out.add_section(label or default, span[0], span[1], "caption")

    def table(self, wrap: Element) -> None:
        label, caption = self._label_caption(wrap)
        heading = f"{label}. {caption}" if label and caption else label or caption or "Table"
        handle = self.out.open_section(heading, "table")
        rows = []
        for tr in descendants(wrap, "tr"):
            cells = [text_of(c) for c in tr if local(c.tag) in ("td", "th")]
            if any(cells):
                rows.append(" | ".join(cells))
        self.out.block("\n".join(rows), tight=True)
        for foot in descendants(wrap, "table-wrap-foot"):
            self.out.block(text_of(foot), tight=True)
        self.out.close_section(handle)

    def refs(self, ref_list: Element) -> None:
        title_el = find(ref_list, "title")
        title = text_of(title_el) if title_el is not None else "References"
        handle = self.out.open_section(title or "References", "references")
        lines: list[str] = []
        for ref in descendants(ref_list, "ref"):
            label_el = find(ref, "label")
            label = text_of(label_el) if label_el is not None else ""
            body = " ".join(spaced_text(c, _REF_SKIP) for c in ref if local(c.tag) not in ("label", "note"))
            if body:
                lines.append(f"{label.rstrip('.')}. {body}" if label else body)
        self.out.block("\n".join(lines), tight=True)
        self.out.close_section(handle)

    def def_list(self, dl: Element) -> None:
        lines = []
        for item in children(dl, "def-item"):
            term, definition = find(item, "term"), find(item, "def")
            t = text_of(term) if term is not None else ""
            d = text_of(definition) if definition is not None else ""
            lines.append(f"{t}: {d}" if t and d else t or d)
        self.out.block("\n".join(line for line in lines if line))

    # -- the article ----------------------------------------------------------------------------
    def article(self, article: Element, title: str) -> None:
        span = self.out.block(title)
        if span:
            self.out.add_section(title, span[0], span[1], "title")
        front = find(article, "front")
        meta = find(front, "article-meta") if front is not None else None
        if meta is not None:
            for abstract in children(meta, "abstract"):
                if abstract.get("abstract-type", "") in _SKIPPED_ABSTRACTS:
                    continue
                title_el = find(abstract, "title")
                heading = text_of(title_el) if title_el is not None else "Abstract"
                kind = classify_heading(heading)
                handle = self.out.open_section(heading or "Abstract", kind if kind != "other" else "abstract")
                self.children(abstract, "abstract")
                self.out.close_section(handle)
        for part in ("body", "back", "floats-group"):
            elem = find(article, part)
            if elem is not None:
                self.children(elem, "other")


def _document(article: Element, source: Source, index: int) -> Document | ReadError:
    meta = _metadata(article)
    doc_id = (
        meta["pmid"]
        or meta["pmcid"]
        or meta["doi"]
        or (source.doc_id if index == 0 else f"{source.doc_id}-{index + 1}")
    )
    writer = _Writer()
    writer.article(article, meta["title"])
    text, sections = writer.out.build()
    if not text:
        return ReadError(source.name, f"article {doc_id} has no text")
    return Document(id=doc_id, text=text, source=source.name, format=FORMAT, metadata=meta, sections=sections)


def read(source: Source, options: ReadOptions) -> Iterator[Document | ReadError]:
    """Stream the ``<article>`` elements of one JATS file (any wrapper, any depth)."""
    count = 0
    try:
        with source.open() as raw:
            fh = CountingReader(raw)
            stack: list[Element] = []
            depth = 0  # how many <article> elements are open (sub-articles use another tag)
            started = 0
            for event, elem in iterparse(fh, ("start", "end")):
                if event == "start":
                    stack.append(elem)
                    if local(elem.tag) == "article":
                        if depth == 0:
                            started = fh.count
                        depth += 1
                    elif depth and fh.count - started > options.max_bytes:
                        yield too_large(source, options.max_bytes, "one article")
                        return
                    continue
                stack.pop()
                if local(elem.tag) != "article":
                    continue
                depth -= 1
                if depth:
                    continue
                yield _document(elem, source, count)
                count += 1
                if stack:
                    stack[-1].remove(elem)  # free the article once written
                elem.clear()
    except XML_ERRORS as exc:
        yield xml_error(source, exc)
        return
    if count == 0:
        yield ReadError(source.name, "no JATS <article> element in this XML file")
