"""Batch workers that start with the model loaded.

Prefect's process pool spawns its workers: each is a new Python that
imports Prefect, spaCy and newsflow and loads the model, about 6 s on this
machine before its first batch, with the run waiting. multiprocessing's
fork server does that once, in a process started as the run starts (while
the run's own process imports Prefect and lists its files), and forks each
worker from it ready to work, as spaCy's ``nlp.pipe(n_process=...)`` forks
its workers from a process that holds the model. The fork server has
imported but not started Prefect: forking the run's own process would copy
the locks of Prefect's threads (its event loops, log and event workers) in
whatever state they were.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing import forkserver
from multiprocessing.context import BaseContext

# Imported by the fork server before it forks a worker.
PRELOAD = "tasks.preload"


def start_fork_server() -> None:
    """Start the fork server now, which imports ``PRELOAD`` in the
    background; nothing if it is running, or where there is none. The model
    it loads is the one ``NEWSFLOW_MODEL`` names in this process's
    environment."""
    if fork_server_context().get_start_method() == "forkserver":
        forkserver.ensure_running()


def fork_server_context() -> BaseContext:
    """The multiprocessing context whose processes the fork server forks;
    the server starts with the first of them, if not before. (A task run in
    a worker enters a copy of the flow's task runner too, and starts no
    server unless it starts processes.) Where there is no fork server
    (Windows), spawn's."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    forkserver.set_forkserver_preload([PRELOAD])
    return multiprocessing.get_context("forkserver")
