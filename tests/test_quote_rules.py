"""Quote rules on hand-built Docs: each cue strategy, speaker rule and
resolution rule, independent of the statistical model."""

from __future__ import annotations

from tests.handmade import extract


def quotes(doc) -> list[tuple]:
    """``(kind, text, cue, speaker mention, speaker)`` of every quote."""
    found = []
    for q in doc._.quotes:
        found.append((q.kind, doc.text[q.start : q.end], q.cue, q.speaker_mention, q.speaker))
    return found


def test_the_speech_verb_governing_a_quotation_is_its_cue_and_its_subject_the_speaker():
    doc = extract(
        "“We cannot do this alone,” Ali Nazary said.",
        """
        “          "        PUNCT  ``    punct     11
        We         we       PRON   PRP   nsubj     4
        can        can      AUX    MD    aux       4
        not        not      PART   RB    neg       4
        do         do       VERB   VB    ccomp     11
        this       this     PRON   DT    dobj      4
        alone      alone    ADV    RB    advmod    4
        ,          ,        PUNCT  ,     punct     11
        ”          "        PUNCT  ''    punct     11
        Ali        Ali      PROPN  NNP   compound  10  B-PERSON
        Nazary     Nazary   PROPN  NNP   nsubj     11  I-PERSON
        said       say      VERB   VBD   ROOT      11
        .          .        PUNCT  .     punct     11
        """,
    )
    assert quotes(doc) == [("direct", "“We cannot do this alone,”", "said", "Ali Nazary", "Ali Nazary")]


def test_a_name_after_the_verb_that_the_parser_did_not_make_its_subject_is_the_speaker():
    doc = extract(
        "“The risk is real,” said Edward Leamer.",
        """
        “          "        PUNCT  ``    punct     7
        The        the      DET    DT    det       2
        risk       risk     NOUN   NN    nsubj     3
        is         be       AUX    VBZ   ccomp     7
        real       real     ADJ    JJ    acomp     3
        ,          ,        PUNCT  ,     punct     7
        ”          "        PUNCT  ''    punct     7
        said       say      VERB   VBD   ROOT      7
        Edward     Edward   PROPN  NNP   compound  9   B-PERSON
        Leamer     Leamer   PROPN  NNP   dobj      7   I-PERSON
        .          .        PUNCT  .     punct     7
        """,
    )
    assert quotes(doc) == [("direct", "“The risk is real,”", "said", "Edward Leamer", "Edward Leamer")]


def test_a_naming_verb_is_the_cue_of_a_partial_quote():
    doc = extract(
        "He called it “grossly irresponsible.”",
        """
        He             he             PRON   PRP   nsubj     1
        called         call           VERB   VBD   ROOT      1
        it             it             PRON   PRP   dobj      1
        “              "              PUNCT  ``    punct     5
        grossly        grossly        ADV    RB    advmod    5
        irresponsible  irresponsible  ADJ    JJ    oprd      1
        .              .              PUNCT  .     punct     1
        ”              "              PUNCT  ''    punct     1
        """,
    )
    assert quotes(doc) == [("partial", "“grossly irresponsible.”", "called", "He", None)]


def test_quoted_words_in_the_reporters_clause_without_a_cue_are_no_quote():
    doc = extract(
        "The so-called “reform” passed.",
        """
        The      the      DET    DT    det       5
        so       so       ADV    RB    advmod    3
        -        -        PUNCT  HYPH  punct     3
        called   call     VERB   VBN   amod      5
        “        "        PUNCT  ``    punct     5
        reform   reform   NOUN   NN    nsubj     7
        ”        "        PUNCT  ''    punct     5
        passed   pass     VERB   VBN   ROOT      7
        .        .        PUNCT  .     punct     7
        """,
    )
    assert quotes(doc) == []
    assert [s.text for s in doc.spans["quotations"]] == ["“reform”"]


