"""Scoring people, organizations, places, numbers and dates against a
hand-judged gold file (README: Measuring entities).

A gold record and a predicted row of the same article and table are paired
when one of the row's mentions overlaps the record's evidence, or, for
named entities, when their names are the same name; pairs are taken one to
one, those sharing both first. A paired row is right when its name (people,
organizations, places) is the record's, or always (numbers and dates, which
the evidence identifies); its fields are then compared one by one. Every
row and record left over is an error with its cause.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from newsflow.identity import name_key

NAMED = ("people", "organizations", "places")
TABLES = (*NAMED, "numbers", "dates")
FIELDS = {
    "people": ("titles", "roles", "affiliations"),
    "organizations": ("acronym",),
    "places": ("acronym",),
    "numbers": ("value", "unit", "counts"),
    "dates": ("value",),
}
_COMMON = {"source_file", "table", "start", "end", "text"}
_ARTICLES = re.compile(r"^(?:(?:the|a|an|former)\s+)+", re.IGNORECASE)


class GoldError(ValueError):
    """A gold file that does not have the shape of README: Measuring entities."""


def load_entity_gold(path: Path) -> list[dict]:
    """The records of a gold JSONL file, each checked for its fields."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        table = record.get("table")
        if table not in FIELDS:
            raise GoldError(f"{path} line {number}: table {table!r} is not one of {', '.join(TABLES)}")
        expected = _COMMON | set(FIELDS[table]) | ({"name"} if table in NAMED else set())
        if set(record) != expected:
            raise GoldError(f"{path} line {number}: fields {sorted(record)}, expected {sorted(expected)}")
        value_type = {"numbers": (int, float), "dates": (str, type(None))}.get(table)
        if value_type and not isinstance(record["value"], value_type):
            raise GoldError(f"{path} line {number}: a {table} value is {record['value']!r}: "
                            f"{'a number' if table == 'numbers' else 'text (2016-09) or null'} expected")
        records.append(record)
    return records


def check_evidence(records: list[dict], text_of: dict[str, str]) -> None:
    """Raise :class:`GoldError` unless every record's text is its raw span."""
    for record in records:
        raw = text_of[record["source_file"]][record["start"] : record["end"]]
        if raw != record["text"]:
            raise GoldError(f"{record['source_file']} {record['start']}-{record['end']} is {raw!r}, "
                            f"not the gold text {record['text']!r}")


@dataclass
class TableScore:
    predicted: int = 0
    gold: int = 0
    right: int = 0  # paired, and the name right where there is one
    fields_right: Counter = field(default_factory=Counter)  # per field, among the right rows
    all_fields_right: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else 0.0

    @property
    def every_field_precision(self) -> float:
        """Rows right in every field, among the rows predicted."""
        return self.all_fields_right / self.predicted if self.predicted else 0.0

    def as_dict(self, table: str) -> dict:
        return {
            "predicted": self.predicted,
            "gold": self.gold,
            "right": self.right,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "every_field_right": round(self.every_field_precision, 4),
            "fields": {f: round(self.fields_right[f] / self.right, 4) if self.right else 0.0 for f in FIELDS[table]},
        }


@dataclass
class EntityEvaluation:
    tables: dict[str, TableScore] = field(default_factory=lambda: {t: TableScore() for t in TABLES})
    errors: list[dict] = field(default_factory=list)

    def report(self) -> dict:
        causes = Counter(f"{e['table']}: {e['cause']}" for e in self.errors)
        return {
            "tables": {t: s.as_dict(t) for t, s in self.tables.items()},
            "errors_by_cause": dict(sorted(causes.items())),
        }


def score_entities(gold: list[dict], predicted: dict[str, list[dict]], titles: dict[str, str]) -> EntityEvaluation:
    """Score ``predicted`` rows (per table, as the output holds them) of the
    gold's articles against ``gold``; ``titles`` maps a title word (lower
    case, no period) to the form newsflow reports ("senator" -> "Sen.")."""
    evaluation = EntityEvaluation()
    files = {r["source_file"] for r in gold}
    for source_file in sorted(files):
        article = [r for r in gold if r["source_file"] == source_file]
        for table in TABLES:
            rows = [r for r in predicted.get(table, []) if r["source_file"] == source_file]
            _score_article(table, article, rows, titles, evaluation)
    return evaluation


