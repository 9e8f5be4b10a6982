"""A sidecar: a table of metadata beside the raw folder (``--metadata FILE``).

One row per file (``source_file``, relative to the raw folder) or, for a
container, per record (``source_file`` and ``source_record``), with any of
``title``, ``url``, ``outlet``, ``published_at``, ``authors`` and
``language`` (or the other usual names of :data:`newsflow.metadata.ALIASES`).
CSV, TSV, JSONL or Parquet, read with pandas. Its values win over what the
documents say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsflow.ids import sha256_hex
from newsflow.metadata import Metadata, read_fields

# Each format's pandas reader and its options. pandas is imported to read a
# sidecar only: every worker and served run imports this module, and would
# otherwise pay a third of a second for it.
_READERS = {
    ".csv": ("read_csv", {"dtype": str, "keep_default_na": False}),
    ".tsv": ("read_csv", {"sep": "\t", "dtype": str, "keep_default_na": False}),
    ".jsonl": ("read_json", {"lines": True, "dtype": False, "convert_dates": False}),
    ".ndjson": ("read_json", {"lines": True, "dtype": False, "convert_dates": False}),
    ".parquet": ("read_parquet", {}),
}
FORMATS = tuple(_READERS)


class SidecarError(ValueError):
    """A sidecar newsflow cannot use at all (so the run does not start)."""


@dataclass(frozen=True)
class Sidecar:
    path: str
    sha256: str
    rows: dict[tuple[str, int | None], Metadata]
    problems: tuple[str, ...] = field(default=())  # rows or values that were left out, and why

    def lookup(self, source_file: str, source_record: int | None) -> Metadata:
        """The row for this record, else the row for its whole file."""
        return self.rows.get((source_file, source_record)) or self.rows.get((source_file, None)) or Metadata()

    def only(self, source_files: set[str]) -> Sidecar:
        """The rows of these files alone: what a batch of them needs."""
        rows = {key: row for key, row in self.rows.items() if key[0] in source_files}
        return Sidecar(self.path, self.sha256, rows, self.problems)

    def unmatched(self, source_files: set[str]) -> list[str]:
        """Rows naming a file that is not in the raw folder, as ``file`` or ``file#record``."""
        return sorted(_shown(key) for key in self.rows if key[0] not in source_files)


def _shown(key: tuple[str, int | None]) -> str:
    return key[0] if key[1] is None else f"{key[0]}#{key[1]}"


def read_sidecar(path: str | Path) -> Sidecar:
    """Read and check a sidecar; raises :class:`SidecarError` when it cannot be used."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise SidecarError(f"{path}: a sidecar must be one of {', '.join(FORMATS)}, not {path.suffix or 'no suffix'}")
    try:
        import pandas as pd

        data = path.read_bytes()
        reader_name, options = reader
        frame = getattr(pd, reader_name)(path, **options)
    except (OSError, ValueError, ImportError) as exc:
        raise SidecarError(f"{path} cannot be read: {exc}") from None
    if "source_file" not in frame.columns:
        raise SidecarError(f"{path} has no source_file column (columns: {', '.join(map(str, frame.columns))})")
    rows: dict[tuple[str, int | None], Metadata] = {}
    problems: list[str] = []
    first_row = 2 if path.suffix.lower() in (".csv", ".tsv") else 1  # after the header line
    for number, record in enumerate(frame.to_dict("records"), start=first_row):
        where = f"{path.name} row {number}"
        try:
            key = (_source_file(record["source_file"]), _record_number(record.get("source_record")))
        except ValueError as exc:
            problems.append(f"{where}: {exc}; row left out")
            continue
        if key in rows:
            problems.append(f"{where}: a second row for {_shown(key)}; the first is used")
            continue
        rows[key], bad_date = read_fields(record, "sidecar")
        if bad_date:
            problems.append(f"{where}: {bad_date}; its date is left out")
    return Sidecar(str(path), sha256_hex(data), rows, tuple(problems))


def _source_file(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("empty source_file")
    # Written on Windows or with a leading "./": the same file either way.
    return value.strip().replace("\\", "/").removeprefix("./")


def _record_number(value) -> int | None:
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    try:
        number = float(value)  # "2.0": a column pandas wrote as floats
        whole = number.is_integer()
    except (TypeError, ValueError):
        whole = False
    if not whole:
        raise ValueError(f"source_record {value!r} is not a whole number")
    number = int(number)
    if number < 1:
        raise ValueError(f"source_record {number} is not a record number (they count from 1)")
    return number
