"""Date normalisation: rules against an anchor date, with the tense read from the parse.

Expected values are worked out by hand from a calendar. ANCHOR, 12 September
2016, is a Monday in ISO week 37; the weekend before it is 10-11 September.
"""

from __future__ import annotations

import bisect
from datetime import date

import pytest

from newsflow.config import Settings
from newsflow.dates import Cues, DateReader, default_rules, find_anchor
from newsflow.nlp import load_model
from newsflow.schemas import GRANULARITIES

ANCHOR = date(2016, 9, 12)
PAST, FUTURE = Cues(tense="past"), Cues(tense="future")
READER = DateReader(default_rules())


@pytest.mark.parametrize(
    "text, cues, expected",
    [
        # A weekday is in the week up to the anchor, the anchor's own weekday being that day...
        ("Sunday", Cues(), "2016-09-11"),
        ("on Monday", Cues(), "2016-09-12"),
        ("Tuesday night", PAST, "2016-09-06"),
        # ... or in the week after it when the sentence speaks of the future.
        ("Tuesday night", FUTURE, "2016-09-13"),
        ("Sunday", FUTURE, "2016-09-18"),
        ("Monday", FUTURE, "2016-09-12"),
        ("last Monday", Cues(), "2016-09-05"),
        ("next Monday", Cues(), "2016-09-19"),
        ("this coming Friday", Cues(), "2016-09-16"),
        ("Monday of last week", Cues(), "2016-09-05"),
        ("early Friday", Cues(), "2016-09-09"),
        ("midnight Friday", Cues(), "2016-09-09T00:00"),
        # A month and day: the past occurrence, the future one in a future sentence,
        # and without tense the next one when it is a few months away at most.
        ("Nov. 8", PAST, "2015-11-08"),
        ("Nov. 8", Cues(), "2016-11-08"),
        ("Sept. 30", FUTURE, "2016-09-30"),
        ("Feb. 13", Cues(), "2016-02-13"),
        ("Feb. 13", FUTURE, "2017-02-13"),
        ("Sunday's Sept. 11", Cues(), "2016-09-11"),  # 11 September 2016 was a Sunday
        ("June 16th of last year", Cues(), "2015-06-16"),
        ("between January 1", PAST, "2016-01-01"),
        # A month without a day, on the same rule.
        ("in September", PAST, "2016-09"),
        ("November", PAST, "2015-11"),
        ("in November", FUTURE, "2016-11"),
        ("November", Cues(), "2016-11"),
        ("July", Cues(), "2016-07"),
        ("last December", Cues(), "2015-12"),
        ("March of next year", Cues(), "2017-03"),
        # Relative to the anchor's day, week, month and year.
        ("yesterday", Cues(), "2016-09-11"),
        ("today", Cues(), "2016-09-12"),
        ("tonight", Cues(), "2016-09-12"),
        ("this morning", Cues(), "2016-09-12"),
        ("last night", Cues(), "2016-09-11"),
        ("tomorrow night", Cues(), "2016-09-13"),
        ("this week", Cues(), "2016-W37"),
        ("Last week", Cues(), "2016-W36"),
        ("next week", Cues(), "2016-W38"),
        ("this past week", Cues(), "2016-W36"),
        ("last month", Cues(), "2016-08"),
        ("later this month", Cues(), "2016-09"),
        ("the end of this month", Cues(), "2016-09"),
        ("last year's", Cues(), "2015"),
        ("earlier this year", Cues(), "2016"),
        ("the end of the year", Cues(), "2016"),
        ("this fall", Cues(), "2016-FA"),
        ("this winter", Cues(), "2016-WI"),  # December 2016 to February 2017
        ("the summer", PAST, "2016-SU"),
        ("three months ago", Cues(), "2016-06"),
        ("two weeks ago", Cues(), "2016-W35"),
        ("Twenty-two years ago", Cues(), "1994"),
        ("the '80s", Cues(), "198X"),
        ("this century", Cues(), "20XX"),
        ("the third quarter", Cues(), "2016-Q3"),
        # A weekend on a weekday is the one before, unless the sentence speaks of the future.
        ("this weekend", Cues(), "2016-W36-WE"),
        ("this weekend", FUTURE, "2016-W37-WE"),
        ("this past weekend", Cues(), "2016-W36-WE"),
        ("next weekend", Cues(), "2016-W38-WE"),
        # Named days, from the rules in lexicons/dates.json.
        ("Election Day", Cues(), "2016-11-08"),  # the Tuesday after the first Monday of November
        ("Labor Day", Cues(), "2016-09-05"),  # the first Monday of September
        ("Thanksgiving", Cues(), "2016-11-24"),  # the fourth Thursday of November
        ("Memorial Day", PAST, "2016-05-30"),  # the last Monday of May
        ("the Fourth of July", Cues(), "2016-07-04"),
        ("Independence Day", FUTURE, "2017-07-04"),
        ("Christmas", PAST, "2015-12-25"),
        ("Christmas", Cues(), "2016-12-25"),
        ("New Year's Day", Cues(), "2017-01-01"),
        ("last Christmas", Cues(), "2015-12-25"),
        ("Thanksgiving 2017", Cues(), "2017-11-23"),
        ("Election Day 2020", Cues(), "2020-11-03"),
        ("Easter 2019", Cues(), "2019-04-21"),
        ("9/11", Cues(), "2001-09-11"),
        # Clock times fall on the anchor's day unless their words name another.
        ("10:40 a.m.", Cues(), "2016-09-12T10:40"),
        ("6 o'clock this afternoon", Cues(), "2016-09-12T18:00"),
        ("9 p.m. E.T.", Cues(sentence_day=date(2016, 9, 13)), "2016-09-13T21:00"),
        # Ranges are ISO 8601 intervals.
        ("Sept. 19 to 22", Cues(), "2016-09-19/2016-09-22"),
        ("September 16-19", PAST, "2015-09-16/2015-09-19"),
        ("1995 to 1997", Cues(), "1995/1997"),
        # A part of the day spaCy labels apart from its weekday takes that day.
        ("night", Cues(day_before=date(2016, 9, 10)), "2016-09-10"),
    ],
)
def test_relative_dates_resolve_against_the_anchor(text, cues, expected):
    assert READER.normalise(text, ANCHOR, cues)[0] == expected


