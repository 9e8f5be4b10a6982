"""The newsflow pipeline: raw text in, validated Parquet out.

Read top to bottom, it is the pipeline: find the raw files; process the ones
that changed since the last run in batches (``tasks/batch.py``: read and
decode, then clean, parse and extract the articles not already extracted by
an earlier run, and keep their rows); split the current articles into parts
and validate and write, as Parquet, the parts that the published version
does not already hold (``tasks/store.py``); then build the corpus's
entities, and publish the tables, with the quarantine, the validation report
and the run manifest, as one new version.
Batches and parts both run on the task runner: side by side with
``--workers N`` or on a Dask cluster.

Large arguments of the tasks that run in this process are passed inside
``quote()``: Prefect otherwise walks every element of a task's arguments
looking for futures, which costs more than the work on large batches (a
second for the run record of 10,000 files). Not those submitted to the
workers: Dask rebuilds the annotation wrongly (prefect-dask 0.3.7).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.states import Cancelled, Completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from newsflow import charts
from newsflow.batching import batched, shrinking_batches
from newsflow.cache import ArticleCache
from newsflow.config import Settings
from newsflow.file_index import FileIndex, KeptArticle
from newsflow.fingerprint import extraction_fingerprint, output_fingerprint
from newsflow.formats import FileRead
from newsflow.ids import RUN_ID_FORMAT, record_id
from newsflow.ingest import Rejection, first_copies, source_file_of, where
from newsflow.manifest import run_record
from newsflow.parts import part_key, published_articles, reuse, split_parts
from newsflow.progress import progress
from newsflow.run_summary import RunSummary, state_message
from newsflow.schemas import RESULT_TABLES
from newsflow.sidecar import Sidecar, read_sidecar
from newsflow.status import index_context, published_if_up_to_date, state_key, up_to_date_message
from newsflow.store import (
    OutputBusy,
    OutputLock,
    OutputStore,
    check_folders,
    published_rows,
)
from newsflow.timing import timed
from newsflow.validate import VALIDATION_GROUP, get_validator, quarantine_record
from newsflow.verdicts import VerdictStore
from tasks.artifacts import publish_artifacts
from tasks.batch import process_batch
from tasks.ingest import discover_inputs
from tasks.store import (
    PartOutcome,
    PartPlan,
    build_entities,
    draw_article_pages,
    judge_articles,
    publish,
    report_validation,
    reused_part,
    write_parts,
)


class NothingToPublish(RuntimeError):
    """A run would replace a non-empty output with empty tables."""


# Batches run one at a time in this process unless the flow comes with the
# task runner of its settings, as every run's does (flows/runners.py).
@flow(name="newsflow", log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=1))
def newsflow_pipeline(
    raw_dir: str = "data/raw",
    out_dir: str = "data/processed",
    model: str | None = None,
    batch_size: int | None = None,
    allow_empty: bool = False,
    metadata: str | None = None,
    force: bool = False,
):
    """Turn every raw article under ``raw_dir`` into Parquet tables under ``out_dir``.

    ``metadata`` names a sidecar table (CSV, TSV, JSONL or Parquet) of
    title, URL, outlet, publication date, authors and language per file.

    Returns the run summary, and ends Completed with a message saying what
    was published and quarantined, with the run's summary, quarantine and
    Data Docs as artifacts; a run refused because another run holds the
    output ends Cancelled. A run that would publish no article over an
    output that has some fails unless ``allow_empty``. A run that would
    publish exactly what is published (``newsflow status``) ends Completed
    at once, publishing nothing, unless ``force``.
    """
    logger = get_run_logger()
    settings = Settings().with_overrides(model=model, batch_size=batch_size)
    check_folders(raw_dir, out_dir)
    lock = OutputLock(out_dir)
    try:
        lock.acquire()
    except OutputBusy as busy:
        logger.warning("%s", busy)
        return Cancelled(message=str(busy), data=busy)
    with lock:
        # Told under the lock: a run publishing at this moment has its new
        # version out before its file index, and a check then would find
        # the output changed and publish the same tables again.
        if not force and (published := published_if_up_to_date(raw_dir, out_dir, settings, metadata,
                                                                     logger.warning)):
            message = up_to_date_message(raw_dir, out_dir, published)
            logger.info("%s", message)
            return Completed(message=message,
                             data=RunSummary({"up_to_date": True, "run_id": published, "out_dir": out_dir}))
        started_at = datetime.now(timezone.utc)
        run_id = started_at.strftime(RUN_ID_FORMAT)
        timings: Counter = Counter()

        with timed(timings, "discover"):
            files, refused = discover_inputs(raw_dir)
            sidecar = read_sidecar(metadata) if metadata else None
        logger.info("Found %d files under %s", len(files), raw_dir)
        # The store's new version is removed if anything below fails.
        with OutputStore(out_dir, run_id) as store:
            fingerprint = extraction_fingerprint(settings.model)
            cache = ArticleCache(out_dir, fingerprint)
            index = FileIndex(cache.fs, cache.root, index_context(fingerprint, settings))
            paths = {source_file_of(path, Path(raw_dir)): path for path in files}  # in input order
            entries, to_read = index.split(files, raw_dir, sidecar, cache.keys())
            if to_read or index.recorded_files() - paths.keys():  # some part will be validated and written
                _warm_up()
            batches = _submit_batches(to_read, raw_dir, cache, settings, sidecar)
            failed: list[Rejection] = []
            extracted: set[str] = set()
            with progress(len(files), "Files", logger.info) as advance:
                advance(len(entries))
                for future in batches:
                    outcome = future.result()
                    entries.update((entry.source_file, entry) for entry in outcome.files)
                    failed += outcome.failed
                    extracted |= outcome.extracted
                    timings.update(outcome.timings)
                    advance(len(outcome.files))
            inputs: list[dict] = [FileRead(r.source_file).input for r in refused]
            rejections: list[Rejection] = [*refused, *failed]
            current: list[KeptArticle] = []  # every article to publish
            first_file: dict[str, str] = {}  # article id -> the file published for it
            not_extracted = {r.article_id for r in failed}
            for source_file in paths:  # in input order, whatever order the batches finished in
                entry = entries[source_file]
                inputs.append(entry.input)
                rejections += entry.rejections
                for note in entry.notes:
                    logger.warning("%s", note)
                # A byte-identical copy of an article read before is a duplicate.
                readable = [article for article in entry.articles if article.article_id not in not_extracted]
                kept, duplicates = first_copies(readable, first_file)
                current += kept
                rejections += duplicates
            n_extracted = len(extracted & set(first_file))
            for rejection in rejections:
                logger.warning("Quarantined %s: %s (%s)", where(rejection), rejection.reason, rejection.detail)
            metadata_report = _metadata_report(sidecar, inputs) if sidecar else None
            for problem in metadata_report["problems"] if metadata_report else ():
                logger.warning("Metadata: %s", problem)
            if not current and not allow_empty:
                why = f"none of the {len(inputs)} inputs under {raw_dir} could be published"
                _refuse_to_empty(out_dir, why if inputs else f"no files under {raw_dir}")

            with timed(timings, "write"):
                output = output_fingerprint(fingerprint)
                verdicts = VerdictStore(out_dir, output)
                parts = {part_key(articles, output): articles for articles in split_parts(current, settings.part_size)}
                with progress(len(parts), "Parts validated and written", logger.info) as advance:
                    written, repaired = _write_parts(store, parts, cache, verdicts, paths, raw_dir, settings, sidecar,
                                                     advance)
                n_extracted += len(repaired)
                row_counts = dict.fromkeys(RESULT_TABLES, 0)
                invalid: list[dict] = []
                for outcome in written:
                    for name, count in outcome.counts.items():
                        row_counts[name] += count
                    invalid += outcome.quarantined
                drawn_from = {article.article_id: verdicts.key(article) for article in current}
                # A run that read no file has no worker up: starting one would
                # cost more than drawing the pages it cannot take from the
                # published version, which publish then does.
                pages = _drawing_pages(store, raw_dir, settings, drawn_from) if parts and to_read else None
                # The corpus's entities, once every part of the article tables is
                # written, in this process: one task after the others.
                entities_key = record_id(output, *parts)
                if parts:
                    entities = (reused_part(store, "entities", entities_key)
                                or build_entities(store, quote(list(parts)), entities_key))
                    row_counts.update(entities.counts)
                    invalid += entities.quarantined
            with timed(timings, "report"):
                summary = {}
                if parts:
                    docs_key = record_id(entities_key, "docs")
                    summary = reuse(store, "data_docs", docs_key)
                    if summary is None:
                        summary = report_validation(store, docs_key, run_id)
            quarantine = [_rejection_row(r) for r in rejections] + invalid
            run = run_record(
                run_id=run_id,
                started_at=started_at,
                finished_at=datetime.now(timezone.utc),
                raw_dir=raw_dir,
                inputs=inputs,
                metadata=metadata_report,
                settings=settings,
                fingerprint=fingerprint,
                row_counts=row_counts,
                timings=dict(timings),
                n_articles=row_counts["articles"],
                n_extracted=n_extracted,
                n_reused=len(current) - n_extracted,
                n_quarantined=len(quarantine),
                n_files_read=len(to_read),
                n_parts_written=sum(not outcome.reused for outcome in written),
                n_parts_reused=sum(outcome.reused for outcome in written),
                validation_success=not any(row["stage"] == "validate" for row in invalid),
            )
            # Not timed: the manifest is part of what is published.
            publish(store, quote(quarantine), quote(run), summary, list(RESULT_TABLES), quote(drawn_from),
                    _drawn(pages, logger))
            try:
                state = state_key(output, settings, sidecar.sha256 if sidecar else None, refused)
                index.save([entries[source_file] for source_file in paths], {"run_id": run_id, "state": state})
                cache.prune({article.key for article in current})
                verdicts.prune(set(drawn_from.values()))
            except OSError as exc:  # the run is published; stale entries cost only space, and go next time
                logger.warning("Could not update the kept results: %s", exc)
    publish_artifacts(run, quarantine, out_dir)
    message = state_message(run)
    logger.info("%s", message)
    return Completed(message=message, data=RunSummary({**run, "out_dir": out_dir, "quarantine": quarantine}))


def _warm_up() -> None:
    """Start what a run that validates and publishes will need, in a thread
    while the files are read and extracted: Great Expectations (seconds)
    and the report's matplotlib (about half a second)."""
    def start() -> None:
        get_validator()
        charts.prepare()

    threading.Thread(target=start, name="newsflow-warm-up").start()


