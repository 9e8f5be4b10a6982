"""Fixed-size batches of an iterable (``itertools.batched`` arrives in Python 3.12)."""

from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator, TypeVar

Item = TypeVar("Item")


def batched(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
