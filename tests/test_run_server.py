"""The Prefect server of `newsflow run`, kept up between runs: the runs that
follow use it, it stops once no command has used it for its idle time,
never while one holds it, and a record naming anything else is ignored."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from typing import TextIO

import pytest

from cli import run_server
from tests.conftest import cli_environment, run_cli


def _watching(home: Path, lease: TextIO, idle: float) -> tuple[SimpleNamespace, threading.Thread]:
    """The idle watch of a server of this process, on a stand-in for uvicorn's server."""
    server = SimpleNamespace(should_exit=False)
    watch = threading.Thread(target=run_server._stop_when_unused, args=(server, home, lease, idle), daemon=True)
    watch.start()
    return server, watch


def test_an_unused_server_stops_after_its_idle_time_and_never_while_a_command_holds_it(tmp_path, monkeypatch):
    import fcntl

    monkeypatch.setattr(run_server, "CHECK_SECONDS", 0.05)
    (tmp_path / run_server.RECORD).write_text(json.dumps({"pid": os.getpid()}), encoding="utf-8")
    with open(tmp_path / run_server.LEASE, "a") as lease:
        with open(tmp_path / run_server.LEASE, "a") as command:  # a command using the server
            fcntl.flock(command, fcntl.LOCK_SH)
            server, watch = _watching(tmp_path, lease, idle=0.3)
            time.sleep(1.0)
            assert not server.should_exit and (tmp_path / run_server.RECORD).exists()
        watch.join(timeout=5)  # the command ended: its lock went with its file
        assert server.should_exit
    assert not (tmp_path / run_server.RECORD).exists()  # the next command starts another


def test_an_unused_server_that_the_record_no_longer_names_stops_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(run_server, "CHECK_SECONDS", 0.05)
    (tmp_path / run_server.RECORD).write_text(json.dumps({"pid": os.getpid() + 1}), encoding="utf-8")
    with open(tmp_path / run_server.LEASE, "a") as lease:
        server, watch = _watching(tmp_path, lease, idle=3600)
        watch.join(timeout=5)
    assert server.should_exit
    assert json.loads((tmp_path / run_server.RECORD).read_text())["pid"] == os.getpid() + 1  # the newer one's


def _flow_runs(api_url: str) -> int:
    request = urllib.request.Request(f"{api_url}/flow_runs/count", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _stopped(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while run_server._is_run_server(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


@pytest.mark.slow
def test_runs_share_the_kept_server_which_stops_once_unused_or_asked_and_a_stale_record_is_ignored(tmp_path):
    (tmp_path / "raw").mkdir()  # an empty folder: nothing but the runs' fixed cost
    kept = cli_environment(NEWSFLOW_SERVER_IDLE="600")
    record_path = tmp_path / ".prefect" / run_server.RECORD

    def newsflow_run(env: dict, *options: str) -> None:
        result = run_cli("run", "raw", "--out", "out", *options, cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stdout + result.stderr

    newsflow_run(kept)
    record = json.loads(record_path.read_text())
    assert run_server._is_run_server(record["pid"])  # it outlived the command that started it
    newsflow_run(kept, "--force")
    assert json.loads(record_path.read_text())["pid"] == record["pid"]  # no other server was started
    assert _flow_runs(record["api_url"]) == 2  # and both runs are in its database

    # The idle time is the last command's.
    newsflow_run(cli_environment(NEWSFLOW_SERVER_IDLE="1"), "--force")
    assert _flow_runs(record["api_url"]) == 3
    assert _stopped(record["pid"], within=30), "the unused server did not stop"
    assert not record_path.exists()

    # A record naming a live process that is not a run server (its number reused).
    record_path.write_text(json.dumps({**record, "pid": os.getpid()}), encoding="utf-8")
    newsflow_run(kept, "--force")
    started = json.loads(record_path.read_text())["pid"]
    assert started != os.getpid() and run_server._is_run_server(started)

    # Stopped by hand, before its idle time.
    stop = run_cli("stop-server", cwd=tmp_path, env=kept)
    assert stop.returncode == 0 and stop.stdout.startswith("Stopped the Prefect server at http://127.0.0.1:"), stop
    assert not run_server._is_run_server(started) and not record_path.exists()
    again = run_cli("stop-server", cwd=tmp_path, env=kept)
    assert again.returncode == 0 and again.stdout.startswith("No Prefect server is kept under"), again


@pytest.mark.slow
def test_a_bad_idle_time_is_one_line_and_exit_status_2(tmp_path):
    (tmp_path / "raw").mkdir()
    result = run_cli("run", "raw", "--out", "out", cwd=tmp_path, env=cli_environment(NEWSFLOW_SERVER_IDLE="soon"))
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: NEWSFLOW_SERVER_IDLE must be a number of seconds of at least 0, not 'soon'"
    assert not (tmp_path / "out").exists()
