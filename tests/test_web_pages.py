"""The pages and their JSON twins, read back against the registry they show."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi.testclient import TestClient

from spinecase.registry import CaseFilter, Registry, case_detail, count_cases, iter_cases
from spinecase.web.data import document_text
from spinecase.web.display import label, show_value

pytest_plugins = ["e2e.support"]


class Marks(HTMLParser):
    """Collects the text of each ``<mark class="ev">`` with its fields, and every element id."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self._open: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "mark" and a.get("class") == "ev":
            self._open, self._buf = str(a.get("data-fields")), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self._open is not None:
            self.marks.append((self._open, "".join(self._buf)))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._buf.append(data)


def test_dashboard_counts_match_the_registry(client: TestClient, web_registry: Registry) -> None:
    with web_registry.session() as s:
        total = count_cases(s)
        lumbar = count_cases(s, CaseFilter(region="lumbar"))
    data = client.get("/api/dashboard").json()
    assert data["counts"]["cases"] == total and total >= 6
    assert data["counts"]["documents"] == 5
    assert data["counts"]["by_region"]["lumbar"] == lumbar
    assert data["latest_ingests"][0]["new"] == 5 and data["latest_ingests"][0]["status"] == "completed"
    html = client.get("/").text
    assert f'href="/cases?region=lumbar">lumbar</a></th><td class="num">{lumbar}</td>' in html
    assert "Latest ingests" in html and "completed" in html


def test_every_listed_id_opens_its_case_page(client: TestClient, web_registry: Registry) -> None:
    listed = client.get("/api/cases", params={"per_page": 100}).json()
    with web_registry.session() as s:
        expected = [c.case_id for c in iter_cases(s)]
    assert [c["id"] for c in listed["cases"]] == expected
    assert listed["total"] == len(expected)
    for case_id in expected:
        assert client.get(f"/cases/{case_id}").status_code == 200
        assert client.get(f"/api/cases/{case_id}").json()["id"] == case_id


def test_filters_are_those_of_the_registry(client: TestClient, web_registry: Registry) -> None:
    for params, flt in [
        ({"histology": "gist"}, CaseFilter(histology="gist")),
        ({"region": "lumbar"}, CaseFilter(region="lumbar")),
        ({"level": "t12"}, CaseFilter(level="T12")),
        ({"q": "nephrectomy"}, CaseFilter(text="nephrectomy")),
        ({"site": "breast", "secondary": "false"}, CaseFilter(site="breast", include_secondary=False)),
    ]:
        with web_registry.session() as s:
            expected = [c.case_id for c in iter_cases(s, flt)]
        got = client.get("/api/cases", params=params).json()
        assert [c["id"] for c in got["cases"]] == expected, params
        assert expected, f"the seeded registry should match {params}"
        page = client.get("/cases", params=params).text
        assert f"{len(expected)} case" in page
        assert all(f'href="/cases/{i}"' in page for i in expected)


def test_sorting_and_pages(client: TestClient, web_registry: Registry) -> None:
    with web_registry.session() as s:
        cases = list(iter_cases(s))
    with_age = sorted(
        (c for c in cases if c.record.age is not None), key=lambda c: (-c.record.age, c.case_id)
    )  # type: ignore[operator]
    got = client.get("/api/cases", params={"sort": "age", "order": "desc", "per_page": 100}).json()
    ages = [c["age"] for c in got["cases"]]
    assert ages[: len(with_age)] == [c.record.age for c in with_age]
    assert all(a is None for a in ages[len(with_age) :])  # missing values last
    first = client.get("/api/cases", params={"per_page": 2, "page": 1}).json()
    second = client.get("/api/cases", params={"per_page": 2, "page": 2}).json()
    assert [c["id"] for c in first["cases"] + second["cases"]] == [c.case_id for c in cases[:4]]
    assert first["pages"] == -(-len(cases) // 2)
    html = client.get("/cases", params={"per_page": 20, "sort": "age", "order": "desc"}).text
    assert 'aria-sort="descending"' in html
    # an unknown sort column falls back to id order instead of reaching the database
    assert client.get("/api/cases", params={"sort": "age; drop table cases"}).json()["sort"] == "id"


def test_case_page_shows_every_value_with_its_evidence(client: TestClient, web_registry: Registry) -> None:
    with web_registry.session() as s:
        case_id = next(iter_cases(s, CaseFilter(document="01_breast_ductal_pdf_t12_l2"))).case_id
        detail = case_detail(s, case_id)
        text = document_text(s, detail.case.document.id)
    html = client.get(f"/cases/{case_id}").text
    parser = Marks()
    parser.feed(html)
    for f in detail.fields:
        assert label(f.field) in html
        assert show_value(f.value) in html
        if f.evidence:
            slug = f.field.replace(".", "-").replace("_", "-")
            assert f'href="#ev-{slug}"' in html
            assert f"ev-{slug}" in parser.ids  # the link's target exists
            marked = "".join(t for fields, t in parser.marks if f.field in fields.split())
            for span in f.evidence:  # each supporting span is inside the marked text
                assert text[span["start"] : span["end"]] in marked
    # the whole text is on the page: marks and plain pieces put back together
    assert "Spine Oncol Case Rep" in html
    api = client.get(f"/api/cases/{case_id}").json()
    assert {f["field"] for f in api["fields"]} == {f.field for f in detail.fields}
    assert api["record"] == detail.case.record.to_contract()


def test_unknown_case_is_a_plain_404(client: TestClient) -> None:
    r = client.get("/cases/999999")
    assert r.status_code == 404 and "no case" in r.text and "Traceback" not in r.text
    assert client.get("/api/cases/999999").status_code == 404
    assert client.get("/cases/not-a-number").status_code == 422
    assert client.get("/no/such/page").status_code == 404


def test_api_reference_and_openapi(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/cases", "/api/cases/{case_id}", "/api/cases/{case_id}/fields/{field}"} <= set(
        schema["paths"]
    )
    assert "/cases" not in schema["paths"]  # pages are not part of the API description
    html = client.get("/api").text
    assert "/api/cases/{case_id}" in html and "X-CSRF-Token" in html
    assert client.get("/docs").status_code == 404  # no CDN-based Swagger UI


def test_static_files_are_served_locally(client: TestClient) -> None:
    html = client.get("/").text
    assert 'src="/static/app.js"' in html and 'href="/static/app.css"' in html
    assert "http://" not in html.split("<body>")[0] and "https://" not in html.split("<body>")[0]
    for path in ("/static/app.js", "/static/app.css", "/static/favicon.svg"):
        assert client.get(path).status_code == 200
