"""One batch of raw files, start to finish: read, extract, keep.

A batch is the unit of parallel work: with a process pool or a Dask cluster,
batches run side by side, each worker loading the spaCy model once. What
comes back to the flow is small (what each file held: its articles' ids and
keys, what could not be read; timings); the rows themselves go to the
per-article cache, where the part writers (``tasks/store.py``) validate and
write them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from newsflow.batching import batched
from newsflow.cache import NO_ENTRY, ArticleCache
from newsflow.config import Settings
from newsflow.file_index import FileEntry, KeptArticle
from newsflow.formats import FileRead, read_records
from newsflow.ingest import RawArticle, Rejection, first_copies, source_file_of, where
from newsflow.sidecar import Sidecar
from newsflow.timing import timed


@dataclass
class BatchOutcome:
    files: list[FileEntry] = field(default_factory=list)  # what each file held, in order
    failed: list[Rejection] = field(default_factory=list)  # articles whose extraction failed
    extracted: set[str] = field(default_factory=set)  # ids of the articles this batch extracted
    timings: Counter = field(default_factory=Counter)


@task(name="process-batch", cache_policy=NO_CACHE)
def process_batch(
    paths: list[Path], raw_dir: str, cache: ArticleCache, settings: Settings, sidecar: Sidecar | None
) -> BatchOutcome:
    """Read the files, and extract and keep the articles not kept already,
    ``settings.batch_size`` articles at a time: a JSONL or WARC file of many
    thousand articles streams through in bounded memory. A copy of an article
    read earlier in the batch is not extracted twice; telling it a
    duplicate is the flow's, which sees every file."""
    outcome = BatchOutcome()
    reads: list[FileRead] = []
    articles_of: dict[str, list[KeptArticle]] = {}
    rejections_of: dict[str, list[Rejection]] = {}

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
        for item in chunk:
            if isinstance(item, RawArticle):
                articles_of.setdefault(item.source_file, []).append(
                    KeptArticle(item.source_file, item.source_record, item.key, item.article_id))
            else:
                rejections_of.setdefault(item.source_file, []).append(item)
        _extract_and_keep(first_copies(articles, first)[0], cache, settings, outcome)
    outcome.files = [FileEntry(found.source_file, found.input, found.notes, articles_of.get(found.source_file, []),
                               rejections_of.get(found.source_file, [])) for found in reads]
    return outcome


def _extract_and_keep(articles: list[RawArticle], cache: ArticleCache, settings: Settings,
                      outcome: BatchOutcome) -> None:
    """Extract the articles without a usable kept result and keep theirs."""
    fresh = []
    for article in articles:
        if (problem := cache.check(article.key, article.article_id)) is not None:
            fresh.append(article)
            if problem != NO_ENTRY:
                get_run_logger().warning(
                    "The kept result of %s cannot be used (%s): extracting it again", where(article), problem
                )
    if not fresh:
        return
    from tasks.extract import extract_records  # spaCy's import, for runs that extract

    with timed(outcome.timings, "extract"):
        extracted, failed = extract_records(quote(fresh), settings)
    with timed(outcome.timings, "cache"):
        for article in fresh:
            if article.article_id in extracted:
                cache.put(article.key, extracted[article.article_id])
    outcome.extracted |= set(extracted)
    outcome.failed += failed


def _timed(items: Iterator, timings: Counter, stage: str) -> Iterator:
    """``items``, adding the time spent producing each to ``timings[stage]``."""
    while True:
        with timed(timings, stage):
            item = next(items, _DONE)
        if item is _DONE:
            return
        yield item


_DONE = object()
