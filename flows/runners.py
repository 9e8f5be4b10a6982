"""The task runners that run the flow's batches and parts."""

from __future__ import annotations

import logging
import multiprocessing
import os

from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from newsflow.lifetime import start_worker


class StoppableProcessPool(ProcessPoolTaskRunner):
    """Prefect's process pool, except that a flow ending in an error or an
    interrupt (Ctrl-C, SIGTERM) stops the workers instead of waiting for
    their batches to finish, which can take minutes."""

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        if exc_type is not None:
            for worker in multiprocessing.active_children():
                worker.terminate()
        super().__exit__(exc_type, exc_value, traceback)


def task_runner(runner: str, workers: int, address: str | None):
    """The Prefect task runner for ``--runner`` and ``--workers``."""
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        logging.getLogger("distributed").setLevel(os.environ.get("DASK_LOGGING__DISTRIBUTED", "warning").upper())
        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True})
    if workers > 1:
        return StoppableProcessPool(max_workers=workers, initializer=start_worker)
    return ThreadPoolTaskRunner(max_workers=1)
