"""One batch of raw files, start to finish: read, extract, keep.

A batch is the unit of parallel work: with a process pool or a Dask cluster,
batches run side by side, each worker loading the spaCy model once. What
comes back to the flow is small (ids, rejections, timings); the rows
themselves go to the per-article cache, where the part writers
(``tasks/store.py``) validate and write them.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from newsflow.cache import NO_ENTRY, ArticleCache
from newsflow.config import Settings
from newsflow.ingest import Rejection, first_copies, where
from newsflow.sidecar import Sidecar
from tasks.extract import extract_records
from tasks.ingest import read_articles


class KeptArticle(NamedTuple):
    source_file: str
    source_record: int | None
    key: str  # of its cache entry
    article_id: str


@dataclass
class BatchOutcome:
    articles: list[KeptArticle] = field(default_factory=list)  # readable, extracted, first of their content here
    rejections: list[Rejection] = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)
    extracted: set[str] = field(default_factory=set)  # ids of the articles this batch extracted
    timings: Counter = field(default_factory=Counter)


@task(name="process-batch", cache_policy=NO_CACHE)
def process_batch(
    paths: list[Path], raw_dir: str, cache: ArticleCache, settings: Settings, sidecar: Sidecar | None
) -> BatchOutcome:
    outcome = BatchOutcome()
    logger = get_run_logger()
    began = time.perf_counter()
    reads = read_articles(paths, raw_dir, settings, sidecar)
    outcome.timings["read"] += time.perf_counter() - began
    articles = []
    for read in reads:
        outcome.inputs.append(read.input)
        articles += read.articles
        outcome.rejections += read.rejections
        for note in read.notes:
            logger.warning("%s", note)
    articles, duplicates = first_copies(articles, {})
    outcome.rejections += duplicates
    failed_ids: set[str] = set()
    fresh = []
    for article in articles:
        if (problem := cache.check(article.key, article.article_id)) is not None:
            fresh.append(article)
            if problem != NO_ENTRY:
                logger.warning("The kept result of %s cannot be used (%s): extracting it again", where(article), problem)
    if fresh:
        began = time.perf_counter()
        extracted, failed = extract_records(quote(fresh), settings)
        outcome.timings["extract"] += time.perf_counter() - began
        began = time.perf_counter()
        for article in fresh:
            if article.article_id in extracted:
                cache.put(article.key, extracted[article.article_id])
        outcome.timings["cache"] += time.perf_counter() - began
        failed_ids = {r.article_id for r in failed}
        outcome.extracted = set(extracted)
        outcome.rejections += failed
    outcome.articles = [
        KeptArticle(a.source_file, a.source_record, a.key, a.article_id) for a in articles if a.article_id not in failed_ids
    ]
    return outcome
