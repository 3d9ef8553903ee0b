"""Regenerate the figures of docs/review.md from the invented test cohort.

    .venv/bin/python docs/img/make_review_figures.py

The cohort is tests/fixtures/review/cohort.jsonl (ten invented patients in seven invented papers),
the same one the statistics tests check by hand. The script also stores it in a temporary registry
and writes the GIST review table as HTML, which a headless browser turns into the table screenshot:

    chromium --headless --hide-scrollbars --window-size=1400,400 \
        --screenshot=docs/img/review-table.png /tmp/spinecase-review.html
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from spinecase.documents import Document
from spinecase.records import CaseRecord
from spinecase.registry import CaseFilter, open_registry
from spinecase.registry.store import incoming, store_document
from spinecase.review import (
    cohort_figure,
    distribution_figure,
    km_figure,
    render_text,
    review_cases,
    review_table,
    save_figure,
    spine_figure,
)

HERE = Path(__file__).resolve().parent
COHORT = HERE.parents[1] / "tests" / "fixtures" / "review" / "cohort.jsonl"


def documents() -> list[tuple[Document, list[CaseRecord]]]:
    out = []
    for line in COHORT.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        cases, doc_id, text = data.pop("cases"), data.pop("id"), data.pop("text")
        doc = Document(id=doc_id, text=text, source=f"{doc_id}.json", format="jsonl", metadata=data)
        out.append((doc, [CaseRecord(document=doc_id, case=i, **c) for i, c in enumerate(cases, start=1)]))
    return out


def cohort() -> list[CaseRecord]:
    return [r for _, records in documents() for r in records]


def review_html(path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        reg = open_registry(f"sqlite:///{Path(tmp) / 'docs.db'}")
        with reg.write() as s:
            for doc, records in documents():
                store_document(s, incoming(doc, records, "docs"))
        with reg.session() as s:
            cases = review_cases(s, CaseFilter(histology="gist"))
        reg.dispose()
    path.write_text(render_text(review_table(cases, histology="gist"), "html"), encoding="utf-8")


def main() -> None:
    records = cohort()
    figures = {
        "review-cohort.png": cohort_figure(records, by="surgery", title="Invented cohort of 10 cases"),
        "review-km.png": km_figure(records, by="surgery"),
        "review-spine.png": spine_figure(records),
        "review-distributions.png": distribution_figure(records),
    }
    for name, fig in figures.items():
        save_figure(fig, HERE / name, dpi=110)
        print(HERE / name)
    html = Path(tempfile.gettempdir()) / "spinecase-review.html"
    review_html(html)
    print(html)


if __name__ == "__main__":
    main()
