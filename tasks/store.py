"""Validating and writing the Parquet parts, and publishing a run."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from newsflow.cache import ArticleCache
from newsflow.collector import freeze_survivors
from newsflow.config import Settings
from newsflow.counts import Rows
from newsflow.entities import ENTITY_TABLES, corpus_entities, corpus_references, part_entities
from newsflow.file_index import KeptArticle
from newsflow.parts import damaged, record_name, reuse, write_record
from newsflow.run_summary import report_link
from newsflow.schemas import DATA_TABLES, RESULT_TABLES, TABLES
from newsflow.store import REPORT_DIR, VALIDATION_DIR, OutputStore, in_order, read_table, to_arrow
from newsflow.validate import (
    LINKS,
    Verdict,
    apply_verdicts,
    fits,
    get_validator,
    judge,
    links,
    part_tallies,
    quarantine_record,
)
from newsflow.verdicts import VerdictStore


@dataclass
class PartOutcome:
    counts: dict[str, int] = field(default_factory=dict)  # valid rows written per table
    quarantined: list[dict] = field(default_factory=list)  # rows that failed an expectation
    # Articles whose kept result could not be read: nothing was written, and
    # the flow extracts them again before writing the part.
    damaged: list[KeptArticle] = field(default_factory=list)
    reused: bool = False  # taken from the published version, not written

    @property
    def report(self) -> dict:
        return {"counts": self.counts, "quarantined": self.quarantined}


ENTITIES_DIR = "_entities"  # in a version: what each part tells of its entities

# They write only into the run's unpublished version, so writing again after
# a failure (a full disk, a flaky object store) is safe.
_RETRIES = {"retries": 2, "retry_delay_seconds": 2}


class PartPlan(NamedTuple):
    """A part to write: its key, its articles in order, and which of them
    parts of the published version hold (article ids, by part)."""

    key: str
    articles: list[KeptArticle]
    published: dict[str, list[str]]


@task(name="write-parts", cache_policy=NO_CACHE, **_RETRIES)
def write_parts(store: OutputStore, parts: list[PartPlan], cache: ArticleCache, verdicts: VerdictStore,
                repair: bool = True) -> list[PartOutcome]:
    """Validate the cached rows of some of the current articles and write
    each part of ``parts`` as the part of its key of every table, with the
    record that lets a later run reuse it (``newsflow/parts.py``); returns
    their outcomes, in order. Articles with a kept verdict are not checked
    again; the others are, all together: Great Expectations costs about as
    much per call as for 250 articles. The rows of articles a part of the
    published version holds are taken as it holds them, validated and in
    order, rather than read from the cache and checked again.

    The files depend only on the articles and the code, not on how parts
    are grouped, batch sizes, workers or what earlier runs did. Each part
    has its own files, so groups are written side by side without
    conflicts. A part with an article whose kept result cannot be read is
    not written but returned for ``repair``; without it, the article is
    kept aside.
    """
    freeze_survivors()
    keys = {article.article_id: verdicts.key(article) for part in parts for article in part.articles}
    found = verdicts.get_many(list(keys.values()))
    # A published article's verdict adds up its rows in the part's tallies.
    taken = {part.key: _published_rows(store, {holder: [article_id for article_id in article_ids
                                                        if keys[article_id] in found]
                                               for holder, article_ids in part.published.items()})
             for part in parts}
    fresh = {part.key: [article for article in part.articles if article.article_id not in taken[part.key].articles]
             for part in parts}
    kept, damaged = cache.get_many([(article.key, article.article_id) for part in parts for article in fresh[part.key]])
    outcomes = {part.key: PartOutcome() for part in parts}
    for part in parts:
        for article in fresh[part.key]:
            if (damage := damaged.get(article.key)) is not None:
                cache.discard(article.key)
                if repair:
                    outcomes[part.key].damaged.append(article)
                    continue
                detail = f"its kept result was damaged during the run ({damage}); the next run extracts it again"
                outcomes[part.key].quarantined.append(
                    quarantine_record(None, article._asdict(), "ingest", "cache_damaged", detail))
    writable = [part for part in parts if not outcomes[part.key].damaged]
    readable = [article for part in writable for article in fresh[part.key] if article.key in kept]
    judged = {article.article_id: found[keys[article.article_id]] for article in readable
              if keys[article.article_id] in found and fits(found[keys[article.article_id]], kept[article.key])}
    if unjudged := [article for article in readable if article.article_id not in judged]:
        new = judge(get_validator(), _located_rows(unjudged, kept))
        for article_id, verdict in new.items():
            verdicts.put(keys[article_id], verdict)
        judged |= new
    for part in writable:
        judged |= {article_id: found[keys[article_id]] for article_id in taken[part.key].articles}
        _write_part(store, part, [article for article in fresh[part.key] if article.key in kept], kept,
                    taken[part.key], judged, keys, outcomes[part.key])
    return [outcomes[part.key] for part in parts]


def _write_part(store: OutputStore, part: PartPlan, readable: list[KeptArticle], kept: dict[str, Rows],
                taken: _Taken, judged: dict[str, Verdict], keys: dict[str, str], outcome: PartOutcome) -> None:
    """Write one part: the rows ``taken`` from the published version and
    those of its ``readable`` other articles as their verdicts leave them."""
    checked = apply_verdicts(_located_rows(readable, kept), judged)
    # The tallies from every article's verdict in the part's order: as
    # validating them all at once would add them up.
    in_part = [judged[article.article_id] for article in part.articles if article.article_id in judged]
    written = {name: in_order(TABLES[name], [*taken.tables[name], to_arrow(TABLES[name], checked.valid[name])])
               for name in DATA_TABLES}
    files = []
    for name, table in written.items():
        files += store.write_part(name, table, part.key)
        outcome.counts[name] = table.num_rows
    for name, tally in part_tallies(in_part).items():
        files.append(_save_tally(store, name, part.key, tally))
    files.append(_save_entities(store, part.key,
                                part_entities({name: written[name].to_pylist() for name in ENTITY_TABLES})))
    outcome.quarantined += taken.quarantined + checked.quarantined
    # The articles whose rows (or failed rows) the part holds, for a later
    # part to take them from.
    held = [keys[article.article_id] for article in part.articles if article.article_id in judged]
    write_record(store, f"part-{part.key}", part.key, files, outcome.report, held)


@dataclass
class _Taken:
    articles: set[str] = field(default_factory=set)  # their ids
    tables: dict[str, list[pa.Table]] = field(default_factory=lambda: {name: [] for name in DATA_TABLES})
    quarantined: list[dict] = field(default_factory=list)


def _published_rows(store: OutputStore, published: dict[str, list[str]]) -> _Taken:
    """The rows of articles as parts of the published version hold them
    (``published``: article ids by part), from each part whose files are
    intact; the articles of another are left out, to be read from the cache."""
    taken = _Taken()
    for part, article_ids in published.items():
        wanted = set(article_ids)
        try:
            record = json.loads(store.read_published(record_name(part)))
            if damaged(record, store):
                continue
            tables = {name: [] for name in DATA_TABLES}
            for relative in record["files"]:
                name = relative.split("/", 1)[0]
                if name in tables:
                    table = pq.read_table(pa.BufferReader(store.read_published(relative)))
                    tables[name].append(table.filter(pc.is_in(table["article_id"], value_set=pa.array(sorted(wanted)))))
            quarantined = [row for row in record["report"]["quarantined"] if row["article_id"] in wanted]
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
            continue
        taken.articles |= wanted
        for name, pieces in tables.items():
            taken.tables[name] += pieces
        taken.quarantined += quarantined
    return taken


@task(name="judge-articles", cache_policy=NO_CACHE, **_RETRIES)
def judge_articles(articles: list[KeptArticle], cache: ArticleCache, verdicts: VerdictStore) -> None:
    """Validate some articles together, one Great Expectations call per
    table for them all, and keep each one's verdict: the new articles of
    parts whose other articles were validated by earlier runs. An article
    whose kept result cannot be read is left to its part's writer."""
    kept, _ = cache.get_many([(article.key, article.article_id) for article in articles])
    readable = {article.article_id: article for article in articles if article.key in kept}
    for article_id, verdict in judge(get_validator(), _located_rows(list(readable.values()), kept)).items():
        verdicts.put(verdicts.key(readable[article_id]), verdict)


