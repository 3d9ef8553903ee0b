"""PMC JATS reader: nested sections, tables, captions, references, wrappers of several articles."""

from __future__ import annotations

import gzip
from pathlib import Path

from spinecase.documents import Document, ReadError, read_path

ARTICLE = """<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="case-report">
<front>
  <journal-meta><journal-title-group><journal-title>Invented Case Reports in Spine</journal-title></journal-title-group></journal-meta>
  <article-meta>
    <article-id pub-id-type="pmid">38000011</article-id>
    <article-id pub-id-type="pmc">9000011</article-id>
    <article-id pub-id-type="doi">10.5555/icrs.11</article-id>
    <title-group><article-title>Lumbar metastasis of a pheochromocytoma<xref ref-type="fn" rid="fn1">*</xref></article-title></title-group>
    <contrib-group>
      <contrib contrib-type="author"><name><surname>Moreau</surname><given-names>Anne-Claire</given-names></name></contrib>
      <contrib contrib-type="author"><name><surname>Tanaka</surname><given-names>K. J.</given-names></name></contrib>
      <contrib contrib-type="editor"><name><surname>Editor</surname><given-names>Not</given-names></name></contrib>
    </contrib-group>
    <pub-date pub-type="collection"><year>2022</year></pub-date>
    <pub-date pub-type="epub"><day>3</day><month>11</month><year>2021</year></pub-date>
    <abstract>
      <sec><title>Background</title><p>Bone metastases of pheochromocytoma are rare.</p></sec>
      <sec><title>Case presentation</title><p>A 47-year-old woman had L3 pain and hypertension.</p></sec>
    </abstract>
    <abstract abstract-type="graphical"><p>Graphical abstract text that is not read.</p></abstract>
  </article-meta>
</front>
<body>
  <sec sec-type="intro"><title>Introduction</title><p>Catecholamine crises complicate spinal surgery.</p></sec>
  <sec sec-type="cases"><title>Case presentation</title>
    <p>A 47-year-old woman presented with lumbar pain for three months (<xref ref-type="fig" rid="f1">Fig. 1</xref>).
      Her blood pressure was 190/110 mmHg.
      <fig id="f1"><label>Figure 1</label><caption><p>Sagittal MRI with an L3 lesion.</p></caption></fig>
    </p>
    <sec><title>Neurological findings</title><p>Power and reflexes were normal.</p></sec>
    <sec><title>Surgical procedure</title>
      <p>After alpha blockade she underwent L3 corpectomy.</p>
      <table-wrap id="t1"><label>Table 1</label><caption><title>Urinary metanephrines</title></caption>
        <table><thead><tr><th>Test</th><th>Before</th><th>After</th></tr></thead>
          <tbody><tr><td>Normetanephrine</td><td>4.1</td><td>0.6</td></tr>
                 <tr><td>Metanephrine</td><td>1.2</td><td>0.3</td></tr></tbody></table>
        <table-wrap-foot><p>Values in mg per day.</p></table-wrap-foot>
      </table-wrap>
    </sec>
  </sec>
  <sec><title>Discussion</title><p>Preoperative blockade prevents a crisis.</p>
    <list list-type="bullet"><list-item><p>Screen for catecholamines.</p></list-item>
      <list-item><p>Embolise large lesions.</p></list-item></list></sec>
</body>
<back>
  <ack><title>Acknowledgements</title><p>We thank the invented ward staff.</p></ack>
  <ref-list><title>References</title>
    <ref id="r1"><label>1</label><element-citation publication-type="journal">
      <person-group><name><surname>Lee</surname><given-names>K</given-names></name></person-group>
      <article-title>An invented series</article-title><source>Imag Spine</source><year>2001</year>
      <volume>1</volume><fpage>1</fpage><pub-id pub-id-type="pmid">11111111</pub-id></element-citation></ref>
    <ref id="r2"><label>2</label><mixed-citation>Roe B. A second invented paper. Imag Spine. 2004;4:2-3.</mixed-citation></ref>
  </ref-list>
</back>
</article>"""


def _only_docs(path: Path) -> list[Document]:
    items = list(read_path(path))
    assert all(isinstance(i, Document) for i in items), items
    return [i for i in items if isinstance(i, Document)]


def test_single_article_text_sections_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "pheo.nxml"
    path.write_text('<?xml version="1.0"?>\n' + ARTICLE, encoding="utf-8")
    [doc] = _only_docs(path)
    assert doc.id == "38000011"
    assert doc.format == "jats"
    m = doc.metadata
    assert (m["pmid"], m["pmcid"], m["doi"]) == ("38000011", "PMC9000011", "10.5555/icrs.11")
    assert m["title"] == "Lumbar metastasis of a pheochromocytoma"
    assert m["journal"] == "Invented Case Reports in Spine"
    assert m["year"] == 2021  # the epub date is preferred
    assert m["article_type"] == "case-report"
    assert m["authors"] == ["Moreau AC", "Tanaka KJ"]

    t = doc.text
    assert t.startswith("Lumbar metastasis of a pheochromocytoma\n\nAbstract\n\nBackground\n\n")
    assert "Graphical abstract" not in t
    # the figure inside the paragraph comes after the paragraph, as a block of its own
    assert "190/110 mmHg.\n\nFigure 1. Sagittal MRI with an L3 lesion." in t
    assert "Table 1. Urinary metanephrines\nTest | Before | After\nNormetanephrine | 4.1 | 0.6\n" in t
    assert "Values in mg per day." in t
    assert "Screen for catecholamines.\nEmbolise large lesions." in t
    assert "References\n1. Lee K An invented series Imag Spine 2001 1 1\n2. Roe B. A second" in t
    assert "11111111" not in t

    got = [(s.title, s.kind) for s in doc.sections]
    assert got == [
        ("Lumbar metastasis of a pheochromocytoma", "title"),
        ("Abstract", "abstract"),
        ("Background", "background"),
        ("Case presentation", "case"),
        ("Introduction", "background"),
        ("Case presentation", "case"),
        ("Figure 1", "caption"),
        ("Neurological findings", "case"),  # unknown subheading inherits "case"
        ("Surgical procedure", "case"),
        ("Table 1. Urinary metanephrines", "table"),
        ("Discussion", "discussion"),
        ("Acknowledgements", "boilerplate"),
        ("References", "references"),
    ]
    for s in doc.sections:
        assert 0 <= s.start < s.end <= len(t)
        assert t[s.start : s.end].startswith(s.title)
    body_case = doc.sections[5]
    case_text = t[body_case.start : body_case.end]
    assert "L3 corpectomy" in case_text and "Normetanephrine" in case_text
    assert "Preoperative blockade" not in case_text
    table = doc.sections[9]
    assert t[table.start : table.end].endswith("Values in mg per day.")


