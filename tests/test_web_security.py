"""Security: inert markup, no SQL injection, CSRF, roles on the server, no stack traces, headers."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from e2e.support import Accounts, csrf, make_client
from spinecase.registry import CaseFilter, Registry, count_cases, history, ingest, iter_cases

pytest_plugins = ["e2e.support"]

INJECTIONS = [
    "' OR 1=1 --",
    "gist' OR '1'='1",
    'x"; DROP TABLE cases; --',
    "T12') UNION SELECT name FROM sqlite_master --",
    "%' AND 1=1 AND '%'='",
    "*) OR (1=1",
    'NEAR("a" "b")',
]


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.scripts.append(data)


def _markup_case(web_registry: Registry) -> int:
    with web_registry.session() as s:
        return next(iter_cases(s, CaseFilter(document="web_inert_markup"))).case_id


def _inert(html: str) -> None:
    p = Elements()
    p.feed(html)
    scripts = [a.get("src") for t, a in p.tags if t == "script"]
    assert scripts == ["/static/app.js"], scripts  # the page's own script, nothing from the text
    assert p.scripts == []  # no inline script at all
    assert not [(t, k) for t, a in p.tags for k in a if k.startswith("on")]  # no event-handler attribute
    assert not [t for t, _ in p.tags if t == "img"]


def test_markup_in_a_report_is_shown_as_text(client: TestClient, web_registry: Registry) -> None:
    case_id = _markup_case(web_registry)
    html = client.get(f"/cases/{case_id}").text
    _inert(html)
    assert "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&#34; onmouseover=&#34;alert(1)&#34; x=&#34;" in html
    # the JSON twin carries the text as data, with a JSON content type
    r = client.get(f"/api/cases/{case_id}")
    assert r.headers["content-type"].startswith("application/json")


def test_markup_in_a_title_is_shown_as_text(
    client: TestClient, web_registry: Registry, tmp_path: Path
) -> None:
    title = '<script>alert("title")</script> "quoted" <b onclick=alert(5)>x</b>'
    line = {
        "id": "web-title",
        "title": title,
        "text": "A 47-year-old woman with breast cancer had a T7 metastasis.",
    }
    (tmp_path / "t.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert ingest([str(tmp_path / "t.jsonl")], web_registry).new == 1
    escaped = "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; &#34;quoted&#34; &lt;b onclick=alert(5)&gt;x&lt;/b&gt;"
    listing = client.get("/cases", params={"document": "web-title"}).text
    _inert(listing)
    assert escaped in listing
    with web_registry.session() as s:
        case_id = next(iter_cases(s, CaseFilter(document="web-title"))).case_id
    page = client.get(f"/cases/{case_id}").text
    _inert(page)
    assert escaped in page
    assert client.get(f"/api/cases/{case_id}").json()["document"]["title"] == title


def test_curated_markup_stays_inert(client: TestClient, web_registry: Registry) -> None:
    case_id = _markup_case(web_registry)
    token = csrf(client)
    reason = '<script>alert("why")</script>" autofocus onfocus="alert(3)'
    r = client.post(
        f"/cases/{case_id}/edit", data={"csrf_token": token, "field": "age", "value": "59", "reason": reason}
    )
    assert r.status_code == 303
    html = client.get(f"/cases/{case_id}").text
    _inert(html)
    assert "&lt;script&gt;alert(&#34;why&#34;)&lt;/script&gt;&#34; autofocus onfocus=&#34;alert(3)" in html
    # a refused value is echoed back into the form escaped as well
    r = client.post(
        f"/cases/{case_id}/edit",
        data={"csrf_token": token, "field": "sex", "value": '"><script>alert(4)</script>', "reason": "x"},
    )
    assert r.status_code == 422
    _inert(r.text)


@pytest.mark.parametrize("payload", INJECTIONS)
def test_filter_and_search_parameters_cannot_inject_sql(
    client: TestClient, web_registry: Registry, payload: str
) -> None:
    with web_registry.session() as s:
        before = count_cases(s)
    for key in ("histology", "site", "level", "document", "q", "sort"):
        r = client.get("/api/cases", params={key: payload})
        assert r.status_code in (200, 400, 422), (key, r.status_code, r.text)
        if r.status_code == 200:
            total = r.json()["total"]
            if key == "sort":
                assert total == before
            elif key == "q":  # the words of the query, quoted: what the registry itself finds
                with web_registry.session() as s:
                    assert total == count_cases(s, CaseFilter(text=payload)) < before
            else:  # nothing matches a made-up code
                assert total == 0, (key, total)
        page = client.get("/cases", params={key: payload})
        assert page.status_code in (200, 400, 422) and "Traceback" not in page.text
    with web_registry.session() as s:
        assert count_cases(s) == before
        assert {"cases", "documents", "field_values", "users"} <= set(inspect(s.get_bind()).get_table_names())


def test_a_form_post_without_the_csrf_token_is_refused(client: TestClient, web_registry: Registry) -> None:
    case_id = _markup_case(web_registry)
    form = {"field": "age", "value": "60", "reason": "test"}
    assert client.post(f"/cases/{case_id}/edit", data=form).status_code == 403
    assert client.post(f"/cases/{case_id}/edit", data=form | {"csrf_token": "x" * 43}).status_code == 403
    token = csrf(client)
    other_site = {"Origin": "http://evil.example"}
    r = client.post(f"/cases/{case_id}/edit", data=form | {"csrf_token": token}, headers=other_site)
    assert r.status_code == 403
    r = client.post(
        f"/cases/{case_id}/edit", data=form | {"csrf_token": token}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert r.status_code == 403
    # the API: no header, wrong header
    body = {"value": "60", "reason": "test"}
    assert client.put(f"/api/cases/{case_id}/fields/age", json=body).status_code == 403
    r = client.put(f"/api/cases/{case_id}/fields/age", json=body, headers={"X-CSRF-Token": "nope"})
    assert r.status_code == 403
    assert "CSRF" in r.json()["detail"]
    # uploads and logins need it too
    files = {"files": ("a.txt", b"A 50-year-old man with L2 metastasis.", "text/plain")}
    assert client.post("/ingest", files=files).status_code == 403
    assert client.post("/login", data={"username": "a", "password": "b"}).status_code == 403
    with web_registry.session() as s:
        assert history(s, case_id) == []
    # and with the token it works
    ok = client.post(f"/cases/{case_id}/edit", data=form | {"csrf_token": token})
    assert ok.status_code == 303


def test_a_viewer_cannot_edit_or_ingest(accounts: Accounts, web_registry: Registry) -> None:
    case_id = _markup_case(web_registry)
    viewer = accounts.client("vera")
    token = csrf(viewer)
    r = viewer.post(
        f"/cases/{case_id}/edit", data={"csrf_token": token, "field": "age", "value": "1", "reason": "x"}
    )
    assert r.status_code == 403 and "curator" in r.text
    r = viewer.put(
        f"/api/cases/{case_id}/fields/age",
        json={"value": "1", "reason": "x"},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 403
    assert viewer.get("/ingest").status_code == 403
    files = {"files": ("a.txt", b"A 50-year-old man with L2 metastasis.", "text/plain")}
    assert viewer.post("/api/ingest", files=files, headers={"X-CSRF-Token": token}).status_code == 403
    page = viewer.get(f"/cases/{case_id}").text
    assert 'action="/cases/' not in page and 'href="/ingest"' not in page  # nothing offered either
    with web_registry.session() as s:
        assert history(s, case_id) == []
    curator = accounts.client("cora")
    r = curator.put(
        f"/api/cases/{case_id}/fields/age",
        json={"value": "57", "reason": "age at surgery"},
        headers={"X-CSRF-Token": csrf(curator)},
    )
    assert r.status_code == 200 and r.json()["curator"] == "cora"


def _boom_app(client: TestClient) -> TestClient:
    app: FastAPI = client.app  # type: ignore[assignment]

    def boom() -> None:
        raise RuntimeError("secret detail /etc/spinecase SELECT * FROM users")

    app.add_api_route("/boom", boom)
    app.add_api_route("/api/boom", boom)
    return client


def test_no_page_leaks_a_stack_trace(client: TestClient) -> None:
    c = _boom_app(client)
    r = c.get("/boom")
    assert r.status_code == 500
    assert "Something went wrong" in r.text
    for leak in ("Traceback", "RuntimeError", "secret detail", "SELECT", 'File "'):
        assert leak not in r.text
    r = c.get("/api/boom")
    assert r.status_code == 500 and r.json() == {"detail": "internal error; the server log has the details"}
    for path in (
        "/cases?page=0",
        "/cases?per_page=100000",
        "/scores/sins?case=abc",
        "/api/cases?order=sideways",
    ):
        bad = c.get(path)
        assert bad.status_code == 422, path
        assert "Traceback" not in bad.text and 'File "' not in bad.text


def test_protective_headers_and_cookie_flags(client: TestClient) -> None:
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_non_loopback_address_without_accounts_lets_no_one_in(web_registry: Registry) -> None:
    with make_client(web_registry, host="0.0.0.0") as c:
        assert c.get("/cases").status_code == 303
        assert c.get("/api/cases").status_code == 401
        assert c.get("/api/me").json()["single_user"] is False
