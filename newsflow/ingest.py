"""Find raw files, read their bytes and decode them into text, or say why not.

Only regular files inside the raw folder are read: a symbolic link is followed
only to a file inside it, and every other entry (a link leading out, a pipe, a
folder link, a name that cannot be stored) is rejected with a reason rather
than skipped, so that the quarantine names everything that was not read.

Decoding order: a byte-order mark wins; then strict UTF-8 (almost all modern
news text); then charset-normalizer's detection for legacy code pages and
UTF-16 without a BOM. A file that is neither is rejected with a reason rather
than decoded into garbage.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePath
from typing import BinaryIO, Protocol, TypeVar

from charset_normalizer import from_bytes

from newsflow.config import Settings
from newsflow.ids import article_id_for, sha256_hex
from newsflow.metadata import Metadata

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
# Only JSON's \u escapes can make these; no UTF-8 file or Parquet column holds them.
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_CHAOS = 0.1
_MAX_CONTROL_RATIO = 0.01
# Separators, controls and format characters (U+200B, U+FEFF, U+2060...):
# a text of nothing else shows nothing, though str.strip() keeps some of them.
_INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf"}
# O_NOFOLLOW: a file or folder swapped for a link after listing is refused, not
# followed out of the raw folder. O_NONBLOCK: opening a named pipe would
# otherwise wait forever for a writer; it changes nothing for a regular file.
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_OPEN_FOLDER = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | os.O_CLOEXEC
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISLNK, "a symbolic link"),
)


@dataclass(frozen=True)
class RawArticle:
    """A decoded article: a whole file, or one record of a container file
    (``source_record``, counted from 1). ``text`` is the coordinate space of
    every offset; ``form`` says how it is cleaned (``text`` or ``html``)."""

    source_file: str
    article_id: str
    sha256: str  # of the article's own bytes: the file, or the record
    n_bytes: int
    encoding: str
    text: str
    source_record: int | None = None
    form: str = "text"
    metadata: Metadata = field(default_factory=Metadata)

    @property
    def key(self) -> str:
        """Everything given with the article that shapes its rows: its bytes,
        how they were read (a .txt and an .html of the same bytes differ, and
        so do two charsets) and the metadata from outside them (a sidecar, a
        WARC header)."""
        given = f"{self.sha256}\n{self.form}\n{self.encoding}\n{self.metadata.as_key()}"
        return sha256_hex(given.encode())


@dataclass(frozen=True)
class Rejection:
    """An input file or record that cannot be processed, and why."""

    source_file: str
    reason: str
    detail: str
    article_id: str | None = None
    source_record: int | None = None


class DecodeError(ValueError):
    reason = "undecodable"


class BinaryContent(DecodeError):
    reason = "binary"


def list_raw_files(raw_dir: Path) -> tuple[list[Path], list[Rejection]]:
    """Every file under ``raw_dir``, recursively, in a stable order, and a
    rejection for every other entry found there.

    Hidden files and folders (``.gitkeep``, ``.DS_Store``) are not articles and
    are left out without a word. Folder links are not walked.
    """
    raw_dir = Path(raw_dir)
    root = raw_dir.resolve()
    files: list[tuple[str, Path]] = []  # with the name rows will carry, to sort by
    rejections: list[Rejection] = []
    folders = [raw_dir]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = [entry for entry in listing if not entry.name.startswith(".")]
        except OSError as exc:
            if folder == raw_dir:
                raise  # a run that can read nothing fails rather than publishing nothing
            rejections.append(_os_failure(source_file_of(folder, raw_dir) + "/", exc))
            continue
        # A rerun lists every file of a large folder: the entry's type, read
        # with the listing, spares a stat per plain file or folder. In a
        # folder that cannot be searched the stat is what fails, and says so.
        searchable = os.access(folder, os.X_OK)
        for entry in entries:
            path = folder / entry.name
            try:
                plain = searchable and _is_utf8(entry.name) and not entry.is_symlink()
                if plain and entry.is_dir(follow_symlinks=False):
                    folders.append(path)
                    continue
                if plain and entry.is_file(follow_symlinks=False):
                    files.append((_relative(path, raw_dir), path))
                    continue
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                rejections.append(_os_failure(source_file_of(path, raw_dir), exc))
                continue
            refusal = _refusal(path, mode, raw_dir, root)
            if refusal:
                rejections.append(refusal)
            else:
                files.append((_relative(path, raw_dir), path))
    files.sort(key=lambda named: named[0])
    rejections.sort(key=lambda r: r.source_file)
    return [path for _, path in files], rejections


def _refusal(path: Path, mode: int, raw_dir: Path, root: Path) -> Rejection | None:
    """Why the entry at ``path`` (``mode`` from lstat) cannot be read as an
    article or walked as a folder, or None if it can."""
    source_file = source_file_of(path, raw_dir) + ("/" if stat.S_ISDIR(mode) else "")
    if not _is_utf8(path.name):
        return Rejection(source_file, "bad_file_name", "the name is not valid UTF-8 (shown with \\x escapes)")
    if stat.S_ISLNK(mode):
        target = _link_target(path, root, source_file)
        return target if isinstance(target, Rejection) else None
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    return Rejection(source_file, "not_a_file", f"{_kind(mode)}, not a regular file")


def _link_target(link: Path, root: Path, source_file: str) -> PurePath | Rejection:
    """The regular file a symbolic link leads to, relative to the raw folder
    ``root`` (resolved), or why it is refused."""
    target = Path(os.path.realpath(link))
    if not target.is_relative_to(root):
        shown = _printable(str(target))
        return Rejection(source_file, "link_outside_raw", f"a symbolic link to {shown}, outside the raw folder")
    try:
        mode = os.stat(link).st_mode
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            shown = _printable(str(target))
            return Rejection(source_file, "dangling_link", f"a symbolic link to {shown}, which does not exist")
        if exc.errno == errno.ELOOP:
            return Rejection(source_file, "link_loop", "a symbolic link that never reaches a file (a loop of links)")
        return _os_failure(source_file, exc)
    if stat.S_ISDIR(mode):
        return Rejection(source_file, "not_a_file", "a symbolic link to a folder (folder links are not followed)")
    if not stat.S_ISREG(mode):
        return Rejection(source_file, "not_a_file", f"a symbolic link to {_kind(mode)}, not a regular file")
    return target.relative_to(root)


def _kind(mode: int) -> str:
    return next((kind for is_kind, kind in _KINDS if is_kind(mode)), "not a regular file")


def _is_utf8(name: str) -> bool:
    # A name whose bytes are not UTF-8 comes back with lone surrogates
    # (surrogateescape), which no UTF-8 output can hold.
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(name: str) -> str:
    """``name`` with the bytes that are not UTF-8 shown as ``\\xff`` escapes."""
    if name.isascii():
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def source_file_of(path: Path, raw_dir: Path) -> str:
    """The name rows carry: relative to the raw folder, with / separators."""
    return _printable(_relative(path, raw_dir))


def _relative(path: Path, raw_dir: Path) -> str:
    """``path`` relative to ``raw_dir``, with / separators. A rerun names
    every file of the folder several times: cutting the folder's prefix off
    the string is ten times faster than pathlib's ``relative_to``, which
    answers the paths that do not start with it."""
    path = os.fspath(path)
    prefix = _prefix(os.fspath(raw_dir))
    if prefix and path.startswith(prefix):
        relative = path[len(prefix):]
        return relative if os.sep == "/" else relative.replace(os.sep, "/")
    return Path(path).relative_to(raw_dir).as_posix()


@lru_cache(maxsize=64)
def _prefix(raw_dir: str) -> str | None:
    folder = os.path.normpath(raw_dir)
    if folder == os.curdir:
        return None
    return folder if folder.endswith(os.sep) else folder + os.sep


def _os_failure(source_file: str, exc: OSError) -> Rejection:
    if isinstance(exc, FileNotFoundError):
        return Rejection(source_file, "vanished", "the file disappeared before it could be read")
    return Rejection(source_file, "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise :class:`DecodeError` with the reason.

    ``declared`` is the charset a web page or its HTTP headers name: it is
    trusted after a byte-order mark and valid UTF-8, before detection."""
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
    if declared is not None and (codec := _codec(declared)) not in (None, "utf-8"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
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


def _codec(charset: str) -> str | None:
    """Python's name for a declared charset; Latin-1 is read as
    windows-1252, as browsers read it (WHATWG)."""
    try:
        codec = codecs.lookup(charset.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    # "base64", "hex", "rot13" are names Python knows (str.encode refuses
    # them by this flag), not charsets; the escapes decode text, not bytes.
    if not codec._is_text_encoding or codec.name in ("unicode-escape", "raw-unicode-escape"):
        return None
    name = codec.name
    return "cp1252" if name in ("iso8859-1", "ascii") else name


def _longest_line(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def _blank(text: str) -> bool:
    return all(unicodedata.category(char) in _INVISIBLE for char in text)


def article_from_bytes(
    data: bytes,
    source_file: str,
    settings: Settings,
    *,
    source_record: int | None = None,
    form: str = "text",
    metadata: Metadata = Metadata(),
    declared: str | None = None,
) -> RawArticle | Rejection:
    """Decode one document's bytes (a file, or a WARC record's body) into an
    article; ``declared`` is the charset its headers name, if any."""
    sha256 = sha256_hex(data)
    article_id = article_id_for(sha256)
    if not data.strip():
        detail = "it holds only whitespace" if data else "it is empty"
        return Rejection(source_file, "empty", detail, article_id, source_record)
    try:
        text, encoding = decode(data, declared)
    except DecodeError as exc:
        return Rejection(source_file, exc.reason, str(exc), article_id, source_record)
    article = RawArticle(source_file, article_id, sha256, len(data), encoding, text, source_record, form, metadata)
    return checked(article, settings)


def checked(article: RawArticle, settings: Settings) -> RawArticle | Rejection:
    """The article, or why its text is not prose to extract from."""
    text = article.text

    def rejection(reason: str, detail: str) -> Rejection:
        return Rejection(article.source_file, reason, detail, article.article_id, article.source_record)

    if len(_CONTROL.findall(text)) > _MAX_CONTROL_RATIO * len(text):
        return rejection("binary", "too many control characters for text")
    if surrogate := _SURROGATE.search(text):
        return rejection("undecodable", f"a lone surrogate (a broken \\u escape) at character {surrogate.start():,}")
    if _blank(text):
        return rejection("empty", "it holds only whitespace or invisible characters")
    # Web pages are often minified onto a few long lines: their limit is
    # the model's, on the article text found in them.
    longest = _longest_line(text) if article.form == "text" else 0
    if longest > settings.max_line_chars:
        detail = f"a single line of {longest:,} characters is over the {settings.max_line_chars:,} limit (not prose)"
        return rejection("line_too_long", detail)
    return article


def read_bytes(path: Path, raw_dir: Path, max_bytes: int) -> bytes | Rejection:
    """The bytes of the regular file at ``path``, at most ``max_bytes``."""
    source_file = source_file_of(path, raw_dir)
    handle = open_input(path, raw_dir)
    if isinstance(handle, Rejection):
        return handle
    with handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            return Rejection(source_file, "too_large", f"{size:,} bytes is over the {max_bytes:,}-byte limit")
        try:
            return handle.read()
        except OSError as exc:
            return _os_failure(source_file, exc)


def open_input(path: Path, raw_dir: Path) -> BinaryIO | Rejection:
    """The regular file at ``path``, opened for reading, checked again now:
    it may have been replaced since the folder was listed."""
    raw_dir = Path(raw_dir)
    source_file = source_file_of(path, raw_dir)
    root = raw_dir.resolve()
    if os.path.islink(path):
        relative = _link_target(Path(path), root, source_file)
        if isinstance(relative, Rejection):
            return relative
    else:
        relative = Path(path).relative_to(raw_dir)
    try:
        handle = os.fdopen(_open_beneath(root, relative), "rb")
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):  # O_NOFOLLOW met a link
            return Rejection(source_file, "not_a_file", "it, or a folder on its path, was replaced after listing")
        return _os_failure(source_file, exc)
    found = os.fstat(handle.fileno())
    if not stat.S_ISREG(found.st_mode):
        handle.close()
        return Rejection(source_file, "not_a_file", f"{_kind(found.st_mode)}, not a regular file")
    return handle


def _open_beneath(root: Path, relative: PurePath) -> int:
    """Open ``root / relative`` one name at a time, following no link, so that
    a folder swapped for a link after listing cannot lead out of ``root``."""
    folder = os.open(root, _OPEN_FOLDER)
    try:
        for name in relative.parts[:-1]:
            inner = os.open(name, _OPEN_FOLDER, dir_fd=folder)
            os.close(folder)
            folder = inner
        return os.open(relative.name, _OPEN_FILE, dir_fd=folder)
    finally:
        os.close(folder)


class Located(Protocol):
    article_id: str
    source_file: str
    source_record: int | None


Item = TypeVar("Item", bound=Located)


def where(item: Located) -> str:
    """A file, or a record of a container file, as people read it."""
    return item.source_file if item.source_record is None else f"{item.source_file} record {item.source_record}"


def first_copies(items: list[Item], seen: dict[str, str]) -> tuple[list[Item], list[Rejection]]:
    """Keep the first article of each content; a byte-identical copy of one
    in ``seen`` (article id -> where, updated) becomes a ``duplicate`` rejection."""
    kept, duplicates = [], []
    for item in items:
        first = seen.setdefault(item.article_id, where(item))
        if first == where(item):
            kept.append(item)
        else:
            duplicates.append(
                Rejection(item.source_file, "duplicate", f"same bytes as {first}", item.article_id, item.source_record)
            )
    return kept, duplicates
