"""What each raw file held when a run last read it, so that a rerun reads
only the files that changed.

A file is read again unless its size, modification time and inode are the
ones recorded, its sidecar rows are the same, it was read by the same
extraction code and reading limits (the index's context), and every article
read from it still has a kept result in the cache. As with ``make`` or
``rsync``, a file rewritten in place with the same size within the same
nanosecond is not noticed.

The index lives beside the cache (``<out>/_cache/files.json.z``), is written
whole to a temporary name and moved into place, and is only ever a shortcut:
an index that is missing, unreadable or of another context is ignored, and
every file is read.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from newsflow.collector import collector_paused
from newsflow.ids import record_id
from newsflow.ingest import Rejection, source_file_of
from newsflow.store import file_stamp, write_atomically

if TYPE_CHECKING:  # pandas, which reading a sidecar needs, costs a quarter second
    from newsflow.sidecar import Sidecar

INDEX_FILE = "files.json.z"
_FORMAT = 1


class KeptArticle(NamedTuple):
    """An article read from a file, and the key of its kept result."""

    source_file: str
    source_record: int | None
    key: str  # of its cache entry
    article_id: str


@dataclass
class FileEntry:
    """What reading one raw file gave: its row of the run's inputs, its
    warnings, its articles (before duplicates are told apart) and the
    rejections of what in it could not be read."""

    source_file: str
    input: dict
    notes: list[str] = field(default_factory=list)
    articles: list[KeptArticle] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"input": self.input, "notes": self.notes, "articles": [list(a[1:]) for a in self.articles],
                "rejections": [[r.reason, r.detail, r.article_id, r.source_record] for r in self.rejections]}

    @classmethod
    def from_json(cls, source_file: str, data: dict) -> FileEntry:
        return cls(
            source_file,
            data["input"],
            list(data["notes"]),
            [KeptArticle(source_file, record, key, article_id) for record, key, article_id in data["articles"]],
            [Rejection(source_file, reason, detail, article_id, record)
             for reason, detail, article_id, record in data["rejections"]],
        )


def sidecar_digests(sidecar: Sidecar | None) -> dict[str, str]:
    """A digest of each file's sidecar rows, by file."""
    if sidecar is None:
        return {}
    rows: dict[str, list[str]] = {}
    for (source_file, record), metadata in sorted(sidecar.rows.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        rows.setdefault(source_file, []).append(f"{record}\x1e{metadata.as_key()}")
    return {source_file: record_id(*lines) for source_file, lines in rows.items()}


class FileIndex:
    """The index of one output folder, for one context (a digest of the
    extraction fingerprint and the reading limits)."""

    def __init__(self, fs, cache_root: str, context: str):
        self.fs = fs
        self.path = f"{cache_root}/{INDEX_FILE}"
        self.context = context
        # The run that saved the index, and its state key (newsflow/status.py);
        # None when there is no index of this context.
        self.published: dict | None = None
        self._recorded: dict[str, dict] = {}
        self._seen: dict[str, tuple[list[int] | None, str]] = {}  # this run's stamp and sidecar digest, by file
        try:
            with collector_paused():
                index = json.loads(zlib.decompress(self.fs.cat_file(self.path)))
            if index.get("format") == _FORMAT and index.get("context") == self.context:
                self._recorded, self.published = dict(index["files"]), dict(index["published"])
        except (OSError, zlib.error, ValueError, AttributeError, KeyError, TypeError):
            pass  # read every file, as on a first run

    def recorded_files(self) -> set[str]:
        return set(self._recorded)

    def seen_files(self) -> set[str]:
        """The files this run split, by source file."""
        return set(self._seen)

    def split(self, files: list[Path], raw_dir: str, sidecar: Sidecar | None,
              kept: set[str]) -> tuple[dict[str, FileEntry], list[Path]]:
        """The entries of the files unchanged since they were recorded whose
        articles all have a kept result (keys in ``kept``), by source file;
        and the files to read."""
        known: dict[str, FileEntry] = {}
        to_read: list[Path] = []
        for path, source_file, recorded in self._checked(files, raw_dir, sidecar, kept):
            try:
                known[source_file] = FileEntry.from_json(source_file, recorded)
            except (KeyError, TypeError, ValueError):  # None, or not an entry
                to_read.append(path)
        return known, to_read

    def to_read(self, files: list[Path], raw_dir: str, sidecar: Sidecar | None, kept: set[str]) -> list[Path]:
        """The files ``split`` would have read, without building the others'
        entries (``newsflow status``)."""
        return [path for path, _, recorded in self._checked(files, raw_dir, sidecar, kept) if recorded is None]

    def _checked(self, files: list[Path], raw_dir: str, sidecar: Sidecar | None,
                 kept: set[str]) -> Iterator[tuple[Path, str, dict | None]]:
        """Each file, its source file name and its recorded entry (as
        saved), or None when it must be read."""
        digests = sidecar_digests(sidecar)
        folder = Path(raw_dir)
        for path in files:
            source_file = source_file_of(path, folder)
            self._seen[source_file] = seen = (file_stamp(path), digests.get(source_file, ""))
            yield path, source_file, self._unchanged(source_file, seen, kept)

    def _unchanged(self, source_file: str, seen: tuple[list[int] | None, str], kept: set[str]) -> dict | None:
        recorded = self._recorded.get(source_file)
        if not recorded or seen[0] is None or [recorded.get("stamp"), recorded.get("sidecar")] != list(seen):
            return None
        try:
            entry = recorded["entry"]
            # The shape ``FileEntry.from_json`` needs, so that status and split agree.
            if not (isinstance(entry["input"], dict) and isinstance(entry["notes"], list)
                    and all(len(rejection) == 4 for rejection in entry["rejections"])):
                return None
            # Its extraction failed last time, or its result went: read and extract it.
            return None if any(key not in kept for _, key, _ in entry["articles"]) else entry
        except (KeyError, TypeError, ValueError):
            return None

    def save(self, entries: list[FileEntry], published: dict) -> None:
        """Write the index of ``entries``, the files split by this run (a
        file no longer in the raw folder leaves it), with the run that
        ``published`` them (its id and state key)."""
        files = {e.source_file: {"stamp": self._seen[e.source_file][0], "sidecar": self._seen[e.source_file][1],
                                 "entry": e.as_json()} for e in entries}
        data = zlib.compress(json.dumps({"format": _FORMAT, "context": self.context,
                                         "published": published, "files": files}).encode(), level=1)
        write_atomically(self.fs, self.path, data)
