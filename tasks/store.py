"""Validating and writing the Parquet parts, and publishing a run."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyarrow as pa
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from newsflow.cache import ArticleCache, DamagedEntry
from newsflow.entities import KINDS, corpus_entities
from newsflow.schemas import DATA_TABLES, RESULT_TABLES
from newsflow.store import VALIDATION_DIR, OutputStore, read_table
from newsflow.validate import LINKS, get_validator, links, quarantine_record, validate_part
from tasks.batch import KeptArticle


@dataclass
class PartOutcome:
    counts: dict[str, int] = field(default_factory=dict)  # valid rows written per table
    quarantined: list[dict] = field(default_factory=list)  # rows that failed an expectation


# They write only into the run's unpublished version, so writing again after
# a failure (a full disk, a flaky object store) is safe.
_RETRIES = {"retries": 2, "retry_delay_seconds": 2}


@task(name="write-part", cache_policy=NO_CACHE, **_RETRIES)
def write_part(store: OutputStore, articles: list[KeptArticle], cache: ArticleCache, part: int) -> PartOutcome:
    """Validate the cached rows of some of the current articles and write
    them as part ``part`` of every table.

    Parts are rebuilt from the cache on every run, fresh and reused articles
    alike, so the files depend only on the current raw folder, not on batch
    sizes, workers or what earlier runs did. Each part has its own files, so
    parts are written side by side without conflicts.
    """
    outcome = PartOutcome()
    tables: dict[str, list[dict]] = {name: [] for name in DATA_TABLES}
    for article in articles:
        try:
            rows = cache.get(article.key, article.article_id)
        except DamagedEntry as damage:  # checked by its batch, damaged since
            cache.discard(article.key)
            detail = f"its kept result was damaged during the run ({damage}); the next run extracts it again"
            outcome.quarantined.append(quarantine_record(None, article._asdict(), "ingest", "cache_damaged", detail))
            continue
        # The same article may have been cached under another file name or record.
        located = {"source_file": article.source_file, "source_record": article.source_record}
        for name, table_rows in rows.items():
            tables[name].extend({**row, **located} for row in table_rows)
    checked = validate_part(get_validator(), tables)
    for name in DATA_TABLES:
        store.write_part(name, checked.valid[name], part)
        outcome.counts[name] = len(checked.valid[name])
    for name, result in checked.results.items():
        _save_result(store, name, part, result)
    outcome.quarantined += checked.quarantined
    return outcome


@task(name="build-entities", cache_policy=NO_CACHE, **_RETRIES)
def build_entities(store: OutputStore) -> PartOutcome:
    """The corpus table ``entities`` from the article tables this run
    wrote, validated like them; then every ``entity_id`` those tables hold
    is checked to name one of its rows."""
    tables = {name: store.read_written(name) for name in (*KINDS, "quotes")}
    validator = get_validator()
    checked = validator.validate("entities", corpus_entities(tables))
    store.write_table("entities", checked.valid)
    known = {"entities": {row["entity_id"] for row in checked.valid}}
    linked = validator.validate_links(links(tables, known), tables)
    for name, result in (("entities", checked.result), (LINKS, linked.result)):
        if result:
            _save_result(store, name, 0, result)
    return PartOutcome({"entities": len(checked.valid)}, checked.quarantined + linked.quarantined)


def _save_result(store: OutputStore, table: str, part: int, result: dict) -> None:
    """A part's validation result, for the run's report (report_validation)."""
    result_json = json.dumps(result, indent=1, sort_keys=True, default=str)
    store.write_text(f"{VALIDATION_DIR}/{table}/part-{part:05d}.json", result_json)


@task(name="report-validation", cache_policy=NO_CACHE, **_RETRIES)
def report_validation(store: OutputStore) -> dict:
    """Data Docs for the run from the parts' results, and a summary per table
    and expectation."""
    per_table = {name: [json.loads(text) for text in store.read_texts(f"{VALIDATION_DIR}/{name}", ".json")]
                 for name in (*RESULT_TABLES, LINKS)}
    per_table = {name: results for name, results in per_table.items() if results}
    summary, docs = get_validator().build_docs(per_table)
    store.put_folder(docs, f"{VALIDATION_DIR}/data_docs")
    return summary


# No retries: an attempt that failed after switching the output to the new
# version would write into what readers already see.
@task(name="publish", cache_policy=NO_CACHE)
def publish(store: OutputStore, quarantine: list[dict], run: dict, summary: dict, tables: list[str]) -> None:
    """Write quarantine, runs, the manifest and the validation summary, then
    point every table at the new version."""
    store.write_text(f"{VALIDATION_DIR}/summary.json", json.dumps(summary, indent=1, sort_keys=True))
    store.write_table("quarantine", quarantine)
    try:
        previous_runs = read_table(store.out, "runs").to_pylist()
    except (pa.ArrowException, OSError) as damage:
        kept = store.keep_damaged("runs")
        get_run_logger().warning("The runs history could not be read (%s); kept in %s, it starts again", damage, kept)
        previous_runs = []
    store.write_table("runs", [*previous_runs, run])
    store.write_text("manifest.json", json.dumps(run, indent=1, sort_keys=True, default=str))
    store.publish([*tables, "quarantine", "runs"], files=["manifest.json"])
