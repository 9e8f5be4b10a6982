"""Temporal expressions, normalised against the article's date.

spaCy finds DATE and TIME expressions; rules written for news read them (word
lists and named days such as Election Day), with dateparser kept for numeric
dates the rules do not spell out. The anchor is the article's date (its
publication date, or else a dateline). Relative and partial dates ("last
week", "Friday", "Nov. 8", "in September") are resolved against it, and the
tense of the sentence, read from the parse (will, shall, 'll, going to,
scheduled/expected/set to: future; a past or perfect verb, or "since": past),
chooses between the occurrence before the anchor and the one after:

- a weekday is the one in the week up to the anchor (the anchor's own
  weekday is the anchor), or in the week from it in a future sentence;
  "last Monday" is strictly before, "next Monday" strictly after;
- a date that comes back every year ("Nov. 8", "September", "the summer",
  Christmas) is, in a past sentence, the latest occurrence begun by the
  anchor; in a future one, the first not over by then; otherwise the one
  under way, else the next if it begins within 120 days, else the past one.
  "last December" is the latest one over before the anchor.

Nothing is guessed from the machine's clock.

The rules come in as a value, a dict shaped like ``lexicons/dates.json``
(``default_rules()``): ``DateReader(rules)`` compiles them once into a
``DateGrammar``, the word tables and the patterns built from them, and reads
every document with it. The ``newsflow_dates`` component
(``newsflow.components``) builds its reader from its config, so ``nlp.config``
records the rules in force. Patterns that owe nothing to the rules are
module constants.

``granularity`` takes one of these values. With a ``value``:

- ``time``: 2016-09-12T14:00, a clock time on a day
- ``day``: 2016-09-12 (also "Monday night", "this morning")
- ``weekend``: 2016-W37-WE, the Saturday and Sunday of an ISO week
- ``week``: 2016-W37, an ISO week
- ``month``: 2016-09
- ``season``: 2016-FA (SP, SU, FA, WI: March to May, June to August,
  September to November, December to February named by its December's year)
- ``quarter``: 2016-Q3
- ``year``: 2016
- ``decade``: 201X
- ``century``: 20XX (the 21st century)

A range ("Sept. 19 to 22", "1995 to 1997") has the value ``start/end`` (an
ISO 8601 interval), both ends at the granularity given.

Without a value, saying why:

- ``duration``: a length of time ("six months", "the past three days", "30-minute")
- ``recurring``: a repetition ("daily", "every Sunday", "each year")
- ``age``: a person's age ("42 years old", "the 30-year-old", "Scott, 43,")
- ``vague``: no particular time ("recent years", "these days", "the future",
  "a few years ago", "a big year")
- ``anaphoric``: a time fixed by another event in the text rather than by the
  article's date ("that day", "a month later", "the following morning")
- ``unanchored``: relative or partial ("last week", "Friday", "mid-August")
  in an article without a date
- ``unresolved``: no rule reads it (often not a date: "PTSD", "West 23rd")

``qualifier`` is early, mid or late ("early September", "the end of June").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Callable, Mapping, NamedTuple

from dateparser.date import DateDataParser
from spacy.tokens import Doc, Span, Token

from newsflow import lexicons
from newsflow.mentions import labelled_entities

DATE_LABELS = {"DATE", "TIME"}


def default_rules() -> dict:
    """The rules newsflow ships (``lexicons/dates.json``): the date component's default config."""
    return lexicons.structure("dates.json")


@dataclass
class DateMention:
    start: int
    end: int
    text: str
    kind: str
    value: str | None
    granularity: str
    qualifier: str | None
    sentence: int


@dataclass(frozen=True)
class Cues:
    """What the sentence says about an expression."""

    tense: str | None = None  # "past", "future" or None (present, or no verb)
    day_before: date | None = None  # the day of a date right before it: "Monday" of "Monday" + "night"
    sentence_day: date | None = None  # a day named elsewhere in its sentence, for a clock time


Reading = tuple[str | None, str]  # (value, granularity)


