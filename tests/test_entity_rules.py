"""People, organization and number rules on hand-built Docs."""

from __future__ import annotations

import pytest

from tests.handmade import extract, extractors

NRF = (
    "Ali Nazary of the National Resistance Front (NRF) spoke. Nazary leads the NRF.",
    """
    Ali         Ali         PROPN  NNP    compound  1   B-PERSON
    Nazary      Nazary      PROPN  NNP    nsubj     10  I-PERSON
    of          of          ADP    IN     prep      1
    the         the         DET    DT     det       6   B-ORG
    National    National    PROPN  NNP    compound  6   I-ORG
    Resistance  Resistance  PROPN  NNP    compound  6   I-ORG
    Front       Front       PROPN  NNP    pobj      2   I-ORG
    (           (           PUNCT  -LRB-  punct     6
    NRF         NRF         PROPN  NNP    appos     6   B-ORG
    )           )           PUNCT  -RRB-  punct     6
    spoke       speak       VERB   VBD    ROOT      10
    .           .           PUNCT  .      punct     10
    Nazary      Nazary      PROPN  NNP    nsubj     13  B-PERSON
    leads       lead        VERB   VBZ    ROOT      13
    the         the         DET    DT     det       15
    NRF         NRF         PROPN  NNP    dobj      13  B-ORG
    .           .           PUNCT  .      punct     13
    """,
)


def test_a_surname_alone_joins_the_full_name_and_of_an_organization_is_an_affiliation():
    doc = extract(*NRF)
    (person,) = doc._.entities.people
    assert person.name == "Ali Nazary"
    assert [m.text for m in person.mentions] == ["Ali Nazary", "Nazary"]
    assert person.affiliations == ["National Resistance Front"]
    assert [(s.text, s._.entity.name) for s in doc.spans["people"]] == [("Ali Nazary", "Ali Nazary"), ("Nazary", "Ali Nazary")]


def test_an_acronym_defined_in_parentheses_is_one_organization_with_its_long_form():
    doc = extract(*NRF)
    (organization,) = doc._.entities.organizations
    assert (organization.name, organization.acronym) == ("National Resistance Front", "NRF")
    assert [s.text for s in doc.spans["organizations"]] == ["the National Resistance Front", "NRF", "NRF"]


def test_an_apposition_is_a_role_and_the_place_in_it_an_affiliation():
    doc = extract(
        "Jim Lee, the mayor of Boston, spoke.",
        """
        Jim     Jim     PROPN  NNP  compound  1  B-PERSON
        Lee     Lee     PROPN  NNP  nsubj     8  I-PERSON
        ,       ,       PUNCT  ,    punct     1
        the     the     DET    DT   det       4
        mayor   mayor   NOUN   NN   appos     1
        of      of      ADP    IN   prep      4
        Boston  Boston  PROPN  NNP  pobj      5  B-GPE
        ,       ,       PUNCT  ,    punct     1
        spoke   speak   VERB   VBD  ROOT      8
        .       .       PUNCT  .    punct     8
        """,
    )
    (person,) = doc._.entities.people
    assert (person.name, person.roles, person.affiliations) == ("Jim Lee", ["mayor"], ["Boston"])
    assert [p.name for p in doc._.entities.places] == ["Boston"]


@pytest.mark.parametrize(
    "title, expected",
    [("Congresswoman", ("Rep.", "f")), ("Congressman", ("Rep.", "m")), ("Sen.", ("Sen.", None)),
     ("Mrs.", ("Mrs.", "f")), ("Captain", ("Capt.", None))],
)
def test_a_title_before_a_name_gives_its_reported_form_and_the_gender_the_word_tells(title, expected):
    doc = extract(
        f"{title} Jordan Lee spoke.",
        f"""
        {title}  {title}  PROPN  NNP  compound  2  O
        Jordan   Jordan   PROPN  NNP  compound  2  B-PERSON
        Lee      Lee      PROPN  NNP  nsubj     3  I-PERSON
        spoke    speak    VERB   VBD  ROOT      3
        .        .        PUNCT  .    punct     3
        """,
    )
    (person,) = doc._.entities.people
    assert (person.name, person.titles[0], person.gender) == ("Jordan Lee", *expected)


CLINTONS = (
    "Bill Clinton met Hillary Clinton. Mrs. Clinton spoke. Mr. Clinton left. Clinton won.",
    """
    Bill     Bill     PROPN  NNP  compound  1   B-PERSON
    Clinton  Clinton  PROPN  NNP  nsubj     2   I-PERSON
    met      meet     VERB   VBD  ROOT      2
    Hillary  Hillary  PROPN  NNP  compound  4   B-PERSON
    Clinton  Clinton  PROPN  NNP  dobj      2   I-PERSON
    .        .        PUNCT  .    punct     2
    Mrs.     Mrs.     PROPN  NNP  compound  7
    Clinton  Clinton  PROPN  NNP  nsubj     8   B-PERSON
    spoke    speak    VERB   VBD  ROOT      8
    .        .        PUNCT  .    punct     8
    Mr.      Mr.      PROPN  NNP  compound  11
    Clinton  Clinton  PROPN  NNP  nsubj     12  B-PERSON
    left     leave    VERB   VBD  ROOT      12
    .        .        PUNCT  .    punct     12
    Clinton  Clinton  PROPN  NNP  nsubj     15  B-PERSON
    won      win      VERB   VBD  ROOT      15
    .        .        PUNCT  .    punct     15
    """,
)


def test_a_surname_alone_joins_the_full_name_of_its_gender_and_else_the_first():
    people = extract(*CLINTONS)._.entities.people
    assert [(p.name, [m.text for m in p.mentions], p.gender) for p in people] == [
        ("Bill Clinton", ["Bill Clinton", "Clinton", "Clinton"], "m"),
        ("Hillary Clinton", ["Hillary Clinton", "Clinton"], "f"),
    ]


def test_a_surname_alone_is_not_the_relative_named_first():
    doc = extract(
        "His daughter Ivanka Trump introduced Donald Trump. Trump spoke.",
        """
        His       his       PRON   PRP$  poss      1   O
        daughter  daughter  NOUN   NN    nsubj     4   O
        Ivanka    Ivanka    PROPN  NNP   compound  3   B-PERSON
        Trump     Trump     PROPN  NNP   appos     1   I-PERSON
        introduced introduce VERB  VBD   ROOT      4   O
        Donald    Donald    PROPN  NNP   compound  6   B-PERSON
        Trump     Trump     PROPN  NNP   dobj      4   I-PERSON
        .         .         PUNCT  .     punct     4   O
        Trump     Trump     PROPN  NNP   nsubj     9   B-PERSON
        spoke     speak     VERB   VBD   ROOT      9   O
        .         .         PUNCT  .     punct     9   O
        """,
    )
    assert [(p.name, len(p.mentions)) for p in doc._.entities.people] == [("Ivanka Trump", 1), ("Donald Trump", 2)]


# Bill Clinton is named first; then Hillary Clinton in one of four ways; then "Clinton" alone.
BILL_THEN_HILLARY = """
    Bill     Bill     PROPN  NNP  compound  1  B-PERSON
    Clinton  Clinton  PROPN  NNP  nsubj     2  I-PERSON
    spoke    speak    VERB   VBD  ROOT      2
    .        .        PUNCT  .    punct     2
"""


@pytest.mark.parametrize(
    ("text", "table", "joins"),
    [
        # the subject of the sentence before: Hillary
        ("Bill Clinton spoke. Hillary Clinton rebuffed him. Clinton left.", """
         Hillary   Hillary   PROPN  NNP  compound  5   B-PERSON
         Clinton   Clinton   PROPN  NNP  nsubj     6   I-PERSON
         rebuffed  rebuff    VERB   VBD  ROOT      6
         him       he        PRON   PRP  dobj      6
         .         .         PUNCT  .    punct     6
         Clinton   Clinton   PROPN  NNP  nsubj     10  B-PERSON
         left      leave     VERB   VBD  ROOT      10
         .         .         PUNCT  .    punct     10
         """, "Hillary Clinton"),
        # named there, but not as a subject: the first named
        ("Bill Clinton spoke. Voters cheered Hillary Clinton. Clinton left.", """
         Voters    voter     NOUN   NNS  nsubj     5
         cheered   cheer     VERB   VBD  ROOT      5
         Hillary   Hillary   PROPN  NNP  compound  7   B-PERSON
         Clinton   Clinton   PROPN  NNP  dobj      5   I-PERSON
         .         .         PUNCT  .    punct     5
         Clinton   Clinton   PROPN  NNP  nsubj     10  B-PERSON
         left      leave     VERB   VBD  ROOT      10
         .         .         PUNCT  .    punct     10
         """, "Bill Clinton"),
        # the subject of a quotation
        ('Bill Clinton spoke. "Hillary Clinton wins," he said. Clinton left.', """
         "         "         PUNCT  ``   punct     10
         Hillary   Hillary   PROPN  NNP  compound  6   B-PERSON
         Clinton   Clinton   PROPN  NNP  nsubj     7   I-PERSON
         wins      win       VERB   VBZ  ccomp     10
         ,         ,         PUNCT  ,    punct     10
         "         "         PUNCT  ''   punct     10
         he        he        PRON   PRP  nsubj     10
         said      say       VERB   VBD  ROOT      10
         .         .         PUNCT  .    punct     10
         Clinton   Clinton   PROPN  NNP  nsubj     13  B-PERSON
         left      leave     VERB   VBD  ROOT      13
         .         .         PUNCT  .    punct     13
         """, "Bill Clinton"),
        # told by a clause an attribution follows: the story told
        ("Bill Clinton spoke. When Hillary Clinton ran, she won, he said. Clinton left.", """
         When      when      SCONJ  WRB  advmod    7
         Hillary   Hillary   PROPN  NNP  compound  6   B-PERSON
         Clinton   Clinton   PROPN  NNP  nsubj     7   I-PERSON
         ran       run       VERB   VBD  advcl     10
         ,         ,         PUNCT  ,    punct     10
         she       she       PRON   PRP  nsubj     10
         won       win       VERB   VBD  ccomp     13
         ,         ,         PUNCT  ,    punct     13
         he        he        PRON   PRP  nsubj     13
         said      say       VERB   VBD  ROOT      13
         .         .         PUNCT  .    punct     13
         Clinton   Clinton   PROPN  NNP  nsubj     16  B-PERSON
         left      leave     VERB   VBD  ROOT      16
         .         .         PUNCT  .    punct     16
         """, "Hillary Clinton"),
        # told after a verb of saying: what someone said, not the story
        ("Bill Clinton spoke. He said Hillary Clinton won. Clinton left.", """
         He        he        PRON   PRP  nsubj     5
         said      say       VERB   VBD  ROOT      5
         Hillary   Hillary   PROPN  NNP  compound  7   B-PERSON
         Clinton   Clinton   PROPN  NNP  nsubj     8   I-PERSON
         won       win       VERB   VBD  ccomp     5
         .         .         PUNCT  .    punct     5
         Clinton   Clinton   PROPN  NNP  nsubj     11  B-PERSON
         left      leave     VERB   VBD  ROOT      11
         .         .         PUNCT  .    punct     11
         """, "Bill Clinton"),
        # a pronoun before the surname in its clause stands for her: "she met Clinton" is not herself
        ("Bill Clinton spoke. Hillary Clinton left. She met Clinton.", """
         Hillary   Hillary   PROPN  NNP  compound  5   B-PERSON
         Clinton   Clinton   PROPN  NNP  nsubj     6   I-PERSON
         left      leave     VERB   VBD  ROOT      6
         .         .         PUNCT  .    punct     6
         She       she       PRON   PRP  nsubj     9
         met       meet      VERB   VBD  ROOT      9
         Clinton   Clinton   PROPN  NNP  dobj      9   B-PERSON
         .         .         PUNCT  .    punct     9
         """, "Bill Clinton"),
    ],
)
def test_a_surname_alone_joins_the_only_one_named_in_full_as_a_subject_just_before(text, table, joins):
    doc = extract(text, BILL_THEN_HILLARY + table.strip("\n"))
    (last,) = [p for p in doc._.entities.people if any(m.start == text.rindex("Clinton") for m in p.mentions)]
    assert last.name == joins


