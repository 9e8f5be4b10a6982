"""Great Expectations (for real) splits failing records off with the expectation they failed."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from newsflow.article import process_articles
from newsflow.config import Settings
from newsflow.evidence_columns import with_evidence
from newsflow.expectations import suite_result, tallies
from newsflow.nlp import load_model
from newsflow.schemas import TABLES
from newsflow.validate import apply_verdicts, expectations_of, fits, get_validator, judge, part_tallies
from tests.conftest import SAMPLE, read_article


@pytest.fixture(scope="module")
def article_rows():
    article = read_article(SAMPLE, SAMPLE.parent, Settings())
    _, rows = next(process_articles([article], load_model(Settings().model), Settings().spacy_batch))
    return article, rows


def test_clean_rows_pass_every_table(article_rows):
    article, rows = article_rows
    for name, table_rows in rows.items():
        outcome = get_validator().validate(name, with_evidence(name, table_rows, article.text))
        assert outcome.quarantined == [], name
        assert len(outcome.valid) == len(table_rows)
        assert outcome.result["success"] is True


def test_failing_records_are_kept_aside_with_the_failed_expectation(article_rows):
    article, rows = article_rows
    quotes = copy.deepcopy(rows["quotes"])
    quotes[0]["kind"] = "rumour"  # not an allowed kind
    quotes[1]["end"] = len(article.text) + 10  # evidence outside the raw text
    quotes[2]["text"] = quotes[2]["text"] + " (edited)"  # no longer what the raw text says
    quotes[3]["quote_id"] = quotes[4]["quote_id"]  # duplicate id
    outcome = get_validator().validate("quotes", with_evidence("quotes", quotes, article.text))

    reasons = {}
    for row in outcome.quarantined:
        reasons.setdefault(json.loads(row["record"])["text"], set()).add(row["reason"])
    assert "expect_column_values_to_be_in_set(kind)" in reasons[quotes[0]["text"]]
    assert "expect_column_pair_values_a_to_be_greater_than_b(_raw_length, end)" in reasons[quotes[1]["text"]]
    assert "expect_column_values_to_be_in_set(_evidence_matches)" in reasons[quotes[2]["text"]]
    assert "expect_column_values_to_be_unique(quote_id)" in reasons[quotes[3]["text"]]
    assert "expect_column_values_to_be_unique(quote_id)" in reasons[quotes[4]["text"]]
    assert len(outcome.valid) == len(quotes) - 5
    assert all(row["stage"] == "validate" and row["table_name"] == "quotes" for row in outcome.quarantined)
    # The quarantined record is the row as it would have been published.
    assert all(set(json.loads(row["record"])) == set(rows["quotes"][0]) for row in outcome.quarantined)
    assert outcome.result["success"] is False


def test_each_suite_holds_its_tables_expectations_as_great_expectations_stores_them():
    validator = get_validator()
    for name, suite in validator.suites.items():
        stored = sorted(suite.expectations, key=lambda e: validator.positions[name][str(e.id)])
        assert [(e.expectation_type, e.configuration.kwargs) for e in stored] == [
            (e.type, e.kwargs) for e in expectations_of(name)], name


@pytest.fixture(scope="module")
def two_articles(article_rows):
    """The sample's rows with evidence columns, and a second article's: the
    same rows under another id, some broken, some nullable columns empty."""
    article, rows = article_rows
    first = {name: with_evidence(name, table_rows, article.text) for name, table_rows in rows.items()}
    second = copy.deepcopy(first)
    for name, table_rows in second.items():
        key = TABLES[name].key
        for row in table_rows:
            row["article_id"] = "0123456789abcdef"
            if len(key) == 1 and key[0] != "article_id":
                row[key[0]] = "x" + row[key[0]][1:]
    second["quotes"][0]["kind"] = "rumour"
    second["quotes"][1]["end"] = second["quotes"][1]["_raw_length"] + 10
    second["quotes"][2]["_evidence_matches"] = False  # as if its text were not its raw evidence
    second["places"][0]["latitude"] = 91.5
    second["places"][1].update(country_code=None, latitude=None, feature=None)
    second["sentences"][1]["sentence"] = second["sentences"][0]["sentence"]
    return first, second


def _gx_results(validator, suite: str, rows: list[dict]) -> list[dict]:
    """Great Expectations' own result of each expectation over ``rows``, in
    the order of ``expectations_of``."""
    import pandas as pd

    batch = validator.batch_definitions[suite].get_batch(batch_parameters={"dataframe": pd.DataFrame(rows)})
    found = batch.validate(validator.suites[suite], result_format="BASIC").to_json_dict()["results"]
    return sorted(found, key=lambda r: validator.positions[suite][str(r["expectation_config"]["id"])])


_COMPARED = ("element_count", "missing_count", "unexpected_count", "missing_percent", "unexpected_percent",
             "unexpected_percent_total", "unexpected_percent_nonmissing")


@pytest.mark.parametrize("table", ["quotes", "places", "sentences", "people", "articles"])
def test_tallies_put_together_report_what_great_expectations_reports(two_articles, table):
    validator = get_validator()
    first, second = two_articles
    together = first[table] + second[table]
    _, unexpected = validator.failures(table, together)
    found = tallies(expectations_of(table), together, [row["article_id"] for row in together], unexpected)
    # Of each article alone and of both, the counts GX gives, whatever the grouping.
    for rows, parts in ((first[table], [found[first[table][0]["article_id"]]]),
                        (second[table], [found["0123456789abcdef"]]), (together, list(found.values()))):
        ours = suite_result(table, expectations_of(table), parts)["results"]
        for theirs, mine in zip(_gx_results(validator, table, rows), ours, strict=True):
            assert theirs["expectation_config"]["type"] == mine["expectation_config"]["type"]
            assert theirs["expectation_config"]["kwargs"] == mine["expectation_config"]["kwargs"]
            assert theirs["success"] == mine["success"]
            for count in _COMPARED:
                assert theirs["result"].get(count) == pytest.approx(mine["result"].get(count)), (mine, count)


def test_a_verdict_does_not_depend_on_what_it_was_validated_with(two_articles):
    first, second = two_articles
    together = {name: first[name] + second[name] for name in first}
    validator = get_validator()
    verdicts = {"at once": judge(validator, together), "apart": {**judge(validator, first), **judge(validator, second)}}
    at_once, apart = (apply_verdicts(together, verdicts[way]) for way in ("at once", "apart"))
    assert at_once.valid == apart.valid and at_once.quarantined == apart.quarantined
    in_order = [row["article_id"] for row in together["articles"]]
    assert len(in_order) == 2
    assert (part_tallies([verdicts["at once"][article_id] for article_id in in_order])
            == part_tallies([verdicts["apart"][article_id] for article_id in in_order]))
    reasons = {(row["table_name"], row["reason"]) for row in at_once.quarantined}
    assert {("quotes", "expect_column_values_to_be_in_set(kind)"), ("places", "expect_column_values_to_be_between(latitude)"),
            ("sentences", "expect_compound_columns_to_be_unique(article_id, sentence)")} <= reasons
    # The first article passed whole; the counts come from the rows that passed.
    assert len(at_once.valid["quotes"]) == 2 * len(first["quotes"]) - 3
    second_article = next(row for row in at_once.valid["articles"] if row["article_id"] == "0123456789abcdef")
    assert second_article["n_quotes"] == len(first["quotes"]) - 3


def test_a_verdict_fits_only_the_rows_it_was_given_for(two_articles):
    first, second = two_articles
    verdict = judge(get_validator(), second)["0123456789abcdef"]
    assert fits(verdict, second)
    assert not fits(verdict, {**second, "quotes": second["quotes"][:-1]})  # a row fewer
    assert not fits(verdict, {**second, "numbers": []})  # a table it has no tally of
    broken = copy.deepcopy(verdict)
    broken["quotes"]["failed"][str(len(second["quotes"]))] = ["expect_column_values_to_be_in_set(kind)"]
    assert not fits(broken, second)
    assert not fits({"quotes": "garbage"}, second)


def test_data_docs_show_a_failing_value_of_a_part(two_articles):
    first, second = two_articles
    validator = get_validator()
    tally = validator.validate("quotes", first["quotes"] + second["quotes"]).tally
    _, docs = validator.build_docs({"quotes": [tally]}, "20240101T120000000000Z")
    page = next((docs / "validations").rglob("*.html")).read_text(encoding="utf-8")
    assert "rumour" in page


def test_data_docs_describe_the_last_run_only(article_rows):
    # A worker, `newsflow serve` or a test session builds docs run after run
    # in one process; each build must render that run's results alone.
    article, rows = article_rows
    validator = get_validator()
    tally = validator.validate("quotes", with_evidence("quotes", rows["quotes"], article.text)).tally

    def validation_pages(run_id: str) -> list[Path]:
        _, docs = validator.build_docs({"quotes": [tally]}, run_id)
        pages = list((docs / "validations").rglob("*.html"))
        # The page named in pages.json, of this run, naming it and the table.
        assert [docs / p for p in json.loads((docs / "pages.json").read_text()).values()] == pages
        text = pages[0].read_text(encoding="utf-8")
        assert run_id in text and "__none__" not in text and "quotes" in text
        return pages

    assert len(validation_pages("20240101T120000000000Z")) == 1
    assert len(validation_pages("20240102T120000000000Z")) == 1


def test_places_out_of_range_or_with_a_bad_country_code_are_kept_aside(article_rows):
    article, rows = article_rows
    places = copy.deepcopy([p for p in rows["places"] if p["geonames_id"] is not None])
    places[0]["latitude"] = 91.5
    places[1]["country_code"] = "usa"
    outcome = get_validator().validate("places", with_evidence("places", places, article.text))

    reasons = {json.loads(row["record"])["place_id"]: row["reason"] for row in outcome.quarantined}
    assert reasons == {
        places[0]["place_id"]: "expect_column_values_to_be_between(latitude)",
        places[1]["place_id"]: "expect_column_values_to_match_regex(country_code)",
    }


def test_an_entity_id_that_names_no_entity_is_kept_aside_with_its_column(article_rows):
    import pyarrow as pa

    from newsflow.entities import corpus_entities, corpus_references, part_entities
    from newsflow.schemas import TABLES
    from newsflow.validate import links

    _, rows = article_rows
    tables = {name: pa.Table.from_pylist(rows[name], TABLES[name].schema)
              for name in ("people", "organizations", "places", "quotes")}
    parts = [part_entities(rows)]
    known = {row["entity_id"] for row in corpus_entities(parts)}
    references = corpus_references(parts)
    assert get_validator().validate_links(links(references, {"entities": known}), tables.get).quarantined == []

    # As if its entities row had failed validation.
    missing = next(q["speaker_entity_id"] for q in rows["quotes"] if q["speaker_entity_id"])
    outcome = get_validator().validate_links(links(references, {"entities": known - {missing}}), tables.get)
    holding = [("quotes", q["quote_id"]) for q in rows["quotes"] if q["speaker_entity_id"] == missing]
    holding += [("people", p["person_id"]) for p in rows["people"] if p["entity_id"] == missing]
    assert [(r["table_name"], r["record_id"]) for r in outcome.quarantined] == holding
    assert {r["reason"] for r in outcome.quarantined} == {"expect_column_values_to_be_in_set(found)"}
    assert outcome.quarantined[0]["detail"] == f"its speaker_entity_id {missing!r} names no row of entities"
    assert {r["source_file"] for r in outcome.quarantined} == {rows["quotes"][0]["source_file"]} != {None}
