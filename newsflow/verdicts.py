"""Validation verdicts kept per article, so that a part rebuilt around a new
article validates the new one alone (``newsflow/validate.py``: ``judge``,
``apply_verdicts``).

A verdict is keyed by what its rows and checks are made of: the article's
kept result (its key), the file and record it was read from (its rows carry
them) and the output fingerprint (the code that extracts, validates and
writes, and Great Expectations' version). It lives beside the article's
kept result, under ``<out>/_cache/verdicts/``, compressed JSON written to a
temporary name and moved into place. Like a kept result, it is a shortcut
only: one that cannot be read, or does not fit its article's rows, is
ignored and the article validated again.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

from newsflow.cache import CACHE_DIR
from newsflow.file_index import KeptArticle
from newsflow.ids import record_id
from newsflow.store import list_files, output_filesystem, write_atomically
from newsflow.validate import Verdict

VERDICTS_DIR = "verdicts"
_SUFFIX = ".json.z"
_FORMAT = 1


class VerdictStore:
    def __init__(self, out: str | Path, output_fingerprint: str):
        self.fs, root = output_filesystem(out)
        self.root = f"{root}/{CACHE_DIR}/{VERDICTS_DIR}"
        self.fingerprint = output_fingerprint

    def key(self, article: KeptArticle) -> str:
        return record_id(self.fingerprint, article.source_file, article.source_record, article.key)

    def _path(self, key: str) -> str:
        return f"{self.root}/{key}{_SUFFIX}"

    def keys(self) -> set[str]:
        """The keys of the kept verdicts, from one listing of the folder."""
        entries = list_files(self.fs, self.root, _SUFFIX, files_only=False)
        return {path.rsplit("/", 1)[-1][: -len(_SUFFIX)] for path in entries}

    def get_many(self, keys: list[str]) -> dict[str, Verdict]:
        """The verdicts of ``keys`` that can be read, by key."""
        found = {}
        for key in keys:
            try:
                kept = json.loads(zlib.decompress(self.fs.cat_file(self._path(key))))
                if kept["format"] == _FORMAT and kept["key"] == key and isinstance(kept["verdict"], dict):
                    found[key] = kept["verdict"]
            except (OSError, zlib.error, ValueError, KeyError, TypeError):
                continue
        return found

    def put(self, key: str, verdict: Verdict) -> None:
        data = json.dumps({"format": _FORMAT, "key": key, "verdict": verdict}, default=str, ensure_ascii=False)
        write_atomically(self.fs, self._path(key), zlib.compress(data.encode(), level=1))

    def prune(self, keep: set[str]) -> int:
        """Delete every verdict but those of ``keep``; returns how many went."""
        wanted = {self._path(key) for key in keep}
        unwanted = [path for path in list_files(self.fs, self.root, files_only=False) if path not in wanted]
        if unwanted:
            self.fs.rm(unwanted)
        return len(unwanted)
