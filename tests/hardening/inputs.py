"""A catalogue of hostile and awkward inputs, and of invented good reports to mix with them.

Every entry is written into a folder by :func:`write_batch`; each says whether spinecase must read it
(``document``: an odd encoding, a very long line, another language or script) or refuse it with a
one-line error naming the file (``error``; for JSON Lines also the line). All texts are invented for
these tests. The same catalogue drives ``tests/hardening`` and ``benchmarks/fault_injection.py``.

Example::

    >>> names = [item.name for item in CATALOGUE]
    >>> "billion-laughs.xml" in names and "utf16-bom.txt" in names
    True
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: What an unreadable item's message must contain (a word of the reason, lower-cased).
Writer = Callable[[Path, "Context"], bytes]


@dataclass(frozen=True)
class Context:
    """What a few entries need from the test: a file whose content must never leak (XXE) and the
    address of a loopback HTTP server that must never be called."""

    secret_file: Path
    canary_url: str


@dataclass(frozen=True)
class Item:
    """One file of the catalogue.

    ``outcome`` is ``"document"`` or ``"error"``; ``reason`` a fragment the error message must hold;
    ``error_lines`` the JSON Lines lines that must be reported, with a fragment of each reason (the
    other lines are read);
    ``ids`` the document ids the readable part of the file gives.
    """

    name: str
    kind: str
    outcome: str
    content: Writer
    reason: str = ""
    error_lines: tuple[tuple[int, str], ...] = ()
    ids: tuple[str, ...] = field(default_factory=tuple)

    @property
    def doc_ids(self) -> tuple[str, ...]:
        """Ids of the documents read from this file (the file stem for single-document formats)."""
        if self.ids:
            return self.ids
        if self.outcome != "document":
            return ()
        stem = self.name.removesuffix(".gz")
        return (stem.rsplit(".", 1)[0] if "." in stem else stem,)

    @property
    def failures(self) -> int:
        """Error lines this file must produce: one per bad JSON Lines line, else one."""
        return len(self.error_lines) if self.error_lines else int(self.outcome == "error")


# --- invented report texts -------------------------------------------------------------------------

GOOD_REPORT = (
    "Thoracic metastasis of an invented renal tumour\n\n"
    "Case presentation\n"
    "A {age}-year-old man with a renal cell carcinoma of the kidney treated by nephrectomy presented "
    "with back pain. MRI showed a lytic lesion of T{level}. He underwent decompression and posterior "
    "fixation, then received 30 Gy in 10 fractions. He was alive {months} months later.\n"
)

#: Reports in other languages and scripts (invented); each must be read and stored, never refused.
SCRIPTS: dict[str, str] = {
    "chinese": "病例报告：一名62岁男性，肾细胞癌，T11椎体转移，行椎板减压及后路固定术。随访18个月存活。",
    "japanese": "症例：58歳女性。乳癌の既往あり、L2椎体に溶骨性転移を認め、後方固定術を施行した。",
    "arabic": "تقرير حالة: رجل يبلغ من العمر 70 عامًا مصاب بسرطان البروستاتا مع نقيلة في الفقرة L4.",
    "hebrew": "דו״ח מקרה: אישה בת 55 עם גרורה בחוליה T8 מסרטן השד, עברה ניתוח וקרינה.",
    "russian": "Клинический случай: мужчина 66 лет, метастаз рака почки в позвонок Th12, декомпрессия.",
    "greek": "Αναφορά περίπτωσης: γυναίκα 49 ετών με μετάσταση στον σπόνδυλο L1 από καρκίνο του μαστού.",
    "hindi": "केस रिपोर्ट: 60 वर्षीय पुरुष, फेफड़े का कैंसर, T10 कशेरुका में मेटास्टेसिस, सर्जरी की गई।",
    "korean": "증례: 57세 남자, 간세포암의 T7 척추 전이로 감압술과 고정술을 시행하였다.",
    "thai": "รายงานผู้ป่วย ชายอายุ 63 ปี มะเร็งไตแพร่กระจายไปที่กระดูกสันหลัง L3",
    "mixed": "A 59-year-old woman (患者) with a T9 lesion — métastase — 🙂 ∑ ∞ 𝔘 \u200b\u202etext\u202c.",
}


def good_report(i: int) -> str:
    """An invented, readable English report; ``i`` makes each one different."""
    return GOOD_REPORT.format(age=40 + i % 40, level=1 + i % 12, months=6 + i)


# --- builders --------------------------------------------------------------------------------------


def _pdf(draw_text: str | None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    if draw_text is None:
        c.rect(80, 80, 400, 600, fill=1)  # a "scan": ink, no text layer
    else:
        for n, line in enumerate(draw_text.splitlines()):
            c.drawString(60, 780 - 14 * n, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_report(i: int) -> bytes:
    """A one-page PDF with a text layer (an invented report), for fuzzing and good batches."""
    return _pdf(
        f"Case report {i}\nA {50 + i % 30}-year-old woman with breast carcinoma had an L{1 + i % 5} "
        "metastasis.\nShe underwent vertebroplasty and was alive one year later."
    )


PUBMED_TEMPLATE = (
    '<?xml version="1.0"?>\n<PubmedArticleSet><PubmedArticle><MedlineCitation>'
    "<PMID>{pmid}</PMID><Article><ArticleTitle>{title}</ArticleTitle><Abstract>"
    '<AbstractText Label="CASE PRESENTATION">{abstract}</AbstractText></Abstract></Article>'
    "</MedlineCitation></PubmedArticle></PubmedArticleSet>\n"
)
JATS_TEMPLATE = (
    '<?xml version="1.0"?>\n<article article-type="case-report"><front><article-meta>'
    '<article-id pub-id-type="pmcid">{pmcid}</article-id><title-group><article-title>{title}'
    "</article-title></title-group></article-meta></front><body><sec><title>Case report</title>"
    "<p>{body}</p></sec></body></article>\n"
)
HTML_TEMPLATE = (
    "<!DOCTYPE html><html><head><title>{title}</title></head><body><nav>Journal home</nav>"
    "<article><h1>{title}</h1><h2>Case presentation</h2><p>{body}</p></article></body></html>"
)


def pubmed_xml(pmid: str, title: str, abstract: str) -> str:
    return PUBMED_TEMPLATE.format(pmid=pmid, title=title, abstract=abstract)


def jats_xml(pmcid: str, title: str, body: str) -> str:
    return JATS_TEMPLATE.format(pmcid=pmcid, title=title, body=body)


def _laughs(root: str) -> str:
    entities = ['<!ENTITY l0 "ha">'] + [
        f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    ]
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n  ' + "\n  ".join(entities) + "\n]>\n"


def _billion_laughs(_: Path, __: Context) -> bytes:
    return (_laughs("PubmedArticleSet") + pubmed_xml("41000001", "&l9;", "laughing")).encode()


def _billion_laughs_jats(_: Path, __: Context) -> bytes:
    return (_laughs("article") + jats_xml("PMC9100001", "&l9;", "laughing")).encode()


def _xxe_file(_: Path, ctx: Context) -> bytes:
    head = f'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "file://{ctx.secret_file}">]>\n'
    return (head + pubmed_xml("41000002", "Leak &x;", "A 61-year-old man.").split("\n", 1)[1]).encode()


def _xxe_http(_: Path, ctx: Context) -> bytes:
    head = f'<?xml version="1.0"?>\n<!DOCTYPE article [<!ENTITY x SYSTEM "{ctx.canary_url}/jats">]>\n'
    return (head + jats_xml("PMC9100002", "Fetch &x;", "A 61-year-old man.").split("\n", 1)[1]).encode()


def _xxe_parameter(_: Path, ctx: Context) -> bytes:
    # a parameter entity pulls an external DTD: refused before anything is fetched
    head = (
        '<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY % remote SYSTEM '
        f'"{ctx.canary_url}/dtd"> %remote;]>\n'
    )
    return (head + pubmed_xml("41000003", "Remote DTD", "x").split("\n", 1)[1]).encode()


def _xxe_doctype(_: Path, ctx: Context) -> bytes:
    # an external DTD subset named in the DOCTYPE: never fetched
    head = f'<?xml version="1.0"?>\n<!DOCTYPE article SYSTEM "{ctx.canary_url}/article.dtd">\n'
    return (
        head + jats_xml("PMC9100003", "Remote DTD subset", "A 70-year-old woman.").split("\n", 1)[1]
    ).encode()


def _deep_xml(_: Path, __: Context) -> bytes:
    depth = 50_000
    inner = "<sec><title>x</title>" * depth + "<p>A 44-year-old man had a T5 lesion.</p>" + "</sec>" * depth
    return jats_xml("PMC9100004", "Deeply nested", "start").replace("<p>start</p>", inner).encode()


def _deep_pubmed(_: Path, __: Context) -> bytes:
    depth = 50_000
    inner = "<i>" * depth + "A 52-year-old man." + "</i>" * depth
    return pubmed_xml("41000004", "Deep markup", inner).encode()


def _malformed_pubmed(_: Path, __: Context) -> bytes:
    return pubmed_xml("41000005", "Unclosed <b>title", "An abstract.").encode()


def _malformed_jats(_: Path, __: Context) -> bytes:
    return jats_xml("PMC9100005", "Broken", "A 40-year-old man.").replace("</sec>", "</section>").encode()


def _truncated_gz(payload: bytes) -> Writer:
    def write(_: Path, __: Context) -> bytes:
        data = gzip.compress(payload)
        return data[: len(data) * 2 // 3]

    return write


def _bytes(data: bytes) -> Writer:
    return lambda _p, _c: data


def _png(_: Path, __: Context) -> bytes:
    rnd = random.Random(7)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rnd.randbytes(4000)


def _binary_line() -> bytes:
    """Binary bytes without a line break: one JSON Lines "line" that is not JSON."""
    return bytes(b for b in random.Random(9).randbytes(3000) if b != 0x0A)


def _elf(_: Path, __: Context) -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + random.Random(8).randbytes(6000)


def _broken_jsonl(_: Path, __: Context) -> bytes:
    lines = [
        json.dumps({"id": "jl-good-1", "text": good_report(901)}),
        '{"id": "jl-bad-2", "text": "unterminated',
        json.dumps({"id": "jl-bad-3"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "jl-good-5", "text": good_report(905)}),
        b"\xff\xfe not utf-8 \x80".decode("latin-1"),
        "[" * 100_000 + "]" * 100_000,
    ]
    return _encode_lines(lines)


def _encode_lines(lines: list[str]) -> bytes:
    out = []
    for line in lines:
        try:
            out.append(line.encode("ascii"))
        except UnicodeEncodeError:
            out.append(line.encode("latin-1"))  # the deliberately invalid UTF-8 line
    return b"\n".join(out) + b"\n"


def _utf16(_: Path, __: Context) -> bytes:
    return codecs.BOM_UTF16_LE + good_report(11).replace("man", "homme âgé").encode("utf-16-le")


def _latin1(_: Path, __: Context) -> bytes:
    return good_report(12).replace("presented", "présenté, «résection»").encode("latin-1")


def _invalid_utf8(_: Path, __: Context) -> bytes:
    return good_report(13).encode() + b"\nStray bytes \xc3\x28 \xa0\xa1 end.\n"


def _long_line(_: Path, __: Context) -> bytes:
    # a 1 MB report on a single line, as some PDF-to-text tools write it
    sentence = "The patient walked with a frame and reported less pain each week. "
    return (good_report(14).replace("\n", " ") + sentence * 15_000).encode()


def _script(text: str) -> Writer:
    return lambda _p, _c: text.encode()


def _good(i: int) -> Writer:
    return lambda _p, _c: good_report(i).encode()


def _scan_pdf(_: Path, __: Context) -> bytes:
    return _pdf(None)


CATALOGUE: tuple[Item, ...] = (
    # --- empty files
    Item("empty.txt", "empty file", "error", _bytes(b""), "empty"),
    Item("blank.txt", "empty file", "error", _bytes(b"  \n\t\n"), "empty"),
    Item("empty.jsonl", "empty file", "error", _bytes(b""), "empty"),
    Item("empty.xml", "empty file", "error", _bytes(b""), "malformed xml"),
    Item("empty.html", "empty file", "error", _bytes(b""), "empty"),
    Item("empty.pdf", "empty file", "error", _bytes(b""), "not a pdf"),
    Item("empty.txt.gz", "empty file", "error", lambda _p, _c: gzip.compress(b""), "empty"),
    # --- binary content under a text name
    Item("image.txt", "binary under a text name", "error", _png, "binary"),
    Item("program.html", "binary under a text name", "error", _elf, "binary"),
    Item(
        "photo.jsonl",
        "binary under a text name",
        "error",
        lambda _p, _c: _binary_line(),
        "",
        ((1, "not utf-8"),),
    ),
    Item("archive.xml", "binary under a text name", "error", _elf, "malformed xml"),
    # --- PDFs
    Item("scan.pdf", "PDF without a text layer", "error", _scan_pdf, "no text layer"),
    Item("broken.pdf", "PDF without a text layer", "error", _bytes(b"%PDF-1.4\n%garbage\n" * 10), "pdf"),
    # --- encodings (read, never refused)
    Item("invalid-utf8.txt", "encoding", "document", _invalid_utf8),
    Item("utf16-bom.txt", "encoding", "document", _utf16),
    Item("latin1.txt", "encoding", "document", _latin1),
    # --- very long lines
    Item("long-line.txt", "long line", "document", _long_line),
    # --- compression
    Item("cut.txt.gz", "truncated gzip", "error", _truncated_gz(good_report(20).encode() * 200), "gzip"),
    Item(
        "cut.xml.gz",
        "truncated gzip",
        "error",
        _truncated_gz(pubmed_xml("41000006", "T", good_report(21) * 200).encode()),
        "gzip",
    ),
    Item("fake.gz", "truncated gzip", "error", _bytes(b"not gzip at all"), "gzip"),
    # --- XML
    Item("malformed.xml", "malformed XML", "error", _malformed_pubmed, "malformed xml"),
    Item("malformed.nxml", "malformed XML", "error", _malformed_jats, "malformed xml"),
    Item("billion-laughs.xml", "entity expansion", "error", _billion_laughs, "refused"),
    Item("billion-laughs.nxml", "entity expansion", "error", _billion_laughs_jats, "refused"),
    Item("xxe-file.xml", "external entity", "error", _xxe_file, "refused"),
    Item("xxe-http.nxml", "external entity", "error", _xxe_http, "refused"),
    Item("xxe-parameter.xml", "external entity", "error", _xxe_parameter, "refused"),
    Item("xxe-dtd.nxml", "external entity", "document", _xxe_doctype, ids=("PMC9100003",)),
    Item("deep.nxml", "deeply nested XML", "error", _deep_xml, "nested too deeply"),
    Item("deep-pubmed.xml", "deeply nested XML", "document", _deep_pubmed, ids=("41000004",)),
    # --- JSON Lines
    Item(
        "mixed.jsonl",
        "malformed JSON Lines",
        "document",
        _broken_jsonl,
        error_lines=(
            (2, "malformed json"),
            (3, "invalid 'text'"),
            (4, "expected a json object"),
            (6, "not utf-8"),
            (7, "nested too deeply"),
        ),
        ids=("jl-good-1", "jl-good-5"),
    ),
    # --- other languages and scripts (read and stored)
    *(
        Item(f"script-{k}.txt", "other languages and scripts", "document", _script(v))
        for k, v in SCRIPTS.items()
    ),
    # --- good reports in the same batch
    *(Item(f"good-{i}.txt", "good report", "document", _good(i)) for i in range(3)),
    Item("good-pdf.pdf", "good report", "document", lambda _p, _c: pdf_report(3)),
)


def write_batch(folder: Path, ctx: Context, items: tuple[Item, ...] = CATALOGUE) -> dict[str, Path]:
    """Write ``items`` into ``folder``; returns ``{name: path}``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for item in items:
        path = folder / item.name
        path.write_bytes(item.content(path, ctx))
        paths[item.name] = path
    return paths


