"""Per-article results kept between runs, so that a rerun extracts only what changed.

An entry is keyed by the article's bytes (their SHA-256) and the extraction
fingerprint (``newsflow/fingerprint.py``): change the code, the model or a
package the text passes through and every article is extracted again.

Entries are data, never code: one Arrow IPC file per article whose schema is
derived from the table schemas (``schemas.cache_entry_schema``), so an entry
planted in a shared output folder can at worst hold wrong rows, and it must
prove which input it belongs to: the SHA-256 and fingerprint in its metadata,
and the article id in every row, must be the ones asked for. An entry that
fails any check (truncated, garbage, swapped, from another pipeline) is
reported as damaged and the article is extracted again. Entries live under
``<out>/_cache/`` on the output's filesystem, written to a temporary name and
moved into place, so a killed run never leaves half an entry behind.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa

from newsflow.ids import article_id_for
from newsflow.schemas import DATA_TABLES, cache_entry_schema
from newsflow.store import list_files, output_filesystem

CACHE_DIR = "_cache"
NO_ENTRY = "no entry"
_SUFFIX = ".arrow"
_ENTRY_SCHEMA = cache_entry_schema()
_WRITE_OPTIONS = pa.ipc.IpcWriteOptions(compression="zstd")

Rows = dict[str, list[dict]]


class DamagedEntry(ValueError):
    """A cache entry that cannot be trusted; the article is extracted again."""


class ArticleCache:
    def __init__(self, out: str | Path, fingerprint: str):
        self.fs, root = output_filesystem(out)
        self.root = f"{root}/{CACHE_DIR}"
        self.fingerprint = fingerprint

    def _path(self, sha256: str) -> str:
        return f"{self.root}/{sha256}-{self.fingerprint}{_SUFFIX}"

    def get(self, sha256: str) -> Rows:
        """The article's rows per table, as extracted (before validation);
        raises :class:`DamagedEntry` when the entry is missing or fails a check."""
        try:
            data = self.fs.cat_file(self._path(sha256))
        except FileNotFoundError:
            raise DamagedEntry(NO_ENTRY) from None
        try:
            reader = pa.ipc.open_file(pa.BufferReader(data))
            metadata = reader.schema.metadata or {}
            if metadata.get(b"sha256") != sha256.encode() or metadata.get(b"fingerprint") != self.fingerprint.encode():
                raise DamagedEntry("the entry belongs to another article or pipeline")
            if not reader.schema.remove_metadata().equals(_ENTRY_SCHEMA):
                raise DamagedEntry("the entry's columns are not the tables' columns")
            entries = reader.read_all().to_pylist()
        except (pa.ArrowException, OSError) as exc:
            raise DamagedEntry(f"unreadable: {exc}") from None
        if len(entries) != 1:
            raise DamagedEntry(f"{len(entries)} rows where one was expected")
        rows = entries[0]
        article_id = article_id_for(sha256)
        if any(row["article_id"] != article_id for table in rows.values() for row in table):
            raise DamagedEntry("rows of another article")
        return rows

    def check(self, sha256: str) -> str | None:
        """None when the article's entry can be used, else why not."""
        try:
            self.get(sha256)
        except DamagedEntry as damage:
            return str(damage)
        return None

    def put(self, sha256: str, rows: Rows) -> None:
        entry = pa.Table.from_pylist([{name: rows.get(name, []) for name in DATA_TABLES}], schema=_ENTRY_SCHEMA)
        entry = entry.replace_schema_metadata({"sha256": sha256, "fingerprint": self.fingerprint})
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, entry.schema, options=_WRITE_OPTIONS) as writer:
            writer.write_table(entry)
        self.fs.makedirs(self.root, exist_ok=True)
        path = self._path(sha256)
        partial = f"{path}.{os.getpid()}.tmp"
        self.fs.pipe_file(partial, sink.getvalue().to_pybytes())
        self.fs.mv(partial, path)

    def discard(self, sha256: str) -> None:
        self.fs.rm(self._path(sha256))

    def prune(self, keep: set[str]) -> int:
        """Delete entries of articles not in ``keep`` (SHA-256s), of another
        fingerprint, and anything else in the folder; returns how many went."""
        wanted = {self._path(sha) for sha in keep}
        unwanted = [path for path in list_files(self.fs, self.root) if path not in wanted]
        if unwanted:
            self.fs.rm(unwanted)
        return len(unwanted)
