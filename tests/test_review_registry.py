"""``spinecase review`` on a registry: filters, order, references, every format written to a file and
read back, and literature-table cases only with ``--include-secondary``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from spinecase.cli import app
from spinecase.records import RadiotherapyCourse
from spinecase.registry import open_registry
from spinecase.registry.models import DocumentRow
from spinecase.review.littable_cells import LiteratureCase
from spinecase.review.littable_store import store_literature_cases
from spinecase.review.table import COLUMNS
from test_stats_registry import build_registry

runner = CliRunner()
HEADERS = [h for _, h in COLUMNS]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'review.db'}"
    reg = build_registry(url)
    with reg.write() as s:
        kim = s.scalar(select(DocumentRow.id).where(DocumentRow.key == "kim2019"))
        assert kim is not None
        store_literature_cases(
            s,
            kim,
            [
                LiteratureCase(
                    document="kim2019",
                    case=1,
                    age=49,
                    sex="female",
                    histology="gist",
                    primary_site="duodenum",
                    spinal_levels=["L2"],
                    radiotherapy=[RadiotherapyCourse(modality="cebrt")],
                    cited_by="[5] Park J, Cho H. Duodenal GIST with an L2 metastasis. Korean Spine J. 2010;7:12–5.",
                    reference_number=5,
                )
            ],
        )
    reg.dispose()
    yield url


def _csv(db: str, *args: str) -> list[list[str]]:
    result = runner.invoke(app, ["review", "--db", db, "--format", "csv", *args])
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.stdout)))


def test_order_and_references(db: str) -> None:
    rows = _csv(db)
    assert rows[0] == HEADERS
    refs = [r[1] for r in rows[1:]]
    assert refs == [
        "Ohtori and Yamamoto 2008 (PMID 18400001)",
        "García-López and Martín 2012",
        "Rossi 2015",
        "Smith et al. 2017 (PMID 28000003), case 1",
        "Smith et al. 2017 (PMID 28000003), case 2",
        "Smith et al. 2017 (PMID 28000003), case 3",
        "Kim et al. 2019 (doi:10.1000/kim.2019.1)",
        "Ahmed 2020",
        "Chen et al. 2021 (doi:10.1000/chen.2021.7), case 1",
        "Chen et al. 2021 (doi:10.1000/chen.2021.7), case 2",
    ]
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, 11)]


def test_filters_and_secondary(db: str) -> None:
    gist = _csv(db, "--histology", "gist")
    assert len(gist) - 1 == 4
    with_lit = _csv(db, "--histology", "gist", "--include-secondary")
    assert len(with_lit) - 1 == 5
    lit = [r for r in with_lit if r[1].endswith("†")]
    assert lit == [
        [
            "2",  # chronological: after Ohtori 2008
            "Park 2010 [ref. 5 in Kim et al. 2019]†",
            "49/F",
            "Duodenum (GIST)",
            "L2",
            "–",
            "NR",
            "cEBRT",
            "NR",
            "NR",
        ]
    ]
    assert len(_csv(db, "--region", "cervical")) - 1 == 2


@pytest.mark.parametrize("fmt", ["md", "csv", "xlsx", "docx", "html", "tex"])
def test_every_format_to_a_file(db: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"gist.{fmt}"
    result = runner.invoke(app, ["review", "--db", db, "--histology", "gist", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 case(s) (histology gist) written to" in result.output
    if fmt == "xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(out).active
        assert ws is not None
        assert [c.value for c in ws[3]] == HEADERS and ws[
            "B4"
        ].value == "Ohtori and Yamamoto 2008 (PMID 18400001)"
    elif fmt == "docx":
        from docx import Document as WordDocument

        grid = WordDocument(str(out)).tables[0]
        assert len(grid.rows) == 5 and grid.rows[1].cells[3].text == "Small intestine (GIST)"
    else:
        text = out.read_text(encoding="utf-8")
        if fmt != "csv":  # a CSV file holds the rows only
            assert (
                "Clinical data for 4 cases of gastrointestinal stromal tumour with spinal metastases" in text
            )
        assert "Ahmed 2020" in text
    assert not list(tmp_path.glob("*.part"))


def test_errors(db: str, tmp_path: Path) -> None:
    no_file = runner.invoke(app, ["review", "--db", db, "--format", "docx"])
    assert no_file.exit_code == 2 and "needs an output file" in no_file.output
    unknown = runner.invoke(app, ["review", "--db", db, "-o", str(tmp_path / "x.pdf")])
    assert unknown.exit_code == 2 and "cannot tell the format" in unknown.output
    md = runner.invoke(app, ["review", "--db", db, "--caption", "Our review"])
    assert md.exit_code == 0 and md.stdout.startswith("**Table.** Our review")


def test_empty_registry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    open_registry(url).dispose()
    result = runner.invoke(app, ["review", "--db", url, "--format", "csv"])
    assert result.exit_code == 0 and list(csv.reader(io.StringIO(result.stdout))) == [HEADERS]
    stats = runner.invoke(app, ["stats", "--db", url, "--format", "json"])
    assert stats.exit_code == 0 and '"n": 0' in stats.stdout
