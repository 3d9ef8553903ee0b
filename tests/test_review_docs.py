"""docs/review.md stays true: its images exist and its list of site letters is the package's."""

from __future__ import annotations

import re
from pathlib import Path

from spinecase.review.abbreviations import abbreviations
from spinecase.review.labels import label

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_images_exist_and_are_png() -> None:
    text = (DOCS / "review.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\((img/[^)]+)\)", text)
    assert len(images) >= 5
    for name in images:
        assert (DOCS / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_site_letters_match_the_data() -> None:
    lines = (DOCS / "review.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("`L` liver"))
    block = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(line.strip())
    items = [item.strip() for item in " ".join(block).split(" ·")]
    documented = dict(re.fullmatch(r"`([A-Za-z]+)` (.+)", item).groups() for item in items if item)  # type: ignore[union-attr]
    expected = {abbr: label("site", code) for code, abbr in abbreviations()["sites"].items()}
    assert documented == expected