@pytest.mark.parametrize(
    "text, anchor, expected",
    [
        ("mid-August", date(2021, 11, 5), ("2021-08", "month", "mid")),
        ("in early September", date(2021, 11, 5), ("2021-09", "month", "early")),
        ("Last week", date(2021, 11, 5), ("2021-W43", "week", None)),
        ("Monday night", date(2016, 3, 15), ("2016-03-14", "day", None)),
        ("Late Saturday", ANCHOR, ("2016-09-10", "day", "late")),
        ("the end of June", ANCHOR, ("2016-06", "month", "late")),
        ("the mid-1990s", None, ("199X", "decade", "mid")),
        # Absolute dates need no anchor.
        ("Sept. 12, 2016", None, ("2016-09-12", "day", None)),
        ("12 September 2016", None, ("2016-09-12", "day", None)),
        ("2016-09-12", None, ("2016-09-12", "day", None)),
        ("December 2009", None, ("2009-12", "month", None)),
        ("the summer of 2010", None, ("2010-SU", "season", None)),
        ("the third quarter of 2015", None, ("2015-Q3", "quarter", None)),
        ("the 1980s", None, ("198X", "decade", None)),
        ("the 18th century", None, ("17XX", "century", None)),
        ("2012", None, ("2012", "year", None)),
        # Relative or partial without an anchor: kept, no value, said why.
        ("mid-August", None, (None, "unanchored", "mid")),
        ("Friday", None, (None, "unanchored", None)),
        ("last week", None, (None, "unanchored", None)),
        ("Nov. 8", None, (None, "unanchored", None)),
        ("Election Day", None, (None, "unanchored", None)),
        ("10 a.m.", None, (None, "unanchored", None)),
    ],
)
def test_normalise(text, anchor, expected):
    assert READER.normalise(text, anchor) == expected


