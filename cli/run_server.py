"""The Prefect API server of ``newsflow run``, kept up between runs.

The first command that needs one starts it (Prefect's temporary server:
uvicorn serving Prefect's app in ephemeral mode, no UI), and it stays up
until no command has used it for ``NEWSFLOW_SERVER_IDLE`` seconds, so
that the runs that follow, the scheduled reruns most of all, do not each
pay its start (about 5 s here). With ``NEWSFLOW_SERVER_IDLE=0`` a
temporary server is started for each command and ends with it.

What it is and who uses it is kept under ``PREFECT_HOME``:

- ``run-server.json``: its process, address, Python environment and
  Prefect version;
- ``run-server.lock``: each command using the server holds a shared lock
  on it while it runs, which the kernel drops when the command ends,
  however it ends. The server counts as unused while it can take the lock
  exclusively, and it keeps the lock while it stops, so that a command
  starting then waits for it to go and starts another.

The server also stops, once unused, when the record names another server
(a command of another Python environment or Prefect version started its
own) or is gone (PREFECT_HOME was deleted).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import TextIO

from cli.server import EPHEMERAL, PrefectServer, free_port, start_temporary_server, wait_until_answering

IDLE_ENV = "NEWSFLOW_SERVER_IDLE"
# Long enough to span the pause between scheduled reruns every 15 minutes
# and between runs by hand; an idle server holds about 250 MB.
DEFAULT_IDLE_SECONDS = 1800
RECORD = "run-server.json"
LEASE = "run-server.lock"
STARTING = "run-server.starting"
LOG = "run-server.log"
# How often an unused server looks at its lease and its record.
CHECK_SECONDS = 1.0


class BadIdleSetting(ValueError):
    """NEWSFLOW_SERVER_IDLE is not a number of seconds."""


class KeptServer:
    """The server an earlier command started, perhaps still starting."""

    def __init__(self, record: dict):
        self.record = record
        self.api_url: str = record["api_url"]
        self.pid: int = record["pid"]

    def wait_until_ready(self, timeout: float = 120) -> str:
        """Block until the API answers; return its URL."""
        return wait_until_answering(self.api_url, lambda: _is_run_server(self.pid),
                                    lambda: os.kill(self.pid, signal.SIGKILL), timeout,
                                    Path(os.environ.get("PREFECT_HOME", ".prefect")) / LOG)


def idle_seconds() -> float:
    """``NEWSFLOW_SERVER_IDLE``: how long the run server stays up unused (0: it ends with its command)."""
    value = os.environ.get(IDLE_ENV, "").strip()
    try:
        seconds = float(value) if value else DEFAULT_IDLE_SECONDS
    except ValueError:
        seconds = -1
    if not 0 <= seconds < float("inf"):
        raise BadIdleSetting(f"{IDLE_ENV} must be a number of seconds of at least 0, not {value!r}")
    return seconds


@contextmanager
def server_for_run() -> Iterator[PrefectServer | KeptServer]:
    """The Prefect server for this command's run, perhaps still starting
    (``wait_until_ready``): the one kept under ``PREFECT_HOME`` while its
    process lives, else a new one, kept for the commands that follow. This
    command holds it until the block ends."""
    idle = idle_seconds()
    if idle == 0:
        server = start_temporary_server()
        try:
            yield server
        finally:
            server.stop()
        return
    home = Path(os.environ.get("PREFECT_HOME", ".prefect"))
    home.mkdir(parents=True, exist_ok=True)
    with open(home / LEASE, "a") as lease:
        # Waits only while a server stops.
        fcntl.flock(lease, fcntl.LOCK_SH)
        # One command at a time finds or starts the server: two starting
        # together would otherwise each start one.
        with _exclusive(home / STARTING):
            server = _kept(home)
            if server is None:
                server = _start(home, idle)
            elif server.record.get("idle_seconds") != idle:
                _write_record(home, {**server.record, "idle_seconds": idle})  # the server reads it each second
        yield server


def _kept(home: Path) -> KeptServer | None:
    """The recorded server, if it is alive and of this Prefect installation."""
    record = _read_record(home)
    if record is None or record.get("prefix") != sys.prefix or record.get("prefect") != version("prefect"):
        return None
    return _recorded(record)


def _recorded(record: dict | None) -> KeptServer | None:
    """The server ``record`` names, if it is alive."""
    pid, api_url = (record or {}).get("pid"), (record or {}).get("api_url")
    if not isinstance(pid, int) or not isinstance(api_url, str) or not _is_run_server(pid):
        return None
    return KeptServer(record)


def _is_run_server(pid: int) -> bool:
    """Whether process ``pid`` is alive and, where /proc tells, a run server
    (a recorded process that ended may have left its number to another)."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        return b"\0-m\0cli.run_server\0" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return not Path("/proc/self").exists()