def test_the_verb_of_a_clause_ending_in_a_colon_introduces_the_quote():
    doc = extract(
        "He gave the Texan a compliment: “You are great.”",
        """
        He          he          PRON   PRP   nsubj     1
        gave        give        VERB   VBD   ROOT      1
        the         the         DET    DT    det       3
        Texan       Texan       PROPN  NNP   dative    1   B-NORP
        a           a           DET    DT    det       5
        compliment  compliment  NOUN   NN    dobj      1
        :           :           PUNCT  :     punct     5
        “           "           PUNCT  ``    punct     9
        You         you         PRON   PRP   nsubj     9
        are         be          AUX    VBP   appos     5
        great       great       ADJ    JJ    acomp     9
        .           .           PUNCT  .     punct     9
        ”           "           PUNCT  ''    punct     9
        """,
    )
    assert quotes(doc) == [("direct", "“You are great.”", "gave", "He", None)]


def test_a_name_and_a_colon_label_the_speaker_without_a_verb():
    doc = extract(
        "Mark Blumenthal: “Polls are fine.”",
        """
        Mark        Mark        PROPN  NNP   compound  1   B-PERSON
        Blumenthal  Blumenthal  PROPN  NNP   dep       5   I-PERSON
        :           :           PUNCT  :     punct     1
        “           "           PUNCT  ``    punct     5
        Polls       poll        NOUN   NNS   nsubj     5
        are         be          AUX    VBP   ROOT      5
        fine        fine        ADJ    JJ    acomp     5
        .           .           PUNCT  .     punct     5
        ”           "           PUNCT  ''    punct     5
        """,
    )
    assert quotes(doc) == [("direct", "“Polls are fine.”", None, "Mark Blumenthal", "Mark Blumenthal")]


def test_any_verb_framing_the_quote_with_a_named_subject_is_its_cue():
    doc = extract(
        "“This is fantastic!” beamed Donald Hartley.",
        """
        “          "          PUNCT  ``    punct     2
        This       this       PRON   DT    nsubj     2
        is         be         AUX    VBZ   ccomp     6
        fantastic  fantastic  ADJ    JJ    acomp     2
        !          !          PUNCT  .     punct     2
        ”          "          PUNCT  ''    punct     2
        beamed     beam       VERB   VBD   ROOT      6
        Donald     Donald     PROPN  NNP   compound  8   B-PERSON
        Hartley    Hartley    PROPN  NNP   nsubj     6   I-PERSON
        .          .          PUNCT  .     punct     6
        """,
    )
    assert quotes(doc) == [("direct", "“This is fantastic!”", "beamed", "Donald Hartley", "Donald Hartley")]


def test_a_short_attribution_sentence_after_the_quote_gives_its_cue():
    doc = extract(
        "“We will win.” The mayor added.",
        """
        “      "      PUNCT  ``    punct     3
        We     we     PRON   PRP   nsubj     3
        will   will   AUX    MD    aux       3
        win    win    VERB   VB    ROOT      3
        .      .      PUNCT  .     punct     3
        ”      "      PUNCT  ''    punct     3
        The    the    DET    DT    det       7
        mayor  mayor  NOUN   NN    nsubj     8
        added  add    VERB   VBD   ROOT      8
        .      .      PUNCT  .     punct     8
        """,
    )
    assert quotes(doc) == [("direct", "“We will win.”", "added", "The mayor", "the mayor")]


def test_a_verb_right_after_the_quote_with_a_pronoun_subject_frames_it():
    doc = extract(
        "“We will win,” he beamed.",
        """
        “       "     PUNCT  ``    punct     7
        We      we    PRON   PRP   nsubj     3
        will    will  AUX    MD    aux       3
        win     win   VERB   VB    ccomp     7
        ,       ,     PUNCT  ,     punct     7
        ”       "     PUNCT  ''    punct     7
        he      he    PRON   PRP   nsubj     7
        beamed  beam  VERB   VBD   ROOT      7
        .       .     PUNCT  .     punct     7
        """,
    )
    assert quotes(doc) == [("direct", "“We will win,”", "beamed", "he", None)]


def test_a_speech_verbs_clausal_complement_is_indirect_speech():
    doc = extract(
        "He said the rebels control the valley.",
        """
        He       he       PRON   PRP   nsubj     1
        said     say      VERB   VBD   ROOT      1
        the      the      DET    DT    det       3
        rebels   rebel    NOUN   NNS   nsubj     4
        control  control  VERB   VBP   ccomp     1
        the      the      DET    DT    det       6
        valley   valley   NOUN   NN    dobj      4
        .        .        PUNCT  .     punct     1
        """,
    )
    assert quotes(doc) == [("indirect", "the rebels control the valley", "said", "He", None)]