@pytest.mark.parametrize(
    "granularity, texts",
    [
        ("duration", ["six months", "the past three days", "30-minute", "more than 20 years", "years",
                      "one to two years", "the next four years", "a few weeks", "at least five years",
                      "the last week", "a half-century"]),
        ("recurring", ["daily", "every Sunday", "weekly", "each year", "on Sundays", "annually", "day after day"]),
        ("vague", ["the years", "recent years", "these days", "the past", "the future", "once", "a few years ago",
                   "the coming weeks", "more than a year ago", "a big year", "some spring day"]),
        ("age", ["42 years old", "the 30-year-old", "43", "ages 16 to 24", "her early 20s", "under 30"]),
        ("anaphoric", ["that day", "a month later", "two years later", "the following morning", "the day after",
                       "the first day", "morning", "earlier in the day"]),
        ("unresolved", ["PTSD", "West 23rd"]),
    ],
)
def test_expressions_without_a_calendar_value_say_why(granularity, texts):
    for text in texts:
        assert READER.normalise(text, ANCHOR)[:2] == (None, granularity), text


def test_granularity_is_one_of_the_documented_set():
    texts = ["Monday", "six months", "the 1980s", "PTSD", "this weekend", "this fall", "the third quarter",
             "the 18th century", "10 a.m.", "that day", "daily", "recent years", "43", "last week"]
    assert {READER.normalise(t, a)[1] for t in texts for a in (ANCHOR, None)} <= set(GRANULARITIES)


# --- With the parse: the tense of the sentence, and words spaCy leaves out -----


@pytest.fixture(scope="module")
def nlp():
    return load_model(Settings().model)


def _dates(nlp, text: str, anchor: date = ANCHOR) -> dict[str, str | None]:
    doc = nlp(text)
    starts = [s.start_char for s in doc.sents]
    found = READER.read(doc, anchor, lambda char: max(bisect.bisect_right(starts, char) - 1, 0))
    return {d.text: d.value for d in found}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Clinton visited Ohio on Tuesday.", "2016-09-06"),
        ("Clinton has visited Ohio on Tuesday.", "2016-09-06"),
        ("Clinton will visit Ohio on Tuesday.", "2016-09-13"),
        ("She'll travel to Florida Friday.", "2016-09-16"),
        ("The debate is scheduled for Friday.", "2016-09-16"),
        ("Trump is expected to speak Thursday.", "2016-09-15"),
        ("He said that he is going to win on Tuesday.", "2016-09-13"),
        # The verb right before the date governs it, whatever the quotation says.
        ("\u201cWe will achieve justice,\u201d the chief said Friday.", "2016-09-09"),
    ],
)
def test_a_weekday_looks_back_unless_the_sentence_speaks_of_the_future(nlp, sentence, expected):
    weekdays = {text: value for text, value in _dates(nlp, sentence).items() if text.endswith("day")}
    assert list(weekdays.values()) == [expected]


def test_a_date_after_since_is_past(nlp):
    # Without a verb, 1 January would be the coming one (within the forward window).
    assert "2016-01-01" in _dates(nlp, "Thousands of shootings since January 1.", date(2016, 9, 29)).values()


def test_words_left_out_of_the_entity_are_read(nlp):
    # spaCy labels "year" alone in "this year's" and "night" alone in "Late Sunday night".
    found = _dates(nlp, "This year's campaign is different. Late Sunday night, the city lifted a curfew.")
    assert found.get("year", found.get("This year")) == "2016"
    assert found.get("night", found.get("Late Sunday night")) == "2016-09-11"


def test_a_clock_time_takes_the_day_its_sentence_names(nlp):
    found = _dates(nlp, "The debate will start on Tuesday at 9 p.m.")
    assert found["9 p.m."] == "2016-09-13T21:00"


def test_anchor_is_a_full_date_near_the_top():
    text = "Headline\n\nWASHINGTON, Nov. 5, 2021 — Officials said.\n\nMore."
    assert find_anchor(text, [0, 10, 52]) == date(2021, 11, 5)
    assert find_anchor("Headline\n\nNo date here.", [0, 10]) is None


@pytest.mark.parametrize("text", ["5000 years ago", "8000 years from now", "1000000 days ago"])
def test_a_date_beyond_the_calendar_has_no_value_rather_than_failing_its_article(text):
    assert READER.normalise(text, ANCHOR)[:2] == (None, "vague")
