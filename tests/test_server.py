"""The Prefect server `newsflow serve` starts: its UI reaches its API on any
port, and it writes nothing into the virtualenv; serve stops quietly within
seconds on SIGTERM or Ctrl-C, and when its server dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
import weakref

import pytest

from cli.server import free_port, local_prefect_server, stopping_on_signals_and_server_death
from flows.lifetime import stop
from tests.conftest import NEWSFLOW, REPO, SAMPLE, cli_environment


@pytest.mark.slow
def test_the_served_ui_is_told_its_own_port_and_builds_under_prefect_home(tmp_path, monkeypatch):
    home = tmp_path / "prefect-home"
    monkeypatch.setenv("PREFECT_HOME", str(home))
    for name in ("PREFECT_API_URL", "PREFECT_UI_API_URL", "PREFECT_UI_STATIC_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    port = free_port()
    with local_prefect_server(port) as server:
        api_url = server.api_url
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ui-settings", timeout=10) as response:
            settings = json.load(response)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200
    assert api_url == settings["api_url"] == f"http://127.0.0.1:{port}/api"
    assert any((home / "ui").iterdir())  # the UI's pages, built here rather than in the package


@pytest.mark.slow
@pytest.mark.parametrize("stop, status", [("sigterm", 0), ("sigint", 0), ("server dies", 1)])
def test_serve_stops_quietly_within_seconds(tmp_path, stop, status):
    port = free_port()
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "sample.txt").write_bytes(SAMPLE.read_bytes())
    env = cli_environment(PREFECT_HOME=str(tmp_path / "home"))
    serving = subprocess.Popen([str(NEWSFLOW), "serve", str(raw), "--out", str(tmp_path / "out"), "--interval", "3600",
                                "--port", str(port)], cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        output = []
        for line in serving.stdout:
            output.append(line)
            if "being served" in line:
                break
        server = subprocess.run(["pgrep", "-f", f"prefect server start --host 127.0.0.1 --port {port}"],
                                capture_output=True, text=True).stdout.split()
        assert len(server) == 1, "".join(output)
        if stop == "server dies":
            subprocess.run(["kill", "-KILL", server[0]], check=True)
        else:
            serving.send_signal(signal.SIGTERM if stop == "sigterm" else signal.SIGINT)
        started = time.monotonic()
        try:
            rest, _ = serving.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            serving.kill()
            pytest.fail("serve went on 30 s after being stopped:\n" + "".join(output) + serving.communicate()[0])
        took = time.monotonic() - started
    finally:
        serving.kill()
    text = "".join(output) + rest
    assert serving.returncode == status, text
    assert took < 15 and "Traceback" not in text, text
    if stop == "server dies":
        assert "The Prefect server stopped" in text
    left = subprocess.run(["pgrep", "-f", f"--port {port}"], capture_output=True, text=True).stdout.split()
    assert left == [], text


def test_a_stop_is_known_even_when_the_interrupt_comes_out_as_another_error():
    # The interrupt lands wherever serve's main thread is; inside an import,
    # pydantic turns it into a SchemaError, which serve must still read as the stop.
    with stopping_on_signals_and_server_death(None, lambda status: None) as stopping:
        assert not stopping.is_set()
        with pytest.raises(RuntimeError):
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)
            except KeyboardInterrupt as interrupt:
                raise RuntimeError("a schema error") from interrupt
    assert stopping.is_set()


def test_a_stop_swallowed_by_a_weakref_callback_is_sent_again():
    # A weakref callback runs inside garbage collection, where Python prints
    # an exception and drops it: serve went on running once a stop landed there.
    def callback(reference):
        os.kill(os.getpid(), signal.SIGTERM)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:  # the interrupt is raised here, and swallowed
            pass

    class Collected:
        pass

    with stopping_on_signals_and_server_death(None, lambda status: None) as stopping:
        collected = Collected()
        reference = weakref.ref(collected, callback)
        with pytest.raises(KeyboardInterrupt):
            del collected
            time.sleep(5)
    assert stopping.is_set() and reference() is None


def _ended_runs(api_url: str) -> list[dict]:
    request = urllib.request.Request(f"{api_url}/flow_runs/filter", data=json.dumps({"limit": 200}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        runs = json.load(response)
    return [run for run in runs if run["state"] and run["state"]["type"] not in ("SCHEDULED", "PENDING", "RUNNING")]


@pytest.mark.slow
def test_served_runs_publish_then_refuse_while_busy_or_find_nothing_new_without_a_traceback(tmp_path):
    # Every 4 s, while the first run takes longer than that to publish
    # (spaCy loads in a worker): the runs due meanwhile find the output
    # locked, the later ones up to date.
    port = free_port()
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "sample.txt").write_bytes(SAMPLE.read_bytes())
    log = tmp_path / "serve.log"
    env = cli_environment(PREFECT_HOME=str(tmp_path / "home"))
    with open(log, "w") as output:
        serving = subprocess.Popen([str(NEWSFLOW), "serve", str(raw), "--out", str(tmp_path / "out"), "--interval", "4",
                                    "--port", str(port)], cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240
        messages: list[str] = []
        while time.monotonic() < deadline and serving.poll() is None:
            time.sleep(2)
            try:
                ended = _ended_runs(f"http://127.0.0.1:{port}/api")
            except OSError:  # the server is not up yet
                continue
            messages = [f"{run['state']['type']}: {run['state']['message']}" for run in ended]
            if any(m.startswith("COMPLETED: Up to date") for m in messages):
                break
    finally:
        stop(serving, timeout=30)
    text = log.read_text()
    assert any(m.startswith("COMPLETED: Published 1 article") for m in messages), (messages, text)
    assert any(m.startswith("COMPLETED: Up to date") for m in messages), (messages, text)
    busy = [m for m in messages if m.startswith("CANCELLED")]
    assert busy and all("another newsflow run" in m for m in busy), (messages, text)
    assert "Traceback" not in text and "unexpected exception" not in text, text
