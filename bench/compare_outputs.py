"""Compare the published tables of two newsflow outputs, table by table.

    python bench/compare_outputs.py BEFORE_OUT AFTER_OUT [--show N]

For each data table: whether its Parquet files are byte-identical, and if
not, how many rows only one side has, with up to N of them (by their id
column), so a change to the extraction code can be shown to change nothing,
or exactly what it changes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

from newsflow.schemas import DATA_TABLES, TABLES


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for part in sorted(folder.glob("*.parquet")):
        digest.update(part.read_bytes())
    return digest.hexdigest()


def _rows(folder: Path) -> Counter:
    """Each row (as JSON) and how many times it occurs: a duplicated row is a difference."""
    rows = pq.read_table(sorted(folder.glob("*.parquet"))).to_pylist() if any(folder.glob("*.parquet")) else []
    return Counter(json.dumps(row, sort_keys=True, default=str) for row in rows)


def compare(before: Path, after: Path, show: int) -> int:
    changed = 0
    for name in (*DATA_TABLES, "quarantine"):
        a, b = before / "current" / name, after / "current" / name
        if _digest(a) == _digest(b):
            print(f"{name:14} identical bytes ({sum(1 for _ in a.glob('*.parquet'))} part(s))")
            continue
        old, new = _rows(a), _rows(b)
        only_old, only_new = old - new, new - old
        print(f"{name:14} {old.total():,} -> {new.total():,} rows; {only_old.total():,} only before, "
              f"{only_new.total():,} only after")
        changed += 1
        key = TABLES[name].key[0] if TABLES[name].key else None
        for label, rows in (("-", only_old), ("+", only_new)):
            for text in sorted(rows)[:show]:
                row = json.loads(text)
                brief = {k: v for k, v in row.items() if k in (key, "source_file", "text", "name", "speaker", "value")}
                print(f"  {label} {json.dumps(brief, default=str, ensure_ascii=False)[:300]}")
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--show", type=int, default=5, help="rows shown per side of each changed table")
    args = parser.parse_args()
    changed = compare(args.before, args.after, args.show)
    print("all tables identical" if not changed else f"{changed} table(s) differ")


if __name__ == "__main__":
    main()
