"""Progress on long runs: a bar on a terminal, a log line per batch elsewhere."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator


@contextmanager
def progress(total: int, description: str, log: Callable[[str], None]) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; shows a rich bar when stderr is a terminal."""
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
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        log(f"{description}: {done}/{total}")

    yield advance