def _alternation(words) -> str:
    """A regex group matching any of ``words``, longest first so "christmas eve" beats "christmas"."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def _plural(unit: str) -> str:
    return unit[:-1] + "ies" if unit.endswith("y") and unit[-2] not in "aeiou" else unit + "s"


# --- Patterns that owe nothing to the rules ---------------------------------------

_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)"
_RELATION = r"(?:(?P<rel>this coming|this past|last|next|this|coming|past)\s+)?"

# Words before the expression proper: a preposition or an approximation does
# not change the point in time meant ("on Monday", "around 8:30 p.m.").
_LEADING = re.compile(
    r"^(?:on|in|at(?! least| most)|by|since|until|till|from|during|between|before|after|through|throughout|for"
    r"|over|around|about|circa|approximately|roughly|nearly|almost|as of|as early as|as late as|up until)\s+"
)
_QUALIFIER = re.compile(r"^(?P<det>the\s+)?(?:very\s+)?(?P<q>early|mid|middle|late)(?:[\s-]+|(?=\d))")
_QUALIFIER_OF = re.compile(r"^(?:the\s+)?(?:very\s+)?(?P<q>end|beginning|start|middle|close)\s+of\s+")
_QUALIFIER_NAMES = {"middle": "mid", "beginning": "early", "start": "early", "end": "late", "close": "late"}

_AGE = re.compile(
    r"\b[\w-]+[- ]years?[- ]olds?\b|\bages?\b\s*(?:of\s+)?\d|\baged\s+\d|^(?:under|over)\s+\d{1,3}$|^\d{1,3}$"
    r"|^\d{1,3}\s+(?:and|or|to)\s+\d{1,3}$|^(?:(?:my|his|her|their|your|our)\s+)?(?:early|mid|late)?[\s-]*[1-9]0s$"
)
_DURATION_HEDGE = (
    r"(?:(?:more|less|fewer|longer|shorter) than|at (?:least|most)|up to|just|only|barely|as (?:long|little|many) as"
    r"|(?:the|these|this) (?:past|last|next|first|final|previous|following|coming|remaining|better part of)"
    r"|the|first|next|past|last|another|under|some)"
)
_DURATION_EXTRA = r"(?:(?:a|an|the) (?:single|full|whole|entire|extra|additional)|(?:a|an) (?:half|quarter))"
_VAGUE_PLURAL = re.compile(
    r"^(?:the|these|those|recent|coming|upcoming|the coming|the upcoming|the recent|in recent)\s+"
    r"(?:days|weeks|months|years|decades|centuries)(?:\s+(?:ahead|to come|past))?$"
)
_VAGUE_SOME = re.compile(r"^(?:some|any|another)\s")  # "some spring day", "another day"
_VAGUE_AGO = re.compile(r"\b(?:ago|from now|back)$")

_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)\b")
_US_NUMERIC = re.compile(r"\b(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})\b")
_QUARTER = re.compile(
    r"\b(?:(?:the\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter|q(?P<n>[1-4]))\b"
    rf"(?:,?\s+(?:of\s+)?{_YEAR})?"
)
_RELATIVE_YEAR = re.compile(r"(?:,?\s+of)?\s+(?P<rel>last|this|next)\s+year\b")
_DECADE = re.compile(r"^(?:the\s+)?(?P<c>1[0-9]|20)(?P<d>\d)0'?s$")
_SHORT_DECADE = re.compile(r"^(?:the\s+'?|')(?P<d>\d)0'?s$")
_RELATIVE_CENTURY = re.compile(r"\b(?P<rel>this|last|next)\s+century\b")
_YEAR_IN_TEXT = re.compile(rf"\b{_YEAR}\b")
_SHORT_YEAR = re.compile(r"^'(?P<y>\d\d)$")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}\b")
_AFTERNOON = re.compile(r"\b(?:afternoon|evening|night|tonight)\b")
_RELATIVE_DAY = re.compile(
    r"\b(?:the day before yesterday|the day after tomorrow|today|tonight|yesterday|tomorrow|last night"
    r"|this (?:morning|afternoon|evening))\b"
)
_DAY_OFFSETS = {"the day before yesterday": -2, "yesterday": -1, "last night": -1, "tomorrow": 1,
                "the day after tomorrow": 2}
_RELATIVE_UNIT = re.compile(
    r"(?<!the )\b(?P<rel>this coming|this past|last|next|this|current)\s+"
    r"(?P<unit>week|weekend|month|quarter|year|decade)\b|^(?P<the>the)\s+weekend$"
)
_RANGE = re.compile(r"^(?P<a>.+?)\s*(?:\s(?:to|through|thru|until)\s|–|—|(?<=\d)-(?=\d))\s*(?P<b>.+)$")

# Words spaCy often leaves out of the entity they belong to: "this" + "year's",
# "Late Sunday" + "night" where only "night" is labelled. The grammar adds the
# weekdays the rules name.
_LEFT_OUT = ("this", "last", "next", "coming", "early", "late", "earlier", "later", "yesterday", "tomorrow")


# --- The grammar: tables and patterns built from the rules -----------------------


@dataclass(frozen=True)
class DateGrammar:
    """The word tables of one set of rules and the patterns built from them.

    Compiling is the costly part, so it happens once per set of rules
    (``from_rules``) and every document is read with the result; the
    functions below take it as ``g``.
    """

    months: Mapping[str, int]
    weekdays: Mapping[str, int]
    seasons: Mapping[str, str]
    named_days: Mapping[str, Mapping]
    numbers: Mapping[str, int]
    ordinals: Mapping[str, int]
    unit_forms: Mapping[str, str]  # singular and plural form -> unit
    future_auxiliaries: frozenset[str]
    future_governors: frozenset[str]
    left_out: frozenset[str]
    # Expressions without a calendar value
    recurring: re.Pattern
    durations: tuple[re.Pattern, ...]
    anaphoric: re.Pattern
    vague_phrase: re.Pattern
    vague_indefinite: re.Pattern
    definite: re.Pattern
    # Calendar expressions
    month_day: re.Pattern
    month_year: re.Pattern
    season_year: re.Pattern
    century: re.Pattern
    clock: re.Pattern
    ago: re.Pattern
    weekday_phrase: re.Pattern
    bare_month: re.Pattern
    bare_season: re.Pattern
    named_day: re.Pattern
    bare_part: re.Pattern

    @classmethod
    def from_rules(cls, rules: Mapping) -> DateGrammar:
        tables = _tables(rules)
        pieces = _Pieces.of(rules, tables)
        return cls(**tables, **_valueless_patterns(pieces), **_calendar_patterns(pieces))


def _read_only(table: Mapping) -> Mapping:
    """A copy no one can change: the rules may be a cached dict that others hold too."""
    return MappingProxyType(dict(table))


def _tables(rules: Mapping) -> dict:
    return {
        "months": _read_only(rules["months"]),
        "weekdays": _read_only(rules["weekdays"]),
        "seasons": _read_only(rules["seasons"]),
        # A list of records in the rules, not a table by name: names such as
        # "st. patrick's day" would be read as section paths in nlp.config.
        "named_days": _read_only({
            day["name"]: _read_only({k: v for k, v in day.items() if k != "name"}) for day in rules["named_days"]
        }),
        "numbers": _read_only(rules["number_words"]),
        "ordinals": _read_only(rules["ordinals"]),
        "unit_forms": _read_only({form: unit for unit in rules["units"] for form in (unit, _plural(unit))}),
        "future_auxiliaries": frozenset(rules["future_auxiliaries"]),
        "future_governors": frozenset(rules["future_governors"]),
        "left_out": frozenset([*_LEFT_OUT, *rules["weekdays"]]),
    }


class _Pieces(NamedTuple):
    """Regex sources made from the word lists, from which the patterns are assembled."""

    month: str
    weekday: str
    weekday_plural: str
    season: str
    part: str
    unit: str
    any_unit: str
    plural_unit: str
    number_word: str
    number: str
    quantity: str
    ordinal: str
    named_day: str
    recurring_word: str
    vague_phrase: str

    @classmethod
    def of(cls, rules: Mapping, tables: dict) -> _Pieces:
        number_word = _alternation(tables["numbers"])
        number = r"(?:\d+(?:\.\d+)?|" + number_word + r"(?:[- ]" + number_word + r")?)"
        return cls(
            month=r"(?P<month>" + _alternation(tables["months"]) + r")\.?",
            weekday=r"(?P<weekday>" + _alternation(tables["weekdays"]) + r")",
            weekday_plural="|".join(_plural(w) for w in tables["weekdays"]),
            season=r"(?P<season>" + _alternation(tables["seasons"]) + r")",
            part=_alternation(rules["parts_of_day"]),
            unit=r"(?P<unit>" + _alternation(tables["unit_forms"]) + r")",
            any_unit=_alternation([*tables["unit_forms"], *rules["parts_of_day"], *tables["seasons"]]),
            plural_unit=_alternation(_plural(unit) for unit in rules["units"]),
            number_word=number_word,
            number=number,
            quantity="(?:" + _alternation(rules["fuzzy_quantities"]) + "|" + number + ")",
            ordinal=_alternation(tables["ordinals"]),
            named_day=_alternation(tables["named_days"]),
            recurring_word=_alternation(rules["recurring_words"]),
            vague_phrase=_alternation(rules["vague_phrases"]),
        )


def _valueless_patterns(p: _Pieces) -> dict[str, re.Pattern | tuple[re.Pattern, ...]]:
    """Patterns that tell why an expression has no calendar value (``_without_value``, ``_leftover``)."""
    return {
        "recurring": re.compile(
            r"^(?:every|each)\b|\b(?:once|twice|\w+ times)\s+(?:a|an|per|every|each)\s"
            r"|^(?:" + p.weekday_plural + r")$|\b" + p.recurring_word + r"\b"
        ),
        "durations": (
            # "six months", "the past three days", "a 30-minute interview", "seven and a half years", "one to two years"
            re.compile(
                rf"^(?:{_DURATION_HEDGE}\s+)*(?:(?:{p.quantity}|{_DURATION_EXTRA})(?:\s+(?:to|or|and)\s+{p.number})?"
                rf"(?: and a half)?(?:[- ]plus)?[\s-]+)(?:(?:single|full|whole|extra|straight|consecutive|long)\s+)?"
                rf"{p.unit}(?: and a half)?(?:[- ]long)?$"
            ),
            # "years", "more hours"
            re.compile(rf"^(?:(?:more|just|only|mere|many|countless|long)\s+)?{p.plural_unit}$"),
            re.compile(rf"^(?:{_DURATION_HEDGE}\s+)*(?:{_DURATION_EXTRA}|half)(?:[\s-]+(?:an?\s+)?{p.unit})?$"),
            re.compile(r"^all\s+(?:day|night|week|month|year|season|summer|winter|spring|fall|weekend|morning|afternoon"
                       r"|evening)(?:\s+long)?$"),
            re.compile(r"^the\s+(?:past|last|next|coming)\s+(?:week|month|year|decade|century)$"),
        ),
        # A time fixed by another event of the story: "a month later", "that day", "the next morning".
        "anaphoric": re.compile(
            rf"^(?:{p.quantity})\s+{p.any_unit}\s+(?:later|earlier|before|after|afterwards?|prior|on|into)$"
            rf"|^(?:that|those|the same|the following|the previous|the preceding|the prior|the next|the very next)\b"
            rf"|^the\s+{p.any_unit}\s+(?:after|before)$|^(?:earlier|later)\s+in\s+the\s+\w+$|^day\s+\d+$"
        ),
        "vague_phrase": re.compile("^" + p.vague_phrase + "$"),
        "vague_indefinite": re.compile(rf"^(?:a|an|one)\s+(?:[\w'-]+\s+)*{p.any_unit}$"),
        "definite": re.compile(
            rf"^(?:(?:the|this|those|these|her|his|their|its|our|my|your|first)\s+(?:[\w'-]+\s+)*)?{p.any_unit}$"
        ),
    }


def _calendar_patterns(p: _Pieces) -> dict[str, re.Pattern]:
    """Patterns the resolvers read dates with."""
    return {
        "month_day": re.compile(
            rf"\b{p.month}\s+(?:the\s+)?{_DAY}\b(?:,?\s+{_YEAR})?"
            + "|" + rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{p.month}(?:,?\s+{_YEAR})?".replace("?P<", "?P<b_")
        ),
        "month_year": re.compile(rf"\b{p.month},?\s+(?:of\s+)?{_YEAR}\b"),
        "season_year": re.compile(rf"\b{p.season}\s+(?:of\s+)?{_YEAR}\b"),
        "century": re.compile(r"\b(?:the\s+)?(?P<n>\d{1,2}(?:st|nd|rd|th)|" + p.ordinal + r")[\s-]+century\b"),
        "clock": re.compile(
            r"\b(?P<h>[01]?\d)(?::(?P<m>[0-5]\d))?\s*(?P<ampm>[ap])\.?\s?m\b\.?"
            r"|\b(?P<h24>[0-2]?\d):(?P<m24>[0-5]\d)\b"
            r"|\b(?P<hw>" + p.number_word + r"|\d{1,2})\s+o'clock\b"
            r"|\b(?P<noon>noon|midday|midnight)\b"
        ),
        "ago": re.compile(rf"^(?P<n>{p.number})\s+{p.unit}\s+(?P<dir>ago|from now|hence)$"),
        "weekday_phrase": re.compile(rf"\b{_RELATION}{p.weekday}\b(?:\s+of\s+(?P<week>last|next|this)\s+week)?"),
        "bare_month": re.compile(rf"\b{_RELATION}{p.month}(?:\b|$)"),
        "bare_season": re.compile(rf"\b{_RELATION}{p.season}\b"),
        "named_day": re.compile(rf"\b{_RELATION}(?P<name>" + p.named_day + r")(?=\W|$)"),
        "bare_part": re.compile(rf"^{p.part}$"),
    }


# An upcoming date this close to the anchor is preferred to the past one when
# the sentence has no tense: news looks a few months ahead (debates, election
# day, "takes office on Jan. 20") far more than it looks almost a year back.
_FORWARD_WINDOW = timedelta(days=120)
_FORMATS = {"day": "%Y-%m-%d", "week": "%G-W%V", "weekend": "%G-W%V-WE", "month": "%Y-%m", "year": "%Y",
            "time": "%Y-%m-%dT%H:%M"}
_UNANCHORED: Reading = (None, "unanchored")


def _fmt(granularity: str, when: date | datetime) -> Reading:
    return when.strftime(_FORMATS[granularity]), granularity


@lru_cache(maxsize=1)
def _parser() -> DateDataParser:
    return DateDataParser(languages=["en"], settings={"PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": True})


_FULL_DATE = re.compile(
    r"\b(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d\d"
    r"|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?:19|20)\d\d"
    r"|(?:19|20)\d\d-\d\d-\d\d)\b"
)
_ANCHOR_PARAGRAPHS = 3


def find_anchor(text: str, paragraph_starts: list[int]) -> date | None:
    """The first full date (day, month and year) in the article's first paragraphs."""
    limit = paragraph_starts[_ANCHOR_PARAGRAPHS] if len(paragraph_starts) > _ANCHOR_PARAGRAPHS else len(text)
    match = _FULL_DATE.search(text, 0, limit)
    if match is None:
        return None
    data = _parser().get_date_data(match.group(0))
    return data.date_obj.date() if data and data.date_obj else None


