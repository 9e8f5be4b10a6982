"""What a run did, in words a person reads in Prefect's UI and at the
command line: the run's state message, its markdown summary, its table of
quarantined records and where its Data Docs are. Pure functions of the run
record and the quarantine rows."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping

from newsflow.store import REPORT_DIR, VALIDATION_DIR, published_path_uri

# The quarantine columns a reader needs to find and judge a record.
QUARANTINE_COLUMNS = ("source_file", "source_record", "stage", "table_name", "reason", "detail")
DOCS_INDEX = f"{VALIDATION_DIR}/data_docs/index.html"
REPORT_INDEX = f"{REPORT_DIR}/index.html"


class RunSummary(Mapping):
    """What the flow returns: the run record, with ``out_dir`` and the
    quarantine rows (or, for a run that found the output up to date,
    ``up_to_date``, ``run_id`` and ``out_dir``), as a read-only mapping. Not
    a dict: Prefect walks every element of a dict a flow returns, looking
    for futures, and the record lists every input file (a second at
    10,000 files)."""

    def __init__(self, items: Mapping) -> None:
        self._items = dict(items)

    def __getitem__(self, key: str):
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"RunSummary({self._items!r})"


def docs_link(out_dir: str) -> str:
    """The published Data Docs' index: a file URI for a local output, the
    object store's URL otherwise."""
    return published_path_uri(out_dir, DOCS_INDEX)


def report_link(out_dir: str) -> str:
    """The published report page, as ``docs_link``."""
    return published_path_uri(out_dir, REPORT_INDEX)


def state_message(run: dict) -> str:
    """One line: what was published and what was kept aside."""
    message = (f"Published {counted(run['n_articles'], 'article')} ({run['n_extracted']:,} extracted, "
               f"{run['n_reused']:,} unchanged)")
    if run["n_quarantined"]:
        message += f"; {counted(run['n_quarantined'], 'record')} quarantined, see the quarantine table"
    if not run["validation_success"]:
        message += "; some rows failed validation"
    return message


def summary_markdown(run: dict, quarantine: list[dict], docs: str, report: str) -> str:
    """The run's summary: counts per table, inputs, quarantine by reason,
    validation and where the report and the Data Docs are."""
    counts = json.loads(run["row_counts"])
    lines = [
        f"# newsflow run {run['run_id']}",
        "",
        f"{state_message(run)}.",
        "",
        f"- raw folder: `{run['raw_dir']}`; files: {run['n_inputs']:,} ({run['n_files_read']:,} read this run)",
        f"- parts: {run['n_parts_written']:,} written, {run['n_parts_reused']:,} unchanged",
        f"- validation: {'passed' if run['validation_success'] else 'rows failed and were quarantined'}; "
        f"Data Docs: {docs}",
        f"- duration: {run['duration_s']:,.1f} s; model `{run['model']}`; newsflow {run['newsflow_version']}",
        f"- report: {report}",
        "",
        "| table | rows |",
        "| --- | ---: |",
        *(f"| {table} | {n:,} |" for table, n in counts.items()),
    ]
    if quarantine:
        reasons = Counter((row["stage"], row["reason"]) for row in quarantine)
        lines += ["", "## Quarantine", "", "| stage | reason | records |", "| --- | --- | ---: |"]
        lines += [f"| {stage} | {reason} | {n:,} |" for (stage, reason), n in sorted(reasons.items())]
    return "\n".join(lines) + "\n"


def quarantine_table(quarantine: list[dict]) -> list[dict]:
    """The quarantined records, one row each, with the columns that find them."""
    return [{column: row.get(column) for column in QUARANTINE_COLUMNS} for row in quarantine]


def counted(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
