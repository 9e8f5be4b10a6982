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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from newsflow.counts import Rows, with_counts
from newsflow.expectations import LINK_EXPECTATIONS, Expectation, combine, suite_result, table_expectations, tallies
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
    tally: list = field(default_factory=list)  # of every row checked (expectations.tallies); empty when none
    suite: str = ""

    @property
    def result(self) -> dict:
        """Great Expectations' result of the rows, in its JSON form."""
        return suite_result(self.suite, expectations_of(self.suite), [self.tally]) if self.tally else {}


# What validation decided about one article's rows, kept so that a part
# rebuilt around a new article does not check its old ones again: per table
# it has rows in, the failed checks of each failing row (by its position
# among the article's rows of the table, as text: JSON's keys) and the tally.
Verdict = dict[str, dict]


@dataclass
class PartValidation:
    valid: Rows  # per table
    quarantined: list[dict]


# Tables whose rows other tables' counts depend on are checked first; people
# and articles are counted from the rows that passed.
_COUNTED = ("people", "articles")
_VALIDATION_ORDER = (*(n for n in DATA_TABLES if n not in _COUNTED), *_COUNTED)


class Validator:
    """One ephemeral GX context per process, with one suite per table."""

    def __init__(self) -> None:
        import great_expectations as gx  # costs ~3 s: only when validating
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

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
        # Great Expectations reports results in an order of its own: each is
        # told by its expectation's id.
        self.positions: dict[str, dict[str, int]] = {}
        for name in (*RESULT_TABLES, LINKS):
            suite = gx.ExpectationSuite(name=name)
            for expectation in expectations_of(name):
                suite.add_expectation(getattr(gx.expectations, expectation.class_name)(**expectation.kwargs))
            asset = source.add_dataframe_asset(name)
            self.batch_definitions[name] = asset.add_batch_definition_whole_dataframe(name)
            self.suites[name] = self.context.suites.add(suite)
            self.positions[name] = {str(e.id): j for j, e in enumerate(self.suites[name].expectations)}

    def validate(self, table_name: str, rows: list[dict]) -> TableValidation:
        """Split ``rows`` (carrying the columns that
        :func:`newsflow.evidence_columns.with_evidence` adds) into valid and
        quarantined ones, checked together as one table."""
        if not rows:
            return TableValidation([], [], [], table_name)
        table = TABLES[table_name]
        failed, unexpected = self.failures(table_name, rows)
        valid = [_published(row) for i, row in enumerate(rows) if i not in failed]
        quarantined = [
            quarantine_record(table, rows[i], "validate", check, f"failed {check}")
            for i, checks in sorted(failed.items())
            for check in checks
        ]
        return TableValidation(valid, quarantined, _one_tally(table_name, rows, unexpected), table_name)

    def validate_links(self, links: list[dict], read: Callable[[str], pa.Table]) -> TableValidation:
        """Check ``links`` (from :func:`links`): every row of the tables
        (``read(name)``, read only when one of its ids fails) holding an id
        that names no row of the table it points into is reported in the
        quarantine, with the column and the id. The rows are already
        published (the corpus tables are built after the article tables), so
        the quarantine names them rather than holding them."""
        if not links:
            return TableValidation([], [], [], LINKS)
        failed, unexpected = self.failures(LINKS, links)
        # The failing ids of each column, so that each table is read once.
        failing: dict[tuple[str, str, str], dict[str, list[str]]] = {}
        for i, checks in sorted(failed.items()):
            link = links[i]
            failing.setdefault((link["table"], link["column"], link["references"]), {})[link["id"]] = checks
        quarantined = []
        for (table, column, referenced), ids in failing.items():
            for row in read(table).to_pylist():
                for check in ids.get(row[column], ()):
                    detail = f"its {column} {row[column]!r} names no row of {referenced}"
                    quarantined.append(quarantine_record(TABLES[table], row, "validate", check, detail))
        return TableValidation([row for i, row in enumerate(links) if i not in failed], quarantined,
                               _one_tally(LINKS, links, unexpected), LINKS)

    def failures(self, suite_name: str, rows: list[dict]) -> tuple[dict[int, list[str]], list[dict[int, object]]]:
        """From one Great Expectations call over ``rows``: the failed
        expectations of each failing row (by index), and per expectation (in
        ``expectations_of`` order) its failing rows (index -> value)."""
        # Imported here, with Great Expectations (which needs it anyway): the
        # workers and served runs that import this module for its row checks
        # validate nothing, and pandas costs them a third of a second.
        import pandas as pd

        frame = pd.DataFrame(rows)
        batch = self.batch_definitions[suite_name].get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(self.suites[suite_name], result_format="BASIC")
        expectations = expectations_of(suite_name)
        unexpected: list[dict[int, object]] = [{} for _ in expectations]
        if not result.success:
            # Only a complete result names the failing rows; it takes twice
            # as long to compute (GX 1.x), so it is asked for when needed.
            complete = batch.validate(self.suites[suite_name], result_format="COMPLETE").to_json_dict()
            for outcome in complete["results"]:
                if not outcome["success"]:
                    found = outcome["result"]
                    position = self.positions[suite_name][str(outcome["expectation_config"]["id"])]
                    indices = [int(i) for i in found.get("unexpected_index_list") or []]
                    unexpected[position] = dict(zip(indices, found.get("unexpected_list") or []))
        failed: dict[int, list[str]] = {}
        for expectation, failing in zip(expectations, unexpected):
            for index in sorted(failing):
                failed.setdefault(index, []).append(expectation.label)
        return failed, unexpected

    def build_docs(self, per_table: dict[str, list[list]], run_id: str) -> tuple[dict, Path]:
        """Data Docs HTML from each table's tallies (one per part), one page
        per table for the whole run ``run_id``, in a local folder of this
        process (emptied first), with ``pages.json`` naming each table's page
        (the report links them: they show without the index's scripts);
        returns a summary per table and expectation, and the folder."""
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
        for table, parts in per_table.items():
            merged = suite_result(table, expectations_of(table), parts)
            merged["meta"]["run_id"] = run.to_json_dict()  # the page's "Run Name"
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


