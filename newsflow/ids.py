"""Content-derived identifiers: the same input always yields the same ids."""

from __future__ import annotations

import hashlib

RUN_ID_FORMAT = "%Y%m%dT%H%M%S%fZ"  # a run's id is the UTC time it started


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def article_id_for(sha256: str) -> str:
    return sha256[:16]


def record_id(*parts: object) -> str:
    """A short stable id for a record, from the values that define it."""
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]