def _located_rows(articles: list[KeptArticle], kept: dict[str, Rows]) -> Rows:
    """The kept rows of ``articles`` per table, in order, each with the file
    and record its article was read from this time (the same article may
    have been kept under another file name or record)."""
    tables: Rows = {name: [] for name in DATA_TABLES}
    for article in articles:
        located = {"source_file": article.source_file, "source_record": article.source_record}
        for name, table_rows in kept[article.key].items():
            tables[name].extend({**row, **located} for row in table_rows)
    return tables


def reused_part(store: OutputStore, name: str, key: str) -> PartOutcome | None:
    """The outcome of the piece ``name`` (a part, ``entities``) as the
    published version wrote it, its files now linked into this version;
    None when it must be written."""
    report = reuse(store, name, key)
    return None if report is None else PartOutcome(report["counts"], report["quarantined"], reused=True)


@task(name="build-entities", cache_policy=NO_CACHE, **_RETRIES)
def build_entities(store: OutputStore, parts: list[str], key: str) -> PartOutcome:
    """The corpus table ``entities`` from what each part (by key, in order)
    tells of its entities (``newsflow/entities.py``), validated like the
    article tables; then every ``entity_id`` those tables hold is checked
    to name one of its rows. ``key`` covers every part."""
    told = [json.loads(store.read_bytes(_entities_path(part))) for part in parts]
    validator = get_validator()
    checked = validator.validate("entities", corpus_entities(told))
    files = [store.write_table("entities", checked.valid)]
    known = {"entities": {row["entity_id"] for row in checked.valid}}
    linked = validator.validate_links(links(corpus_references(told), known), store.read_written)
    for name, tally in (("entities", checked.tally), (LINKS, linked.tally)):
        if tally:
            files.append(_save_tally(store, name, "00000", tally))
    outcome = PartOutcome({"entities": len(checked.valid)}, checked.quarantined + linked.quarantined)
    write_record(store, "entities", key, files, outcome.report)
    return outcome


