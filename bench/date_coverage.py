"""How many dates of a published output carry a value, and whether weekdays
land on the right day.

Reads the ``dates`` and ``articles`` tables of a ``newsflow run`` output and
prints: rows per granularity; the share of rows with a value among those
that are not durations, and among those that have a calendar value to give
(not duration, recurring, age or vague); the weekday check (a row naming a
weekday must have a day value on that weekday, within the 7 days around its
article's publication date, and the publication day's own weekday is that
day); and a random sample of resolved rows with their sentence, to judge by
eye.

    .venv/bin/python bench/date_coverage.py OUT_DIR [--sample 30] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
from datetime import date

from newsflow.store import read_table

NO_CALENDAR_VALUE = {"duration", "recurring", "age", "vague"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY = re.compile(rf"\b({'|'.join(WEEKDAYS)})\b(?!s)", re.IGNORECASE)


def share(rows: list[dict]) -> str:
    valued = sum(row["value"] is not None for row in rows)
    return f"{valued:,} of {len(rows):,} = {100 * valued / len(rows):.1f}%" if rows else "no rows"


def weekday_problem(row: dict, published: date | None) -> str | None:
    """Why a row naming a weekday is wrong, or None."""
    named = WEEKDAYS.index(WEEKDAY.search(row["text"]).group(1).lower())
    if published is None:
        return None if row["value"] is None else "a value without a publication date"
    if row["value"] is None or len(row["value"]) < 10 or "/" in row["value"]:
        return f"no day value ({row['value']})"
    day = date.fromisoformat(row["value"][:10])
    if day.weekday() != named:
        return f"{day} is a {WEEKDAYS[day.weekday()]}"
    if abs((day - published).days) > 6:
        return f"{day} is {(day - published).days} days from publication"
    if named == published.weekday() and day != published:
        return f"the publication day's own weekday, but {day}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="output folder of a newsflow run")
    parser.add_argument("--sample", type=int, default=30, help="resolved rows to print")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    published = {row["article_id"]: row["published_date"]
                 for row in read_table(options.out, "articles").select(["article_id", "published_date"]).to_pylist()}
    rows = read_table(options.out, "dates").to_pylist()
    sentences = {(s["article_id"], s["sentence"]): s["text"] for s in read_table(options.out, "sentences").to_pylist()}

    print(f"{len(rows):,} date rows in {len(published):,} articles "
          f"({sum(d is not None for d in published.values()):,} with a publication date)")
    counts: dict[str | None, int] = {}
    for row in rows:
        counts[row["granularity"]] = counts.get(row["granularity"], 0) + 1
    print("granularity: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])))
    print("with a value, rows that are not durations:      " + share([r for r in rows if r["granularity"] != "duration"]))
    print("with a value, rows with a calendar value to give: "
          + share([r for r in rows if r["granularity"] not in NO_CALENDAR_VALUE]))

    weekdays = [r for r in rows if WEEKDAY.search(r["text"])]
    problems = [(r, weekday_problem(r, published[r["article_id"]])) for r in weekdays]
    wrong = [(r, p) for r, p in problems if p]
    print(f"weekdays: {len(weekdays) - len(wrong):,} of {len(weekdays):,} right")
    for row, problem in wrong:
        print(f"    {row['text']!r} (published {published[row['article_id']]}): {problem}")

    resolved = [r for r in rows if r["value"] is not None]
    print(f"\n{min(options.sample, len(resolved))} resolved rows, to judge by eye:")
    for row in random.Random(options.seed).sample(resolved, min(options.sample, len(resolved))):
        sentence = " ".join(sentences.get((row["article_id"], row["sentence"]), "").split())
        print(f"  {row['text']!r} -> {row['value']} ({row['granularity']}), published "
              f"{published[row['article_id']]}: {sentence[:140]}")


if __name__ == "__main__":
    main()
