"""End to end in headless Chromium: ingest through the upload page, read the evidence, curate,
score, look for similar cases, download a review table — with screenshots of each page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import LiveServer, shoot
from e2e.support import REPORTS
from spinecase.registry import get_case, history
from spinecase.scores import compute

pytestmark = pytest.mark.browser
pytest_plugins = ["e2e.support"]


def _ingest(page: Any, base: str) -> int:
    page.goto(f"{base}/ingest")
    shoot(page, "ingest")
    page.set_input_files("#files", str(REPORTS / "web_upload_gist.txt"))
    page.click("text=Upload and ingest")
    page.wait_for_url(re.compile(r".*/ingest/jobs/\w+$"))
    page.wait_for_selector("#job-status.status-done")  # the page follows the job, then reloads
    link = page.locator("ul.case-ids a").first
    shoot(page, "ingest-done")
    href = link.get_attribute("href")
    assert href is not None and page.locator("#job-new").inner_text() == "1"
    link.click()
    page.wait_for_url(f"{base}{href}")
    return int(href.rsplit("/", 1)[-1])


def test_ingest_read_evidence_curate_and_score(live_server: LiveServer, page: Any) -> None:
    base = live_server.url
    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "Registry at a glance"
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    shoot(page, "dashboard", full_page=True)

    case_id = _ingest(page, base)
    assert "stromal tumour" in page.locator("h1").inner_text()
    shoot(page, "case")

    # a click on a field's evidence lights up its spans in the source text and scrolls there
    page.click('a.ev-link[data-field="histology"]')
    active = page.locator("mark.ev.active")
    assert active.count() >= 1
    assert "stromal tumour" in " ".join(active.all_inner_texts()).lower()
    page.wait_for_function(
        """() => { const m = document.querySelector('mark.ev.active');
                   const box = document.getElementById('source-text').getBoundingClientRect();
                   const r = m.getBoundingClientRect();
                   return r.top >= box.top && r.bottom <= box.bottom; }"""
    )
    assert page.locator("#f-histology.active").count() == 1
    shoot(page, "case-evidence")

    # edit a value with a reason, then read it in the history
    page.click("#f-age summary")
    page.fill("#v-age", "67")
    page.fill("#r-age", "age at the spinal surgery, stated in the discussion")
    page.click("#f-age button[type=submit]")
    page.wait_for_url(f"{base}/cases/{case_id}#history")
    row = page.locator("#history tbody tr").first
    assert "tester" in row.inner_text() and "age at the spinal surgery" in row.inner_text()
    assert row.locator("td.old").inner_text() == "66" and row.locator("td.new").inner_text() == "67"
    assert page.locator("#f-age .cur-badge").inner_text() == "curated"
    shoot(page, "case-history")
    with live_server.registry.session() as s:
        assert get_case(s, case_id).record.age == 67
        assert [(e.old_value, e.new_value) for e in history(s, case_id)] == [(66, 67)]

    # run a calculator prefilled from the case and complete it
    page.click(".case-head a.button:has-text('Scores')")
    page.wait_for_url(f"{base}/scores?case={case_id}")
    shoot(page, "scores")
    page.goto(f"{base}/scores/tomita?case={case_id}")
    assert page.locator("#in-primary_growth").input_value() == ""  # a GIST is not among Tomita's examples
    page.select_option("#in-primary_growth", "moderate")
    page.select_option("#in-visceral_mets", "none")
    page.select_option("#in-bone_mets", "solitary")
    page.click("text=Compute")
    expected = compute(
        "tomita", {"primary_growth": "moderate", "visceral_mets": "none", "bone_mets": "solitary"}
    )
    assert page.locator(".result-main dd.big").first.inner_text() == str(expected.total)
    assert (expected.category or "").replace("_", " ") in page.locator(".result-main .cat").inner_text()
    shoot(page, "calculator")

    # similar cases of the case on view
    page.goto(f"{base}/cases/{case_id}/similar")
    assert page.locator("ol.hits li").count() >= 1
    shoot(page, "similar")

    # a review table of the GIST cases: preview, then download it
    page.goto(f"{base}/review")
    page.fill("#histology", "gist")
    page.click("button:has-text('Preview')")
    page.wait_for_url(re.compile(r".*/review\?.*histology=gist.*"))
    assert page.locator("table.review tbody tr").count() >= 3
    shoot(page, "review")
    with page.expect_download() as info:
        page.click("a.button:has-text('Markdown')")
    download = info.value
    assert download.suggested_filename == "review-gist.md"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("**") or "|" in text.splitlines()[2]
    assert "67" in text  # the curated age of the uploaded case is in the table
    with page.expect_download() as info:
        page.click("a.button:has-text('Excel')")
    assert info.value.suggested_filename == "review-gist.xlsx"


def test_case_list_filters_and_sorts(live_server: LiveServer, page: Any) -> None:
    base = live_server.url
    page.goto(f"{base}/cases")
    page.fill("#histology", "gist")
    page.click("button:has-text('Filter')")
    page.wait_for_url(re.compile(r".*histology=gist.*"))
    rows = page.locator("table.cases tbody tr")
    assert rows.count() >= 2
    assert all("gist" in t for t in page.locator("table.cases tbody tr td:nth-child(5)").all_inner_texts())
    page.click("th >> text=Age")
    page.wait_for_url(re.compile(r".*sort=age.*"))
    ages = [
        int(a)
        for a in page.locator("table.cases tbody td:nth-child(3)").all_inner_texts()
        if a.strip().isdigit()
    ]
    assert ages == sorted(ages)
    page.goto(f"{base}/cases")
    shoot(page, "cases")
    # keyboard: the skip link is the first stop and leads to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
