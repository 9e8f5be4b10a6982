"""Reruns: byte-identical output, incremental work, atomic publishing, one writer at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import NamedTuple

import pytest

import tasks.extract
import tasks.store
from flows.lifetime import alive, descendants
from newsflow.cache import ArticleCache
from newsflow.schemas import DATA_TABLES
from newsflow.store import OutputBusy, OutputLock
from tests.conftest import NEWSFLOW, SHORT_ARTICLE, cli_environment, data_files, read, run


def test_same_input_gives_byte_identical_parquet(prefect_server, raw, tmp_path):
    from prefect.task_runners import ProcessPoolTaskRunner

    from flows.pipeline import newsflow_pipeline

    first, second = tmp_path / "first", tmp_path / "second"
    run(raw, first)
    # Again, in two worker processes with another batch size: the same bytes.
    parallel = newsflow_pipeline.with_options(task_runner=ProcessPoolTaskRunner(max_workers=2))
    parallel(raw_dir=str(raw), out_dir=str(second), batch_size=1)
    files = data_files(first)
    assert len(files) >= len(DATA_TABLES) + 1
    assert files == data_files(second)


def test_reruns_do_only_the_work_that_changed(prefect_server, raw, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run(raw, out)["n_extracted"] == 2

    # Nothing changed: no NLP at all (loading the model would fail here).
    def no_model(name):
        raise AssertionError("the model was loaded on a rerun with nothing to extract")

    # Nor any reading or validating: the files are as they were, and the
    # parts are the published ones, linked into the new version.
    def no_validation():
        raise AssertionError("a rerun with nothing new validated something")

    parts_before = {path.name: path.stat().st_ino for path in (out / "quotes").iterdir()}
    with monkeypatch.context() as patched:
        patched.setattr(tasks.extract, "load_model", no_model)
        patched.setattr(tasks.store, "get_validator", no_validation)
        unchanged = run(raw, out)
    assert (unchanged["n_extracted"], unchanged["n_reused"]) == (0, 2)
    assert (unchanged["n_files_read"], unchanged["n_parts_written"], unchanged["n_parts_reused"]) == (0, 0, 1)
    assert {path.name: path.stat().st_ino for path in (out / "quotes").iterdir()} == parts_before

    # An added file adds its rows, and its evidence page; the others' pages
    # are the published ones, not drawn again.
    pages = out / "report" / "articles"
    pages_before = {path.name: path.stat().st_ino for path in pages.iterdir()}
    assert len(pages_before) == 2
    (raw / "extra.txt").write_text(SHORT_ARTICLE.replace("Jane Porter", "Ann Lee"), encoding="utf-8")
    added = run(raw, out)
    assert (added["n_extracted"], added["n_reused"]) == (1, 2)
    assert set(read(out, "articles")["source_file"]) == {"sample.txt", "council.txt", "extra.txt"}
    pages_after = {path.name: path.stat().st_ino for path in pages.iterdir()}
    assert len(pages_after) == 3 and pages_before.items() <= pages_after.items()

    # A changed file replaces its rows.
    (raw / "council.txt").write_text(SHORT_ARTICLE.replace("roads", "bridges"), encoding="utf-8")
    changed = run(raw, out)
    assert (changed["n_extracted"], changed["n_reused"]) == (1, 2)
    council = read(out, "quotes").query("source_file == 'council.txt'")
    assert council["text"].str.contains("bridges").any()
    assert not council["text"].str.contains("roads").any()

    # A deleted file's rows disappear.
    (raw / "extra.txt").unlink()
    deleted = run(raw, out)
    assert deleted["n_extracted"] == 0
    for table in DATA_TABLES:
        assert "extra.txt" not in set(read(out, table)["source_file"]), table

    # After all that, the output is exactly what a fresh run gives.
    fresh = tmp_path / "fresh"
    run(raw, fresh)
    assert data_files(out) == data_files(fresh)
    assert len(read(out, "runs")) == 5


def test_a_scheduled_run_with_nothing_new_publishes_nothing_and_says_so(prefect_server, raw, tmp_path):
    from flows.pipeline import newsflow_pipeline
    from newsflow.store import read_table

    out = tmp_path / "out"
    first = run(raw, out)
    # As a deployment runs it: without force.
    state = newsflow_pipeline(raw_dir=str(raw), out_dir=str(out), return_state=True)
    assert state.is_completed() and state.message.startswith(f"Up to date: {out} holds run {first['run_id']}")
    history = read_table(out, "runs")
    assert len(history) == 1
    # While another run holds the output (it may be publishing a change, its
    # file index not yet saved), up to date is not a thing to tell: busy.
    with OutputLock(out):
        during = newsflow_pipeline(raw_dir=str(raw), out_dir=str(out), return_state=True)
    assert during.is_cancelled() and "another newsflow run" in during.message
    (raw / "extra.txt").write_text(SHORT_ARTICLE.replace("Jane Porter", "Ann Lee"), encoding="utf-8")
    added = newsflow_pipeline(raw_dir=str(raw), out_dir=str(out))
    assert (added["n_extracted"], added["n_reused"]) == (1, 2) and len(read(out, "runs")) == 2
    # The history is appended to, its earlier rows kept as they were.
    assert read_table(out, "runs").slice(0, 1).equals(history)


def test_a_new_article_rewrites_only_the_part_that_holds_it(prefect_server, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSFLOW_PART_SIZE", "2")  # about two articles a part
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for n in range(10):
        (raw / f"a{n}.txt").write_text(SHORT_ARTICLE.replace("4.5", f"{n}.5"), encoding="utf-8")
    first = run(raw, out)
    assert first["n_parts_written"] >= 3
    (raw / "a45.txt").write_text(SHORT_ARTICLE.replace("4.5", "45.5"), encoding="utf-8")  # in the middle
    # Only the new article is validated: its part's others keep their verdicts.
    judged = []
    real = tasks.store.judge
    monkeypatch.setattr(tasks.store, "judge", lambda validator, tables: judged.append(
        [row["source_file"] for row in tables["articles"]]) or real(validator, tables))
    # The others' rows are taken from the published part that held them,
    # not read from the cache.
    entries_read = []
    get_many = ArticleCache.get_many
    monkeypatch.setattr(ArticleCache, "get_many",
                        lambda cache, wanted: entries_read.append(len(wanted)) or get_many(cache, wanted))
    second = run(raw, out)
    assert (second["n_files_read"], second["n_extracted"]) == (1, 1)
    assert judged == [["a45.txt"]]
    assert max(entries_read) == 1  # the new article alone, each time
    # The part that holds it is written (two, if it ends a part of its own).
    assert 1 <= second["n_parts_written"] <= 2
    assert second["n_parts_reused"] >= first["n_parts_written"] - 1
    fresh = tmp_path / "fresh"
    run(raw, fresh)
    assert data_files(out) == data_files(fresh)


def test_a_disk_without_hard_links_gets_copies_of_the_unchanged_parts(prefect_server, raw, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(raw, out)
    before = data_files(out)

    def no_hard_links(source, target):
        raise PermissionError(1, "Operation not permitted", source)

    monkeypatch.setattr(os, "link", no_hard_links)
    again = run(raw, out)
    assert (again["n_parts_written"], again["n_parts_reused"]) == (0, 1)
    assert data_files(out) == before


def test_part_boundaries_depend_on_the_articles_around_them_alone():
    from newsflow.ids import record_id
    from newsflow.parts import split_parts

    class Article(NamedTuple):
        article_id: str

    articles = [Article(record_id(n)) for n in range(300)]
    parts = split_parts(articles, 10)
    assert sum(map(len, parts)) == 300 and 15 <= len(parts) <= 60
    assert all(int(part[-1].article_id, 16) % 10 == 0 or len(part) == 20 for part in parts[:-1])
    for changed in (articles[:150] + [Article(record_id("new"))] + articles[150:], articles[:150] + articles[151:]):
        after = split_parts(changed, 10)
        assert len([part for part in after if part not in parts]) <= 2
        assert len([part for part in parts if part not in after]) == 1
    many = split_parts([Article("1" * 16)] * 50, 10)  # no id a multiple of 10: cut at 20
    assert [len(part) for part in many] == [20, 20, 10]


def test_a_second_run_on_the_same_output_is_refused_clearly(prefect_server, raw, tmp_path):
    from flows.pipeline import newsflow_pipeline

    out = tmp_path / "out"
    with OutputLock(out):
        state = newsflow_pipeline(raw_dir=str(raw), out_dir=str(out), return_state=True)
        with pytest.raises(OutputBusy, match="another newsflow run"):
            run(raw, out)
    assert state.is_cancelled()  # not Completed: the run did not happen
    assert "another newsflow run" in state.message
    assert not (out / "articles").exists()


def test_a_run_killed_while_writing_leaves_the_previous_tables_whole(shared_server, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(30):
        (raw / f"a{i:02d}.txt").write_text(SHORT_ARTICLE.replace("4.5", f"{i}.5"), encoding="utf-8")
    out = tmp_path / "out"
    run(raw, out)
    before = {table: read(out, table) for table in DATA_TABLES}
    assert len(before["articles"]) == 30

    # The next run has nothing to extract: kill it as soon as the first
    # Parquet file of its new version appears, while it writes the tables.
    (raw / "a00.txt").unlink()
    env = cli_environment(NEWSFLOW_WORKERS="2", **shared_server)
    process = subprocess.Popen([str(NEWSFLOW), "run", str(raw), "--out", str(out)], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    versions = out / ".versions"
    current = {p.name for p in versions.iterdir()}
    deadline = time.monotonic() + 120
    killed_while_writing = False
    while time.monotonic() < deadline and process.poll() is None:
        new = [p for p in versions.iterdir() if p.name not in current]
        if new and any(new[0].glob("*/part-*.parquet")):
            children = descendants(process.pid)  # its worker processes
            process.send_signal(signal.SIGKILL)
            killed_while_writing = True
            break
        time.sleep(0.001)
    process.wait(timeout=60)
    assert killed_while_writing, "the run finished before it could be killed"
    assert children
    deadline = time.monotonic() + 30
    while any(map(alive, children)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if alive(pid)], "the killed run left orphan processes"

    for table, frame in before.items():
        assert read(out, table).equals(frame), table  # previous version, complete and readable

    finished = run(raw, out)
    assert finished["n_articles"] == 29
    assert len(read(out, "articles")) == 29
    assert [p.name for p in versions.iterdir()] == [finished["run_id"]]


def test_copies_in_one_batch_and_across_batches_are_duplicates(prefect_server, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a1.txt", "a2.txt", "b1.txt"):
        (raw / name).write_text(SHORT_ARTICLE, encoding="utf-8")
    (raw / "b2.txt").write_text(SHORT_ARTICLE.replace("roads", "bridges"), encoding="utf-8")
    out = tmp_path / "out"
    summary = run(raw, out, batch_size=2)  # a1+a2 in one batch, b1 in the next
    assert list(read(out, "articles")["source_file"]) == ["a1.txt", "b2.txt"]
    quarantine = read(out, "quarantine")
    assert sorted(quarantine["source_file"]) == ["a2.txt", "b1.txt"]
    assert set(quarantine["reason"]) == {"duplicate"}
    assert summary["validation_success"] and (summary["n_extracted"], summary["n_reused"]) == (2, 0)


def test_dask_cluster_with_two_workers_writes_the_same_bytes(prefect_server, raw, tmp_path, monkeypatch):
    from distributed import LocalCluster
    from prefect.settings import PREFECT_API_URL
    from prefect_dask import DaskTaskRunner

    from flows.pipeline import newsflow_pipeline

    local, on_dask = tmp_path / "local", tmp_path / "dask"
    # A part an article, in a group a worker: the groups go to Dask's workers
    # (at most one article a group: one group would be written in this process).
    monkeypatch.setenv("NEWSFLOW_PART_SIZE", "1")
    monkeypatch.setenv("NEWSFLOW_WORKERS", "2")
    monkeypatch.setattr("flows.pipeline.VALIDATION_GROUP", 1)
    run(raw, local)
    # Dask's worker processes reach the same Prefect API as this test.
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        flow = newsflow_pipeline.with_options(task_runner=DaskTaskRunner(address=cluster.scheduler_address))
        summary = flow(raw_dir=str(raw), out_dir=str(on_dask), batch_size=1)
    assert summary["n_extracted"] == 2
    assert data_files(local) == data_files(on_dask)
