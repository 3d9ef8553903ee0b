"""HTML reader: main text without page furniture, headings as sections, citation meta tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinecase.documents import Document, ReadError, read_path
from spinecase.documents.readers import html as html_reader

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Invented Spine Journal | Article</title>
<meta name="citation_title" content="Thoracic metastasis of a follicular thyroid carcinoma: a case report">
<meta name="citation_doi" content="doi:10.5555/isj.2021.0042">
<meta name="citation_pmid" content="39999999">
<meta name="citation_journal_title" content="Invented Spine Journal">
<meta name="citation_publication_date" content="2021/06/02">
<meta name="citation_author" content="Lindqvist, Maja">
<meta name="citation_author" content="Okafor, Chidi">
<script>var tracking = "do not read me";</script>
</head><body>
<nav><ul><li><a href="/">Journal home</a></li><li><a href="/issues">Browse issues</a></li>
<li><a href="/subscribe">Subscribe to our newsletter</a></li></ul></nav>
<header><div class="banner">Sign in or register for full access</div></header>
<main><article>
<h1>Thoracic metastasis of a follicular thyroid carcinoma: a case report</h1>
<h2>Abstract</h2>
<p>We describe a woman whose first sign of a thyroid carcinoma was paraparesis from a solitary
T7 metastasis, treated with embolisation and posterior decompression.</p>
<h2>Case presentation</h2>
<p>A 66-year-old woman presented with weakness of both legs that had progressed over two weeks.
Magnetic resonance imaging showed an expansile lesion of the T7 vertebral body compressing the cord.</p>
<h3>Neurological status</h3>
<p>Power was graded 3 of 5 in both legs, with a sensory level at T8 and preserved sphincter control.</p>
<h3>Surgery</h3>
<p>After preoperative embolisation she underwent decompression and fixation from T5 to T9; histology
showed metastatic follicular carcinoma.</p>
<table><tr><th>Day</th><th>Power</th></tr><tr><td>0</td><td>3/5</td></tr><tr><td>30</td><td>5/5</td></tr></table>
<h2>Discussion</h2>
<p>Thyroid metastases to the spine bleed heavily, which is why embolisation before surgery is advised
by most authors, and radioactive iodine follows once the wound has healed.</p>
<h2>References</h2>
<ol><li>Invented A, Made B. A fictional series of spinal metastases. Imag Spine. 2001;1:1-9.</li>
<li>Example C. Another fictional paper. Imag Spine. 2003;3:10-19.</li></ol>
</article></main>
<footer><p>Copyright 2021 Invented Publisher. Privacy policy. Cookie settings. Contact us.</p></footer>
</body></html>
"""


def _read(path: Path) -> Document | ReadError:
    items = list(read_path(path))
    assert len(items) == 1
    return items[0]


def test_main_text_sections_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "isj-2021-0042.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = _read(path)
    assert isinstance(doc, Document), doc
    assert doc.id == "isj-2021-0042"
    assert doc.format == "html"
    assert doc.metadata["extractor"] == "trafilatura"
    for furniture in (
        "Browse issues",
        "Sign in or register",
        "Privacy policy",
        "do not read me",
        "Journal home",
    ):
        assert furniture not in doc.text
    assert "A 66-year-old woman presented" in doc.text
    assert doc.metadata["title"] == "Thoracic metastasis of a follicular thyroid carcinoma: a case report"
    assert doc.metadata["doi"] == "10.5555/isj.2021.0042"
    assert doc.metadata["pmid"] == "39999999"
    assert doc.metadata["journal"] == "Invented Spine Journal"
    assert doc.metadata["year"] == 2021
    assert doc.metadata["authors"] == ["Lindqvist, Maja", "Okafor, Chidi"]

    kinds = {s.title: s.kind for s in doc.sections}
    assert kinds == {
        "Thoracic metastasis of a follicular thyroid carcinoma: a case report": "title",
        "Abstract": "abstract",
        "Case presentation": "case",
        "Neurological status": "case",  # unknown subheading: the kind of its section
        "Surgery": "case",
        "Discussion": "discussion",
        "References": "references",
    }
    for s in doc.sections:
        assert doc.text[s.start : s.end].startswith(s.title)
        # headings stand on their own line
        assert s.start == 0 or doc.text[s.start - 1] == "\n"
        assert doc.text[s.start + len(s.title)] == "\n" or s.kind == "title"
    case = next(s for s in doc.sections if s.title == "Case presentation")
    case_text = doc.text[case.start : case.end]
    assert "sensory level at T8" in case_text and "histology" in case_text
    assert "bleed heavily" not in case_text
    refs = next(s for s in doc.sections if s.kind == "references")
    assert len(doc.text[refs.start : refs.end].splitlines()) >= 3


def test_fallback_when_trafilatura_finds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "extract", lambda *a, **k: None)
    path = tmp_path / "page.htm"
    path.write_text(PAGE, encoding="utf-8")
    doc = _read(path)
    assert isinstance(doc, Document), doc
    assert doc.metadata["extractor"] == "fallback"
    assert "Browse issues" not in doc.text and "Privacy policy" not in doc.text
    assert "Invented Spine Journal | Article" not in doc.text  # the <title> is not body text
    assert "Day | Power" in doc.text and "30 | 5/5" in doc.text  # table cells stay in their rows
    assert {s.title: s.kind for s in doc.sections}["Case presentation"] == "case"


def test_fallback_blocks_keep_headings_apart() -> None:
    blocks = html_reader.fallback_blocks(
        "<body><header>Menu</header><h2>Case report</h2><p>A 50-year-old <b>man</b> had L4 pain.</p>"
        "<ul><li>MRI: L4 lesion</li><li>CT: lytic</li></ul><footer>Imprint</footer></body>"
    )
    assert blocks == [
        ("head", "Case report", 2),
        ("p", "A 50-year-old man had L4 pain.", 0),
        ("p", "MRI: L4 lesion", 0),
        ("p", "CT: lytic", 0),
    ]


def test_declared_charset_is_used(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>'
        "<body><h2>Cas clinique</h2><p>Une femme de 72 ans présentait une métastase vertébrale de T11, "
        "traitée par cimentoplastie et radiothérapie, avec une nette amélioration de la douleur.</p></body></html>"
    )
    path = tmp_path / "fr.html"
    path.write_bytes(page.encode("cp1252"))
    doc = _read(path)
    assert isinstance(doc, Document)
    assert doc.metadata["encoding"] == "windows-1252"
    assert "présentait une métastase" in doc.text


@pytest.mark.parametrize(
    "content",
    [b"", b"  \n ", b"<html><head><style>p {}</style></head><body><script>var a = 1;</script></body></html>"],
)
def test_pages_without_text(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.html"
    path.write_bytes(content)
    err = _read(path)
    assert isinstance(err, ReadError)
    assert err.message in {"empty file", "no text found in the HTML page"}