@pytest.mark.parametrize(
    ("text", "table", "names"),
    [
        ("Voters pro-Jeb Bush 35 cheered. Jeb Bush spoke.", """
         Voters   voter    NOUN   NNS   nsubj     6   O
         pro      pro      ADJ    JJ    amod      3   B-PERSON
         -        -        PUNCT  HYPH  punct     3   I-PERSON
         Jeb      Jeb      PROPN  NNP   compound  4   I-PERSON
         Bush     Bush     PROPN  NNP   appos     0   I-PERSON
         35       35       NUM    CD    nummod    4   I-PERSON
         cheered  cheer    VERB   VBD   ROOT      6   O
         .        .        PUNCT  .     punct     6   O
         Jeb      Jeb      PROPN  NNP   compound  9   B-PERSON
         Bush     Bush     PROPN  NNP   nsubj     10  I-PERSON
         spoke    speak    VERB   VBD   ROOT      10  O
         .        .        PUNCT  .     punct     10  O
         """, ["Jeb Bush"]),
        ("Floridians Jeb Bush spoke.", """
         Floridians  Floridians  PROPN  NNPS  compound  2  B-PERSON
         Jeb         Jeb         PROPN  NNP   compound  2  I-PERSON
         Bush        Bush        PROPN  NNP   nsubj     3  I-PERSON
         spoke       speak       VERB   VBD   ROOT      3  O
         .           .           PUNCT  .     punct     3  O
         """, ["Jeb Bush"]),
        ("Ted Cruz Wins. Certainly Ted Cruz spoke. Ted Cruz left.", """
         Ted        Ted        PROPN  NNP  compound  1   B-PERSON
         Cruz       Cruz       PROPN  NNP  compound  2   I-PERSON
         Wins       Wins       PROPN  NNP  ROOT      2   I-PERSON
         .          .          PUNCT  .    punct     2   O
         Certainly  certainly  ADV    RB   advmod    7   B-PERSON
         Ted        Ted        PROPN  NNP  compound  6   I-PERSON
         Cruz       Cruz       PROPN  NNP  nsubj     7   I-PERSON
         spoke      speak      VERB   VBD  ROOT      7   O
         .          .          PUNCT  .    punct     7   O
         Ted        Ted        PROPN  NNP  compound  10  B-PERSON
         Cruz       Cruz       PROPN  NNP  nsubj     11  I-PERSON
         left       leave      VERB   VBD  ROOT      11  O
         .          .          PUNCT  .    punct     11  O
         """, ["Ted Cruz"]),
        # a hyphened lower-case part of a name, and a number in one
        ("Ban Ki-moon met Guccifer 2.0.", """
         Ban       Ban       PROPN  NNP   compound  3  B-PERSON
         Ki        Ki        PROPN  NNP   compound  3  I-PERSON
         -         -         PUNCT  HYPH  punct     3  I-PERSON
         moon      moon      PROPN  NNP   nsubj     4  I-PERSON
         met       meet      VERB   VBD   ROOT      4  O
         Guccifer  Guccifer  PROPN  NNP   dobj      4  B-PERSON
         2.0       2.0       NUM    CD    nummod    5  I-PERSON
         .         .         PUNCT  .     punct     4  O
         """, ["Ban Ki-moon", "Guccifer 2.0"]),
    ],
)
def test_words_the_model_reads_into_a_name_are_left_out(text, table, names):
    # A number after the name, and a lower-case word hyphened to a name the
    # article gives alone elsewhere; a plural before it; a common word
    # before it or any word after it, around a name the article gives alone.
    doc = extract(text, table)
    assert [p.name for p in doc._.entities.people] == names


def test_a_surname_after_the_and_a_comparison_is_one_of_a_family_not_a_member_named():
    doc = extract(
        "Chelsea Clinton spoke. The newest Clinton is due.",
        """
        Chelsea  Chelsea  PROPN  NNP  compound  1  B-PERSON
        Clinton  Clinton  PROPN  NNP  nsubj     2  I-PERSON
        spoke    speak    VERB   VBD  ROOT      2
        .        .        PUNCT  .    punct     2
        The      the      DET    DT   det       6
        newest   new      ADJ    JJS  amod      6
        Clinton  Clinton  PROPN  NNP  nsubj     7  B-PERSON
        is       be       AUX    VBZ  ROOT      7
        due      due      ADJ    JJ   acomp     7
        .        .        PUNCT  .    punct     7
        """,
    )
    assert [(p.name, len(p.mentions)) for p in doc._.entities.people] == [("Chelsea Clinton", 1), ("Clinton", 1)]


def test_a_title_telling_a_gender_joins_a_relative_only_if_no_one_else_of_the_surname_may_have_it():
    doc = extract(
        "Ghazala Khan mourned her son, Humayun Khan. Mr. Khan wept. Ms. Khan spoke.",
        """
        Ghazala  Ghazala  PROPN  NNP  compound  1   B-PERSON
        Khan     Khan     PROPN  NNP  nsubj     2   I-PERSON
        mourned  mourn    VERB   VBD  ROOT      2
        her      her      PRON   PRP$ poss      4
        son      son      NOUN   NN   dobj      2
        ,        ,        PUNCT  ,    punct     4
        Humayun  Humayun  PROPN  NNP  compound  7   B-PERSON
        Khan     Khan     PROPN  NNP  appos     4   I-PERSON
        .        .        PUNCT  .    punct     2
        Mr.      Mr.      PROPN  NNP  compound  10
        Khan     Khan     PROPN  NNP  nsubj     11  B-PERSON
        wept     weep     VERB   VBD  ROOT      11
        .        .        PUNCT  .    punct     11
        Ms.      Ms.      PROPN  NNP  compound  14
        Khan     Khan     PROPN  NNP  nsubj     15  B-PERSON
        spoke    speak    VERB   VBD  ROOT      15
        .        .        PUNCT  .    punct     15
        """,
    )
    # Nothing tells Ghazala's gender, and both "Mr." and "Ms." are written:
    # she joins neither, and "Mr. Khan" may be her husband, named nowhere
    # in full, not the son whom "Mr." fits.
    assert [(p.name, len(p.mentions)) for p in doc._.entities.people] == [
        ("Ghazala Khan", 1), ("Humayun Khan", 1), ("Mr. Khan", 1), ("Ms. Khan", 1)]


def test_a_surname_alone_with_no_full_name_of_its_gender_stays_apart():
    doc = extract(
        "Bill Clinton spoke. Mrs. Clinton left.",
        """
        Bill     Bill     PROPN  NNP  compound  1  B-PERSON
        Clinton  Clinton  PROPN  NNP  nsubj     2  I-PERSON
        spoke    speak    VERB   VBD  ROOT      2
        .        .        PUNCT  .    punct     2
        Mrs.     Mrs.     PROPN  NNP  compound  5
        Clinton  Clinton  PROPN  NNP  nsubj     6  B-PERSON
        left     leave    VERB   VBD  ROOT      6
        .        .        PUNCT  .    punct     6
        """,
    )
    assert [(p.name, len(p.mentions), p.gender) for p in doc._.entities.people] == [
        ("Bill Clinton", 1, "m"), ("Clinton", 1, "f"),
    ]


def numbers(doc) -> list[tuple]:
    return [
        (n.text, n.kind, n.value, n.unit, n.approximator, n.counts)
        for n in doc._.numbers
    ]


def test_a_hedge_before_a_number_is_its_approximator_and_of_tells_what_it_counts():
    doc = extract(
        "The NRF controls more than 60% of Panjshir.",
        """
        The       the       DET    DT   det       1
        NRF       NRF       PROPN  NNP  nsubj     2  B-ORG
        controls  control   VERB   VBZ  ROOT      2
        more      more      ADJ    JJR  amod      5  B-PERCENT
        than      than      ADP    IN   quantmod  5  I-PERCENT
        60        60        NUM    CD   nummod    6  I-PERCENT
        %         %         NOUN   NN   dobj      2  I-PERCENT
        of        of        ADP    IN   prep      6
        Panjshir  Panjshir  PROPN  NNP  pobj      7  B-GPE
        .         .         PUNCT  .    punct     2
        """,
    )
    assert numbers(doc) == [("more than 60%", "percent", 60.0, "percentage", "more than", "Panjshir")]


