"""Loading the spaCy pipeline once per process: the model, paragraph-aware
sentences, the names newsflow knows, and newsflow's extractors
(``newsflow.components``)."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, registry

import newsflow.components  # noqa: F401 - registers the extractors' factories
from newsflow import lexicons
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


@registry.misc("newsflow.known_names_first.v1")
def make_known_names_first():
    return known_names_first


def known_names_first(entities: list[Span], spans: list[Span]) -> list[Span]:
    """A known name replaces the model's entities it covers or equals
    ("USA" of "USA TODAY"; "Twitter" read as a person); a longer entity of
    the model ("Adam Goldman") keeps its place."""
    return filter_spans([*spans, *entities])


def known_name_patterns(nlp: Language) -> dict[str, list[dict]]:
    """Every alias of ``organization_aliases.tsv`` as an organization, by the
    token attribute it is matched on: a single word as written or in
    capitals ("Twitter", "TWITTER"; not the "fed" of "fed up"), a longer
    name in any case."""
    patterns: dict[str, list[dict]] = {"ORTH": [], "LOWER": []}
    for row in lexicons.table("organization_aliases.tsv"):
        name = row["alias"]
        if len(nlp.make_doc(name)) == 1:
            patterns["ORTH"] += [{"label": "ORG", "pattern": form} for form in dict.fromkeys((name, name.upper()))]
        else:
            # With its "the" too, so that it wins over the model's "the New York Times".
            patterns["LOWER"] += [{"label": "ORG", "pattern": phrase} for phrase in (name, "the " + name)]
    return patterns


@lru_cache(maxsize=2)
def load_model(name: str) -> Language:
    """The spaCy pipeline ``name`` (an installed package) with newsflow's additions."""
    nlp = spacy.load(name)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newsflow_sentence_hints", before="parser")
    if "ner" in nlp.pipe_names:
        # Two rulers of phrases, one per attribute: the single words as
        # token patterns kept spaCy's Matcher busy for 0.47 s of the
        # pipeline's 13.3 s on 60 articles; both rulers of phrases take 0.07 s.
        patterns = known_name_patterns(nlp)
        after = "ner"
        for name, attribute in (("newsflow_known_words", "ORTH"), ("newsflow_known_names", "LOWER")):
            ruler = nlp.add_pipe("span_ruler", name=name, after=after, config={
                "annotate_ents": True, "spans_key": None, "overwrite": False, "phrase_matcher_attr": attribute,
                "ents_filter": {"@misc": "newsflow.known_names_first.v1"}})
            ruler.add_patterns(patterns[attribute])
            after = name
    for extractor in EXTRACTORS:
        nlp.add_pipe(extractor)
    return nlp
