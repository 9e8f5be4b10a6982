"""Web pages: main text aligned back to the HTML, and page metadata."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from newsflow.clean import CleanText, clean
from newsflow.evidence_columns import evidence_matches
from newsflow.metadata import Metadata
from newsflow.page_eval import comparable, score_pages
from newsflow.pages import NoArticleText, page_metadata, page_text
from newsflow.segment import paragraph_spans

PAGES = Path(__file__).parent / "pages"
SNIPPETS = json.loads((PAGES / "snippets.json").read_text(encoding="utf-8"))


def read(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def word_edges(text: str, lo: int, hi: int) -> tuple[list[int], list[int]]:
    starts = [i for i in range(lo, hi) if not text[i].isspace() and (i == 0 or text[i - 1].isspace())]
    ends = [i + 1 for i in range(lo, hi) if not text[i].isspace() and (i + 1 == len(text) or text[i + 1].isspace())]
    return starts, ends


def assert_maps_back(html: str, cleaned: CleanText) -> None:
    """Every paragraph, every run of whole words inside one, and every run
    across paragraphs that crosses no deleted text cleans back from its raw
    evidence."""
    text = cleaned.text
    paragraphs = paragraph_spans(text)
    for span in paragraphs:
        raw_start, raw_end = cleaned.to_raw(span.start, span.end)
        assert evidence_matches(html, raw_start, raw_end, text[span.start : span.end])
    rng = random.Random(7)
    for _ in range(100):
        span = rng.choice(paragraphs)
        starts, ends = word_edges(text, span.start, span.end)
        start = rng.choice(starts)
        end = rng.choice([e for e in ends if e > start])
        raw_start, raw_end = cleaned.to_raw(start, end)
        assert clean(html[raw_start:raw_end], remove_boilerplate_lines=False).text == text[start:end]
    deleted = [(e.start, e.end) for e in cleaned.edits if e.kind == "boilerplate"]
    starts, ends = word_edges(text, 0, len(text))
    for _ in range(100):
        start = rng.choice(starts)
        end = rng.choice([e for e in ends if e > start])
        raw_start, raw_end = cleaned.to_raw(start, end)
        if not any(raw_start < b and a < raw_end for a, b in deleted):
            assert clean(html[raw_start:raw_end], remove_boilerplate_lines=False).text == text[start:end]


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_fixture_pages_keep_the_article_and_drop_the_rest(name):
    html, item = read(name), SNIPPETS[name]
    cleaned = page_text(html, item["url"])
    found = comparable(cleaned.text)
    for snippet in item["with"]:
        assert comparable(snippet) in found
    for snippet in item["without"]:
        assert comparable(snippet) not in found
    assert_maps_back(html, cleaned)


def test_the_headline_is_the_first_paragraph():
    cleaned = page_text(read("harpers.org.justice.html"))
    first = paragraph_spans(cleaned.text)[0]
    assert cleaned.text[first.start : first.end] == "A Letter on Justice and Open Debate"
    raw_start, raw_end = cleaned.to_raw(first.start, first.end)
    # The <h1>, not the <title> in the head, which says it too.
    assert raw_start > read("harpers.org.justice.html").index("<body")


def test_entities_and_line_breaks_inside_paragraphs():
    html = read("tiny-article.html")
    cleaned = page_text(html)
    assert cleaned.text == (
        "Harbour reopens after storm repairs\n\n"
        "The harbour at Port Ellen reopened on Saturday after three months of repairs to the sea wall, which was "
        "breached by the January storms. Fishing boats returned to their moorings within hours.\n\n"
        "“It’s been a long winter,” said harbour master Tom Baker, who oversaw the work. “The crews did a "
        "remarkable job in awful weather & we are grateful.”\n\n"
        "The repairs cost £2.4 million.\nThe council paid half, and the rest came from a national fund for coastal "
        "towns.\nWork on the slipway will follow in the summer.\n\n"
        "Local businesses said the closure had cost them dearly, with some cafés on the quay reporting their worst "
        "winter in a decade."
    )
    start = cleaned.text.index("£2.4")
    raw_start, raw_end = cleaned.to_raw(start, start + 4)
    assert html[raw_start:raw_end] == "&pound;2.4"
    start = cleaned.text.index("million.\nThe")
    raw_start, raw_end = cleaned.to_raw(start, start + len("million.\nThe"))
    assert html[raw_start:raw_end] == "million.<br>The"
    # The share bar between headline and text is deleted, and says so.
    (deleted,) = [e for e in cleaned.edits if e.kind == "boilerplate"]
    assert "Share on Facebook" in deleted.text and html[deleted.start : deleted.end] == deleted.text
    assert_maps_back(html, cleaned)


def test_page_metadata_of_a_fixture_page():
    meta = page_metadata(read("harpers.org.justice.html"), "https://harpers.org/?p=279977")
    assert meta == Metadata(
        title="A Letter on Justice and Open Debate",
        url="https://harpers.org/a-letter-on-justice-and-open-debate/",
        outlet="Harper's Magazine",
        authors=(),
        language="en",
        published_at=datetime(2020, 7, 7, 12, 59, 16, tzinfo=timezone.utc),
        published_date=date(2020, 7, 7),
        date_source="html",
    )


def test_published_date_is_the_publishers_local_date():
    html = read("tiny-article.html")
    meta = page_metadata(html)
    # 23:30 on 9 March in New York is 04:30 on 10 March in UTC.
    assert meta.published_at == datetime(2024, 3, 10, 4, 30, tzinfo=timezone.utc)
    assert meta.published_date == date(2024, 3, 9)
    assert (meta.title, meta.outlet, meta.authors, meta.language) == (
        "Harbour reopens after storm repairs",
        "The Coastal Courier",
        ("Jane Roe",),
        "en",
    )
    without_offset = page_metadata(html.replace("2024-03-09T23:30:00-05:00", "2024-03-09T23:30:00"))
    assert (without_offset.published_at, without_offset.published_date) == (None, date(2024, 3, 9))


def test_a_login_wall_has_no_article_text_and_no_guessed_date():
    html = read("login-wall.html")
    with pytest.raises(NoArticleText) as caught:
        page_text(html)
    assert caught.value.reason == "no_article"
    # "© 2024" in the footer is no publication date.
    assert page_metadata(html).published_date is None


@pytest.mark.parametrize("html", ["", "<html><body></body></html>", "<html><body><nav>Home News</nav></body></html>"])
def test_empty_pages_have_no_article_text(html):
    with pytest.raises(NoArticleText):
        page_text(html)


def test_score_pages_counts_every_snippet():
    result = score_pages(PAGES, PAGES / "snippets.json")
    n_snippets = sum(len(item["with"]) + len(item["without"]) for item in SNIPPETS.values())
    for scores in result.values():
        assert scores["tp"] + scores["fn"] + scores["fp"] + scores["tn"] == n_snippets
    assert result["newsflow"]["f1"] == 1.0


def test_a_quote_over_paragraphs_holds_its_evidence_across_a_removed_aside():
    paragraph = "The harbour reopened on Saturday after three months of repairs to the sea wall, officials said."
    html = (
        "<html><body><article><h1>Harbour reopens after storm repairs</h1>"
        f"<p>{paragraph}</p><p>{paragraph.replace('Saturday', 'Sunday')}</p>"
        "<p>“It has been a long winter for everyone who works on the quay and in the town.</p>"
        "<aside><a href='/b'>Read more: Ferry timetable changes announced for the spring season</a></aside>"
        "<p>“The crews did a remarkable job in awful weather and we are grateful,” said Tom Baker.</p>"
        f"<p>{paragraph.replace('three', 'four')}</p></article></body></html>"
    )
    cleaned = page_text(html)
    quote = cleaned.text[cleaned.text.index("“It has") : cleaned.text.index("grateful,”") + len("grateful,”")]
    assert "Ferry" not in quote
    start = cleaned.text.index(quote)
    raw_start, raw_end = cleaned.to_raw(start, start + len(quote))
    removed = [(e.start, e.end) for e in cleaned.edits if e.kind == "boilerplate"]
    assert "Ferry timetable" in html[raw_start:raw_end]
    assert not evidence_matches(html, raw_start, raw_end, quote)  # the aside is in the raw span
    assert evidence_matches(html, raw_start, raw_end, quote, removed)  # left out, as cleaning left it out
    assert not evidence_matches(html, raw_start, raw_end, quote.replace("crews", "teams"), removed)