def test_a_number_counts_the_noun_phrase_it_modifies():
    doc = extract(
        "An estimated 10,000 former soldiers joined.",
        """
        An         an        DET    DT   det     4  B-CARDINAL
        estimated  estimate  VERB   VBN  amod    4  I-CARDINAL
        10,000     10,000    NUM    CD   nummod  4  I-CARDINAL
        former     former    ADJ    JJ   amod    4
        soldiers   soldier   NOUN   NNS  nsubj   5
        joined     join      VERB   VBD  ROOT    5
        .          .         PUNCT  .    punct   5
        """,
    )
    assert numbers(doc) == [("An estimated 10,000", "cardinal", 10000.0, None, "estimated", "former soldiers")]


def test_money_gets_its_value_and_currency_from_the_whole_expression():
    doc = extract(
        "The deal is worth $5.2 billion.",
        """
        The      the      DET    DT   det       1
        deal     deal     NOUN   NN   nsubj     2
        is       be       AUX    VBZ  ROOT      2
        worth    worth    ADJ    JJ   acomp     2
        $        $        SYM    $    quantmod  6  B-MONEY
        5.2      5.2      NUM    CD   compound  6  I-MONEY
        billion  billion  NUM    CD   pobj      3  I-MONEY
        .        .        PUNCT  .    punct     2
        """,
    )
    assert numbers(doc) == [("$5.2 billion", "money", 5.2e9, "dollar", None, None)]


def test_a_known_organization_a_person_s_name_and_a_common_word_are_no_places():
    doc = extract(
        "Melania Trump left the E.U. Melania did n’t stay.",
        """
        Melania  Melania  PROPN  NNP  compound  1  B-PERSON
        Trump    Trump    PROPN  NNP  nsubj     2  I-PERSON
        left     leave    VERB   VBD  ROOT      2  O
        the      the      DET    DT   det       4  O
        E.U.     E.U.     PROPN  NNP  dobj      2  B-GPE
        Melania  Melania  PROPN  NNP  nsubj     8  B-GPE
        did      do       AUX    VBD  aux       8  O
        n’t      not      PART   RB   neg       8  B-GPE
        stay     stay     VERB   VB   ROOT      8  O
        .        .        PUNCT  .    punct     8  O
        """,
    )
    entities = doc._.entities
    assert [(o.name, o.kind) for o in entities.organizations] == [("E.U.", "organization")]
    assert entities.places == []


def test_two_people_known_by_one_surname_alone_are_named_by_their_titles():
    doc = extract(
        "Mr. Clinton spoke. Mrs. Clinton left.",
        """
        Mr.      Mr.      PROPN  NNP  compound  1  O
        Clinton  Clinton  PROPN  NNP  nsubj     2  B-PERSON
        spoke    speak    VERB   VBD  ROOT      2  O
        .        .        PUNCT  .    punct     2  O
        Mrs.     Mrs.     PROPN  NNP  compound  5  O
        Clinton  Clinton  PROPN  NNP  nsubj     6  B-PERSON
        left     leave    VERB   VBD  ROOT      6  O
        .        .        PUNCT  .    punct     6  O
        """,
    )
    assert [(p.name, p.gender) for p in doc._.entities.people] == [("Mr. Clinton", "m"), ("Mrs. Clinton", "f")]


def test_a_title_case_line_names_only_people_the_article_names_elsewhere():
    doc = extract(
        "Clinton Slams Donald Trump Over Taxes\n\nDonald Trump spoke in Ohio.",
        """
        Clinton  Clinton  PROPN  NNP  compound  4   B-PERSON
        Slams    Slams    PROPN  NNP  compound  4   I-PERSON
        Donald   Donald   PROPN  NNP  compound  4   I-PERSON
        Trump    Trump    PROPN  NNP  ROOT      4   I-PERSON
        Over     over     ADP    IN   prep      4   O
        Taxes    Taxes    PROPN  NNP  pobj      5   O
        ¶        ¶        SPACE  _SP  dep       5   O
        Donald   Donald   PROPN  NNP  compound  8   B-PERSON
        Trump    Trump    PROPN  NNP  nsubj     9   I-PERSON
        spoke    speak    VERB   VBD  ROOT      9   O
        in       in       ADP    IN   prep      9   O
        Ohio     Ohio     PROPN  NNP  pobj      10  B-GPE
        .        .        PUNCT  .    punct     9   O
        """,
    )
    # "Clinton" is named nowhere else: the headline alone does not make her a person of the article.
    (trump,) = doc._.entities.people
    assert (trump.name, [m.text for m in trump.mentions]) == ("Donald Trump", ["Donald Trump", "Donald Trump"])


@pytest.mark.parametrize(
    ("core", "expected"),
    [
        ("2.6million", (2.6e6, None)),
        ("four in 10", (0.4, None)),
        ("a dozen", (12.0, None)),
        ("a half-dozen", (6.0, None)),
        ("thousands", (1000.0, None)),
        ("hundreds of thousands of dollars", (100000.0, "dollar")),
        ("7.5-point", (7.5, "point")),
        ("4 percentage points", (4.0, "point")),
        ("one", (1.0, None)),
    ],
)
def test_what_quantulum_misses_is_read_by_rule(core, expected):
    from newsflow.numbers import _value_and_unit

    rules = extractors().get_pipe("newsflow_numbers").rules
    value, unit = _value_and_unit(core, None, rules)
    assert (pytest.approx(value), unit) == expected


def test_a_currency_symbol_left_out_of_the_number_is_its_unit_and_points_are_no_count():
    doc = extract(
        "He paid $225,000 and leads by 4 points.",
        """
        He       he       PRON   PRP  nsubj    1
        paid     pay      VERB   VBD  ROOT     1
        $        $        SYM    $    nmod     3
        225,000  225,000  NUM    CD   dobj     1  B-MONEY
        and      and      CCONJ  CC   cc       1
        leads    lead     VERB   VBZ  conj     1
        by       by       ADP    IN   prep     5
        4        4        NUM    CD   nummod   8  B-CARDINAL
        points   point    NOUN   NNS  pobj     6
        .        .        PUNCT  .    punct    1
        """,
    )
    assert [(n.text, n.value, n.unit, n.counts) for n in doc._.numbers] == [
        ("$225,000", 225000.0, "dollar", None), ("4", 4.0, "point", None)]


def test_a_share_is_of_the_whole_phrase_and_a_count_of_its_bare_nouns():
    doc = extract(
        "About 82 percent of murders involving white victims fell, and 95 generals and admirals of note left.",
        """
        About      about     ADV    RB   advmod    1   B-PERCENT
        82         82        NUM    CD   nummod    2   I-PERCENT
        percent    percent   NOUN   NN   nsubj     8   I-PERCENT
        of         of        ADP    IN   prep      2
        murders    murder    NOUN   NNS  pobj      3
        involving  involve   VERB   VBG  acl       4
        white      white     ADJ    JJ   amod      7
        victims    victim    NOUN   NNS  dobj      5
        fell       fall      VERB   VBD  ROOT      8
        ,          ,         PUNCT  ,    punct     8
        and        and       CCONJ  CC   cc        8
        95         95        NUM    CD   nummod    12  B-CARDINAL
        generals   general   NOUN   NNS  nsubj     17
        and        and       CCONJ  CC   cc        12
        admirals   admiral   NOUN   NNS  conj      12
        of         of        ADP    IN   prep      12
        note       note      NOUN   NN   pobj      15
        left       leave     VERB   VBD  conj      8
        .          .         PUNCT  .    punct     8
        """,
    )
    assert [(n.text, n.counts) for n in doc._.numbers] == [
        ("About 82 percent", "murders involving white victims"), ("95", "generals and admirals")]


def test_a_share_with_nothing_counted_is_of_the_group_among_names():
    doc = extract(
        "Among Trump voters, 74 percent stay.",
        """
        Among    among    ADP    IN   prep      6
        Trump    Trump    PROPN  NNP  compound  2
        voters   voter    NOUN   NNS  pobj      0
        ,        ,        PUNCT  ,    punct     6
        74       74       NUM    CD   nummod    5   B-PERCENT
        percent  percent  NOUN   NN   nsubj     6   I-PERCENT
        stay     stay     VERB   VBP  ROOT      6
        .        .        PUNCT  .    punct     6
        """,
    )
    assert [(n.text, n.unit, n.counts) for n in doc._.numbers] == [("74 percent", "percentage", "Trump voters")]


def test_one_of_a_compound_word_and_a_tally_are_no_numbers():
    doc = extract(
        "One of the three-way race's 5-4 votes.",
        """
        One    one    NUM    CD   nsubj     0  B-CARDINAL
        of     of     ADP    IN   prep      0
        the    the    DET    DT   det       5
        three  three  NUM    CD   nummod    5  B-CARDINAL
        -      -      PUNCT  HYPH punct     5
        way    way    NOUN   NN   compound  7
        race   race   NOUN   NN   poss      10
        's     's     PART   POS  case      6
        5      5      NUM    CD   nummod    10 B-CARDINAL
        -4     -4     NUM    CD   nummod    10
        votes  vote   NOUN   NNS  pobj      1
        .      .      PUNCT  .    punct     0
        """,
    )
    assert doc._.numbers == []


def test_a_split_of_two_percentages_is_two_numbers():
    doc = extract(
        "Clinton leads 50 percent to 44 percent.",
        """
        Clinton  Clinton  PROPN  NNP  nsubj  1  B-PERSON
        leads    lead     VERB   VBZ  ROOT   1
        50       50       NUM    CD   nummod 3  B-PERCENT
        percent  percent  NOUN   NN   dobj   1  I-PERCENT
        to       to       ADP    IN   prep   3  I-PERCENT
        44       44       NUM    CD   nummod 6  I-PERCENT
        percent  percent  NOUN   NN   pobj   4  I-PERCENT
        .        .        PUNCT  .    punct  1
        """,
    )
    assert [(n.text, n.value, n.unit) for n in doc._.numbers] == [
        ("50 percent", 50.0, "percentage"), ("44 percent", 44.0, "percentage")]


