"""The corpus table ``entities``: one row per person, organization and
place of the whole corpus, built from the article tables' ``entity_id``."""

from __future__ import annotations

from collections import Counter

import pyarrow as pa

from newsflow.schemas import GEOCODE

KINDS = {"people": "person", "organizations": "organization", "places": "place"}


def corpus_entities(tables: dict[str, pa.Table]) -> list[dict]:
    """The entities of ``tables`` (the people, organizations and places of
    every published article), in a fixed order."""
    found: dict[str, dict] = {}
    for table_name, kind in KINDS.items():
        for row in tables[table_name].to_pylist():
            entity = found.setdefault(row["entity_id"], _new(row["entity_id"], kind))
            entity["names"][row["name"]] += 1
            entity["aliases"].update(m["text"] for m in row["mentions"])
            entity["articles"].add(row["article_id"])
            entity["n_mentions"] += row["n_mentions"]
            entity["n_quotes"] += row.get("n_quotes") or 0
            if row.get("acronym"):
                entity["acronyms"][row["acronym"]] += 1
            if row.get("published_date"):
                entity["dates"].append(row["published_date"])
            for column in GEOCODE if kind == "place" else ():
                entity[column.name] = row[column.name]  # the same for every row: the key says where it is
    return [_row(entity) for _, entity in sorted(found.items(), key=lambda item: (item[1]["kind"], item[0]))]


def _new(entity_id: str, kind: str) -> dict:
    return {
        "entity_id": entity_id, "kind": kind, "names": Counter(), "aliases": Counter(), "articles": set(),
        "n_mentions": 0, "n_quotes": 0, "acronyms": Counter(), "dates": [],
        **{column.name: None for column in GEOCODE},
    }


def _most_common(counts: Counter) -> str | None:
    """The most frequent value, the longest then the first in order on a tie."""
    return min(counts, key=lambda value: (-counts[value], -len(value), value)) if counts else None


def _canonical_name(entity: dict) -> str | None:
    """The name an entity is most often given; for a person, the full name
    most often given, over a surname that a title made known ("Obama" of
    "President Obama" is Barack Obama)."""
    names = entity["names"]
    if entity["kind"] == "person":
        return _most_common(Counter({n: k for n, k in names.items() if len(n.split()) > 1})) or _most_common(names)
    return _most_common(names)


def _row(entity: dict) -> dict:
    aliases = sorted(entity["aliases"].items(), key=lambda item: (-item[1], item[0]))
    return {
        "entity_id": entity["entity_id"],
        "kind": entity["kind"],
        "name": _canonical_name(entity),
        "aliases": [{"text": text, "n": n} for text, n in aliases],
        "n_articles": len(entity["articles"]),
        "n_mentions": entity["n_mentions"],
        "n_quotes": entity["n_quotes"],
        "first_published": min(entity["dates"], default=None),
        "last_published": max(entity["dates"], default=None),
        "acronym": _most_common(entity["acronyms"]),
        **{column.name: entity[column.name] for column in GEOCODE},
    }