def _write_parts(store: OutputStore, parts: dict[str, list[KeptArticle]], cache: ArticleCache,
                 verdicts: VerdictStore, paths: dict[str, Path], raw_dir: str, settings: Settings,
                 sidecar: Sidecar | None, advance: Callable[[int], None]) -> tuple[list[PartOutcome], set[str]]:
    """Every part (by key), reused from the published version when it holds
    it intact, else written, in groups of neighbouring parts; and the ids of
    articles extracted again. An article whose kept result turns out
    damaged is extracted again from its file (``paths``, by source file)
    and its part written once more."""
    outcomes = {key: reused for key in parts if (reused := reused_part(store, f"part-{key}", key))}
    advance(len(outcomes))
    pending = [key for key in parts if key not in outcomes]
    _judge_new_articles([parts[key] for key in pending], cache, verdicts)
    holders = published_articles(store) if pending else {}
    plans = {key: PartPlan(key, parts[key], _held(parts[key], holders, verdicts)) for key in pending}
    repaired: set[str] = set()
    for repair in (True, False):
        groups = _neighbours([plans[key] for key in pending], settings.usable_workers)
        damaged = []
        for group, future in zip(groups, _validating(write_parts, [(store, group, cache, verdicts, repair)
                                                                  for group in groups])):
            for plan, outcome in zip(group, future.result()):
                damaged += outcome.damaged
                if not outcome.damaged:
                    outcomes[plan.key] = outcome
                    advance(1)
        pending = [key for key in pending if key not in outcomes]
        if not pending:
            break
        again = sorted({paths[article.source_file] for article in damaged})
        for future in _submit_batches(again, raw_dir, cache, settings, sidecar):
            repaired |= future.result().extracted
    return [outcomes[key] for key in parts], repaired