def test_according_to_reports_the_rest_of_the_sentence():
    doc = extract(
        "According to officials, the plan failed.",
        """
        According  accord    VERB   VBG   prep      6
        to         to        ADP    IN    prep      0
        officials  official  NOUN   NNS   pobj      1
        ,          ,         PUNCT  ,     punct     6
        the        the       DET    DT    det       5
        plan       plan      NOUN   NN    nsubj     6
        failed     fail      VERB   VBD   ROOT      6
        .          .         PUNCT  .     punct     6
        """,
    )
    assert quotes(doc) == [("indirect", "the plan failed", "according to", "officials", "officials")]


def test_whoever_issues_a_statement_saying_something_is_its_speaker():
    doc = extract(
        "The group issued a statement saying the talks had failed.",
        """
        The        the        DET    DT    det       1
        group      group      NOUN   NN    nsubj     2
        issued     issue      VERB   VBD   ROOT      2
        a          a          DET    DT    det       4
        statement  statement  NOUN   NN    dobj      2
        saying     say        VERB   VBG   acl       4
        the        the        DET    DT    det       7
        talks      talk       NOUN   NNS   nsubj     9
        had        have       AUX    VBD   aux       9
        failed     fail       VERB   VBN   ccomp     5
        .          .          PUNCT  .     punct     2
        """,
    )
    assert quotes(doc) == [("indirect", "the talks had failed", "saying", "The group", "the group")]


def test_the_noun_a_relative_clause_belongs_to_is_the_speaker_of_who_said():
    doc = extract(
        "Officials met a senator who said the bill would pass.",
        """
        Officials  official  NOUN   NNS   nsubj     1
        met        meet      VERB   VBD   ROOT      1
        a          a         DET    DT    det       3
        senator    senator   NOUN   NN    dobj      1
        who        who       PRON   WP    nsubj     5
        said       say       VERB   VBD   relcl     3
        the        the       DET    DT    det       7
        bill       bill      NOUN   NN    nsubj     9
        would      would     AUX    MD    aux       9
        pass       pass      VERB   VB    ccomp     5
        .          .         PUNCT  .     punct     1
        """,
    )
    assert quotes(doc) == [("indirect", "the bill would pass", "said", "a senator", "a senator")]


def test_she_resolves_to_the_nearest_earlier_named_subject_of_a_fitting_gender():
    doc = extract(
        "Ms. Ann Lee arrived. Mr. John Smith left. “It went well,” she said.",
        """
        Ms.      Ms.     PROPN  NNP   compound  2
        Ann      Ann     PROPN  NNP   compound  2   B-PERSON
        Lee      Lee     PROPN  NNP   nsubj     3   I-PERSON
        arrived  arrive  VERB   VBD   ROOT      3
        .        .       PUNCT  .     punct     3
        Mr.      Mr.     PROPN  NNP   compound  7
        John     John    PROPN  NNP   compound  7   B-PERSON
        Smith    Smith   PROPN  NNP   nsubj     8   I-PERSON
        left     leave   VERB   VBD   ROOT      8
        .        .       PUNCT  .     punct     8
        “        "       PUNCT  ``    punct     17
        It       it      PRON   PRP   nsubj     12
        went     go      VERB   VBD   ccomp     17
        well     well    ADV    RB    advmod    12
        ,        ,       PUNCT  ,     punct     17
        ”        "       PUNCT  ''    punct     17
        she      she     PRON   PRP   nsubj     17
        said     say     VERB   VBD   ROOT      17
        .        .       PUNCT  .     punct     17
        """,
    )
    assert quotes(doc) == [("direct", "“It went well,”", "said", "she", "Ann Lee")]


