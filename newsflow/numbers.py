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

from spacy.lang.en.lex_attrs import like_num
from spacy.tokens import Doc, Span, Token

from newsflow.doc_text import text_of
from newsflow.mentions import labelled_entities

with warnings.catch_warnings():
    # quantulum3 warns that its optional classifier is missing; the
    # classifier only disambiguates rare units and needs scikit-learn.
    warnings.simplefilter("ignore")
    from quantulum3 import parser as quantity_parser


def prepare_quantity_parser() -> None:
    """quantulum3 compiles its unit patterns at its first parse (about a
    second): done as the pipeline loads, it is done once in the process that
    forks the batch workers (``flows/warm_workers.py``), not in each."""
    quantity_parser.parse("1 km")


@dataclass(frozen=True)
class NumberRules:
    labels: frozenset[str]  # the entity labels that are numbers
    hedges: tuple[str, ...]  # "more than", "an estimated": tried in order
    unit_by_label: dict[str, str]  # the unit when quantulum3 finds none: MONEY is currency
    number_words: dict[str, float]  # "thousands" -> 1000 (lexicons/number_words.tsv)
    currency_symbols: dict[str, str]  # "$" -> "dollar": a symbol the model leaves out of the number
    money_words: frozenset[str]  # lemmas of money talk: "donation" (lexicons/money_words.txt)

    @cached_property
    def hedge(self) -> re.Pattern:
        phrases = "|".join(re.escape(h) for h in self.hedges)
        return re.compile(rf"^(?:an?\s+|the\s+)?(?P<approx>{phrases})\s+", re.IGNORECASE)


_COUNTED_LEFT_DEPS = {"amod", "compound", "nmod"}
_NUMBER_NOUNS = {"half", "halves", "third", "thirds", "quarter", "quarters", "fifth", "fifths", "tenth", "tenths",
              "percent", "%"}
_COUNTING_DEPS = {"nummod", "det", "quantmod", "amod", "compound", "predet"}


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
_OF_CURRENCY_AFTER = re.compile(r"\s+of\s+(?:dollar|euro|pound)s\b", re.IGNORECASE)
_POINTS = re.compile(r"(?:-|\s)(?:percentage\s+)?points?$", re.IGNORECASE)
_POINTS_AFTER = re.compile(r"(?:-|\s)(?:percentage\s+)?points?\b", re.IGNORECASE)
_FILLER = {"a", "an", "of", "several", "few", "some"}
_MAGNITUDE = re.compile(r"\b(?:millions|billions|trillions)$", re.IGNORECASE)  # an amount with no noun
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


def _currency_talked(sentence: Span, rules: NumberRules) -> str | None:
    """The currency a sentence talks about: the first one it writes, else
    the dollar if it talks about money at all."""
    for token in sentence:
        for symbol, currency in rules.currency_symbols.items():
            if symbol in token.text or token.lemma_.lower() == currency:
                return currency
    return "dollar" if any(t.lemma_.lower() in rules.money_words for t in sentence) else None


def _counted(ent: Span, share: bool, value: float | None) -> str | None:
    """The noun phrase the number quantifies, if the parse says so: the noun
    it modifies ("10,000 former Afghan soldiers"; not for a percentage:
    "38 percent support" is no share of support; not a singular noun for a
    ``value`` above one), "of" after it ("60% of
    Panjshir"), or a partitive "of" fronting its clause ("Of the 10 judges
    who will hear the case, six were appointed"). A ``share`` is told
    which ones it is of ("82 percent of murders involving white victims")."""
    if ent.label_ != "PERCENT":
        for token in ent:
            head = token.head
            if (not ent.start <= head.i < ent.end and head.pos_ in ("NOUN", "PROPN") and token.dep_ in _COUNTING_DEPS
                    and head.lower_ not in _NUMBER_NOUNS):  # the "thirds" of "two-thirds", "percent": the number's
                # A number above one counts no singular noun: "a 2-to-1 vote", and a verb read
                # as a noun ("the two write"); "half the money" does.
                return _noun_phrase(head, after=ent.end) if value is None or value <= 1 or head.tag_ != "NN" else None
    root = ent.root
    of = _of_object(root)
    if of is None and root.dep_ in ("nsubj", "nsubjpass"):
        of = _of_object(root.head, before=ent.start)
    return _noun_phrase(of, after=of.head.i + 1, which=share) if of is not None else None


