"""The corpus table ``entities``: one row per person, organization and
place of the whole corpus, built from the article tables' ``entity_id``."""

from __future__ import annotations

from collections import Counter
from datetime import date

from newsflow.counts import Rows
from newsflow.schemas import GEOCODE, REFERENCES

KINDS = {"people": "person", "organizations": "organization", "places": "place"}
# The tables whose rows ``part_entities`` reads.
ENTITY_TABLES = tuple(dict.fromkeys([*KINDS, *(table for table, _, _ in REFERENCES)]))


def part_entities(tables: Rows) -> dict:
    """What the rows of one part (valid rows per table, in order) tell of
    each entity they name, by entity id, and the ids each referencing
    column holds (schemas.REFERENCES): added up over the parts by
    :func:`corpus_entities`, so that a rerun that rewrites one part does not
    read every part's rows again. JSON-ready but for the dates."""
    found: dict[str, dict] = {}
    articles: dict[str, set[str]] = {}
    for table_name, kind in KINDS.items():
        for row in tables.get(table_name, []):
            if (entity := found.get(row["entity_id"])) is None:
                entity = found[row["entity_id"]] = _new(kind)
            entity["names"][row["name"]] += 1
            entity["aliases"].update(m["text"] for m in row["mentions"])
            articles.setdefault(row["entity_id"], set()).add(row["article_id"])
            entity["n_mentions"] += row["n_mentions"]
            entity["n_quotes"] += row.get("n_quotes") or 0
            if row.get("acronym"):
                entity["acronyms"][row["acronym"]] += 1
            if (published := row.get("published_date")) is not None:
                entity["first"] = min(entity["first"] or published, published)
                entity["last"] = max(entity["last"] or published, published)
            for column in GEOCODE if kind == "place" else ():
                entity[column.name] = row[column.name]  # the same for every row: the key says where it is
    for entity_id, entity in found.items():
        entity["n_articles"] = len(articles[entity_id])  # an article is in one part alone
    references = {f"{table}.{column}": sorted({row[column] for row in tables.get(table, []) if row[column] is not None})
                  for table, column, _ in REFERENCES}
    return {"entities": found, "references": references}


def corpus_entities(parts: list[dict]) -> list[dict]:
    """The entities of the corpus (its people, organizations and places),
    in a fixed order, from what each part tells of them (``part_entities``,
    the parts in order)."""
    found: dict[str, dict] = {}
    for part in parts:
        for entity_id, seen in part["entities"].items():
            if (entity := found.get(entity_id)) is None:
                entity = found[entity_id] = {**_new(seen["kind"]), "entity_id": entity_id}
            for counted in ("names", "aliases", "acronyms"):
                entity[counted].update(seen[counted])
            for summed in ("n_articles", "n_mentions", "n_quotes"):
                entity[summed] += seen[summed]
            for bound, pick in (("first", min), ("last", max)):
                dates = [d for d in (entity[bound], _date(seen[bound])) if d is not None]
                entity[bound] = pick(dates, default=None)
            for column in GEOCODE if entity["kind"] == "place" else ():
                entity[column.name] = seen[column.name]
    return [_row(entity) for _, entity in sorted(found.items(), key=lambda item: (item[1]["kind"], item[0]))]


def corpus_references(parts: list[dict]) -> dict[tuple[str, str], set[str]]:
    """Every id each referencing column of the article tables holds, over the parts."""
    found: dict[tuple[str, str], set[str]] = {}
    for part in parts:
        for where, ids in part["references"].items():
            found.setdefault(tuple(where.split(".", 1)), set()).update(ids)
    return found


def _new(kind: str) -> dict:
    return {
        "kind": kind, "names": Counter(), "aliases": Counter(), "n_articles": 0,
        "n_mentions": 0, "n_quotes": 0, "acronyms": Counter(), "first": None, "last": None,
        **{column.name: None for column in GEOCODE},
    }


def _date(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


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
        "n_articles": entity["n_articles"],
        "n_mentions": entity["n_mentions"],
        "n_quotes": entity["n_quotes"],
        "first_published": entity["first"],
        "last_published": entity["last"],
        "acronym": _most_common(entity["acronyms"]),
        **{column.name: entity[column.name] for column in GEOCODE},
    }
