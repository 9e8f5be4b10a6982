"""Numbers an article asserts: value, unit, what they count, and how hedged.

spaCy finds the numeric expressions (CARDINAL, PERCENT, MONEY, QUANTITY);
quantulum3 reads their value and unit ("$5.2 billion" is 5.2e9 dollar);
the dependency parse tells what is counted ("10,000 former Afghan soldiers",
"60% of Panjshir").
"""

from __future__ import annotations

import math
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
    number_words: dict[str, float]  # "thousands" -> 1000 (lexicons/number_words.tsv)
    currency_symbols: dict[str, str]  # "$" -> "dollar": a symbol the model leaves out of the number

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


_GLUED_SCALE = re.compile(r"(\d)(million|billion|trillion)\b", re.IGNORECASE)
_RATIO = re.compile(r"^(?P<part>\S+)\s+(?:in|out\s+of)\s+(?P<whole>\S+)$", re.IGNORECASE)
_OF_CURRENCY = re.compile(r"\s+of\s+(?P<unit>dollar|euro|pound)s$", re.IGNORECASE)
_POINTS = re.compile(r"(?:-|\s)(?:percentage\s+)?points?$", re.IGNORECASE)
_FILLER = {"a", "an", "of", "several", "few", "some"}
_RATIO_AFTER = re.compile(r"\s+(?:in|out\s+of)\s+(?:10|ten|five|5|100)\b", re.IGNORECASE)


def _value_and_unit(core: str, label_unit: str | None, rules: NumberRules) -> tuple[float | None, str | None]:
    """The number and unit of an expression without its hedge: quantulum3's
    reading, with what it misses read by rule: "2.6million", "four in 10"
    (0.4), "a dozen", "thousands", "hundreds of thousands of dollars",
    "7.5-point" and "4 percentage points" (unit point)."""
    core = _GLUED_SCALE.sub(r"\1 \2", core.strip())
    ratio = _RATIO.match(core)
    if ratio:
        part, whole = (_value_and_unit(ratio.group(g), None, rules)[0] for g in ("part", "whole"))
        if part is not None and whole:
            return part / whole, None
    if _POINTS.search(core):
        return _value_and_unit(_POINTS.sub("", core), None, rules)[0], "point"
    currency = _OF_CURRENCY.search(core)
    if currency:
        return _value_and_unit(core[: currency.start()], None, rules)[0], currency.group("unit").lower()
    words = [w for w in core.lower().split() if w not in _FILLER]
    if words and all(w in rules.number_words for w in words):
        return math.prod(rules.number_words[w] for w in words), label_unit
    quantities = quantity_parser.parse(core)
    if quantities:
        quantity = quantities[0]
        unit = quantity.unit.name
        if unit == "dozen":  # "a half-dozen" is 6 of something, not half a unit
            return float(quantity.value) * 12, label_unit
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


_PAIR = re.compile(r"^(?P<a>.*?\d\s*(?:percent|%))\s+to\s+(?P<b>\d.*?(?:percent|%))$", re.IGNORECASE)


def _numbers_of(doc: Doc, labels: frozenset[str]):
    """The number entities as ``(span, start, end, text)``, a split such as
    "73 percent to 25 percent" (two results, not a range) as two."""
    for ent, start, end, text in labelled_entities(doc, labels):
        pair = _PAIR.match(text)
        pieces = [(start + pair.start(g), start + pair.end(g)) for g in ("a", "b")] if pair else [(start, end)]
        for a, b in pieces:
            span = doc.char_span(a, b, label=ent.label_, alignment_mode="expand") if pair else ent
            yield span, a, b, doc.text[a:b]


def find_numbers(doc: Doc, rules: NumberRules, sentence_of_char) -> list[NumberMention]:
    found = []
    for ent, start, end, text in _numbers_of(doc, rules.labels):
        approximator, core = _approximator(ent, rules.hedge)
        symbol = doc.text[start - 1 : start] if start else ""
        if symbol in rules.currency_symbols and not text.startswith(symbol):
            start, text, core = start - 1, symbol + text, symbol + core
        ratio = _RATIO_AFTER.match(doc.text, end)
        if ratio and not _RATIO.match(core):
            end, text, core = ratio.end(), doc.text[start : ratio.end()], core + ratio.group(0)
        value, unit = _value_and_unit(core, rules.unit_by_label.get(ent.label_), rules)
        counts = _counted(ent)
        if counts is not None and _POINTS.search(" " + counts):  # "4 points": a unit, not a count
            unit, counts = "point", None
        if ent.label_ == "MONEY" or unit in rules.currency_symbols.values():
            counts = None  # "$5,000 donation": what the money is for, not a count of it
        found.append(
            NumberMention(
                start=start,
                end=end,
                text=text,
                kind=ent.label_.lower(),
                value=value,
                unit=unit,
                approximator=approximator,
                counts=counts,
                sentence=sentence_of_char(start),
            )
        )
    return found