def test_wrapper_with_several_articles_and_id_fallbacks(tmp_path: Path) -> None:
    no_pmid = ARTICLE.replace('<article-id pub-id-type="pmid">38000011</article-id>', "")
    doi_only = no_pmid.replace('<article-id pub-id-type="pmc">9000011</article-id>', "").replace(
        "case-report", "research-article"
    )
    no_ids = doi_only.replace('<article-id pub-id-type="doi">10.5555/icrs.11</article-id>', "")
    xml = f"<pmc-articleset>{ARTICLE}{no_pmid}<!-- a comment -->{doi_only}{no_ids}</pmc-articleset>"
    path = tmp_path / "set.xml"
    path.write_text(xml, encoding="utf-8")
    docs = _only_docs(path)
    assert [d.id for d in docs] == ["38000011", "PMC9000011", "10.5555/icrs.11", "set-4"]
    assert [d.metadata["article_type"] for d in docs] == [
        "case-report",
        "case-report",
        "research-article",
        "research-article",
    ]
    assert len({d.text for d in docs}) == 1  # same article body each time


def test_gzip_and_any_wrapper(tmp_path: Path) -> None:
    xml = f"<collection><batch>{ARTICLE}</batch><batch>{ARTICLE.replace('38000011', '38000012')}</batch></collection>"
    path = tmp_path / "batch.xml.gz"
    path.write_bytes(gzip.compress(xml.encode()))
    assert [d.id for d in _only_docs(path)] == ["38000011", "38000012"]


def test_xml_without_articles(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<catalogue><item>Not an article</item></catalogue>", encoding="utf-8")
    [err] = list(read_path(path))
    assert isinstance(err, ReadError)
    assert "no JATS <article>" in err.message


def test_external_entity_in_jats_is_refused(tmp_path: Path) -> None:
    xml = (
        '<?xml version="1.0"?>\n<!DOCTYPE article [<!ENTITY ext SYSTEM "http://example.invalid/x">]>\n'
        + ARTICLE.replace("Power and reflexes", "&ext; Power")
    )
    path = tmp_path / "xxe.nxml"
    path.write_text(xml, encoding="utf-8")
    [err] = list(read_path(path))
    assert isinstance(err, ReadError)
    assert "refused" in err.message


def test_truncated_article_yields_error_after_complete_ones(tmp_path: Path) -> None:
    xml = f"<articles>{ARTICLE}{ARTICLE[: len(ARTICLE) // 2]}"
    path = tmp_path / "cut.xml"
    path.write_text(xml, encoding="utf-8")
    items = list(read_path(path))
    assert isinstance(items[0], Document) and items[0].id == "38000011"
    assert isinstance(items[-1], ReadError) and items[-1].message.startswith("malformed XML")


def test_real_case_report_set(shared_dir: Path) -> None:
    docs = _only_docs(shared_dir / "corpus" / "formats" / "jats" / "PMC6358576_PMC6358589.xml")
    assert len(docs) == 10
    reports = docs[:6]
    assert all(d.metadata["article_type"] == "case-report" for d in reports)
    assert all(d.metadata["article_type"] != "case-report" for d in docs[6:])
    for d in reports:
        assert d.metadata["pmid"] is None
        assert d.id == d.metadata["pmcid"] and d.id.startswith("PMC") and d.id[3:].isdigit()
        assert d.metadata["doi"].startswith("10.")
        kinds = [s.kind for s in d.sections]
        assert kinds[0] == "title" and d.text.startswith(d.metadata["title"])
        assert "case" in kinds and "references" in kinds and "abstract" in kinds
        refs = next(s for s in d.sections if s.kind == "references")
        assert len(d.text[refs.start : refs.end].splitlines()) > 5
    assert len({d.id for d in docs}) == 10


def test_real_single_articles(shared_dir: Path) -> None:
    folder = shared_dir / "corpus" / "formats" / "jats"
    files = sorted(p for p in folder.iterdir() if p.name != "PMC6358576_PMC6358589.xml")
    assert len(files) == 12
    for path in files:
        [doc] = _only_docs(path)
        assert doc.metadata["title"], path.name
        assert doc.id in {doc.metadata["pmid"], doc.metadata["pmcid"], doc.metadata["doi"]}
        assert any(s.kind == "references" for s in doc.sections), path.name
        tables = [s for s in doc.sections if s.kind == "table"]
        for s in tables:
            assert " | " in doc.text[s.start : s.end], path.name
        assert all(0 <= s.start < s.end <= len(doc.text) for s in doc.sections)
