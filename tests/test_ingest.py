"""Decoding raw bytes: encodings are detected, not assumed."""

from __future__ import annotations

import pytest

from newsflow.config import Settings
from newsflow.ingest import BinaryContent, DecodeError, RawArticle, decode, list_raw_files, read_article

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
    files = list_raw_files(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["a/one.txt", "two.txt"]
    one, two = (read_article(p, tmp_path, Settings()) for p in files)
    assert isinstance(one, RawArticle) and isinstance(two, RawArticle)
    assert one.source_file == "a/one.txt"
    assert one.text == two.text
    assert one.article_id != two.article_id  # different bytes, different ids
    again = read_article(files[0], tmp_path, Settings())
    assert again.article_id == one.article_id
