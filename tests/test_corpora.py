"""Real corpora through the real flow: JSONL dumps, WARC archives and web
pages give the same rows as the same texts on their own, a sidecar's
metadata reaches every table, and a changed record re-extracts only itself."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.conftest import SAMPLE, SHORT_ARTICLE, read, run

PAGES = Path(__file__).parent / "pages"
QUOTE_COLUMNS = ["kind", "text", "start", "end", "cue", "cue_start", "speaker", "speaker_start"]


def news_please(text: str, **fields) -> str:
    """A record as news-please writes it."""
    return json.dumps({"title": text.splitlines()[0], "maintext": text, "language": "en", **fields},
                      ensure_ascii=False)


@pytest.fixture()
def texts() -> dict[str, str]:
    return {"sample.txt": SAMPLE.read_text(encoding="utf-8"), "council.txt": SHORT_ARTICLE}


def rows(out: Path, table: str, columns: list[str]) -> pd.DataFrame:
    frame = read(out, table)
    return frame.sort_values(["source_record", "start"] if "start" in columns else ["source_record"])[columns]


def test_jsonl_records_give_the_rows_of_the_same_texts_as_files(prefect_server, tmp_path, texts):
    files, dump = tmp_path / "files", tmp_path / "dump"
    files.mkdir(), dump.mkdir()
    for name, text in texts.items():
        (files / name).write_text(text, encoding="utf-8")
    (dump / "articles.jsonl").write_text("".join(news_please(t) + "\n" for t in texts.values()), encoding="utf-8")
    run(files, tmp_path / "out-files")
    run(dump, tmp_path / "out-dump")

    by_file = read(tmp_path / "out-files", "quotes").sort_values(["source_file", "start"])
    by_record = read(tmp_path / "out-dump", "quotes").sort_values(["source_record", "start"])
    order = {"sample.txt": 1, "council.txt": 2}
    by_file = by_file.assign(record=by_file.source_file.map(order)).sort_values(["record", "start"])
    assert len(by_file) > 40
    pd.testing.assert_frame_equal(by_file[QUOTE_COLUMNS].reset_index(drop=True),
                                  by_record[QUOTE_COLUMNS].reset_index(drop=True))
    assert set(by_record.source_file) == {"articles.jsonl"}
    for table in ("sentences", "people", "numbers", "dates"):
        assert len(read(tmp_path / "out-files", table)) == len(read(tmp_path / "out-dump", table)), table


def test_a_changed_line_re_extracts_that_article_only_and_reruns_are_identical(prefect_server, tmp_path, texts):
    from tests.conftest import data_files

    raw = tmp_path / "raw"
    raw.mkdir()
    lines = [news_please(text, date_publish=f"2016-09-1{n} 10:00:00") for n, text in enumerate(texts.values())]
    (raw / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = run(raw, tmp_path / "out")
    before = data_files(tmp_path / "out")
    again = run(raw, tmp_path / "out")
    assert (first["n_extracted"], again["n_extracted"], again["n_reused"]) == (2, 0, 2)
    assert data_files(tmp_path / "out") == before

    lines[1] = news_please(SHORT_ARTICLE.replace("$4.5 million", "$5 million"))
    (raw / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    changed = run(raw, tmp_path / "out")
    assert (changed["n_extracted"], changed["n_reused"]) == (1, 1)
    numbers = read(tmp_path / "out", "numbers")
    assert "$5 million" in set(numbers[numbers.source_record == 2].text)


def test_sidecar_metadata_reaches_every_table_and_resolves_dates(prefect_server, tmp_path, texts):
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "sub" / "council.txt").write_text(texts["council.txt"], encoding="utf-8")
    (raw / "sample.txt").write_text(texts["sample.txt"], encoding="utf-8")
    sidecar = tmp_path / "meta.csv"
    sidecar.write_text(
        "source_file,outlet,published_at,title,authors\n"
        "sub/council.txt,City Gazette,2016-09-15T18:00:00-04:00,Council approves new budget,Ann Lee\n"
        "missing.txt,Nowhere,2016-01-01,,\n",
        encoding="utf-8",
    )
    summary = run(raw, tmp_path / "out", metadata=str(sidecar))

    articles = read(tmp_path / "out", "articles").set_index("source_file")
    council = articles.loc["sub/council.txt"]
    assert (council.outlet, council.metadata_source, list(council.authors)) == ("City Gazette", "sidecar", ["Ann Lee"])
    assert str(council.published_date) == "2016-09-15"
    assert str(council.published_at) == "2016-09-15 22:00:00+00:00"
    assert pd.isna(articles.loc["sample.txt"].outlet)
    quotes = read(tmp_path / "out", "quotes")
    assert set(quotes[quotes.source_file == "sub/council.txt"].outlet) == {"City Gazette"}
    dates = read(tmp_path / "out", "dates")
    tuesday = dates[(dates.source_file == "sub/council.txt") & (dates.text == "Tuesday")]
    assert list(tuesday.value) == ["2016-09-13"]  # the Tuesday before Thursday 15 September 2016

    report = json.loads(summary["metadata"])
    assert report["unmatched_rows"] == ["missing.txt"] and report["files_without_row"] == ["sample.txt"]
    assert report["problems"] == [
        "1 row names no file under the raw folder: missing.txt",
        "1 file has no row: sample.txt",
    ]

    # A sidecar edit is an input change: that article alone is extracted again.
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("City Gazette", "Town Gazette"), encoding="utf-8")
    again = run(raw, tmp_path / "out", metadata=str(sidecar))
    assert (again["n_extracted"], again["n_reused"]) == (1, 1)
    assert set(read(tmp_path / "out", "quotes").outlet.dropna()) == {"Town Gazette"}


def warc_of(pages: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, body in pages.items():
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buffer.getvalue()


def test_pages_in_a_warc_give_the_texts_of_the_same_pages_as_files(prefect_server, tmp_path):
    pages = sorted(PAGES.glob("*.html"))
    files, archive = tmp_path / "files", tmp_path / "archive"
    files.mkdir(), archive.mkdir()
    for page in pages:
        shutil.copy(page, files / page.name)
    (archive / "crawl.warc.gz").write_bytes(warc_of({f"https://example.com/{p.stem}": p.read_bytes() for p in pages}))
    run(files, tmp_path / "out-files")
    summary = run(archive, tmp_path / "out-archive")

    columns = ["paragraph", "start", "end", "text"]
    by_file = read(tmp_path / "out-files", "paragraphs")
    by_record = read(tmp_path / "out-archive", "paragraphs")
    records = {page.name: 2 * n for n, page in enumerate(pages, start=1)}  # each page follows its request
    for name, record in records.items():
        page_rows = by_file[by_file.source_file == name].sort_values("paragraph")[columns].reset_index(drop=True)
        record_rows = by_record[by_record.source_record == record].sort_values("paragraph")[columns]
        pd.testing.assert_frame_equal(page_rows, record_rows.reset_index(drop=True))
    assert summary["inputs"][0]["n_skipped"] == len(pages)  # the requests


def test_a_dump_larger_than_a_batch_streams_through_in_chunks(prefect_server, tmp_path, texts):
    raw = tmp_path / "raw"
    raw.mkdir()
    records = [news_please(f"Story {n}\n\n{SHORT_ARTICLE}") for n in range(5)]
    records.insert(3, records[0])  # the same record again, in another chunk of two
    (raw / "dump.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    summary = run(raw, tmp_path / "out", batch_size=2)

    articles = read(tmp_path / "out", "articles")
    assert sorted(articles.source_record) == [1, 2, 3, 5, 6]
    (duplicate,) = summary["quarantine"]
    assert (duplicate["source_record"], duplicate["reason"]) == (4, "duplicate")
    assert duplicate["detail"] == "same bytes as dump.jsonl record 1"
    assert summary["inputs"][0]["n_records"] == 6
