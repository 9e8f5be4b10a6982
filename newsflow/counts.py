"""Counts that summarise other tables' rows: ``articles.n_quotes`` and its
siblings, ``people.n_quotes``."""

from __future__ import annotations

from collections import Counter

Rows = dict[str, list[dict]]

# The tables whose rows each article counts (articles.n_<table>).
COUNTED = ("quotes", "people", "organizations", "places", "numbers", "dates")


def with_counts(tables: Rows) -> Rows:
    """The tables with each article's row counts, and each person's quotes,
    counted from the rows given. Applied again to the rows that passed
    validation, so that counts always agree with the published tables."""
    per_article = {name: Counter(row["article_id"] for row in tables.get(name, [])) for name in COUNTED}
    quotes_by_speaker = Counter((q["article_id"], q["speaker"]) for q in tables.get("quotes", []) if q["speaker"])
    counted = dict(tables)
    counted["articles"] = [
        {**row, **{f"n_{name}": per_article[name][row["article_id"]] for name in COUNTED}}
        for row in tables.get("articles", [])
    ]
    counted["people"] = [
        {**row, "n_quotes": quotes_by_speaker[(row["article_id"], row["name"])]} for row in tables.get("people", [])
    ]
    return counted
