"""Rules as data: the word lists and patterns newsflow's extractors use.

Each file in this folder is plain text a linguist can edit: ``.txt`` is one
entry per line, ``.tsv`` a table whose first non-comment line names the
columns, ``.json`` a nested structure (the date rules). Lines starting with
``#`` explain the file and are skipped. Files are read once per process;
the extractors take their contents as their components' default config
(``newsflow.components``), so ``nlp.config`` shows every rule in force, and
the extraction fingerprint hashes these files, so editing one re-extracts.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

FOLDER = Path(__file__).parent


class LexiconError(ValueError):
    """A lexicon file that does not have the shape its loader expects."""


def _lines(name: str) -> list[str]:
    text = FOLDER.joinpath(name).read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=None)
def entries(name: str) -> tuple[str, ...]:
    """The entries of a one-per-line ``.txt`` file, in file order."""
    return tuple(line.strip() for line in _lines(name))


@lru_cache(maxsize=None)
def table(name: str) -> tuple[dict[str, str], ...]:
    """The rows of a ``.tsv`` file as dicts by column name; a missing
    trailing cell is an empty string."""
    header, *rows = (line.split("\t") for line in _lines(name))
    found = []
    for number, cells in enumerate(rows, start=2):
        if len(cells) > len(header):
            raise LexiconError(f"{name}: row {number} has {len(cells)} cells for {len(header)} columns: {cells}")
        found.append(dict(zip(header, [c.strip() for c in cells] + [""] * (len(header) - len(cells)))))
    return tuple(found)


@lru_cache(maxsize=None)
def structure(name: str) -> dict:
    """The content of a ``.json`` file."""
    return json.loads(FOLDER.joinpath(name).read_text(encoding="utf-8"))


def names() -> list[str]:
    """Every lexicon file, by name."""
    return sorted(p.name for p in FOLDER.iterdir() if p.suffix in (".txt", ".tsv", ".json"))
