"""The articles in one raw file, by its type: a text file or a web page is
one article; a JSONL dump or a WARC archive holds many, one per record.

A container is streamed, never read whole: records are numbered from 1 (the
line in JSONL, the record in WARC) and a bad one is rejected with its number
while the others go on. A record's text is the coordinate space of its rows'
offsets: the JSON field's value, or the HTTP body of the WARC record.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsflow.config import Settings
from newsflow.ids import article_id_for, sha256_hex
from newsflow.ingest import (
    RawArticle,
    Rejection,
    article_from_bytes,
    checked,
    open_input,
    read_bytes,
)
from newsflow.metadata import Metadata, read_fields
from newsflow.sidecar import Sidecar

PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
TEXT_FIELDS = ("text", "maintext", "content", "body")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# A whole document, not text with a stray tag: cleaning already removes tags,
# but only a page has navigation and footers to leave out.
_HTML_DOCUMENT = re.compile(r"\A\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html\b|<head\b|<body\b)", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_CHUNK = 1 << 20


@dataclass
class FileRead:
    """What was found of one raw file while its records were read: a row for
    the run's list of inputs, and warnings."""

    source_file: str
    sha256: str | None = None
    n_bytes: int | None = None
    n_records: int = 0
    n_skipped: int = 0  # records that are not articles (WARC requests, metadata, images)
    notes: list[str] = field(default_factory=list)  # kept, with a warning

    @property
    def input(self) -> dict:
        names = ("source_file", "sha256", "n_bytes", "n_records", "n_skipped")
        return {name: getattr(self, name) for name in names}


def kind_of(path: Path) -> str:
    name = path.name.lower()
    for kind, suffixes in (("jsonl", JSONL_SUFFIXES), ("warc", WARC_SUFFIXES), ("html", PAGE_SUFFIXES)):
        if name.endswith(suffixes):
            return kind
    return "text"


def read_records(
    path: Path, raw_dir: Path, settings: Settings, sidecar: Sidecar | None, found: FileRead
) -> Iterator[RawArticle | Rejection]:
    """The articles of the file at ``path`` and the rejections of what cannot
    be read, one at a time as the file is read; ``found`` gets the file's
    hash, size, counts and warnings. Nothing raises."""
    kind = kind_of(path)
    given = sidecar.lookup if sidecar else lambda file, record: Metadata()
    if kind in ("text", "html"):
        data = read_bytes(path, raw_dir, settings.max_bytes)
        if isinstance(data, Rejection):
            yield data
            return
        found.sha256, found.n_bytes, found.n_records = sha256_hex(data), len(data), 1
        declared = declared_charset(data) if kind == "html" else None
        yield article_from_bytes(data, found.source_file, settings, form=kind, metadata=given(found.source_file, None),
                                 declared=declared)
        return
    handle = open_input(path, raw_dir)
    if isinstance(handle, Rejection):
        yield handle
        return
    with handle:
        hashing = _Hashing(handle)
        stream = io.BufferedReader(hashing, _CHUNK)
        reader = _jsonl_articles if kind == "jsonl" else _warc_articles
        try:
            yield from reader(stream, found, settings, given)
        except (OSError, EOFError, zlib.error, ArchiveLoadFailed, ValueError) as exc:
            # A truncated or corrupted archive: what came before stays.
            what = "line" if kind == "jsonl" else "record"
            detail = f"the file breaks off at {what} {found.n_records + 1}: {exc}"
            yield Rejection(found.source_file, "truncated", detail)
        try:
            while hashing.read(_CHUNK):  # the hash is of the whole file
                pass
        except OSError as exc:
            yield Rejection(found.source_file, "unreadable", f"{type(exc).__name__}: {exc}")
        found.sha256, found.n_bytes = hashing.hash.hexdigest(), hashing.n_bytes


class Truncated(ValueError):
    """A WARC archive that ends inside a record."""


