"""Paragraphs, headline and sentences of a clean article, as clean-text spans."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from newsflow.doc_text import text_of

_NON_EMPTY_LINE = re.compile(r"[^\n]+")
_BLOCK = re.compile(r"[^\n]+(?:\n[^\n]+)*")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs are blocks separated by blank lines when the article uses them,
    and single lines otherwise (one paragraph per line is common in scraped text).

    The headline, the first non-empty line, is always a paragraph of its own.
    """
    pattern = _BLOCK if "\n\n" in text else _NON_EMPTY_LINE
    spans = [Span(m.start(), m.end()) for m in pattern.finditer(text)]
    if spans:
        first = spans[0]
        newline = text.find("\n", first.start, first.end)
        if newline != -1:
            spans[0:1] = [Span(first.start, newline)] + [
                Span(m.start() + newline + 1, m.end() + newline + 1)
                for m in _BLOCK.finditer(text[newline + 1 : first.end])
            ]
    return spans


def sentence_spans(doc: Doc) -> list[Span]:
    spans = []
    for sent in doc.sents:
        text = sent.text
        stripped_start = len(text) - len(text.lstrip())
        stripped_end = len(text.rstrip())
        if stripped_end > stripped_start:
            spans.append(Span(sent.start_char + stripped_start, sent.start_char + stripped_end))
    return spans


@dataclass(frozen=True)
class Layout:
    """Paragraphs and sentences of a parsed article, and which of them holds
    a character (clean-text offsets)."""

    paragraphs: list[Span]
    sentences: list[Span]
    paragraph_starts: list[int]
    sentence_starts: list[int]

    @classmethod
    def of(cls, doc: Doc) -> "Layout":
        paragraphs, sentences = paragraph_spans(text_of(doc)), sentence_spans(doc)
        return cls(paragraphs, sentences, [p.start for p in paragraphs], [s.start for s in sentences])

    def paragraph_of(self, char: int) -> int:
        return _index_of(self.paragraph_starts, char)

    def sentence_of(self, char: int) -> int:
        return _index_of(self.sentence_starts, char)


def _index_of(starts: list[int], char: int) -> int:
    """The last span starting at or before ``char`` (0 before the first)."""
    return max(bisect.bisect_right(starts, char) - 1, 0)
