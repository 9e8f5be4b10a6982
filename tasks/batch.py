"""One batch of raw files, start to finish: read, extract, keep.

A batch is the unit of parallel work: with a process pool or a Dask cluster,
batches run side by side, each worker loading the spaCy model once. What
comes back to the flow is small (ids, rejections, timings); the rows
themselves go to the per-article cache, where the part writers
(``tasks/store.py``) validate and write them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, NamedTuple

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from newsflow.batching import batched
from newsflow.cache import NO_ENTRY, ArticleCache
from newsflow.config import Settings
from newsflow.formats import FileRead, read_records
from newsflow.ingest import RawArticle, Rejection, first_copies, source_file_of, where
from newsflow.sidecar import Sidecar
from newsflow.timing import timed
from tasks.extract import extract_records


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
    """Read the files, and extract and keep the articles not kept already,
    ``settings.batch_size`` articles at a time: a JSONL or WARC file of many
    thousand articles streams through in bounded memory."""
    outcome = BatchOutcome()
    reads: list[FileRead] = []

    def records() -> Iterator[RawArticle | Rejection]:
        for path in paths:
            reads.append(found := FileRead(source_file_of(Path(path), Path(raw_dir))))
            try:
                yield from read_records(Path(path), Path(raw_dir), settings, sidecar, found)
            except Exception as exc:  # noqa: BLE001 - a bug meets one file: the others go on
                yield Rejection(found.source_file, "read_error", f"reading failed: {type(exc).__name__}: {exc}")

    first: dict[str, str] = {}  # article id -> where it was first read in this batch
    for chunk in batched(_timed(records(), outcome.timings, "read"), settings.batch_size):
        articles = [item for item in chunk if isinstance(item, RawArticle)]
        outcome.rejections += [item for item in chunk if isinstance(item, Rejection)]
        articles, duplicates = first_copies(articles, first)
        outcome.rejections += duplicates
        failed = _extract_and_keep(articles, cache, settings, outcome)
        outcome.articles += [KeptArticle(a.source_file, a.source_record, a.key, a.article_id)
                             for a in articles if a.article_id not in failed]
    logger = get_run_logger()
    for found in reads:
        outcome.inputs.append(found.input)
        for note in found.notes:
            logger.warning("%s", note)
    return outcome


def _extract_and_keep(articles: list[RawArticle], cache: ArticleCache, settings: Settings,
                      outcome: BatchOutcome) -> set[str]:
    """Extract the articles without a usable kept result and keep theirs;
    returns the ids of those whose extraction failed."""
    fresh = []
    for article in articles:
        if (problem := cache.check(article.key, article.article_id)) is not None:
            fresh.append(article)
            if problem != NO_ENTRY:
                get_run_logger().warning(
                    "The kept result of %s cannot be used (%s): extracting it again", where(article), problem
                )
    if not fresh:
        return set()
    with timed(outcome.timings, "extract"):
        extracted, failed = extract_records(quote(fresh), settings)
    with timed(outcome.timings, "cache"):
        for article in fresh:
            if article.article_id in extracted:
                cache.put(article.key, extracted[article.article_id])
    outcome.extracted |= set(extracted)
    outcome.rejections += failed
    return {r.article_id for r in failed}


def _timed(items: Iterator, timings: Counter, stage: str) -> Iterator:
    """``items``, adding the time spent producing each to ``timings[stage]``."""
    while True:
        with timed(timings, stage):
            item = next(items, _DONE)
        if item is _DONE:
            return
        yield item


_DONE = object()
