"""Fixed-size batches of an iterable (``itertools.batched`` arrives in Python 3.12),
and batches that shrink toward the end, shared fairly among workers."""

from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator, Sequence, TypeVar

Item = TypeVar("Item")


def batched(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def shrinking_batches(items: Sequence[Item], weights: Sequence[int], workers: int, most: int,
                      least: int = 4, alone: int = 16) -> Iterator[list[Item]]:
    """Consecutive batches of ``items`` for ``workers`` that each take the
    next batch when done: each holds about 1/(2 x workers) of the weight
    (bytes) left, ``most`` items at most and ``least`` at least, so that the
    batches shrink toward the end and the workers finish close together
    (batches of 32 files had one worker run the last of 200 files alone for
    5 s). Up to ``alone`` items are one batch: a second worker would cost
    more than it saves."""
    if len(items) <= alone:
        if items:
            yield list(items)
        return
    left, start = sum(weights), 0
    while start < len(items):
        share, end = left / (2 * workers), start
        taken = 0
        while end < len(items) and end - start < most and (end - start < least or taken + weights[end] <= share):
            taken += weights[end]
            end += 1
        yield list(items[start:end])
        left -= taken
        start = end
