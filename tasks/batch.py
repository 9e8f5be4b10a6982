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
from newsflow.ingest import Rejection, first_copies
from tasks.extract import extract_records
from tasks.ingest import read_articles


class KeptArticle(NamedTuple):
    source_file: str
    sha256: str
    article_id: str


@dataclass
class BatchOutcome:
    articles: list[KeptArticle] = field(default_factory=list)  # readable, extracted, first of their content here
    rejections: list[Rejection] = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)
    extracted: set[str] = field(default_factory=set)  # ids of the articles this batch extracted
    timings: Counter = field(default_factory=Counter)


@task(name="process-batch", cache_policy=NO_CACHE)
def process_batch(paths: list[Path], raw_dir: str, cache: ArticleCache, settings: Settings) -> BatchOutcome:
    outcome = BatchOutcome()
    began = time.perf_counter()
    articles, unreadable = read_articles(paths, raw_dir, settings)
    outcome.timings["read"] += time.perf_counter() - began
    outcome.inputs += [{"source_file": a.source_file, "sha256": a.sha256, "n_bytes": a.n_bytes} for a in articles]
    outcome.inputs += [{"source_file": r.source_file, "sha256": None, "n_bytes": None} for r in unreadable]
    articles, duplicates = first_copies(articles, {})
    outcome.rejections += unreadable + duplicates
    failed_ids: set[str] = set()
    fresh = []
    for article in articles:
        if (problem := cache.check(article.sha256)) is not None:
            fresh.append(article)
            if problem != NO_ENTRY:
                get_run_logger().warning(
                    "The kept result of %s cannot be used (%s): extracting it again", article.source_file, problem
                )
    if fresh:
        began = time.perf_counter()
        extracted, failed = extract_records(quote(fresh), settings)
        outcome.timings["extract"] += time.perf_counter() - began
        began = time.perf_counter()
        for article in fresh:
            if article.article_id in extracted:
                cache.put(article.sha256, extracted[article.article_id])
        outcome.timings["cache"] += time.perf_counter() - began
        failed_ids = {r.article_id for r in failed}
        outcome.extracted = set(extracted)
        outcome.rejections += failed
    outcome.articles = [
        KeptArticle(a.source_file, a.sha256, a.article_id) for a in articles if a.article_id not in failed_ids
    ]
    return outcome
