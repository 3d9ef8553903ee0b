"""PubMed/MEDLINE XML: efetch ``PubmedArticleSet`` files and ``MedlineCitationSet`` baseline files.

Most case reports reach a registry first as a PubMed record: a title and an abstract, often a
*structured* abstract whose parts are labelled ("BACKGROUND", "CASE PRESENTATION", "CONCLUSIONS").
Each article becomes one document whose id is its PMID and whose text is the title, a blank line and
the abstract; each label stays on a line of its own and opens a section:

.. code-block:: text

    Lumbar metastasis of a seminoma.

    CASE PRESENTATION
    A 34-year-old man had L2 pain ...

Files are streamed (``iterparse``, each article cleared once read), so a 100 MB baseline file is
read in bounded memory; ``.xml.gz`` files are decompressed on the fly.

Example::

    >>> from pathlib import Path
    >>> docs = list(read(Source(Path("pubmed-result.xml")), ReadOptions()))  # doctest: +SKIP
    >>> docs[0].id, docs[0].metadata["publication_types"]  # doctest: +SKIP
    ('31234567', ['Case Reports', 'Journal Article'])
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

from ..model import Document, ReadError
from ..sections import classify_heading
from .base import ReadOptions, Source, too_large
from .xmlutil import (
    XML_ERRORS,
    CountingReader,
    TextAssembler,
    children,
    find,
    iterparse,
    local,
    text_of,
    xml_error,
)

FORMAT = "pubmed"
#: Root elements that identify a PubMed/MEDLINE file when sniffing ``.xml``.
ROOTS = frozenset(
    {"PubmedArticleSet", "MedlineCitationSet", "PubmedArticle", "MedlineCitation", "PubmedBookArticleSet"}
)

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _first_text(elem: Element | None, *path: str) -> str:
    found = find(elem, *path) if elem is not None else None
    return text_of(found) if found is not None else ""


def _year(article: Element | None, citation: Element) -> int | None:
    candidates = [
        find(article, "Journal", "JournalIssue", "PubDate") if article is not None else None,
        find(article, "ArticleDate") if article is not None else None,
        find(citation, "DateCompleted"),
    ]
    for date in candidates:
        if date is None:
            continue
        m = _YEAR.search(_first_text(date, "Year") or _first_text(date, "MedlineDate"))
        if m:
            return int(m.group())
    return None


def _authors(article: Element | None) -> list[str]:
    author_list = find(article, "AuthorList") if article is not None else None
    out: list[str] = []
    if author_list is None:
        return out
    for author in children(author_list, "Author"):
        last = _first_text(author, "LastName")
        if last:
            initials = _first_text(author, "Initials")
            out.append(f"{last} {initials}".strip())
        else:
            group = _first_text(author, "CollectiveName")
            if group:
                out.append(group)
    return out


def _ids(record: Element, article: Element | None) -> tuple[str | None, str | None]:
    """DOI and PMCID from ``PubmedData/ArticleIdList`` or, for the DOI, ``ELocationID``."""
    doi: str | None = None
    pmcid: str | None = None
    id_list = find(record, "PubmedData", "ArticleIdList")
    if id_list is not None:
        for aid in children(id_list, "ArticleId"):
            kind = aid.get("IdType", "")
            value = text_of(aid)
            if kind == "doi" and value and doi is None:
                doi = value
            elif kind == "pmc" and value and pmcid is None:
                pmcid = value if value.upper().startswith("PMC") else f"PMC{value}"
    if doi is None and article is not None:
        for loc in children(article, "ELocationID"):
            if loc.get("EIdType") == "doi" and text_of(loc):
                doi = text_of(loc)
                break
    return doi, pmcid


def _names(parent: Element | None, container: str, item: str, inner: str | None = None) -> list[str]:
    box = find(parent, container) if parent is not None else None
    if box is None:
        return []
    out = []
    for el in children(box, item):
        target = find(el, inner) if inner else el
        if target is not None and text_of(target):
            out.append(text_of(target))
    return out


def _document(record: Element, source: Source) -> Document | ReadError:
    """One ``PubmedArticle``, ``PubmedBookArticle`` or bare ``MedlineCitation`` as a document."""
    name = local(record.tag)
    citation = record
    if name != "MedlineCitation":
        for inner in ("MedlineCitation", "BookDocument"):
            found = find(record, inner)
            if found is not None:
                citation = found
                break
    pmid = _first_text(citation, "PMID")
    if not pmid:
        return ReadError(source.name, f"a <{name}> without PMID")
    article = find(citation, "Article")
    holder = article if article is not None else citation  # books keep title and abstract on BookDocument
    title = (
        _first_text(holder, "ArticleTitle")
        or _first_text(holder, "VernacularTitle")
        or _first_text(holder, "Book", "BookTitle")
    )
    doi, pmcid = _ids(record, article)
    meta: dict[str, Any] = {
        "pmid": pmid,
        "doi": doi,
        "pmcid": pmcid,
        "title": title,
        "journal": _first_text(article, "Journal", "Title") or None,
        "year": _year(article, citation),
        "publication_types": _names(holder, "PublicationTypeList", "PublicationType"),
        "authors": _authors(holder),
        "mesh_terms": _names(citation, "MeshHeadingList", "MeshHeading", "DescriptorName"),
        "keywords": _names(citation, "KeywordList", "Keyword"),
    }

    out = TextAssembler()
    span = out.block(title)
    if span:
        out.add_section(title, span[0], span[1], "title")
    abstract = find(holder, "Abstract")
    if abstract is not None:
        whole = out.open_section("Abstract", "abstract", show_title=False)
        for part in children(abstract, "AbstractText"):
            body = text_of(part)
            label = (part.get("Label") or "").strip()
            if label:
                kind = classify_heading(label)
                if kind == "other" and part.get("NlmCategory"):
                    # "PURPOSE" is labelled by the author; NLM's category ("OBJECTIVE") may be known
                    kind = classify_heading(part.get("NlmCategory", ""))
                handle = out.open_section(label, kind)
                out.block(body, tight=True)
                out.close_section(handle)
            else:
                out.block(body)
        out.close_section(whole)
    text, sections = out.build()
    if not text:
        return ReadError(source.name, f"PMID {pmid} has neither title nor abstract")
    return Document(id=pmid, text=text, source=source.name, format=FORMAT, metadata=meta, sections=sections)


def read(source: Source, options: ReadOptions) -> Iterator[Document | ReadError]:
    """Stream the articles of one PubMed/MEDLINE XML file."""
    try:
        with source.open() as raw:
            fh = CountingReader(raw)
            root: Element | None = None
            in_article = False
            mark = 0
            for event, elem in iterparse(fh, ("start", "end")):
                name = local(elem.tag)
                if event == "start":
                    if root is None:
                        root = elem
                    if name in ("PubmedArticle", "PubmedBookArticle"):
                        in_article = True
                    if fh.count - mark > options.max_bytes:
                        # one citation is a few kB; this is a broken or hostile file
                        yield too_large(source, options.max_bytes, "one article")
                        return
                    continue
                bare = name == "MedlineCitation" and not in_article
                if name in ("PubmedArticle", "PubmedBookArticle") or bare:
                    in_article = False
                    yield _document(elem, source)
                    elem.clear()
                    if root is not None and root is not elem:
                        root.clear()  # drop the finished articles from the tree
                    mark = fh.count
                elif name == "DeleteCitation" and root is not None:
                    root.clear()
    except XML_ERRORS as exc:
        yield xml_error(source, exc)
