"""How files are cut into the batches workers take."""

from __future__ import annotations

from newsflow.batching import batched, shrinking_batches


def test_batches_shrink_toward_the_end_by_weight_and_keep_every_item_in_order():
    items = list(range(200))
    batches = list(shrinking_batches(items, [100] * 200, workers=2, most=64))
    assert [item for batch in batches for item in batch] == items
    sizes = [len(batch) for batch in batches]
    assert sizes[0] == 50  # a quarter of what is left, for two workers
    assert sizes == sorted(sizes, reverse=True)  # the last batches, which a worker may run alone, are the smallest
    assert sizes[-2] == 4  # but not below the least


def test_a_heavy_item_makes_its_batch_the_least_and_few_items_are_one_batch():
    assert [len(b) for b in shrinking_batches(list(range(40)), [10_000] + [10] * 39, 2, 64)][:2] == [4, 9]
    assert list(shrinking_batches(list(range(10)), [1] * 10, 2, 64)) == [list(range(10))]  # a second worker is not worth it
    assert list(shrinking_batches([], [], 2, 64)) == []


def test_batches_never_exceed_the_batch_size_asked_for():
    assert max(len(b) for b in shrinking_batches(list(range(10_080)), [1] * 10_080, 2, 64)) == 64


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
