"""PubMed/MEDLINE XML reader: both set formats, structured abstracts, gzip, hostile and broken XML."""

from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

from spinecase.documents import Document, ReadError, read_path

CITATION_1 = """<MedlineCitation Status="MEDLINE" Owner="NLM">
  <PMID Version="1">39000001</PMID>
  <Article PubModel="Print-Electronic">
    <Journal><JournalIssue><PubDate><MedlineDate>2019 Jan-Feb</MedlineDate></PubDate></JournalIssue>
      <Title>Journal of invented spine cases</Title></Journal>
    <ArticleTitle>Cervical metastasis of a <i>chordoma</i> in a young adult.</ArticleTitle>
    <ELocationID EIdType="doi" ValidYN="Y">10.5555/jisc.2019.001</ELocationID>
    <Abstract>
      <AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Chordoma rarely spreads to
        another spinal level.</AbstractText>
      <AbstractText Label="CASE PRESENTATION" NlmCategory="UNASSIGNED">A 31-year-old man had neck
        pain; MRI showed a C3 lesion. He underwent anterior corpectomy.</AbstractText>
      <AbstractText Label="LESSONS" NlmCategory="CONCLUSIONS">Chordoma can seed the spine far from the
        primary.</AbstractText>
      <CopyrightInformation>Copyright invented.</CopyrightInformation>
    </Abstract>
    <AuthorList CompleteYN="Y">
      <Author ValidYN="Y"><LastName>Haddad</LastName><ForeName>Rami K</ForeName><Initials>RK</Initials></Author>
      <Author ValidYN="Y"><CollectiveName>Invented Spine Group</CollectiveName></Author>
    </AuthorList>
    <PublicationTypeList>
      <PublicationType UI="D002363">Case Reports</PublicationType>
      <PublicationType UI="D016428">Journal Article</PublicationType>
    </PublicationTypeList>
  </Article>
  <MeshHeadingList>
    <MeshHeading><DescriptorName UI="D1">Chordoma</DescriptorName></MeshHeading>
    <MeshHeading><DescriptorName UI="D2">Cervical Vertebrae</DescriptorName></MeshHeading>
  </MeshHeadingList>
</MedlineCitation>"""

CITATION_2 = """<MedlineCitation Status="PubMed-not-MEDLINE" Owner="NLM">
  <PMID Version="1">39000002</PMID>
  <Article PubModel="Print">
    <Journal><JournalIssue><PubDate><Year>2020</Year><Month>Mar</Month></PubDate></JournalIssue>
      <Title>Invented orthopaedic letters</Title></Journal>
    <ArticleTitle>Letter: sacral insufficiency or metastasis?</ArticleTitle>
    <AuthorList><Author><LastName>Ng</LastName><Initials>W</Initials></Author></AuthorList>
    <PublicationTypeList><PublicationType>Letter</PublicationType></PublicationTypeList>
  </Article>
</MedlineCitation>"""

PUBMED_SET = f"""<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">
<PubmedArticleSet>
<PubmedArticle>{CITATION_1}
  <PubmedData><ArticleIdList>
    <ArticleId IdType="pubmed">39000001</ArticleId>
    <ArticleId IdType="pmc">PMC7000001</ArticleId>
  </ArticleIdList></PubmedData>
</PubmedArticle>
<PubmedArticle>{CITATION_2}
  <PubmedData><ArticleIdList><ArticleId IdType="doi">10.5555/iol.2020.7</ArticleId></ArticleIdList></PubmedData>
</PubmedArticle>
</PubmedArticleSet>
"""

MEDLINE_SET = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE MedlineCitationSet PUBLIC "-//NLM//DTD Medline Citation, 1st January, 2016//EN"
  "https://www.nlm.nih.gov/databases/dtd/nlmmedlinecitationset_160101.dtd">
<MedlineCitationSet>
{CITATION_1}
<DeleteCitation><PMID Version="1">10000</PMID></DeleteCitation>
{CITATION_2}
</MedlineCitationSet>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _docs(path: Path, **kw: int) -> list[Document]:
    items = list(read_path(path, **kw))
    assert all(isinstance(i, Document) for i in items), items
    return [i for i in items if isinstance(i, Document)]


def _check_first(doc: Document) -> None:
    assert doc.id == "39000001"
    assert doc.format == "pubmed"
    m = doc.metadata
    assert m["pmid"] == "39000001"
    assert m["doi"] == "10.5555/jisc.2019.001"  # from ELocationID
    assert m["title"] == "Cervical metastasis of a chordoma in a young adult."
    assert m["journal"] == "Journal of invented spine cases"
    assert m["year"] == 2019
    assert m["authors"] == ["Haddad RK", "Invented Spine Group"]
    assert m["publication_types"] == ["Case Reports", "Journal Article"]
    assert m["mesh_terms"] == ["Chordoma", "Cervical Vertebrae"]
    assert doc.text.startswith("Cervical metastasis of a chordoma in a young adult.\n\nBACKGROUND\n")
    assert "CASE PRESENTATION\nA 31-year-old man had neck pain; MRI showed a C3 lesion." in doc.text
    assert "Copyright invented" not in doc.text
    got = [(s.title, s.kind) for s in doc.sections]
    assert got == [
        ("Cervical metastasis of a chordoma in a young adult.", "title"),
        ("Abstract", "abstract"),
        ("BACKGROUND", "background"),
        ("CASE PRESENTATION", "case"),
        ("LESSONS", "discussion"),
    ]
    case = doc.sections[3]
    assert doc.text[case.start : case.end] == (
        "CASE PRESENTATION\nA 31-year-old man had neck pain; MRI showed a C3 lesion. He underwent anterior corpectomy."
    )
    for s in doc.sections[2:]:
        assert doc.text[s.start : s.end].startswith(s.title + "\n")


