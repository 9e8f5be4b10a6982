"""Cleaning, parsing and extraction of a batch of articles."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from newsflow.article import Rows, process_articles
from newsflow.config import Settings
from newsflow.evidence_columns import with_evidence
from newsflow.ingest import RawArticle, Rejection
from newsflow.nlp import load_model


@task(name="extract-records", cache_policy=NO_CACHE)
def extract_records(articles: list[RawArticle], settings: Settings) -> tuple[dict[str, Rows], list[Rejection]]:
    """Rows of every table for each article of a batch (by article id),
    articles streamed through spaCy; articles whose extraction failed come
    back as rejections. Rows carry the columns validation reads from the raw
    text, which later steps no longer hold."""
    nlp = load_model(settings.model)
    extracted: dict[str, Rows] = {}
    failed: list[Rejection] = []
    for article, outcome in process_articles(articles, nlp, settings.spacy_batch):
        if not isinstance(outcome, Exception):
            try:
                removed = [(e["start"], e["end"]) for e in outcome["articles"][0]["cleaning"] if e["kind"] == "boilerplate"]
                extracted[article.article_id] = {
                    name: with_evidence(name, rows, article.text, removed) for name, rows in outcome.items()
                }
                continue
            except Exception as exc:  # noqa: BLE001 - this article only
                outcome = exc
        # An exception with a reason of its own (too_long) is an expected refusal, not a bug.
        reason = getattr(outcome, "reason", "extraction_error")
        detail = str(outcome)
        if reason == "extraction_error":
            detail = f"extraction failed: {type(outcome).__name__}: {outcome}"
        failed.append(Rejection(article.source_file, reason, detail, article.article_id, article.source_record))
    return extracted, failed
