"""Finding and reading the raw files."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from newsflow.config import Settings
from newsflow.formats import FileRead, read_file
from newsflow.ingest import Rejection, list_raw_files
from newsflow.sidecar import Sidecar


@task(name="discover-inputs", cache_policy=NO_CACHE)
def discover_inputs(raw_dir: str) -> tuple[list[Path], list[Rejection]]:
    """The files to read, and the entries of the raw folder that will not be read."""
    root = Path(raw_dir)
    if not root.is_dir():
        raise NotADirectoryError(f"raw folder {raw_dir!r} does not exist or is not a folder")
    return list_raw_files(root)


@task(name="read-articles", cache_policy=NO_CACHE)
def read_articles(paths: list[Path], raw_dir: str, settings: Settings, sidecar: Sidecar | None) -> list[FileRead]:
    """Read a batch of files into articles; what cannot be read comes back
    as rejections, with the file or record it concerns."""
    return [read_file(path, Path(raw_dir), settings, sidecar) for path in paths]
