"""Curation in the browser and through the API: validated values, reasons, the audit trail."""

from __future__ import annotations

from fastapi.testclient import TestClient

from e2e.support import csrf
from spinecase.registry import CaseFilter, Registry, get_case, history, iter_cases

pytest_plugins = ["e2e.support"]


def _case(web_registry: Registry, document: str = "06_rcc_pdf_en_bloc_table") -> int:
    with web_registry.session() as s:
        return next(iter_cases(s, CaseFilter(document=document))).case_id


def test_edit_a_value_with_a_reason_and_see_the_history(client: TestClient, web_registry: Registry) -> None:
    case_id = _case(web_registry)
    with web_registry.session() as s:
        old_levels = get_case(s, case_id).record.spinal_levels
    r = client.post(
        f"/cases/{case_id}/edit",
        data={
            "csrf_token": csrf(client),
            "field": "spinal_levels",
            "value": "t10, T11",
            "reason": "T10 named in the MRI report",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == f"/cases/{case_id}#history"
    with web_registry.session() as s:
        case = get_case(s, case_id)
        edits = history(s, case_id)
    assert case.record.spinal_levels == ["T10", "T11"] and "spinal_levels" in case.curated_fields
    assert [(e.field, e.old_value, e.new_value, e.curator, e.reason) for e in edits] == [
        ("spinal_levels", old_levels or None, ["T10", "T11"], "tester", "T10 named in the MRI report")
    ]
    html = client.get(f"/cases/{case_id}").text
    assert "Spinal levels changed" in html  # the flash message, once
    history_part = html.split('id="history"')[1]
    assert "tester" in history_part and "T10 named in the MRI report" in history_part
    assert '<td class="new">T10, T11</td>' in history_part
    assert f'<td class="old">{", ".join(old_levels) or "—"}</td>' in history_part
    assert 'id="f-spinal-levels"' in html and 'class="field-row curated" id="f-spinal-levels"' in html
    assert "Spinal levels changed" not in client.get(f"/cases/{case_id}").text
    listed = client.get("/api/cases", params={"document": "06_rcc_pdf_en_bloc_table"}).json()["cases"][0]
    assert listed["curated_fields"] == ["spinal_levels"]


def test_invalid_values_and_missing_reasons_are_refused(client: TestClient, web_registry: Registry) -> None:
    case_id = _case(web_registry)
    token = csrf(client)
    for form, message in [
        ({"field": "spinal_levels", "value": "T13", "reason": "typo"}, "not a vertebral level"),
        ({"field": "age", "value": "sixty", "reason": "typo"}, "invalid value for age"),
        ({"field": "age", "value": "61", "reason": "  "}, "say why"),
        ({"field": "histology", "value": "made_up_tumour", "reason": "x"}, "unknown code"),
        ({"field": "no_such_field", "value": "1", "reason": "x"}, "unknown field"),
    ]:
        r = client.post(f"/cases/{case_id}/edit", data=form | {"csrf_token": token})
        assert r.status_code == 422, form
        assert message in r.text, (form, message)
        assert 'role="alert"' in r.text
    with web_registry.session() as s:
        assert history(s, case_id) == []


def test_add_a_value_the_extractor_did_not_find(client: TestClient, web_registry: Registry) -> None:
    case_id = _case(web_registry)
    page = client.get(f"/cases/{case_id}").text
    assert 'id="add-field"' in page and 'value="clinical.kps"' in page
    r = client.post(
        f"/cases/{case_id}/edit",
        data={
            "csrf_token": csrf(client),
            "field": "clinical.kps",
            "value": "70",
            "reason": "KPS in the table",
        },
    )
    assert r.status_code == 303
    with web_registry.session() as s:
        assert get_case(s, case_id).record.clinical.kps == 70


def test_api_edit_and_history(client: TestClient, web_registry: Registry) -> None:
    case_id = _case(web_registry)
    headers = {"X-CSRF-Token": csrf(client)}
    r = client.put(
        f"/api/cases/{case_id}/fields/radiotherapy",
        json={
            "value": '[{"modality": "srs", "total_dose_gy": 24, "fractions": 3}]',
            "reason": "dose in the methods",
        },
        headers=headers,
    )
    assert r.status_code == 200, r.text
    edit = r.json()
    assert edit["new_value"] == [{"modality": "srs", "total_dose_gy": 24.0, "fractions": 3}]
    assert edit["curator"] == "tester" and edit["reason"] == "dose in the methods"
    trail = client.get(f"/api/cases/{case_id}/history").json()
    assert [e["id"] for e in trail] == [edit["id"]]
    detail = client.get(f"/api/cases/{case_id}").json()
    rt = next(f for f in detail["fields"] if f["field"] == "radiotherapy")
    assert rt["curated"] is True and rt["origin"] == "curator"
    assert detail["history"][0]["new_value"] == edit["new_value"]
    bad = client.put(
        f"/api/cases/{case_id}/fields/age", json={"value": "[1, 2]", "reason": "x"}, headers=headers
    )
    assert bad.status_code == 400 and "age" in bad.json()["detail"]
    assert (
        client.put(f"/api/cases/{case_id}/fields/age", json={"value": "3"}, headers=headers).status_code
        == 422
    )
    assert (
        client.put(
            "/api/cases/99999/fields/age", json={"value": "3", "reason": "x"}, headers=headers
        ).status_code
        == 404
    )