# --- Choosing the occurrence of a date that recurs every year ---------------


def _pick(occurrence: Callable[[int], tuple[date, date] | None], anchor: date, tense: str | None,
          relation: str | None = None) -> tuple[date, date] | None:
    """The occurrence (first and last day) of a yearly date meant relative to ``anchor``.

    "last" is the latest one over before the anchor, "next" the first one
    starting after it; otherwise a past sentence means the latest one begun
    by the anchor, a future sentence the first one not over by then, and a
    sentence without tense the one around the anchor, else the past one
    unless the next one is within the forward window.
    """
    spans = [s for y in range(anchor.year - 5, anchor.year + 6) if (s := occurrence(y)) is not None]
    before = [s for s in spans if s[0] <= anchor]
    after = [s for s in spans if s[1] >= anchor]
    if relation in ("last", "this past"):
        return max((s for s in spans if s[1] < anchor), default=None)
    if relation in ("next", "this coming", "coming"):
        return min((s for s in spans if s[0] > anchor), default=None)
    if tense == "past":
        return max(before, default=None)
    if tense == "future":
        return min(after, default=None)
    current = [s for s in before if s[1] >= anchor]
    upcoming = [s for s in after if s[0] > anchor and s[0] - anchor <= _FORWARD_WINDOW]
    return (current or upcoming or [max(before, default=None)])[0]


