"""Parquet output: one dataset (a folder of part files) per table, on any
filesystem fsspec knows: a local folder, ``file://…``, ``s3://…`` (with the
``s3`` extra), ``memory://…``.

A run writes a complete new version of every table under
``<out>/.versions/<run_id>/``, then publishes it:

- on a local disk by atomically replacing one symbolic link,
  ``<out>/current``, with one pointing at the new version; each table is the
  fixed link ``<out>/<table>`` -> ``current/<table>``, so readers (DuckDB,
  pandas, Polars, Spark) opening ``<out>/<table>`` as a plain folder see
  every table of the previous run or every table of the new one, never a
  mix and never half of one, even when a run is killed;
- on an object store, which has no links and no multi-object swap, by
  copying the new parts into ``<out>/<table>/`` and then deleting the parts
  that are no longer part of the table. A reader listing the folder during
  those seconds can see a mix; ``<out>/manifest.json``, copied last, names
  the run whose tables are complete.

Every part file has exactly one writer (its part number), so parts are
written side by side by many workers without conflicts. Writer settings are
fixed and rows sorted, so the same rows give byte-identical files.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from newsflow.ids import record_id
from newsflow.parts import PARTS_DIR
from newsflow.schemas import TABLES, Table, check_columns

VERSIONS = ".versions"
CURRENT = "current"
VALIDATION_DIR = "_validation"
REPORT_DIR = "report"  # the report page and its article pages (newsflow/report.py)
DAMAGED_DIR = "_damaged"
LOCK_FILE = ".newsflow.lock"
# Fixed so that output bytes depend on the rows only.
_WRITE_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "row_group_size": 128 * 1024,
}


class OutputBusy(RuntimeError):
    """Another run holds the output folder."""


def output_filesystem(out: str | Path) -> tuple[fsspec.AbstractFileSystem, str]:
    """The filesystem of an output folder or URL, and the folder's path on it."""
    fs, root = fsspec.core.url_to_fs(str(out))
    return fs, root.rstrip("/") or "/"


def published_root(fs: fsspec.AbstractFileSystem, root: str) -> str:
    """Where the published version's files are: behind ``current`` on a
    local disk, in place on an object store."""
    return f"{root}/{CURRENT}" if isinstance(fs, LocalFileSystem) else root