def _save_entities(store: OutputStore, part: str, entities: dict) -> str:
    """What a part tells of its entities, for ``build_entities``; returns its
    path in the version."""
    relative = _entities_path(part)
    store.write_text(relative, json.dumps(entities, default=str, ensure_ascii=False, sort_keys=True))
    return relative


def _entities_path(part: str) -> str:
    return f"{ENTITIES_DIR}/part-{part}.json"


def _save_tally(store: OutputStore, table: str, part: str, tally: list) -> str:
    """A part's validation tally, for the run's report (report_validation);
    returns its path in the version."""
    relative = f"{VALIDATION_DIR}/{table}/part-{part}.json"
    store.write_text(relative, json.dumps(tally, default=str, ensure_ascii=False))
    return relative


@task(name="report-validation", cache_policy=NO_CACHE, **_RETRIES)
def report_validation(store: OutputStore, key: str, run_id: str) -> dict:
    """Data Docs for the run from the parts' tallies, and a summary per table
    and expectation. ``key`` covers every tally."""
    per_table = {name: [json.loads(text) for text in store.read_texts(f"{VALIDATION_DIR}/{name}", ".json")]
                 for name in (*RESULT_TABLES, LINKS)}
    per_table = {name: results for name, results in per_table.items() if results}
    summary, docs = get_validator().build_docs(per_table, run_id)
    files = store.put_folder(docs, f"{VALIDATION_DIR}/data_docs")
    write_record(store, "data_docs", key, files, summary)
    return summary


