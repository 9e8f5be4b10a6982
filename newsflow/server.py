"""A local Prefect server for scheduled runs.

Prefect's temporary server (what ``newsflow run`` uses) refuses schedules, so
``newsflow serve`` starts a real one (``prefect server start``, SQLite under
``PREFECT_HOME``, UI on 127.0.0.1) unless ``PREFECT_API_URL`` already points
at a server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def local_prefect_server(port: int, startup_timeout: float = 120):
    """Start ``prefect server start`` on 127.0.0.1:``port``; yield its API URL."""
    prefect = Path(sys.executable).with_name("prefect")
    log_path = Path(os.environ.get("PREFECT_HOME", ".prefect")) / "server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        server = subprocess.Popen(
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the Prefect server stopped at start; see {log_path}")
            try:
                with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Prefect server did not answer within {startup_timeout:.0f} s; see {log_path}")
            time.sleep(0.5)
        yield api_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