class _Hashing(io.RawIOBase):
    """A raw stream that hashes and counts the bytes read through it."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.hash = hashlib.sha256()
        self.n_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        if n:
            self.hash.update(memoryview(buffer)[:n])
            self.n_bytes += n
        return n


def _jsonl_articles(stream: BinaryIO, found: FileRead, settings: Settings, given) -> Iterator[RawArticle | Rejection]:
    lines = gzip.GzipFile(fileobj=stream) if found.source_file.lower().endswith(".gz") else stream
    for number, line in _lines(lines, settings.max_bytes):
        found.n_records = number
        if line is None:
            detail = f"line {number} is over the {settings.max_bytes:,}-byte limit"
            yield Rejection(found.source_file, "too_large", detail, None, number)
            continue
        if line.strip():
            yield _jsonl_article(line, number, found, settings, given)


def _lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """``(number, line)`` without its line break; None for a line over
    ``limit`` bytes, which is skipped without holding it in memory."""
    number = 0
    while line := stream.readline(limit + 2):  # the limit, and a "\r\n" after it
        number += 1
        longer = False
        if not line.endswith(b"\n"):  # cut at the limit, or the last line of the file
            while rest := stream.readline(_CHUNK):
                longer = True
                if rest.endswith(b"\n"):
                    break
        text = line.rstrip(b"\r\n")
        yield number, None if longer or len(text) > limit else text


def _jsonl_article(line: bytes, number: int, found: FileRead, settings: Settings, given) -> RawArticle | Rejection:
    article_id = article_id_for(sha256_hex(line))

    def rejection(reason: str, detail: str) -> Rejection:
        return Rejection(found.source_file, reason, f"line {number}: {detail}", article_id, number)

    try:
        record = json.loads(line)
    except UnicodeDecodeError as exc:
        return rejection("undecodable", f"invalid UTF-8 at byte {exc.start}")
    except ValueError as exc:
        return rejection("not_json", f"not JSON ({exc})")
    except RecursionError:
        return rejection("not_json", "JSON nested too deeply to read")
    if not isinstance(record, dict):
        return rejection("not_json", f"a JSON {type(record).__name__}, not an object")
    text = next((record[name] for name in TEXT_FIELDS if isinstance(record.get(name), str) and record[name].strip()),
                None)
    if text is None:
        return rejection("no_text", f"no text in any of the fields {', '.join(TEXT_FIELDS)}")
    metadata, bad_date = read_fields(record, "jsonl")
    if bad_date:
        found.notes.append(f"{found.source_file} line {number}: {bad_date}; the article is kept without it")
    form = "html" if _HTML_DOCUMENT.match(text) else "text"
    article = RawArticle(found.source_file, article_id, sha256_hex(line), len(line), "utf-8", text, number, form,
                         given(found.source_file, number).over(metadata))
    return checked(article, settings)


def _warc_articles(stream: BinaryIO, found: FileRead, settings: Settings, given) -> Iterator[RawArticle | Rejection]:
    # warcio finds the compression itself, record by record.
    records = _Archive(stream)
    number = 0
    for number, record in enumerate(records, start=1):
        if record.rec_type is None:
            raise Truncated("a record without its WARC headers")
        headers = record.http_headers
        content_type = (headers.get_header("Content-Type") or "") if headers else ""
        if (
            record.rec_type != "response"
            or headers is None
            or not content_type.lower().startswith(_HTML_TYPES)
            or headers.get_statuscode() != "200"
        ):
            found.n_skipped += 1
            found.n_records = number
            continue
        body = record.content_stream().read(settings.max_bytes + 1)
        if len(body) > settings.max_bytes:
            detail = f"record {number}: the page is over the {settings.max_bytes:,}-byte limit"
            found.n_records = number
            yield Rejection(found.source_file, "too_large", detail, None, number)
            continue
        if record.raw_stream.limit:  # warcio ends a cut record's body early without a word
            raise Truncated(f"{record.raw_stream.limit:,} bytes of its body are missing")
        found.n_records = number
        url = record.rec_headers.get_header("WARC-Target-URI")
        metadata = given(found.source_file, number).over(Metadata(url=url))
        declared = _charset(content_type) or declared_charset(body)
        yield article_from_bytes(body, found.source_file, settings, source_record=number, form="html",
                                 metadata=metadata, declared=declared)
    if records.cut_short:
        found.n_records = number
        raise Truncated("the last gzip member ends before its end")


class _Archive(ArchiveIterator):
    """warcio's reader, noting what it does not say: that the archive ended
    inside a gzip member (a cut ``.warc.gz`` just ends, one record short)."""

    cut_short = False

    def close(self):
        decompressor = self.reader.decompressor if self.reader else None
        self.cut_short = decompressor is not None and not getattr(decompressor, "eof", True)
        super().close()


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.I)
    return match.group(1) if match else None


def declared_charset(page: bytes) -> str | None:
    """The charset a page's ``<meta>`` names, looked for where browsers look."""
    match = _META_CHARSET.search(page, 0, 4096)
    return match.group(1).decode("ascii") if match else None
