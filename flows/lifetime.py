"""Child processes that end with the process that started them.

A ``newsflow run`` that is killed (SIGKILL, an out-of-memory kill, a closed
terminal) runs no clean-up code, so its Prefect server and worker processes
would live on as orphans.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def end_with_parent() -> None:
    """For a program the parent's main thread starts (``preexec_fn``): ask the
    kernel to send it SIGTERM when that thread ends. Linux only; elsewhere a
    no-op. The kernel watches the starting *thread*, so this does not suit
    process pools, whose workers are started from short-lived threads."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start_worker(run_pid: int, interval: float = 1.0) -> None:
    """For a Python worker process (a pool's ``initializer``): leave Ctrl-C
    to the parent, which stops its workers itself (a terminal sends SIGINT
    to every process of the group, and a worker interrupted mid-task would
    only print a traceback), and end the worker within ``interval`` seconds
    of the end of ``run_pid``, the run that uses it. (Not its parent: a
    worker forked by multiprocessing's fork server is the server's child,
    and the server lives as long as a worker does.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while alive(run_pid):
            time.sleep(interval)
        os._exit(1)  # nothing left to report to

    threading.Thread(target=watch, name="newsflow-watch-run", daemon=True).start()
    # A worker ends when its pool shuts down, which waits for it: once the
    # exit handlers registered after this one have run (Prefect's, which
    # flush the worker's last logs and events to the parent), end without
    # the interpreter's tear-down of a loaded spaCy model (about a second).
    atexit.register(os._exit, 0)


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs; a process that ended and that its
    parent has not waited for yet (a zombie) does not."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:  # no /proc here
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")


def stop(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM ``process`` and wait for it; kill it if it is still there
    after ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()


def descendants(pid: int) -> list[int]:
    """Every process started by ``pid`` (from any of its threads), and by
    those, and so on (Linux /proc)."""
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            threads = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:  # it ended while being read
            continue
        for thread in threads:
            try:
                children = [int(c) for c in (thread / "children").read_text().split()]
            except OSError:
                children = []
            found += children
            frontier += children
    return found
