"""Validating and writing the Parquet parts, and publishing a run."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import pyarrow as pa
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from newsflow.cache import ArticleCache
from newsflow.entities import KINDS, corpus_entities
from newsflow.file_index import KeptArticle
from newsflow.parts import reuse, write_record
from newsflow.run_summary import report_link
from newsflow.schemas import DATA_TABLES, RESULT_TABLES
from newsflow.store import REPORT_DIR, VALIDATION_DIR, OutputStore, read_table
from newsflow.validate import LINKS, get_validator, links, quarantine_record, validate_part


@dataclass
class PartOutcome:
    counts: dict[str, int] = field(default_factory=dict)  # valid rows written per table
    quarantined: list[dict] = field(default_factory=list)  # rows that failed an expectation
    # Articles whose kept result could not be read: nothing was written, and
    # the flow extracts them again before writing the part.
    damaged: list[KeptArticle] = field(default_factory=list)
    reused: bool = False  # taken from the published version, not written

    @property
    def report(self) -> dict:
        return {"counts": self.counts, "quarantined": self.quarantined}


# They write only into the run's unpublished version, so writing again after
# a failure (a full disk, a flaky object store) is safe.
_RETRIES = {"retries": 2, "retry_delay_seconds": 2}


@task(name="write-part", cache_policy=NO_CACHE, **_RETRIES)
def write_part(store: OutputStore, articles: list[KeptArticle], cache: ArticleCache, key: str,
               repair: bool = True) -> PartOutcome:
    """Validate the cached rows of some of the current articles and write
    them as the part ``key`` of every table, with the record that lets a
    later run reuse it (``newsflow/parts.py``).

    The files depend only on the articles and the code, not on batch sizes,
    workers or what earlier runs did. Each part has its own files, so parts
    are written side by side without conflicts. An article whose kept
    result cannot be read is returned for ``repair``; without it, it is
    kept aside.
    """
    outcome = PartOutcome()
    tables: dict[str, list[dict]] = {name: [] for name in DATA_TABLES}
    kept, damaged = cache.get_many([(article.key, article.article_id) for article in articles])
    for article in articles:
        if (damage := damaged.get(article.key)) is not None:
            cache.discard(article.key)
            if repair:
                outcome.damaged.append(article)
                continue
            detail = f"its kept result was damaged during the run ({damage}); the next run extracts it again"
            outcome.quarantined.append(quarantine_record(None, article._asdict(), "ingest", "cache_damaged", detail))
            continue
        # The same article may have been cached under another file name or record.
        located = {"source_file": article.source_file, "source_record": article.source_record}
        for name, table_rows in kept[article.key].items():
            tables[name].extend({**row, **located} for row in table_rows)
    if outcome.damaged:
        return outcome
    checked = validate_part(get_validator(), tables)
    files = []
    for name in DATA_TABLES:
        files += store.write_part(name, checked.valid[name], key)
        outcome.counts[name] = len(checked.valid[name])
    for name, result in checked.results.items():
        files.append(_save_result(store, name, key, result))
    outcome.quarantined += checked.quarantined
    write_record(store, f"part-{key}", key, files, outcome.report)
    return outcome


def reused_part(store: OutputStore, name: str, key: str) -> PartOutcome | None:
    """The outcome of the piece ``name`` (a part, ``entities``) as the
    published version wrote it, its files now linked into this version;
    None when it must be written."""
    report = reuse(store, name, key)
    return None if report is None else PartOutcome(report["counts"], report["quarantined"], reused=True)


@task(name="build-entities", cache_policy=NO_CACHE, **_RETRIES)
def build_entities(store: OutputStore, key: str) -> PartOutcome:
    """The corpus table ``entities`` from the article tables this run
    wrote, validated like them; then every ``entity_id`` those tables hold
    is checked to name one of its rows. ``key`` covers every part."""
    tables = {name: store.read_written(name) for name in (*KINDS, "quotes")}
    validator = get_validator()
    checked = validator.validate("entities", corpus_entities(tables))
    files = [store.write_table("entities", checked.valid)]
    known = {"entities": {row["entity_id"] for row in checked.valid}}
    linked = validator.validate_links(links(tables, known), tables)
    for name, result in (("entities", checked.result), (LINKS, linked.result)):
        if result:
            files.append(_save_result(store, name, "00000", result))
    outcome = PartOutcome({"entities": len(checked.valid)}, checked.quarantined + linked.quarantined)
    write_record(store, "entities", key, files, outcome.report)
    return outcome


def _save_result(store: OutputStore, table: str, part: str, result: dict) -> str:
    """A part's validation result, for the run's report (report_validation);
    returns its path in the version."""
    relative = f"{VALIDATION_DIR}/{table}/part-{part}.json"
    store.write_text(relative, json.dumps(result, indent=1, sort_keys=True, default=str))
    return relative


@task(name="report-validation", cache_policy=NO_CACHE, **_RETRIES)
def report_validation(store: OutputStore, key: str, run_id: str) -> dict:
    """Data Docs for the run from the parts' results, and a summary per table
    and expectation. ``key`` covers every result."""
    per_table = {name: [json.loads(text) for text in store.read_texts(f"{VALIDATION_DIR}/{name}", ".json")]
                 for name in (*RESULT_TABLES, LINKS)}
    per_table = {name: results for name, results in per_table.items() if results}
    summary, docs = get_validator().build_docs(per_table, run_id)
    files = store.put_folder(docs, f"{VALIDATION_DIR}/data_docs")
    write_record(store, "data_docs", key, files, summary)
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
    started = time.perf_counter()
    try:
        # Imported here: matplotlib's import is a cost only runs that publish pay.
        from newsflow.report import DOCS_PAGES_FILE, write_report

        pages = write_report(store.read_written, store.write_text, store.out, summary,
                             json.loads(store.read_bytes(DOCS_PAGES_FILE)) if summary else {})
    except Exception as exc:  # noqa: BLE001 - the tables are whole: a report that fails loses nothing
        get_run_logger().warning("The report could not be written (%s: %s); the tables are published without it",
                                 type(exc).__name__, exc)
    else:
        get_run_logger().info("Report written in %.1f s, with %d article pages: %s", time.perf_counter() - started,
                              len(pages), report_link(store.out))
    store.publish([*tables, "quarantine", "runs"], files=["manifest.json", REPORT_DIR])