def test_an_organization_s_name_loses_a_lower_case_lead_and_the_person_it_owns():
    doc = extract(
        "Later a Crime Statistics Bureau cited National Review’s Jonah Goldberg.",
        """
        Later       later       ADV    RB   advmod    5
        a           a           DET    DT   det       4  B-ORG
        Crime       Crime       PROPN  NNP  compound  4  I-ORG
        Statistics  Statistics  PROPN  NNP  compound  4  I-ORG
        Bureau      Bureau      PROPN  NNP  nsubj     5  I-ORG
        cited       cite        VERB   VBD  ROOT      5
        National    National    PROPN  NNP  compound  7  B-ORG
        Review      Review      PROPN  NNP  poss      10 I-ORG
        ’s          ’s          PART   POS  case      7  I-ORG
        Jonah       Jonah       PROPN  NNP  compound  10 I-ORG
        Goldberg    Goldberg    PROPN  NNP  dobj      5  I-ORG
        .           .           PUNCT  .    punct     5
        """,
    )
    assert [o.name for o in doc._.entities.organizations] == ["Crime Statistics Bureau", "National Review"]


def test_a_first_name_and_a_person_s_surname_labelled_an_organization_is_that_person():
    doc = extract(
        "Carly Fiorina spoke. Fiorina left.",
        """
        Carly    Carly    PROPN  NNP  compound  1  B-ORG
        Fiorina  Fiorina  PROPN  NNP  nsubj     2  I-ORG
        spoke    speak    VERB   VBD  ROOT      2
        .        .        PUNCT  .    punct     2
        Fiorina  Fiorina  PROPN  NNP  nsubj     5  B-PERSON
        left     leave    VERB   VBD  ROOT      5
        .        .        PUNCT  .    punct     5
        """,
    )
    assert [(p.name, len(p.mentions)) for p in doc._.entities.people] == [("Carly Fiorina", 2)]
    assert doc._.entities.organizations == []


def test_a_title_case_headline_names_only_organizations_the_article_names_elsewhere():
    doc = extract(
        "Power Plant Rules Face Key Test\n\nThe EPA spoke.",
        """
        Power   Power   PROPN  NNP  compound  2  B-ORG
        Plant   Plant   PROPN  NNP  compound  2  I-ORG
        Rules   Rules   PROPN  NNP  nsubj     3  I-ORG
        Face    face    VERB   VBP  ROOT      3
        Key     Key     PROPN  NNP  compound  5
        Test    Test    PROPN  NNP  dobj      3
        ¶       ¶       SPACE  _SP  dep       5
        The     the     DET    DT   det       8
        EPA     EPA     PROPN  NNP  nsubj     9  B-ORG
        spoke   speak   VERB   VBD  ROOT      9
        .       .       PUNCT  .    punct     9
        """,
    )
    assert [o.name for o in doc._.entities.organizations] == ["EPA"]


def test_a_party_and_state_label_is_two_affiliations_and_an_age_no_role():
    doc = extract(
        "Sen. Harry Reid (D-Nev.) met Ann Lee, 21, a student.",
        """
        Sen.     Sen.     PROPN  NNP   compound  2
        Harry    Harry    PROPN  NNP   compound  2   B-PERSON
        Reid     Reid     PROPN  NNP   nsubj     6   I-PERSON
        (        (        PUNCT  -LRB- punct     4
        D-Nev.   D-Nev.   PROPN  NNP   appos     2
        )        )        PUNCT  -RRB- punct     4
        met      meet     VERB   VBD   ROOT      6
        Ann      Ann      PROPN  NNP   compound  8   B-PERSON
        Lee      Lee      PROPN  NNP   dobj      6   I-PERSON
        ,        ,        PUNCT  ,     punct     8
        21       21       NUM    CD    appos     8   B-DATE
        ,        ,        PUNCT  ,     punct     8
        a        a        DET    DT    det       13
        student  student  NOUN   NN    appos     8
        .        .        PUNCT  .     punct     6
        """,
    )
    reid, lee = doc._.entities.people
    assert (reid.roles, reid.affiliations) == ([], ["Democratic Party", "Nevada"])
    assert lee.roles == ["student"]


def test_words_before_a_name_give_a_role_and_the_organization_or_party_before_them_an_affiliation():
    doc = extract(
        "FBI Director James Comey met Republican presidential nominee Donald Trump.",
        """
        FBI           FBI           PROPN  NNP  compound  3  B-ORG
        Director      Director      PROPN  NNP  compound  3
        James         James         PROPN  NNP  compound  3  B-PERSON
        Comey         Comey         PROPN  NNP  nsubj     4  I-PERSON
        met           meet          VERB   VBD  ROOT      4
        Republican    Republican    PROPN  NNP  amod      9  B-NORP
        presidential  presidential  ADJ    JJ   amod      7
        nominee       nominee       NOUN   NN   compound  9
        Donald        Donald        PROPN  NNP  compound  9  B-PERSON
        Trump         Trump         PROPN  NNP  dobj      4  I-PERSON
        .             .             PUNCT  .    punct     4
        """,
    )
    comey, trump = doc._.entities.people
    assert (comey.titles, comey.roles, comey.affiliations) == (["Director"], [], ["FBI"])
    assert (trump.titles, trump.roles, trump.affiliations) == ([], ["presidential nominee"], ["Republican Party"])


def test_an_apposition_s_role_is_its_noun_phrase_past_an_owner_and_before_what_follows():
    doc = extract(
        "Ann Lee, ABC's host, met Bo Li, a student from Fresno.",
        """
        Ann      Ann      PROPN  NNP  compound  1   B-PERSON
        Lee      Lee      PROPN  NNP  nsubj     7   I-PERSON
        ,        ,        PUNCT  ,    punct     1
        ABC      ABC      PROPN  NNP  poss      5   B-ORG
        's       's       PART   POS  case      3   I-ORG
        host     host     NOUN   NN   appos     1
        ,        ,        PUNCT  ,    punct     1
        met      meet     VERB   VBD  ROOT      7
        Bo       Bo       PROPN  NNP  compound  9   B-PERSON
        Li       Li       PROPN  NNP  dobj      7   I-PERSON
        ,        ,        PUNCT  ,    punct     9
        a        a        DET    DT   det       12
        student  student  NOUN   NN   appos     9
        from     from     ADP    IN   prep      12
        Fresno   Fresno   PROPN  NNP  pobj      13  B-GPE
        .        .        PUNCT  .    punct     7
        """,
    )
    lee, li = doc._.entities.people
    assert (lee.roles, lee.affiliations) == (["host"], ["ABC"])
    assert (li.roles, li.affiliations) == (["student"], [])


def test_a_title_word_with_capitalized_words_before_it_is_one_title():
    doc = extract(
        "U.S. District Judge Emmet Sullivan ruled.",
        """
        U.S.      U.S.      PROPN  NNP  compound  4  B-GPE
        District  District  PROPN  NNP  compound  4
        Judge     Judge     PROPN  NNP  compound  4
        Emmet     Emmet     PROPN  NNP  compound  4  B-PERSON
        Sullivan  Sullivan  PROPN  NNP  nsubj     5  I-PERSON
        ruled     rule      VERB   VBD  ROOT      5
        .         .         PUNCT  .    punct     5
        """,
    )
    (judge,) = doc._.entities.people
    assert (judge.titles, judge.affiliations) == (["District Judge"], ["U.S."])


def test_a_party_noun_as_an_apposition_is_an_affiliation_not_a_role():
    doc = extract(
        "Xavier Becerra, a California Democrat, spoke.",
        """
        Xavier      Xavier      PROPN  NNP  compound  1  B-PERSON
        Becerra     Becerra     PROPN  NNP  nsubj     7  I-PERSON
        ,           ,           PUNCT  ,    punct     1
        a           a           DET    DT   det       5
        California  California  PROPN  NNP  compound  5  B-GPE
        Democrat    Democrat    PROPN  NNP  appos     1  B-NORP
        ,           ,           PUNCT  ,    punct     1
        spoke       speak       VERB   VBD  ROOT      7
        .           .           PUNCT  .    punct     7
        """,
    )
    (becerra,) = doc._.entities.people
    assert (becerra.roles, becerra.affiliations) == ([], ["Democratic Party", "California"])


def test_a_determiner_the_model_puts_in_a_name_is_left_out():
    doc = extract(
        "Voters met a Donald Trump.",
        """
        Voters  voter   NOUN   NNS  nsubj     1  O
        met     meet    VERB   VBD  ROOT      1  O
        a       a       DET    DT   det       4  B-PERSON
        Donald  Donald  PROPN  NNP  compound  4  I-PERSON
        Trump   Trump   PROPN  NNP  dobj      1  I-PERSON
        .       .       PUNCT  .    punct     1  O
        """,
    )
    assert [(p.name, [m.text for m in p.mentions]) for p in doc._.entities.people] == [("Donald Trump", ["Donald Trump"])]


def test_an_organization_name_keeps_its_for_clause_and_a_law_or_a_title_word_is_none():
    doc = extract(
        "The Court of Appeals for the Sixth Circuit heard the Justice Department on the Voting Act and the Court.",
        """
        The       the       DET    DT   det       3   B-ORG
        Court     Court     PROPN  NNP  compound  3   I-ORG
        of        of        ADP    IN   prep      1   I-ORG
        Appeals   Appeals   PROPN  NNP  nsubj     8   I-ORG
        for       for       ADP    IN   prep      3
        the       the       DET    DT   det       7
        Sixth     Sixth     PROPN  NNP  compound  7   B-ORG
        Circuit   Circuit   PROPN  NNP  pobj      4   I-ORG
        heard     hear      VERB   VBD  ROOT      8
        the       the       DET    DT   det       11
        Justice   Justice   PROPN  NNP  compound  11  B-ORG
        Department  Department  PROPN  NNP  dobj  8   I-ORG
        on        on        ADP    IN   prep      8
        the       the       DET    DT   det       15  B-LAW
        Voting    Voting    PROPN  NNP  compound  15  I-ORG
        Act       Act       PROPN  NNP  pobj      12  I-ORG
        and       and       CCONJ  CC   cc        15
        the       the       DET    DT   det       18
        Court     Court     PROPN  NNP  conj      15  B-ORG
        .         .         PUNCT  .    punct     8
        """,
    )
    assert doc._.entities.people == []  # "Justice" is a title, but not of a "Department"
    assert [(o.name, [m.text for m in o.mentions]) for o in doc._.entities.organizations] == [
        ("Court of Appeals for the Sixth Circuit", ["The Court of Appeals for the Sixth Circuit", "Court"]),
        ("Justice Department", ["Justice Department"]),
    ]