@lru_cache(maxsize=None)
def expectations_of(suite_name: str) -> list[Expectation]:
    return LINK_EXPECTATIONS if suite_name == LINKS else table_expectations(TABLES[suite_name])


@lru_cache(maxsize=None)
def _labels(suite_name: str) -> frozenset[str]:
    return frozenset(expectation.label for expectation in expectations_of(suite_name))


def _one_tally(suite_name: str, rows: list[dict], unexpected: list[dict[int, object]]) -> list:
    """The tally of ``rows`` checked as one table."""
    return tallies(expectations_of(suite_name), rows, [""] * len(rows), unexpected)[""]


def links(references: dict[tuple[str, str], set[str]], known: dict[str, set[str]]) -> list[dict]:
    """One row per distinct id each referencing column holds (``references``,
    by table and column: schemas.REFERENCES), with whether
    ``known[referenced table]`` has it."""
    found = []
    for table, column, referenced in REFERENCES:
        ids = sorted(references.get((table, column), ()))
        found += [{"table": table, "column": column, "references": referenced, "id": v, "found": v in known[referenced]}
                  for v in ids]
    return found


# Articles validated in one Great Expectations call at most. Its cost is
# mostly per call (1,000 articles took 5.4 s at once, 6.2 s in two calls,
# 19.2 s in ten), and the rows of a call's articles are all in memory.
VALIDATION_GROUP = 1000


def judge(validator: Validator, tables: Rows) -> dict[str, Verdict]:
    """Validate the rows of some articles (every table, one Great
    Expectations call per table for them all) and return each article's
    verdict, by article id. People and articles are checked with the counts
    of the rows that passed, as :func:`apply_verdicts` publishes them."""
    verdicts: dict[str, Verdict] = {}
    valid: Rows = {}
    for name in _VALIDATION_ORDER:
        rows = tables.get(name, [])
        if name in _COUNTED:
            rows = with_counts({**valid, name: rows})[name]
        valid[name] = rows
        if not rows:
            continue
        failed, unexpected = validator.failures(name, rows)
        groups = [row["article_id"] for row in rows]
        for article_id, tally in tallies(expectations_of(name), rows, groups, unexpected).items():
            verdicts.setdefault(article_id, {})[name] = {"failed": {}, "tally": tally}
        position: Counter = Counter()
        for i, article_id in enumerate(groups):
            if i in failed:
                verdicts[article_id][name]["failed"][str(position[article_id])] = failed[i]
            position[article_id] += 1
        valid[name] = [row for i, row in enumerate(rows) if i not in failed]
    return verdicts


def apply_verdicts(tables: Rows, verdicts: dict[str, Verdict]) -> PartValidation:
    """The rows of some articles as validation leaves them, from each
    article's verdict (by article id), so that what is published agrees
    with itself: counts are taken from the rows that passed, and the other
    rows of an article whose own row failed are set aside with it."""
    part = PartValidation({}, [])
    for name in _VALIDATION_ORDER:
        rows = tables.get(name, [])
        if name in _COUNTED:
            rows = with_counts({**part.valid, name: rows})[name]
        position: Counter = Counter()
        part.valid[name] = []
        for row in rows:
            article_id = row["article_id"]
            checks = verdicts[article_id][name]["failed"].get(str(position[article_id]))
            position[article_id] += 1
            if checks:
                part.quarantined += [quarantine_record(TABLES[name], row, "validate", check, f"failed {check}")
                                     for check in checks]
            else:
                part.valid[name].append(_published(row))
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


def part_tallies(verdicts: list[Verdict]) -> dict[str, list]:
    """The tally of each table over the rows of some articles, from their
    verdicts in the articles' order: as checking all their rows at once
    would count them (``Validator.validate``)."""
    return {name: combine(found) for name in DATA_TABLES
            if (found := [verdict[name]["tally"] for verdict in verdicts if name in verdict])}


def fits(verdict: Verdict, rows: Rows) -> bool:
    """Whether ``verdict`` can be the verdict of an article with these
    ``rows``: for each table it has rows in (and no other), a tally of every
    expectation counting those rows, and failures of rows it has alone."""
    try:
        if sorted(verdict) != sorted(name for name, table_rows in rows.items() if table_rows):
            return False
        for name, judged in verdict.items():
            n_rows, labels = len(rows[name]), _labels(name)
            tally = judged["tally"]
            if len(tally) != len(expectations_of(name)) or any(counts[0] != n_rows for counts in tally):
                return False
            if any(not 0 <= int(row) < n_rows or not set(checks) <= labels for row, checks in judged["failed"].items()):
                return False
    except (AttributeError, KeyError, TypeError, ValueError, IndexError):
        return False
    return True


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
