"""Dispatch: files, folders and globs to readers; sniffing; never raising for a bad file."""

from __future__ import annotations

import gzip
import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from spinecase.documents import SUPPORTED_SUFFIXES, Document, ReadError, read_documents, read_path
from spinecase.documents.readers import READERS, Reader, register_reader
from spinecase.documents.readers.base import ReadOptions, Source

PUBMED = (
    "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>31000001</PMID><Article>"
    "<ArticleTitle>Atlas metastasis of a melanoma.</ArticleTitle></Article></MedlineCitation>"
    "</PubmedArticle></PubmedArticleSet>"
)
JATS = (
    "<article article-type='case-report'><front><article-meta>"
    "<article-id pub-id-type='pmcid'>PMC8000001</article-id>"
    "<title-group><article-title>Coccygeal metastasis of a leiomyosarcoma</article-title></title-group>"
    "</article-meta></front><body><sec><title>Case report</title><p>A 60-year-old woman.</p></sec></body></article>"
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder of mixed files, with a hidden file, a hidden folder and a nested folder."""
    (tmp_path / "b-report.txt").write_text("CASE REPORT\nA 70-year-old man had T5 pain.\n")
    (tmp_path / "a-pubmed.xml").write_text(PUBMED)
    (tmp_path / "c-jats.xml").write_text(JATS)
    (tmp_path / "d-notes.docx").write_bytes(b"PK\x03\x04 not really a document")
    (tmp_path / ".hidden.txt").write_text("A 20-year-old should never be read.")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.txt").write_text("A hidden folder's file.")
    nested = tmp_path / "nested"
    nested.mkdir()
    (nested / "e-lines.jsonl").write_text(
        json.dumps({"id": "n1", "text": "A 33-year-old woman."})
        + "\n"
        + json.dumps({"id": "n2", "text": "A man."})
    )
    (nested / "f-page.html").write_text(
        "<html><body><h2>Case presentation</h2><p>A 61-year-old man with a C6 metastasis of a lung "
        "adenocarcinoma underwent anterior corpectomy and recovered full strength.</p></body></html>"
    )
    return tmp_path


def _ids(items: list[Document | ReadError]) -> list[str]:
    return [i.id if isinstance(i, Document) else f"ERR:{Path(i.source).name}" for i in items]


def test_folder_is_read_recursively_in_sorted_order(corpus: Path) -> None:
    items = list(read_documents(corpus))
    assert _ids(items) == ["31000001", "b-report", "PMC8000001", "ERR:d-notes.docx", "n1", "n2", "f-page"]
    formats = [i.format for i in items if isinstance(i, Document)]
    assert formats == ["pubmed", "text", "jats", "jsonl", "jsonl", "html"]
    err = next(i for i in items if isinstance(i, ReadError))
    assert err.message.startswith("unsupported file type '.docx'")


def test_non_recursive_and_globs(corpus: Path) -> None:
    assert _ids(list(read_documents(corpus, recursive=False))) == [
        "31000001",
        "b-report",
        "PMC8000001",
        "ERR:d-notes.docx",
    ]
    assert _ids(list(read_documents(str(corpus / "*.xml")))) == ["31000001", "PMC8000001"]
    assert _ids(list(read_documents(str(corpus / "**" / "*.jsonl")))) == ["n1", "n2"]
    [err] = list(read_documents(str(corpus / "*.pdf")))
    assert isinstance(err, ReadError) and err.message == "no files match this pattern"


def test_several_inputs_duplicates_and_missing(corpus: Path) -> None:
    report = corpus / "b-report.txt"
    items = list(read_documents([report, str(report), corpus / "nested", corpus / "missing.txt"]))
    assert _ids(items) == ["b-report", "n1", "n2", "f-page", "ERR:missing.txt"]
    assert isinstance(items[-1], ReadError) and items[-1].message == "no such file or folder"


def test_gzip_inner_type_and_sniffing(tmp_path: Path) -> None:
    (tmp_path / "a.xml.gz").write_bytes(gzip.compress(JATS.encode()))
    (tmp_path / "b.gz").write_bytes(gzip.compress(PUBMED.encode()))  # no inner suffix: sniffed
    (tmp_path / "c.gz").write_bytes(
        gzip.compress(json.dumps({"id": "j1", "text": "A 44-year-old."}).encode())
    )
    (tmp_path / "d.txt.gz").write_bytes(gzip.compress(b"A 52-year-old man with an L5 lesion."))
    (tmp_path / "e.xml.gz").write_bytes(gzip.compress(PUBMED.encode())[:30])  # truncated
    (tmp_path / "f.gz").write_bytes(b"plain text pretending to be gzip")
    items = list(read_documents(tmp_path))
    assert _ids(items) == ["PMC8000001", "31000001", "j1", "d", "ERR:e.xml.gz", "ERR:f.gz"]
    assert [i.format for i in items if isinstance(i, Document)] == ["jats", "pubmed", "jsonl", "text"]
    assert "gzip" in items[-2].message  # type: ignore[union-attr]
    assert "not a gzip file" in items[-1].message  # type: ignore[union-attr]


def test_pdf_recognised_by_content(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "download.txt"
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "A 63-year-old man with a T3 metastasis of a renal carcinoma.")
    c.showPage()
    c.save()
    [doc] = list(read_path(path))
    assert isinstance(doc, Document) and doc.format == "pdf"
    assert "T3 metastasis" in doc.text


def test_read_path_on_a_folder(tmp_path: Path) -> None:
    [err] = list(read_path(tmp_path))
    assert isinstance(err, ReadError) and "folder" in err.message


def test_a_failing_reader_costs_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(source: Source, options: ReadOptions) -> Iterator[Document | ReadError]:
        yield Document(id="partial", text="x", source=source.name, format="text")
        raise RuntimeError("boom")

    original = READERS["text"]
    monkeypatch.setitem(READERS, "text", Reader("text", original.suffixes, explode))
    (tmp_path / "a.txt").write_text("first")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "ok", "text": "A 50-year-old."}))
    items = list(read_documents(tmp_path))
    assert _ids(items) == ["partial", "ERR:a.txt", "ok"]
    assert items[1].message == "unexpected error in the text reader: RuntimeError: boom"  # type: ignore[union-attr]


def test_register_reader_adds_a_file_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def read_case(source: Source, options: ReadOptions) -> Iterator[Document | ReadError]:
        yield Document(id=source.doc_id, text=source.path.read_text(), source=source.name, format="case")

    monkeypatch.setattr("spinecase.documents.readers.registry.READERS", dict(READERS))
    register_reader(Reader("case", (".case",), read_case))
    (tmp_path / "x.case").write_text("A 41-year-old woman.")
    [doc] = list(read_documents(tmp_path))
    assert isinstance(doc, Document) and doc.format == "case"


def test_supported_suffixes() -> None:
    for suffix in (".txt", ".text", ".pdf", ".html", ".htm", ".xml", ".nxml", ".jsonl", ".ndjson", ".gz"):
        assert suffix in SUPPORTED_SUFFIXES


@pytest.mark.parametrize("suffix", [".txt", ".pdf", ".html", ".xml", ".nxml", ".jsonl", ".xml.gz", ""])
def test_garbage_never_raises(tmp_path: Path, suffix: str) -> None:
    seeds = [
        b"",
        b"\x00" * 64,
        random.Random(len(suffix)).randbytes(512),
        b"<",
        b"<?xml version='1.0'?><a>",
        b"{",
        b"%PDF-1.4",
        b"\xff\xfe\x00",
    ]
    for i, content in enumerate(seeds):
        (tmp_path / f"g{i}{suffix}").write_bytes(content)
    items = list(read_documents(tmp_path))
    assert all(isinstance(i, Document | ReadError) for i in items)
    # every garbage file gives at least one document or one error naming it: none is silently skipped
    named = {Path(i.source).name for i in items}
    assert named == {f"g{i}{suffix}" for i in range(len(seeds))}


def test_real_formats_folder(shared_dir: Path) -> None:
    items = list(read_documents(shared_dir / "corpus" / "formats"))
    errors = [i for i in items if isinstance(i, ReadError)]
    assert errors == []
    counts = Counter(i.format for i in items if isinstance(i, Document))
    assert counts == {"pubmed": 1 + 604 + 4, "jats": 12 + 10}
