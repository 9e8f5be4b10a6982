"""Cleaning is a pure function: every clean character maps back to raw text."""

from __future__ import annotations

import random

from newsflow.clean import clean


def assert_maps_back(raw: str) -> None:
    """Any run of whole words of the clean text maps to raw text that cleans
    back to it (records start and end at word boundaries)."""
    cleaned = clean(raw)
    text = cleaned.text
    starts = [i for i in range(len(text)) if not text[i].isspace() and (i == 0 or text[i - 1].isspace())]
    ends = [i + 1 for i in range(len(text)) if not text[i].isspace() and (i + 1 == len(text) or text[i + 1].isspace())]
    rng = random.Random(7)
    for _ in range(300):
        start = rng.choice(starts)
        end = rng.choice([e for e in ends if e > start])
        raw_start, raw_end = cleaned.to_raw(start, end)
        assert 0 <= raw_start < raw_end <= len(raw)
        assert clean(raw[raw_start:raw_end]).text == text[start:end]


def test_html_comment_with_typographic_dashes_is_removed_and_recorded():
    raw = "First paragraph.\n\n<!– Temp removal of in article reco\n\nEnd comment –>\n\nSecond paragraph."
    cleaned = clean(raw)
    assert cleaned.text == "First paragraph.\n\nSecond paragraph."
    (edit,) = cleaned.edits
    assert edit.kind == "html_comment"
    assert raw[edit.start : edit.end] == edit.text
    assert_maps_back(raw)


def test_tags_entities_and_boilerplate_lines():
    raw = "<p>Tom &amp; Jerry said <b>hello</b>.</p>\nView original article\nShare this article\nScroll to Top"
    cleaned = clean(raw)
    assert cleaned.text == "Tom & Jerry said hello."
    assert {e.kind for e in cleaned.edits} == {"html_tag", "html_entity", "boilerplate"}


def test_boilerplate_words_inside_prose_are_kept():
    raw = "Readers can scroll to top stories.\nShe said to share the news."
    assert clean(raw).text == raw


def test_left_quote_used_as_apostrophe_and_nbsp():
    raw = "Afghanistan\u2018s valley\u00a0is ‘quoted’ here.\u00a0"
    cleaned = clean(raw)
    assert cleaned.text == "Afghanistan\u2019s valley is ‘quoted’ here."
    assert sorted(e.kind for e in cleaned.edits) == ["apostrophe", "nbsp", "nbsp"]


def test_mojibake_is_repaired_and_maps_to_the_broken_bytes():
    raw = "The senatorâ€™s â€œplanâ€\x9d was café."
    cleaned = clean(raw)
    assert cleaned.text == "The senator’s “plan” was café."
    start = cleaned.text.index("senator’s")
    raw_start, raw_end = cleaned.to_raw(start, start + len("senator’s"))
    assert raw[raw_start:raw_end] == "senatorâ€™s"
    assert_maps_back(raw)


def test_whitespace_is_normalised_and_crlf_handled():
    raw = "Headline  \r\n\r\n\r\n\r\nBody   text\there.\r\n"
    assert clean(raw).text == "Headline\n\nBody text here."
    assert_maps_back(raw)


def test_sample_article_maps_back(tmp_path):
    from tests.conftest import SAMPLE

    assert_maps_back(SAMPLE.read_text(encoding="utf-8"))


def test_a_debris_phrase_inside_a_paragraph_is_prose():
    raw = "Listen to the podcast. Subscribe here.\nSubscribe here."
    assert clean(raw).text == "Listen to the podcast. Subscribe here."
    assert clean("Subscribe here.", remove_boilerplate_lines=False).text == "Subscribe here."
