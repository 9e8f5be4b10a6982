"""The runtime of a run: the task runner that runs the flow's batches and
parts, picked from the settings, and the pipeline flow that uses it. A run
by hand (``newsflow run``), a served one (``newsflow serve``) and a deployed
one (``prefect.yaml``) all get their flow from here."""

from __future__ import annotations

import logging
import multiprocessing
import os

from prefect import Flow
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from flows.lifetime import start_worker
from flows.pipeline import newsflow_pipeline
from flows.warm_workers import fork_server_context
from newsflow.config import Settings


class StoppableProcessPool(ProcessPoolTaskRunner):
    """Prefect's process pool, except that its workers are forked from a
    process that holds the model (``flows/warm_workers.py``), and a flow
    ending in an error or an interrupt (Ctrl-C, SIGTERM) stops the workers
    instead of waiting for their batches to finish, which can take minutes."""

    def __enter__(self) -> StoppableProcessPool:
        self._initargs = (os.getpid(),)  # the run the workers serve: this process
        super().__enter__()
        # Prefect 3.9 gives its executor the spawn context and no way to
        # choose; the executor starts its workers on the first tasks, from
        # this context.
        self._executor._mp_context = fork_server_context()
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        if exc_type is not None:
            for worker in multiprocessing.active_children():
                worker.terminate()
        super().__exit__(exc_type, exc_value, traceback)


def task_runner(settings: Settings):
    """The Prefect task runner the settings ask for: a Dask cluster, a pool of
    worker processes, or, for one worker, this process alone. Nothing starts
    until a flow run enters it."""
    workers = settings.usable_workers
    if settings.runner == "dask":
        from prefect_dask import DaskTaskRunner

        logging.getLogger("distributed").setLevel(os.environ.get("DASK_LOGGING__DISTRIBUTED", "warning").upper())
        if settings.address:
            return DaskTaskRunner(address=settings.address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True})
    if workers > 1:
        return StoppableProcessPool(max_workers=workers, initializer=start_worker)
    return ThreadPoolTaskRunner(max_workers=1)


def configured_pipeline(settings: Settings) -> Flow:
    """The pipeline flow on the task runner of ``settings``."""
    return newsflow_pipeline.with_options(task_runner=task_runner(settings))