class KeptPages:
    """The evidence pages of the published version, each recorded with the
    key of what it was drawn from (``newsflow/parts.py``): its article's rows
    and the report's templates."""

    def __init__(self, store: OutputStore, drawn_from: dict[str, str], page_key: Callable[[str], str]):
        self.store, self.drawn_from, self.page_key = store, drawn_from, page_key

    def _key(self, article_id: str) -> str | None:
        rows_key = self.drawn_from.get(article_id)
        return None if rows_key is None else self.page_key(rows_key)

    def reuse(self, article_id: str) -> bool:
        """Link the published page of the article into this version, if it
        was drawn from what it would be drawn from now and is intact."""
        key = self._key(article_id)
        return key is not None and reuse(self.store, f"page-{article_id}", key) is not None

    def written(self, article_id: str, relative: str) -> None:
        if (key := self._key(article_id)) is not None:
            write_record(self.store, f"page-{article_id}", key, [relative], {})


@task(name="draw-article-pages", cache_policy=NO_CACHE, **_RETRIES)
def draw_article_pages(store: OutputStore, articles: list[dict], raw_dir: str, settings: Settings,
                       drawn_from: dict[str, str]) -> list[str]:
    """The evidence pages of ``articles`` (rows of ``articles``), drawn from
    the rows this version holds or taken from the published version
    (``drawn_from``: as ``publish``); the ids of the articles given one."""
    from newsflow.article_pages import page_key, write_article_pages

    return write_article_pages(store.read_written, store.write_text, articles, raw_dir, settings,
                               KeptPages(store, drawn_from, page_key))


# No retries: an attempt that failed after switching the output to the new
# version would write into what readers already see.
@task(name="publish", cache_policy=NO_CACHE)
def publish(store: OutputStore, quarantine: list[dict], run: dict, summary: dict, tables: list[str],
            drawn_from: dict[str, str], pages: list[str] | None = None) -> None:
    """Write quarantine, runs, the manifest and the validation summary, then
    point every table at the new version. ``drawn_from`` gives the key of
    what each article's rows are made of (its verdict's key): an evidence
    page drawn from the same is taken from the published version. The
    report links the evidence ``pages`` drawn already, if given, else draws
    them."""
    store.write_text(f"{VALIDATION_DIR}/summary.json", json.dumps(summary, indent=1, sort_keys=True))
    store.write_table("quarantine", quarantine)
    # Appended as Arrow: every earlier run's row lists its inputs, so the
    # history of a corpus of 10,000 files scheduled for weeks is far too
    # many rows to go through Python for each run.
    try:
        previous_runs = [read_table(store.out, "runs")]
    except (pa.ArrowException, OSError) as damage:
        kept = store.keep_damaged("runs")
        get_run_logger().warning("The runs history could not be read (%s); kept in %s, it starts again", damage, kept)
        previous_runs = []
    store.write_table("runs", in_order(TABLES["runs"], [*previous_runs, to_arrow(TABLES["runs"], [run])]))
    store.write_text("manifest.json", json.dumps(run, indent=1, sort_keys=True, default=str))
    started = time.perf_counter()
    try:
        # Imported here: pandas' import is a cost only runs that publish pay.
        from newsflow.article_pages import page_key
        from newsflow.report import DOCS_PAGES_FILE, write_report

        kept = KeptPages(store, drawn_from, page_key)
        pages = write_report(store.read_written, store.write_text, store.out, summary,
                             json.loads(store.read_bytes(DOCS_PAGES_FILE)) if summary else {}, kept=kept, pages=pages)
    except Exception as exc:  # noqa: BLE001 - the tables are whole: a report that fails loses nothing
        get_run_logger().warning("The report could not be written (%s: %s); the tables are published without it",
                                 type(exc).__name__, exc)
    else:
        get_run_logger().info("Report written in %.1f s, with %d article pages: %s", time.perf_counter() - started,
                              len(pages), report_link(store.out))
    store.publish([*tables, "quarantine", "runs"], files=["manifest.json", REPORT_DIR])
