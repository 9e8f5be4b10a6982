"""Great Expectations checks for every table, derived from the schemas.

Each table gets a suite: non-null required columns, unique keys, closed value
sets, and offsets that lie inside the raw text and lead back to the stored
text. Rows that fail are split off with the expectation they failed, for the
quarantine; nothing is dropped silently.

Types are enforced by the pyarrow schemas when writing, not here: GX type
expectations are unreliable on pandas 3's string dtype.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import pyarrow as pa

from newsflow.clean import clean
from newsflow.counts import Rows, with_counts
from newsflow.ids import RUN_ID_FORMAT
from newsflow.schemas import DATA_TABLES, EVIDENCE_MATCHES, RAW_LENGTH, REFERENCES, RESULT_TABLES, TABLES, Table

# The suite that checks ids pointing into another table (schemas.REFERENCES):
# one row per distinct id a column holds, whether the table it points into
# has it.
LINKS = "links"
DOCS_PAGES = "pages.json"  # in the Data Docs folder: each table's results page


@dataclass
class TableValidation:
    valid: list[dict]
    quarantined: list[dict]
    result: dict = field(default_factory=dict)  # GX result as JSON


@dataclass
class PartValidation:
    valid: Rows  # per table
    quarantined: list[dict]
    results: dict[str, dict]  # GX result as JSON, per table with rows


# Tables whose rows other tables' counts depend on are checked first; people
# and articles are counted from the rows that passed.
_VALIDATION_ORDER = (*(n for n in DATA_TABLES if n not in ("people", "articles")), "people", "articles")


def with_evidence(
    table_name: str, rows: list[dict], raw_text: str, removed: Sequence[tuple[int, int]] = ()
) -> list[dict]:
    """One article's rows of a table with the columns its offset and evidence
    expectations read: the raw text's length, and whether each row's text is
    what its span of the raw text says (``removed``: the raw spans cleaning
    removed as debris, sorted). Computed where the raw text is at hand
    (extraction), so that validation needs only the rows."""
    table = TABLES[table_name]
    extra: dict = {RAW_LENGTH.name: len(raw_text)} if table.offset_pairs else {}
    if not table.text_column:
        return [{**row, **extra} for row in rows]
    return [
        {
            **row,
            **extra,
            EVIDENCE_MATCHES.name: evidence_matches(raw_text, row["start"], row["end"], row[table.text_column], removed),
        }
        for row in rows
    ]


def evidence_matches(
    raw_text: str, start: int, end: int, text: str, removed: Sequence[tuple[int, int]] = ()
) -> bool:
    """Cleaning the raw evidence ``raw_text[start:end]`` gives back the stored
    text, once the debris cleaning removed inside it (``removed``: an aside
    between two paragraphs of a quote on a web page) is left out, each piece
    as the paragraph break it became."""
    evidence = raw_text[start:end]
    # Most evidence needed no cleaning at all: skip the costly comparison.
    if evidence == text or clean(evidence, remove_boilerplate_lines=False).text == text:
        return True
    inside = [(a, b) for a, b in removed if start <= a and b <= end]
    if not inside:
        return False
    pieces, cursor = [], start
    for a, b in inside:
        pieces.append(raw_text[cursor:a])
        cursor = b
    pieces.append(raw_text[cursor:end])
    return clean("\n\n".join(pieces), remove_boilerplate_lines=False).text == text


class Validator:
    """One ephemeral GX context per process, with one suite per table."""

    def __init__(self) -> None:
        import great_expectations as gx  # costs ~3 s: only when validating
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        self.gx = gx
        self.docs_dir: Path | None = None
        # In memory, and without the throwaway Data Docs folder the default
        # ephemeral context makes: docs go next to the output (build_docs).
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False), data_docs_sites={}
        )
        self.context = gx.get_context(mode="ephemeral", project_config=config)
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = self.context.data_sources.add_pandas("newsflow")
        self.batch_definitions = {}
        self.suites = {}
        suites = [self._suite(table) for table in map(TABLES.get, RESULT_TABLES)] + [self._links_suite()]
        for suite in suites:
            asset = source.add_dataframe_asset(suite.name)
            self.batch_definitions[suite.name] = asset.add_batch_definition_whole_dataframe(suite.name)
            self.suites[suite.name] = self.context.suites.add(suite)

    def _links_suite(self):
        E = self.gx.expectations
        suite = self.gx.ExpectationSuite(name=LINKS)
        suite.add_expectation(E.ExpectColumnValuesToBeInSet(column="found", value_set=[True]))
        return suite

    def _suite(self, table: Table):
        E = self.gx.expectations
        suite = self.gx.ExpectationSuite(name=table.name)
        for column in table.columns:
            if not column.nullable:
                suite.add_expectation(E.ExpectColumnValuesToNotBeNull(column=column.name))
            if column.allowed:
                suite.add_expectation(E.ExpectColumnValuesToBeInSet(column=column.name, value_set=list(column.allowed)))
            if column.between:
                low, high = column.between
                suite.add_expectation(E.ExpectColumnValuesToBeBetween(column=column.name, min_value=low,
                                                                      max_value=high))
            if column.pattern:
                suite.add_expectation(E.ExpectColumnValuesToMatchRegex(column=column.name, regex=column.pattern))
        if len(table.key) == 1:
            suite.add_expectation(E.ExpectColumnValuesToBeUnique(column=table.key[0]))
        else:
            suite.add_expectation(E.ExpectCompoundColumnsToBeUnique(column_list=list(table.key)))
        for start, end in table.offset_pairs:
            suite.add_expectation(E.ExpectColumnValuesToBeBetween(column=start, min_value=0))
            # Optional spans (a quote's cue) are either both set or both empty;
            # not-null expectations cover the required ones.
            suite.add_expectation(
                E.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=end, column_B=start, ignore_row_if="either_value_is_missing"
                )
            )
            suite.add_expectation(
                E.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=RAW_LENGTH.name, column_B=end, or_equal=True, ignore_row_if="either_value_is_missing"
                )
            )
        if table.text_column:
            suite.add_expectation(E.ExpectColumnValuesToBeInSet(column=EVIDENCE_MATCHES.name, value_set=[True]))
        return suite

    def validate(self, table_name: str, rows: list[dict]) -> TableValidation:
        """Split ``rows`` (carrying the columns :func:`with_evidence` adds)
        into valid and quarantined ones."""
        if not rows:
            return TableValidation([], [], {})
        table = TABLES[table_name]
        failed, result = self._failures(table_name, rows)
        valid = [_published(row) for i, row in enumerate(rows) if i not in failed]
        quarantined = [
            quarantine_record(table, rows[i], "validate", check, f"failed {check}")
            for i, checks in sorted(failed.items())
            for check in checks
        ]
        return TableValidation(valid, quarantined, result)

    def validate_links(self, links: list[dict], tables: dict[str, pa.Table]) -> TableValidation:
        """Check ``links`` (from :func:`links` over ``tables``): every row of
        ``tables`` holding an id that names no row of the table it points
        into is reported in the quarantine, with the column and the id. The
        rows are already published (the corpus tables are built after the
        article tables), so the quarantine names them rather than holding
        them."""
        if not links:
            return TableValidation([], [], {})
        failed, result = self._failures(LINKS, links)
        # The failing ids of each column, so that each table is read once.
        failing: dict[tuple[str, str, str], dict[str, list[str]]] = {}
        for i, checks in sorted(failed.items()):
            link = links[i]
            failing.setdefault((link["table"], link["column"], link["references"]), {})[link["id"]] = checks
        quarantined = []
        for (table, column, referenced), ids in failing.items():
            for row in tables[table].to_pylist():
                for check in ids.get(row[column], ()):
                    detail = f"its {column} {row[column]!r} names no row of {referenced}"
                    quarantined.append(quarantine_record(TABLES[table], row, "validate", check, detail))
        return TableValidation([row for i, row in enumerate(links) if i not in failed], quarantined, result)

    def _failures(self, suite_name: str, rows: list[dict]) -> tuple[dict[int, list[str]], dict]:
        """The failed expectations of each failing row (by index), and GX's result as JSON."""
        # Imported here, with Great Expectations (which needs it anyway): the
        # workers and served runs that import this module for its row checks
        # validate nothing, and pandas costs them a third of a second.
        import pandas as pd

        frame = pd.DataFrame(rows)
        batch = self.batch_definitions[suite_name].get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(self.suites[suite_name], result_format="BASIC")
        if not result.success:
            # Only a complete result names the failing rows; it takes twice
            # as long to compute (GX 1.x), so it is asked for when needed.
            result = batch.validate(self.suites[suite_name], result_format="COMPLETE")
        failed: dict[int, list[str]] = {}
        for outcome in result.results:
            if outcome.success:
                continue
            config = outcome.expectation_config
            columns = [v for k, v in config.kwargs.items() if k.startswith("column") and isinstance(v, str)]
            columns += config.kwargs.get("column_list") or []
            label = f"{config.type}({', '.join(columns)})"
            for index in outcome.result.get("unexpected_index_list") or []:
                failed.setdefault(int(index), []).append(label)
        return failed, result.to_json_dict()


    def build_docs(self, per_table: dict[str, list[dict]], run_id: str) -> tuple[dict, Path]:
        """Data Docs HTML from each table's per-part results, one page per
        table for the whole run ``run_id``, in a local folder of this process
        (emptied first), with ``pages.json`` naming each table's page (the
        report links them: they show without the index's scripts); returns
        a summary per table and expectation, and the folder."""
        from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        if self.docs_dir is None:
            # Removed when the process ends (TemporaryDirectory's finalizer).
            self._docs_folder = tempfile.TemporaryDirectory(prefix="newsflow-data-docs-")
            self.docs_dir = Path(self._docs_folder.name)
            site = {
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(self.docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
            self.context.add_data_docs_site("newsflow", site)
        shutil.rmtree(self.docs_dir)
        self.docs_dir.mkdir()
        # A worker or a test process builds docs for run after run: without
        # this, every earlier run's results (keyed by their time) would be
        # rendered again, and the docs would grow with each run.
        results = self.context.validation_results_store
        for key in results.list_keys():
            results.remove_key(key)
        summary: dict = {}
        run = RunIdentifier(run_name=run_id, run_time=datetime.strptime(run_id, RUN_ID_FORMAT))
        pages = {}
        for table, saved in per_table.items():
            merged = merge_results(saved)
            # The page's "Run Name" and "Data asset" (GX reads the asset from the batch spec).
            merged["meta"].update(run_id=run.to_json_dict(), batch_spec={**merged["meta"].get("batch_spec", {}),
                                                                         "data_asset_name": table})
            key = ValidationResultIdentifier(
                expectation_suite_identifier=ExpectationSuiteIdentifier(name=table),
                run_id=run,
                batch_identifier=f"{table}-all-parts",
            )
            self.context.validation_results_store.set(key, ExpectationSuiteValidationResult(**merged))
            pages[table] = "validations/" + "/".join(key.to_tuple()) + ".html"
            for outcome in merged["results"]:
                config = outcome["expectation_config"]
                kwargs = {k: v for k, v in config["kwargs"].items() if k != "batch_id"}
                summary.setdefault(table, {})[f"{config['type']}({json.dumps(kwargs, sort_keys=True)})"] = {
                    "rows": outcome["result"].get("element_count", 0),
                    "unexpected": outcome["result"].get("unexpected_count", 0),
                }
        self.context.build_data_docs(site_names=["newsflow"])
        (self.docs_dir / DOCS_PAGES).write_text(json.dumps(pages, indent=1, sort_keys=True))
        return summary, self.docs_dir


def links(tables: dict[str, pa.Table], known: dict[str, set[str]]) -> list[dict]:
    """One row per distinct id each referencing column of ``tables`` holds
    (schemas.REFERENCES), with whether ``known[referenced table]`` has it."""
    found = []
    for table, column, referenced in REFERENCES:
        if table in tables:
            ids = sorted({v for v in tables[table].column(column).to_pylist() if v is not None})
            found += [{"table": table, "column": column, "references": referenced, "id": v, "found": v in known[referenced]}
                      for v in ids]
    return found


def validate_part(validator: Validator, tables: Rows) -> PartValidation:
    """Validate every table of some articles so that what is published
    agrees with itself: counts are taken from the rows that passed, and the
    other rows of an article whose own row failed are set aside with it."""
    part = PartValidation({}, [], {})
    for name in _VALIDATION_ORDER:
        rows = tables.get(name, [])
        if name in ("people", "articles"):
            rows = with_counts({**part.valid, name: rows})[name]
        checked = validator.validate(name, rows)
        part.valid[name] = checked.valid
        part.quarantined += checked.quarantined
        if checked.result:
            part.results[name] = checked.result
    passed = {row["article_id"] for row in part.valid["articles"]}
    failed = {row["article_id"] for row in tables.get("articles", [])} - passed
    for name in DATA_TABLES if failed else ():
        orphans = [row for row in part.valid[name] if row["article_id"] in failed]
        part.valid[name] = [row for row in part.valid[name] if row["article_id"] not in failed]
        detail = "the article's own row failed validation"
        part.quarantined += [
            quarantine_record(TABLES[name], row, "validate", "article_quarantined", detail) for row in orphans
        ]
    return part


_COUNTS = ("element_count", "unexpected_count", "missing_count")
_MAX_LISTED = 200


def merge_results(results: list[dict]) -> dict:
    """One suite result (GX's JSON form) for several parts of one table:
    counts added up, listed values capped, part-local row indices left out."""
    merged = json.loads(json.dumps(results[0]))
    for i, outcome in enumerate(merged["results"]):
        parts = [r["results"][i] for r in results]
        result = outcome["result"]
        for count in _COUNTS:
            if count in result:
                result[count] = sum(p["result"].get(count) or 0 for p in parts)
        for listed in ("partial_unexpected_list", "unexpected_list"):
            if listed in result:
                result[listed] = [v for p in parts for v in p["result"].get(listed) or []][:_MAX_LISTED]
        result.pop("unexpected_index_list", None)
        result.pop("partial_unexpected_index_list", None)
        if result.get("element_count"):
            result["unexpected_percent"] = 100 * (result.get("unexpected_count") or 0) / result["element_count"]
        outcome["success"] = all(p["success"] for p in parts)
    successes = sum(o["success"] for o in merged["results"])
    merged["success"] = successes == len(merged["results"])
    merged["statistics"].update(
        successful_expectations=successes,
        unsuccessful_expectations=len(merged["results"]) - successes,
        success_percent=100 * successes / max(len(merged["results"]), 1),
    )
    return merged


def quarantine_record(table: Table | None, row: dict, stage: str, reason: str, detail: str) -> dict:
    return {
        "source_file": row.get("source_file"),
        "source_record": row.get("source_record"),
        "article_id": row.get("article_id"),
        "stage": stage,
        "table_name": table.name if table else None,
        "record_id": "/".join(str(row.get(k)) for k in table.key) if table else None,
        "reason": reason,
        "detail": detail,
        "start": row.get("start") if table else None,
        "end": row.get("end") if table else None,
        "record": json.dumps(_published(row), default=str, ensure_ascii=False, sort_keys=True) if table else None,
    }


def _published(row: dict) -> dict:
    """The row without the validation-only columns."""
    return {k: v for k, v in row.items() if k not in (RAW_LENGTH.name, EVIDENCE_MATCHES.name)}


_validator_lock = threading.Lock()


def get_validator() -> Validator:
    """This process's validator, built once (also when a warm-up thread and
    the flow ask at the same time)."""
    with _validator_lock:
        return _validator()


@lru_cache(maxsize=1)
def _validator() -> Validator:
    return Validator()


def warm_up() -> threading.Thread:
    """Build this process's validator in a thread, to overlap Great
    Expectations' start-up (seconds) with other work; returns the thread."""
    thread = threading.Thread(target=get_validator, name="newsflow-validation-warm-up")
    thread.start()
    return thread
