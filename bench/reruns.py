"""The rerun rows of the throughput benchmark, on an output already built.

A cold run of 10,000 articles takes about half an hour; the reruns that a
schedule makes every day take seconds. This times them on a raw folder and
the output a ``newsflow run`` of it published, as ``bench/throughput.py``
does after its cold run: nothing new (three times), then 10 new articles,
then 10 more with 10 changed and 10 deleted, each finding the Prefect
server kept up (``cli/run_server.py``), as a scheduled rerun does; it is
started first, by a run on an empty folder, and stopped at the end. It
changes the raw folder: run it on a copy.

    .venv/bin/python bench/reruns.py RAW OUT [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from throughput import BIN, add_change_delete, measure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("raw", type=Path)
    parser.add_argument("out")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()

    def rerun() -> dict:
        command = [str(BIN / "newsflow"), "run", str(args.raw), "--out", args.out, "--workers", str(args.workers),
                   "--json"]
        return measure(command)

    with tempfile.TemporaryDirectory(prefix="newsflow-reruns-") as scratch:
        (Path(scratch) / "empty").mkdir()
        subprocess.run([str(BIN / "newsflow"), "run", f"{scratch}/empty", "--out", f"{scratch}/out"], check=True,
                       capture_output=True)
    rows = [(f"rerun, nothing new ({k})", rerun()) for k in (1, 2, 3)]
    add_change_delete(args.raw, "rerun-a", added=10)
    rows.append(("rerun, +10", rerun()))
    add_change_delete(args.raw, "rerun-b", added=10, changed=10, deleted=10)
    rows.append(("rerun, +10 ~10 -10", rerun()))
    subprocess.run([str(BIN / "newsflow"), "stop-server"], capture_output=True)
    print(f"{'run':<26}{'wall s':>9}{'peak RSS MB':>13}{'parts written':>15}")
    for name, result in rows:
        summary = json.loads(result["stdout"]) if result["stdout"].lstrip().startswith("{") else {}
        parts = "" if "n_parts_written" not in summary else (
            f"{summary['n_parts_written']} of {summary['n_parts_written'] + summary['n_parts_reused']}")
        print(f"{name:<26}{result['wall_s']:>9.1f}{result['peak_rss_mb']:>13,.0f}{parts:>15}")
        if result["returncode"] not in (0, 3):
            print(f"  exited {result['returncode']}: {result['stderr'][-2000:]}")


if __name__ == "__main__":
    main()
