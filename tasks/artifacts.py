"""The run's Prefect artifacts, so that a run seen in Prefect's UI (a
scheduled one above all) tells what it did without a terminal: its summary,
its quarantined records and links to its report and its Data Docs."""

from __future__ import annotations

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from newsflow.run_summary import docs_link, quarantine_table, report_link, summary_markdown


def publish_artifacts(run: dict, quarantine: list[dict], out_dir: str) -> None:
    docs, report = docs_link(out_dir), report_link(out_dir)
    create_markdown_artifact(key="newsflow-run", markdown=summary_markdown(run, quarantine, docs, report),
                             description=f"newsflow run {run['run_id']}")
    create_table_artifact(key="newsflow-quarantine", table=quarantine_table(quarantine),
                          description=f"Records run {run['run_id']} kept aside, with their reasons")
    create_link_artifact(key="newsflow-report", link=report, link_text="Report",
                         description=f"The report page of the output of run {run['run_id']}")
    create_link_artifact(key="newsflow-data-docs", link=docs, link_text="Data Docs",
                         description=f"Validation results of run {run['run_id']}")
