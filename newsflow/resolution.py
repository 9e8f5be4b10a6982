"""Resolution: which person each quote's speaker mention names.

Names resolve through the article's entities ("Nazary" is Ali Nazary),
"he" and "she" to the nearest earlier salient person of a fitting gender,
"the official" to the earlier "a senior administration official", "the
senator" to the last person titled Sen.; a direct quote without a speaker
continues the attribution before it (the "He said. “…” / “…”" pattern).

Pronouns are resolved in text order, so a quote's speaker can depend on
the quotes before it: that dependency is the ``Salience`` passed from one
quote to the next, never state kept on the side.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import NamedTuple

from spacy.tokens import Span, Token

from newsflow.mentions import Entities
from newsflow.quotes import Quote
from newsflow.segment import Layout
from newsflow.speakers import SUBJECTS, QuotedDoc, mention_span

_DEFINITE = {"the", "this", "that", "these", "those"}


@dataclass(frozen=True)
class ResolutionRules:
    pronouns: dict[str, str | None]  # pronoun -> the gender it requires (None: any)
    description_titles: dict[str, str]  # "senator" -> "Sen."
    continuation_paragraphs: int  # how far a quote without a cue inherits a speaker


class Salient(NamedTuple):
    """A person a later "he" or "she" may refer to."""

    char: int  # where they were mentioned
    name: str
    gender: str | None
    paragraph: int


Salience = tuple[Salient, ...]  # sorted by position


def resolve_speakers(
    quotes: list[Quote], quoted: QuotedDoc, entities: Entities, layout: Layout, rules: ResolutionRules
) -> list[Quote]:
    """The quotes, in text order, with their speakers' names."""
    salience = named_subjects(quoted, entities, layout)
    resolved: list[Quote] = []
    for quote in quotes:
        if quote.speaker_head is not None:
            quote, salience = _resolved(quote, salience, quoted, entities, layout, rules)
        elif quote.kind == "direct":
            quote = _continued(quote, resolved, rules.continuation_paragraphs)
        resolved.append(quote)
    return resolved


def named_subjects(quoted: QuotedDoc, entities: Entities, layout: Layout) -> Salience:
    """Named people as grammatical subjects outside quotations: the
    candidates a later "he" or "she" most likely refers to."""
    found = []
    for person in entities.people:
        for mention in person.mentions:
            span = quoted.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or quoted.in_quote[span.root.i]:
                continue
            if span.root.dep_ in SUBJECTS:
                found.append(Salient(mention.start, person.name, person.gender, layout.paragraph_of(mention.start)))
    return tuple(sorted(found, key=lambda s: s.char))


def _resolved(
    quote: Quote, salience: Salience, quoted: QuotedDoc, entities: Entities, layout: Layout, rules: ResolutionRules
) -> tuple[Quote, Salience]:
    head = quoted.doc[quote.speaker_head]
    mention = mention_span(head)
    speaker = _name(mention, head, salience, quoted, entities, layout, rules)
    if speaker is None:
        return quote, salience
    person = entities.person_at(head)
    gender = person.gender if person else rules.pronouns.get(head.lower_)
    entry = Salient(mention.start_char, speaker, gender, layout.paragraph_of(mention.start_char))
    ordered = list(salience)
    bisect.insort_right(ordered, entry, key=lambda s: s.char)
    return replace(quote, speaker=speaker), tuple(ordered)


def _name(
    mention: Span, head: Token, salience: Salience, quoted: QuotedDoc, entities: Entities, layout: Layout,
    rules: ResolutionRules,
) -> str | None:
    person = entities.person_at(head)
    if person is None:
        # "Afghanistan's former vice president, Amrullah Saleh, said"
        person = next((p for c in head.rights if c.dep_ == "appos" and (p := entities.person_at(c)) is not None), None)
    if person is not None:
        return person.name
    lower = head.lower_
    if lower in ("he", "she"):
        return _antecedent(salience, mention.start_char, rules.pronouns[lower], layout, rules.continuation_paragraphs)
    if head.pos_ == "PRON":
        return None
    entity = entities.entity_at(head)
    if entity is not None:
        return entity.name
    if mention[0].lower_ in _DEFINITE and head.pos_ == "NOUN":
        earlier = _earlier_description(head, mention.start_char, quoted, entities, rules)
        if earlier is not None:
            return earlier
    return _as_description(mention)


def _antecedent(salience: Salience, char: int, gender: str | None, layout: Layout, within: int) -> str | None:
    paragraph = layout.paragraph_of(char)
    for position, name, candidate_gender, candidate_paragraph in reversed(salience):
        if position >= char:
            continue
        if paragraph - candidate_paragraph > within + 1:
            break
        if gender and candidate_gender and gender != candidate_gender:
            continue
        return name
    return None


def _earlier_description(head: Token, char: int, quoted: QuotedDoc, entities: Entities, rules: ResolutionRules) -> str | None:
    """"the official" refers back to "a senior administration official";
    "the senator" to the last person titled Sen."""
    title = rules.description_titles.get(head.lemma_.lower())
    if title is not None:
        for _, person in entities.people_before(char):
            if title in person.titles:
                return person.name
    for token in reversed(quoted.doc[: head.i]):
        if (
            token.lemma_.lower() == head.lemma_.lower()
            and token.tag_ == head.tag_  # "the official" is not "officials"
            and token.dep_ in SUBJECTS
            and not quoted.in_quote[token.i]
        ):
            earlier = mention_span(token)
            if earlier[0].lower_ not in _DEFINITE:
                return _as_description(earlier)
    return None


def _continued(quote: Quote, resolved: list[Quote], within: int) -> Quote:
    """A quote with no cue of its own continues the nearest preceding
    attribution within a couple of paragraphs (news convention)."""
    for previous in reversed(resolved):
        if previous.speaker is None:
            continue
        if quote.paragraph - previous.paragraph > within:
            return quote
        return replace(
            quote, speaker=previous.speaker, speaker_mention=previous.speaker_mention,
            speaker_start=previous.speaker_start, speaker_end=previous.speaker_end,
        )
    return quote


def _as_description(mention: Span) -> str:
    """An unnamed speaker keeps its description, article in lower case."""
    text = mention.text
    if mention[0].pos_ == "DET":
        text = mention[0].lower_ + text[len(mention[0].text):]
    return text
