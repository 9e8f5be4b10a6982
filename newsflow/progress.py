"""Progress on long runs: a bar on a terminal; elsewhere (a pipe, cron) a
log line per batch and a line on stderr every few seconds."""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator


@contextmanager
def progress(total: int, description: str, log: Callable[[str], None],
             interval: float = 15.0) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; shows a rich bar when stderr is a terminal,
    and progress lines when it is not."""
    if sys.stderr.isatty():
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, transient=True) as bar:
            task = bar.add_task(description, total=total)
            yield lambda n: bar.advance(task, n)
        return
    yield from _lines(total, description, log, interval)


def _lines(total: int, description: str, log: Callable[[str], None], interval: float) -> Iterator[Callable[[int], None]]:
    """Progress as lines, for a log or a pipe: each advance is logged, and
    stderr gets a line every ``interval`` seconds while work goes on (a cron
    job's log shows the run is alive between batches) and one at the end."""
    started = time.monotonic()
    done = 0
    stopped = threading.Event()

    def report() -> None:
        print(f"{description}: {done:,}/{total:,} ({time.monotonic() - started:,.0f} s)", file=sys.stderr, flush=True)

    def heartbeat() -> None:
        while not stopped.wait(interval):
            report()

    def advance(n: int) -> None:
        nonlocal done
        done += n
        log(f"{description}: {done}/{total}")

    thread = threading.Thread(target=heartbeat, name="progress", daemon=True)
    thread.start()
    try:
        yield advance
    finally:
        stopped.set()
        thread.join()
    report()  # not when the stage failed or was interrupted: its error is the last word
