"""Hypothesis properties of every reader: whatever the bytes, a reader yields only :class:`Document` or
:class:`ReadError` — it never raises — and what it yields is well formed.

Each reader is called directly (not through ``read_path``, whose safety net would hide a reader's own
exception), on arbitrary bytes and on *near-valid* input: a well-formed file of its type with a
mutation (cut short, bytes overwritten, inserted or deleted, markup injected). The plain-text reader's
bytes property lives in ``tests/test_reader_text.py``; here it is exercised through gzip.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from spinecase.documents import Document, ReadError
from spinecase.documents.readers import READERS, ReadOptions, Source

from .inputs import HTML_TEMPLATE, jats_xml, pdf_report, pubmed_xml

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: A small limit, so that the size checks are fuzzed too.
OPTIONS = (ReadOptions(), ReadOptions(max_bytes=600))


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="spinecase-fuzz-") as d:
        yield Path(d)


def read(workdir: Path, fmt: str, data: bytes, name: str, options: ReadOptions = OPTIONS[0]) -> list[object]:
    """Run reader ``fmt`` on ``data`` saved as ``name``; check and return what it yields."""
    path = workdir / name
    path.write_bytes(data)
    source = Source(path, compressed=data.startswith(b"\x1f\x8b"))
    items = list(READERS[fmt].read(source, options))
    assert items, "a reader must say something about every file"
    for item in items:
        assert isinstance(item, Document | ReadError), type(item)
        if isinstance(item, ReadError):
            assert item.source == str(path)
            assert item.message.strip() and "\n" not in item.message, item.message
            assert item.line is None or item.line >= 1
        else:
            assert item.format == fmt and item.source == str(path)
            assert isinstance(item.id, str) and item.id.strip()
            assert item.text.strip()
            for s in item.sections:
                assert 0 <= s.start < s.end <= len(item.text)
    # shown by --hypothesis-show-statistics: the near-valid inputs must also give documents
    event("documents" if any(isinstance(i, Document) for i in items) else "errors only")
    return items


# --- mutations of a valid file -------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, seeds: st.SearchStrategy[bytes]) -> bytes:
    """A valid file with up to three mutations: cut, overwrite, insert, delete, duplicate."""
    data = bytearray(draw(seeds))
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["cut", "overwrite", "insert", "delete", "duplicate"]))
        at = draw(st.integers(0, len(data)))
        if op == "cut":
            del data[at:]
        elif op == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=16))
            data[at : at + len(chunk)] = chunk
        elif op == "insert":
            data[at:at] = draw(st.binary(max_size=16) | st.sampled_from(INJECTIONS))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 256))]
    return bytes(data)


INJECTIONS = [
    b"<",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#xFFFF;",
    b"]]>",
    b"<![CDATA[",
    b"<!--",
    b"<?pi x?>",
    b'<!DOCTYPE x [<!ENTITY e "boom">]>',
    b'<!ENTITY x SYSTEM "file:///etc/hostname">',
    b"</sec>",
    b"<sec><title>",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"%PDF-1.7",
    b"endobj",
    b"xref",
    b"trailer<</Root 1 0 R>>",
    b"stream\n",
    b"\n",
    b"\r",
    b'{"id": 1, "text": ',
]

words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60
)
# characters XML allows (no C0 controls, no U+FFFE/U+FFFF), escaped: well-formed until mutated
xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=60,
).map(escape)


@st.composite
def pubmed_files(draw: st.DrawFn) -> bytes:
    pmid = draw(
        st.sampled_from(["31000001", "", "  ", "abc", "0", "9" * 30]) | st.integers(0, 10**9).map(str)
    )
    xml = pubmed_xml(pmid, draw(xml_text), draw(xml_text))
    if draw(st.booleans()):  # a second citation, a MEDLINE wrapper or labels without text
        xml = xml.replace("</PubmedArticleSet>", xml.split("<PubmedArticleSet>")[1])
    if draw(st.booleans()):
        xml = xml.replace("PubmedArticleSet", "MedlineCitationSet").replace("<PubmedArticle>", "")
        xml = xml.replace("</PubmedArticle>", "")
    return xml.encode(draw(st.sampled_from(["utf-8", "utf-16"])), errors="replace")


@st.composite
def jats_files(draw: st.DrawFn) -> bytes:
    depth = draw(st.integers(0, 40))
    body = draw(xml_text)
    for _ in range(depth):
        body = f"<sec><title>{draw(xml_text)}</title><p>{body}</p></sec>"
    extra = draw(
        st.sampled_from(
            [
                "",
                "<table-wrap><label>Table 1</label><table><tr><td>a</td><td>b</td></tr></table></table-wrap>",
                "<fig><caption><p>MRI of T12</p></caption></fig>",
                "<back><ref-list><ref><mixed-citation>Lee K. 2001.</mixed-citation></ref></ref-list></back>",
                "<sub-article><front-stub><title-group><article-title>Reply</article-title></title-group></front-stub></sub-article>",
            ]
        )
    )
    xml = jats_xml(draw(st.sampled_from(["PMC1", "", "PMC", "x y"])), draw(xml_text), "BODY")
    xml = xml.replace("<p>BODY</p>", f"<p>{body}</p>{extra}")
    if draw(st.booleans()):
        xml = f"<pmc-articleset>{xml.split('?>', 1)[1] * draw(st.integers(1, 3))}</pmc-articleset>"
    return xml.encode()


@st.composite
def html_files(draw: st.DrawFn) -> bytes:
    tags = [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "nav",
        "script",
        "style",
        "table",
        "tr",
        "td",
        "li",
        "span",
        "br",
        "meta",
    ]
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(st.sampled_from(tags))
        close = draw(st.booleans())
        parts.append(f"<{tag}>{escape(draw(words))}" + (f"</{tag}>" if close else ""))
    page = HTML_TEMPLATE.format(title=escape(draw(words)), body="".join(parts))
    charset = draw(st.sampled_from(["", "utf-8", "latin-1", "bogus-charset", "utf-16"]))
    if charset:
        page = page.replace("<head>", f'<head><meta charset="{charset}">')
    return page.encode(draw(st.sampled_from(["utf-8", "cp1252", "utf-16"])), errors="replace")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | words,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(words, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["record", "record", "value", "raw", "blank"]))
        if kind == "record":
            record = {"id": draw(st.integers() | words | st.none()), "text": draw(words | st.integers())}
            record.update(draw(st.dictionaries(words, json_values, max_size=3)))
            lines.append(json.dumps(record, ensure_ascii=draw(st.booleans())).encode())
        elif kind == "value":
            lines.append(json.dumps(draw(json_values)).encode())
        elif kind == "raw":
            lines.append(draw(st.binary(max_size=40)))
        else:
            lines.append(b"   ")
    return draw(st.sampled_from([b"\n", b"\r\n"])).join(lines)


PDF_SEEDS = st.sampled_from([pdf_report(i) for i in range(3)])


# --- the properties ----------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=3000) | mutated(PDF_SEEDS), small=st.booleans())
def test_pdf_reader(workdir: Path, data: bytes, small: bool) -> None:
    read(workdir, "pdf", data, "fuzz.pdf", OPTIONS[small])


@FUZZ
@given(data=st.binary(max_size=2000) | html_files() | mutated(html_files()), small=st.booleans())
def test_html_reader(workdir: Path, data: bytes, small: bool) -> None:
    read(workdir, "html", data, "fuzz.html", OPTIONS[small])


@FUZZ
@given(data=st.binary(max_size=2000) | pubmed_files() | mutated(pubmed_files()), small=st.booleans())
def test_pubmed_reader(workdir: Path, data: bytes, small: bool) -> None:
    items = read(workdir, "pubmed", data, "fuzz.xml", OPTIONS[small])
    for doc in items:
        if isinstance(doc, Document):
            assert doc.id == doc.metadata.get("pmid") or doc.id


@FUZZ
@given(data=st.binary(max_size=2000) | jats_files() | mutated(jats_files()), small=st.booleans())
def test_jats_reader(workdir: Path, data: bytes, small: bool) -> None:
    read(workdir, "jats", data, "fuzz.nxml", OPTIONS[small])


@FUZZ
@given(data=st.binary(max_size=2000) | jsonl_files() | mutated(jsonl_files()), small=st.booleans())
def test_jsonl_reader(workdir: Path, data: bytes, small: bool) -> None:
    items = read(workdir, "jsonl", data, "fuzz.jsonl", OPTIONS[small])
    lines = [i.line for i in items if isinstance(i, ReadError) and i.line is not None]
    assert lines == sorted(lines) and len(lines) == len(set(lines))  # one error per line, in order


@FUZZ
@given(
    data=st.binary(max_size=1500) | jsonl_files() | pubmed_files(),
    fmt=st.sampled_from(["text", "jsonl", "pubmed", "jats"]),
    cut=st.floats(0.1, 1.0),
)
def test_gzip_streams_whole_or_cut(workdir: Path, data: bytes, fmt: str, cut: float) -> None:
    """Compressed input, complete or cut anywhere: the readers that stream it never raise."""
    packed = gzip.compress(data)
    read(workdir, fmt, packed[: max(2, int(len(packed) * cut))], f"fuzz.{fmt}.gz")
