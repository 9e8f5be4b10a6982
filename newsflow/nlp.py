"""Loading the spaCy pipeline once per process, with paragraph-aware sentences."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span


_CLOSING_MARKS = {"”", '"', "’", "»", "'"}


@Language.component("newsflow_sentence_hints")
def sentence_hints(doc: Doc) -> Doc:
    """Hints for the parser's sentence splitting.

    A sentence starts after every line break: it never spans paragraphs, and
    a headline without final punctuation does not swallow the first
    paragraph. A closing quotation mark glued to the sentence's final
    punctuation (``economics."``) stays in that sentence, where the parser
    would otherwise open the next sentence with it.
    """
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text_with_ws and not token.is_space:
            token.is_sent_start = True
        elif token.text in _CLOSING_MARKS and not previous.whitespace_ and previous.text in {".", "!", "?", ",", "…"}:
            token.is_sent_start = False
    return doc


@lru_cache(maxsize=2)
def load_model(name: str) -> Language:
    """The spaCy pipeline ``name`` (an installed package) with newsflow's additions."""
    nlp = spacy.load(name)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newsflow_sentence_hints", before="parser")
    return nlp


def labelled_entities(doc: Doc, labels: set[str]) -> Iterator[tuple[Span, int, int, str]]:
    """Entities with one of ``labels`` as ``(entity, start, end, text)``, the
    span trimmed of the whitespace the model sometimes includes."""
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        text = ent.text.strip()
        if text:
            start = ent.start_char + len(ent.text) - len(ent.text.lstrip())
            yield ent, start, start + len(text), text