def test_known_names_win_over_the_model_and_one_place_is_one_entity():
    from newsflow.config import Settings
    from newsflow.nlp import load_model

    doc = load_model(Settings().model)(
        "Morning Consult and Rasmussen polled for USA TODAY, and Adam Goldman wrote it up on TWITTER. "
        "ISIS, the Islamic State, fled America for the United States.")
    assert [(o.name, o.acronym) for o in doc._.entities.organizations] == [
        ("Morning Consult", None), ("Rasmussen", None), ("USA TODAY", None), ("TWITTER", None),
        ("Islamic State", "ISIS")]
    assert [p.name for p in doc._.entities.people] == ["Adam Goldman"]
    assert [(p.name, [m.text for m in p.mentions]) for p in doc._.entities.places] == [
        ("United States", ["America", "the United States"])]


def test_a_lower_case_title_after_a_modifier_is_a_role_and_a_home_town_no_affiliation():
    doc = extract(
        "Former Florida governor Jeb Bush met Ann Lee of Boston.",
        """
        Former    former    ADJ    JJ   amod      3
        Florida   Florida   PROPN  NNP  compound  3  B-GPE
        governor  governor  NOUN   NN   compound  5
        Jeb       Jeb       PROPN  NNP  compound  5  B-PERSON
        Bush      Bush      PROPN  NNP  nsubj     6  I-PERSON
        met       meet      VERB   VBD  ROOT      6
        Ann       Ann       PROPN  NNP  compound  8  B-PERSON
        Lee       Lee       PROPN  NNP  dobj      6  I-PERSON
        of        of        ADP    IN   prep      8
        Boston    Boston    PROPN  NNP  pobj      9  B-GPE
        .         .         PUNCT  .    punct     6
        """,
    )
    assert [(p.name, p.titles, p.roles, p.affiliations) for p in doc._.entities.people] == [
        ("Jeb Bush", [], ["governor"], ["Florida"]), ("Ann Lee", [], [], [])]


def test_a_party_in_a_role_and_an_owner_before_a_name_are_affiliations():
    doc = extract(
        "Mitt Romney, the 2012 Republican nominee, spoke to NBC's Dante Chinni.",
        """
        Mitt        Mitt        PROPN  NNP  compound  1   B-PERSON
        Romney      Romney      PROPN  NNP  nsubj     8   I-PERSON
        ,           ,           PUNCT  ,    punct     1
        the         the         DET    DT   det       6
        2012        2012        NUM    CD   nummod    6   B-DATE
        Republican  Republican  PROPN  NNP  amod      6   B-NORP
        nominee     nominee     NOUN   NN   appos     1
        ,           ,           PUNCT  ,    punct     1
        spoke       speak       VERB   VBD  ROOT      8
        to          to          ADP    IN   prep      8
        NBC         NBC         PROPN  NNP  poss      13  B-ORG
        's          's          PART   POS  case      10
        Dante       Dante       PROPN  NNP  compound  13  B-PERSON
        Chinni      Chinni      PROPN  NNP  pobj      9   I-PERSON
        .           .           PUNCT  .    punct     8
        """,
    )
    assert [(p.name, p.roles, p.affiliations) for p in doc._.entities.people] == [
        ("Mitt Romney", ["nominee"], ["Republican Party"]), ("Dante Chinni", [], ["NBC"])]


def test_shares_listed_in_one_sentence_are_of_one_group():
    doc = extract(
        "Clinton got 42 percent of voters and Trump 38 percent.",
        """
        Clinton  Clinton  PROPN  NNP  nsubj     1   B-PERSON
        got      get      VERB   VBD  ROOT      1
        42       42       NUM    CD   nummod    3   B-PERCENT
        percent  percent  NOUN   NN   dobj      1   I-PERCENT
        of       of       ADP    IN   prep      3
        voters   voter    NOUN   NNS  pobj      4
        and      and      CCONJ  CC   cc        1
        Trump    Trump    PROPN  NNP  conj      1   B-PERSON
        38       38       NUM    CD   nummod    9   B-PERCENT
        percent  percent  NOUN   NN   npadvmod  7   I-PERCENT
        .        .        PUNCT  .    punct     1
        """,
    )
    assert [(n.text, n.counts) for n in doc._.numbers] == [("42 percent", "voters"), ("38 percent", "voters")]


def test_joint_names_split_at_a_slash_and_hashtags_time_zones_and_numbered_places_are_none():
    doc = extract(
        "Reuters/Ipsos polled #NeverTrump at 9 a.m. Eastern in Future45.",
        """
        Reuters     Reuters     PROPN  NNP  compound  2   B-ORG
        /           /           SYM    SYM  punct     2   I-ORG
        Ipsos       Ipsos       PROPN  NNP  nsubj     3   I-ORG
        polled      poll        VERB   VBD  ROOT      3
        #           #           SYM    NFP  nmod      5
        NeverTrump  NeverTrump  PROPN  NNP  dobj      3   B-ORG
        at          at          ADP    IN   prep      3
        9           9           NUM    CD   nummod    8   B-TIME
        a.m.        a.m.        NOUN   NN   pobj      6   I-TIME
        Eastern     Eastern     PROPN  NNP  npadvmod  8   B-ORG
        in          in          ADP    IN   prep      3
        Future45    Future45    PROPN  NNP  pobj      10  B-GPE
        .           .           PUNCT  .    punct     3
        """,
    )
    assert [o.name for o in doc._.entities.organizations] == ["Reuters", "Ipsos"]
    assert doc._.entities.places == []


def test_a_known_organization_defined_with_its_acronym_is_one_row():
    doc = extract(
        "The National Rifle Association (NRA) spoke. The NRA grew.",
        """
        The          the          DET    DT     det       3  B-ORG
        National     National     PROPN  NNP    compound  3  I-ORG
        Rifle        Rifle        PROPN  NNP    compound  3  I-ORG
        Association  Association  PROPN  NNP    nsubj     7  I-ORG
        (            (            PUNCT  -LRB-  punct     3
        NRA          NRA          PROPN  NNP    appos     3  B-ORG
        )            )            PUNCT  -RRB-  punct     3
        spoke        speak        VERB   VBD    ROOT      7
        .            .            PUNCT  .      punct     7
        The          the          DET    DT     det       10
        NRA          NRA          PROPN  NNP    nsubj     11 B-ORG
        grew         grow         VERB   VBD    ROOT      11
        .            .            PUNCT  .      punct     11
        """,
    )
    assert [(o.name, o.acronym, len(o.mentions)) for o in doc._.entities.organizations] == [
        ("National Rifle Association", "NRA", 3)]


def test_a_demonym_before_a_title_is_the_country_the_person_serves():
    doc = extract(
        "Russian President Vladimir Putin spoke.",
        """
        Russian    Russian    ADJ    JJ   amod      3  B-NORP
        President  President  PROPN  NNP  compound  3
        Vladimir   Vladimir   PROPN  NNP  compound  3  B-PERSON
        Putin      Putin      PROPN  NNP  nsubj     4  I-PERSON
        spoke      speak      VERB   VBD  ROOT      4
        .          .          PUNCT  .    punct     4
        """,
    )
    assert [(p.name, p.titles, p.affiliations) for p in doc._.entities.people] == [
        ("Vladimir Putin", ["President"], ["Russia"])]


def test_a_number_above_one_counts_no_singular_noun_and_a_kind_stays_in_a_count():
    doc = extract(
        "The two write that 31 incidents of fraud occurred.",
        """
        The        the       DET    DT   det     2
        two        two       NUM    CD   nummod  2  B-CARDINAL
        write      write     NOUN   NN   ROOT    2
        that       that      SCONJ  IN   mark    8
        31         31        NUM    CD   nummod  5  B-CARDINAL
        incidents  incident  NOUN   NNS  nsubj   8
        of         of        ADP    IN   prep    5
        fraud      fraud     NOUN   NN   pobj    6
        occurred   occur     VERB   VBD  ccomp   2
        .          .         PUNCT  .    punct   2
        """,
    )
    assert [(n.text, n.counts) for n in doc._.numbers] == [("two", None), ("31", "incidents of fraud")]


def test_a_ratio_and_a_margin_in_points_are_of_no_group_listed_before_them():
    doc = extract(
        "Clinton got 42 percent of voters, four in 10 left, within 4.3 percentage points.",
        """
        Clinton     Clinton     PROPN  NNP  nsubj     1   B-PERSON
        got         get         VERB   VBD  ROOT      1
        42          42          NUM    CD   nummod    3   B-PERCENT
        percent     percent     NOUN   NN   dobj      1   I-PERCENT
        of          of          ADP    IN   prep      3
        voters      voter       NOUN   NNS  pobj      4
        ,           ,           PUNCT  ,    punct     1
        four        four        NUM    CD   nsubj     10  B-CARDINAL
        in          in          ADP    IN   prep      7   I-CARDINAL
        10          10          NUM    CD   pobj      8   I-CARDINAL
        left        leave       VERB   VBD  conj      1
        ,           ,           PUNCT  ,    punct     1
        within      within      ADP    IN   prep      1
        4.3         4.3         NUM    CD   nummod    15  B-PERCENT
        percentage  percentage  NOUN   NN   compound  16  I-PERCENT
        points      point       NOUN   NNS  pobj      12
        .           .           PUNCT  .    punct     1
        """,
    )
    assert [(n.text, n.unit, n.counts) for n in doc._.numbers] == [
        ("42 percent", "percentage", "voters"), ("four in 10", None, None), ("4.3 percentage", "point", None)]


