"""Numbers an article asserts: value, unit, what they count, and how hedged.

spaCy finds the numeric expressions (CARDINAL, PERCENT, MONEY, QUANTITY);
quantulum3 reads their value and unit ("$5.2 billion" is 5.2e9 dollar);
the dependency parse tells what is counted ("10,000 former Afghan soldiers",
"60% of Panjshir").
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc, Span, Token

from newsflow.mentions import labelled_entities

with warnings.catch_warnings():
    # quantulum3 warns that its optional classifier is missing; the
    # classifier only disambiguates rare units and needs scikit-learn.
    warnings.simplefilter("ignore")
    from quantulum3 import parser as quantity_parser


@dataclass(frozen=True)
class NumberRules:
    labels: frozenset[str]  # the entity labels that are numbers
    hedges: tuple[str, ...]  # "more than", "an estimated": tried in order
    unit_by_label: dict[str, str]  # the unit when quantulum3 finds none: MONEY is currency

    @cached_property
    def hedge(self) -> re.Pattern:
        phrases = "|".join(re.escape(h) for h in self.hedges)
        return re.compile(rf"^(?:an?\s+|the\s+)?(?P<approx>{phrases})\s+", re.IGNORECASE)


_COUNTED_LEFT_DEPS = {"amod", "compound", "nmod"}


@dataclass
class NumberMention:
    start: int
    end: int
    text: str
    kind: str
    value: float | None
    unit: str | None
    approximator: str | None
    counts: str | None
    sentence: int


def _approximator(ent: Span, hedge: re.Pattern) -> tuple[str | None, str]:
    """The hedge ("an estimated", "more than") and the numeric core of the text.

    The hedge is looked for in the entity and in the two words before it,
    which the model often leaves out of the entity.
    """
    doc = ent.doc
    lead_start = max(ent.sent.start, ent.start - 2)
    for begin in range(lead_start, ent.start + 1):
        candidate = doc[begin : ent.end].text
        match = hedge.match(candidate)
        if match and match.end() >= ent.start_char - doc[begin].idx:
            return match.group("approx").lower(), candidate[match.end():]
    return None, ent.text


def _value_and_unit(core: str, label_unit: str | None) -> tuple[float | None, str | None]:
    quantities = quantity_parser.parse(core)
    if quantities:
        quantity = quantities[0]
        unit = quantity.unit.name
        return float(quantity.value), (None if unit == "dimensionless" else unit) or label_unit
    return None, label_unit


def _counted(ent: Span) -> str | None:
    """The noun phrase the number quantifies, if the parse says so."""
    for token in ent:
        head = token.head
        if head.i < ent.start or head.i >= ent.end:
            if head.pos_ in ("NOUN", "PROPN") and token.dep_ in ("nummod", "det", "quantmod", "amod", "compound"):
                return _noun_phrase(head, after=ent.end)
            break
    root = ent.root
    of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is not None:
        obj = next((c for c in of.children if c.dep_ == "pobj"), None)
        if obj is not None:
            return _noun_phrase(obj, after=of.i + 1)
    return None


def _noun_phrase(head: Token, after: int) -> str:
    start = head.i
    for child in head.lefts:
        if child.i >= after and child.dep_ in _COUNTED_LEFT_DEPS:
            start = min(start, child.left_edge.i)
    start = max(start, after)
    return head.doc[start : head.i + 1].text


def find_numbers(doc: Doc, rules: NumberRules, sentence_of_char) -> list[NumberMention]:
    found = []
    for ent, start, end, text in labelled_entities(doc, rules.labels):
        approximator, core = _approximator(ent, rules.hedge)
        value, unit = _value_and_unit(core, rules.unit_by_label.get(ent.label_))
        found.append(
            NumberMention(
                start=start,
                end=end,
                text=text,
                kind=ent.label_.lower(),
                value=value,
                unit=unit,
                approximator=approximator,
                counts=_counted(ent),
                sentence=sentence_of_char(start),
            )
        )
    return found
