"""How files are cut into the batches workers take."""

from __future__ import annotations

from newsflow.batching import batched, fair_size


def test_few_files_are_shared_among_the_workers_but_not_too_few_and_many_keep_the_batch_size():
    assert fair_size(200, 64, 2) == 32  # about four batches a worker, not 64, 64, 64 and 8
    assert fair_size(400, 64, 2) == 50
    assert fair_size(10, 64, 2) == 32  # ten new files: one batch, one worker's model
    assert fair_size(10_080, 64, 2) == 64
    assert fair_size(200, 16, 2) == 16  # never above the batch size asked for


def test_batches_keep_the_order_and_every_item():
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
