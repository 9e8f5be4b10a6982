"""The command line as a user runs it: a real process, a real local server."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from tests.conftest import SAMPLE, SHORT_ARTICLE, cli_environment, run_cli

pytestmark = pytest.mark.slow  # every test here runs the newsflow command


def test_help_documents_every_command_and_option(tmp_path):
    top = run_cli("--help", cwd=tmp_path)
    assert top.returncode == 0
    for command in ("run", "status", "schema"):
        assert command in top.stdout
    run_help = run_cli("run", "--help", cwd=tmp_path)
    for option in ("RAW_DIR", "--out", "--model", "--batch-size", "--json", "--verbose", "Exit status"):
        assert option in run_help.stdout


def test_clean_run_prints_a_summary_and_no_errors(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE, raw)
    (raw / "empty.txt").write_bytes(b"")
    result = run_cli("run", "raw", "--out", "out", cwd=tmp_path)  # relative paths, as in `make run`
    output = result.stdout + result.stderr
    assert result.returncode == 3, output  # something was quarantined
    assert "quotes" in result.stdout and "1 article published from 2 files (1 extracted, 0 reused" in result.stdout
    assert "empty.txt: empty" in result.stdout
    for noise in ("Traceback", "ERROR", "CancelledError"):
        assert noise not in output, output
    assert (tmp_path / ".prefect").is_dir()  # Prefect's home stays with the project
    assert (tmp_path / "out" / "_validation" / "data_docs" / "index.html").is_file()
    assert f"Report: {((tmp_path / 'out').resolve() / 'report' / 'index.html').as_uri()}" in result.stdout
    # Prefect's logs, and no "View at" link to the run server, which has no UI.
    verbose = run_cli("run", "raw", "--out", "out", "--force", "-v", cwd=tmp_path)
    logs = verbose.stdout + verbose.stderr
    assert "Beginning flow run" in logs and "Report written in" in logs and "View at" not in logs, logs
    listed = run_cli("runs", "--out", "out", "--json", cwd=tmp_path)
    assert listed.returncode == 0
    first, run = [json.loads(line) for line in listed.stdout.splitlines()]  # the forced rerun is the last
    assert (first["n_inputs"], first["n_extracted"], first["n_quarantined"]) == (2, 1, 1)
    assert first["row_counts"]["articles"] == 1 and first["config"]["model"]  # objects, not JSON text inside JSON

    # The output is plain Parquet that DuckDB reads.
    speakers = duckdb.sql(
        f"select speaker, count(*) n from read_parquet('{tmp_path}/out/quotes/*.parquet') "
        "group by speaker order by n desc limit 1"
    ).fetchall()
    assert speakers == [("Ali Nazary", speakers[0][1])]

    # Nothing changed: status says so, and a rerun starts no flow run.
    status = run_cli("status", "raw", "--out", "out", cwd=tmp_path)
    assert status.returncode == 0 and f"Up to date: out holds run {run['run_id']}" in status.stdout, status.stdout
    again = run_cli("run", "raw", "--out", "out", "--json", cwd=tmp_path)
    assert again.returncode == 3  # the published quarantine still holds empty.txt
    assert json.loads(again.stdout) == {"up_to_date": True, "run_id": run["run_id"], "out_dir": "out"}
    # A new file: status names it, and the rerun reads it alone.
    (raw / "council.txt").write_text(SHORT_ARTICLE, encoding="utf-8")
    status = run_cli("status", "raw", "--out", "out", "--json", cwd=tmp_path)
    assert status.returncode == 1
    assert {k: v for k, v in json.loads(status.stdout).items() if k != "run_id"} == {
        "up_to_date": False, "new": ["council.txt"], "changed": [], "gone": [], "reasons": []}
    rerun = run_cli("run", "raw", "--out", "out", cwd=tmp_path)
    assert "2 articles published from 3 files (1 extracted, 1 reused from earlier runs; 1 file read" in rerun.stdout


def test_missing_raw_folder_is_a_clear_usage_error(tmp_path):
    result = run_cli("run", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_eval_quotes_scores_the_real_flow_on_a_gold_folder(tmp_path, shared_server):
    from tests.test_evaluate import gold_folder

    gold = gold_folder(tmp_path / "gold")
    result = run_cli("eval", "quotes", str(gold), "--json", cwd=tmp_path, env=cli_environment(**shared_server))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    # The split quote, the indirect speech and "“Never,” she said." are found.
    assert report["direct"]["tp"] == 2 and report["direct"]["fn"] == 0
    assert report["indirect"]["tp"] == 1
    assert report["speaker_accuracy"] == 1.0
    assert report["articles"] == 1 and report["articles_failed"] == 0


def test_address_without_dask_is_a_usage_error(tmp_path):
    result = run_cli("run", str(tmp_path), "--address", "tcp://127.0.0.1:8786", cwd=tmp_path)
    assert result.returncode == 2
    assert "a Dask scheduler address (NEWSFLOW_DASK_ADDRESS, --address) needs the dask runner" in result.stderr
