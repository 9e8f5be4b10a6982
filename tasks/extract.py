"""Cleaning, parsing and extraction of a batch of articles."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from newsflow.article import Rows, process_articles
from newsflow.config import Settings
from newsflow.ingest import RawArticle, Rejection
from newsflow.nlp import load_model


@task(name="extract-records", cache_policy=NO_CACHE)
def extract_records(articles: list[RawArticle], settings: Settings) -> tuple[Rows, list[Rejection]]:
    """Rows of every table for a batch, articles streamed through spaCy;
    articles whose extraction failed come back as rejections."""
    nlp = load_model(settings.model)
    merged: Rows = {}
    failed: list[Rejection] = []
    for article, outcome in process_articles(articles, nlp):
        if isinstance(outcome, Exception):
            detail = f"extraction failed: {type(outcome).__name__}: {outcome}"
            failed.append(Rejection(article.source_file, "extraction_error", detail, article.article_id))
            continue
        for name, table_rows in outcome.items():
            merged.setdefault(name, []).extend(table_rows)
    return merged, failed
