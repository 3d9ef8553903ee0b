"""JSON Lines reader: one document per line, bad lines reported by number, the rest read on."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from spinecase.documents import Document, ReadError, read_path

GOOD_1 = {
    "id": "cr-0001",
    "text": "Case presentation\nA 72-year-old man with prostate cancer had T10 cord compression.",
    "doi": "10.5555/cr.1",
    "source": "invented-corpus",
    "url": "https://example.invalid/cr-0001",
    "licence": "CC BY",
    "publication_date": "2020-05-01",
}
GOOD_2 = {
    "id": 17,
    "text": "A 55-year-old woman with breast cancer had multilevel lumbar metastases.",
    "nested": {"a": [1, 2]},
}


def _write(path: Path, lines: list[str]) -> Path:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


LINES = [
    json.dumps(GOOD_1),
    '{"id": "cr-0002", "text": "unterminated',  # line 2: not JSON
    "",  # line 3: blank, skipped silently
    json.dumps({"id": "cr-0003", "title": "no text field"}),  # line 4
    json.dumps(["a", "list"]),  # line 5
    json.dumps({"text": "no id here"}),  # line 6
    json.dumps({"id": "", "text": "empty id"}),  # line 7
    json.dumps(GOOD_2),  # line 8
]


def test_documents_and_line_errors(tmp_path: Path) -> None:
    items = list(read_path(_write(tmp_path / "corpus.jsonl", LINES)))
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [d.id for d in docs] == ["cr-0001", "17"]
    assert [e.line for e in errors] == [2, 4, 5, 6, 7]
    assert errors[0].message.startswith("malformed JSON")
    assert "'text'" in errors[1].message
    assert "JSON object" in errors[2].message
    assert "'id'" in errors[3].message and "'id'" in errors[4].message
    assert str(errors[0]).startswith(f"{tmp_path / 'corpus.jsonl'}:2: ")
    first = docs[0]
    assert first.text == GOOD_1["text"]
    assert first.format == "jsonl"
    assert first.metadata == {k: v for k, v in GOOD_1.items() if k not in ("id", "text")}
    assert [(s.title, s.kind) for s in first.sections] == [("Case presentation", "case")]
    assert docs[1].metadata == {"nested": {"a": [1, 2]}}


def test_gzip_and_ndjson(tmp_path: Path) -> None:
    for name in ("corpus.jsonl.gz", "corpus.ndjson"):
        items = list(read_path(_write(tmp_path / name, [json.dumps(GOOD_1), json.dumps(GOOD_2)])))
        assert [i.id for i in items if isinstance(i, Document)] == ["cr-0001", "17"]


def test_overlong_line_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    long_line = json.dumps({"id": "huge", "text": "spine " * 200})
    path = _write(tmp_path / "long.jsonl", [json.dumps(GOOD_2), long_line, json.dumps(GOOD_1)])
    items = list(read_path(path, max_bytes=400))
    assert isinstance(items[1], ReadError) and items[1].line == 2
    assert "line exceeds the size limit of 400 bytes" in items[1].message
    assert [i.id for i in items if isinstance(i, Document)] == ["17", "cr-0001"]


def test_bom_and_bad_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps(GOOD_2).encode() + b"\n" + b'{"id": "x", "text": "\xff\xfe"}\n'
    )
    items = list(read_path(path))
    assert isinstance(items[0], Document) and items[0].id == "17"
    assert isinstance(items[1], ReadError) and items[1].line == 2


def test_truncated_gzip_keeps_the_lines_before(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": f"n{i}", "text": f"Narrative {i}: a {40 + i % 40}-year-old patient."})
        for i in range(3000)
    ]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    items = list(read_path(path))
    assert isinstance(items[-1], ReadError) and "gzip" in items[-1].message
    docs = [i for i in items if isinstance(i, Document)]
    assert len(docs) > 100
    assert [d.id for d in docs] == [f"n{i}" for i in range(len(docs))]