def write_big_text(path: Path, size: int) -> Path:
    """A real (not sparse) text file of ``size`` bytes, streamed to disk in 1 MB blocks."""
    block = (good_report(99).replace("\n", " ") + "\n").encode()
    block = block * (1_000_000 // len(block) + 1)
    with path.open("wb") as fh:
        left = size
        while left > 0:
            chunk = block[: min(left, len(block))]
            fh.write(chunk)
            left -= len(chunk)
    return path


def write_gzip_bomb(path: Path, inflated: int) -> Path:
    """A small ``.txt.gz`` that inflates to ``inflated`` bytes (streamed through the compressor)."""
    line = (good_report(98).replace("\n", " ") + "\n").encode() * 1000
    with gzip.open(path, "wb", compresslevel=9) as fh:
        left = inflated
        while left > 0:
            chunk = line[: min(left, len(line))]
            fh.write(chunk)
            left -= len(chunk)
    return path


def batches() -> dict[str, tuple[Item, ...]]:
    """The catalogue as two batches, each with its good reports and at most 20 failures (the number
    ``spinecase ingest`` lists on the terminal): single files, and structured files (XML, JSON Lines)."""

    def structured(item: Item) -> bool:
        return any(s in item.name for s in (".xml", ".nxml", ".jsonl"))

    good = tuple(it for it in CATALOGUE if it.kind == "good report")
    return {
        "files": tuple(it for it in CATALOGUE if not structured(it)),
        "structured": (*(it for it in CATALOGUE if structured(it)), *good),
    }
