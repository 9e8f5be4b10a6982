"""Prefect API servers that newsflow starts itself.

``newsflow run`` needs a Prefect API for one run: a temporary server, the one
Prefect's ``SubprocessASGIServer`` would start (uvicorn serving Prefect's app
in ephemeral mode, no UI), but launched before this process imports Prefect,
so that the two start-ups (about 4 s each) overlap instead of adding up.

``newsflow serve`` needs schedules, which the temporary server refuses, so
it starts a real ``prefect server start`` (SQLite under ``PREFECT_HOME``, UI
on 127.0.0.1).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from flows.lifetime import end_with_parent, stop


class PrefectServer:
    """A Prefect API server running in a child process."""

    def __init__(self, command: list[str], port: int, log_name: str, env: dict | None = None,
                 outlives_parent: bool = False):
        self.api_url = f"http://127.0.0.1:{port}/api"
        self.log_path = Path(os.environ.get("PREFECT_HOME", ".prefect")) / log_name
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            # A session of its own: Ctrl-C in a terminal reaches every process
            # of the foreground group, and the server must outlive the run's
            # clean-up, which reports to it; it ends with its parent unless
            # it is to outlive it.
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})}, preexec_fn=None if outlives_parent else end_with_parent,
                start_new_session=True,
            )

    def wait_until_ready(self, timeout: float = 120) -> str:
        """Block until the API answers; return its URL."""
        return wait_until_answering(self.api_url, lambda: self.process.poll() is None, self.process.kill, timeout,
                                    self.log_path)

    def stop(self) -> None:
        stop(self.process, timeout=20)


# What makes Prefect's app a temporary server: no UI, no scheduler or other
# services, its database made ready at start.
EPHEMERAL = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


def start_temporary_server() -> PrefectServer:
    """Start a temporary Prefect server on a free port, to end with this
    process; do not wait for it."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"]
    return PrefectServer(command, port, "temporary-server.log", EPHEMERAL)


def wait_until_answering(api_url: str, alive: Callable[[], bool], kill: Callable[[], None], timeout: float,
                         log_path: Path) -> str:
    """Block until the API at ``api_url`` answers, while its server is
    ``alive``; return the URL. A server that does not answer within
    ``timeout`` seconds is killed: one kept between runs would otherwise
    keep the next command waiting on it in turn."""
    deadline = time.monotonic() + timeout
    while not answers(api_url, timeout=2):
        if not alive():
            raise RuntimeError(f"the Prefect server stopped before answering; see {log_path}")
        if time.monotonic() > deadline:
            kill()
            raise RuntimeError(f"the Prefect server did not answer within {timeout:.0f} s and was stopped; "
                               f"see {log_path}")
        time.sleep(0.1)
    return api_url


def answers(api_url: str, timeout: float) -> bool:
    """Whether the Prefect API at ``api_url`` says it is healthy."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def local_prefect_server(port: int, startup_timeout: float = 120):
    """Run ``prefect server start`` on 127.0.0.1:``port``; yield it once it
    answers. Its UI is told that port (Prefect's default tells it 4200), and
    builds its pages under ``PREFECT_HOME``, not inside the virtualenv."""
    prefect = Path(sys.executable).with_name("prefect")
    home = Path(os.environ.get("PREFECT_HOME", ".prefect"))
    ui = {"PREFECT_UI_API_URL": f"http://127.0.0.1:{port}/api", "PREFECT_UI_STATIC_DIRECTORY": str(home.resolve() / "ui")}
    server = PrefectServer([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)], port,
                           "server.log", {k: v for k, v in ui.items() if k not in os.environ})
    try:
        server.wait_until_ready(startup_timeout)
        yield server
    finally:
        server.stop()


def without_connection_tracebacks() -> None:
    """Log a lost connection to the API (the server stopping, a websocket
    closed) in one line, without its traceback, on the console handlers
    Prefect set up: serve goes on or stops, and says which itself."""

    def one_line(record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and type(error).__name__ in _CONNECTION_ERRORS:
            record.msg, record.args = f"{record.getMessage()} ({type(error).__name__}: {error})", ()
            record.exc_info = record.exc_text = None
        return True

    for handler in logging.getLogger().handlers:
        handler.addFilter(one_line)


_CONNECTION_ERRORS = {"ConnectionClosedError", "ConnectionClosedOK", "ConnectionClosed", "ConnectError",
                      "ConnectionRefusedError", "RemoteProtocolError", "ReadError"}


@contextmanager
def stopping_on_signals_and_server_death(server: PrefectServer | None, on_death: Callable[[int], None]):
    """While serving: SIGTERM stops as Ctrl-C does (a KeyboardInterrupt, until
    Prefect's runner handles it itself), and so does the death of
    ``server``, after ``on_death(its exit status)``: without its API the
    runner could only log errors. Yields an event set once a stop was asked
    for: the interrupt lands wherever the main thread is, and inside an
    import pydantic turns it into a SchemaError.

    Inside a weakref callback or a ``__del__`` the interrupt cannot propagate:
    Python reports it as unraisable and goes on, so it is sent again."""
    stopping = threading.Event()

    def interrupt(signum, frame):
        stopping.set()
        raise KeyboardInterrupt

    def send_a_swallowed_stop_again(unraisable) -> None:
        if stopping.is_set() and isinstance(unraisable.exc_value, KeyboardInterrupt):
            # From another thread: a signal sent from here would be handled
            # inside this hook, itself a place where an exception is swallowed.
            threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGTERM)).start()
        else:
            previous_hook(unraisable)

    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    previous_hook, sys.unraisablehook = sys.unraisablehook, send_a_swallowed_stop_again
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.5):
            status = server.process.poll()
            if status is not None:
                on_death(status)
                os.kill(os.getpid(), signal.SIGTERM)
                return

    if server is not None:
        threading.Thread(target=watch, name="server-watch", daemon=True).start()
    try:
        yield stopping
    finally:
        done.set()
        sys.unraisablehook = previous_hook
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
