"""Ingest from the browser: upload, progress, summary, and the cases it found."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from e2e.support import REPORTS, csrf, make_client
from spinecase.registry import CaseFilter, Registry, get_case, iter_cases
from spinecase.web.jobs import accepted, safe_name

pytest_plugins = ["e2e.support"]


def _wait(client: TestClient, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data: dict[str, Any] = client.get(f"/api/ingest/jobs/{job_id}").json()
        assert 0.0 <= data["progress"] <= 1.0
        if data["status"] in ("done", "failed"):
            return data
        time.sleep(0.1)
    raise AssertionError("the ingest did not finish")


def test_upload_through_the_form_and_find_the_case(client: TestClient, web_registry: Registry) -> None:
    report = REPORTS / "web_upload_gist.txt"
    files = {"files": (report.name, report.read_bytes(), "text/plain")}
    r = client.post("/ingest", data={"csrf_token": csrf(client)}, files=files)
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[-1]
    data = _wait(client, job_id)
    assert (data["status"], data["read"], data["new"], data["failed"]) == ("done", 1, 1, 0)
    with web_registry.session() as s:
        found = [c.case_id for c in iter_cases(s, CaseFilter(document="web_upload_gist"))]
        record = get_case(s, found[0]).record
    assert data["case_ids"] == found and len(found) == 1
    assert (record.age, record.sex, record.histology, record.spinal_levels) == (66, "female", "gist", ["T9"])
    page = client.get(f"/ingest/jobs/{job_id}").text
    assert f'href="/cases/{found[0]}"' in page and "done" in page
    # the uploaded file is gone once its text is in the registry
    assert not any(Path(client.app.state.web.jobs.root).rglob("*.txt"))  # type: ignore[attr-defined]
    # the same file again: recognised, nothing new, and its case is still listed
    again = client.post("/api/ingest", files=files, headers={"X-CSRF-Token": csrf(client)})
    assert again.status_code == 202
    second = _wait(client, again.json()["id"])
    assert (second["new"], second["unchanged"], second["case_ids"]) == (0, 1, found)


def test_jsonl_upload_with_two_documents(client: TestClient, web_registry: Registry) -> None:
    report = REPORTS / "web_upload_pair.jsonl"
    r = client.post(
        "/api/ingest",
        files={"files": (report.name, report.read_bytes(), "application/jsonl")},
        headers={"X-CSRF-Token": csrf(client)},
    )
    assert r.status_code == 202 and r.json()["page"].startswith("/ingest/jobs/")
    data = _wait(client, r.json()["id"])
    assert (data["read"], data["new"], data["failed"]) == (2, 2, 0)
    with web_registry.session() as s:
        keys = {get_case(s, i).document.key for i in data["case_ids"]}
    assert keys == {"web-jsonl-1", "web-jsonl-2"}


def test_refused_uploads(client: TestClient, web_registry: Registry) -> None:
    token = csrf(client)
    r = client.post(
        "/ingest",
        data={"csrf_token": token},
        files={"files": ("notes.docx", b"PK..", "application/octet-stream")},
    )
    assert r.status_code == 400 and "cannot read notes.docx" in r.text
    api = client.post(
        "/api/ingest",
        files={"files": ("x.exe", b"MZ", "application/octet-stream")},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 400 and "cannot read" in api.json()["detail"]
    with make_client(web_registry, max_upload_bytes=100) as small:
        big = small.post(
            "/api/ingest",
            files={"files": ("big.txt", b"A 60-year-old man. " * 20, "text/plain")},
            headers={"X-CSRF-Token": csrf(small)},
        )
        assert big.status_code == 400 and "larger than" in big.json()["detail"]
        assert not any(Path(small.app.state.web.jobs.root).rglob("*"))  # type: ignore[attr-defined]
    assert client.get("/ingest/jobs/nope").status_code == 404


def test_a_file_that_fails_is_reported(client: TestClient) -> None:
    r = client.post(
        "/api/ingest",
        files={"files": ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "application/pdf")},
        headers={"X-CSRF-Token": csrf(client)},
    )
    data = _wait(client, r.json()["id"])
    assert data["status"] == "done" and data["failed"] == 1
    assert data["failures"][0]["source"] == "broken.pdf"  # the file name only, never a server path
    page = client.get(r.json()["page"]).text
    assert "Failures" in page and "broken.pdf" in page


@given(st.text(min_size=0, max_size=300))
def test_safe_names_stay_in_their_folder(name: str) -> None:
    out = safe_name(name)
    assert out and "/" not in out and "\\" not in out and not out.startswith(".")
    assert len(out) <= 120 and out not in ("..", ".")
    assert all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in out)


def test_accepted_types() -> None:
    for ok in ("a.txt", "b.PDF", "c.html", "d.xml", "e.xml.gz", "f.jsonl", "g.nxml"):
        assert accepted(ok), ok
    for bad in ("a.docx", "b.exe", "c.gz", "d", "e.json"):
        assert not accepted(bad), bad
