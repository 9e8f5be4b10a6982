"""Great Expectations (for real) splits failing records off with the expectation they failed."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from newsflow.article import process_articles
from newsflow.config import Settings
from newsflow.nlp import load_model
from newsflow.validate import get_validator, with_evidence
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


def test_part_results_merge_into_one_result_per_table(article_rows):
    from newsflow.validate import merge_results

    article, rows = article_rows
    validator = get_validator()
    good = validator.validate("quotes", with_evidence("quotes", rows["quotes"], article.text)).result
    broken = copy.deepcopy(rows["quotes"][:3])
    broken[0]["kind"] = "rumour"
    bad = validator.validate("quotes", with_evidence("quotes", broken, article.text)).result
    merged = merge_results([json.loads(json.dumps(good, default=str)), json.loads(json.dumps(bad, default=str))])
    kinds = next(r for r in merged["results"] if r["expectation_config"]["kwargs"].get("column") == "kind"
                 and r["expectation_config"]["type"] == "expect_column_values_to_be_in_set")
    assert kinds["result"]["element_count"] == len(rows["quotes"]) + 3
    assert kinds["result"]["unexpected_count"] == 1
    assert kinds["success"] is False and merged["success"] is False


def test_data_docs_describe_the_last_run_only(article_rows):
    # A worker, `newsflow serve` or a test session builds docs run after run
    # in one process; each build must render that run's results alone.
    article, rows = article_rows
    validator = get_validator()
    result = json.loads(json.dumps(validator.validate("quotes", with_evidence("quotes", rows["quotes"], article.text)).result,
                                   default=str))

    def validation_pages(run_id: str) -> list[Path]:
        _, docs = validator.build_docs({"quotes": [result]}, run_id)
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

    from newsflow.entities import corpus_entities
    from newsflow.schemas import TABLES
    from newsflow.validate import links

    _, rows = article_rows
    tables = {name: pa.Table.from_pylist(rows[name], TABLES[name].schema)
              for name in ("people", "organizations", "places", "quotes")}
    known = {row["entity_id"] for row in corpus_entities(tables)}
    assert get_validator().validate_links(links(tables, {"entities": known}), tables).quarantined == []

    # As if its entities row had failed validation.
    missing = next(q["speaker_entity_id"] for q in rows["quotes"] if q["speaker_entity_id"])
    outcome = get_validator().validate_links(links(tables, {"entities": known - {missing}}), tables)
    holding = [("quotes", q["quote_id"]) for q in rows["quotes"] if q["speaker_entity_id"] == missing]
    holding += [("people", p["person_id"]) for p in rows["people"] if p["entity_id"] == missing]
    assert [(r["table_name"], r["record_id"]) for r in outcome.quarantined] == holding
    assert {r["reason"] for r in outcome.quarantined} == {"expect_column_values_to_be_in_set(found)"}
    assert outcome.quarantined[0]["detail"] == f"its speaker_entity_id {missing!r} names no row of entities"
    assert {r["source_file"] for r in outcome.quarantined} == {rows["quotes"][0]["source_file"]} != {None}
