"""Score calculators: forms from the input specifications, prefilled from a case, missing items and ranges."""

from __future__ import annotations

from fastapi.testclient import TestClient

from spinecase.registry import CaseFilter, Registry, iter_cases
from spinecase.scores import SCORES, compute, from_case, score_inputs, score_spec

pytest_plugins = ["e2e.support"]


def _case(web_registry: Registry, document: str) -> tuple[int, object]:
    with web_registry.session() as s:
        c = next(iter_cases(s, CaseFilter(document=document)))
    return c.case_id, c.record


def test_every_calculator_renders_its_inputs(client: TestClient) -> None:
    index = client.get("/scores").text
    for name in SCORES:
        assert f'href="/scores/{name}"' in index
        html = client.get(f"/scores/{name}").text
        assert score_spec(name).title in html
        for key in score_spec(name).inputs:
            assert f'for="in-{key}"' in html and f'id="in-{key}"' in html  # each input has its label


def test_a_complete_sins_is_scored_as_the_published_table_says(client: TestClient) -> None:
    # T5 (semirigid 1) + pain-free 0 + blastic 0 + normal alignment 0 + no collapse 0 + no posterolateral 0 = 1
    params = {
        "submitted": "1",
        "level": "T5",
        "pain": "pain_free",
        "bone_lesion": "blastic",
        "alignment": "normal",
        "collapse": "none",
        "posterolateral": "none",
    }
    html = client.get("/scores/sins", params=params).text
    assert '<dd class="big">1</dd>' in html and "stable" in html
    assert "Complete: every item is known." in html


def test_missing_items_give_a_range(client: TestClient) -> None:
    html = client.get("/scores/sins", params={"submitted": "1", "level": "T5", "pain": "pain_free"}).text
    expected = compute("sins", {"level": "T5", "pain": "pain_free"})
    assert expected.possible_range is not None
    lo, hi = expected.possible_range
    assert f'<dd class="big">{lo}–{hi}</dd>' in html
    for m in expected.missing:
        assert f'href="#in-{m}"' in html


def test_calculator_prefilled_from_a_case(client: TestClient, web_registry: Registry) -> None:
    case_id, record = _case(web_registry, "11_gist_stomach_pdf_l4")
    for derived in score_inputs(record):  # type: ignore[arg-type]
        if derived.score == "sins":
            continue  # one per level: checked below
        html = client.get(f"/scores/{derived.score}", params={"case": case_id}).text
        assert f'href="/cases/{case_id}"' in html
        for key, value in derived.inputs.items():
            raw = ("true" if value else "false") if isinstance(value, bool) else str(value)
            assert f'value="{raw}" selected' in html or f'value="{raw}"' in html, (derived.score, key)
        for key, options in derived.candidates.items():
            words = " or ".join(str(o).replace("_", " ") for o in options)
            assert f"the case supports: {words}" in html, (derived.score, key)
    results = {r.score: r for r in from_case(record)}  # type: ignore[arg-type]
    overview = client.get("/scores", params={"case": case_id}).text
    for name, r in results.items():
        if r.total is not None:
            assert f'<td class="num">{r.total}</td>' in overview, name
    api = client.get(f"/api/cases/{case_id}/scores").json()
    assert api == [r.to_json_dict() for r in from_case(record)]  # type: ignore[arg-type]


def test_unreadable_and_refused_inputs_are_reported(client: TestClient) -> None:
    r = client.get(
        "/scores/tokuhashi_revised",
        params={"submitted": "1", "kps": "eighty", "vertebral_body_mets": "0", "frankel": "E"},
    )
    assert r.status_code == 422
    assert "is not a whole number" in r.text  # kps
    assert "vertebral_body_mets" in r.text and "got 0" in r.text  # refused by the score's range
    # the rest still counts: Frankel E gives its points
    assert '<th scope="row">frankel</th>' in r.text


def test_compute_api(client: TestClient) -> None:
    headers = {"X-CSRF-Token": client.get("/api/me").json()["csrf_token"]}
    inputs = {"primary_growth": "slow", "visceral_mets": "none", "bone_mets": "solitary"}
    r = client.post("/api/scores/tomita", json={"inputs": inputs}, headers=headers)
    assert r.status_code == 200 and r.json() == compute("tomita", inputs).to_json_dict()
    bad = client.post("/api/scores/tomita", json={"inputs": {"bone_mets": "few"}}, headers=headers)
    assert bad.status_code == 422 and "bone_mets" in bad.json()["detail"]
    assert client.post("/api/scores/nope", json={}, headers=headers).status_code == 404
    listing = client.get("/api/scores").json()
    assert [s["name"] for s in listing] == list(SCORES)