@pytest.mark.parametrize(("text", "table", "unit"), [
    ("She took millions in donations.", """
        She        she       PRON   PRP  nsubj  1
        took       take      VERB   VBD  ROOT   1
        millions   million   NOUN   NNS  dobj   1  B-CARDINAL
        in         in        ADP    IN   prep   2
        donations  donation  NOUN   NNS  pobj   3
        .          .         PUNCT  .    punct  1
        """, "dollar"),
    ("Millions lost their homes.", """
        Millions  million  NOUN   NNS   nsubj  1  B-CARDINAL
        lost      lose     VERB   VBD   ROOT   1
        their     their    PRON   PRP$  poss   3
        homes     home     NOUN   NNS   dobj   1
        .         .        PUNCT  .     punct  1
        """, None),
])
def test_a_bare_amount_in_a_sentence_about_money_is_money(text, table, unit):
    assert [(n.unit, n.counts) for n in extract(text, table)._.numbers] == [(unit, None)]


def test_a_seat_of_power_is_the_organization_when_it_acts_and_the_place_otherwise():
    doc = extract(
        "The White House said aides in the White House left.",
        """
        The     the     DET    DT   det       2
        White   White   PROPN  NNP  compound  2  B-ORG
        House   House   PROPN  NNP  nsubj     3  I-ORG
        said    say     VERB   VBD  ROOT      3
        aides   aide    NOUN   NNS  nsubj     9
        in      in      ADP    IN   prep      4
        the     the     DET    DT   det       8
        White   White   PROPN  NNP  compound  8  B-ORG
        House   House   PROPN  NNP  pobj      5  I-ORG
        left    leave   VERB   VBD  ccomp     3
        .       .       PUNCT  .    punct     3
        """,
    )
    entities = doc._.entities
    assert [(o.name, [m.start for m in o.mentions]) for o in entities.organizations] == [("White House", [4])]
    assert [(p.name, [m.start for m in p.mentions]) for p in entities.places] == [("White House", [34])]


def test_an_organization_s_name_after_a_or_an_is_one_of_its_members_unless_it_modifies_a_noun():
    doc = extract(
        "A Marine told a CNN poll.",
        """
        A       a       DET    DT   det       1
        Marine  Marine  PROPN  NNP  nsubj     2  B-ORG
        told    tell    VERB   VBD  ROOT      2
        a       a       DET    DT   det       5
        CNN     CNN     PROPN  NNP  compound  5  B-ORG
        poll    poll    NOUN   NN   dobj      2
        .       .       PUNCT  .    punct     2
        """,
    )
    assert [o.name for o in doc._.entities.organizations] == ["CNN"]


def test_a_place_after_a_compass_word_is_another_place_than_the_bare_name():
    doc = extract(
        "East Jerusalem is not Jerusalem, nor the Times The New York Times.",
        """
        East       East       PROPN  NNP  compound  1   B-GPE
        Jerusalem  Jerusalem  PROPN  NNP  nsubj     2   I-GPE
        is         be         AUX    VBZ  ROOT      2
        not        not        PART   RB   neg       2
        Jerusalem  Jerusalem  PROPN  NNP  attr      2   B-GPE
        ,          ,          PUNCT  ,    punct     2
        nor        nor        CCONJ  CC   cc        2
        the        the        DET    DT   det       8
        Times      Times      PROPN  NNP  conj      2   B-ORG
        The        the        DET    DT   det       12  B-ORG
        New        New        PROPN  NNP  compound  11  I-ORG
        York       York       PROPN  NNP  compound  12  I-ORG
        Times      Times      PROPN  NNP  appos     8   I-ORG
        .          .          PUNCT  .    punct     2
        """,
    )
    assert [p.name for p in doc._.entities.places] == ["East Jerusalem", "Jerusalem"]
    assert [(o.name, len(o.mentions)) for o in doc._.entities.organizations] == [("New York Times", 2)]


def test_a_surname_alone_joins_the_only_person_who_bears_its_title():
    doc = extract(
        "Bill Clinton met Secretary Hillary Clinton. Clinton won. Secretary Clinton left.",
        """
        Bill       Bill       PROPN  NNP  compound  1   B-PERSON
        Clinton    Clinton    PROPN  NNP  nsubj     2   I-PERSON
        met        meet       VERB   VBD  ROOT      2
        Secretary  Secretary  PROPN  NNP  compound  5
        Hillary    Hillary    PROPN  NNP  compound  5   B-PERSON
        Clinton    Clinton    PROPN  NNP  dobj      2   I-PERSON
        .          .          PUNCT  .    punct     2
        Clinton    Clinton    PROPN  NNP  nsubj     8   B-PERSON
        won        win        VERB   VBD  ROOT      8
        .          .          PUNCT  .    punct     8
        Secretary  Secretary  PROPN  NNP  compound  11
        Clinton    Clinton    PROPN  NNP  nsubj     12  B-PERSON
        left       leave      VERB   VBD  ROOT      12
        .          .          PUNCT  .    punct     12
        """,
    )
    # "Clinton" alone goes to the first named; "Secretary Clinton" to the secretary.
    assert [(p.name, [m.start for m in p.mentions]) for p in doc._.entities.people] == [
        ("Bill Clinton", [0, 44]), ("Hillary Clinton", [27, 67])]


def test_a_title_split_from_its_period_and_brackets_an_editor_added_are_not_in_the_name():
    doc = extract(
        "Army Capt. Christian Pardo met [Hillary] Clinton.",
        """
        Army       Army       PROPN  NNP    compound  4
        Capt       Capt       PROPN  NNP    compound  4  B-PERSON
        .          .          PUNCT  .      punct     4  I-PERSON
        Christian  Christian  PROPN  NNP    compound  4  I-PERSON
        Pardo      Pardo      PROPN  NNP    nsubj     5  I-PERSON
        met        meet       VERB   VBD    ROOT      5
        [          [          PUNCT  -LRB-  punct     9
        Hillary    Hillary    PROPN  NNP    compound  9  B-PERSON
        ]          ]          PUNCT  -RRB-  punct     9  I-PERSON
        Clinton    Clinton    PROPN  NNP    dobj      5  I-PERSON
        .          .          PUNCT  .      punct     5
        """,
    )
    assert [(p.name, p.titles) for p in doc._.entities.people] == [("Christian Pardo", ["Capt."]), ("Hillary Clinton", [])]


def test_a_common_word_opening_a_sentence_is_not_the_first_name_of_a_person_named_there():
    doc = extract(
        "Top Clinton aides left. Hillary Clinton won top votes.",
        """
        Top      Top      PROPN  NNP  compound  2  B-PERSON
        Clinton  Clinton  PROPN  NNP  compound  2  I-PERSON
        aides    aide     NOUN   NNS  nsubj     3
        left     leave    VERB   VBD  ROOT      3
        .        .        PUNCT  .    punct     3
        Hillary  Hillary  PROPN  NNP  compound  6  B-PERSON
        Clinton  Clinton  PROPN  NNP  nsubj     7  I-PERSON
        won      win      VERB   VBD  ROOT      7
        top      top      ADJ    JJ   amod      9
        votes    vote     NOUN   NNS  dobj      7
        .        .        PUNCT  .    punct     7
        """,
    )
    assert [(p.name, [m.text for m in p.mentions]) for p in doc._.entities.people] == [
        ("Hillary Clinton", ["Clinton", "Hillary Clinton"])]


def test_a_surname_with_a_particle_alone_joins_the_full_name_and_a_first_name_like_al_stays():
    doc = extract(
        "Bill de Blasio met Al Gore. De Blasio left.",
        """
        Bill    Bill    PROPN  NNP  compound  2  B-PERSON
        de      de      PROPN  NNP  compound  2  I-PERSON
        Blasio  Blasio  PROPN  NNP  nsubj     3  I-PERSON
        met     meet    VERB   VBD  ROOT      3
        Al      Al      PROPN  NNP  compound  5  B-PERSON
        Gore    Gore    PROPN  NNP  dobj      3  I-PERSON
        .       .       PUNCT  .    punct     3
        De      De      PROPN  NNP  compound  8  B-PERSON
        Blasio  Blasio  PROPN  NNP  nsubj     9  I-PERSON
        left    leave   VERB   VBD  ROOT      9
        .       .       PUNCT  .    punct     9
        """,
    )
    assert [(p.name, [m.text for m in p.mentions]) for p in doc._.entities.people] == [
        ("Bill de Blasio", ["Bill de Blasio", "De Blasio"]), ("Al Gore", ["Al Gore"])]


def test_a_surname_alone_is_not_a_relative_introduced_before_the_name_even_the_only_one_named():
    doc = extract(
        "His son Eric Trump spoke. Trump won.",
        """
        His    his    PRON   PRP$  poss      1
        son    son    NOUN   NN    nsubj     4
        Eric   Eric   PROPN  NNP   compound  3  B-PERSON
        Trump  Trump  PROPN  NNP   appos     1  I-PERSON
        spoke  speak  VERB   VBD   ROOT      4
        .      .      PUNCT  .     punct     4
        Trump  Trump  PROPN  NNP   nsubj     7  B-PERSON
        won    win    VERB   VBD   ROOT      7
        .      .      PUNCT  .     punct     7
        """,
    )
    assert [(p.name, [m.text for m in p.mentions]) for p in doc._.entities.people] == [
        ("Eric Trump", ["Eric Trump"]), ("Trump", ["Trump"])]


def test_a_surname_of_two_words_alone_joins_the_full_name_it_ends():
    doc = extract(
        "Debbie Wasserman Schultz spoke. Wasserman Schultz left.",
        """
        Debbie     Debbie     PROPN  NNP  compound  2  B-PERSON
        Wasserman  Wasserman  PROPN  NNP  compound  2  I-PERSON
        Schultz    Schultz    PROPN  NNP  nsubj     3  I-PERSON
        spoke      speak      VERB   VBD  ROOT      3
        .          .          PUNCT  .    punct     3
        Wasserman  Wasserman  PROPN  NNP  compound  6  B-PERSON
        Schultz    Schultz    PROPN  NNP  nsubj     7  I-PERSON
        left       leave      VERB   VBD  ROOT      7
        .          .          PUNCT  .    punct     7
        """,
    )
    assert [(p.name, [m.text for m in p.mentions]) for p in doc._.entities.people] == [
        ("Debbie Wasserman Schultz", ["Debbie Wasserman Schultz", "Wasserman Schultz"])]


