"""Whether a run would change an output folder, told in a second without
running one (and without Prefect, spaCy or Great Expectations).

A run publishes exactly what is published already when the raw folder holds
the same files, unchanged since they were read (the file index), every
article of them has its kept result, the code, model, packages, settings
and sidecar that shape the output are the ones of the published run (its
state key, kept in the index), and the published output is whole: the run
the index names is the one readers see, and every file its records list
has the digest recorded when it was written (or, unread, the same size,
modification time and inode).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsflow.cache import ArticleCache
from newsflow.config import Settings
from newsflow.file_index import FileIndex
from newsflow.fingerprint import extraction_fingerprint, output_fingerprint
from newsflow.ids import record_id
from newsflow.ingest import Rejection, list_raw_files, source_file_of
from newsflow.parts import PARTS_DIR, damaged
from newsflow.store import PublishedOutput, output_filesystem


def index_context(fingerprint: str, settings: Settings) -> str:
    """What the file index's entries depend on besides the files: the
    extraction code and the reading limits."""
    return record_id(fingerprint, settings.max_bytes, settings.max_line_chars)


def state_key(output: str, settings: Settings, sidecar_sha256: str | None, refused: list[Rejection]) -> str:
    """Everything besides the files' own entries that shapes the published
    tables: the output fingerprint, the settings that change rows or parts,
    the sidecar, and the entries of the raw folder that are not read."""
    shaping = (settings.model, settings.part_size, settings.max_bytes, settings.max_line_chars)
    return record_id(output, *shaping, sidecar_sha256, *(f"{r.source_file}\x1e{r.reason}" for r in refused))


@dataclass
class Status:
    published_run: str | None  # the run readers see
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # or not read since: a failed extraction to retry
    gone: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # what else a run would change
    extracts_all: bool = False  # a run would extract every article again (or for the first time)

    @property
    def up_to_date(self) -> bool:
        return not (self.new or self.changed or self.gone or self.reasons)

    @property
    def extracts(self) -> bool:
        """Whether a run would extract any article."""
        return bool(self.new or self.changed) or self.extracts_all


def output_status(raw_dir: str | Path, out: str | Path, settings: Settings, metadata: str | Path | None) -> Status:
    """What a run of ``raw_dir`` into ``out`` with ``settings`` (and the
    sidecar ``metadata``) would change."""
    fs, root = output_filesystem(out)
    published = _published_run(fs, root)
    status = Status(published)
    files, refused = list_raw_files(Path(raw_dir))
    if published is None:
        status.reasons.append("no run has published here yet")
        status.extracts_all = bool(files)
        return status
    fingerprint = extraction_fingerprint(settings.model)
    cache = ArticleCache(out, fingerprint)
    index = FileIndex(cache.fs, cache.root, index_context(fingerprint, settings))
    sidecar = None
    if metadata:
        from newsflow.sidecar import read_sidecar  # pandas, only for a sidecar

        sidecar = read_sidecar(metadata)
    state = state_key(output_fingerprint(fingerprint), settings, sidecar.sha256 if sidecar else None, refused)
    if index.published is None:
        status.reasons.append("the extraction code, model, packages or reading limits changed (or no file index "
                              "was kept): every article would be extracted again")
        status.extracts_all = bool(files)
        return status
    if index.published != {"run_id": published, "state": state}:
        status.reasons.append("the code, settings or sidecar changed, or another run published there")
    to_read = index.to_read(files, str(raw_dir), sidecar, cache.keys())
    recorded = index.recorded_files()
    folder = Path(raw_dir)
    for path in to_read:
        name = source_file_of(path, folder)
        (status.changed if name in recorded else status.new).append(name)
    status.gone = sorted(recorded - index.seen_files())
    damaged = _damaged_files(out)
    if damaged:
        status.reasons.append(f"{len(damaged)} published files are damaged or missing ({', '.join(damaged[:3])})")
    return status


def _published_run(fs, root: str) -> str | None:
    try:
        return json.loads(fs.cat_file(f"{root}/manifest.json"))["run_id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _damaged_files(out: str | Path) -> list[str]:
    """The files the published version's records list whose bytes are not
    the ones written, and its one-file tables when missing."""
    published = PublishedOutput(out)
    found = [relative for relative in (f"{name}/part-00000.parquet" for name in ("quarantine", "runs"))
             if not published.has_published(relative)]
    for relative in published.list_published(PARTS_DIR, ".json"):
        try:
            found += damaged(json.loads(published.read_published(relative)), published)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            found.append(relative)
    return found


def checked_status(raw_dir: str | Path, out: str | Path, settings: Settings, metadata: str | Path | None,
                   warn: Callable[[str], None]) -> Status | None:
    """``output_status``, or None when it cannot tell. A shortcut only:
    whatever it cannot tell, the run finds out. A folder or sidecar that
    cannot be read the run reports itself; anything else is passed to
    ``warn``, since a check that always fails makes every run publish again
    (CPython 3.11.7's parser once did it to served runs)."""
    try:
        return output_status(raw_dir, out, settings, metadata)
    except (OSError, ValueError):
        return None
    except Exception as error:  # noqa: BLE001
        warn(f"could not tell whether {out} is up to date ({type(error).__name__}: {error}); running anyway")
        return None


def published_if_up_to_date(raw_dir: str | Path, out: str | Path, settings: Settings,
                            metadata: str | Path | None, warn: Callable[[str], None]) -> str | None:
    """The published run, when a run would publish exactly what it did
    (``checked_status``)."""
    found = checked_status(raw_dir, out, settings, metadata, warn)
    return found.published_run if found and found.up_to_date else None


def up_to_date_message(raw_dir: str | Path, out: str | Path, published: str) -> str:
    return (f"Up to date: {out} holds run {published} of the files under {raw_dir}, with this code and these "
            "settings; nothing to do")