def _score_article(table: str, article: list[dict], rows: list[dict], titles: dict[str, str],
                   evaluation: EntityEvaluation) -> None:
    records = [r for r in article if r["table"] == table]
    score = evaluation.tables[table]
    score.predicted += len(rows)
    score.gold += len(records)
    pairs = sorted(
        ((-_affinity(table, row, record), i, j) for i, row in enumerate(rows) for j, record in enumerate(records)
         if _affinity(table, row, record)),
    )
    paired_rows: dict[int, int] = {}
    paired_records: set[int] = set()
    for _, i, j in pairs:
        if i not in paired_rows and j not in paired_records:
            paired_rows[i] = j
            paired_records.add(j)
    for i, row in enumerate(rows):
        if i not in paired_rows:
            evaluation.errors.append(_error(table, row, _unpaired_cause(table, row, article)))
            continue
        record = records[paired_rows[i]]
        if table in NAMED and name_key(row["name"]) != name_key(record["name"]):
            evaluation.errors.append(_error(table, row, "wrong name", gold=record["name"]))
            continue
        score.right += 1
        wrong = [f for f in FIELDS[table] if not _field_right(table, f, row, record, titles)]
        for f in FIELDS[table]:
            score.fields_right[f] += f not in wrong
        score.all_fields_right += not wrong
        for f in wrong:
            evaluation.errors.append(_error(table, row, f"wrong {f}", gold=record[f], got=row.get(f)))
    for j, record in enumerate(records):
        if j not in paired_records:
            evaluation.errors.append({"table": table, "source_file": record["source_file"], "cause": "missed",
                                      "start": record["start"], "end": record["end"], "text": record["text"]})


def _spans(table: str, row: dict) -> list[tuple[int, int]]:
    if table in NAMED:
        return [(m["start"], m["end"]) for m in row["mentions"]]
    return [(row["start"], row["end"])]


def _affinity(table: str, row: dict, record: dict) -> int:
    """2 when a mention overlaps the evidence and the names agree, 1 for
    either, 0 for neither (numbers and dates: overlap only)."""
    overlaps = any(a < record["end"] and record["start"] < b for a, b in _spans(table, row))
    same_name = table in NAMED and name_key(row["name"]) in {name_key(record["name"]),
                                                              name_key(record.get("acronym") or "")}
    return overlaps + same_name


def _unpaired_cause(table: str, row: dict, article: list[dict]) -> str:
    """Why a row has no gold record: another row took it (a duplicate), the
    gold has it in another table (a wrong type), or it is none."""
    for record in article:
        if _affinity(table, row, record) if record["table"] == table else (
                record["table"] in NAMED and table in NAMED and _affinity(record["table"], row, record) == 2):
            return "duplicate" if record["table"] == table else f"wrong type (gold: {record['table']})"
    return "not in gold"


def _field_right(table: str, name: str, row: dict, record: dict, titles: dict[str, str]) -> bool:
    got, expected = row.get(name), record[name]
    if table == "people":
        normal = {"titles": lambda v: _title(v, titles), "roles": _role, "affiliations": name_key}[name]
        return {normal(v) for v in got or []} == {normal(v) for v in expected}
    if name == "value" and table == "numbers":
        # Judges write fractions to three places (two-thirds as 0.667).
        return got is not None and expected is not None and abs(got - expected) <= 1e-3 * max(1.0, abs(expected))
    if name in ("acronym", "unit", "counts"):
        return _role(got or "") == _role(expected or "")
    return got == expected


def _title(value: str, titles: dict[str, str]) -> str:
    """A title as reported: "Senator", "Sens." and "Sen." are one."""
    word = value.lower().rstrip(".")
    reported = titles.get(word) or titles.get(word.removesuffix("s")) or value
    return reported.lower().rstrip(".")


def _role(value: str) -> str:
    return " ".join(_ARTICLES.sub("", value.strip(" ,;:.—–-\"'“”")).lower().split())


def _error(table: str, row: dict, cause: str, **detail) -> dict:
    return {"table": table, "source_file": row["source_file"], "cause": cause, "start": row["start"],
            "end": row["end"], "text": row.get("name") or row.get("text"), **detail}
