"""Cleaning of scraped text and the offset map back to the text as read."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from spinecase.documents.cleaning import clean_text
from spinecase.documents.offsets import OffsetMap, TextBuilder


def test_words_split_across_lines_are_joined() -> None:
    c = clean_text("a destructive le-\nsion of the verte- \nbral body")
    assert c.text == "a destructive lesion of the vertebral body"
    start = c.text.index("lesion")
    a, b = c.original_span(start, start + len("lesion"))
    assert "a destructive le-\nsion of the verte- \nbral body"[a:b] == "le-\nsion"


def test_level_ranges_keep_their_hyphen() -> None:
    assert clean_text("fixation from T3-\nT8 was done").text == "fixation from T3-T8 was done"


def test_headings_stay_on_their_own_line() -> None:
    c = clean_text("The scan was normal.\nCase presentation\nA 70-year-old woman\nhad back pain.")
    assert c.text == "The scan was normal.\nCase presentation\nA 70-year-old woman had back pain."


def test_page_break_inside_a_sentence_is_joined() -> None:
    c = clean_text("the tumour was removed through a posterior\n\napproach without complication.")
    assert c.text == "the tumour was removed through a posterior approach without complication."


def test_paragraphs_stay_apart() -> None:
    assert "\n\n" in clean_text("First paragraph ends here.\n\nSecond one starts.").text


def test_text_without_line_breaks_is_unchanged() -> None:
    text = "A 54-year-old man had T7 metastasis."
    c = clean_text(text)
    assert c.text == text and c.original_span(2, 13) == (2, 13)


def test_builder_maps_inserted_text_to_its_origin() -> None:
    b = TextBuilder("ab\ncd")
    b.copy(0, 2)
    b.insert(" ", 2)
    b.copy(3, 5)
    clean, m = b.build()
    assert clean == "ab cd"
    assert m.span(3, 5) == (3, 5)
    assert m.to_original(2) == 2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab -\nT3.C")), max_size=200))
def test_every_clean_span_maps_inside_the_original(text: str) -> None:
    c = clean_text(text)
    n = len(c.text)
    for start in range(0, n, 7):
        for end in (start + 1, min(n, start + 9)):
            if end <= start:
                continue
            a, b = c.original_span(start, end)
            assert 0 <= a < b <= max(1, len(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_cleaning_never_fails_and_keeps_visible_characters(text: str) -> None:
    c = clean_text(text)
    # cleaning only joins lines, drops split-word hyphens and rewrites white space
    assert len(c.text) <= len(text) + text.count("\n") + 1
    assert isinstance(c.map, OffsetMap)
