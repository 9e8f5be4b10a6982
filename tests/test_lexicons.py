"""The lexicons are data people edit by hand: their invariants, checked."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from spacy.util import load_config_from_str

from newsflow import lexicons
from newsflow.gazetteer import key
from newsflow.identity import name_key
from newsflow.mentions import title_key
from tests.handmade import extractors

WORD_LISTS = [
    "naming_verbs.txt", "statement_nouns.txt", "number_hedges.txt", "debris_lines.txt", "distinct_initials.txt",
    "organization_heads.txt", "not_organizations.txt", "seats_of_power.txt", "money_words.txt",
    "facility_heads.txt", "presidency_words.txt",
]
TABLES = {
    "speech_verbs.tsv": "lemma",
    "titles.tsv": "word",
    "description_nouns.tsv": "noun",
    "pronouns.tsv": "pronoun",
    "quotation_marks.tsv": "opening",
    "place_aliases.tsv": "alias",
    "organization_aliases.tsv": "alias",
    "first_name_genders.tsv": "name",
    "place_regions.tsv": "region",
    "number_words.tsv": "word",
    "demonyms.tsv": "demonym",
    "first_name_forms.tsv": "short",
    "person_aliases.tsv": "alias",
    "relatives.tsv": "word",
    "presidents.tsv": "surname",
}


def duplicates(values) -> list:
    return [value for value, n in Counter(values).items() if n > 1]


def test_every_lexicon_file_is_known_here():
    assert set(lexicons.names()) == {*WORD_LISTS, *TABLES, "dates.json", "titled_people.tsv"}


@pytest.mark.parametrize("name", WORD_LISTS)
def test_word_lists_have_no_duplicates(name):
    assert duplicates(lexicons.entries(name)) == []


@pytest.mark.parametrize("name, key", TABLES.items())
def test_tables_have_one_row_per_key_and_no_empty_keys(name, key):
    keys = [row[key] for row in lexicons.table(name)]
    assert duplicates(keys) == [] and all(keys)


def test_every_speech_verb_says_what_it_reports():
    assert {row["reports"] for row in lexicons.table("speech_verbs.tsv")} == {"quoted", "indirect"}


def test_title_words_are_written_as_the_matcher_reads_them():
    # A key in capitals or with its period could never match a word.
    assert [row["word"] for row in lexicons.table("titles.tsv") if title_key(row["word"]) != row["word"]] == []
    assert {row["gender"] for row in lexicons.table("titles.tsv")} <= {"", "m", "f"}


def test_first_names_are_lower_case_words_with_a_gender():
    rows = lexicons.table("first_name_genders.tsv")
    assert [r for r in rows if not (r["name"].isalpha() and r["name"].islower() and r["gender"] in ("m", "f"))] == []


def test_every_description_points_at_a_title_a_name_can_have():
    titles = {row["title"] for row in lexicons.table("titles.tsv")}
    assert [row for row in lexicons.table("description_nouns.tsv") if row["title"] not in titles] == []


def test_no_hedge_hides_behind_an_earlier_one_it_starts_with():
    hedges = lexicons.entries("number_hedges.txt")
    hidden = [(a, b) for i, a in enumerate(hedges) for b in hedges[i + 1 :] if b.startswith(a + " ")]
    assert hidden == []


def test_quotation_marks_are_single_characters_and_debris_lines_are_patterns():
    marks = [m for row in lexicons.table("quotation_marks.tsv") for m in (row["opening"], row["closing"])]
    assert all(len(m) == 1 for m in marks)
    for pattern in lexicons.entries("debris_lines.txt"):
        re.compile(pattern)


def test_every_place_alias_names_a_gazetteer_place_as_its_row_says():
    rows = lexicons.table("place_aliases.tsv")
    assert duplicates(key(row["alias"]) for row in rows) == []  # "U.S." and "the U.S." would be one
    gazetteer = extractors().get_pipe("newsflow_places").rules.gazetteer()
    for row in rows:
        place = gazetteer.by_id[int(row["geonames_id"])]
        assert row["place"] == f"{place.name} ({place.feature}, {place.country_code})", row


def test_every_region_is_one_place_of_members_the_gazetteer_holds():
    from newsflow.gazetteer import Region, load_gazetteer

    rows = lexicons.table("place_regions.tsv")
    names = [key(name) for row in rows for name in (row["region"], *row["also"].split(",")) if name.strip()]
    assert duplicates(names) == []
    assert {row["feature"] for row in rows} == {"admin1", "region", "facility"}
    assert [row["region"] for row in rows if row["feature"] in ("admin1", "facility") and "," in row["members"]] == []
    # Building the gazetteer places every member (it raises on an unknown one).
    rules = extractors().get_pipe("newsflow_places").rules
    assert len(rules.regions) == len(rows)
    gazetteer = rules.gazetteer()
    assert all(gazetteer.named(row["region"])[0].latitude is not None for row in rows)
    with pytest.raises(ValueError, match="no city 'Atlantis' in US.FL"):
        load_gazetteer(15000, 1000000, (Region("Nowhere", (), "region", ("US.FL:Atlantis",)),))


def test_every_organization_alias_leads_to_a_canonical_name_listed_as_its_own_alias():
    rows = lexicons.table("organization_aliases.tsv")
    assert duplicates(name_key(row["alias"]) for row in rows) == []  # "U.N." and "UN" would be one
    aliases = {row["alias"] for row in rows}
    assert {row["organization"] for row in rows} <= aliases


def test_each_titled_surname_names_one_person_by_a_full_name_with_a_gender():
    rows = lexicons.table("titled_people.tsv")
    assert duplicates((row["title"], row["surname"]) for row in rows) == []
    titles = {row["title"] for row in lexicons.table("titles.tsv")}
    # A title a name is read with: one of titles.tsv, or a compound ending in one ("Vice President").
    assert [row for row in rows if row["title"].split()[-1] not in titles] == []
    assert [row for row in rows if row["person"].split()[-1] != row["surname"] or row["gender"] not in ("m", "f")] == []


def test_each_president_is_named_in_full_by_the_surname_listed():
    rows = lexicons.table("presidents.tsv")
    assert [row for row in rows if row["person"].split()[-1] != row["surname"]] == []


def test_distinct_initials_list_at_least_two_people_of_each_name_with_their_initials():
    names = list(lexicons.entries("distinct_initials.txt"))
    assert all(len(name.split()) == 3 for name in names)
    assert min(Counter(f"{n.split()[0]} {n.split()[-1]}" for n in names).values()) >= 2


def test_the_pipeline_config_records_the_rules_in_force():
    config = extractors().config["components"]
    assert config["newsflow_quotes"]["speech_verbs"]["say"] == "indirect"
    assert config["newsflow_quotes"]["speech_verbs"]["quip"] == "quoted"
    assert config["newsflow_entities"]["titles"]["congresswoman"] == {"title": "Rep.", "gender": "f", "kind": "political"}
    assert config["newsflow_numbers"]["hedges"] == list(lexicons.entries("number_hedges.txt"))
    assert config["newsflow_dates"]["rules"] == lexicons.structure("dates.json")


def test_the_pipeline_config_reads_back_as_written():
    # What nlp.to_disk saves, spacy.load must read: no rule may look like a config section path.
    config = extractors().config
    assert load_config_from_str(config.to_str())["components"] == config["components"]
