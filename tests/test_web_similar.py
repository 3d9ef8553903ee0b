"""Similar cases: the page and its JSON twin show what ``search_similar`` finds."""

from __future__ import annotations

from fastapi.testclient import TestClient

from spinecase.registry import CaseFilter, Registry, iter_cases
from spinecase.search import search_similar

pytest_plugins = ["e2e.support"]


def test_similar_cases_of_the_case_on_view(client: TestClient, web_registry: Registry) -> None:
    with web_registry.session() as s:
        case_id = next(iter_cases(s, CaseFilter(document="11_gist_stomach_pdf_l4"))).case_id
    expected = search_similar(web_registry, case=case_id, top=5, cache_dir=False)
    assert expected.hits and all(h.case_id != case_id for h in expected.hits)
    api = client.get(f"/api/cases/{case_id}/similar", params={"top": 5}).json()
    assert [h["case_id"] for h in api["hits"]] == [h.case_id for h in expected.hits]
    assert api["aggregate"] == expected.aggregate.to_dict()
    html = client.get(f"/cases/{case_id}/similar", params={"top": 5}).text
    positions = [html.index(f'href="/cases/{h.case_id}" class="hit-title"') for h in expected.hits]
    assert positions == sorted(positions)  # best first
    assert f"Surgery ({expected.aggregate.n_surgery})" in html
    survival = expected.aggregate.survival
    assert (
        (survival.reason or "") in html if survival.median_months is None else "Kaplan–Meier median" in html
    )
    assert client.get(f"/cases/{case_id}/similar", params={"mode": "nonsense"}).status_code == 422


def test_similar_cases_of_a_described_patient(client: TestClient, web_registry: Registry) -> None:
    text = "66 yo F, gastric GIST, mets T9, Frankel D"
    expected = search_similar(web_registry, text=text, top=3, cache_dir=False)
    api = client.get("/api/similar", params={"text": text, "top": 3}).json()
    assert [h["case_id"] for h in api["hits"]] == [h.case_id for h in expected.hits]
    assert api["query"]["facts"]["histology"] == "gist"
    html = client.get("/similar", params={"text": text, "top": 3}).text
    assert all(f'href="/cases/{h.case_id}"' in html for h in expected.hits)
    assert client.get("/similar").status_code == 200  # the empty form
    assert client.get("/similar", params={"text": "   "}).status_code == 200
