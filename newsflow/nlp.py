"""Loading the spaCy pipeline once per process: the model, paragraph-aware
sentences, and newsflow's extractors (``newsflow.components``)."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import newsflow.components  # noqa: F401 - registers the extractors' factories
from newsflow.quotes import quotation_marks

# Every closing mark, single ones too: ``it 'works.'`` ends its sentence after the mark.
_CLOSING_MARKS = frozenset(quotation_marks().values())
# The extractors, in the order they read each other's results.
EXTRACTORS = (
    "newsflow_layout", "newsflow_entities", "newsflow_places", "newsflow_identity", "newsflow_quotes",
    "newsflow_speakers", "newsflow_numbers", "newsflow_dates",
)


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
    for extractor in EXTRACTORS:
        nlp.add_pipe(extractor)
    return nlp
