"""Date rules on hand-built Docs: the parse's tense picks the occurrence of
a relative date, counted from the publication date on the Doc."""

from __future__ import annotations

from datetime import date

import pytest

from tests.handmade import extract

THURSDAY = date(2016, 9, 8)

SPOKE_ON_NOV_8 = """
    The      the      DET    DT   det    1
    senator  senator  NOUN   NN   nsubj  2
    spoke    speak    VERB   VBD  ROOT   2
    on       on       ADP    IN   prep   2
    Nov.     Nov.     PROPN  NNP  pobj   3  B-DATE
    8        8        NUM    CD   nummod 4  I-DATE
    .        .        PUNCT  .    punct  2
"""
SPOKE_ON_TUESDAY = """
    The      the      DET    DT   det    1
    senator  senator  NOUN   NN   nsubj  2
    spoke    speak    VERB   VBD  ROOT   2
    on       on       ADP    IN   prep   2
    Tuesday  Tuesday  PROPN  NNP  pobj   3  B-DATE
    .        .        PUNCT  .    punct  2
"""
WILL_MEET_ON_TUESDAY = """
    The      the      DET    DT   det    1
    panel    panel    NOUN   NN   nsubj  3
    will     will     AUX    MD   aux    3
    meet     meet     VERB   VB   ROOT   3
    on       on       ADP    IN   prep   3
    Tuesday  Tuesday  PROPN  NNP  pobj   4  B-DATE
    .        .        PUNCT  .    punct  3
"""


def dates(doc) -> list[tuple]:
    return [(d.text, d.value, d.granularity) for d in doc._.dates]


@pytest.mark.parametrize(
    "text, table, expected",
    [
        # Without a tense, Nov. 8 would be the next one (2016-11-08).
        ("The senator spoke on Nov. 8.", SPOKE_ON_NOV_8, ("Nov. 8", "2015-11-08", "day")),
        # Without a tense, Tuesday would be the one just past (2016-09-06).
        ("The panel will meet on Tuesday.", WILL_MEET_ON_TUESDAY, ("Tuesday", "2016-09-13", "day")),
    ],
    ids=["past-verb-looks-back", "will-looks-forward"],
)
def test_a_relative_date_is_the_one_the_sentences_tense_points_at(text, table, expected):
    assert dates(extract(text, table, published=THURSDAY)) == [expected]


def test_without_a_publication_date_a_relative_date_is_unanchored_not_guessed():
    assert dates(extract("The senator spoke on Tuesday.", SPOKE_ON_TUESDAY)) == [("Tuesday", None, "unanchored")]


def test_last_month_is_the_month_before_publication():
    doc = extract(
        "Sales fell 5 percent last month.",
        """
        Sales    sale     NOUN  NNS  nsubj     1
        fell     fall     VERB  VBD  ROOT      1
        5        5        NUM   CD   nummod    3  B-PERCENT
        percent  percent  NOUN  NN   npadvmod  1  I-PERCENT
        last     last     ADJ   JJ   amod      5  B-DATE
        month    month    NOUN  NN   npadvmod  1  I-DATE
        .        .        PUNCT .    punct     1
        """,
        published=THURSDAY,
    )
    assert dates(doc) == [("last month", "2016-08", "month")]
