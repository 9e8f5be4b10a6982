"""Seconds spent per stage, for the run manifest's timings."""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def timed(timings: Counter, stage: str) -> Iterator[None]:
    """Add the seconds spent in the block to ``timings[stage]``."""
    began = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] += time.perf_counter() - began
