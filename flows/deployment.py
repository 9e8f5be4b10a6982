"""The pipeline as a Prefect deployment: served on a schedule by ``newsflow
serve``, or deployed to a work pool with ``prefect.yaml``.

Prefect starts each run of a deployment in a new process that loads the flow
from the deployment's entrypoint, ``deployed_pipeline`` below, so a run reads
its settings (``NEWSFLOW_WORKERS`` and the rest) from the environment of that
process: the environment of ``newsflow serve``, or of the Prefect worker.
"""

from __future__ import annotations

from datetime import timedelta

from prefect.deployments.runner import RunnerDeployment

from flows.runners import configured_pipeline
from newsflow.config import Settings

DEPLOYMENT_NAME = "scheduled"

# Building it starts nothing: the task runner's workers start with a run.
deployed_pipeline = configured_pipeline(Settings())

# Of newsflow serve's deployment and of prefect.yaml's. A module path, not a
# file: it loads from any working directory, and a bad setting fails the load
# with its own message (after a file fails, Prefect searches it for a def and
# reports that it found none instead).
ENTRYPOINT = "flows.deployment.deployed_pipeline"


def build_deployment(
    raw_dir: str,
    out_dir: str,
    *,
    cron: str | None = None,
    interval: float | None = None,
    name: str = DEPLOYMENT_NAME,
    metadata: str | None = None,
) -> RunnerDeployment:
    """The deployed flow with its schedule and parameters, ready to serve or apply."""
    if (cron is None) == (interval is None):
        raise ValueError("give exactly one of cron and interval")
    return RunnerDeployment.from_entrypoint(
        ENTRYPOINT,
        name=name,
        cron=cron,
        interval=timedelta(seconds=interval) if interval is not None else None,
        parameters={"raw_dir": raw_dir, "out_dir": out_dir, **({"metadata": metadata} if metadata else {})},
        description="newsflow on a schedule: raw articles in, validated Parquet out.",
        tags=["newsflow"],
    )