def _of_object(token: Token, before: int | None = None) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of" and (before is None or child.i < before):
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _population(ent: Span) -> str | None:
    """The group a share with nothing counted is a share of: the one
    "among" (or a "for" opening the sentence) names in its sentence, the
    member of that group nearest the number ("Among Trump voters, 74 percent
    said"; "For Cruz backers, ... 73 percent"; "higher among African
    Americans (34%) and Hispanics (32%)")."""
    sentence = ent.sent
    members = [
        member
        for among in sentence
        if among.dep_ == "prep" and (among.lower_ == "among" or among.lower_ == "for" and among.i == sentence.start)
        for obj in among.children
        if obj.dep_ == "pobj"
        for member in (obj, *obj.conjuncts)
    ]
    if not members:
        return None
    nearest = min(members, key=lambda m: min(abs(m.i - ent.start), abs(m.i - (ent.end - 1))))
    return _noun_phrase(nearest, after=nearest.left_edge.i, conjuncts=False, which=True)


def _bare_noun(token: Token) -> bool:
    """A noun with no number or clause of its own, nor its conjuncts."""
    return token.pos_ in ("NOUN", "PROPN") and all(
        child.dep_ in ("amod", "compound", "cc", "punct") or child.dep_ == "conj" and _bare_noun(child)
        for child in token.children)


def _noun_phrase(head: Token, after: int, conjuncts: bool = True, which: bool = False) -> str:
    """The phrase ``head`` heads, from no earlier than ``after``: its
    modifiers before it, and after it the bare nouns joined to it
    ("generals and admirals", not "four conservatives and four liberals")
    and, with ``which``, the clauses that say which ones ("murders involving
    white victims", "those who named a candidate"), without a date or a
    preposition at the end ("voters in the primary next month"). A count
    keeps no such clause: "10 judges" of "10 judges of the U.S. Court of
    Appeals"."""
    doc = head.doc
    start = head.i
    for child in head.lefts:
        if child.i >= after and child.dep_ in _COUNTED_LEFT_DEPS:
            start = min(start, child.left_edge.i)
    start = max(start, after)
    end = head.i + 1
    for child in head.rights:
        if conjuncts and child.dep_ == "conj" and _bare_noun(child) or _kind_of(child) or which and (
                child.dep_ in ("prep", "acl") or child.dep_ == "relcl" and head.pos_ == "PRON"):
            end = child.right_edge.i + 1
        elif child.dep_ not in ("punct", "cc"):
            break
    while end - 1 > head.i and (doc[end - 1].is_punct or doc[end - 1].pos_ == "ADP" or doc[end - 1].ent_type_ in ("DATE", "TIME")):
        end -= 1
    return doc[start:end].text


def _kind_of(child: Token) -> bool:
    """Whether ``child`` says what kind its noun is, kept even in a count:
    "of" right after it and a noun with no determiner ("incidents of voter
    impersonation"; not "judges of the U.S. Court of Appeals", nor
    "generals and admirals of note")."""
    if child.dep_ != "prep" or child.lower_ != "of" or child.i != child.head.i + 1:
        return False
    obj = next((c for c in child.children if c.dep_ == "pobj"), None)
    return (obj is not None and obj.right_edge == obj and obj.pos_ == "NOUN"
            and not any(c.dep_ in ("det", "poss", "nummod") for c in obj.children))


_PAIR = re.compile(r"^(?P<a>.*?\d\s*(?:percent|%)|\$\S+)\s+to\s+(?P<b>\d.*?(?:percent|%)|\$\S+)$", re.IGNORECASE)


def _numbers_of(doc: Doc, labels: frozenset[str]):
    """The number entities as ``(span, start, end, text)``, a split such as
    "73 percent to 25 percent" or "$64.8million to $45.1million" (two
    results, not a range) as two."""
    for ent, start, end, text in labelled_entities(doc, labels):
        pair = _PAIR.match(text)
        pieces = [(start + pair.start(g), start + pair.end(g)) for g in ("a", "b")] if pair else [(start, end)]
        for a, b in pieces:
            span = doc.char_span(a, b, label=ent.label_, alignment_mode="expand") if pair else ent
            yield span, a, b, text[a - start : b - start]