def _month_day(month: int, day: int) -> Callable[[int], tuple[date, date] | None]:
    def occurrence(year: int):
        try:
            return date(year, month, day), date(year, month, day)
        except ValueError:  # 29 February in a common year, 31 April
            return None

    return occurrence


def _month_span(year: int, month: int) -> tuple[date, date]:
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, 1), following - timedelta(days=1)


# First and last month; a winter runs on to February of the next year (month 14).
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


def _season_span(year: int, code: str) -> tuple[date, date]:
    first, last = _SEASON_MONTHS[code]
    return _month_span(year, first)[0], _month_span(year + (last - 1) // 12, (last - 1) % 12 + 1)[1]


def _easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    n = h + weekday - 7 * ((a + 11 * h + 22 * weekday) // 451) + 114
    return date(year, n // 31, n % 31 + 1)


def _named_day(rule: dict, year: int) -> date | None:
    """The date in ``year`` of a named day's rule (``named_days`` in the rules), if it falls in that year."""
    if rule.get("year", year) != year or year % rule.get("every", 1) != rule.get("remainder", 0):
        return None
    if "easter" in rule:
        return _easter(year) + timedelta(days=rule["easter"])
    if "weekday" in rule:
        first = date(year, rule["month"], rule["from_day"])
        return first + timedelta(days=(rule["weekday"] - first.weekday()) % 7)
    return date(year, rule["month"], rule["day"])


def _single_day(day: date | None) -> tuple[date, date] | None:
    return (day, day) if day else None


# --- Categories without a value ----------------------------------------------


def _without_value(g: DateGrammar, core: str, whole: str) -> str | None:
    """Why an expression has no calendar value, when the text alone says so."""
    if _AGE.search(whole):
        return "age"
    if g.recurring.search(core):
        return "recurring"
    if any(p.match(core) for p in g.durations):
        return "duration"
    if any(p.match(core) for p in (_VAGUE_PLURAL, _VAGUE_SOME, g.vague_phrase)) or g.vague_phrase.match(whole):
        return "vague"
    if g.anaphoric.search(core):
        return "anaphoric"
    return None


def _leftover(g: DateGrammar, core: str) -> str:
    """The category of an expression that no rule resolved."""
    if _VAGUE_AGO.search(core) or g.vague_indefinite.match(core):
        return "vague"
    if g.definite.match(core):
        return "anaphoric"
    return "unresolved"


# --- Resolvers: each reads one kind of expression, or returns None ----------


def _number(g: DateGrammar, text: str) -> int | None:
    if text.isdigit():
        return int(text)
    parts = [g.numbers.get(p) for p in re.split(r"[- ]", text)]
    return sum(parts) if parts and None not in parts else None


def _absolute_day(g: DateGrammar, core: str) -> date | None:
    """A date written out in full: "July 6, 2011", "2011-07-06", "7/6/2011"."""
    for pattern in (_ISO, _US_NUMERIC):
        match = pattern.search(core)
        if match:
            try:
                return date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                return None
    match = g.month_day.search(core)
    if match and (match["year"] or match["b_year"]):
        fields = _month_day_fields(g, match)
        try:
            return date(fields[2], fields[0], fields[1])
        except ValueError:
            return None
    return None


def _month_day_fields(g: DateGrammar, match: re.Match) -> tuple[int, int, int | None]:
    """(month, day, year or None) of a ``month_day`` match, in either word order."""
    if match["month"]:
        month, day, year = match["month"], match["day"], match["year"]
    else:
        month, day, year = match["b_month"], match["b_day"], match["b_year"]
    return g.months[month], int(day), int(year) if year else None


def _resolve_month_day(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    """ "Nov. 8", "the 16th of June": a day of a month, the year from the anchor.

    A weekday written beside it ("Sunday, Sept. 11") picks the year in which
    the date falls on that weekday."""
    match = g.month_day.search(core)
    if match is None:
        return None
    month, day, year = _month_day_fields(g, match)
    if year is not None:
        return None  # a full date: _resolve_absolute
    if anchor is None:
        return _UNANCHORED
    weekday = g.weekday_phrase.search(core)
    occurrence = _month_day(month, day)
    if weekday:
        wanted = g.weekdays[weekday["weekday"]]
        near = sorted(
            (abs((s[0] - anchor).days), s[0]) for y in range(anchor.year - 6, anchor.year + 7)
            if (s := occurrence(y)) and s[0].weekday() == wanted
        )
        if near:
            return _fmt("day", near[0][1])
    relation = month["rel"] if (month := g.bare_month.search(core)) else None
    chosen = _pick(occurrence, anchor, cues.tense, relation)
    return _fmt("day", chosen[0]) if chosen else None


def _resolve_absolute(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    day = _absolute_day(g, core)
    if day is not None:
        return _fmt("day", day)
    match = g.month_year.search(core)
    if match:
        return f"{match['year']}-{g.months[match['month']]:02d}", "month"
    match = g.season_year.search(core)
    if match:
        return f"{match['year']}-{g.seasons[match['season']]}", "season"
    return None


def _resolve_quarter(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    match = _QUARTER.search(core)
    if match is None:
        return None
    n = int(match["n"]) if match["n"] else g.ordinals.get(match["ord"]) or int(match["ord"][0])
    if match["year"]:
        return f"{match['year']}-Q{n}", "quarter"
    if anchor is None:
        return _UNANCHORED
    chosen = _pick(lambda y: (_month_span(y, 3 * n - 2)[0], _month_span(y, 3 * n)[1]), anchor, cues.tense)
    return (f"{chosen[0].year}-Q{n}", "quarter") if chosen else None


def _resolve_named_day(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    """Election Day, Christmas, Labor Day... (``named_days`` in the rules)."""
    match = g.named_day.search(core)
    if match is None:
        return None
    rule = g.named_days[match["name"]]
    year = _YEAR_IN_TEXT.search(core)
    if year:
        day = _named_day(rule, int(year["year"]))
        return _fmt("day", day) if day else None
    if "year" in rule:
        return _fmt("day", _named_day(rule, rule["year"]))
    if anchor is None:
        return _UNANCHORED
    chosen = _pick(lambda y: _single_day(_named_day(rule, y)), anchor, cues.tense, match["rel"])
    return _fmt("day", chosen[0]) if chosen else None


def _resolve_range(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    """ "Sept. 19 to 22", "1995 to 1997", "midnight to 6 a.m." as start/end."""
    if _ISO.search(core) or _NUMERIC_DATE.search(core):
        return None
    match = _RANGE.match(core)
    if match is None:
        return None
    start = _resolve(g, match["a"], anchor, cues)
    if start is None or start[0] is None:
        return None
    end_text = match["b"]
    if end_text.isdigit() and start[1] == "day" and 1 <= int(end_text) <= 31:
        end_text = f"{start[0][:8]}{int(end_text):02d}"
    elif end_text.isdigit() and start[1] == "year" and len(end_text) == 2:
        end_text = start[0][:2] + end_text
    end = _resolve(g, end_text, anchor, cues)
    # Both ends at one granularity, in order: "Monday to Friday" written on a Wednesday is no range read here.
    if end is None or end[0] is None or end[1] != start[1] or end[0] < start[0]:
        return None
    return f"{start[0]}/{end[0]}", start[1]


def _resolve_decade(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    match = _DECADE.match(core)
    if match:
        return f"{match['c']}{match['d']}X", "decade"
    match = _SHORT_DECADE.match(core)
    if match is None:
        return None
    if anchor is None:
        return _UNANCHORED
    # "the '80s": the latest such decade begun by the anchor's year.
    century = anchor.year // 100 - (int(match["d"]) * 10 > anchor.year % 100)
    return f"{century}{match['d']}X", "decade"


def _resolve_century(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    match = g.century.search(core)
    if match:
        n = g.ordinals.get(match["n"]) or int(re.match(r"\d+", match["n"]).group())
        return f"{n - 1:02d}XX", "century"
    match = _RELATIVE_CENTURY.search(core)
    if match is None:
        return None
    if anchor is None:
        return _UNANCHORED
    shift = {"this": 0, "last": -1, "next": 1}[match["rel"]]
    return f"{anchor.year // 100 + shift:02d}XX", "century"


def _resolve_dateparser(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    """Numeric dates in other orders ("12.09.2016"), trusted only when the year read is the one written."""
    match = _NUMERIC_DATE.search(core)
    if match is None:
        return None
    data = _parser().get_date_data(match.group(0))
    if data is None or data.date_obj is None or str(data.date_obj.year) not in match.group(0):
        return None
    return _fmt("day", data.date_obj.date())


def _resolve_year(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    match = _YEAR_IN_TEXT.search(core)
    if match:
        return match["year"], "year"
    match = _SHORT_YEAR.match(core)
    if match is None:
        return None
    if anchor is None:
        return _UNANCHORED
    # "'08": the latest such year up to ten years after the anchor.
    year = (anchor.year + 10) // 100 * 100 + int(match["y"])
    return str(year if year <= anchor.year + 10 else year - 100), "year"


def _resolve_clock(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    """A clock time, on the day its own words name, else the day its sentence names, else the anchor's."""
    match = g.clock.search(core)
    if match is None:
        return None
    rest = (core[: match.start()] + " " + core[match.end():]).strip()
    if match["noon"]:
        hour, minute = (0 if match["noon"] == "midnight" else 12), 0
    elif match["h24"]:
        hour, minute = int(match["h24"]), int(match["m24"])
    else:
        hour, minute = _number(g, match["h"] or match["hw"]) or 0, int(match["m"] or 0)
        afternoon = match["ampm"] == "p" if match["ampm"] else bool(_AFTERNOON.search(rest))
        hour = hour % 12 + (12 if afternoon else 0)
    if hour > 23:
        return None
    own = _resolve(g, rest, anchor, cues) if rest else None
    if own and own[1] == "day":
        day = date.fromisoformat(own[0])
    else:
        day = cues.sentence_day or anchor
    if day is None:
        return _UNANCHORED
    return _fmt("time", datetime(day.year, day.month, day.day, hour, minute))


def _resolve_relative_day(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    """ "today", "tonight", "yesterday", "last night", "this morning"."""
    match = _RELATIVE_DAY.search(core)
    if match is None:
        return None
    if anchor is None:
        return _UNANCHORED
    return _fmt("day", anchor + timedelta(days=_DAY_OFFSETS.get(match.group(0), 0)))


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _resolve_ago(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    """ "three months ago", "22 years ago", "two weeks from now"."""
    match = g.ago.match(core)
    if match is None or g.unit_forms[match["unit"]] not in ("day", "week", "month", "year", "decade"):
        return None
    n = _number(g, match["n"])
    if n is None:
        return None
    if anchor is None:
        return _UNANCHORED
    n = -n if match["dir"] == "ago" else n
    unit = g.unit_forms[match["unit"]]
    if unit in ("day", "week"):
        return _fmt(unit, anchor + timedelta(days=n * (7 if unit == "week" else 1)))
    months = n * {"month": 1, "year": 12, "decade": 120}[unit]
    return _fmt("month" if unit == "month" else "year", _shift_months(anchor, months))


def _resolve_relative_unit(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    """ "last week", "this month", "next year", "this past weekend", "earlier this year"."""
    match = _RELATIVE_UNIT.search(core)
    if match is None:
        return None
    if anchor is None:
        return _UNANCHORED
    if match["the"]:  # "over the weekend": as "this weekend"
        return _fmt("weekend", _weekend(anchor, "this", cues.tense))
    rel, unit = match["rel"], match["unit"]
    shift = {"last": -1, "next": 1, "this coming": 1}.get(rel, 0)
    if unit == "week" and rel == "this past":
        # The seven days up to the anchor: the ISO week holding most of them.
        return _fmt("week", anchor - timedelta(days=3))
    if unit == "weekend":
        return _fmt("weekend", _weekend(anchor, rel, cues.tense))
    if unit == "week":
        return _fmt("week", anchor + timedelta(weeks=shift))
    if unit == "month":
        return _fmt("month", _shift_months(anchor, shift))
    if unit == "quarter":
        index = anchor.year * 4 + (anchor.month - 1) // 3 + shift
        return f"{index // 4}-Q{index % 4 + 1}", "quarter"
    if unit == "decade":
        return f"{anchor.year // 10 + shift}X", "decade"
    return str(anchor.year + shift), "year"


def _weekend(anchor: date, relation: str | None, tense: str | None) -> date:
    """A day in the weekend meant. On a weekday "this weekend" and "this past weekend"
    are the one before, as a weekday is, unless the sentence speaks of the future;
    on a Saturday or Sunday they are the one under way. "last" is the one before."""
    saturday = anchor + timedelta(days=5 - anchor.weekday())  # of the anchor's ISO week
    previous = saturday - timedelta(weeks=1)
    if relation == "next":
        return saturday + timedelta(weeks=1)
    if relation == "last" or (relation == "this past" and anchor.weekday() < 5):
        return previous
    if relation in (None, "this") and tense != "future" and anchor.weekday() < 5:
        return previous
    return saturday


def _resolve_weekday(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    """A weekday: in the week up to the anchor, or the week after it when the sentence
    speaks of the future; "last" and "next" exclude the anchor's own day."""
    match = g.weekday_phrase.search(core)
    if match is None:
        return None
    if anchor is None:
        return _UNANCHORED
    wanted = g.weekdays[match["weekday"]]
    if match["week"]:
        shift = {"last": -1, "next": 1, "this": 0}[match["week"]]
        return _fmt("day", anchor + timedelta(days=wanted - anchor.weekday(), weeks=shift))
    back = (anchor.weekday() - wanted) % 7
    ahead = (wanted - anchor.weekday()) % 7
    relation = match["rel"]
    if relation in ("last", "this past"):
        return _fmt("day", anchor - timedelta(days=back or 7))
    if relation == "next":
        return _fmt("day", anchor + timedelta(days=ahead or 7))
    if relation in ("this coming", "coming") or cues.tense == "future":
        return _fmt("day", anchor + timedelta(days=ahead))
    return _fmt("day", anchor - timedelta(days=back))


def _resolve_month(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    """A month without a day: "in September", "last December", "March of next year"."""
    match = g.bare_month.search(core)
    if match is None:
        return None
    if anchor is None:
        return _UNANCHORED
    month = g.months[match["month"]]
    chosen = _pick(lambda y: _month_span(y, month), anchor, cues.tense, match["rel"])
    return _fmt("month", chosen[0]) if chosen else None


def _resolve_season(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    match = g.bare_season.search(core)
    if match is None:
        return None
    if anchor is None:
        return _UNANCHORED
    code = g.seasons[match["season"]]
    chosen = _pick(lambda y: _season_span(y, code), anchor, cues.tense, match["rel"])
    return (f"{chosen[0].year}-{code}", "season") if chosen else None


def _resolve_part_of_day(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    """ "night" right after "Monday" (spaCy often splits "Monday night"): that Monday."""
    if g.bare_part.match(core) and cues.day_before is not None:
        return _fmt("day", cues.day_before)
    return None


def _with_relative_year(g: DateGrammar, core: str, anchor: date | None) -> str | None:
    """ "June 16th of last year" -> "june 16th 2015"; None when there is no anchor to count from."""
    match = _RELATIVE_YEAR.search(core)
    if match is None or not (g.month_day.search(core) or g.bare_month.search(core) or g.bare_season.search(core)
                             or _QUARTER.search(core)):
        return core
    if anchor is None:
        return None
    year = anchor.year + {"last": -1, "this": 0, "next": 1}[match["rel"]]
    return f"{core[: match.start()]} {year}{core[match.end():]}".strip()


# In order: ranges before the single dates they contain, full dates before
# partial ones ("9/11/2016" is no 9/11), named days before month names ("the
# fourth of july"), a weekday after a month and day that it only confirms
# ("Sunday's Sept. 11"). All take the grammar, whether they use it or not, so
# that the chain can call them alike.
_RESOLVERS = (
    _resolve_range, _resolve_absolute, _resolve_named_day, _resolve_month_day, _resolve_quarter,
    _resolve_decade, _resolve_century, _resolve_dateparser, _resolve_clock, _resolve_year,
    _resolve_relative_day, _resolve_ago, _resolve_weekday, _resolve_relative_unit, _resolve_month,
    _resolve_season, _resolve_part_of_day,
)


def _resolve(g: DateGrammar, core: str, anchor: date | None, cues: Cues) -> Reading | None:
    absolute = _with_relative_year(g, core, anchor)
    if absolute is None:
        return _UNANCHORED
    for resolver in _RESOLVERS:
        reading = resolver(g, absolute, anchor, cues)
        if reading is not None:
            return reading
    return None


# --- One expression ------------------------------------------------------------


def _clean(text: str) -> str:
    """Lower case, plain apostrophes, no link or trailing punctuation; a possessive's
    "of" phrase belongs to the next noun ("Monday of last week's shooting")."""
    text = text.replace("’", "'").replace("‘", "'").replace("\u00a0", " ")
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"\s+", " ", text).strip().lower().rstrip(".,;:!?)")
    if re.search(r"'s?$", text) and not re.search(r"\d0'?s$", text):  # "the 1980's" is a decade
        text = re.sub(r"'s?$", "", text)
        if " of " in text:
            text = text[: text.index(" of ")]
    while (stripped := _LEADING.sub("", text, count=1)) != text:
        text = stripped
    return text


def _split_qualifier(text: str) -> tuple[str | None, str]:
    """ "early September" -> ("early", "september"); "the end of June" -> ("late", "june")."""
    match = _QUALIFIER_OF.match(text) or _QUALIFIER.match(text)
    if match is None:
        return None, text
    word = match["q"]
    rest = text[match.end():]
    if match.re is _QUALIFIER_OF:
        # "the end of the year" is the end of this year.
        rest = re.sub(r"^the (?=(?:week|month|quarter|year|decade|century)$)", "this ", rest)
    return _QUALIFIER_NAMES.get(word, word), (match.groupdict().get("det") or "") + rest


# --- Reading the sentence --------------------------------------------------------

def _governing_verb(span: Span) -> Token | None:
    """The verb right before the date ("said Monday", "said on Monday"), which the
    parser often attaches to the quotation instead; else the first verb up the parse."""
    before = span.start - 1 - (span.start > 1 and span.doc[span.start - 1].lower_ == "on")
    if before >= 0 and span.doc[before].pos_ == "VERB":
        return span.doc[before]
    token = span.root
    while token.head.i != token.i:
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return token
    return None


def _is_future(g: DateGrammar, verb: Token) -> bool:
    """ "will/shall/'ll meet", "is going to meet", "is scheduled/expected/set to meet", "is to meet"."""
    if any(a.lower_.replace("’", "'") in g.future_auxiliaries for a in _auxiliaries(verb)):
        return True
    if verb.lemma_ in g.future_governors and verb.tag_ == "VBN":  # "the debate, scheduled for Monday"
        return True
    if verb.dep_ == "xcomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        head = verb.head
        going = head.lemma_ == "go" and head.tag_ == "VBG"
        return going or head.lemma_ in g.future_governors or head.lemma_ == "be" or _is_future(g, head)
    return False


def _is_past(verb: Token) -> bool:
    """A past or perfect verb: "said", "has said", "was released", "the report released Monday"."""
    aux = _auxiliaries(verb)
    if any(a.tag_ == "VBD" or a.lemma_ == "have" for a in aux):
        return True
    if aux:
        return False  # "is meeting", "does meet", "would run"
    return verb.tag_ in ("VBD", "VBN")


def _auxiliaries(verb: Token) -> list[Token]:
    """The verb's auxiliaries. A verb without tense of its own that hangs off another
    shares the other's ("would assume office ..., run ... and serve")."""
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if not aux and verb.tag_ in ("VB", "VBN", "VBG") and verb.dep_ in ("conj", "advcl", "dep"):
        aux = [c for c in verb.head.children if c.dep_ in ("aux", "auxpass")]
    return aux


def _with_left_out(left_out: frozenset[str], doc: Doc, ent: Span, text: str) -> str:
    """The text to read: the entity with the unlabelled date words right before it."""
    start = ent.start
    while start > 0 and doc[start - 1].lower_ in left_out and not doc[start - 1].ent_type_:
        start -= 1
    return " ".join([t.text for t in doc[start : ent.start]] + [text])


def _day_of(value: str | None, granularity: str) -> date | None:
    return date.fromisoformat(value) if granularity == "day" and "/" not in value else None


# --- The reader ------------------------------------------------------------------


class DateReader:
    """Finds and normalises the dates of parsed documents under one set of rules
    (shaped like ``default_rules()``), compiled when the reader is made."""

    def __init__(self, rules: Mapping):
        self.grammar = DateGrammar.from_rules(rules)

    def read(self, doc: Doc, anchor: date | None, sentence_of_char: Callable[[int], int]) -> list[DateMention]:
        """Every DATE and TIME entity of ``doc``, resolved against ``anchor`` (None when the article has no date)."""
        entities = list(labelled_entities(doc, DATE_LABELS))
        texts = [_with_left_out(self.grammar.left_out, doc, ent, text) for ent, _, _, text in entities]
        cues = [Cues(tense=self.sentence_tense(ent)) for ent, *_ in entities]
        readings = [self.normalise(text, anchor, c) for text, c in zip(texts, cues)]
        sentences = [sentence_of_char(start) for _, start, _, _ in entities]
        days = [_day_of(value, granularity) for value, granularity, _ in readings]
        found = []
        for i, (ent, start, end, text) in enumerate(entities):
            # A clock time or "night" takes its day from a date beside it or in its sentence.
            previous = entities[i - 1][0] if i else None
            adjacent = previous is not None and all(t.lower_ in ("'s", "’s") for t in doc[previous.end : ent.start])
            near = [days[j] for j in sorted(range(len(entities)), key=lambda j: abs(j - i))
                    if j != i and sentences[j] == sentences[i] and days[j] is not None]
            day_before = days[i - 1] if adjacent else None
            if readings[i][1] in ("time", "anaphoric") and (day_before or near):
                context = Cues(cues[i].tense, day_before, near[0] if near else None)
                readings[i] = self.normalise(texts[i], anchor, context)
            value, granularity, qualifier = readings[i]
            found.append(DateMention(start, end, text, ent.label_.lower(), value, granularity, qualifier, sentences[i]))
        return found

    def normalise(self, text: str, anchor: date | None, cues: Cues = Cues()) -> tuple[str | None, str, str | None]:
        """``(value, granularity, qualifier)`` of one expression."""
        whole = _clean(text)
        qualifier, core = _split_qualifier(whole)
        reason = _without_value(self.grammar, core, whole)
        if reason is not None:
            return None, reason, qualifier
        try:
            reading = _resolve(self.grammar, core, anchor, cues)
        except (ValueError, OverflowError):  # "5000 years ago": before the calendar datetime knows
            return None, "vague", qualifier
        if reading is None:
            return None, _leftover(self.grammar, core), qualifier
        return reading[0], reading[1], qualifier

    def sentence_tense(self, span: Span) -> str | None:
        """ "future", "past" or None, from the verb that governs ``span``."""
        if span.root.head.lower_ == "since" or (span.start and span.doc[span.start - 1].lower_ == "since"):
            return "past"
        verb = _governing_verb(span)
        if verb is None:
            return None
        if _is_future(self.grammar, verb):
            return "future"
        return "past" if _is_past(verb) else None
