"""Fixtures of the web tests (loaded with ``pytest_plugins = ["e2e.support"]``).

A registry with a few invented reports is built once per session and copied for each test, so a
test may curate or ingest without disturbing another. ``client`` is a FastAPI TestClient on it in
single-user mode; ``accounts`` adds a viewer, a curator and an admin (then logins are required).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spinecase.auth import add_user
from spinecase.registry import Registry, ingest, open_registry
from spinecase.web import WebConfig, create_app

HERE = Path(__file__).resolve().parent
REPORTS = HERE / "reports"
FIXTURE_REPORTS = HERE.parent / "fixtures" / "reports"
#: Reports in every test registry: four golden fixtures and one with markup in its text.
SEEDED = [
    FIXTURE_REPORTS / "01_breast_ductal_pdf_t12_l2.txt",
    FIXTURE_REPORTS / "06_rcc_pdf_en_bloc_table.txt",
    FIXTURE_REPORTS / "11_gist_stomach_pdf_l4.txt",
    FIXTURE_REPORTS / "12_gist_small_bowel_rectum_patients_a_b.txt",
    REPORTS / "web_inert_markup.txt",
]
PASSWORDS = {"vera": "viewer-pass-123", "cora": "curator-pass-123", "adam": "admin-pass-1234"}
ROLES = {"vera": "viewer", "cora": "curator", "adam": "admin"}


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite registry file holding :data:`SEEDED` (built once)."""
    path = tmp_path_factory.mktemp("seed") / "registry.db"
    reg = open_registry(f"sqlite:///{path}")
    summary = ingest([str(p) for p in SEEDED], reg)
    assert summary.failed == 0 and summary.new == len(SEEDED)
    reg.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


@pytest.fixture
def web_db_url(seeded_db: Path, tmp_path: Path) -> str:
    target = tmp_path / "registry.db"
    shutil.copy(seeded_db, target)
    return f"sqlite:///{target}"


@pytest.fixture
def web_registry(web_db_url: str) -> Iterator[Registry]:
    reg = open_registry(web_db_url)
    yield reg
    reg.dispose()


def make_client(registry: Registry, host: str = "127.0.0.1", **config: object) -> TestClient:
    app = create_app(
        WebConfig(db=None, host=host, local_user="tester", similar_cache=False, **config), registry=registry
    )  # type: ignore[arg-type]
    return TestClient(
        app, base_url=f"http://{host}:8000", raise_server_exceptions=False, follow_redirects=False
    )


@pytest.fixture
def client(web_registry: Registry) -> Iterator[TestClient]:
    with make_client(web_registry) as c:
        yield c


@dataclass
class Accounts:
    registry: Registry

    def client(self, name: str | None = None, host: str = "127.0.0.1") -> TestClient:
        """A client, signed in as ``name`` when given."""
        c = make_client(self.registry, host)
        if name is not None:
            token = c.get("/api/me").json()["csrf_token"]
            r = c.post(
                "/api/login",
                json={"username": name, "password": PASSWORDS[name]},
                headers={"X-CSRF-Token": token},
            )
            assert r.status_code == 200, r.text
        return c


@pytest.fixture
def accounts(web_registry: Registry) -> Accounts:
    with web_registry.write() as s:
        for name, role in ROLES.items():
            add_user(s, name, role, PASSWORDS[name])
    return Accounts(web_registry)


def csrf(client: TestClient) -> str:
    """The CSRF token of the client's session."""
    token = client.get("/api/me").json()["csrf_token"]
    assert isinstance(token, str) and len(token) >= 20
    return token


def case_ids(registry: Registry) -> list[int]:
    from spinecase.registry import iter_cases

    with registry.session() as s:
        return [c.case_id for c in iter_cases(s)]
