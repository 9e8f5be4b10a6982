"""Validating and writing the Parquet parts, and publishing a run."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from prefect import task
from prefect.cache_policies import NO_CACHE

from newsflow.cache import ArticleCache
from newsflow.schemas import DATA_TABLES
from newsflow.store import VALIDATION_DIR, OutputStore, read_table
from newsflow.validate import get_validator


@dataclass
class PartOutcome:
    counts: dict[str, int] = field(default_factory=dict)  # valid rows written per table
    quarantined: list[dict] = field(default_factory=list)  # rows that failed an expectation


@task(name="write-part", cache_policy=NO_CACHE)
def write_part(store: OutputStore, articles: list[tuple[str, str]], cache: ArticleCache, part: int) -> PartOutcome:
    """Validate the cached rows of some of the current articles
    (``(source_file, sha256)``) and write them as part ``part`` of every table.

    Parts are rebuilt from the cache on every run, fresh and reused articles
    alike, so the files depend only on the current raw folder, not on batch
    sizes, workers or what earlier runs did. Each part has its own files, so
    parts are written side by side without conflicts.
    """
    tables: dict[str, list[dict]] = {name: [] for name in DATA_TABLES}
    for source_file, sha256 in articles:
        for name, rows in cache.get(sha256).items():
            # The same bytes may have been cached under another file name.
            tables[name].extend({**row, "source_file": source_file} for row in rows)
    outcome = PartOutcome()
    validator = get_validator()
    for name, rows in tables.items():
        checked = validator.validate(name, rows)
        store.write_part(name, checked.valid, part)
        if checked.result:
            store.write_text(f"{VALIDATION_DIR}/{name}/part-{part:05d}.json", json.dumps(checked.result, indent=1, sort_keys=True, default=str))
        outcome.counts[name] = len(checked.valid)
        outcome.quarantined += checked.quarantined
    return outcome


@task(name="report-validation", cache_policy=NO_CACHE)
def report_validation(store: OutputStore) -> dict:
    """Data Docs for the run from the parts' results, and a summary per table
    and expectation."""
    per_table: dict[str, list[dict]] = {}
    for path, text in store.read_texts(VALIDATION_DIR, "*/*.json").items():
        per_table.setdefault(path.split("/")[0], []).append(json.loads(text))
    summary, docs = get_validator().build_docs(per_table)
    store.put_folder(docs, f"{VALIDATION_DIR}/data_docs")
    return summary


@task(name="publish", cache_policy=NO_CACHE)
def publish(store: OutputStore, quarantine: list[dict], run: dict, summary: dict, tables: list[str]) -> None:
    """Write quarantine, runs, the manifest and the validation summary, then
    point every table at the new version."""
    store.write_text(f"{VALIDATION_DIR}/summary.json", json.dumps(summary, indent=1, sort_keys=True))
    store.write_table("quarantine", quarantine)
    previous_runs = read_table(store.out, "runs").to_pylist()
    store.write_table("runs", [*previous_runs, run])
    store.write_text("manifest.json", json.dumps(run, indent=1, sort_keys=True, default=str))
    store.publish([*tables, "quarantine", "runs"], files=["manifest.json"])
