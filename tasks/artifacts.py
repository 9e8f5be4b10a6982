"""The run's Prefect artifacts, so that a run seen in Prefect's UI (a
scheduled one above all) tells what it did without a terminal: its summary,
its quarantined records and a link to its Data Docs."""

from __future__ import annotations

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from newsflow.run_summary import docs_link, quarantine_table, summary_markdown


def publish_artifacts(run: dict, quarantine: list[dict], out_dir: str) -> None:
    docs = docs_link(out_dir)
    create_markdown_artifact(key="newsflow-run", markdown=summary_markdown(run, quarantine, docs),
                             description=f"newsflow run {run['run_id']}")
    create_table_artifact(key="newsflow-quarantine", table=quarantine_table(quarantine),
                          description=f"Records run {run['run_id']} kept aside, with their reasons")
    create_link_artifact(key="newsflow-data-docs", link=docs, link_text="Data Docs",
                         description=f"Validation results of run {run['run_id']}")
