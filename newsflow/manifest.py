"""The run manifest: what went in, with which code and settings, what came out."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

from newsflow import __version__
from newsflow.config import Settings

PACKAGES = ("prefect", "pandas", "pyarrow", "great-expectations", "spacy", "ftfy", "charset-normalizer",
            "dateparser", "quantulum3", "trafilatura", "warcio")


def package_version(name: str) -> str:
    try:
        return version(name.replace("_", "-"))
    except PackageNotFoundError:
        return "not installed"


def package_versions(model: str) -> dict[str, str]:
    return {name: package_version(name) for name in (*PACKAGES, model)}


def inputs_digest(inputs: list[dict], metadata: dict | None) -> str:
    digest = hashlib.sha256()
    for item in sorted(inputs, key=lambda i: i["source_file"]):
        digest.update(f"{item['source_file']}\0{item['sha256']}\n".encode())
    if metadata:
        digest.update(f"--metadata\0{metadata['sha256']}\n".encode())
    return digest.hexdigest()


def run_record(
    *,
    run_id: str,
    started_at: datetime,
    finished_at: datetime,
    raw_dir: str,
    inputs: list[dict],
    metadata: dict | None,
    settings: Settings,
    fingerprint: str,
    row_counts: dict[str, int],
    timings: dict[str, float],
    n_articles: int,
    n_extracted: int,
    n_reused: int,
    n_quarantined: int,
    n_files_read: int,
    n_parts_written: int,
    n_parts_reused: int,
    validation_success: bool,
) -> dict:
    digest = inputs_digest(inputs, metadata)
    return {
        "run_id": run_id,
        "started_at": started_at,
        "finished_at": finished_at,
        "duration_s": round((finished_at - started_at).total_seconds(), 3),
        "raw_dir": raw_dir,
        "inputs_digest": digest,
        "inputs": sorted(inputs, key=lambda i: i["source_file"]),
        "metadata": json.dumps(metadata, sort_keys=True) if metadata else None,
        "pipeline_version": fingerprint,
        "newsflow_version": __version__,
        "model": f"{settings.model}=={package_version(settings.model)}",
        "config": json.dumps(settings.as_dict(), sort_keys=True),
        "packages": json.dumps(package_versions(settings.model), sort_keys=True),
        "row_counts": json.dumps(row_counts, sort_keys=True),
        "timings": json.dumps({k: round(v, 3) for k, v in timings.items()}, sort_keys=True),
        "n_inputs": len(inputs),
        "n_records": sum(i["n_records"] for i in inputs),
        "n_articles": n_articles,
        "n_extracted": n_extracted,
        "n_reused": n_reused,
        "n_quarantined": n_quarantined,
        "n_files_read": n_files_read,
        "n_parts_written": n_parts_written,
        "n_parts_reused": n_parts_reused,
        "validation_success": validation_success,
    }
