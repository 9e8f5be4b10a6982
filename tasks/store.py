"""Writing Parquet and the run manifest."""

from __future__ import annotations

import json

from prefect import task
from prefect.cache_policies import NO_CACHE

from newsflow.article import Rows
from newsflow.store import VALIDATION_DIR, OutputStore, read_table
from newsflow.validate import get_validator


@task(name="write-batch", cache_policy=NO_CACHE)
def write_batch(store: OutputStore, rows: Rows, results: dict[str, dict], batch: int) -> None:
    for name, table_rows in rows.items():
        store.write_part(name, table_rows, batch)
    for name, result in results.items():
        path = store.staging / VALIDATION_DIR / name / f"batch-{batch:05d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=1, sort_keys=True, default=str))


@task(name="publish", cache_policy=NO_CACHE)
def publish(store: OutputStore, quarantine: list[dict], run: dict, tables: list[str]) -> None:
    """Write quarantine, runs and the validation report, then swap every
    table into place."""
    results_dir = store.staging / VALIDATION_DIR
    results_dir.mkdir(parents=True, exist_ok=True)
    summary = get_validator().build_docs(results_dir)
    (results_dir / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True))
    store.write_table("quarantine", quarantine)
    previous_runs = read_table(store.out_dir, "runs").to_pylist()
    store.write_table("runs", [*previous_runs, run])
    store.publish([*tables, "quarantine", "runs"])
