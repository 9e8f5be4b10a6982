"""Date normalisation is a pure function of the text and the article's anchor date."""

from __future__ import annotations

from datetime import date

import pytest

from newsflow.dates import find_anchor, normalise

ANCHOR = date(2021, 11, 5)


@pytest.mark.parametrize(
    "text, anchor, expected",
    [
        ("mid-August", ANCHOR, ("2021-08", "month", "mid")),
        ("in early September", ANCHOR, ("2021-09", "month", "early")),
        ("mid-August", None, (None, None, "mid")),  # nothing to anchor to: no guess
        ("Last week", ANCHOR, ("2021-W43", "week", None)),
        ("Monday night", date(2016, 3, 15), ("2016-03-14", "day", None)),
        ("Sept. 12, 2016", None, ("2016-09-12", "day", None)),
        ("the 1980s", None, ("198X", "decade", None)),
        ("six months", ANCHOR, (None, "duration", None)),
    ],
)
def test_normalise(text, anchor, expected):
    assert normalise(text, anchor) == expected


def test_anchor_is_a_full_date_near_the_top():
    text = "Headline\n\nWASHINGTON, Nov. 5, 2021 — Officials said.\n\nMore."
    assert find_anchor(text, [0, 10, 52]) == ANCHOR
    assert find_anchor("Headline\n\nNo date here.", [0, 10]) is None
