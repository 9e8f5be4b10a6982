"""Scheduled runs: the deployment Prefect registers, and the one teams deploy."""

from __future__ import annotations

import pytest
import yaml
from prefect import get_client

from flows.deployment import ENTRYPOINT, deployed_pipeline, schedule
from tests.conftest import REPO


@pytest.mark.parametrize("when", [{"cron": "*/15 * * * *", "metadata": "/data/meta.csv"}, {"interval": 900}])
def test_deployment_is_registered_with_its_schedule_and_parameters(prefect_server, when, tmp_path):
    options = schedule(str(tmp_path / "raw"), str(tmp_path / "out"), name=f"test-{list(when)[0]}", **when)
    # What newsflow serve registers: Flow.serve builds its deployment with to_deployment.
    deployment_id = deployed_pipeline.to_deployment(**options).apply()
    with get_client(sync_client=True) as client:
        registered = client.read_deployment(deployment_id)
    sidecar = {"metadata": when["metadata"]} if "metadata" in when else {}
    assert registered.parameters == {"raw_dir": str(tmp_path / "raw"), "out_dir": str(tmp_path / "out"), **sidecar}
    (registered_schedule,) = registered.schedules
    if "cron" in when:
        assert registered_schedule.schedule.cron == "*/15 * * * *"
    else:
        assert registered_schedule.schedule.interval.total_seconds() == 900
    assert registered_schedule.active


def test_a_deployment_wants_exactly_one_schedule():
    with pytest.raises(ValueError):
        schedule("raw", "out")
    with pytest.raises(ValueError):
        schedule("raw", "out", cron="* * * * *", interval=60)


def test_prefect_yaml_deploys_the_pipeline_on_a_schedule():
    config = yaml.safe_load((REPO / "prefect.yaml").read_text())
    (deployment,) = config["deployments"]
    assert deployment["entrypoint"] == ENTRYPOINT  # deployed_pipeline, the flow newsflow serve serves
    assert deployment["schedules"][0]["cron"] == "*/15 * * * *"
    assert set(deployment["parameters"]) == {"raw_dir", "out_dir"}
    assert deployment["work_pool"]["name"] == "newsflow"
