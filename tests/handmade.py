"""Docs built by hand, as spaCy's own tests build them, for testing
newsflow's rules without the statistical model: a test states the parse
and entities it assumes, and the rules are checked against exactly that."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from textwrap import dedent

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newsflow.nlp import EXTRACTORS

# A whitespace token (a paragraph break) in a table.
PARAGRAPH_BREAK = "¶"


@lru_cache(maxsize=1)
def extractors() -> Language:
    """A blank English pipeline with newsflow's extractors and their default
    rules: no tagger, parser or recognizer, so Docs must come parsed."""
    nlp = spacy.blank("en")
    for name in EXTRACTORS:
        nlp.add_pipe(name)
    return nlp


def parsed(text: str, table: str) -> Doc:
    """A Doc of ``text`` annotated by ``table``: one row per token, with its
    word, lemma, coarse and fine tags, dependency label, the index of its
    head (its own for a root) and optionally its entity tag (B-PERSON,
    I-PERSON); ¶ is a paragraph break."""
    rows = [line.split() for line in dedent(table).strip().splitlines()]
    words = ["\n\n" if row[0] == PARAGRAPH_BREAK else row[0] for row in rows]
    return Doc(
        extractors().vocab,
        words=words,
        spaces=_spaces(text, words),
        lemmas=[w if row[1] == PARAGRAPH_BREAK else row[1] for w, row in zip(words, rows)],
        pos=[row[2] for row in rows],
        tags=[row[3] for row in rows],
        deps=[row[4] for row in rows],
        heads=[int(row[5]) for row in rows],
        ents=[row[6] if len(row) > 6 else "O" for row in rows],
    )


def extract(text: str, table: str, published: date | None = None) -> Doc:
    """The hand-built Doc after newsflow's extractors."""
    doc = parsed(text, table)
    doc._.published_date = published
    return extractors()(doc)


def _spaces(text: str, words: list[str]) -> list[bool]:
    """Whether a space follows each word, read from ``text``."""
    spaces, at = [], 0
    for word in words:
        at = text.index(word, at) + len(word)
        spaces.append(text.startswith(" ", at))
    if "".join(w + (" " if s else "") for w, s in zip(words, spaces)) != text:
        raise ValueError(f"the words do not spell {text!r}")
    return spaces
