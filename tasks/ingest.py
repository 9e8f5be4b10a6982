"""Finding and reading the raw files."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from newsflow.config import Settings
from newsflow.ingest import RawArticle, Rejection, list_raw_files, read_article


@task(name="discover-inputs", cache_policy=NO_CACHE)
def discover_inputs(raw_dir: str) -> tuple[list[Path], list[Rejection]]:
    """The files to read, and the entries of the raw folder that will not be read."""
    root = Path(raw_dir)
    if not root.is_dir():
        raise NotADirectoryError(f"raw folder {raw_dir!r} does not exist or is not a folder")
    return list_raw_files(root)


@task(name="read-articles", cache_policy=NO_CACHE)
def read_articles(paths: list[Path], raw_dir: str, settings: Settings) -> tuple[list[RawArticle], list[Rejection]]:
    """Decode a batch of files; unreadable ones come back as rejections."""
    articles, rejections = [], []
    for path in paths:
        outcome = read_article(path, Path(raw_dir), settings)
        (articles if isinstance(outcome, RawArticle) else rejections).append(outcome)
    return articles, rejections
