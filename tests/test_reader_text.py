"""Plain text reader and heuristic headings: encodings, refusals, sections, and the real seeds."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinecase.documents import Document, ReadError, read_path
from spinecase.documents.readers.base import DEFAULT_MAX_BYTES, size_limit_message
from spinecase.documents.readers.headings import detect_sections
from spinecase.documents.readers.text import document_from_bytes

REPORT = (
    "Sacral metastasis of a follicular thyroid carcinoma\n"
    "\n"
    "Background: Thyroid cancer rarely presents with bone pain.\n"
    "\n"
    "Case presentation\n"
    "A 64-year-old woman reported sacral pain for four months. MRI showed\n"
    "an expansile lesion of S1 with extension into the sacral canal.\n"
    "\n"
    "DISCUSSION\n"
    "Embolisation before surgery limits bleeding from these lesions.\n"
    "\n"
    "References\n"
    "1. Invented A. A made-up paper. J Made Up. 2001;1:1-2.\n"
)


def _one(items: list[Document | ReadError]) -> Document | ReadError:
    assert len(items) == 1
    return items[0]


def _doc(path: Path, **kw: int) -> Document:
    item = _one(list(read_path(path, **kw)))
    assert isinstance(item, Document), item
    return item


def _err(path: Path, **kw: int) -> ReadError:
    item = _one(list(read_path(path, **kw)))
    assert isinstance(item, ReadError), item
    return item


def test_utf8_text_is_kept_exactly_with_id_and_encoding(tmp_path: Path) -> None:
    path = tmp_path / "sacral.case.txt"
    path.write_bytes(REPORT.encode("utf-8"))
    doc = _doc(path)
    assert doc.text == REPORT
    assert doc.id == "sacral.case"
    assert doc.format == "text"
    assert doc.source == str(path)
    assert doc.metadata["encoding"] == "utf-8"


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Paciente de 70 años con dolor en T8.".encode())
    doc = _doc(path)
    assert doc.text == "Paciente de 70 años con dolor en T8."
    assert doc.metadata["encoding"] == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    path = tmp_path / "u16.txt"
    path.write_bytes(bom + "Métastase vertébrale L3 — homme de 58 ans.".encode(codec))
    doc = _doc(path)
    assert doc.text == "Métastase vertébrale L3 — homme de 58 ans."
    assert doc.metadata["encoding"] == "utf-16"


def test_cp1252_then_latin1_fallback(tmp_path: Path) -> None:
    cp = tmp_path / "cp.txt"
    cp.write_bytes("Tumour at T10 \u2013 “résection” en bloc".encode("cp1252"))
    doc = _doc(cp)
    assert doc.text == "Tumour at T10 \u2013 “résection” en bloc"
    assert doc.metadata["encoding"] == "cp1252"
    # 0x81 is undefined in cp1252, so only Latin-1 decodes this
    lat = tmp_path / "lat.txt"
    lat.write_bytes(b"Patient \xe9tait stable \x81 T4")
    doc = _doc(lat)
    assert doc.metadata["encoding"] == "latin-1"
    assert doc.text.startswith("Patient était stable")


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", codecs.BOM_UTF8 + b"\n\n"])
def test_empty_or_blank_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    assert _err(path).message == "empty file"


def test_binary_content_is_refused(tmp_path: Path) -> None:
    nul = tmp_path / "image.txt"
    nul.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert "binary" in _err(nul).message
    controls = tmp_path / "ctl.txt"
    controls.write_bytes(bytes([1, 2, 3, 4, 5, 6, 14, 15, 16, 17]) * 50 + b"some words")
    assert "binary" in _err(controls).message


def test_size_limit_names_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"A 50-year-old man. " * 20)
    err = _err(path, max_bytes=100)
    assert "100 bytes" in err.message and "max_bytes=100" in err.message
    assert isinstance(_one(list(read_path(path, max_bytes=1000))), Document)
    assert DEFAULT_MAX_BYTES == 50_000_000
    assert "50 MB" in size_limit_message(DEFAULT_MAX_BYTES)


def test_no_suffix_reads_as_text(tmp_path: Path) -> None:
    path = tmp_path / "CASE_NOTES"
    path.write_text("CASE REPORT\nA 45-year-old man with L1 pain.\n", encoding="utf-8")
    doc = _doc(path)
    assert doc.id == "CASE_NOTES"
    assert [(s.title, s.kind) for s in doc.sections] == [("CASE REPORT", "case")]


def test_sections_cover_heading_to_next_heading() -> None:
    doc = document_from_bytes(REPORT.encode(), source="r.txt")
    assert isinstance(doc, Document)
    got = [(s.title, s.kind) for s in doc.sections]
    assert got == [
        ("Sacral metastasis of a follicular thyroid carcinoma", "title"),
        ("Background", "background"),
        ("Case presentation", "case"),
        ("DISCUSSION", "discussion"),
        ("References", "references"),
    ]
    for a, b in zip(doc.sections, doc.sections[1:], strict=False):
        assert a.end == b.start
    assert doc.sections[-1].end == len(doc.text)
    for s in doc.sections:
        assert doc.text[s.start :].startswith(s.title)
    case = doc.sections[2]
    assert "64-year-old woman" in doc.text[case.start : case.end]
    assert "Embolisation" not in doc.text[case.start : case.end]


def test_numbered_standalone_and_pdf_wrapped_headings() -> None:
    text = (
        "1. Introduction\n"
        "Vertebral metastases of hepatocellular carcinoma are\n"
        "Spinal Metastases\n"  # a wrapped line that only looks like a title: not standalone
        "often hypervascular.\n"
        "\n"
        "2. Case report\n"
        "A 59-year-old man had neck pain.\n"
        "\n"
        "Neurological Status On Admission\n"
        "\n"
        "Power was 3/5 in both legs.\n"
        "3 Stomach L, V, B Zoledronic acid [2]\n"  # a table row, not a heading
        "2009. According to the chart, he was well\n"  # a year, not a section number
    )
    titles = [(s.title, s.kind) for s in detect_sections(text)]
    assert titles == [
        ("1. Introduction", "background"),
        ("2. Case report", "case"),
        ("Neurological Status On Admission", "other"),
    ]


def test_inline_labels_with_colon_and_in_capitals() -> None:
    text = (
        "BACKGROUND Spinal metastases of unknown origin are hard to treat.CASE SUMMARY A 54-year-old "
        "man had T7 pain and an inconclusive biopsy.CONCLUSION Work-up before surgery matters.\n"
        "Conclusions: Decompression helped.\n"
        "Note: MRI was repeated.\n"  # "Note" is no section heading
    )
    sections = detect_sections(text)
    assert [(s.title, s.kind) for s in sections] == [
        ("BACKGROUND", "background"),
        ("CASE SUMMARY", "case"),
        ("CONCLUSION", "conclusion"),
        ("Conclusions", "conclusion"),
    ]
    case = sections[1]
    assert text[case.start : case.end].startswith("CASE SUMMARY A 54-year-old")
    assert text[case.start : case.end].endswith("inconclusive biopsy.")


def test_section_detection_is_fast_on_a_long_text() -> None:
    # 200,000 words of PDF-like wrapped lines with headings every few hundred lines
    block = REPORT + "".join(
        f"line {i} of a wrapped paragraph about the T{i % 12 + 1} level\n" for i in range(300)
    )
    text = block * (200_000 // len(block.split()) + 1)
    start = time.perf_counter()
    sections = detect_sections(text)
    elapsed = time.perf_counter() - start
    assert len(sections) >= 4 * (200_000 // len(block.split()))
    assert elapsed < 2.0, f"{elapsed:.2f}s for 200k words"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_text_reader_never_raises_on_bytes(data: bytes) -> None:
    item = document_from_bytes(data, source="fuzz.txt")
    assert isinstance(item, Document | ReadError)
    if isinstance(item, Document):
        assert item.text.strip()
        for s in item.sections:
            assert 0 <= s.start < s.end <= len(item.text)


_LINES = st.sampled_from(
    [
        "Case presentation",
        "DISCUSSION",
        "2. Case report",
        "Case summary: a 61-year-old man.",
        "References",
        "A 70-year-old woman had T12 pain",
        "",
        "   ",
        "METHODS",
        "x.CASE REPORT A man",
        "\u2028",
        "\r",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=30), st.sampled_from(["\n", "\r\n", "\n\n"])
)
def test_sections_always_lie_inside_the_text(lines: list[str], sep: str) -> None:
    text = sep.join(lines)
    sections = detect_sections(text)
    last_start = -1
    for s in sections:
        assert 0 <= s.start < s.end <= len(text)
        assert s.start > last_start
        assert text[s.start :].startswith(s.title)
        last_start = s.start


def test_seed_reports(shared_dir: Path) -> None:
    seeds = sorted((shared_dir / "corpus" / "seeds").glob("*.txt"))
    assert len(seeds) == 5
    for path in seeds:
        doc = _doc(path)
        assert doc.id == path.stem
        assert doc.text == path.read_bytes().decode("utf-8").removeprefix("\ufeff")
        kinds = [s.kind for s in doc.sections]
        for s in doc.sections:
            assert 0 <= s.start < s.end <= len(doc.text)
        if path.name.startswith("003"):
            # the saved PubMed page: abstract and the page's reference list, no case heading
            assert "abstract" in kinds and "references" in kinds
            continue
        assert "case" in kinds, path.name
        case_text = "".join(doc.text[s.start : s.end] for s in doc.sections if s.kind == "case")
        assert "year-old" in case_text, path.name
