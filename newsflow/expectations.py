"""What each table's rows must meet, as data, and the results of checking
them told apart article by article.

The expectations are derived once from the schemas; ``newsflow/validate.py``
builds them into Great Expectations suites. Great Expectations costs about a
quarter of a second per call whatever the number of rows, so many articles
are checked in one call; its result is then split into a *tally* per article
(per expectation: rows seen, rows left out as missing, rows failed and their
values), from which the result of any set of articles (a part, the whole
output) is put together again in Great Expectations' own form, for the Data
Docs, without checking them again. What GX leaves out as missing is told
here row by row, by the rules of each expectation's kind; the tests hold it
to what GX reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib.metadata import version

from newsflow.schemas import EVIDENCE_MATCHES, RAW_LENGTH, Table

# A tally keeps at most this many failing values per expectation: an
# article's, a part's, the whole output's.
MAX_VALUES = 200
_NOT_NULL = "expect_column_values_to_not_be_null"


@dataclass(frozen=True)
class Expectation:
    type: str  # Great Expectations' name of its kind, e.g. expect_column_values_to_be_in_set
    kwargs: dict = field(hash=False)  # as Great Expectations stores them

    @property
    def class_name(self) -> str:
        return "".join(word.capitalize() for word in self.type.split("_"))

    @cached_property  # read for every row a tally counts
    def columns(self) -> list[str]:
        named = [v for k, v in self.kwargs.items() if k.startswith("column") and isinstance(v, str)]
        return named + list(self.kwargs.get("column_list") or [])

    @property
    def label(self) -> str:
        """How the quarantine names a failure of it."""
        return f"{self.type}({', '.join(self.columns)})"

    @property
    def counts_missing(self) -> bool:
        return self.type != _NOT_NULL

    @cached_property
    def _ignore_row_if(self) -> str:
        return self.kwargs.get("ignore_row_if", "both_values_are_missing" if len(self.columns) == 2 else "")

    def missing(self, row: dict) -> bool:
        """Whether Great Expectations leaves ``row`` out of this expectation:
        a null in a column a column check reads, in either column of a pair
        checked "either_value_is_missing", in every column of a compound key."""
        if not self.counts_missing:
            return False
        if "column_list" in self.kwargs:
            return all(_null(row.get(c)) for c in self.kwargs["column_list"])
        values = [_null(row.get(c)) for c in self.columns]
        rule = self._ignore_row_if
        if rule == "either_value_is_missing":
            return any(values)
        if rule == "both_values_are_missing":
            return all(values)
        return rule != "never" and all(values)


def _null(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def table_expectations(table: Table) -> list[Expectation]:
    """Non-null required columns, closed value sets, ranges, patterns, a
    unique key, offsets that lie inside the raw text, and rows whose text is
    their raw evidence."""
    found = []
    for column in table.columns:
        if not column.nullable:
            found.append(Expectation(_NOT_NULL, {"column": column.name}))
        if column.allowed:
            found.append(Expectation("expect_column_values_to_be_in_set",
                                     {"column": column.name, "value_set": list(column.allowed)}))
        if column.between:
            low, high = column.between
            found.append(Expectation("expect_column_values_to_be_between",
                                     {"column": column.name, "min_value": float(low), "max_value": float(high)}))
        if column.pattern:
            found.append(Expectation("expect_column_values_to_match_regex",
                                     {"column": column.name, "regex": column.pattern}))
    if len(table.key) == 1:
        found.append(Expectation("expect_column_values_to_be_unique", {"column": table.key[0]}))
    else:
        found.append(Expectation("expect_compound_columns_to_be_unique", {"column_list": list(table.key)}))
    for start, end in table.offset_pairs:
        found.append(Expectation("expect_column_values_to_be_between", {"column": start, "min_value": 0.0}))
        # Optional spans (a quote's cue) are either both set or both empty;
        # not-null expectations cover the required ones.
        found.append(Expectation("expect_column_pair_values_a_to_be_greater_than_b",
                                 {"column_A": end, "column_B": start, "ignore_row_if": "either_value_is_missing"}))
        found.append(Expectation("expect_column_pair_values_a_to_be_greater_than_b",
                                 {"column_A": RAW_LENGTH.name, "column_B": end, "or_equal": True,
                                  "ignore_row_if": "either_value_is_missing"}))
    if table.text_column:
        found.append(Expectation("expect_column_values_to_be_in_set",
                                 {"column": EVIDENCE_MATCHES.name, "value_set": [True]}))
    return found


LINK_EXPECTATIONS = [Expectation("expect_column_values_to_be_in_set", {"column": "found", "value_set": [True]})]


def tallies(expectations: list[Expectation], rows: list[dict], groups: list[str],
            unexpected: list[dict[int, object]]) -> dict[str, list[list]]:
    """The tally of each group (``groups[i]`` is the group of ``rows[i]``):
    per expectation, ``[rows, missing, failed, failing values]``; the
    failing rows of expectation ``j`` are ``unexpected[j]`` (row index ->
    value, as Great Expectations listed them)."""
    by_group: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        by_group.setdefault(group, []).append(i)
    found = {}
    for group, indices in by_group.items():
        tally = []
        for expectation, failing in zip(expectations, unexpected):
            missing = sum(expectation.missing(rows[i]) for i in indices) if expectation.counts_missing else 0
            values = [failing[i] for i in indices if i in failing]
            tally.append([len(indices), missing, len(values), values[:MAX_VALUES]])
        found[group] = tally
    return found


def combine(parts: list[list[list]]) -> list[list]:
    """One tally of the rows that ``parts`` (tallies of one suite) count."""
    return [[*(sum(tally[j][k] for tally in parts) for k in range(3)),
             [value for tally in parts for value in tally[j][3]][:MAX_VALUES]]
            for j in range(len(parts[0]))]


def suite_result(suite: str, expectations: list[Expectation], parts: list[list[list]]) -> dict:
    """Great Expectations' validation result (its JSON form) of the rows
    whose tallies are ``parts``, as one call over them all would report
    it, but for the failing values: at most ``MAX_VALUES``."""
    results = []
    for expectation, (rows, missing, failed, values) in zip(expectations, combine(parts)):
        result = {"element_count": rows, "unexpected_count": failed, "partial_unexpected_list": values}
        checked = rows - missing
        if expectation.counts_missing:
            result.update(
                missing_count=missing,
                missing_percent=_percent(missing, rows),
                unexpected_percent=_percent(failed, checked),
                unexpected_percent_total=_percent(failed, rows),
                unexpected_percent_nonmissing=_percent(failed, checked),
            )
        else:
            result["unexpected_percent"] = _percent(failed, rows)
        results.append({
            "success": failed == 0,
            "expectation_config": {"type": expectation.type, "meta": {}, "id": None, "severity": "critical",
                                   "kwargs": {**expectation.kwargs, "batch_id": f"newsflow-{suite}"}},
            "result": result,
            "meta": {},
            "exception_info": {"raised_exception": False, "exception_message": None, "exception_traceback": None},
        })
    successes = sum(outcome["success"] for outcome in results)
    return {
        "success": successes == len(results),
        "suite_name": suite,
        "suite_parameters": {},
        "id": None,
        "statistics": {"evaluated_expectations": len(results), "successful_expectations": successes,
                       "unsuccessful_expectations": len(results) - successes,
                       "success_percent": _percent(successes, len(results))},
        "meta": {"great_expectations_version": _gx_version(), "batch_spec": {"batch_data": "PandasDataFrame"},
                 "active_batch_definition": {"datasource_name": "newsflow", "data_connector_name": "fluent",
                                             "data_asset_name": suite,
                                             "batch_identifiers": {"dataframe": "<DATAFRAME>"}}},
        "results": results,
    }


def _percent(count: int, total: int) -> float | None:
    return 100 * count / total if total else None


@cache
def _gx_version() -> str:
    return version("great_expectations")