def _neighbours(plans: list[PartPlan], workers: int) -> list[list[PartPlan]]:
    """The parts to write, in groups of neighbours of about the same number
    of articles, each of at most about ``VALIDATION_GROUP`` articles (a
    group is cut between parts): one group if that is enough, written in
    this process, where Great Expectations has started while the articles
    were read (a worker would start it first: 3 s of a first run on 200
    articles); else as many groups for each worker."""
    total = sum(len(plan.articles) for plan in plans)
    n_groups = 1 if total <= VALIDATION_GROUP else workers * math.ceil(total / (workers * VALIDATION_GROUP))
    groups: list[list[PartPlan]] = []
    done = 0
    for plan in plans:
        # A part goes to the group its middle falls in.
        if not groups or done + len(plan.articles) / 2 > len(groups) * total / n_groups:
            groups.append([])
        groups[-1].append(plan)
        done += len(plan.articles)
    return groups


def _held(articles: list[KeptArticle], holders: dict[str, str], verdicts: VerdictStore) -> dict[str, list[str]]:
    """The articles (ids) of a part to be written whose rows a part of the
    published version holds, by that part (``holders``: by the key of an
    article's rows)."""
    held: dict[str, list[str]] = {}
    for article in articles:
        if (holder := holders.get(verdicts.key(article))) is not None:
            held.setdefault(holder, []).append(article.article_id)
    return held


def _judge_new_articles(parts: list[list[KeptArticle]], cache: ArticleCache, verdicts: VerdictStore) -> None:
    """Validate together, ``VALIDATION_GROUP`` at a time, the articles
    without a kept verdict in parts that have some with one: new articles
    among old ones, which a rerun would otherwise validate group by group of
    parts. Parts of new articles alone validate themselves while they are
    written, their kept results read once."""
    judged = verdicts.keys()
    new = [[article for article in part if verdicts.key(article) not in judged] for part in parts]
    among_old = [article for part, fresh in zip(parts, new) if len(fresh) < len(part) for article in fresh]
    for future in _validating(judge_articles, [(group, cache, verdicts)
                                               for group in batched(among_old, VALIDATION_GROUP)]):
        future.result()


