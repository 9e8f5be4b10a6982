"""Shared fixtures: one real Prefect test server per session, and real flow
runs on the sample article and on a folder of bad inputs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Prefect reads its settings at import: keep its home out of ~/.prefect and
# make no telemetry calls (there is no network).
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="newsflow-prefect-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import pytest  # noqa: E402
from prefect.testing.utilities import prefect_test_harness  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "raw" / "000_b04a174037bea8be.txt"


@pytest.fixture(scope="session")
def prefect_server():
    with prefect_test_harness(server_startup_timeout=120):
        yield


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
