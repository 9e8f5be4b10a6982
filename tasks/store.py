"""Caching per-article results, writing Parquet and publishing a run."""

from __future__ import annotations

import json

from prefect import task
from prefect.cache_policies import NO_CACHE

from newsflow.article import Rows
from newsflow.cache import ArticleCache, ArticleResult
from newsflow.ingest import RawArticle
from newsflow.schemas import EXTRACTED_TABLES
from newsflow.store import ARTICLES_PER_PART, VALIDATION_DIR, OutputStore, read_table
from newsflow.validate import get_validator


@task(name="cache-results", cache_policy=NO_CACHE)
def cache_results(cache: ArticleCache, articles: list[RawArticle], valid: Rows, quarantined: list[dict]) -> None:
    """Keep each freshly extracted article's rows for later runs."""
    results = {a.article_id: ArticleResult() for a in articles}
    for name, rows in valid.items():
        for row in rows:
            results[row["article_id"]].rows.setdefault(name, []).append(row)
    for row in quarantined:
        results[row["article_id"]].quarantined.append(row)
    for article in articles:
        cache.put(article.sha256, results[article.article_id])


@task(name="write-validation", cache_policy=NO_CACHE)
def write_validation(store: OutputStore, results: dict[str, dict], batch: int) -> None:
    for name, result in results.items():
        path = store.version / VALIDATION_DIR / name / f"batch-{batch:05d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=1, sort_keys=True, default=str))


@task(name="write-tables", cache_policy=NO_CACHE)
def write_tables(
    store: OutputStore, articles: list[tuple[str, str]], cache: ArticleCache
) -> tuple[dict[str, int], list[dict]]:
    """Write every data table from the cached results of the current articles
    (``(source_file, sha256)`` in order), ``ARTICLES_PER_PART`` articles per part.

    The tables are rebuilt from the cache on every run, fresh and reused
    articles alike, so the files depend only on the current raw folder, not
    on batch sizes, workers or what earlier runs did.
    """
    counts = {name: 0 for name in ("articles", *EXTRACTED_TABLES)}
    quarantined: list[dict] = []
    for part, start in enumerate(range(0, len(articles), ARTICLES_PER_PART)):
        tables: Rows = {name: [] for name in counts}
        for source_file, sha256 in articles[start : start + ARTICLES_PER_PART]:
            result = cache.get(sha256)
            for name, rows in result.rows.items():
                # The same bytes may have been cached under another file name.
                tables[name].extend({**row, "source_file": source_file} for row in rows)
            quarantined.extend(_relocated(row, source_file) for row in result.quarantined)
        for name, rows in tables.items():
            store.write_part(name, rows, part)
            counts[name] += len(rows)
    return counts, quarantined


def _relocated(row: dict, source_file: str) -> dict:
    record = json.loads(row["record"])
    record["source_file"] = source_file
    return {**row, "source_file": source_file, "record": json.dumps(record, ensure_ascii=False, sort_keys=True)}


@task(name="publish", cache_policy=NO_CACHE)
def publish(store: OutputStore, quarantine: list[dict], run: dict, tables: list[str]) -> None:
    """Write quarantine, runs, the manifest and the validation report, then
    point every table at the new version."""
    results_dir = store.version / VALIDATION_DIR
    results_dir.mkdir(parents=True, exist_ok=True)
    # Nothing validated (every article reused): no Data Docs, and no need to
    # import Great Expectations (3 s) just to say so.
    summary = get_validator().build_docs(results_dir) if any(results_dir.glob("*/*.json")) else {}
    (results_dir / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True))
    store.write_table("quarantine", quarantine)
    previous_runs = read_table(store.out_dir, "runs").to_pylist()
    store.write_table("runs", [*previous_runs, run])
    (store.version / "manifest.json").write_text(json.dumps(run, indent=1, sort_keys=True, default=str))
    store.publish([*tables, "quarantine", "runs"], files=["manifest.json"])