def file_stamp(path: str | Path) -> list[int] | None:
    """What tells that a local file changed without reading it: its size,
    modification time and inode (None when it cannot be found)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns, status.st_ino]


def write_atomically(fs: fsspec.AbstractFileSystem, path: str, data: bytes) -> None:
    """Write ``data`` to a temporary name beside ``path``, then move it there:
    a killed run never leaves half a file behind."""
    fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    partial = f"{path}.{os.getpid()}.tmp"
    fs.pipe_file(partial, data)
    fs.mv(partial, path)


def published_text(out: str | Path, relative: str) -> str | None:
    """A text file of the published version, or None when there is none."""
    fs, root = output_filesystem(out)
    try:
        return fs.cat_file(f"{published_root(fs, root)}/{relative}").decode()
    except FileNotFoundError:
        return None


def published_path_uri(out: str | Path, relative: str) -> str:
    """Where a published file is read: a file URI for a local output."""
    if "://" in str(out):
        return f"{str(out).rstrip('/')}/{relative}"
    return (Path(out).resolve() / relative).as_uri()


def write_published(out: str | Path, relative: str, text: str) -> None:
    """Write a page derived from the published tables (the report, an
    article's evidence) into the published version, reachable as
    ``<out>/<relative>`` (the next run's version replaces it)."""
    fs, root = output_filesystem(out)
    write_atomically(fs, f"{published_root(fs, root)}/{relative}", text.encode())
    top = relative.split("/", 1)[0]
    if isinstance(fs, LocalFileSystem) and not (Path(root) / top).is_symlink():
        _point(Path(root) / top, Path(root) / CURRENT / top)  # an output published before the report existed


def check_folders(raw_dir: str | Path, out: str | Path) -> None:
    """Refuse an output inside the raw folder (or the raw folder itself): the
    run would read its own output as articles."""
    fs, root = output_filesystem(out)
    if not isinstance(fs, LocalFileSystem):
        return
    raw, resolved = Path(raw_dir).resolve(), Path(root).resolve()
    if resolved == raw or raw in resolved.parents:
        raise ValueError(f"the output folder {out} is inside the raw folder {raw_dir}; choose one outside it")


def _sort_key(table: Table):
    def key(row: dict):
        return tuple((row[c] is None, row[c] if row[c] is not None else 0) for c in table.sort_by)

    return key


def to_arrow(table: Table, rows: list[dict]) -> pa.Table:
    """Rows as a pyarrow table with the table's schema, in the table's order."""
    check_columns(table, rows)
    return pa.Table.from_pylist(sorted(rows, key=_sort_key(table)), schema=table.schema)


def in_order(table: Table, pieces: list[pa.Table]) -> pa.Table:
    """Tables of rows of ``table`` (each in its order, as ``to_arrow``
    gives them) as one, in the table's order: a stable sort with nulls last,
    as ``_sort_key``, so that rows put together from several pieces are
    written as they would have been from their rows at once."""
    whole = pa.concat_tables([piece.cast(table.schema) for piece in pieces]) if pieces else table.schema.empty_table()
    if len(pieces) > 1 and table.sort_by:
        whole = whole.sort_by([(column, "ascending", "at_end") for column in table.sort_by])
    return whole.combine_chunks()


def list_files(fs: fsspec.AbstractFileSystem, folder: str, suffix: str = "", files_only: bool = True) -> list[str]:
    """Files directly in ``folder`` ending in ``suffix``, sorted; none when
    the folder does not exist. Not a glob: output paths may hold ``[``, ``*``
    or ``?``, which a glob would read as a pattern. A folder of names that
    only files end in can skip ``files_only``: telling files from folders
    costs a stat per entry, a third of a second for the kept results of
    10,000 articles."""
    try:
        # On a local disk, the names alone: fsspec's listing normalizes each
        # path again (a tenth of a second for 10,000 kept results).
        local = not files_only and isinstance(fs, LocalFileSystem)
        entries = [f"{folder}/{name}" for name in os.listdir(folder)] if local else fs.ls(folder, detail=files_only)
    except (FileNotFoundError, NotADirectoryError):
        return []
    if not files_only:
        return sorted(name for name in entries if name.endswith(suffix))
    return sorted(e["name"] for e in entries if e["type"] == "file" and e["name"].endswith(suffix))


def read_table(out: str | Path, name: str, columns: list[str] | None = None, filters=None) -> pa.Table:
    """A published table, parts in order (empty when never published): its
    ``columns`` (all by default) of the rows that pass pyarrow ``filters``."""
    fs, root = output_filesystem(out)
    return _read_parts(fs, f"{root}/{name}", TABLES[name].schema, columns, filters)


def _read_parts(fs: fsspec.AbstractFileSystem, folder: str, schema: pa.Schema, columns: list[str] | None = None,
                filters=None) -> pa.Table:
    # Read from memory, and decoded in this thread: pyarrow 26 reading through
    # a Python file object, or with its decoding threads, can abort the
    # interpreter at exit ("terminate called without an active exception"):
    # 8 of 12 `newsflow runs` and `entities` commands did here, none of 32
    # once decoded in this thread.
    tables = [pq.read_table(pa.BufferReader(fs.cat_file(part)), schema=schema, columns=columns, filters=filters,
                            use_threads=False)
              for part in _parts(fs, folder)]
    if tables:
        return pa.concat_tables(tables)
    return schema.empty_table().select(columns) if columns else schema.empty_table()


def published_rows(out: str | Path, name: str) -> int:
    """Rows in a published table, from the part files' footers."""
    fs, root = output_filesystem(out)
    parts = _parts(fs, f"{root}/{name}")
    return sum(pq.ParquetFile(pa.BufferReader(fs.cat_file(part))).metadata.num_rows for part in parts)


def _parts(fs: fsspec.AbstractFileSystem, folder: str) -> list[str]:
    return list_files(fs, folder, ".parquet")


class OutputLock:
    """Holds the output folder for one run, so that two runs never write it
    at once. The lock is the operating system's (``flock``): a killed run
    releases it. For an output on an object store the lock file is local, so
    it keeps out runs on this machine only."""

    def __init__(self, out: str | Path):
        self.out = str(out)
        fs, root = output_filesystem(out)
        if isinstance(fs, LocalFileSystem):
            self.path = Path(root) / LOCK_FILE
        else:
            self.path = Path(tempfile.gettempdir()) / f"newsflow-{record_id(self.out)}.lock"
        self._handle = None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`OutputBusy` saying who holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held open for the whole run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise OutputBusy(
                f"another newsflow run ({holder}) is writing to {self.out}; try again when it has finished"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._handle = handle

    def __enter__(self) -> OutputLock:
        if self._handle is None:
            self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None


class PublishedOutput:
    """The output folder, to read the version of its tables now published."""

    def __init__(self, out: str | Path):
        self.out = str(out)
        self.fs, self.root = output_filesystem(out)
        self.local = isinstance(self.fs, LocalFileSystem)

    def published_stamp(self, relative: str) -> list[int] | None:
        return file_stamp(f"{self._published_root()}/{relative}") if self.local else None

    def has_published(self, relative: str) -> bool:
        return self.fs.exists(f"{self._published_root()}/{relative}")

    def read_published(self, relative: str) -> bytes:
        """A file of the published version (raises OSError when there is none)."""
        return self.fs.cat_file(f"{self._published_root()}/{relative}")

    def list_published(self, relative_dir: str, suffix: str) -> list[str]:
        """The files ending in ``suffix`` directly in ``relative_dir`` of the
        published version, relative to it, in order of their names."""
        base = self._published_root()
        paths = list_files(self.fs, f"{base}/{relative_dir}", suffix, files_only=False)
        return [path[len(base) + 1 :] for path in paths]

    def _published_root(self) -> str:
        return published_root(self.fs, self.root)


class OutputStore(PublishedOutput):
    """The output folder, and the new version of its tables that a run writes."""

    def __init__(self, out: str | Path, run_id: str):
        super().__init__(out)
        self.version = f"{self.root}/{VERSIONS}/{run_id}"

    def __enter__(self) -> OutputStore:
        self.begin()
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is not None:
            self.discard()

    def begin(self) -> None:
        """Start this run's version, first removing what killed or failed
        runs left behind (the caller holds the output lock, so no other run
        is writing any of it)."""
        self._remove_versions(keep={self._published_version()})
        self.fs.makedirs(self.version, exist_ok=True)

    def discard(self) -> None:
        """Remove this run's version unless it was published (after a
        failure: a full disk needs its space back)."""
        published = self._published_version()
        if published and Path(published) == Path(self.version).resolve():
            return
        self._remove_versions(keep={published})

    def write_part(self, name: str, table: pa.Table, label: str) -> list[str]:
        """Write ``table`` (if it has rows) as the part ``label`` of a
        table; returns the paths written, relative to the version."""
        return [self._write_parquet(name, table, f"part-{label}.parquet")] if table.num_rows else []

    def write_table(self, name: str, rows: list[dict] | pa.Table) -> str:
        """Write the whole table ``name``: its rows, or an Arrow table in the table's order."""
        arrow = rows if isinstance(rows, pa.Table) else to_arrow(TABLES[name], rows)
        return self._write_parquet(name, arrow, "part-00000.parquet")

    def _write_parquet(self, name: str, table: pa.Table, file_name: str) -> str:
        self.fs.makedirs(f"{self.version}/{name}", exist_ok=True)
        with self.fs.open(f"{self.version}/{name}/{file_name}", "wb") as handle:
            pq.write_table(table, handle, **_WRITE_OPTIONS)
        return f"{name}/{file_name}"

    def read_written(self, name: str, columns: list[str] | None = None, filters=None) -> pa.Table:
        """A table as this (unpublished) version holds it so far (as ``read_table``)."""
        return _read_parts(self.fs, f"{self.version}/{name}", TABLES[name].schema, columns, filters)

    def write_text(self, relative: str, text: str) -> None:
        path = f"{self.version}/{relative}"
        self.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
        self.fs.pipe_file(path, text.encode())

    def read_bytes(self, relative: str) -> bytes:
        """A file of this (unpublished) version."""
        return self.fs.cat_file(f"{self.version}/{relative}")

    def stamps(self, relatives: list[str]) -> dict[str, list[int] | None]:
        """The stamps (``file_stamp``) of files of this version; none on an
        object store, where a file is only known by its bytes."""
        return {relative: file_stamp(f"{self.version}/{relative}") for relative in relatives} if self.local else {}

    def link_published(self, relative: str) -> None:
        """Put a file of the published version into this one: a hard link on
        a local disk (no bytes copied; removing the old version leaves it
        whole), else a copy (an object store, a disk without hard links)."""
        source, target = f"{self._published_root()}/{relative}", f"{self.version}/{relative}"
        self.fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
        if self.local:
            try:
                os.link(source, target)
                return
            except OSError:
                pass
        self.fs.copy(source, target)

    def read_texts(self, relative_dir: str, suffix: str) -> list[str]:
        """The files ending in ``suffix`` directly in ``relative_dir`` of this
        version, in order of their names."""
        paths = list_files(self.fs, f"{self.version}/{relative_dir}", suffix)
        return [self.fs.cat_file(path).decode() for path in paths]

    def keep_damaged(self, name: str) -> str:
        """Copy the published parts of a table that cannot be read to
        ``<out>/_damaged/<run_id>/<name>/``, out of the way of publishing;
        returns that folder."""
        target = f"{self.root}/{DAMAGED_DIR}/{self.version.rsplit('/', 1)[1]}/{name}"
        self.fs.makedirs(target, exist_ok=True)
        for part in _parts(self.fs, f"{self.root}/{name}"):
            self.fs.copy(part, f"{target}/{part.rsplit('/', 1)[1]}")
        return target

    def put_folder(self, local: Path, relative: str) -> list[str]:
        """Copy a local folder into this version; returns the paths of its
        files in the version."""
        copied = []
        for path in sorted(p for p in Path(local).rglob("*") if p.is_file()):
            copied.append(f"{relative}/{path.relative_to(local).as_posix()}")
            self.fs.makedirs(f"{self.version}/{copied[-1]}".rsplit("/", 1)[0], exist_ok=True)
            self.fs.put_file(str(path), f"{self.version}/{copied[-1]}")
        return copied

    def publish(self, names: list[str], files: list[str] = ()) -> None:
        """Make this version the output: every table (and the validation
        report and ``files``) at once, then remove older versions."""
        for name in names:
            if not _parts(self.fs, f"{self.version}/{name}"):
                self.write_table(name, [])  # an empty table still has its schema
        published = [n for n in [*names, VALIDATION_DIR, PARTS_DIR, *files] if self.fs.exists(f"{self.version}/{n}")]
        if not self.local:
            for name in published:
                self._copy_into_place(name)
            self._remove_versions(keep={self.version})
            return
        root = Path(self.root)
        _point(root / CURRENT, Path(self.version))  # the one step that publishes
        # What follows only tidies up: the links already lead to this version
        # (except on the first run after 0.3, when they are converted here),
        # and a leftover is removed by the next run.
        for name in published:
            _point(root / name, root / CURRENT / name)
        self._remove_versions(keep={self.version})

    def _published_version(self) -> str | None:
        """The version readers see now: where ``current`` leads, or for an
        output written by newsflow 0.3 (no ``current``), where its
        ``articles`` link leads."""
        if not self.local:
            return None
        root = Path(self.root)
        for link, inside in ((root / CURRENT, root / CURRENT), (root / "articles", root / "articles" / "..")):
            if link.is_symlink():
                return str(inside.resolve())
        return None

    def _remove_versions(self, keep: set[str | None]) -> None:
        """Remove every version but ``keep``; one that cannot be removed now
        (a straggling writer of a failed run) is left for the next run."""
        folder = f"{self.root}/{VERSIONS}"
        if not self.fs.exists(folder):
            return
        kept = {str(Path(k).resolve()) if self.local else k for k in keep if k}
        for old in self.fs.ls(folder, detail=False):
            if (str(Path(old).resolve()) if self.local else old.rstrip("/")) not in kept:
                try:
                    self.fs.rm(old, recursive=True)
                except OSError:
                    pass

    def _copy_into_place(self, name: str) -> None:
        source, target = f"{self.version}/{name}", f"{self.root}/{name}"
        if not self.fs.isdir(source):
            self.fs.copy(source, target)
            return
        new = {path[len(source) :] for path in self.fs.find(source)}
        for relative in sorted(new):
            self.fs.copy(source + relative, target + relative)
        stale = [path for path in self.fs.find(target) if path[len(target) :] not in new] if self.fs.exists(target) else []
        if stale:
            self.fs.rm(stale)


def _point(link: Path, target: Path) -> None:
    """Atomically make ``link`` a symbolic link to ``target`` (relative)."""
    relative = os.path.relpath(target, link.parent)
    if link.is_symlink() and os.readlink(link) == relative:
        return
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)  # a folder from before versions were kept
    temporary = link.with_name(f".{link.name}.new")
    temporary.unlink(missing_ok=True)
    os.symlink(relative, temporary)
    os.replace(temporary, link)
