"""Cleaning is a pure function: every clean character maps back to raw text."""

from __future__ import annotations

import random
import re

from newsflow.clean import clean
from newsflow.evidence_columns import evidence_matches
from newsflow.segment import paragraph_spans


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


def paragraphs_with_evidence(raw: str) -> list[str]:
    """The paragraphs of the clean text, each checked against its raw evidence."""
    cleaned = clean(raw)
    paragraphs = []
    for span in paragraph_spans(cleaned.text):
        text = cleaned.text[span.start : span.end]
        raw_start, raw_end = cleaned.to_raw(span.start, span.end)
        assert evidence_matches(raw, raw_start, raw_end, text), (raw, raw[raw_start:raw_end], text)
        paragraphs.append(text)
    return paragraphs


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


def test_markup_declarations_are_removed_and_cdata_unwrapped():
    doctype = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/x.dtd">'
    word = '<?xml:namespace prefix = o ns="urn:schemas-microsoft-com:office:office" />'
    raw = (
        '<!DOCTYPE html>Headline\n\n<?xml version="1.0" encoding="utf-8"?><p><![CDATA[First <b>paragraph</b>.]]></p>'
        f"\n\n<!doctype html>{doctype}Second{word} one."
    )
    cleaned = clean(raw)
    assert cleaned.text == "Headline\n\nFirst paragraph.\n\nSecond one."
    assert paragraphs_with_evidence(raw) == ["Headline", "First paragraph.", "Second one."]
    markup = [e.text for e in cleaned.edits if e.kind == "html_markup"]
    assert markup == [
        "<!DOCTYPE html>",
        '<?xml version="1.0" encoding="utf-8"?>',
        "<![CDATA[",
        "]]>",
        "<!doctype html>",
        doctype,
        word,
    ]
    assert all(raw[e.start : e.end] == e.text for e in cleaned.edits)
    assert_maps_back(raw)


# Character references to line breaks (serialisers escape the CR of Windows line
# endings) and to other control characters, in every place they turn up.
_CONTROL_REFERENCES = [
    "&#13;", "&#xD;", "&#X0D;", "&#x0d;", "&#10;", "&#x0A;", "&#13;&#10;", "&NewLine;",
    "&#0;", "&#x0;", "&#7;", "&#x1F;", "&#11;", "&#12;", "&#9;", "&#127;", "&#x2028;", "&#x2029;",
]
_PLACES = [
    "{e}Headline\n\n{e}First line.\nSecond line.",
    "Headline\n\nFirst{e}line and mid{e} word{e}s.\nSecond line.",
    "Headline\n\nFirst paragraph ends here.{e}\n\nSecond paragraph.{e}",
    "Headline\n\nFirst paragraph.\n{e}\nSecond paragraph.\n\n{e}\n\nThird.",
    "Headline{e}\nLine one.{e}\nLine two.{e}\n",
    "Headline{e}{e}\nBody one. {e} Body two.{e}{e}{e}Body three.",
    "Headline\r{e}\nBody{e}\r\nMore body.",
]


def test_control_character_references_keep_every_paragraph_evidence():
    for reference in _CONTROL_REFERENCES:
        for place in _PLACES:
            raw = place.replace("{e}", reference)
            paragraphs = paragraphs_with_evidence(raw)
            assert paragraphs[0] == "Headline"
            assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029\ufffd]", clean(raw).text), raw
            assert_maps_back(raw)


def test_line_break_references_are_line_breaks():
    raw = "Headline&#13;\nOne.&#13;&#10;Two.&#xD;\n&#xD;\nThree&#0;.&#7;"
    assert clean(raw).text == "Headline\nOne.\nTwo.\n\nThree."
    assert paragraphs_with_evidence(raw) == ["Headline", "One.\nTwo.", "Three."]
    assert {e.text for e in clean(raw).edits} == {"&#13;", "&#10;", "&#xD;", "&#0;", "&#7;"}


def test_unicode_line_and_paragraph_separators():
    raw = "Headline\u2029First line\u2028second line\x85third line.\u2029\u2029Second paragraph.\x85"
    cleaned = clean(raw)
    assert cleaned.text == "Headline\n\nFirst line\nsecond line\nthird line.\n\nSecond paragraph."
    assert paragraphs_with_evidence(raw) == ["Headline", "First line\nsecond line\nthird line.", "Second paragraph."]
    start = cleaned.text.index("second line")
    raw_start, raw_end = cleaned.to_raw(start, start + len("second line\nthird"))
    assert raw[raw_start:raw_end] == "second line\x85third"
    assert_maps_back(raw)
    # U+0085 is also a UTF-8 byte of mojibake read as Latin-1: ftfy repairs it.
    assert clean("\u00c3\x85ngstr\u00c3\u00b6m \u00d1\x85").text == "\u00c5ngstr\u00f6m \u0445"


def test_block_tags_break_lines_and_inline_tags_join():
    raw = (
        "<h1>Headline</h1><p>First <b>bold</b> <a href='/x'>para</a>.</p><div>Second<br>line<BR/>three.</div>"
        "<ul><li>One</li><li>Two</li></ul>Tom<span>my</span> said so."
    )
    cleaned = clean(raw)
    assert cleaned.text == "Headline\n\nFirst bold para.\n\nSecond\nline\nthree.\n\nOne\n\nTwo\n\nTommy said so."
    assert paragraphs_with_evidence(raw) == [
        "Headline", "First bold para.", "Second\nline\nthree.", "One", "Two", "Tommy said so."
    ]
    assert {e.kind for e in cleaned.edits} == {"html_tag"}
    assert_maps_back(raw)
