"""What a scheduled run costs under ``newsflow serve``, its server and runner
already up: serves RAW_DIR every ``--interval`` seconds into a new output
folder until ``--runs`` flow runs have ended, then stops serve and prints,
per run, Prefect's own timings read back from its API:

- from due to end: from the time the run was scheduled for to its end, the
  delay a user of the schedule sees. Prefect's runner takes a run up to ten
  seconds before it is due and starts its process then, so the process's
  start (Python, Prefect, the flow's code) is hidden while it takes less;
- from Pending to Running: the runner took the run, then its process
  started and the run began (waiting for its time if it was early);
- from Running to its end: the flow alone, as Prefect's UI shows it;

and the run's final state and message. The first run publishes; the later
ones find the output up to date, unless the raw folder changed meanwhile.

    .venv/bin/python bench/serve_runs.py [RAW_DIR] [--runs 4] [--interval 15]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from cli.server import free_port
from flows.lifetime import stop

BIN = Path(sys.executable).parent


def api(url: str, body: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"},
                                     method="POST" if data else "GET")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def ended_runs(api_url: str) -> list[dict]:
    runs = api(f"{api_url}/flow_runs/filter", {"sort": "EXPECTED_START_TIME_ASC", "limit": 100})
    return [run for run in runs if run["state"] and run["state"]["type"] in ("COMPLETED", "FAILED", "CANCELLED", "CRASHED")]


def seconds_between(states: list[dict], first: str, last: str) -> float | None:
    times: dict[str, datetime] = {}
    for state in sorted(states, key=lambda state: state["timestamp"]):  # the first of each type
        times.setdefault(state["type"], datetime.fromisoformat(state["timestamp"]))
    if first not in times or last not in times:
        return None
    return (times[last] - times[first]).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw_dir", nargs="?", default="data/raw", type=Path)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--interval", type=float, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsflow-serve-bench-") as scratch:
        port = free_port()
        api_url = f"http://127.0.0.1:{port}/api"
        env = {**os.environ, "PREFECT_HOME": str(Path(scratch) / "prefect")}
        env.pop("PREFECT_API_URL", None)
        serving = subprocess.Popen(
            [str(BIN / "newsflow"), "serve", str(args.raw_dir.resolve()), "--out", str(Path(scratch) / "out"),
             "--interval", str(args.interval), "--port", str(port)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            for line in serving.stdout:
                if "being served" in line:
                    break
            else:
                sys.exit("newsflow serve ended before serving")
            while len(runs := ended_runs(api_url)) < args.runs:
                if serving.poll() is not None:
                    sys.exit("newsflow serve ended")
                time.sleep(1)
            # While serve's server is up: it goes with serve.
            states = {run["id"]: api(f"{api_url}/flow_run_states/?flow_run_id={run['id']}") for run in runs}
        finally:
            stop(serving, timeout=30)
        print(f"{args.raw_dir}: {len(runs)} runs of newsflow serve --interval {args.interval:g}\n")
        print(f"{'run':<5}{'due to end s':>14}{'pending to running s':>22}{'running to end s':>18}  state: message")
        for number, run in enumerate(runs[: args.runs], 1):
            end = run["state"]["type"]
            due = (datetime.fromisoformat(run["end_time"]) - datetime.fromisoformat(run["expected_start_time"]))
            starting = seconds_between(states[run["id"]], "PENDING", "RUNNING")
            running = seconds_between(states[run["id"]], "RUNNING", end)
            print(f"{number:<5}{due.total_seconds():>14.2f}{starting or float('nan'):>22.2f}"
                  f"{running or float('nan'):>18.2f}  {run['state']['name']}: {(run['state']['message'] or '')[:80]}")


if __name__ == "__main__":
    main()
