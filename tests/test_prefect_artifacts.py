"""A run seen in Prefect tells what it did: its final state's message and
its artifacts, read back from the real Prefect test server."""

from __future__ import annotations

import json

from tests.conftest import SHORT_ARTICLE


def test_a_run_says_what_it_published_and_quarantined_in_its_state_and_artifacts(prefect_server, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from flows.pipeline import newsflow_pipeline

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "council.txt").write_text(SHORT_ARTICLE, encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    state = newsflow_pipeline(raw_dir=str(raw), out_dir=str(tmp_path / "out"), return_state=True)

    assert state.is_completed()
    assert state.message == "Published 1 article (1 extracted, 0 unchanged); 1 record quarantined, see the quarantine table"
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))
    by_key = {artifact.key: artifact for artifact in artifacts}
    assert set(by_key) == {"newsflow-run", "newsflow-quarantine", "newsflow-report", "newsflow-data-docs"}
    summary = by_key["newsflow-run"].data
    assert "| articles | 1 |" in summary and "| ingest | empty | 1 |" in summary
    rows = by_key["newsflow-quarantine"].data
    rows = json.loads(rows) if isinstance(rows, str) else rows
    assert [(row["source_file"], row["reason"]) for row in rows] == [("empty.txt", "empty")]
    # The link names the published docs, which every later version replaces.
    docs = (tmp_path / "out").resolve() / "_validation" / "data_docs" / "index.html"
    assert by_key["newsflow-data-docs"].data == f"[Data Docs]({docs.as_uri()})"
    assert docs.is_file()
    report = (tmp_path / "out").resolve() / "report" / "index.html"
    assert by_key["newsflow-report"].data == f"[Report]({report.as_uri()})" and f"- report: {report.as_uri()}" in summary
    assert report.is_file()
