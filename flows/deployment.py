"""The pipeline as a scheduled Prefect deployment (``newsflow serve``)."""

from __future__ import annotations

from datetime import timedelta

from prefect.deployments.runner import RunnerDeployment

from flows.pipeline import newsflow_pipeline

DEPLOYMENT_NAME = "scheduled"


def build_deployment(
    raw_dir: str,
    out_dir: str,
    *,
    cron: str | None = None,
    interval: float | None = None,
    name: str = DEPLOYMENT_NAME,
    metadata: str | None = None,
) -> RunnerDeployment:
    """The flow with its schedule and parameters, ready to serve or apply."""
    if (cron is None) == (interval is None):
        raise ValueError("give exactly one of cron and interval")
    return newsflow_pipeline.to_deployment(
        name=name,
        cron=cron,
        interval=timedelta(seconds=interval) if interval is not None else None,
        parameters={"raw_dir": raw_dir, "out_dir": out_dir, **({"metadata": metadata} if metadata else {})},
        description="newsflow on a schedule: raw articles in, validated Parquet out.",
        tags=["newsflow"],
    )
