"""PubMed through E-utilities, against a local server answering with recorded (invented) responses."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from registry.eutils_server import EutilsServer, FakeEutils
from spinecase.registry import IngestOptions, Registry, ingest
from spinecase.registry.models import DocumentRow
from spinecase.registry.pubmed import Eutils, EutilsError, fetch_pubmed, parse_esearch

pytest_plugins = ["registry.plugin"]


def _no_wait(log: list[float]) -> Eutils:
    return Eutils(retries=3, backoff=0.5, sleep=log.append)


def test_search_uses_history_and_fetches_in_batches(tmp_path: Path) -> None:
    with EutilsServer() as server:
        fetched = fetch_pubmed(
            "spinal metastasis", max_records=5, base_url=server.url, save_to=tmp_path, batch=2
        )
        requests = server.fake.requests
    assert fetched.count == 5
    assert [a.pmid for a in fetched.articles] == [f"3910000{i}" for i in range(1, 6)]
    assert fetched.articles[1].title.startswith("Sacral deposit") and fetched.articles[1].year == "2022"
    assert [r.endpoint for r in requests] == ["esearch.fcgi"] + ["efetch.fcgi"] * 3
    assert requests[0].params["usehistory"] == "y" and requests[0].params["term"] == "spinal metastasis"
    assert {(r.params["WebEnv"], r.params["query_key"]) for r in requests[1:]} == {
        ("MCID_invented0000000000000001", "1")
    }
    assert [(r.params["retstart"], r.params["retmax"]) for r in requests[1:]] == [
        ("0", "2"),
        ("2", "2"),
        ("4", "1"),
    ]
    assert [p.name for p in fetched.files] == [
        "pubmed-0000001-0000002.xml",
        "pubmed-0000003-0000004.xml",
        "pubmed-0000005-0000005.xml",
    ]


def test_max_records_limits_the_fetch_and_the_base_url_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with EutilsServer() as server:
        monkeypatch.setenv("SPINECASE_EUTILS_URL", server.url)
        fetched = fetch_pubmed("x", max_records=3)
        requests = [(r.endpoint, r.params.get("retmax")) for r in server.fake.requests]
    assert requests == [("esearch.fcgi", "0"), ("efetch.fcgi", "3")]
    assert len(fetched.articles) == 3


class FakeClock:
    """Time that passes only when the client sleeps: the spacing test does not depend on load."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_requests_are_spaced_to_the_rate_limit() -> None:
    for api_key, interval in ((None, 1 / 3), ("secret", 0.1)):
        clock = FakeClock()
        with EutilsServer() as server:
            eu = Eutils(server.url, api_key, sleep=clock.sleep, clock=clock)
            fetch_pubmed("x", max_records=5, client=eu, batch=2)
            params = server.fake.requests[0].params
        gaps = [b - a for a, b in zip(eu.sent, eu.sent[1:], strict=False)]
        assert len(eu.sent) == 4 and min(gaps) == pytest.approx(interval)
        assert params.get("api_key") == api_key and params["tool"] == "spinecase"


def test_real_time_spacing_without_a_key() -> None:
    with EutilsServer() as server:
        eu = Eutils(server.url)
        fetch_pubmed("x", max_records=4, client=eu, batch=2)
    gaps = [b - a for a, b in zip(eu.sent, eu.sent[1:], strict=False)]
    assert min(gaps) >= 1 / 3 - 0.005


def test_transient_failures_are_retried_with_exponential_backoff() -> None:
    fake = FakeEutils(fail_next=[503, 429, 502])
    sleeps: list[float] = []
    with EutilsServer(fake) as server:
        eu = _no_wait(sleeps)
        eu.base_url = server.url
        result = eu.esearch("x")
    assert result.count == 5 and len(fake.requests) == 4
    backoffs = [s for s in sleeps if s >= 0.5]
    assert backoffs[:3] == [0.5, 1.0, 2.0]


def test_timeouts_are_retried(tmp_path: Path) -> None:
    fake = FakeEutils(fail_next=["slow"], slow_seconds=1.0)
    with EutilsServer(fake) as server:
        eu = Eutils(server.url, timeout=0.3, retries=2, backoff=0.01)
        assert eu.esearch("x").count == 5
    assert len(fake.requests) == 2


def test_persistent_failure_and_client_errors_are_reported() -> None:
    sleeps: list[float] = []
    with EutilsServer(FakeEutils(fail_next=[500] * 10)) as server:
        eu = _no_wait(sleeps)
        eu.base_url = server.url
        with pytest.raises(EutilsError, match=r"no answer after 4 attempts \(HTTP 500"):
            eu.esearch("x")
    with EutilsServer(FakeEutils(fail_next=[400])) as server:
        eu = _no_wait(sleeps)
        eu.base_url = server.url
        with pytest.raises(EutilsError, match="HTTP 400"):
            eu.esearch("x")
        assert len(server.fake.requests) == 1  # a bad request is not retried
    with (
        EutilsServer(FakeEutils(esearch="esearch-error.json")) as server,
        pytest.raises(EutilsError, match="Invalid query"),
    ):
        fetch_pubmed("spinal[tiab", base_url=server.url)
    with pytest.raises(EutilsError, match="empty"):
        fetch_pubmed("  ")


def test_esearch_xml_answers_are_understood() -> None:
    with EutilsServer(FakeEutils(esearch="esearch.xml")) as server:
        fetched = fetch_pubmed("x", max_records=2, base_url=server.url)
    assert (fetched.count, len(fetched.articles)) == (5, 2)
    assert parse_esearch(b"<eSearchResult><Count>0</Count></eSearchResult>").count == 0


def test_fetched_records_ingest_with_their_identifiers(registry: Registry, tmp_path: Path) -> None:
    with EutilsServer() as server:
        fetched = fetch_pubmed("x", max_records=5, base_url=server.url, save_to=tmp_path / "xml", batch=3)
    summary = ingest(
        fetched.files, registry, IngestOptions(extractor="registry.fakes:extract", version="fake-1")
    )
    assert (summary.read, summary.new, summary.failed) == (5, 5, 0)
    with registry.session() as s:
        rows = s.execute(select(DocumentRow.key, DocumentRow.pmid, DocumentRow.doi, DocumentRow.year)).all()
    assert sorted(rows)[0] == ("39100001", "39100001", "10.5555/iscr.2023.001", 2023)
    again = ingest(
        fetched.files, registry, IngestOptions(extractor="registry.fakes:extract", version="fake-1")
    )
    assert (again.unchanged, again.new) == (5, 0)
