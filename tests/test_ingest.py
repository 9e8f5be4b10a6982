"""Decoding raw bytes: encodings are detected, not assumed. Finding raw files:
only regular files inside the raw folder are read, and every other entry is
rejected with its reason, never skipped in silence."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from newsflow.config import Settings
from newsflow.ingest import (
    BinaryContent,
    DecodeError,
    RawArticle,
    Rejection,
    decode,
    list_raw_files,
    source_file_of,
)
from tests.conftest import read_article

REPO = Path(__file__).resolve().parent.parent

TEXT = "Afghanistan’s “resistance” leader told reporters in the café — 2021.\n" * 3


@pytest.mark.parametrize(
    "encoding, detected",
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("cp1252", "cp1252"), ("utf-16-le", "utf_16_le")],
)
def test_encodings_are_detected(encoding, detected):
    text, found = decode(TEXT.encode(encoding))
    assert text.lstrip("\ufeff") == TEXT
    assert found == detected


def test_binary_and_corrupt_bytes_are_refused_with_a_reason():
    with pytest.raises(BinaryContent, match="NUL"):
        decode(b"GIF89a\x00\x01\x02" * 50)
    with pytest.raises(DecodeError, match="invalid UTF-8 byte 0xff"):
        decode("café crème brûlée ".encode() * 4 + b"\xff")


def test_ids_come_from_content_and_paths_are_relative(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "two.txt").write_text(TEXT, encoding="cp1252")
    (tmp_path / ".hidden").write_text("not an article")
    files, rejections = list_raw_files(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["a/one.txt", "two.txt"]
    assert rejections == []
    one, two = (read_article(p, tmp_path, Settings()) for p in files)
    assert isinstance(one, RawArticle) and isinstance(two, RawArticle)
    assert one.source_file == "a/one.txt"
    assert one.text == two.text
    assert one.article_id != two.article_id  # different bytes, different ids
    again = read_article(files[0], tmp_path, Settings())
    assert again.article_id == one.article_id


@pytest.mark.parametrize("raw_dir", ["raw", "raw/", "./raw", "raw/.", "raw//", "x/../raw", ".", ""])
def test_a_file_is_named_relative_to_the_raw_folder_however_the_folder_is_written(tmp_path, monkeypatch, raw_dir):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x").mkdir()
    (tmp_path / "raw" / "a").mkdir(parents=True)
    (tmp_path / "raw" / "a" / "one.txt").write_text(TEXT)
    (tmp_path / "raw" / "café.txt").write_text(TEXT)
    files, _ = list_raw_files(Path(raw_dir))
    names = [source_file_of(path, Path(raw_dir)) for path in files]
    assert names == [path.relative_to(raw_dir).as_posix() for path in files]
    assert names == [f"{'raw/' if raw_dir in ('.', '') else ''}{name}" for name in ("a/one.txt", "café.txt")]
    # The flow passes the folder as the user wrote it, a string.
    assert [source_file_of(path, raw_dir) for path in files] == names


def discover(raw: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """The files found under ``raw`` and the ``(source_file, reason)`` of the rest."""
    files, rejections = list_raw_files(raw)
    return [p.relative_to(raw).as_posix() for p in files], [(r.source_file, r.reason) for r in rejections]


class Hung(Exception):
    """Not an OSError, which the code under test would turn into a rejection."""


@contextmanager
def deadline(seconds: float):
    """Fail instead of hanging: a blocked open() is interrupted by the alarm."""

    def expire(signum, frame):
        raise Hung(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def raw(tmp_path):
    """A raw folder with one good article, and a secret next to it, outside."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "secret.txt").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    return tmp_path / "raw"


def test_a_link_out_of_the_raw_folder_is_refused(raw):
    (raw / "passwd.txt").symlink_to(raw.parent / "secret.txt")
    (raw / "sub").mkdir()
    (raw / "sub" / "up.txt").symlink_to("../../secret.txt")
    assert discover(raw) == (["good.txt"], [("passwd.txt", "link_outside_raw"), ("sub/up.txt", "link_outside_raw")])
    _, rejections = list_raw_files(raw)
    assert str((raw.parent / "secret.txt").resolve()) in rejections[0].detail


def test_a_link_to_a_file_inside_is_read_under_its_own_name(raw):
    (raw / "sub").mkdir()
    (raw / "sub" / "alias.txt").symlink_to("../good.txt")
    assert discover(raw) == (["good.txt", "sub/alias.txt"], [])
    article = read_article(raw / "sub" / "alias.txt", raw, Settings())
    assert isinstance(article, RawArticle)
    assert article.source_file == "sub/alias.txt"
    assert article.text == TEXT


def test_a_dangling_link_is_rejected(raw):
    (raw / "gone.txt").symlink_to("missing.txt")
    assert discover(raw) == (["good.txt"], [("gone.txt", "dangling_link")])


def test_a_link_loop_is_rejected(raw):
    (raw / "a.txt").symlink_to("b.txt")
    (raw / "b.txt").symlink_to("a.txt")
    (raw / "self.txt").symlink_to("self.txt")
    assert discover(raw) == (["good.txt"], [("a.txt", "link_loop"), ("b.txt", "link_loop"), ("self.txt", "link_loop")])


def test_pipes_and_sockets_are_rejected(raw, monkeypatch):
    os.mkfifo(raw / "pipe.txt")
    monkeypatch.chdir(raw)  # a socket path must be short
    server = socket.socket(socket.AF_UNIX)
    server.bind("socket.txt")
    try:
        assert discover(raw) == (["good.txt"], [("pipe.txt", "not_a_file"), ("socket.txt", "not_a_file")])
    finally:
        server.close()


