"""Parquet output: one dataset (a folder of part files) per table, on any
filesystem fsspec knows: a local folder, ``file://…``, ``s3://…`` (with the
``s3`` extra), ``memory://…``.

A run writes a complete new version of every table under
``<out>/.versions/<run_id>/``, then publishes it:

- on a local disk by atomically replacing the symbolic link ``<out>/<table>``,
  so readers (DuckDB, pandas, Polars, Spark) opening ``<out>/<table>`` as a
  plain folder see either the previous complete table or the new one, never
  half of one, even when a run is killed;
- on an object store, which has no links and no multi-object swap, by
  copying the new parts into ``<out>/<table>/`` and then deleting the parts
  that are no longer part of the table. A reader listing the folder during
  those seconds can see a mix; ``<out>/manifest.json``, copied last, names
  the run whose tables are complete.

Every part file has exactly one writer (its part number), so parts are
written side by side by many workers without conflicts. Writer settings are
fixed and rows sorted, so the same rows give byte-identical files.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from newsflow.ids import record_id
from newsflow.schemas import TABLES, Table

VERSIONS = ".versions"
VALIDATION_DIR = "_validation"
LOCK_FILE = ".newsflow.lock"
# Rows of this many articles make one Parquet part file of each table: parts
# of a useful size, and memory while writing bounded by it, not by the corpus.
ARTICLES_PER_PART = 500
# Fixed so that output bytes depend on the rows only.
_WRITE_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "row_group_size": 128 * 1024,
}


class OutputBusy(RuntimeError):
    """Another run holds the output folder."""


def output_filesystem(out: str | Path) -> tuple[fsspec.AbstractFileSystem, str]:
    """The filesystem of an output folder or URL, and the folder's path on it."""
    fs, root = fsspec.core.url_to_fs(str(out))
    return fs, root.rstrip("/") or "/"


def _sort_key(table: Table):
    def key(row: dict):
        return tuple((row[c] is None, row[c] if row[c] is not None else 0) for c in table.sort_by)

    return key


def to_arrow(table: Table, rows: list[dict]) -> pa.Table:
    """Rows as a pyarrow table with the table's schema, in the table's order."""
    return pa.Table.from_pylist(sorted(rows, key=_sort_key(table)), schema=table.schema)


def read_table(out: str | Path, name: str) -> pa.Table:
    """A published table, parts in order (empty when never published)."""
    fs, root = output_filesystem(out)
    parts = sorted(fs.glob(f"{root}/{name}/*.parquet"))
    if not parts:
        return TABLES[name].schema.empty_table()
    tables = []
    for part in parts:
        with fs.open(part, "rb") as handle:
            tables.append(pq.read_table(handle, schema=TABLES[name].schema))
    return pa.concat_tables(tables)


class OutputLock:
    """Holds the output folder for one run, so that two runs never write it
    at once. The lock is the operating system's (``flock``): a killed run
    releases it. For an output on an object store the lock file is local, so
    it keeps out runs on this machine only."""

    def __init__(self, out: str | Path):
        self.out = str(out)
        fs, root = output_filesystem(out)
        if isinstance(fs, LocalFileSystem):
            self.path = Path(root) / LOCK_FILE
        else:
            self.path = Path(tempfile.gettempdir()) / f"newsflow-{record_id(self.out)}.lock"
        self._handle = None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`OutputBusy` saying who holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held open for the whole run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise OutputBusy(
                f"another newsflow run ({holder}) is writing to {self.out}; try again when it has finished"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._handle = handle

    def __enter__(self) -> OutputLock:
        if self._handle is None:
            self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None


class OutputStore:
    """The output folder, and the new version of its tables that a run writes."""

    def __init__(self, out: str | Path, run_id: str):
        self.out = str(out)
        self.fs, self.root = output_filesystem(out)
        self.version = f"{self.root}/{VERSIONS}/{run_id}"

    def begin(self) -> None:
        if self.fs.exists(self.version):
            self.fs.rm(self.version, recursive=True)
        self.fs.makedirs(self.version, exist_ok=True)

    def write_part(self, name: str, rows: list[dict], part: int) -> None:
        if rows:
            self._write_parquet(name, rows, f"part-{part:05d}.parquet")

    def write_table(self, name: str, rows: list[dict]) -> None:
        self._write_parquet(name, rows, "part-00000.parquet")

    def _write_parquet(self, name: str, rows: list[dict], file_name: str) -> None:
        self.fs.makedirs(f"{self.version}/{name}", exist_ok=True)
        with self.fs.open(f"{self.version}/{name}/{file_name}", "wb") as handle:
            pq.write_table(to_arrow(TABLES[name], rows), handle, **_WRITE_OPTIONS)

    def write_text(self, relative: str, text: str) -> None:
        path = f"{self.version}/{relative}"
        self.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
        self.fs.pipe_file(path, text.encode())

    def read_texts(self, relative_dir: str, pattern: str) -> dict[str, str]:
        """Every file under ``relative_dir`` of this version matching
        ``pattern``, by path relative to it, in order."""
        base = f"{self.version}/{relative_dir}"
        found = sorted(self.fs.glob(f"{base}/{pattern}"))
        return {path[len(base) + 1 :]: self.fs.cat_file(path).decode() for path in found}

    def put_folder(self, local: Path, relative: str) -> None:
        """Copy a local folder into this version."""
        for path in sorted(p for p in Path(local).rglob("*") if p.is_file()):
            target = f"{self.version}/{relative}/{path.relative_to(local).as_posix()}"
            self.fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
            self.fs.put_file(str(path), target)

    def publish(self, names: list[str], files: list[str] = ()) -> None:
        """Point every table (and the validation report and ``files``) at this
        version, then remove older versions."""
        for name in names:
            if not self.fs.glob(f"{self.version}/{name}/*.parquet"):
                self.write_table(name, [])  # an empty table still has its schema
        published = [n for n in [*names, VALIDATION_DIR, *files] if self.fs.exists(f"{self.version}/{n}")]
        for name in published:
            if isinstance(self.fs, LocalFileSystem):
                _point(Path(self.root) / name, Path(self.version) / name)
            else:
                self._copy_into_place(name)
        for old in self.fs.ls(f"{self.root}/{VERSIONS}", detail=False):
            if old.rstrip("/") != self.version:
                self.fs.rm(old, recursive=True)

    def _copy_into_place(self, name: str) -> None:
        source, target = f"{self.version}/{name}", f"{self.root}/{name}"
        if not self.fs.isdir(source):
            self.fs.copy(source, target)
            return
        new = {path[len(source) :] for path in self.fs.find(source)}
        for relative in sorted(new):
            self.fs.copy(source + relative, target + relative)
        stale = [path for path in self.fs.find(target) if path[len(target) :] not in new] if self.fs.exists(target) else []
        if stale:
            self.fs.rm(stale)


def _point(link: Path, target: Path) -> None:
    """Atomically make ``link`` a symbolic link to ``target`` (relative)."""
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a folder from before versions were kept
    temporary = link.with_name(f".{link.name}.new")
    temporary.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, link.parent), temporary)
    os.replace(temporary, link)
