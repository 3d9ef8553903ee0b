"""The review page: preview, downloads read back, and the dashboard's figures."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from spinecase.registry import CaseFilter, Registry
from spinecase.review import render_text, review_cases, review_table

pytest_plugins = ["e2e.support"]


def _expected(web_registry: Registry, flt: CaseFilter, secondary: bool = False):  # type: ignore[no-untyped-def]
    with web_registry.session() as s:
        return review_table(review_cases(s, flt, include_secondary=secondary), histology=flt.histology)


def test_preview_and_json_twin(client: TestClient, web_registry: Registry) -> None:
    table = _expected(web_registry, CaseFilter(histology="gist"))
    assert table.rows
    api = client.get("/api/review", params={"histology": "gist", "secondary": "false"}).json()
    assert api["rows"] == table.rows and api["caption"] == table.caption
    html = client.get("/review", params={"histology": "gist", "secondary": "false"}).text
    assert f"<caption>{table.caption}</caption>" in html
    for row in table.matrix():
        assert row[1] in html


def test_downloads_read_back(client: TestClient, web_registry: Registry) -> None:
    table = _expected(web_registry, CaseFilter(histology="gist"))
    params = {"histology": "gist", "secondary": "false"}
    md = client.get("/review/download", params=params | {"fmt": "md"})
    assert (
        md.status_code == 200 and md.headers["content-disposition"] == 'attachment; filename="review-gist.md"'
    )
    assert md.text == render_text(table, "md")
    rows = list(csv.reader(io.StringIO(client.get("/review/download", params=params | {"fmt": "csv"}).text)))
    assert rows[0] == table.headers and rows[1 : 1 + len(table.rows)] == table.matrix()
    from docx import Document
    from openpyxl import load_workbook

    xlsx = client.get("/api/review/download", params=params | {"fmt": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[("" if v is None else str(v)) for v in r] for r in sheet.iter_rows(values_only=True)]
    assert table.headers in values and all(r in values for r in table.matrix())
    docx = client.get("/review/download", params=params | {"fmt": "docx"})
    word = Document(io.BytesIO(docx.content))
    cells = [[c.text for c in r.cells] for r in word.tables[0].rows]
    assert cells[0] == table.headers and cells[1:] == table.matrix()
    assert client.get("/review/download", params={"fmt": "exe"}).status_code == 422


def test_dashboard_figures(client: TestClient) -> None:
    html = client.get("/").text
    assert 'src="/figures/spine.png"' in html and 'src="/figures/survival.png"' in html
    for path in ("/figures/spine.png", "/figures/survival.png"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        assert r.content.startswith(b"\x89PNG")


def test_control_characters_in_a_caption(client: TestClient) -> None:
    r = client.get("/api/review/download", params={"fmt": "xlsx", "caption": "Table.\x00 one\x1b"})
    assert r.status_code == 200
    from openpyxl import load_workbook

    first = next(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert "Table. one" in str(first[0])
