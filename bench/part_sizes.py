"""How much of an output a rerun rewrites, for each part size.

A rerun writes again every part that holds a new, changed or deleted
article (``newsflow/parts.py``: a part ends after an article whose id is a
multiple of the part size). This takes the articles of a published output,
in order, makes the change ``bench/throughput.py`` makes (new articles
first, changed and deleted ones spread over the corpus, with new ids drawn
from a fixed seed), and prints per part size the parts and the articles
that would be written again. Nothing is run or written.

    .venv/bin/python bench/part_sizes.py OUT [--added 10 --changed 10 --deleted 10] [--sizes 500 250 100 50]
"""

from __future__ import annotations

import argparse
import random
from typing import NamedTuple

from newsflow.parts import split_parts
from newsflow.store import read_table


class Article(NamedTuple):
    article_id: str


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--added", type=int, default=10)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--deleted", type=int, default=10)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 250, 100, 50])
    args = parser.parse_args()

    ids = read_table(args.out, "articles", columns=["article_id"])["article_id"].to_pylist()
    draw = random.Random(0)

    def new_id() -> Article:
        return Article(f"{draw.getrandbits(64):016x}")

    step = max(len(ids) // max(args.changed + args.deleted, 1), 1)
    spread = list(range(step // 2, len(ids), step))
    changed, deleted = set(spread[: args.changed]), set(spread[args.changed : args.changed + args.deleted])
    before = [Article(article_id) for article_id in ids]
    after = [new_id() for _ in range(args.added)]
    after += [new_id() if i in changed else article for i, article in enumerate(before) if i not in deleted]

    print(f"{len(ids):,} articles; +{args.added} ~{args.changed} -{args.deleted}")
    print(f"{'part size':>9}  {'parts':>6}  {'written again':>13}  {'articles in them':>16}")
    for size in args.sizes:
        old = {tuple(part) for part in split_parts(before, size)}
        parts = split_parts(after, size)
        again = [part for part in parts if tuple(part) not in old]
        rewritten = sum(map(len, again))
        print(f"{size:>9}  {len(parts):>6}  {len(again):>13}  {rewritten:>9,} ({rewritten / len(after):.0%})")


if __name__ == "__main__":
    main()