def test_a_building_or_seat_named_after_a_person_is_no_person_and_a_common_word_before_a_first_name_is_none():
    doc = extract(
        "Billionaire Donald Trump left Trump Tower for the Obama White House.",
        """
        Billionaire  billionaire  NOUN   NN   compound  2   B-PERSON
        Donald       Donald       PROPN  NNP  compound  2   I-PERSON
        Trump        Trump        PROPN  NNP  nsubj     3   I-PERSON
        left         leave        VERB   VBD  ROOT      3
        Trump        Trump        PROPN  NNP  compound  5   B-PERSON
        Tower        Tower        PROPN  NNP  dobj      3   I-PERSON
        for          for          ADP    IN   prep      3
        the          the          DET    DT   det       10
        Obama        Obama        PROPN  NNP  compound  10  B-PERSON
        White        White        PROPN  NNP  compound  10  I-PERSON
        House        House        PROPN  NNP  pobj      6   I-PERSON
        .            .            PUNCT  .    punct     3
        """,
    )
    assert [(p.name, [m.text for m in p.mentions]) for p in doc._.entities.people] == [
        ("Donald Trump", ["Donald Trump"])]
    assert [p.name for p in doc._.entities.places] == ["Trump Tower", "White House"]


def test_a_second_title_after_a_title_is_a_title_not_a_name():
    doc = extract(
        "Chairman Rep. Jason Chaffetz spoke.",
        """
        Chairman  Chairman  PROPN  NNP  compound  3  
        Rep.      Rep.      PROPN  NNP  compound  3  
        Jason     Jason     PROPN  NNP  compound  3  B-PERSON
        Chaffetz  Chaffetz  PROPN  NNP  nsubj     4  I-PERSON
        spoke     speak     VERB   VBD  ROOT      4
        .         .         PUNCT  .    punct     4
        """,
    )
    assert [(p.name, [m.text for m in p.mentions]) for p in doc._.entities.people] == [
        ("Jason Chaffetz", ["Jason Chaffetz"])]


def test_a_verb_opening_a_question_is_no_first_name():
    doc = extract(
        "Will Sanders come down?",
        """
        Will     Will     PROPN  NNP  compound  1  B-PERSON
        Sanders  Sanders  PROPN  NNP  nsubj     2  I-PERSON
        come     come     VERB   VB   ROOT      2
        down     down     ADP    RP   prt       2
        ?        ?        PUNCT  .    punct     2
        """,
    )
    assert [(p.name, [m.text for m in p.mentions]) for p in doc._.entities.people] == [("Sanders", ["Sanders"])]


def test_a_surname_before_family_names_no_member_of_it():
    doc = extract(
        "Khizr Khan spoke. The Khan family left.",
        """
        Khizr   Khizr   PROPN  NNP  compound  1  B-PERSON
        Khan    Khan    PROPN  NNP  nsubj     2  I-PERSON
        spoke   speak   VERB   VBD  ROOT      2
        .       .       PUNCT  .    punct     2
        The     the     DET    DT   det       6
        Khan    Khan    PROPN  NNP  compound  6  B-PERSON
        family  family  NOUN   NN   nsubj     7
        left    leave   VERB   VBD  ROOT      7
        .       .       PUNCT  .    punct     7
        """,
    )
    assert [(p.name, [m.text for m in p.mentions]) for p in doc._.entities.people] == [("Khizr Khan", ["Khizr Khan"])]


def test_a_relative_word_tells_the_gender_a_first_name_does_not():
    doc = extract(
        "Ms. Khan spoke of her son, Humayun Khan. Mr. Khan wept.",
        """
        Ms.      Ms.      PROPN  NNP   compound  1   O
        Khan     Khan     PROPN  NNP   nsubj     2   B-PERSON
        spoke    speak    VERB   VBD   ROOT      2   O
        of       of       ADP    IN    prep      2   O
        her      her      PRON   PRP$  poss      5   O
        son      son      NOUN   NN    pobj      3   O
        ,        ,        PUNCT  ,     punct     5   O
        Humayun  Humayun  PROPN  NNP   compound  8   B-PERSON
        Khan     Khan     PROPN  NNP   appos     5   I-PERSON
        .        .        PUNCT  .     punct     2   O
        Mr.      Mr.      PROPN  NNP   compound  11  O
        Khan     Khan     PROPN  NNP   nsubj     12  B-PERSON
        wept     weep     VERB   VBD   ROOT      12  O
        .        .        PUNCT  .     punct     12  O
        """,
    )
    # "Humayun" tells no gender (the census list has no such name); "son" does: Ms. Khan is not him.
    assert [(p.name, [m.start for m in p.mentions], p.gender) for p in doc._.entities.people] == [
        ("Khan", [4], "f"), ("Humayun Khan", [27, 45], "m")]


def test_a_known_first_name_before_and_shares_the_full_name_s_surname_but_no_surname_or_list_word_does():
    doc = extract(
        "Sarah and Timothy Rogers left. Ms. Rogers wept. Presidents Reagan and George Bush, Brandy, Monica and Lauryn Hill sang.",
        """
        Sarah       Sarah       PROPN  NNP  nsubj     4   B-PERSON
        and         and         CCONJ  CC   cc        0   O
        Timothy     Timothy     PROPN  NNP  compound  3   B-PERSON
        Rogers      Rogers      PROPN  NNP  conj      0   I-PERSON
        left        leave       VERB   VBD  ROOT      4   O
        .           .           PUNCT  .    punct     4   O
        Ms.         Ms.         PROPN  NNP  compound  7   O
        Rogers      Rogers      PROPN  NNP  nsubj     8   B-PERSON
        wept        weep        VERB   VBD  ROOT      8   O
        .           .           PUNCT  .    punct     8   O
        Presidents  president   NOUN   NNS  compound  11  O
        Reagan      Reagan      PROPN  NNP  nsubj     22  B-PERSON
        and         and         CCONJ  CC   cc        11  O
        George      George      PROPN  NNP  compound  14  B-PERSON
        Bush        Bush        PROPN  NNP  conj      11  I-PERSON
        ,           ,           PUNCT  ,    punct     14  O
        Brandy      Brandy      PROPN  NNP  conj      14  B-PERSON
        ,           ,           PUNCT  ,    punct     16  O
        Monica      Monica      PROPN  NNP  conj      16  B-PERSON
        and         and         CCONJ  CC   cc        18  O
        Lauryn      Lauryn      PROPN  NNP  compound  21  B-PERSON
        Hill        Hill        PROPN  NNP  conj      18  I-PERSON
        sang        sing        VERB   VBD  ROOT      22  O
        .           .           PUNCT  .    punct     22  O
        """,
    )
    assert [(p.name, [m.text for m in p.mentions]) for p in doc._.entities.people] == [
        ("Sarah Rogers", ["Sarah", "Rogers"]), ("Timothy Rogers", ["Timothy Rogers"]), ("Reagan", ["Reagan"]),
        ("George Bush", ["George Bush"]), ("Brandy", ["Brandy"]), ("Monica", ["Monica"]), ("Lauryn Hill", ["Lauryn Hill"]),
    ]


def test_a_title_and_surname_listed_as_one_person_are_known_by_the_full_name_and_never_another_s():
    doc = extract(
        "President Obama met Michelle Obama. Obama spoke. Mrs. Obama smiled.",
        """
        President  President  PROPN  NNP  compound  1   O
        Obama      Obama      PROPN  NNP  nsubj     2   B-PERSON
        met        meet       VERB   VBD  ROOT      2   O
        Michelle   Michelle   PROPN  NNP  compound  4   B-PERSON
        Obama      Obama      PROPN  NNP  dobj      2   I-PERSON
        .          .          PUNCT  .    punct     2   O
        Obama      Obama      PROPN  NNP  nsubj     7   B-PERSON
        spoke      speak      VERB   VBD  ROOT      7   O
        .          .          PUNCT  .    punct     7   O
        Mrs.       Mrs.       PROPN  NNP  compound  10  O
        Obama      Obama      PROPN  NNP  nsubj     11  B-PERSON
        smiled     smile      VERB   VBD  ROOT      11  O
        .          .          PUNCT  .    punct     11  O
        """,
    )
    people = doc._.entities.people
    assert [(p.name, p.known_as, [m.start for m in p.mentions], p.gender) for p in people] == [
        ("Obama", "Barack Obama", [10, 36], "m"), ("Michelle Obama", None, [20, 54], "f")]
    # The person is keyed by the full name, as an article naming him in full keys him.
    assert doc._.identity_keys["people"] == ["barack obama", "michelle obama"]


def test_a_first_name_ending_a_list_of_names_is_not_the_person_of_that_first_name_named_in_full():
    doc = extract(
        "Bill Clinton spoke. Her sons, Michael, Stephen and Bill, survive her.",
        """
        Bill      Bill      PROPN  NNP  compound  1   B-PERSON
        Clinton   Clinton   PROPN  NNP  nsubj     2   I-PERSON
        spoke     speak     VERB   VBD  ROOT      2   O
        .         .         PUNCT  .    punct     2   O
        Her       her       PRON   PRP$ poss      5   O
        sons      son       NOUN   NNS  nsubj     13  O
        ,         ,         PUNCT  ,    punct     5   O
        Michael   Michael   PROPN  NNP  appos     5   B-PERSON
        ,         ,         PUNCT  ,    punct     7   O
        Stephen   Stephen   PROPN  NNP  conj      7   B-PERSON
        and       and       CCONJ  CC   cc        9   O
        Bill      Bill      PROPN  NNP  conj      9   B-PERSON
        ,         ,         PUNCT  ,    punct     5   O
        survive   survive   VERB   VBP  ROOT      13  O
        her       she       PRON   PRP  dobj      13  O
        .         .         PUNCT  .    punct     13  O
        """,
    )
    assert [(p.name, [m.start for m in p.mentions]) for p in doc._.entities.people] == [
        ("Bill Clinton", [0]), ("Michael", [30]), ("Stephen", [39]), ("Bill", [51])]


