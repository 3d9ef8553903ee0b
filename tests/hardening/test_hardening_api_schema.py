"""Schemathesis against the web app's own OpenAPI description: no request the schema allows (or
nearly allows) makes the server fail with a 5xx.

The app runs in-process (schemathesis' ASGI support) on a copy of the seeded test registry, in
single-user mode with a session and its CSRF token, so that edits, score computations and uploads get
past the CSRF check and reach the code behind them. A few examples per operation keep the run short.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from spinecase.registry import ingest, open_registry
from spinecase.web import WebConfig, create_app

from .inputs import good_report

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A registry of a few invented reports (built once; each test works on a copy)."""
    folder = tmp_path_factory.mktemp("api-reports")
    for i in range(6):
        (folder / f"report-{i}.txt").write_text(good_report(i))
    db = folder / "seeded.db"
    reg = open_registry(f"sqlite:///{db}")
    assert ingest([str(folder)], reg).new == 6
    reg.dispose()
    return db


@pytest.fixture
def session(seeded: Path, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The app on a copy of the registry, and the cookie and CSRF token of one session on it."""
    shutil.copy(seeded, tmp_path / "registry.db")
    registry = open_registry(f"sqlite:///{tmp_path / 'registry.db'}")
    app = create_app(
        WebConfig(db=None, host="127.0.0.1", local_user="fuzzer", similar_cache=False), registry=registry
    )  # type: ignore[arg-type]
    with TestClient(app, base_url=BASE) as client:
        token = client.get("/api/me").json()["csrf_token"]
        cookies = dict(client.cookies)
    yield {"app": app, "token": token, "cookies": cookies}
    registry.dispose()


def _operations() -> list[str]:
    """Labels (``GET /api/cases``) of every operation the app describes (an empty app suffices)."""
    app = create_app(WebConfig(db="sqlite:///:memory:", similar_cache=False))
    return [r.ok().label for r in schemathesis.openapi.from_asgi("/openapi.json", app).get_all_operations()]


OPERATIONS = _operations()


@pytest.mark.parametrize("label", OPERATIONS)
def test_no_request_makes_the_server_fail(label: str, session: dict[str, Any]) -> None:
    # schemathesis' own pytest fixture loader needs pytest internals that pytest 9 renamed, so the
    # operation's Hypothesis strategy is driven here directly
    method, path = label.split(" ", 1)
    operation = schemathesis.openapi.from_asgi("/openapi.json", session["app"])[path][method]
    seen: list[int] = []

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def call(case: Any) -> None:
        response = case.call(
            base_url=BASE, headers={"X-CSRF-Token": session["token"]}, cookies=session["cookies"]
        )
        seen.append(response.status_code)
        assert response.status_code < 500, (
            label,
            case.formatted_path,
            case.query,
            case.body,
            response.text[:500],
        )

    call()
    assert seen, "no request was made"