def _validating(validating_task, calls: list[tuple]) -> list[Future]:
    """The futures of ``validating_task`` called with each of ``calls``, on
    the task runner; a single call runs in this process: a worker would
    first have to start Great Expectations, which this process already has."""
    if len(calls) == 1:
        return [_done(validating_task(*calls[0]))]
    return [validating_task.submit(*call) for call in calls]


def _drawing_pages(store: OutputStore, raw_dir: str, settings: Settings,
                   drawn_from: dict[str, str]) -> PrefectFuture | None:
    """The evidence pages of the articles the report features, drawn by a
    worker of the batches just run, which holds spaCy (their renderer),
    while this process builds the entities and the Data Docs; none where
    there is no worker apart, and then ``publish`` draws them."""
    if not settings.separate_workers:
        return None
    from newsflow.article_pages import ARTICLE_COLUMNS, featured_articles

    featured = featured_articles(store.read_written("articles", columns=ARTICLE_COLUMNS))
    return draw_article_pages.submit(store, featured, raw_dir, settings,
                                     {a["article_id"]: drawn_from[a["article_id"]] for a in featured})


def _drawn(pages: PrefectFuture | None, logger) -> list[str] | None:
    """The ids of the articles whose pages a worker drew; None, for
    ``publish`` to draw them, if it could not."""
    if pages is None:
        return None
    try:
        return pages.result()
    except Exception as exc:  # noqa: BLE001 - the tables are whole: the pages are drawn again, or the report says why
        logger.warning("The evidence pages could not be drawn by a worker (%s: %s); drawing them again",
                       type(exc).__name__, exc)
        return None


def _submit_batches(paths: list[Path], raw_dir: str, cache: ArticleCache, settings: Settings,
                    sidecar: Sidecar | None) -> list:
    """The files ``paths`` read and extracted in batches shared among the
    workers, as futures. Each batch gets its files' sidecar rows alone, not
    quote()d: Dask rebuilds the annotation wrongly (prefect-dask 0.3.7)."""
    batches = shrinking_batches(paths, [_size(path) for path in paths], settings.usable_workers, settings.batch_size)
    return [process_batch.submit(batch, raw_dir, cache, settings, _rows_for(sidecar, batch, raw_dir))
            for batch in batches]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone since it was listed: its batch says so
        return 0


def _done(value) -> Future:
    done: Future = Future()
    done.set_result(value)
    return done


def _rows_for(sidecar: Sidecar | None, paths: list, raw_dir: str) -> Sidecar | None:
    if sidecar is None:
        return None
    return sidecar.only({source_file_of(Path(path), Path(raw_dir)) for path in paths})


def _metadata_report(sidecar: Sidecar, inputs: list[dict]) -> dict:
    """How the sidecar met the raw folder: rows naming no file, files
    without a row, and what in it could not be used."""
    files = {item["source_file"] for item in inputs}
    described = {source_file for source_file, _ in sidecar.rows}
    unmatched = sidecar.unmatched(files)
    without = sorted(files - described)
    problems = list(sidecar.problems)
    if unmatched:
        rows = "1 row names" if len(unmatched) == 1 else f"{len(unmatched):,} rows name"
        problems.append(f"{rows} no file under the raw folder: {_some(unmatched)}")
    if without:
        files = "1 file has" if len(without) == 1 else f"{len(without):,} files have"
        problems.append(f"{files} no row: {_some(without)}")
    return {
        "file": sidecar.path,
        "sha256": sidecar.sha256,
        "rows": len(sidecar.rows),
        "unmatched_rows": unmatched,
        "files_without_row": without,
        "problems": problems,
    }


def _some(names: list[str], shown: int = 5) -> str:
    return ", ".join(names[:shown]) + (f" and {len(names) - shown:,} more" if len(names) > shown else "")


def _refuse_to_empty(out_dir: str, why: str) -> None:
    published = published_rows(out_dir, "articles")
    if published:
        raise NothingToPublish(
            f"{why}: publishing would replace the {published:,} articles in {out_dir} with empty tables. "
            "Nothing was changed; pass --allow-empty to empty the output."
        )


def _rejection_row(rejection: Rejection) -> dict:
    located = {"source_file": rejection.source_file, "source_record": rejection.source_record,
               "article_id": rejection.article_id}
    return quarantine_record(None, located, "ingest", rejection.reason, rejection.detail)
