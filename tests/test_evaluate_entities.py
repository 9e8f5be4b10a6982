"""Scoring entities against hand-judged gold: pairing, names, fields and
causes, on rows built by hand; and the command on the real flow."""

from __future__ import annotations

import json

import pytest

from newsflow.evaluate_entities import GoldError, load_entity_gold, score_entities
from tests.conftest import cli_environment, run_cli

TITLES = {"sen": "Sen.", "senator": "Sen.", "mr": "Mr."}
FILE = "a.txt"


def person(name, start, end, titles=(), roles=(), affiliations=(), mentions=None):
    return {"source_file": FILE, "name": name, "start": start, "end": end, "titles": list(titles),
            "roles": list(roles), "affiliations": list(affiliations),
            "mentions": mentions or [{"text": name, "start": start, "end": end}]}


def gold_person(name, start, end, titles=(), roles=(), affiliations=()):
    return {"source_file": FILE, "table": "people", "start": start, "end": end, "text": name, "name": name,
            "titles": list(titles), "roles": list(roles), "affiliations": list(affiliations)}


def test_a_person_is_right_by_name_and_each_field_is_judged_on_its_own():
    gold = [gold_person("Harry Reid", 5, 15, ["Senator"], ["leader"], ["Democratic Party"])]
    rows = {"people": [person("Harry Reid", 5, 15, ["Sen."], ["the leader"], [])]}
    report = score_entities(gold, rows, TITLES).report()
    people = report["tables"]["people"]
    assert (people["precision"], people["recall"], people["every_field_right"]) == (1.0, 1.0, 0.0)
    assert people["fields"] == {"titles": 1.0, "roles": 1.0, "affiliations": 0.0}
    assert report["errors_by_cause"] == {"people: wrong affiliations": 1}


def test_a_wrong_name_a_duplicate_a_wrong_type_and_a_miss_are_told_apart():
    gold = [
        gold_person("Donald Trump", 0, 12),
        gold_person("Hillary Clinton", 30, 45),
        {"source_file": FILE, "table": "organizations", "start": 60, "end": 66, "text": "Pfizer", "name": "Pfizer",
         "acronym": None},
    ]
    rows = {
        "people": [
            person("Donald Trump Tells", 0, 18),  # a headline fragment
            person("Trump", 20, 25),
            person("Hillary Clinton", 30, 45),
            person("Hillary Clinton", 50, 57, mentions=[{"text": "Clinton", "start": 50, "end": 57}]),
            person("Pfizer", 60, 66),
        ],
    }
    report = score_entities(gold, rows, TITLES).report()
    assert (report["tables"]["people"]["precision"], report["tables"]["people"]["recall"]) == (0.2, 0.5)
    assert report["errors_by_cause"] == {
        "organizations: missed": 1,
        "people: duplicate": 1,
        "people: not in gold": 1,
        "people: wrong name": 1,  # the record it took is not missed too: one error, one cause
        "people: wrong type (gold: organizations)": 1,
    }


def test_numbers_pair_by_evidence_and_compare_value_unit_and_what_they_count():
    gold = [{"source_file": FILE, "table": "numbers", "start": 10, "end": 18, "text": "$225,000", "value": 225000,
             "unit": "dollar", "counts": None}]
    rows = {"numbers": [{"source_file": FILE, "start": 11, "end": 18, "text": "225,000", "value": 225000.0,
                         "unit": "currency", "counts": None}]}
    numbers = score_entities(gold, rows, TITLES).report()["tables"]["numbers"]
    assert (numbers["right"], numbers["fields"]) == (1, {"value": 1.0, "unit": 0.0, "counts": 1.0})


def test_a_gold_line_with_the_wrong_fields_is_refused(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"source_file": FILE, "table": "people", "start": 0, "end": 1, "text": "x"}) + "\n")
    with pytest.raises(GoldError, match="line 1: fields"):
        load_entity_gold(path)
    path.write_text(json.dumps({"source_file": FILE, "table": "dates", "start": 0, "end": 4, "text": "2016",
                                "value": 2016}) + "\n")
    with pytest.raises(GoldError, match="a dates value is 2016: text"):
        load_entity_gold(path)


def test_the_command_scores_the_real_flow_against_a_gold_file(shared_server, tmp_path):
    text = "Reid wins\n\nSen. Harry Reid of Nevada said the Justice Department paid $225,000.\n"
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / FILE).write_text(text, encoding="utf-8")

    def record(table, words, **fields):
        start = text.index(words)
        return {"source_file": FILE, "table": table, "start": start, "end": start + len(words), "text": words,
                **fields}

    gold = [
        record("people", "Harry Reid", name="Harry Reid", titles=["Sen."], roles=[], affiliations=["Nevada"]),
        record("organizations", "Justice Department", name="Justice Department", acronym=None),
        record("places", "Nevada", name="Nevada", acronym=None),
        record("numbers", "$225,000", value=225000, unit="dollar", counts=None),
    ]
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in gold))
    result = run_cli("eval", "entities", str(tmp_path / "gold.jsonl"), "--text", str(tmp_path / "text"), "--json",
                     "--errors", str(tmp_path / "errors.jsonl"), cwd=tmp_path, env=cli_environment(**shared_server))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["tables"]["people"]["gold"] == 1 and report["tables"]["people"]["right"] == 1
    assert report["tables"]["places"]["right"] == 1 and report["tables"]["numbers"]["right"] == 1
    errors = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert sum(report["errors_by_cause"].values()) == len(errors)