def test_pubmed_article_set(tmp_path: Path) -> None:
    docs = _docs(_write(tmp_path, "efetch.xml", PUBMED_SET))
    assert [d.id for d in docs] == ["39000001", "39000002"]
    _check_first(docs[0])
    assert docs[0].metadata["pmcid"] == "PMC7000001"
    letter = docs[1]
    assert letter.metadata["doi"] == "10.5555/iol.2020.7"  # from PubmedData
    assert letter.metadata["year"] == 2020
    assert letter.text == "Letter: sacral insufficiency or metastasis?"  # no abstract: title only
    assert [s.kind for s in letter.sections] == ["title"]


def test_medline_citation_set_and_gzip(tmp_path: Path) -> None:
    for name in ("baseline.xml", "baseline.xml.gz"):
        docs = _docs(_write(tmp_path, name, MEDLINE_SET))
        assert [d.id for d in docs] == ["39000001", "39000002"]
        _check_first(docs[0])
        assert docs[0].metadata["pmcid"] is None


def test_truncated_gzip(tmp_path: Path) -> None:
    big = MEDLINE_SET.replace(CITATION_2, CITATION_2 * 50)
    data = gzip.compress(big.encode())
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_path(path))
    assert isinstance(items[-1], ReadError)
    assert "gzip" in items[-1].message
    assert all(isinstance(i, Document) for i in items[:-1])


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    lol = """<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID>
<Article><ArticleTitle>&lol4;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""
    items = list(read_path(_write(tmp_path, "lol.xml", lol)))
    assert len(items) == 1 and isinstance(items[0], ReadError)
    assert "entities" in items[0].message and "refused" in items[0].message


def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [ <!ENTITY xxe SYSTEM "file://{secret}"> ]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>2</PMID>
<Article><ArticleTitle>&xxe;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""
    items = list(read_path(_write(tmp_path, "xxe.xml", xxe)))
    assert len(items) == 1 and isinstance(items[0], ReadError)
    assert "refused" in items[0].message
    assert "TOP-SECRET" not in items[0].message


def test_malformed_xml_reports_the_parser_message(tmp_path: Path) -> None:
    broken = PUBMED_SET.replace("</ArticleTitle>", "</ArticleTitel>", 1)
    items = list(read_path(_write(tmp_path, "broken.xml", broken)))
    assert len(items) == 1 and isinstance(items[0], ReadError)
    assert items[0].message.startswith("malformed XML: mismatched tag: line")


def test_record_size_limit(tmp_path: Path) -> None:
    items = list(read_path(_write(tmp_path, "small-limit.xml", PUBMED_SET), max_bytes=400))
    assert isinstance(items[-1], ReadError)
    assert "one article exceeds the size limit of 400 bytes" in items[-1].message


def test_streaming_keeps_memory_bounded(tmp_path: Path) -> None:
    n = 3000
    body = "".join(CITATION_1.replace("39000001", str(40000000 + i)) for i in range(n))
    path = _write(tmp_path, "many.xml.gz", f"<MedlineCitationSet>{body}</MedlineCitationSet>")
    size = len(body.encode())
    tracemalloc.start()
    try:
        count = 0
        for item in read_path(path):
            assert isinstance(item, Document)
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    # ~5 MB of XML, whose element tree would take several times that; streaming stays far below
    assert peak < size / 4, (peak, size)


def test_real_pubmed_files(shared_dir: Path) -> None:
    folder = shared_dir / "corpus" / "formats" / "pubmed"

    efetch = _docs(folder / "pubmed-29768149.xml")
    assert [d.id for d in efetch] == ["29768149"]
    doc = efetch[0]
    assert doc.metadata["doi"] and doc.metadata["doi"].startswith("10.")
    assert doc.metadata["year"] == 2018
    labelled = [s for s in doc.sections if s.title.isupper()]
    assert [s.kind for s in labelled][0] == "background" and labelled[-1].kind == "conclusion"
    for s in labelled:
        assert doc.text[s.start : s.end].startswith(s.title + "\n")

    baseline = _docs(folder / "medline16n0902.xml.gz")
    assert len(baseline) == 604
    assert len({d.id for d in baseline}) == 604
    assert all(d.id.isdigit() and d.metadata["pmid"] == d.id for d in baseline)
    assert all(d.metadata["title"] for d in baseline)
    assert sum(1 for d in baseline if any(s.kind == "abstract" for s in d.sections)) > 500

    current = _docs(folder / "test_current_medline.xml.gz")
    assert len(current) == 4
    assert all(d.metadata["publication_types"] for d in current)
    structured = [d for d in current if any(s.title == "METHODS" for s in d.sections)]
    assert structured and all(s.end <= len(d.text) for d in structured for s in d.sections)
