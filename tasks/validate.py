"""Great Expectations validation of a batch's rows."""

from __future__ import annotations

from dataclasses import dataclass

from prefect import task
from prefect.cache_policies import NO_CACHE

from newsflow.article import Rows
from newsflow.ingest import RawArticle
from newsflow.validate import get_validator


@dataclass
class CheckedRows:
    valid: Rows
    quarantined: list[dict]
    results: dict[str, dict]


@task(name="validate-records", cache_policy=NO_CACHE)
def validate_records(rows: Rows, articles: list[RawArticle]) -> CheckedRows:
    validator = get_validator()
    raw_texts = {a.article_id: a.text for a in articles}
    checked = CheckedRows({}, [], {})
    for name, table_rows in rows.items():
        outcome = validator.validate(name, table_rows, raw_texts)
        checked.valid[name] = outcome.valid
        checked.quarantined.extend(outcome.quarantined)
        if outcome.result:
            checked.results[name] = outcome.result
    return checked
