"""Prefect's own costs on this machine, in isolation, with the temporary
server started as ``newsflow run`` starts it: the server's start-up, importing
Prefect meanwhile, an empty flow run, and a flow run of 50 no-op task runs
(per-task overhead = the difference / 50).

    .venv/bin/python bench/prefect_overhead.py

Together with ``bench/throughput.py`` (a ``newsflow run`` on an empty folder
bounds every fixed cost of a run) this bounds Prefect's share of a run.
"""

from __future__ import annotations

import os
import tempfile
import time

os.environ.setdefault("PREFECT_HOME", os.path.join(tempfile.gettempdir(), "newsflow-prefect-bench"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from cli.server import start_temporary_server  # noqa: E402

began = time.perf_counter()
server = start_temporary_server()
os.environ["PREFECT_API_URL"] = server.api_url
from prefect import flow, task  # noqa: E402 - timed, after its settings

imported = time.perf_counter()
server.wait_until_ready()
ready = time.perf_counter()


@task
def noop(i: int) -> int:
    return i


@flow
def empty() -> int:
    return 0


@flow
def fifty_tasks() -> list[int]:
    return [noop(i) for i in range(50)]


def main() -> None:
    from cli.running import drain_prefect

    try:
        empty()  # the first flow run of a process sets up Prefect's client
        first = time.perf_counter()
        empty()
        second = time.perf_counter()
        fifty_tasks()
        third = time.perf_counter()
        drain_prefect()
    finally:
        server.stop()
    per_task_ms = ((third - second) - (second - first)) / 50 * 1000
    print(f"import prefect            {imported - began:6.2f} s  (while the server starts)")
    print(f"server ready              {ready - began:6.2f} s  after it was started (plus database creation the first time)")
    print(f"first flow run            {first - ready:6.2f} s")
    print(f"empty flow run            {second - first:6.2f} s")
    print(f"flow run with 50 tasks    {third - second:6.2f} s  ({per_task_ms:.1f} ms per task run beyond the empty flow)")


if __name__ == "__main__":
    main()