def test_a_file_replaced_by_a_pipe_after_listing_is_refused_without_waiting(raw):
    files, _ = list_raw_files(raw)
    (raw / "good.txt").unlink()
    os.mkfifo(raw / "good.txt")  # no writer: a blocking open would wait forever
    with deadline(2):
        outcome = read_article(files[0], raw, Settings())
    assert isinstance(outcome, Rejection)
    assert (outcome.source_file, outcome.reason) == ("good.txt", "not_a_file")
    assert "pipe" in outcome.detail


def test_a_link_retargeted_out_after_listing_is_refused(raw):
    (raw / "alias.txt").symlink_to("good.txt")
    files, _ = list_raw_files(raw)
    (raw / "alias.txt").unlink()
    (raw / "alias.txt").symlink_to(raw.parent / "secret.txt")
    outcome = read_article(files[0], raw, Settings())
    assert isinstance(outcome, Rejection)
    assert (outcome.source_file, outcome.reason) == ("alias.txt", "link_outside_raw")


def test_a_folder_replaced_by_a_link_after_listing_is_not_followed(raw):
    (raw / "sub").mkdir()
    (raw / "sub" / "secret.txt").write_text(TEXT, encoding="utf-8")
    files, _ = list_raw_files(raw)
    (raw / "sub").rename(raw.parent / "listed")
    (raw / "sub").symlink_to(raw.parent)  # sub/secret.txt is now the secret outside
    outcome = read_article(raw / "sub" / "secret.txt", raw, Settings())
    assert raw / "sub" / "secret.txt" in files
    assert isinstance(outcome, Rejection)
    assert (outcome.source_file, outcome.reason) == ("sub/secret.txt", "not_a_file")


def test_a_link_to_a_folder_is_rejected_not_walked(raw):
    (raw / "sub").mkdir()
    (raw / "sub" / "one.txt").write_text(TEXT, encoding="utf-8")
    (raw / "shortcut").symlink_to("sub")
    assert discover(raw) == (["good.txt", "sub/one.txt"], [("shortcut", "not_a_file")])


def test_a_name_that_is_not_utf8_is_rejected_with_a_printable_name(raw):
    with open(os.path.join(os.fsencode(raw), b"bad\xffname.txt"), "wb") as handle:
        handle.write(TEXT.encode())
    os.mkdir(os.path.join(os.fsencode(raw), b"dir\xfe"))
    files, rejections = list_raw_files(raw)
    assert [p.name for p in files] == ["good.txt"]
    assert [(r.source_file, r.reason) for r in rejections] == [
        ("bad\\xffname.txt", "bad_file_name"),
        ("dir\\xfe/", "bad_file_name"),
    ]
    for rejection in rejections:
        rejection.source_file.encode("utf-8")  # storable: no lone surrogates


@pytest.mark.parametrize(
    "text", ["\u200b", "\u00a0\ufeff\u3000\n", "\u2060 \u2028\t\u200b"], ids=["zwsp", "nbsp-bom-ideographic", "mixed"]
)
def test_a_file_of_only_invisible_characters_is_empty(raw, text):
    (raw / "blank.txt").write_text(text, encoding="utf-8")
    outcome = read_article(raw / "blank.txt", raw, Settings())
    assert isinstance(outcome, Rejection)
    assert outcome.reason == "empty"


# As root, a chmod stops nothing: the unreadable cases run in a child without
# the capabilities that let root read and search any file (DAC override).
DAC = "-dac_override,-dac_read_search"
UNPRIVILEGED = ["setpriv", "--bounding-set", DAC, "--inh-caps", DAC]
DISCOVER_AND_READ = """
import json, sys
from pathlib import Path
from newsflow.config import Settings
from newsflow.ingest import list_raw_files
from tests.conftest import read_article
raw = Path(sys.argv[1])
files, rejections = list_raw_files(raw)
read = [read_article(path, raw, Settings()) for path in files]
print(json.dumps({"files": [p.relative_to(raw).as_posix() for p in files],
                  "rejections": [[r.source_file, r.reason, r.detail] for r in rejections],
                  "read": [[o.source_file, getattr(o, "reason", "read")] for o in read]}))
"""


def discover_and_read_unprivileged(raw: Path, *locked: Path, mode: int = 0) -> dict:
    command = [sys.executable, "-c", DISCOVER_AND_READ, str(raw)]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        command = UNPRIVILEGED + command
    for path in locked:
        path.chmod(mode)
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    finally:
        for path in locked:
            path.chmod(0o755)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow  # a process without read rights
def test_an_unreadable_folder_is_rejected(raw):
    (raw / "locked").mkdir()
    (raw / "locked" / "one.txt").write_text(TEXT, encoding="utf-8")
    found = discover_and_read_unprivileged(raw, raw / "locked")
    assert found["files"] == ["good.txt"]
    assert found["rejections"] == [["locked/", "unreadable", "PermissionError: Permission denied"]]


@pytest.mark.slow  # a process without read rights
def test_a_file_in_a_folder_that_cannot_be_searched_is_rejected(raw):
    (raw / "listable").mkdir()
    (raw / "listable" / "one.txt").write_text(TEXT, encoding="utf-8")
    # Read but no search permission: the names can be listed, not examined.
    found = discover_and_read_unprivileged(raw, raw / "listable", mode=0o444)
    assert found["files"] == ["good.txt"]
    assert found["rejections"] == [["listable/one.txt", "unreadable", "PermissionError: Permission denied"]]


@pytest.mark.slow  # a process without read rights
def test_an_unreadable_file_is_rejected_when_read(raw):
    (raw / "locked.txt").write_text(TEXT, encoding="utf-8")
    found = discover_and_read_unprivileged(raw, raw / "locked.txt")
    assert found["files"] == ["good.txt", "locked.txt"]
    assert found["read"] == [["good.txt", "read"], ["locked.txt", "unreadable"]]
