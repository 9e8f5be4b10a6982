"""The newsflow pipeline: raw text in, validated Parquet out.

Read top to bottom, it is the pipeline: find the raw files; for each batch
read and decode them, then clean, parse, extract and validate the articles
not already extracted by an earlier run (same bytes, same pipeline), and
keep their results; then write every table from those results and publish
them, with the quarantine and the run manifest, as one new version.

Batches of articles and rows are passed to tasks inside ``quote()``: Prefect
otherwise walks every element of a task's arguments looking for futures,
which costs more than the work on large batches.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.utilities.annotations import quote

from newsflow.cache import ArticleCache, pipeline_fingerprint
from newsflow.config import Settings
from newsflow.ingest import RawArticle, Rejection
from newsflow.manifest import run_record
from newsflow.progress import progress
from newsflow.schemas import DATA_TABLES
from newsflow.store import OutputBusy, OutputLock, OutputStore
from newsflow.validate import quarantine_record
from tasks.extract import extract_records
from tasks.ingest import discover_inputs, read_articles
from tasks.store import cache_results, publish, write_tables, write_validation
from tasks.validate import validate_records


@flow(name="newsflow", log_prints=False)
def newsflow_pipeline(
    raw_dir: str = "data/raw",
    out_dir: str = "data/processed",
    model: str | None = None,
    batch_size: int | None = None,
) -> dict:
    """Turn every raw article under ``raw_dir`` into Parquet tables under ``out_dir``."""
    logger = get_run_logger()
    settings = Settings().with_overrides(model=model, batch_size=batch_size)
    started_at = datetime.now(timezone.utc)
    run_id = started_at.strftime("%Y%m%dT%H%M%S%fZ")
    timings: Counter = Counter()

    with _timed(timings, "discover"):
        files = discover_inputs(raw_dir)
    logger.info("Found %d files under %s", len(files), raw_dir)
    lock = OutputLock(Path(out_dir))
    try:
        lock.acquire()
    except OutputBusy as busy:
        logger.warning("%s", busy)
        return {"busy": str(busy), "out_dir": out_dir}
    with lock:
        store = OutputStore(Path(out_dir), run_id)
        store.begin()
        cache = ArticleCache(Path(out_dir), pipeline_fingerprint(settings))

        inputs: list[dict] = []
        rejections: list[Rejection] = []
        current: list[tuple[str, str]] = []  # (source_file, sha256) of every article to publish
        seen: dict[str, str] = {}
        n_extracted = 0
        with progress(len(files), "Articles", logger.info) as advance:
            for number, paths in enumerate(_batches(files, settings.batch_size)):
                with _timed(timings, "read"):
                    articles, unreadable = read_articles(paths, raw_dir, settings)
                articles, duplicates = _first_copies(articles, seen)
                inputs += [_input(a) for a in articles] + [_input(r) for r in unreadable + duplicates]
                fresh = [a for a in articles if not cache.has(a.sha256)]
                failed_ids: set[str] = set()
                if fresh:
                    with _timed(timings, "extract"):
                        records, failed = extract_records(quote(fresh), settings)
                    with _timed(timings, "validate"):
                        checked = validate_records(quote(records), quote(fresh))
                    failed_ids = {r.article_id for r in failed}
                    extracted = [a for a in fresh if a.article_id not in failed_ids]
                    with _timed(timings, "cache"):
                        cache_results(cache, quote(extracted), quote(checked.valid), quote(checked.quarantined))
                        write_validation(store, quote(checked.results), number)
                    n_extracted += len(extracted)
                    rejections += failed
                current += [(a.source_file, a.sha256) for a in articles if a.article_id not in failed_ids]
                rejections += unreadable + duplicates
                advance(len(paths))
        for rejection in rejections:
            logger.warning("Quarantined %s: %s (%s)", rejection.source_file, rejection.reason, rejection.detail)

        with _timed(timings, "write"):
            row_counts, invalid = write_tables(store, quote(current), cache, settings.batch_size)
        quarantine = [_rejection_row(r) for r in rejections] + invalid
        run = run_record(
            run_id=run_id,
            started_at=started_at,
            finished_at=datetime.now(timezone.utc),
            raw_dir=raw_dir,
            inputs=inputs,
            settings=settings,
            row_counts=row_counts,
            timings=dict(timings),
            n_articles=row_counts.get("articles", 0),
            n_extracted=n_extracted,
            n_reused=len(current) - n_extracted,
            n_quarantined=len(quarantine),
            validation_success=not invalid,
        )
        with _timed(timings, "publish"):
            publish(store, quote(quarantine), run, list(DATA_TABLES))
        cache.prune({sha for _, sha in current})
        return {**run, "out_dir": out_dir, "quarantine": quarantine}


@contextmanager
def _timed(timings: Counter, stage: str):
    """Add the seconds spent in the block to ``timings[stage]``."""
    began = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] += time.perf_counter() - began


def _batches(items: list, size: int):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _first_copies(articles: list[RawArticle], seen: dict[str, str]) -> tuple[list[RawArticle], list[Rejection]]:
    """Keep the first file of each content; a byte-identical copy is quarantined."""
    kept, duplicates = [], []
    for article in articles:
        first = seen.setdefault(article.article_id, article.source_file)
        if first == article.source_file:
            kept.append(article)
        else:
            duplicates.append(
                Rejection(article.source_file, "duplicate", f"same bytes as {first}", article.article_id)
            )
    return kept, duplicates


def _input(item: RawArticle | Rejection) -> dict:
    if isinstance(item, RawArticle):
        return {"source_file": item.source_file, "sha256": item.sha256, "n_bytes": item.n_bytes}
    return {"source_file": item.source_file, "sha256": None, "n_bytes": None}


def _rejection_row(rejection: Rejection) -> dict:
    located = {"source_file": rejection.source_file, "article_id": rejection.article_id}
    return quarantine_record(None, located, "ingest", rejection.reason, rejection.detail)
