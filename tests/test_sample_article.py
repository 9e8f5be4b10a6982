"""The real flow on the sample article: what analysts were promised."""

from __future__ import annotations

import pytest

from newsflow.evidence_columns import evidence_matches
from newsflow.schemas import TABLES
from tests.conftest import SAMPLE, read

RAW = SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def quotes(sample_run):
    out, _ = sample_run
    return read(out, "quotes")


def quote_starting(quotes, prefix: str):
    found = quotes[quotes["text"].str.contains(prefix, regex=False)]
    assert len(found) == 1, f"expected one quote with {prefix!r}, found {len(found)}"
    return found.iloc[0]


@pytest.mark.parametrize(
    "prefix, speaker",
    [
        ("We cannot do this all alone", "Ali Nazary"),
        ("Anyone who enters that valley", "Ali Nazary"),
        ("They’re begging us now to be a partner", "Michael Waltz"),
        ("It is a false premise", "Richard Goldberg"),
        ("We do not go into the details", "a senior administration official"),
    ],
)
def test_direct_quotes_are_attributed_to_the_resolved_speaker(quotes, prefix, speaker):
    quote = quote_starting(quotes, prefix)
    assert quote["kind"] == "direct"
    assert quote["speaker"] == speaker


def test_pronoun_speaker_keeps_its_mention_and_offsets(quotes):
    quote = quote_starting(quotes, "We cannot do this all alone")
    assert quote["speaker_mention"] == "he"
    assert quote["cue"] == "said"
    assert RAW[quote["speaker_start"] : quote["speaker_end"]] == "he"
    assert RAW[quote["cue_start"] : quote["cue_end"]] == "said"


def test_partial_and_indirect_quotes(quotes):
    partial = quote_starting(quotes, "grossly irresponsible")
    assert partial["kind"] == "partial"
    assert partial["speaker"] == "Michael Waltz"
    indirect = quote_starting(quotes, "the NRF currently controls more than 60% of Panjshir")
    assert indirect["kind"] == "indirect"
    assert indirect["speaker_mention"] == "He"
    assert indirect["speaker"] == "Ali Nazary"


def test_organizations_join_acronym_and_long_form(sample_run):
    out, _ = sample_run
    orgs = read(out, "organizations")
    nrf = orgs[orgs["name"] == "National Resistance Front"]
    assert len(nrf) == 1
    assert nrf.iloc[0]["acronym"] == "NRF"
    mentions = {m["text"] for m in nrf.iloc[0]["mentions"]}
    assert "NRF" in mentions and any("National Resistance Front" in m for m in mentions)
    assert not (orgs["name"] == "NRF").any()


def test_people_have_titles_roles_and_affiliations(sample_run):
    out, _ = sample_run
    people = read(out, "people").set_index("name")
    nazary = people.loc["Ali Nazary"]
    assert "Mr." in list(nazary["titles"])
    assert any("head of foreign relations" in r for r in nazary["roles"])
    assert "National Resistance Front" in list(nazary["affiliations"])
    assert nazary["n_quotes"] >= 10
    waltz = people.loc["Michael Waltz"]
    assert {"Rep.", "Mr."} <= set(waltz["titles"])
    assert "Florida" in list(waltz["affiliations"])


def test_numbers_know_what_they_count(sample_run):
    out, _ = sample_run
    numbers = read(out, "numbers").set_index("text")
    assert "Taliban" in numbers.loc["50,000", "counts"]
    assert numbers.loc["50,000", "value"] == 50000
    soldiers = numbers.loc["an estimated 10,000"]
    assert soldiers["approximator"] == "estimated"
    # "an estimated 10,000 former Afghan soldiers, special forces commandos and police"
    assert soldiers["counts"] == "former Afghan soldiers, special forces commandos and police"
    percent = numbers.loc["more than 60%"]
    assert (percent["value"], percent["unit"], percent["approximator"], percent["counts"]) == (
        60.0,
        "percentage",
        "more than",
        "Panjshir",
    )


def test_dates_keep_text_without_an_anchor(sample_run):
    out, _ = sample_run
    dates = read(out, "dates")
    mid_august = dates[dates["text"] == "mid-August"]
    assert len(mid_august) == 2
    assert mid_august["qualifier"].eq("mid").all()
    assert mid_august["value"].isna().all()  # the article carries no date to anchor to
    assert (dates.loc[dates["text"] == "the 1980s", "value"] == "198X").all()


def test_scraping_debris_appears_in_no_text_column(sample_run):
    out, _ = sample_run
    for name, table in TABLES.items():
        if name in ("quarantine", "runs"):
            continue
        frame = read(out, name)
        for column in (c.name for c in table.columns if str(c.type) == "string"):
            values = frame[column].dropna().astype(str)
            for debris in ("<!", "Temp removal", "End comment", "View original article", "Scroll to Top", "\xa0", "‘s"):
                assert not values.str.contains(debris, regex=False).any(), (name, column, debris)


def test_cleaning_records_what_it_removed(sample_run):
    out, _ = sample_run
    article = read(out, "articles").iloc[0]
    kinds = {edit["kind"] for edit in article["cleaning"]}
    assert {"html_comment", "boilerplate", "nbsp", "apostrophe"} <= kinds
    for edit in article["cleaning"]:
        assert RAW[edit["start"] : edit["end"]] == edit["text"]
    assert article["headline"] == "Afghanistan anti-Taliban resistance begs for U.S. support, gets nothing from Biden"


def test_every_offset_leads_back_to_the_stored_text(sample_run):
    out, _ = sample_run
    checked = 0
    for name, table in TABLES.items():
        if not table.has_offsets:
            continue
        frame = read(out, name)
        for row in frame.to_dict("records"):
            text = row[table.text_column] if table.text_column else row["mentions"][0]["text"]
            assert evidence_matches(RAW, row["start"], row["end"], text), (name, row)
            for mention in row.get("mentions", []):
                assert evidence_matches(RAW, mention["start"], mention["end"], mention["text"])
            checked += 1
    assert checked > 200


def test_articles_row_counts_match_the_tables(sample_run):
    out, summary = sample_run
    article = read(out, "articles").iloc[0]
    for name in ("quotes", "people", "organizations", "places", "numbers", "dates"):
        assert article[f"n_{name}"] == len(read(out, name))
    assert article["n_paragraphs"] == len(read(out, "paragraphs"))
    assert summary["n_quarantined"] == 0
    assert read(out, "quarantine").empty