def _start(home: Path, idle: float) -> PrefectServer:
    port = free_port()
    # -P: a cli/ folder where the command runs must not stand for newsflow's.
    server = PrefectServer([sys.executable, "-P", "-m", "cli.run_server", "--port", str(port), "--idle", str(idle)],
                           port, LOG, EPHEMERAL, outlives_parent=True)
    _write_record(home, {"pid": server.process.pid, "api_url": server.api_url, "prefix": sys.prefix,
                         "prefect": version("prefect"), "idle_seconds": idle})
    return server


def _write_record(home: Path, record: dict) -> None:
    written = home / f".{RECORD}.{os.getpid()}"
    written.write_text(json.dumps(record), encoding="utf-8")
    os.replace(written, home / RECORD)


def stop_kept_server(home: Path, waiting: Callable[[], None], timeout: float = 20) -> str | None:
    """Stop the server kept under ``home`` once no command uses it (calling
    ``waiting`` first if one does; a command starting meanwhile waits, then
    starts another); return its address, or None when none is kept."""
    if not home.is_dir():
        return None
    with open(home / LEASE, "a") as lease:
        # The server itself takes the lock for an instant every second, and
        # keeps it while it stops.
        deadline = time.monotonic() + 2
        while not _locked(lease, fcntl.LOCK_EX | fcntl.LOCK_NB):
            if time.monotonic() > deadline:
                waiting()
                fcntl.flock(lease, fcntl.LOCK_EX)
                break
            time.sleep(0.05)
        server = _recorded(_read_record(home))
        (home / RECORD).unlink(missing_ok=True)
        if server is None:
            return None
        os.kill(server.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _is_run_server(server.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _is_run_server(server.pid):
            os.kill(server.pid, signal.SIGKILL)
        return server.api_url


def _locked(file: TextIO, operation: int) -> bool:
    try:
        fcntl.flock(file, operation)
    except BlockingIOError:
        return False
    return True


def _read_record(home: Path) -> dict | None:
    try:
        record = json.loads((home / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def serve_until_unused(port: int, idle: float) -> None:
    """Serve Prefect's API on 127.0.0.1:``port`` until no command has held
    the lease for ``idle`` seconds (or the record names another server)."""
    import uvicorn

    # A bounded shutdown: a command that arrives meanwhile waits for it.
    server = uvicorn.Server(uvicorn.Config("prefect.server.api.server:create_app", factory=True, host="127.0.0.1",
                                           port=port, log_level="error", lifespan="on", timeout_graceful_shutdown=5))
    home = Path(os.environ.get("PREFECT_HOME", ".prefect"))
    with open(home / LEASE, "a") as lease:  # the lock taken to stop must last until the server is down
        threading.Thread(target=_stop_when_unused, args=(server, home, lease, idle), name="newsflow-idle-watch",
                         daemon=True).start()
        server.run()


def _stop_when_unused(server, home: Path, lease: TextIO, idle: float) -> None:
    """Set ``server.should_exit`` once no command has held the lease for
    the idle time the record gives (``idle`` until it gives one), or the
    record names another server; also if watching fails, since a server
    nobody watches would never stop."""
    unused_since = time.monotonic()
    try:
        while not server.should_exit:
            time.sleep(CHECK_SECONDS)
            if not _locked(lease, fcntl.LOCK_EX | fcntl.LOCK_NB):  # a command uses the server
                unused_since = time.monotonic()
                continue
            record = _read_record(home)
            ours = record is not None and record.get("pid") == os.getpid()
            if not ours or time.monotonic() - unused_since >= record.get("idle_seconds", idle):
                if ours:
                    (home / RECORD).unlink(missing_ok=True)
                return  # the lock stays taken until the server is down
            fcntl.flock(lease, fcntl.LOCK_UN)
    finally:
        server.should_exit = True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m cli.run_server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle", type=float, required=True, help="seconds unused before it stops")
    args = parser.parse_args(argv)
    serve_until_unused(args.port, args.idle)


if __name__ == "__main__":
    main()
