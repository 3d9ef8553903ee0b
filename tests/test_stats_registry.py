"""Statistics from a registry: the fixture cohort stored through the registry API, then filtered.

``fixtures/review/cohort.jsonl`` (ten invented patients, seven invented papers) is written with the
registry's own store (``store_document``), so the statistics go through the same path as real data:
filters, curated values, literature-table cases. Expected values are worked by hand in the comments.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinecase.cli import app
from spinecase.documents import Document
from spinecase.records import CaseRecord
from spinecase.registry import CaseFilter, Registry, open_registry, set_value
from spinecase.registry.store import incoming, store_document
from spinecase.review import registry_stats
from test_stats_cohort import COHORT

runner = CliRunner()


def cohort_documents(path: Path = COHORT) -> list[tuple[Document, list[CaseRecord]]]:
    """The fixture's documents (with their bibliographic metadata) and invented case records."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        cases = data.pop("cases")
        doc_id, text = data.pop("id"), data.pop("text")
        doc = Document(id=doc_id, text=text, source=f"{doc_id}.json", format="jsonl", metadata=data)
        out.append((doc, [CaseRecord(document=doc_id, case=i, **c) for i, c in enumerate(cases, start=1)]))
    return out


def build_registry(url: str) -> Registry:
    """A registry holding the fixture cohort, stored through the registry's API."""
    reg = open_registry(url)
    with reg.write() as s:
        for doc, records in cohort_documents():
            assert store_document(s, incoming(doc, records, "fixture-1")).outcome == "new"
    return reg


@pytest.fixture
def registry_url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cohort.db'}"
    reg = build_registry(url)
    reg.dispose()
    yield url


def _stats(url: str, flt: CaseFilter, by: str | None = None):  # type: ignore[no-untyped-def]
    reg = open_registry(url)
    try:
        with reg.session() as s:
            return registry_stats(s, flt, by)
    finally:
        reg.dispose()


def test_whole_registry_equals_the_pure_function(registry_url: str) -> None:
    s = _stats(registry_url, CaseFilter())
    assert s.n == 10
    assert s.age.to_json() == {"median": 62, "min": 45, "max": 81, "n": 9}
    assert s.interval_months.to_json() == {"median": 60, "min": 24, "max": 120, "n": 7}
    assert (s.survival.n, s.survival.events, s.survival.median) == (8, 4, 18)


def test_histology_filter(registry_url: str) -> None:
    # kim2019 62 M, ohtori2008 55 F, smith2017#1 58 F, ahmed2020 45 M -> 45 55 | 58 62
    s = _stats(registry_url, CaseFilter(histology="gist"))
    assert s.n == 4
    assert s.age.to_json() == {"median": 56.5, "min": 45, "max": 62, "n": 4}
    assert s.sex == {"male": 2, "female": 2, "unknown": 0}
    assert (s.synchronous.count, s.synchronous.n) == (2, 4)  # ohtori, ahmed
    assert s.interval_months.to_json() == {"median": 72, "min": 48, "max": 96, "n": 2}
    assert s.deaths == 1  # kim2019
    assert s.spinal_levels.regions["lumbar"] == 4 and s.spinal_levels.regions["thoracic"] == 1


def test_region_level_site_and_text_filters(registry_url: str) -> None:
    # thoracic: kim2019 62 (T12), rossi2015 70 (T12), chen2021#2 66 (T4-T6), smith2017#2 81 (T10-T12)
    thoracic = _stats(registry_url, CaseFilter(region="thoracic"))
    assert thoracic.n == 4
    assert thoracic.age.to_json() == {"median": 68, "min": 62, "max": 81, "n": 4}
    assert thoracic.deaths == 3
    assert _stats(registry_url, CaseFilter(level="T12")).n == 3
    assert _stats(registry_url, CaseFilter(site="stomach")).n == 2
    assert _stats(registry_url, CaseFilter(text="spondylectomy")).n == 1  # rossi2015's title


def test_curated_values_count(registry_url: str) -> None:
    reg = open_registry(registry_url)
    with reg.write() as s:
        # the invented melanoma patient of smith2017 was in fact 39
        set_value(s, "smith2017#3", "age", "39", curator="tester", reason="table 1 of the paper")
    reg.dispose()
    s = _stats(registry_url, CaseFilter())
    assert s.age.to_json() == {"median": 60, "min": 39, "max": 81, "n": 10}  # 39 45 48 55 [58 62] 66 ...


def test_stats_command_json(registry_url: str) -> None:
    result = runner.invoke(app, ["stats", "--db", registry_url, "--histology", "gist", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n"] == 4
    assert data["age"] == {"median": 56.5, "min": 45, "max": 62, "n": 4}
    assert data["filters"] == {"histology": "gist"}


def test_stats_command_by_and_plot(registry_url: str, tmp_path: Path) -> None:
    out = tmp_path / "cohort.png"
    result = runner.invoke(
        app, ["stats", "--db", registry_url, "--by", "surgery", "--format", "md", "--plot", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "| Characteristic | All | surgery = yes | surgery = no |" in result.stdout
    assert "chi² = 1.89, df = 1, p = 0.17" in result.stdout
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = runner.invoke(app, ["stats", "--db", registry_url, "--region", "cervical"])
    assert table.exit_code == 0 and "Cohort statistics (region cervical)" in table.stdout


def test_stats_command_errors(registry_url: str, tmp_path: Path) -> None:
    bad = runner.invoke(app, ["stats", "--db", registry_url, "--by", "colour"])
    assert bad.exit_code == 2 and "cannot group by 'colour'" in bad.output
    plot = runner.invoke(app, ["stats", "--db", registry_url, "--plot", str(tmp_path / "x.gif")])
    assert plot.exit_code == 2 and "use .png, .svg or .pdf" in plot.output
    region = runner.invoke(app, ["stats", "--db", registry_url, "--region", "neck"])
    assert region.exit_code == 2 and "unknown region" in region.output
