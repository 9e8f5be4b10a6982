"""Fixed-size batches of an iterable (``itertools.batched`` arrives in Python 3.12),
and the size that shares a few items fairly among workers."""

from __future__ import annotations

import math
from itertools import islice
from typing import Iterable, Iterator, TypeVar

Item = TypeVar("Item")


def batched(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def fair_size(n_items: int, most: int, workers: int, rounds: int = 4, least: int = 32) -> int:
    """A batch size of at most ``most`` that gives each of ``workers`` about
    ``rounds`` batches when there are few items, so that the workers finish
    close together (200 files in batches of 64 on 2 workers left one worker
    idle while the other ran its second full batch), but of ``least`` items
    at least: a worker's start (its model) costs what about 30 articles
    take, so ten new files are not worth a second one."""
    return max(1, min(most, max(least, math.ceil(n_items / (workers * rounds)))))
