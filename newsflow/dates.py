"""Temporal expressions, normalised against the article's own date when it has one.

spaCy finds DATE and TIME expressions; dateparser reads them. A relative or
partial date ("last week", "in early September") has a value only when the
article carries a full date to anchor it to (a dateline in its first
paragraphs); otherwise its text is kept and its value left empty, never
guessed from the machine's clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from dateparser.date import DateDataParser
from spacy.tokens import Doc

from newsflow.nlp import labelled_entities

DATE_LABELS = {"DATE", "TIME"}
_QUALIFIER = re.compile(r"^(?:the\s+|in\s+)?(?P<q>early|mid|middle of|late|end of|beginning of|start of)[\s-]+", re.IGNORECASE)
_HAS_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_DECADE = re.compile(r"^(?:the\s+)?(1[5-9]|20)(\d)0s$", re.IGNORECASE)
# "six months", "more than a decade": a length of time, not a point in time.
_DURATION = re.compile(
    r"^(?:about |nearly |almost |more than |over |at least |the past |the last |the next )?"
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several|many|a couple of)\s+"
    r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centuries)$",
    re.IGNORECASE,
)
_FULL_DATE = re.compile(
    r"\b(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d\d"
    r"|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?:19|20)\d\d"
    r"|(?:19|20)\d\d-\d\d-\d\d)\b"
)
_ANCHOR_PARAGRAPHS = 3
_FORMAT_BY_PERIOD = {"day": "%Y-%m-%d", "week": "%Y-W%V", "month": "%Y-%m", "year": "%Y", "time": "%Y-%m-%dT%H:%M"}


@dataclass
class DateMention:
    start: int
    end: int
    text: str
    kind: str
    value: str | None
    granularity: str | None
    qualifier: str | None
    sentence: int


@lru_cache(maxsize=64)
def _parser(anchor: date | None) -> DateDataParser:
    settings = {"PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": True, "STRICT_PARSING": False}
    if anchor is not None:
        settings["RELATIVE_BASE"] = datetime(anchor.year, anchor.month, anchor.day)
    return DateDataParser(languages=["en"], settings=settings)


def find_anchor(text: str, paragraph_starts: list[int]) -> date | None:
    """The first full date (day, month and year) in the article's first paragraphs."""
    limit = paragraph_starts[_ANCHOR_PARAGRAPHS] if len(paragraph_starts) > _ANCHOR_PARAGRAPHS else len(text)
    match = _FULL_DATE.search(text, 0, limit)
    if match is None:
        return None
    data = _parser(None).get_date_data(match.group(0))
    return data.date_obj.date() if data and data.date_obj else None


def normalise(text: str, anchor: date | None) -> tuple[str | None, str | None, str | None]:
    """``(value, granularity, qualifier)`` of one expression."""
    qualifier = None
    core = text
    match = _QUALIFIER.match(core)
    if match:
        qualifier = match.group("q").lower().split()[0]
        qualifier = {"middle": "mid", "beginning": "early", "start": "early", "end": "late"}.get(qualifier, qualifier)
        core = core[match.end():]
    decade = _DECADE.match(core.strip())
    if decade:
        return f"{decade.group(1)}{decade.group(2)}X", "decade", qualifier
    if _DURATION.match(core.strip()):
        return None, "duration", qualifier
    if anchor is None and not _HAS_YEAR.search(core):
        return None, None, qualifier  # relative or partial: nothing to anchor it to
    data = _parser(anchor).get_date_data(core)
    if data is None or data.date_obj is None:
        return None, None, qualifier
    # dateparser also says "part_of_day" ("Monday night"): a day for our purposes.
    period = data.period if data.period in _FORMAT_BY_PERIOD else "day"
    return data.date_obj.strftime(_FORMAT_BY_PERIOD[period]), period, qualifier


def extract_dates(doc: Doc, anchor: date | None, sentence_of_char) -> list[DateMention]:
    found = []
    for ent, start, end, text in labelled_entities(doc, DATE_LABELS):
        value, granularity, qualifier = normalise(text, anchor)
        found.append(
            DateMention(
                start=start,
                end=end,
                text=text,
                kind=ent.label_.lower(),
                value=value,
                granularity=granularity,
                qualifier=qualifier,
                sentence=sentence_of_char(start),
            )
        )
    return found
