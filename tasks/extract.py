"""Cleaning, parsing and extraction of a batch of articles."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from newsflow.article import Rows, process_articles
from newsflow.config import Settings
from newsflow.ingest import RawArticle
from newsflow.nlp import load_model


@task(name="extract-records", cache_policy=NO_CACHE)
def extract_records(articles: list[RawArticle], settings: Settings) -> Rows:
    """Rows of every table for a batch, articles streamed through spaCy."""
    nlp = load_model(settings.model)
    merged: Rows = {}
    for rows in process_articles(articles, nlp):
        for name, table_rows in rows.items():
            merged.setdefault(name, []).extend(table_rows)
    return merged
