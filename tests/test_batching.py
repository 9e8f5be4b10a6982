"""How files are cut into the batches workers take."""

from __future__ import annotations

from newsflow.batching import batched, fair_size


def test_few_files_are_shared_among_the_workers_and_many_keep_the_batch_size():
    assert fair_size(200, 64, 2) == 25  # four batches a worker, not 64, 64, 64 and 8
    assert fair_size(10, 64, 2) == 2  # ten new files: both workers take some
    assert fair_size(1, 64, 2) == 1
    assert fair_size(0, 64, 2) == 1
    assert fair_size(10_080, 64, 2) == 64


def test_batches_keep_the_order_and_every_item():
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
