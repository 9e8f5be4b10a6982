"""Parquet output: one dataset (a folder of part files) per table.

A run writes into a staging folder next to the output and swaps each table
into place when everything is written, so readers see the previous complete
table or the new one. Writer settings are fixed and rows sorted, so the same
rows give byte-identical files.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsflow.schemas import TABLES, Table

STAGING = ".staging"
VALIDATION_DIR = "_validation"
# Fixed so that output bytes depend on the rows only.
_WRITE_OPTIONS = dict(
    compression="zstd",
    compression_level=3,
    use_dictionary=True,
    write_statistics=True,
    version="2.6",
    row_group_size=128 * 1024,
)


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
    """A published table, parts in order."""
    folder = Path(out_dir) / name
    parts = sorted(folder.glob("*.parquet"))
    if not parts:
        return TABLES[name].schema.empty_table()
    return pa.concat_tables(pq.read_table(p, schema=TABLES[name].schema) for p in parts)


class OutputStore:
    """The output folder and its staging area for one run."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.staging = self.out_dir / STAGING

    def begin(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)

    def write_part(self, name: str, rows: list[dict], part: int) -> None:
        if rows:
            write_parquet(TABLES[name], rows, self.staging / name / f"part-{part:05d}.parquet")

    def write_table(self, name: str, rows: list[dict]) -> None:
        write_parquet(TABLES[name], rows, self.staging / name / "part-00000.parquet")

    def publish(self, names: list[str]) -> None:
        """Swap every staged table (and the validation results) into place."""
        for name in names:
            staged = self.staging / name
            if not any(staged.glob("*.parquet")):
                # An empty table still has its schema for readers.
                self.write_table(name, [])
        for name in [*names, VALIDATION_DIR]:
            staged = self.staging / name
            if not staged.exists():
                continue
            final = self.out_dir / name
            retired = self.out_dir / f"{STAGING}-retired-{name}"
            shutil.rmtree(retired, ignore_errors=True)
            if final.exists():
                os.replace(final, retired)
            os.replace(staged, final)
            shutil.rmtree(retired, ignore_errors=True)
        shutil.rmtree(self.staging, ignore_errors=True)
