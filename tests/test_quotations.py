"""The quotation scanner: newspaper conventions and unbalanced marks."""

from __future__ import annotations

from newsflow.quotes import find_quotations
from newsflow.segment import paragraph_spans
from tests.handmade import extractors


def quotations(text: str) -> list[str]:
    rules = extractors().get_pipe("newsflow_quotes").rules
    return [text[s:e] for s, e in find_quotations(text, paragraph_spans(text), rules)]


def test_multi_paragraph_quote_is_one_quote():
    text = "Headline\n\n“First paragraph of the quote.\n\n“Second paragraph, closed,” he said.\n\nAfter."
    assert quotations(text) == ["“First paragraph of the quote.\n\n“Second paragraph, closed,”"]


def test_unbalanced_marks_never_fail_and_close_at_the_paragraph_end():
    text = "Headline\n\nA stray ” closing mark, then “an unclosed quote.\n\nNo quote here."
    assert quotations(text) == ["“an unclosed quote."]


def test_straight_quotes_and_nested_single_quotes():
    text = 'Headline\n\n"We will take a page out of ‘Charlie Wilson’s War,’" he said.'
    assert quotations(text) == ['"We will take a page out of ‘Charlie Wilson’s War,’"']


def test_paragraphs_are_lines_when_there_are_no_blank_lines():
    text = "Headline\nFirst paragraph.\nSecond paragraph."
    assert [text[p.start : p.end] for p in paragraph_spans(text)] == ["Headline", "First paragraph.", "Second paragraph."]
