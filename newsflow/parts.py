"""Parts that survive change: how the current articles are split into the
Parquet parts of the article tables, and the records that let a rerun reuse
what an earlier run wrote.

A part ends after an article whose id, read as a number, is a multiple of
the part size (or once it holds twice that many articles), so its
boundaries depend on the articles around them alone: a new, changed or
deleted article changes the part that holds it, and every other part keeps
its articles, its key and its bytes.

A key covers everything the files it names are made of: for a part, its
articles (the file and record each was read from, and the key of its kept
result) and the output fingerprint (the code, model and packages that
extract, validate and write). Each written piece of a version (a part, the
``entities`` table, the Data Docs) has a record under ``_parts/``: its key,
the SHA-256 of each of its files (and, on a local disk, the stamp that
spares reading it again), and what its writing reported (row counts,
rows kept aside). A rerun that finds a record with the same key in the
published version, and every file it names intact, links those files into the
new version instead of reading, validating and writing them again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Sequence, TypeVar

from newsflow.ids import record_id

PARTS_DIR = "_parts"
# A part holds at most this many times the part size, so that a worker's
# memory while it validates a part stays what it was with parts of a fixed
# size (a cut forced there moves with the articles before it, so about one
# part in seven may be rewritten with its neighbour).
_MAX_PARTS = 2

Article = TypeVar("Article")


def split_parts(articles: Sequence[Article], size: int) -> list[list[Article]]:
    """``articles`` (each with an ``article_id`` in hex) in order, cut after
    every article whose id is a multiple of ``size``: parts of ``size``
    articles on average."""
    parts: list[list[Article]] = [[]]
    for article in articles:
        parts[-1].append(article)
        if int(article.article_id, 16) % size == 0 or len(parts[-1]) >= _MAX_PARTS * size:
            parts.append([])
    return [part for part in parts if part]


def part_key(articles: Sequence, output_fingerprint: str) -> str:
    """The key of a part of ``articles`` (with ``source_file``,
    ``source_record`` and ``key``)."""
    return record_id(output_fingerprint, *(f"{a.source_file}\x1e{a.source_record}\x1e{a.key}" for a in articles))


def record_name(name: str) -> str:
    return f"{PARTS_DIR}/{name}.json"


def write_record(store, name: str, key: str, files: list[str], report: dict, articles: list[str] | None = None) -> None:
    """Record the piece ``name`` of this version: its key, its ``files``
    (relative to the version) with their digests and stamps, ``report``,
    and for a part the keys of its articles' rows (their verdicts' keys)."""
    files = sorted(files)
    digests = {relative: hashlib.sha256(store.read_bytes(relative)).hexdigest() for relative in files}
    record = {"key": key, "files": digests, "stamps": store.stamps(files), "report": report}
    if articles is not None:
        record["articles"] = articles
    _save_record(store, name, record)


def published_articles(store) -> dict[str, str]:
    """The part of the published version that holds each article, by the
    key of its rows (its verdict's key): where a rewritten part can take
    the rows of the articles it keeps."""
    holders = {}
    for relative in store.list_published(PARTS_DIR, ".json"):
        name = relative.rsplit("/", 1)[-1][: -len(".json")]
        if not name.startswith("part-"):
            continue
        try:
            holders.update(dict.fromkeys(json.loads(store.read_published(relative)).get("articles", []), name))
        except (OSError, ValueError, TypeError, AttributeError):
            continue  # its articles are read from the cache
    return holders


def _save_record(store, name: str, record: dict) -> None:
    store.write_text(record_name(name), json.dumps(record, sort_keys=True, default=str))


def damaged(record: dict, published) -> list[str]:
    """The files of a record of the ``published`` version (a
    ``PublishedOutput``) whose bytes are missing or not the ones written.
    A file whose stamp (size, modification time, inode) is the one it had
    when written is not read: as the file index does with raw files, a file
    rewritten in place with the same size within the same nanosecond is not
    noticed. A rerun checks every published file; reading them all took as
    long as the rest of a rerun with nothing new."""
    stamps = record.get("stamps") or {}
    found = []
    for relative, digest in record["files"].items():
        if (kept := stamps.get(relative)) is not None and kept == published.published_stamp(relative):
            continue
        try:
            if hashlib.sha256(published.read_published(relative)).hexdigest() != digest:
                found.append(relative)
        except OSError:
            found.append(relative)
    return found


def reuse(store, name: str, key: str) -> dict | None:
    """If the published version holds the piece ``name`` with this ``key``
    and its files intact, link them and its record into this version and
    return its report; else None (write it)."""
    try:
        record = json.loads(store.read_published(record_name(name)))
        if record.get("key") != key:
            return None
        files = record["files"]
        if damaged(record, store):
            return None  # damaged since: written again
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    for relative in files:
        store.link_published(relative)
    # Files copied rather than linked (an output copied elsewhere, a disk
    # without hard links) have stamps of their own: recorded, they spare
    # the next run reading them.
    stamps = store.stamps(sorted(files))
    if stamps == record.get("stamps", {}):
        store.link_published(record_name(name))
    else:
        _save_record(store, name, {**record, "stamps": stamps})
    return record["report"]
