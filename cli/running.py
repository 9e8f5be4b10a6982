"""Running the pipeline flow from a command: Prefect's settings, a Prefect
API server for the run, the flow on the task runner of the settings, and
the exit status and one line that say how the run ended."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click

from newsflow.config import Settings

EXIT_QUARANTINED = 3
EXIT_BUSY = 4
# An interrupted command ends this long after the interrupt at most.
INTERRUPTED_EXIT_SECONDS = 10


def prefect_environment(verbose: bool) -> None:
    """Settings Prefect reads at import: a project-local home, no telemetry
    (there may be no network), the run's logs sent to its API server, and
    quiet console logs unless asked for."""
    os.environ.setdefault("PREFECT_HOME", str(Path.cwd() / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # INFO either way: the run's log in Prefect's UI is whole with or without -v.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    # Without -v the command prints what matters itself (a summary, or one
    # line saying why a run failed): no log lines or tracebacks from Prefect.
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "NOTSET" if verbose else "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    # Workers stopped on Ctrl-C leave semaphores to multiprocessing's resource
    # tracker, which cleans them up and warns about it at exit: noise.
    os.environ.setdefault("PYTHONWARNINGS", "ignore:resource_tracker:UserWarning")
    # Dask's scheduler and workers log every start and stop at INFO.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "info" if verbose else "warning")


def run_flow(verbose: bool, settings: Settings, extracts: bool = True, **parameters) -> Mapping:
    """Run the pipeline flow, on the task runner of ``settings``, on a Prefect
    API server shared by every worker process (the one PREFECT_API_URL names,
    or newsflow's run server: ``cli/run_server.py``) and return its summary;
    a refused or failed run exits with its status and one line saying why.
    A run that ``extracts`` articles (or may) has its batch workers made
    ready while it starts."""
    prefect_environment(verbose)
    # The flow reads its settings from this process's environment, so that
    # what it records in the runs table is what it runs with.
    os.environ.update(settings.as_environment())
    if extracts and settings.runner == "local" and settings.usable_workers > 1:
        # The batch workers' fork server imports and loads the model on
        # another core while this process imports Prefect.
        from flows.warm_workers import start_fork_server

        start_fork_server()
    from cli.run_server import server_for_run

    with nullcontext() if os.environ.get("PREFECT_API_URL") else server_for_run() as server:
        if server is not None:
            # Before Prefect is imported: its settings, and the worker processes, read it.
            os.environ["PREFECT_API_URL"] = server.api_url
            # The run's server has no UI: no "View at <its address>" line
            # that leads nowhere.
            os.environ["PREFECT_UI_URL"] = ""
        # Imported while a new server starts: Prefect (seconds), and the
        # report's pandas, since a run this command starts publishes, with
        # a report.
        import newsflow.report  # noqa: F401
        from flows.runners import configured_pipeline

        if server is not None:
            server.wait_until_ready(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
        flow = configured_pipeline(settings)
        # A command runs the flow to publish: whether that is needed, it
        # decided before starting a server (newsflow run checks, --force).
        parameters.setdefault("force", True)
        stopped = False
        try:
            with interruptible() as interrupted, without_heartbeats(server is not None):
                state = flow(**parameters, return_state=True)
        except KeyboardInterrupt:
            stopped = True
            sys.exit(128 + (interrupted[0] if interrupted else signal.SIGINT))
        finally:
            # Stopped, someone waits on the prompt: log lines a busy API has
            # not taken within two seconds are dropped (ten seconds each of
            # the two drains took a stopped run past 15 s under load).
            drain_prefect(timeout=2 if stopped else 10)
    outcome = state.result(raise_on_failure=False)
    if state.is_cancelled():
        click.echo(f"Error: {state.message}", err=True)
        sys.exit(EXIT_BUSY)
    if not state.is_completed():
        raise click.ClickException(f"the run failed, nothing was published: {reason(outcome)}")
    return outcome


def without_heartbeats(on_our_server: bool):
    """Prefect's flow-run heartbeats off on newsflow's own run server:
    heartbeats tell a server's automations that a long run is still alive,
    and that server has none, while at the end of every run Prefect waits up
    to a second for the heartbeat thread's sleep."""
    if not on_our_server:
        return nullcontext()
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


@contextmanager
def interruptible(seconds: float = INTERRUPTED_EXIT_SECONDS):
    """Turn SIGINT and SIGTERM into KeyboardInterrupt while the flow runs,
    recording which signal came, so that the flow unwinds (its unpublished
    version removed, its workers stopped) and the command exits with the
    signal's status, within ``seconds`` of the signal. During a flow,
    Prefect's own SIGTERM handler runs first and then passes the signal on
    to this one."""
    received: list[signal.Signals] = []
    once = threading.Lock()  # taken by the first stop, from the watching thread or the handler

    def announce(signum: int) -> None:
        if not once.acquire(blocking=False):
            return
        # From here on the command ends within seconds whatever it waits
        # for: Prefect reports the interrupted run to its server, with
        # retries, and a server that went away would hold it for minutes.
        click.echo(f"Interrupted by {signal.Signals(signum).name}: nothing was published; "
                   "the previous output is unchanged", err=True)
        exit_within(seconds, 128 + signum)

    def interrupt(signum, frame):
        announce(signum)
        received.append(signal.Signals(signum))
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGINT, signal.SIGTERM)}
    with signals_as_they_arrive(announce):
        try:
            yield received
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)


@contextmanager
def signals_as_they_arrive(on_stop: Callable[[int], None]):
    """Call ``on_stop(signal number)`` from a thread as soon as SIGINT or
    SIGTERM arrives. A Python handler runs only once the main thread gets
    back to Python code, and during a flow Prefect's own SIGTERM handler
    runs first, reporting the crash to its API: on a loaded machine the
    handler ran seconds late. The C-level handler writes each signal's
    number to the wakeup socket at once (signal.set_wakeup_fd)."""
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    try:
        previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    except ValueError:  # not the main thread: the handlers alone
        reader.close()
        writer.close()
        yield
        return

    def watch() -> None:
        while data := _received(reader):
            for signum in data:
                if signum in (signal.SIGINT, signal.SIGTERM):
                    on_stop(signum)

    threading.Thread(target=watch, name="signal-watch", daemon=True).start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous)
        writer.close()  # the watching thread reads the end of the stream, and stops
        reader.close()


def _received(reader: socket.socket) -> bytes:
    try:
        return reader.recv(64)
    except OSError:
        return b""


def exit_within(seconds: float, status: int) -> None:
    """End this process with ``status`` in ``seconds`` at the latest, even
    if a library still waits: on its server (an interrupted run whose
    Prefect server had gone was seen retrying for minutes) or on a thread
    the interpreter joins at exit."""

    def end() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)

    timer = threading.Timer(seconds, end)
    timer.daemon = True
    timer.start()


def reason(error: BaseException | object) -> str:
    """One line for an exception: what and where, no traceback."""
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    return f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(error)


def drain_prefect(timeout: float = 10) -> None:
    """Flush Prefect's event and log workers before exit, each within
    ``timeout`` seconds, so that shutdown prints no cancelled-flush
    tracebacks."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    EventsWorker.drain_all(timeout=timeout)
    APILogWorker.drain_all(timeout=timeout)
