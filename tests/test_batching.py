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


def test_parts_are_written_in_one_group_if_it_is_enough_else_in_neighbouring_groups_as_many_for_each_worker():
    from flows.pipeline import _neighbours
    from newsflow.validate import VALIDATION_GROUP
    from tasks.store import PartPlan

    def plans(sizes: list[int]) -> list[PartPlan]:
        return [PartPlan(f"{k:05d}", [None] * size, {}) for k, size in enumerate(sizes)]

    def cut(sizes: list[int], workers: int) -> list[list[int]]:
        groups = _neighbours(plans(sizes), workers)
        assert [plan for group in groups for plan in group] == plans(sizes)  # every part once, in order
        return [[len(plan.articles) for plan in group] for group in groups]

    assert cut([100] * 8, 2) == [[100] * 8]  # a small corpus: one group, validated where Great Expectations runs
    assert cut([100] * 12, 2) == [[100] * 6, [100] * 6]  # more than a group: a group each
    assert cut([30, 200, 10, 60, 100, 40], 1) == [[30, 200, 10, 60, 100, 40]]
    # 47,100 articles on 2 workers: 24 groups each, none far above the validation group.
    sizes = [2, 24, 39, 49, 56, 68, 110, 149, 185, 200] * 50 + [100] * 30
    groups = cut(sizes, 2)
    assert len(groups) == 2 * -(-sum(sizes) // (2 * VALIDATION_GROUP))
    assert all(sum(group) <= VALIDATION_GROUP + max(sizes) / 2 for group in groups)
    assert cut([], 2) == []
