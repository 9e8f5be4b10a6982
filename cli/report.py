"""What the commands print: the run summary, the list of runs, quote scores."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping


def console():
    """A rich console; when output goes to a file or pipe, wide enough that
    tables do not wrap (rich assumes 80 columns there)."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=120)


# Columns the tables store as JSON text (runs: metadata ... timings; quarantine:
# record): objects in the commands' --json output, not strings inside JSON.
JSON_TEXT_COLUMNS = frozenset({"metadata", "config", "packages", "row_counts", "timings", "record"})


def jsonable(row: Mapping) -> dict:
    """A row (a run's summary, a runs or entities row) for ``--json``: times
    in ISO 8601, JSON text as objects, the quarantine's rows likewise."""
    def value(key: str, v):
        if hasattr(v, "isoformat"):
            return v.isoformat()
        if key in JSON_TEXT_COLUMNS and isinstance(v, str):
            return json.loads(v)
        if key == "quarantine" and isinstance(v, list):
            return [jsonable(r) for r in v]
        return v

    return {k: value(k, v) for k, v in row.items()}


def quarantined(row: dict) -> str:
    """A quarantine row in a line: a file's or record's reason and detail; a
    table row's file, table, id and failed check; a link's id and detail."""
    place = row["source_file"] and row["source_file"] + (f" record {row['source_record']}" if row["source_record"] else "")
    if row["table_name"] is None:
        return f"{place}: {row['reason']}: {row['detail']}"
    what = f"{row['table_name']} {row['record_id']}"
    return f"{place}: {what}: {row['reason']}" if place else f"{what}: {row['reason']}: {row['detail']}"


def print_summary(summary: Mapping) -> None:
    """The row counts of a run, what it published, where its report and Data
    Docs are, and what it quarantined."""
    from rich.table import Table

    from newsflow.run_summary import counted, docs_link, report_link
    from newsflow.schemas import RESULT_TABLES

    out = console()
    counts = json.loads(summary["row_counts"])
    table = Table(title=f"newsflow run {summary['run_id']}", show_header=True)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name in RESULT_TABLES:
        table.add_row(name, f"{counts.get(name, 0):,}")
    table.add_row("quarantine", f"{len(summary['quarantine']):,}")
    out.print(table)
    out.print(
        f"{counted(summary['n_articles'], 'article')} published from {counted(summary['n_inputs'], 'file')} "
        f"({summary['n_extracted']:,} extracted, {summary['n_reused']:,} reused from earlier runs; "
        f"{counted(summary['n_files_read'], 'file')} read, {summary['n_parts_reused']:,} of "
        f"{counted(summary['n_parts_written'] + summary['n_parts_reused'], 'part')} unchanged) "
        f"in {summary['duration_s']:.1f} s; output in {summary['out_dir']}"
    )
    if summary["n_articles"]:
        out.print(f"Report: {report_link(summary['out_dir'])}")
        out.print(f"Data Docs (validation results): {docs_link(summary['out_dir'])}")
    skipped = sum(item["n_skipped"] for item in summary["inputs"])
    if skipped:
        out.print(f"{skipped:,} archive records skipped: not HTML pages with status 200 (requests, metadata, ...)")
    for problem in json.loads(summary["metadata"])["problems"] if summary["metadata"] else ():
        out.print(f"[yellow]Metadata:[/yellow] {problem}")
    if summary["quarantine"]:
        out.print(f"[yellow]{len(summary['quarantine'])} quarantined:[/yellow]")
        for row in summary["quarantine"][:20]:
            out.print(f"  {quarantined(row)}")
        if len(summary["quarantine"]) > 20:
            out.print(f"  ... and {len(summary['quarantine']) - 20} more in {summary['out_dir']}/quarantine")


def _errors_by_cause(causes: dict[str, int]):
    """An evaluation's errors by cause, as a table."""
    from rich.table import Table

    errors = Table(title="errors by cause")
    errors.add_column("error")
    errors.add_column("count", justify="right")
    for cause, count in causes.items():
        errors.add_row(cause, str(count))
    return errors


def print_quote_scores(report: dict, title: str) -> None:
    """The scores of ``newsflow eval quotes``, its errors by cause, and speaker accuracy."""
    from rich.table import Table

    table = Table(title=title)
    for column in ("", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(column, justify="right" if column else "left")
    for name in ("direct", "indirect"):
        s = report[name]
        table.add_row(name, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(s["tp"]),
                      str(s["fp"]), str(s["fn"]))
    out = console()
    out.print(table)
    out.print(_errors_by_cause(report["errors_by_cause"]))
    out.print(
        f"speaker accuracy {report['speaker_accuracy']:.3f} on {report['speaker_judged']} matched quotes with a gold source\n"
        f"{report['articles']} articles, {report['articles_failed']} failed; {report['tokens']:,} tokens in "
        f"{report['seconds']:.1f} s = {report['tokens_per_second']:,.0f} tokens/s end to end"
    )


def print_entity_scores(report: dict, title: str) -> None:
    """The scores of ``newsflow eval entities``: per table, per field, and errors by cause."""
    from rich.table import Table

    table = Table(title=title)
    for column in ("", "predicted", "gold", "right", "precision", "recall", "every field right", "fields right"):
        table.add_column(column, justify="left" if column in ("", "fields right") else "right")
    for name, s in report["tables"].items():
        fields = ", ".join(f"{f} {share:.2f}" for f, share in s["fields"].items())
        table.add_row(name, str(s["predicted"]), str(s["gold"]), str(s["right"]), f"{s['precision']:.3f}",
                      f"{s['recall']:.3f}", f"{s['every_field_right']:.3f}", fields)
    out = console()
    out.print(table)
    out.print(_errors_by_cause(report["errors_by_cause"]))
    out.print(f"{report['articles']} articles in {report['seconds']:.1f} s. Precision: rows right (paired with a gold "
              "record, and the name right) among rows predicted; every field right: rows right in every field "
              "among rows predicted; fields right: share of the rows right with that field right.")


def print_runs(rows: list[dict], title: str) -> None:
    """One line per run of ``newsflow runs``."""
    from rich.table import Table

    table = Table(title=title)
    table.add_column("started (UTC)", no_wrap=True)
    for column in ("seconds", "files", "articles", "extracted", "reused", "quarantined", "valid"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(
            f"{row['started_at']:%Y-%m-%d %H:%M:%S}", f"{row['duration_s']:.1f}", str(row["n_inputs"]),
            str(row["n_articles"]), str(row["n_extracted"]), str(row["n_reused"]), str(row["n_quarantined"]),
            "yes" if row["validation_success"] else "no",
        )
    console().print(table)


def print_entities(rows: list[dict], title: str) -> None:
    """One line per entity of ``newsflow entities``."""
    from rich.table import Table

    table = Table(title=title)
    table.add_column("name")
    for column in ("articles", "mentions", "quotes"):
        table.add_column(column, justify="right")
    table.add_column("also written")
    table.add_column("where")
    for row in rows:
        others = [f"{a['text']} ({a['n']})" for a in row["aliases"] if a["text"] != row["name"]][:4]
        where = (f"{row['country_code'] or ''} {row['admin1'] or ''} {row['latitude']:.2f},{row['longitude']:.2f}"
                 if row["latitude"] is not None else "")
        table.add_row(row["name"], f"{row['n_articles']:,}", f"{row['n_mentions']:,}", f"{row['n_quotes']:,}",
                      ", ".join(others), where.strip())
    console().print(table)
