"""Per-article results kept between runs, so that a rerun extracts only what changed.

An entry is keyed by the article's bytes (its SHA-256) and the pipeline's
fingerprint: pipeline version, extraction settings and model version. Change
any of them and the article is extracted again. Entries live under
``<out>/_cache/`` on the output's filesystem; they are written to a temporary
name and moved into place, so a killed run never leaves half an entry behind.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from newsflow import PIPELINE_VERSION
from newsflow.config import Settings
from newsflow.ids import record_id
from newsflow.manifest import package_version
from newsflow.store import output_filesystem

CACHE_DIR = "_cache"


def pipeline_fingerprint(settings: Settings) -> str:
    return record_id(PIPELINE_VERSION, settings.fingerprint(), package_version(settings.model))


class ArticleCache:
    def __init__(self, out: str | Path, fingerprint: str):
        self.fs, root = output_filesystem(out)
        self.root = f"{root}/{CACHE_DIR}"
        self.fingerprint = fingerprint

    def _path(self, sha256: str) -> str:
        return f"{self.root}/{sha256}-{self.fingerprint}.pkl"

    def has(self, sha256: str) -> bool:
        return self.fs.isfile(self._path(sha256))

    def get(self, sha256: str) -> dict[str, list[dict]]:
        """The article's rows per table, as extracted (before validation)."""
        return pickle.loads(self.fs.cat_file(self._path(sha256)))

    def put(self, sha256: str, rows: dict[str, list[dict]]) -> None:
        self.fs.makedirs(self.root, exist_ok=True)
        path = self._path(sha256)
        partial = f"{path}.{os.getpid()}.tmp"
        self.fs.pipe_file(partial, pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
        self.fs.mv(partial, path)

    def prune(self, keep: set[str]) -> int:
        """Delete entries of articles not in ``keep`` (SHA-256s) or of another
        fingerprint; returns how many went."""
        if not self.fs.isdir(self.root):
            return 0
        wanted = {self._path(sha) for sha in keep}
        unwanted = [path for path in self.fs.ls(self.root, detail=False) if path not in wanted]
        if unwanted:
            self.fs.rm(unwanted)
        return len(unwanted)
