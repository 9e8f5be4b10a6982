"""Per-article results kept between runs, so that a rerun extracts only what changed.

An entry is keyed by the article's bytes (its SHA-256) and the pipeline's
fingerprint: pipeline version, extraction settings and model version. Change
any of them and the article is extracted again. Entries are written to a
temporary file and renamed into place, so a killed run never leaves half an
entry behind.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from newsflow import PIPELINE_VERSION
from newsflow.config import Settings
from newsflow.ids import record_id
from newsflow.manifest import package_version

CACHE_DIR = "_cache"


def pipeline_fingerprint(settings: Settings) -> str:
    return record_id(PIPELINE_VERSION, settings.fingerprint(), package_version(settings.model))


class ArticleCache:
    def __init__(self, out_dir: Path, fingerprint: str):
        self.root = Path(out_dir) / CACHE_DIR
        self.fingerprint = fingerprint

    def _path(self, sha256: str) -> Path:
        return self.root / f"{sha256}-{self.fingerprint}.pkl"

    def has(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def get(self, sha256: str) -> dict[str, list[dict]]:
        """The article's rows per table, as extracted (before validation)."""
        with open(self._path(sha256), "rb") as handle:
            return pickle.load(handle)

    def put(self, sha256: str, rows: dict[str, list[dict]]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(sha256)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with open(partial, "wb") as handle:
            pickle.dump(rows, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)

    def prune(self, keep: set[str]) -> int:
        """Delete entries of articles not in ``keep`` (SHA-256s) or of another
        fingerprint; returns how many went."""
        removed = 0
        if not self.root.is_dir():
            return 0
        wanted = {self._path(sha).name for sha in keep}
        for path in self.root.iterdir():
            if path.name not in wanted:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
