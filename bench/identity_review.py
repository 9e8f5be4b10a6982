"""How much of a published output's places resolve, and samples to judge
the geocoding and the surname joins by reading.

Reads the ``places`` and ``people`` tables of a ``newsflow run`` output (and
the raw texts, for context) and prints: the share of place mentions with
coordinates and the names most often left without; a random sample of
geocoded mentions, each with what it resolved to and its context; and the
surname-only mentions of articles that name two or more people of that
surname in full (the joins most likely to be wrong), with a random sample
of them, their candidates and context, to judge who each one is.

With ``--judged FILE`` (eval/identity/surname_mentions.jsonl), it scores
the output against single-word name mentions already judged by reading,
instead: for each set of them, how many are joined to the person judged
(by the entity's canonical name), how many to another person, and how many
are left apart under a name alone. The judged mentions are of PolNeAR train
and dev, so OUT_DIR must be a run on both. It then lists, for each of the
top 100 people, the other person entities whose name holds theirs
("Floridians Jeb Bush"): the missed merges, to judge by reading.

    .venv/bin/python bench/identity_review.py OUT_DIR RAW_DIR [--sample 50] [--seed 13]
    .venv/bin/python bench/identity_review.py OUT_DIR --judged eval/identity/surname_mentions.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

from newsflow.store import read_table


def context(raw_dir: Path, source_file: str, start: int, end: int, texts: dict[str, str]) -> str:
    if source_file not in texts:
        texts[source_file] = (raw_dir / source_file).read_text(encoding="utf-8")
    text = texts[source_file]
    return (text[max(0, start - 200) : start] + "[[" + text[start:end] + "]]" + text[end : end + 120]).replace("\n", " ")


def geocoding(places: list[dict], raw_dir: Path, sample: int, rng: random.Random, texts: dict) -> None:
    total = sum(p["n_mentions"] for p in places)
    placed = sum(p["n_mentions"] for p in places if p["latitude"] is not None)
    print(f"place mentions with coordinates: {placed:,} of {total:,} = {100 * placed / max(total, 1):.1f}%")
    unresolved = Counter()
    for p in places:
        if p["latitude"] is None:
            unresolved[p["name"]] += p["n_mentions"]
    print("most often without:", ", ".join(f"{name} ({n})" for name, n in unresolved.most_common(25)))
    mentions = [(p, m) for p in places if p["latitude"] is not None for m in p["mentions"]]
    print(f"\n{min(sample, len(mentions))} random geocoded mentions:")
    for i, (p, m) in enumerate(rng.sample(mentions, min(sample, len(mentions))), 1):
        where = f"{p['feature']}, {p['country_code'] or '-'} {p['admin1'] or ''}".strip()
        print(f"{i}. {m['text']!r} -> {p['name']} ({where}; {p['latitude']}, {p['longitude']}) in {p['source_file']}\n"
              f"   {context(raw_dir, p['source_file'], m['start'], m['end'], texts)}")


def surname_joins(people: list[dict], raw_dir: Path, sample: int, rng: random.Random, texts: dict) -> None:
    by_article = defaultdict(list)
    for person in people:
        by_article[person["source_file"]].append(person)
    cases = []
    for source_file, persons in sorted(by_article.items()):
        full_names = defaultdict(set)
        for person in persons:
            if len(person["name"].split()) > 1:
                full_names[person["name"].split()[-1]].add(person["name"])
        for person in persons:
            for m in person["mentions"]:
                if len(m["text"].split()) == 1 and len(full_names.get(m["text"], ())) > 1:
                    cases.append((source_file, m, person["name"], sorted(full_names[m["text"]])))
    print(f"\nsurname-only mentions where two or more full names share the surname: {len(cases):,}")
    for i, (source_file, m, joined, candidates) in enumerate(rng.sample(cases, min(sample, len(cases))), 1):
        print(f"{i}. [[{m['text']}]] joined to {joined!r}; candidates: {' | '.join(candidates)} in {source_file}\n"
              f"   {context(raw_dir, source_file, m['start'], m['end'], texts)}")


def judged_joins(people: list[dict], entities: list[dict], judged: list[dict]) -> None:
    """Score the people's mentions against ``judged``: records with a
    ``source_file``, a mention's ``start``, the ``person`` it names (null
    for nobody of the corpus, such as an unborn child) and the names the
    judge accepted ``also`` for that person ("Hilary Clinton", as one
    article misspells her). A mention is joined to the person judged when
    its row or its entity bears one of those names."""
    names = {e["entity_id"]: e["name"] for e in entities}
    holder = {(p["source_file"], m["start"]): (p["name"], names[p["entity_id"]]) for p in people for m in p["mentions"]}
    by_set = defaultdict(list)
    for record in judged:
        by_set[record["set"]].append(record)
    for set_name, records in by_set.items():
        outcomes, wrong = Counter(), []
        for r in records:
            row_name, got = holder.get((r["source_file"], r["start"]), (None, None))
            alone = got is None or len(got.split()) == 1
            outcome = ("right" if {row_name, got} & {r["person"], *r["also"]} - {None} or r["person"] is None and alone
                       else "left apart" if alone else "joined to another person")
            outcomes[outcome] += 1
            if outcome != "right":
                wrong.append(f"  [[{r['mention']}]] {outcome} ({got or 'no person'}; judged: {r['person']}) "
                             f"in {r['source_file']}: {r['why']}")
        print(f"{set_name}: {outcomes['right']} of {len(records)} right, {outcomes['joined to another person']} joined "
              f"to another person, {outcomes['left apart']} left apart")
        print("\n".join(wrong))


def split_names(entities: list[dict], top: int = 100) -> None:
    """List, for each of the ``top`` people by articles, the other person
    entities whose name holds the first and last word of theirs ("Floridians
    Jeb Bush", "Donald Trump 384"): the missed merges to judge by reading,
    among a few other people ("Donald Trump Jr.")."""
    people = sorted((e for e in entities if e["kind"] == "person"), key=lambda e: (-e["n_articles"], e["entity_id"]))
    print(f"\nother people holding the name of one of the top {top}:")
    for person in people[:top]:
        words = person["name"].split()
        if len(words) < 2:
            continue
        pattern = re.compile(rf"\b{re.escape(words[0])}\b.*\b{re.escape(words[-1])}\b")
        holders = [f"{e['name']} ({e['n_articles']})" for e in people if e is not person and pattern.search(e["name"])]
        if holders:
            print(f"  {person['name']} ({person['n_articles']}): {'; '.join(holders)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("raw_dir", type=Path, nargs="?")
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--judged", type=Path, help="score against these judged mentions instead of sampling")
    args = parser.parse_args()
    if args.judged:
        judged = [json.loads(line) for line in args.judged.read_text(encoding="utf-8").splitlines() if line.strip()]
        entities = read_table(args.out_dir, "entities").to_pylist()
        judged_joins(read_table(args.out_dir, "people").to_pylist(), entities, judged)
        split_names(entities)
        return
    if args.raw_dir is None:
        parser.error("RAW_DIR is needed to sample mentions with their context")
    texts: dict[str, str] = {}
    places = sorted(read_table(args.out_dir, "places").to_pylist(), key=lambda p: (p["source_file"], p["start"]))
    people = sorted(read_table(args.out_dir, "people").to_pylist(), key=lambda p: (p["source_file"], p["start"]))
    geocoding(places, args.raw_dir, args.sample, random.Random(args.seed), texts)
    surname_joins(people, args.raw_dir, args.sample, random.Random(args.seed), texts)


if __name__ == "__main__":
    main()
