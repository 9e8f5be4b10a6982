"""Shared fixtures: one real Prefect test server per session, and real flow
runs on the sample article and on a folder of bad inputs."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Prefect reads its settings at import: keep its home out of ~/.prefect and
# make no telemetry calls (there is no network). The test processes
# pytest-xdist starts inherit the home of the one that started them.
if "PREFECT_HOME" not in os.environ:
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="newsflow-prefect-")
    atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# newsflow's own cache (the gazetteer) likewise: built once per session, in
# a folder of its own rather than the user's ~/.cache/newsflow.
if "NEWSFLOW_CACHE_DIR" not in os.environ:
    os.environ["NEWSFLOW_CACHE_DIR"] = tempfile.mkdtemp(prefix="newsflow-cache-")
    atexit.register(shutil.rmtree, os.environ["NEWSFLOW_CACHE_DIR"], ignore_errors=True)

# The commands tests run keep their Prefect server as a user's do, but only
# for two seconds unused: each test has a PREFECT_HOME, so a server, of its own.
os.environ["NEWSFLOW_SERVER_IDLE"] = "2"

import pytest  # noqa: E402
from prefect.testing.utilities import prefect_test_harness  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "raw" / "000_b04a174037bea8be.txt"
NEWSFLOW = Path(sys.executable).with_name("newsflow")


def cli_environment(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: none of the test session's Prefect
    settings (the command starts its own server), plus ``extra``. One worker
    unless a test asks for more (``--workers``): each worker process costs
    seconds of start-up, and most tests are about something else."""
    shell = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return {"NEWSFLOW_WORKERS": "1", **shell, **extra}


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None, prefix: tuple[str, ...] = (),
            timeout: float = 600) -> subprocess.CompletedProcess:
    """``newsflow ARGS`` as a real process (after ``prefix``, a wrapper command)."""
    return subprocess.run([*prefix, str(NEWSFLOW), *args], cwd=cwd, env=env or cli_environment(),
                          capture_output=True, text=True, timeout=timeout)


def pytest_collection_modifyitems(items):
    """Every test that runs the real flow (it needs the Prefect server) is
    slow: seconds, where a rule on a hand-built Doc takes milliseconds.
    Tests that run the newsflow command are marked by hand.
    ``pytest -m "not slow"`` is the layer for day-to-day work."""
    for item in items:
        if "prefect_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def prefect_server():
    """A real Prefect server for the session. Flow runs in this process send
    no heartbeats: at its end a run waits up to a second for the heartbeat
    thread's sleep (Prefect 3.9), about a third of a small test run; the
    heartbeat only tells the server that a long run is still alive."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with prefect_test_harness(server_startup_timeout=120), \
            temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@pytest.fixture()
def shared_server(prefect_server) -> dict[str, str]:
    """The environment that lends the session's Prefect server to a
    ``newsflow`` command, which then starts none of its own (seconds of CPU
    each): for tests about something else than that start-up."""
    from prefect.settings import PREFECT_API_URL

    return {"PREFECT_API_URL": PREFECT_API_URL.value()}


@pytest.fixture(scope="session")
def sample_run(prefect_server, tmp_path_factory):
    """The real flow on the committed sample article."""
    from flows.pipeline import newsflow_pipeline

    out = tmp_path_factory.mktemp("sample-out")
    summary = newsflow_pipeline(raw_dir=str(SAMPLE.parent), out_dir=str(out))
    return out, summary


def read(out: Path, table: str):
    """A published table as a pandas DataFrame."""
    import pandas as pd
    import pyarrow as pa

    from newsflow.store import read_table

    # Nullable integers stay integers (offsets of optional spans).
    nullable = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int32Dtype()}
    return read_table(out, table).to_pandas(types_mapper=nullable.get)


SHORT_ARTICLE = """Council approves new budget

The city council approved a budget of $4.5 million on Tuesday, officials said.

“This budget keeps our promises,” Mayor Jane Porter said. “We will fix the roads.”

Critics said the plan does too little for schools.
"""


@dataclass
class WholeFile:
    """Every article and rejection of one file, read at once, and what was
    found of the file (its hash, counts and warnings, as attributes)."""

    articles: list
    rejections: list
    found: object

    def __getattr__(self, name: str):
        return getattr(self.found, name)


def read_file(path: Path, raw_dir: Path, settings, sidecar=None) -> WholeFile:
    from newsflow.formats import FileRead, read_records
    from newsflow.ingest import RawArticle, source_file_of

    found = FileRead(source_file_of(path, raw_dir))
    outcomes = list(read_records(path, raw_dir, settings, sidecar, found))
    articles = [o for o in outcomes if isinstance(o, RawArticle)]
    return WholeFile(articles, [o for o in outcomes if not isinstance(o, RawArticle)], found)


def read_article(path: Path, raw_dir: Path, settings):
    """The one article, or the rejection, that a file holding one document gives."""
    whole = read_file(path, raw_dir, settings)
    (outcome,) = whole.articles + whole.rejections
    return outcome


def run(raw: Path, out: Path | str, **options) -> dict:
    """The real flow, run to publish even when the output is up to date, as
    ``newsflow run`` runs it once it has checked."""
    from flows.pipeline import newsflow_pipeline

    return newsflow_pipeline(raw_dir=str(raw), out_dir=str(out), **{"force": True, **options})


def data_files(out: Path | str) -> dict[str, bytes]:
    """Every data file of the published tables (``runs`` holds wall-clock
    times), on whatever filesystem ``out`` is."""
    from newsflow.schemas import RESULT_TABLES
    from newsflow.store import list_files, output_filesystem

    fs, root = output_filesystem(out)
    return {
        part[len(root) + 1 :]: fs.cat_file(part)
        for table in [*RESULT_TABLES, "quarantine"]
        for part in list_files(fs, f"{root}/{table}", ".parquet")
    }


@pytest.fixture()
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "sample.txt")
    (folder / "council.txt").write_text(SHORT_ARTICLE, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    return folder
