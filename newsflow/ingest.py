"""Find raw files, read their bytes and decode them into text, or say why not.

Decoding order: a byte-order mark wins; then strict UTF-8 (almost all modern
news text); then charset-normalizer's detection for legacy code pages and
UTF-16 without a BOM. A file that is neither is rejected with a reason rather
than decoded into garbage.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from charset_normalizer import from_bytes

from newsflow.config import Settings
from newsflow.ids import article_id_for, sha256_hex

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Single-byte Latin code pages that detectors confuse with one another on
# English text; windows-1252 is what the web means by all of them (WHATWG).
_LATIN_FAMILY = {"cp1250", "cp1252", "latin_1", "iso8859_15", "iso8859_2", "iso8859_9", "cp1254", "cp1257", "mac_roman"}
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]{1,3}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_CHAOS = 0.1
_MAX_CONTROL_RATIO = 0.01


@dataclass(frozen=True)
class RawArticle:
    """A decoded input file. ``text`` is the coordinate space of every offset."""

    source_file: str
    article_id: str
    sha256: str
    n_bytes: int
    encoding: str
    text: str


@dataclass(frozen=True)
class Rejection:
    """An input file that cannot be processed, and why."""

    source_file: str
    reason: str
    detail: str
    article_id: str | None = None


class DecodeError(ValueError):
    reason = "undecodable"


class BinaryContent(DecodeError):
    reason = "binary"


def list_raw_files(raw_dir: Path) -> list[Path]:
    """Every regular file under ``raw_dir``, recursively, in a stable order.

    Hidden files (``.gitkeep``, ``.DS_Store``) are not articles.
    """
    raw_dir = Path(raw_dir)
    files = [
        p
        for p in raw_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)
    ]
    return sorted(files, key=lambda p: p.relative_to(raw_dir).as_posix())


def decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise :class:`DecodeError` with the reason."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {encoding} after its byte-order mark at byte {exc.start}") from exc
    if b"\x00" in data:
        # NUL bytes without a BOM: UTF-16 text is still possible, but only the
        # detector can tell it from a binary file.
        match = from_bytes(data).best()
        if match is not None and match.encoding.startswith(("utf_16", "utf_32")) and match.chaos <= _MAX_CHAOS:
            return str(match), match.encoding
        raise BinaryContent("NUL bytes: this is a binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if len(_UTF8_MULTIBYTE.findall(data)) >= 3:
        # Valid UTF-8 sequences around an invalid byte mean a corrupted UTF-8
        # file; guessing a code page would turn its every accent into mojibake.
        raise DecodeError(f"invalid UTF-8 byte 0x{data[utf8_error.start]:02x} at byte {utf8_error.start}")
    match = from_bytes(data).best()
    if match is None or match.chaos > _MAX_CHAOS:
        raise DecodeError("no text encoding fits these bytes (binary or corrupted)")
    encoding = match.encoding
    if encoding in _LATIN_FAMILY:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return str(match), encoding


def _longest_line(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def read_article(path: Path, raw_dir: Path, settings: Settings) -> RawArticle | Rejection:
    """Read and decode one file; every failure becomes a :class:`Rejection`."""
    source_file = Path(path).relative_to(raw_dir).as_posix()
    try:
        size = path.stat().st_size
        if size > settings.max_bytes:
            return Rejection(source_file, "too_large", f"{size:,} bytes is over the {settings.max_bytes:,}-byte limit")
        data = path.read_bytes()
    except FileNotFoundError:
        return Rejection(source_file, "vanished", "the file disappeared before it could be read")
    except OSError as exc:
        return Rejection(source_file, "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")

    sha256 = sha256_hex(data)
    article_id = article_id_for(sha256)
    if not data.strip():
        return Rejection(source_file, "empty", "the file holds no text" if data else "the file is empty", article_id)
    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        return Rejection(source_file, exc.reason, str(exc), article_id)
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_RATIO * len(text):
        return Rejection(source_file, "binary", "too many control characters for text", article_id)
    if not text.strip():
        return Rejection(source_file, "empty", "the file holds only whitespace", article_id)
    longest = _longest_line(text)
    if longest > settings.max_line_chars:
        return Rejection(
            source_file,
            "line_too_long",
            f"a single line of {longest:,} characters is over the {settings.max_line_chars:,} limit (not prose)",
            article_id,
        )
    return RawArticle(source_file, article_id, sha256, len(data), encoding, text)


class Located(Protocol):
    article_id: str
    source_file: str


Item = TypeVar("Item", bound=Located)


def first_copies(items: list[Item], seen: dict[str, str]) -> tuple[list[Item], list[Rejection]]:
    """Keep the first file of each content; a byte-identical copy of a file in
    ``seen`` (article id -> file, updated) becomes a ``duplicate`` rejection."""
    kept, duplicates = [], []
    for item in items:
        first = seen.setdefault(item.article_id, item.source_file)
        if first == item.source_file:
            kept.append(item)
        else:
            duplicates.append(Rejection(item.source_file, "duplicate", f"same bytes as {first}", item.article_id))
    return kept, duplicates
