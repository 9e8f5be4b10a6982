"""Parquet output: one dataset (a folder of part files) per table.

A run writes a complete new version of every table under
``<out>/.versions/<run_id>/`` and then points ``<out>/<table>`` at it by
atomically replacing a symbolic link. Readers (DuckDB, pandas, Polars, Spark)
open ``<out>/<table>`` as a plain folder and see either the previous complete
table or the new one, never half of one, even when a run is killed.
Writer settings are fixed and rows sorted, so the same rows give
byte-identical files.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsflow.schemas import TABLES, Table

VERSIONS = ".versions"
VALIDATION_DIR = "_validation"
LOCK_FILE = ".newsflow.lock"
# Rows of this many articles make one Parquet part file of each table: parts
# of a useful size, and memory while writing bounded by it, not by the corpus.
ARTICLES_PER_PART = 500
# Fixed so that output bytes depend on the rows only.
_WRITE_OPTIONS = dict(
    compression="zstd",
    compression_level=3,
    use_dictionary=True,
    write_statistics=True,
    version="2.6",
    row_group_size=128 * 1024,
)


class OutputBusy(RuntimeError):
    """Another run holds the output folder."""


def _sort_key(table: Table):
    def key(row: dict):
        return tuple((row[c] is None, row[c] if row[c] is not None else 0) for c in table.sort_by)

    return key


def to_arrow(table: Table, rows: list[dict]) -> pa.Table:
    """Rows as a pyarrow table with the table's schema, in the table's order."""
    return pa.Table.from_pylist(sorted(rows, key=_sort_key(table)), schema=table.schema)


def write_parquet(table: Table, rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(to_arrow(table, rows), path, **_WRITE_OPTIONS)


def read_table(out_dir: Path, name: str) -> pa.Table:
    """A published table, parts in order (empty when never published)."""
    folder = Path(out_dir) / name
    parts = sorted(folder.glob("*.parquet"))
    if not parts:
        return TABLES[name].schema.empty_table()
    return pa.concat_tables(pq.read_table(p, schema=TABLES[name].schema) for p in parts)


class OutputLock:
    """Holds the output folder for one run, so that two runs never write it
    at once. The lock is the operating system's (``flock``): a killed run
    releases it."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self._handle = None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`OutputBusy` saying who holds it."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.out_dir / LOCK_FILE, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise OutputBusy(
                f"another newsflow run ({holder}) is writing to {self.out_dir}; try again when it has finished"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._handle = handle

    def __enter__(self) -> "OutputLock":
        if self._handle is None:
            self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None


class OutputStore:
    """The output folder, and the new version of its tables that a run writes."""

    def __init__(self, out_dir: Path, run_id: str):
        self.out_dir = Path(out_dir)
        self.version = self.out_dir / VERSIONS / run_id

    def begin(self) -> None:
        shutil.rmtree(self.version, ignore_errors=True)
        self.version.mkdir(parents=True)

    def write_part(self, name: str, rows: list[dict], part: int) -> None:
        if rows:
            write_parquet(TABLES[name], rows, self.version / name / f"part-{part:05d}.parquet")

    def write_text(self, relative: str, text: str) -> None:
        path = self.version / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def write_table(self, name: str, rows: list[dict]) -> None:
        write_parquet(TABLES[name], rows, self.version / name / "part-00000.parquet")

    def publish(self, names: list[str], files: list[str] = ()) -> None:
        """Point every table (and the validation report and ``files``) at this
        version, then remove older versions."""
        for name in names:
            if not any((self.version / name).glob("*.parquet")):
                self.write_table(name, [])  # an empty table still has its schema
        for name in [*names, VALIDATION_DIR, *files]:
            if (self.version / name).exists():
                _point(self.out_dir / name, self.version / name)
        for old in (self.out_dir / VERSIONS).iterdir():
            if old != self.version:
                shutil.rmtree(old, ignore_errors=True)


def _point(link: Path, target: Path) -> None:
    """Atomically make ``link`` a symbolic link to ``target`` (relative)."""
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a folder from before versions were kept
    temporary = link.with_name(f".{link.name}.new")
    temporary.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, link.parent), temporary)
    os.replace(temporary, link)
