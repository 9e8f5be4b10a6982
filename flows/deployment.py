"""The pipeline as a Prefect deployment: served on a schedule by ``newsflow
serve``, or deployed to a work pool with ``prefect.yaml``.

Both run the flow object ``deployed_pipeline`` below, whose task runner comes
from the settings (``NEWSFLOW_WORKERS`` and the rest) of the process that
loads it: ``newsflow serve``, which hands that object to Prefect's runner (each
run starts in a new process from the object itself, not from the deployment's
entrypoint), or the Prefect worker, which loads it from ``ENTRYPOINT``.
"""

from __future__ import annotations

from datetime import timedelta

from flows.runners import configured_pipeline
from newsflow.config import Settings

DEPLOYMENT_NAME = "scheduled"

# Building it starts nothing: the task runner's workers start with a run.
deployed_pipeline = configured_pipeline(Settings())

# prefect.yaml's. A module path, not a file: it loads from any working
# directory, and a bad setting fails the load with its own message (after a
# file fails, Prefect searches it for a def and reports that it found none
# instead).
ENTRYPOINT = "flows.deployment.deployed_pipeline"


def schedule(
    raw_dir: str,
    out_dir: str,
    *,
    cron: str | None = None,
    interval: float | None = None,
    name: str = DEPLOYMENT_NAME,
    metadata: str | None = None,
) -> dict:
    """The deployment of ``deployed_pipeline`` with its schedule and
    parameters: the keyword arguments of ``Flow.serve`` and
    ``Flow.to_deployment``."""
    if (cron is None) == (interval is None):
        raise ValueError("give exactly one of cron and interval")
    return {
        "name": name,
        "cron": cron,
        "interval": timedelta(seconds=interval) if interval is not None else None,
        "parameters": {"raw_dir": raw_dir, "out_dir": out_dir, **({"metadata": metadata} if metadata else {})},
        "description": "newsflow on a schedule: raw articles in, validated Parquet out.",
        "tags": ["newsflow"],
    }
