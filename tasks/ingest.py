"""Finding the raw files."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from newsflow.ingest import Rejection, list_raw_files


@task(name="discover-inputs", cache_policy=NO_CACHE)
def discover_inputs(raw_dir: str) -> tuple[list[Path], list[Rejection]]:
    """The files to read, and the entries of the raw folder that will not be read."""
    root = Path(raw_dir)
    if not root.is_dir():
        raise NotADirectoryError(f"raw folder {raw_dir!r} does not exist or is not a folder")
    return list_raw_files(root)