def test_a_definite_description_refers_back_to_its_indefinite_first_mention():
    doc = extract(
        "A senior official spoke. “No comment,” the official said.",
        """
        A         a         DET    DT    det       2
        senior    senior    ADJ    JJ    amod      2
        official  official  NOUN   NN    nsubj     3
        spoke     speak     VERB   VBD   ROOT      3
        .         .         PUNCT  .     punct     3
        “         "         PUNCT  ``    punct     12
        No        no        DET    DT    det       7
        comment   comment   NOUN   NN    dep       12
        ,         ,         PUNCT  ,     punct     12
        ”         "         PUNCT  ''    punct     12
        the       the       DET    DT    det       11
        official  official  NOUN   NN    nsubj     12
        said      say       VERB   VBD   ROOT      12
        .         .         PUNCT  .     punct     12
        """,
    )
    assert quotes(doc) == [("direct", "“No comment,”", "said", "the official", "a senior official")]


def test_the_senator_is_the_last_person_titled_sen():
    doc = extract(
        "Sen. Tom Carper arrived. “Yes,” the senator said.",
        """
        Sen.     Sen.     PROPN  NNP   compound  2
        Tom      Tom      PROPN  NNP   compound  2   B-PERSON
        Carper   Carper   PROPN  NNP   nsubj     3   I-PERSON
        arrived  arrive   VERB   VBD   ROOT      3
        .        .        PUNCT  .     punct     3
        “        "        PUNCT  ``    punct     11
        Yes      yes      INTJ   UH    intj      11
        ,        ,        PUNCT  ,     punct     11
        ”        "        PUNCT  ''    punct     11
        the      the      DET    DT    det       10
        senator  senator  NOUN   NN    nsubj     11
        said     say      VERB   VBD   ROOT      11
        .        .        PUNCT  .     punct     11
        """,
    )
    assert quotes(doc) == [("direct", "“Yes,”", "said", "the senator", "Tom Carper")]


CONTINUED = """
    “        "        PUNCT  ``    punct     6
    First    first    ADV    RB    advmod    6
    ,        ,        PUNCT  ,     punct     6
    ”        "        PUNCT  ''    punct     6
    Ali      Ali      PROPN  NNP   compound  5   B-PERSON
    Nazary   Nazary   PROPN  NNP   nsubj     6   I-PERSON
    said     say      VERB   VBD   ROOT      6
    .        .        PUNCT  .     punct     6
    ¶        ¶        SPACE  _SP   dep       7
    {filler}“        "        PUNCT  ``    punct     {root}
    Second   second   ADJ    JJ    ROOT      {root}
    .        .        PUNCT  .     punct     {root}
    ”        "        PUNCT  ''    punct     {root}
"""


def continued(paragraphs_between: int) -> tuple:
    """The second quote, ``paragraphs_between`` paragraphs after the attributed one."""
    filler = "".join(
        f"Fill{n} fill PROPN NNP ROOT {9 + 2 * n}\n¶ ¶ SPACE _SP dep {9 + 2 * n}\n    " for n in range(paragraphs_between)
    )
    fills = "".join(f"Fill{n}\n\n" for n in range(paragraphs_between))
    doc = extract(f"“First,” Ali Nazary said.\n\n{fills}“Second.”",
                  CONTINUED.format(filler=filler, root=10 + 2 * paragraphs_between))
    return quotes(doc)[1]


def test_a_quote_without_a_cue_continues_the_attribution_up_to_two_paragraphs_before_it():
    assert continued(0) == ("direct", "“Second.”", None, "Ali Nazary", "Ali Nazary")
    assert continued(1) == ("direct", "“Second.”", None, "Ali Nazary", "Ali Nazary")


def test_a_quote_three_paragraphs_after_an_attribution_does_not_continue_it():
    assert continued(2) == ("direct", "“Second.”", None, None, None)


def test_quotations_glued_into_one_token_stay_two_quotes():
    # The tokenizer leaves "vote,“Aye”,“Nay”,was" whole: both quotes cover
    # that one token, and each keeps its own record.
    doc = extract(
        "The vote,“Aye”,“Nay”,was close.",
        """
        The                   the                   DET    DT   det    2
        vote,“Aye”,“Nay”,was  vote,“aye”,“nay”,was  VERB   VBN  amod   2
        close                 close                 NOUN   NN   ROOT   2
        .                     .                     PUNCT  .    punct  2
        """,
    )
    assert quotes(doc) == [("direct", "“Aye”", None, None, None), ("direct", "“Nay”", None, None, None)]
    assert [(s.text, s.label_) for s in doc.spans["quotes"]] == [("vote,“Aye”,“Nay”,was", "direct")] * 2