def find_numbers(doc: Doc, rules: NumberRules, sentence_of_char) -> list[NumberMention]:
    raw = text_of(doc)
    found: list[NumberMention] = []
    last_share: NumberMention | None = None  # the latest share with a group
    for ent, start, end, text in _numbers_of(doc, rules.labels):
        if _not_asserted(raw, ent, start, end) or (found and start < found[-1].end):
            continue  # the "10" of "four in 10", read with the "four"
        approximator, core = _approximator(ent, rules.hedge)
        symbol = raw[start - 1 : start] if start else ""
        if symbol in rules.currency_symbols and not text.startswith(symbol):
            start, text, core = start - 1, symbol + text, symbol + core
        ratio = _RATIO_AFTER.match(raw, end)
        if ratio and not _RATIO.match(core):
            end, text, core = ratio.end(), raw[start : ratio.end()], core + ratio.group(0)
            # "four in 10 likely voters": the denominator says what is counted
            ent = doc.char_span(ent.start_char, end, label=ent.label_, alignment_mode="expand") or ent
        of_currency = _OF_CURRENCY_AFTER.match(raw, end)  # "hundreds of thousands of dollars"
        value, unit = _value_and_unit(core + (of_currency.group(0) if of_currency else ""),
                                      rules.unit_by_label.get(ent.label_), rules)
        money = unit in rules.currency_symbols.values() or ent.label_ == "MONEY" and _names_currency(text, rules)
        if ent.label_ == "MONEY" and not money:
            unit = None  # "more than a billion ballots" labelled money
        share = unit == "percentage" or value is not None and value < 1
        counts = _counted(ent, share, value)
        if counts is not None and _POINTS.search(" " + counts) or _POINTS_AFTER.match(raw, end):
            # "4 points", "4.3 percentage points": a unit, not a count, nor a share of anyone
            unit, counts, share = "point", None, False
        sentence = sentence_of_char(start)
        if unit is None and counts is None and _MAGNITUDE.search(core):
            # "accepting millions from the industry in campaign contributions"
            unit = _currency_talked(ent.sent, rules)
            money = unit is not None
        if money:
            counts = None  # "$5,000 donation": what the money is for, not a count of it
        elif counts is None and share:
            # "supported by 42 percent of those responding, while Trump received 38 percent":
            # shares listed in one sentence are of one group; a ratio names its own
            # whole ("nearly four in 10")
            counts = _population(ent) or (
                last_share.counts if last_share is not None and last_share.sentence == sentence and not ratio
                and not _RATIO.match(core) else None)
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
                sentence=sentence,
            )
        )
        if share and counts is not None:
            last_share = found[-1]
    return found


_DAY_OF_MONTH = re.compile(r"^(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])$")


def _not_asserted(raw: str, ent: Span, start: int, end: int) -> bool:
    """Numbers that assert no quantity: "one of the states" (a pronoun),
    a spelled-out number inside a compound word ("a three-way race", "one-time
    rivals"), a tally ("a 5-4 decision") and a month/day written as a
    fraction ("9/11")."""
    text = raw[start:end]
    if text.lower() == "one" and raw[end : end + 4] == " of ":
        return True
    if text.isalpha() and like_num(text):
        glued_after = re.match(r"-([A-Za-z]+)", raw[end : end + 30])
        glued_before = re.search(r"([A-Za-z]+)-$", raw[max(0, start - 30) : start])
        if any(glued and not like_num(glued.group(1)) for glued in (glued_after, glued_before)):
            return True
    tally = re.search(r"\d-$", raw[max(0, start - 2) : start]) or re.match(r"-\d", raw[end : end + 2])
    return ent.label_ == "CARDINAL" and (bool(_DAY_OF_MONTH.match(text)) or text.isdigit() and bool(tally))


def _names_currency(text: str, rules: NumberRules) -> bool:
    lowered = text.lower()
    return any(symbol in text for symbol in rules.currency_symbols) or any(
        word in lowered for word in (*rules.currency_symbols.values(), "cent"))
