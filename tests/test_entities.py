"""The corpus table of entities, on the real flow and model: one person,
organization and place across articles, and keys every article row shares."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_environment, read, run, run_cli

ARTICLES = {
    "a.txt": "Trump rallies in Pennsylvania\n\n"
             "Donald J. Trump spoke to voters in Pittsburgh, Pa., on Monday. "
             "“We will win,” Trump said. The GOP cheered.\n",
    "b.txt": "Trump and his son campaign\n\n"
             "Donald Trump visited Pennsylvania on Tuesday with Donald Trump Jr. "
             "The Republican Party paid for the trip, Donald Trump Jr. said.\n",
}


@pytest.fixture(scope="module")
def corpus(prefect_server, tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    for name, text in ARTICLES.items():
        (raw / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("entities") / "out"
    run(raw, out)
    return out


def test_one_entity_per_person_organization_and_place_across_articles(corpus):
    entities = read(corpus, "entities").set_index("entity_id")
    people = read(corpus, "people")
    trump = people.query("name in ('Donald J. Trump', 'Donald Trump')")
    assert set(trump["source_file"]) == {"a.txt", "b.txt"} and trump["entity_id"].nunique() == 1
    row = entities.loc[trump["entity_id"].iloc[0]]
    assert (row["kind"], row["n_articles"]) == ("person", 2)
    assert {"Donald J. Trump", "Donald Trump"} <= {a["text"] for a in row["aliases"]}
    junior = people.query("name == 'Donald Trump Jr.'")["entity_id"]
    assert set(junior) and set(junior).isdisjoint(trump["entity_id"])  # the son is not the father
    places = read(corpus, "places").query("name in ('Pa.', 'Pennsylvania')")
    assert places["entity_id"].nunique() == 1 and entities.loc[places["entity_id"].iloc[0], "n_articles"] == 2
    organizations = read(corpus, "organizations").query("name in ('GOP', 'Republican Party')")
    assert set(organizations["source_file"]) == {"a.txt", "b.txt"} and organizations["entity_id"].nunique() == 1


def test_every_key_on_an_article_row_is_an_entity_and_quotes_name_their_speaker(corpus):
    known = set(read(corpus, "entities")["entity_id"])
    for table in ("people", "organizations", "places"):
        assert set(read(corpus, table)["entity_id"]) <= known, table
    quotes = read(corpus, "quotes")
    named = quotes.dropna(subset=["speaker_entity_id"])
    assert set(named["speaker_entity_id"]) <= known
    people = read(corpus, "people").set_index(["source_file", "name"])["entity_id"]
    for quote in named.itertuples():
        assert people[(quote.source_file, quote.speaker)] == quote.speaker_entity_id
    # Great Expectations checked the same for the run.
    links = json.loads((corpus / "_validation" / "summary.json").read_text())["links"]
    (check,) = links.values()
    assert check == {"rows": len(known) + named["speaker_entity_id"].nunique(), "unexpected": 0}


def test_the_entities_command_lists_the_top_entities_by_kind(corpus, tmp_path, shared_server):
    listed = run_cli("entities", "--out", str(corpus), "--kind", "place", "--top", "1", "--json", cwd=tmp_path,
                     env=cli_environment(**shared_server))
    assert listed.returncode == 0, listed.stderr
    (place,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (place["name"], place["feature"], place["country_code"], place["n_articles"]) == (
        "Pennsylvania", "admin1", "US", 2)
    shown = run_cli("entities", "--out", str(corpus), "--top", "3", cwd=tmp_path, env=cli_environment(**shared_server))
    assert "person entities" in shown.stdout and "Donald" in shown.stdout


def test_entities_added_up_over_parts_are_those_of_all_the_rows_at_once(tmp_path):
    from datetime import date

    from newsflow.article import process_articles
    from newsflow.config import Settings
    from newsflow.entities import corpus_entities, part_entities
    from newsflow.nlp import load_model
    from tests.conftest import read_article

    settings = Settings()
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    articles = [read_article(tmp_path / name, tmp_path, settings) for name in ARTICLES]
    one, two = (rows for _, rows in process_articles(articles, load_model(settings.model), settings.spacy_batch))
    for month, rows in enumerate((one, two), start=1):
        for name in ("people", "organizations", "places"):
            for row in rows[name]:
                row["published_date"] = date(2016, month, 1)
    whole = corpus_entities([part_entities({name: one[name] + two[name] for name in one})])
    # Each part's, through JSON as a part keeps them, added up: the same rows.
    kept = [json.loads(json.dumps(part_entities(rows), default=str)) for rows in (one, two)]
    assert corpus_entities(kept) == whole
    trump = next(e for e in whole if e["name"] in ("Donald Trump", "Donald J. Trump"))
    assert (trump["n_articles"], trump["first_published"], trump["last_published"]) == (
        2, date(2016, 1, 1), date(2016, 2, 1))