def test_a_gerund_the_model_puts_before_a_name_is_left_out():
    doc = extract(
        "Entrusting Donald Trump with power is risky.",
        """
        Entrusting  entrust  VERB   VBG  csubj     5  B-PERSON
        Donald      Donald   PROPN  NNP  compound  2  I-PERSON
        Trump       Trump    PROPN  NNP  dobj      0  I-PERSON
        with        with     ADP    IN   prep      0  O
        power       power    NOUN   NN   pobj      3  O
        is          be       AUX    VBZ  ROOT      5  O
        risky       risky    ADJ    JJ   acomp     5  O
        .           .        PUNCT  .    punct     5  O
        """,
    )
    assert [p.name for p in doc._.entities.people] == ["Donald Trump"]


def test_a_first_name_before_and_written_in_full_elsewhere_shares_the_surname_and_a_couple_s_titles_tell_no_gender():
    doc = extract(
        "Khizr and Ghazala Khan spoke. Khizr Khan wept. Mr. and Mrs. Khan left. Mr. Khan smiled.",
        """
        Khizr    Khizr    PROPN  NNP  nsubj     4   B-PERSON
        and      and      CCONJ  CC   cc        0   O
        Ghazala  Ghazala  PROPN  NNP  compound  3   B-PERSON
        Khan     Khan     PROPN  NNP  conj      0   I-PERSON
        spoke    speak    VERB   VBD  ROOT      4   O
        .        .        PUNCT  .    punct     4   O
        Khizr    Khizr    PROPN  NNP  compound  7   B-PERSON
        Khan     Khan     PROPN  NNP  nsubj     8   I-PERSON
        wept     weep     VERB   VBD  ROOT      8   O
        .        .        PUNCT  .    punct     8   O
        Mr.      Mr.      PROPN  NNP  compound  13  O
        and      and      CCONJ  CC   cc        10  O
        Mrs.     Mrs.     PROPN  NNP  compound  13  O
        Khan     Khan     PROPN  NNP  nsubj     14  B-PERSON
        left     leave    VERB   VBD  ROOT      14  O
        .        .        PUNCT  .    punct     14  O
        Mr.      Mr.      PROPN  NNP  compound  17  O
        Khan     Khan     PROPN  NNP  nsubj     18  B-PERSON
        smiled   smile    VERB   VBD  ROOT      18  O
        .        .        PUNCT  .    punct     18  O
        """,
    )
    # "Khizr" is no first name the census list knows, but "Khizr Khan" is
    # written: Khizr is named first, and "Mrs." of "Mr. and Mrs. Khan" does
    # not make him a woman whom "Mr. Khan" could no longer name.
    assert [(p.name, [m.start for m in p.mentions], p.gender) for p in doc._.entities.people] == [
        ("Khizr Khan", [0, 30, 60, 75], "m"), ("Ghazala Khan", [10], None)]


def test_a_full_name_of_no_known_gender_joins_neither_title_where_the_surname_has_both():
    doc = extract(
        "Ghazala Khan spoke. Mr. Khan wept. Ms. Khan wrote.",
        """
        Ghazala  Ghazala  PROPN  NNP  compound  1   B-PERSON
        Khan     Khan     PROPN  NNP  nsubj     2   I-PERSON
        spoke    speak    VERB   VBD  ROOT      2   O
        .        .        PUNCT  .    punct     2   O
        Mr.      Mr.      PROPN  NNP  compound  5   O
        Khan     Khan     PROPN  NNP  nsubj     6   B-PERSON
        wept     weep     VERB   VBD  ROOT      6   O
        .        .        PUNCT  .    punct     6   O
        Ms.      Ms.      PROPN  NNP  compound  9   O
        Khan     Khan     PROPN  NNP  nsubj     10  B-PERSON
        wrote    write    VERB   VBD  ROOT      10  O
        .        .        PUNCT  .    punct     10  O
        """,
    )
    # Either could be Ghazala Khan; the first one written would take her.
    assert [(p.name, [m.start for m in p.mentions]) for p in doc._.entities.people] == [
        ("Ghazala Khan", [0]), ("Mr. Khan", [24]), ("Ms. Khan", [39])]


def test_a_president_s_surname_before_a_presidency_word_is_that_president_unless_the_presidency_is_hypothetical():
    doc = extract(
        "Nancy Reagan spoke of the Reagan administration and the Clinton and Obama eras. A Trump administration looms. "
        "The Bush administration will act.",
        """
        Nancy           Nancy           PROPN  NNP  compound  1   B-PERSON
        Reagan          Reagan          PROPN  NNP  nsubj     2   I-PERSON
        spoke           speak           VERB   VBD  ROOT      2   O
        of              of              ADP    IN   prep      2   O
        the             the             DET    DT   det       6   O
        Reagan          Reagan          PROPN  NNP  compound  6   B-PERSON
        administration  administration  NOUN   NN   pobj      3   O
        and             and             CCONJ  CC   cc        6   O
        the             the             DET    DT   det       12  O
        Clinton         Clinton         PROPN  NNP  nmod      12  B-PERSON
        and             and             CCONJ  CC   cc        9   O
        Obama           Obama           PROPN  NNP  conj      9   B-PERSON
        eras            era             NOUN   NNS  conj      6   O
        .               .               PUNCT  .    punct     2   O
        A               a               DET    DT   det       16  O
        Trump           Trump           PROPN  NNP  compound  16  B-PERSON
        administration  administration  NOUN   NN   nsubj     17  O
        looms           loom            VERB   VBZ  ROOT      17  O
        .               .               PUNCT  .    punct     17  O
        The             the             DET    DT   det       21  O
        Bush            Bush            PROPN  NNP  compound  21  B-PERSON
        administration  administration  NOUN   NN   nsubj     23  O
        will            will            AUX    MD   aux       23  O
        act             act             VERB   VB   ROOT      23  O
        .               .               PUNCT  .    punct     23  O
        """,
    )
    # A presidency to come is whoever will hold it: "Trump" and "Bush" are no president's.
    assert [(p.name, p.known_as, [m.start for m in p.mentions]) for p in doc._.entities.people] == [
        ("Nancy Reagan", None, [0]), ("Reagan", "Ronald Reagan", [26]), ("Clinton", "Bill Clinton", [56]),
        ("Obama", "Barack Obama", [68]), ("Trump", None, [82]), ("Bush", None, [114])]
    assert doc._.identity_keys["people"][:4] == ["nancy reagan", "ronald reagan", "william clinton", "barack obama"]


def test_a_surname_alone_in_a_live_blog_entry_joins_the_full_name_of_its_own_entry():
    doc = extract(
        "Gary Johnson ran.\n\n___\n\nJeh Johnson spoke. Johnson warned.\n\n___\n\nJohnson smiled.",
        """
        Gary     Gary     PROPN  NNP  compound  1   B-PERSON
        Johnson  Johnson  PROPN  NNP  nsubj     2   I-PERSON
        ran      run      VERB   VBD  ROOT      2   O
        .        .        PUNCT  .    punct     2   O
        ¶        ¶        SPACE  _SP  dep       3   O
        ___      ___      PUNCT  NFP  ROOT      5   O
        ¶        ¶        SPACE  _SP  dep       5   O
        Jeh      Jeh      PROPN  NNP  compound  8   B-PERSON
        Johnson  Johnson  PROPN  NNP  nsubj     9   I-PERSON
        spoke    speak    VERB   VBD  ROOT      9   O
        .        .        PUNCT  .    punct     9   O
        Johnson  Johnson  PROPN  NNP  nsubj     12  B-PERSON
        warned   warn     VERB   VBD  ROOT      12  O
        .        .        PUNCT  .    punct     12  O
        ¶        ¶        SPACE  _SP  dep       13  O
        ___      ___      PUNCT  NFP  ROOT      15  O
        ¶        ¶        SPACE  _SP  dep       15  O
        Johnson  Johnson  PROPN  NNP  nsubj     18  B-PERSON
        smiled   smile    VERB   VBD  ROOT      18  O
        .        .        PUNCT  .    punct     18  O
        """,
    )
    # An entry naming no Johnson in full reads as the article does: the first named.
    assert [(p.name, [m.start for m in p.mentions]) for p in doc._.entities.people] == [
        ("Gary Johnson", [0, 65]), ("Jeh Johnson", [24, 43])]


def test_a_possessive_the_tagger_read_as_part_of_a_name_is_left_out_of_it():
    doc = extract(
        "Donald Trump’s rally began.",
        """
        Donald  Donald  PROPN  NNP  compound  1   B-PERSON
        Trump   Trump   PROPN  NNP  compound  2   I-PERSON
        ’s      ’s      PROPN  NNP  poss      3   I-PERSON
        rally   rally   NOUN   NN   nsubj     4   O
        began   begin   VERB   VBD  ROOT      4   O
        .       .       PUNCT  .    punct     4   O
        """,
    )
    assert [(p.name, [m.text for m in p.mentions]) for p in doc._.entities.people] == [("Donald Trump", ["Donald Trump"])]


def test_names_told_apart_by_their_initials_stay_apart_in_an_article_and_other_middle_initials_do_not():
    doc = extract(
        "George Bush met George W. Bush and Michael McCaul met Michael T. McCaul.",
        """
        George    George    PROPN  NNP  compound  1   B-PERSON
        Bush      Bush      PROPN  NNP  nsubj     2   I-PERSON
        met       meet      VERB   VBD  ROOT      2   O
        George    George    PROPN  NNP  compound  5   B-PERSON
        W.        W.        PROPN  NNP  compound  5   I-PERSON
        Bush      Bush      PROPN  NNP  dobj      2   I-PERSON
        and       and       CCONJ  CC   cc        2   O
        Michael   Michael   PROPN  NNP  compound  8   B-PERSON
        McCaul    McCaul    PROPN  NNP  nsubj     9   I-PERSON
        met       meet      VERB   VBD  conj      2   O
        Michael   Michael   PROPN  NNP  compound  12  B-PERSON
        T.        T.        PROPN  NNP  compound  12  I-PERSON
        McCaul    McCaul    PROPN  NNP  dobj      9   I-PERSON
        .         .         PUNCT  .    punct     2   O
        """,
    )
    # "George Bush" is listed in lexicons/distinct_initials.txt: the father
    # is not his son; any other name is one person with or without initials.
    assert [(p.name, [m.start for m in p.mentions]) for p in doc._.entities.people] == [
        ("George Bush", [0]), ("George W. Bush", [16]), ("Michael T. McCaul", [35, 54])]
