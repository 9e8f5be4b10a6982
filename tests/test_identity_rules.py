"""Keys that make one entity of the same person, organization or place
across articles: pure functions, with the lexicons' rules."""

from __future__ import annotations

import pytest

from newsflow.gazetteer import Place
from newsflow.identity import entity_id, name_key, organization_key, people_keys, person_key, place_key
from tests.handmade import extractors


@pytest.fixture(scope="module")
def rules():
    return extractors().get_pipe("newsflow_identity").rules


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Donald J. Trump", "Donald Trump"),
        ("Vladimir V. Putin", "Vladimir Putin"),
        ("DONALD TRUMP", "Donald Trump"),
        ("José Andrés", "Jose Andres"),
        ("Donald Trump’s", "Donald Trump"),
        ("Joe Biden", "Joseph Biden"),  # a short form of a given name is the name
        ("Chuck Grassley", "Charles E. Grassley"),
        ("Hillary Rodham Clinton", "Hillary Clinton"),  # curated aliases
        ("Joseph R. Biden Jr.", "Joe Biden"),
        ("George H. W. Bush", "George H.W. Bush"),  # initials that count, however spaced
    ],
)
def test_one_person_whatever_the_middle_initials_case_and_accents(rules, one, other):
    assert person_key(one, rules) == person_key(other, rules) is not None


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Bill Clinton", "Hillary Clinton"),
        ("Donald Trump", "Donald Trump Jr."),
        ("Donald Trump", "Melania Trump"),
        ("George W. Bush", "George H.W. Bush"),  # names whose initials tell people apart
        ("George W. Bush", "Jeb Bush"),
        ("Ahmad Shah Massoud", "Ahmad Massoud"),  # a middle name is no initial: father and son
        ("Chris Cuomo", "Andrew Cuomo"),
        ("Will Sanders", "William Sanders"),  # "Will" is no listed short form: a name of its own too
    ],
)
def test_people_who_share_a_surname_stay_apart(rules, one, other):
    assert person_key(one, rules) != person_key(other, rules)


def test_a_name_written_without_the_initials_that_count_is_the_one_its_article_leaves():
    # lexicons/distinct_initials.txt lists George W. and George H.W. Bush.
    assert people_keys(["George W. Bush", "George Bush", "Jeb Bush"], rules := extractors().get_pipe(
        "newsflow_identity").rules) == ["george w bush", "george hw bush", "jeb bush"]
    assert people_keys(["George Bush", "Jeb Bush"], rules) == ["george bush", "jeb bush"]  # either of them
    assert people_keys(["George W. Bush", "George H.W. Bush", "George Bush"], rules)[2] == "george bush"


def test_a_single_name_has_no_key_and_an_id_of_its_own_article():
    assert person_key("Trump", None) is None
    assert entity_id("person", None, "article-a", "Trump") != entity_id("person", None, "article-b", "Trump")
    assert entity_id("person", "donald trump", "article-a", "Donald Trump") == entity_id(
        "person", "donald trump", "article-b", "Donald J. Trump")


@pytest.mark.parametrize(
    ("name", "acronym", "expected"),
    [
        ("GOP", None, "republican party"),
        ("the Republican Party", None, "republican party"),
        ("Department of Justice", None, "justice department"),
        ("Justice Department", "DOJ", "justice department"),
        ("DOJ", None, "justice department"),
        ("Goldman", None, "goldman sachs"),
        ("U.N.", None, "united nations"),
        ("National Resistance Front", "NRF", "national resistance front"),  # not listed: its own name
    ],
)
def test_organizations_join_by_curated_alias_or_acronym(rules, name, acronym, expected):
    assert organization_key(name, acronym, rules) == expected


def test_places_join_by_what_they_resolve_to():
    pennsylvania = Place(6254927, "Pennsylvania", "admin1", "US", "PA", 40.5, -77.1, 12_000_000)
    assert place_key("Pa.", pennsylvania) == place_key("Pennsylvania", pennsylvania) == "geonames:6254927"
    middle_east = Place(None, "Middle East", "region", None, None, 30.0, 40.0, 300_000_000)
    assert place_key("Mideast", middle_east) == place_key("the Middle East", middle_east) == "region:middle east"
    assert place_key("Silk Road", None) == place_key("the Silk Road", None) == "silk road"


def test_name_keys_ignore_case_periods_commas_and_a_leading_the():
    assert name_key("The U.S. Department of Justice") == "us department of justice"
    assert name_key("Trump, Donald") == "trump donald"
