"""Reading container files (JSONL, WARC), sidecars and metadata: real files
on disk, read by the functions the flow's read step calls."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsflow.config import Settings
from newsflow.metadata import BadMetadata, Metadata, from_fields, parse_published
from newsflow.sidecar import SidecarError, read_sidecar
from tests.conftest import SHORT_ARTICLE, read_file

PAGE = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='windows-1252'><title>Budget passes</title></head>"
    "<body><nav>Home | World</nav><article><h1>Budget passes</h1><p>The council approved the budget.</p>"
    "</article></body></html>"
)


def jsonl_lines() -> list[str]:
    return [
        json.dumps({"title": "Budget", "maintext": SHORT_ARTICLE, "date_publish": "2016-09-12 13:54:00",
                    "source_domain": "example.com", "authors": ["Ann Lee", "Bo Chan"], "url": "https://example.com/a"}),
        "{not json",
        json.dumps({"title": "No text here", "text": "  "}),
        "",  # a blank line is no record
        json.dumps({"text": PAGE, "published": "2016-09-12T09:30:00-04:00", "outlet": "Gazette"}),
        json.dumps(["a", "list"]),
        json.dumps({"content": "Second article.\n\nIt has text.", "date": "yesterday-ish"}),
    ]


def write_jsonl(path: Path, lines: list[str]) -> None:
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data, mtime=0) if path.name.endswith(".gz") else data)


@pytest.mark.parametrize("name", ["dump.jsonl", "dump.jsonl.gz", "dump.ndjson"])
def test_jsonl_lines_become_articles_and_bad_lines_are_named(tmp_path, name):
    write_jsonl(tmp_path / name, jsonl_lines())
    found = read_file(tmp_path / name, tmp_path, Settings())

    assert [a.source_record for a in found.articles] == [1, 5, 7]
    first, page, second = found.articles
    assert first.text == SHORT_ARTICLE and first.form == "text"
    assert first.metadata == Metadata(title="Budget", url="https://example.com/a", outlet="example.com",
                                      authors=("Ann Lee", "Bo Chan"), published_date=date(2016, 9, 12),
                                      date_source="jsonl")
    assert page.form == "html"  # a whole document in the text field is a web page
    assert page.metadata.published_at == datetime(2016, 9, 12, 13, 30, tzinfo=timezone.utc)
    assert page.metadata.published_date == date(2016, 9, 12)  # the publisher's own calendar date
    assert second.metadata.published_date is None
    assert found.notes == [f"{name} line 7: publication date 'yesterday-ish' is not an ISO 8601 or RFC 2822 date; "
                           "the article is kept without it"]
    assert {(r.source_record, r.reason) for r in found.rejections} == {(2, "not_json"), (3, "no_text"), (6, "not_json")}
    assert all(r.detail.startswith(f"line {r.source_record}: ") for r in found.rejections)
    assert found.n_records == 7 and found.input["n_records"] == 7
    # Ids and hashes come from each line's bytes: the same line gives the same article anywhere.
    assert first.sha256 != page.sha256 and len({a.article_id for a in found.articles}) == 3
    assert found.sha256 == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()


def test_a_truncated_jsonl_gz_keeps_the_lines_before_the_break(tmp_path):
    # Every line different, so that half of the compressed file holds about half of them.
    lines = [json.dumps({"text": f"Article {n}.\n\n{hashlib.sha256(str(n).encode()).hexdigest()}"}) for n in range(200)]
    data = gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    found = read_file(tmp_path / "cut.jsonl.gz", tmp_path, Settings())

    (truncated,) = found.rejections
    assert (truncated.reason, truncated.source_record) == ("truncated", None)
    assert truncated.detail.startswith(f"the file breaks off at line {found.n_records + 1}")
    assert 50 < len(found.articles) == found.n_records < 200  # the lines before the break


def test_a_line_over_the_size_limit_is_skipped_alone(tmp_path):
    lines = [json.dumps({"text": "x" * 5000}), json.dumps({"text": "A short article.\n\nWith text."})]
    write_jsonl(tmp_path / "big.jsonl", lines)
    found = read_file(tmp_path / "big.jsonl", tmp_path, Settings(max_bytes=1000))

    assert [(r.source_record, r.reason) for r in found.rejections] == [(1, "too_large")]
    assert [a.source_record for a in found.articles] == [2]


def warc_bytes(gzipped: bool = True, last: bool = True) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))

    def response(url: str, body: bytes, content_type: str, status: str = "200 OK"):
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        return writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)

    request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "example.com")], is_http_request=True)
    writer.write_record(writer.create_warc_record("https://example.com/a", "request", http_headers=request))
    writer.write_record(response("https://example.com/a", PAGE.encode("cp1252"), "text/html"))
    writer.write_record(response("https://example.com/logo.png", b"\x89PNG....", "image/png"))
    writer.write_record(response("https://example.com/gone", b"<html>Not found</html>", "text/html", "404 Not Found"))
    if last:
        writer.write_record(response("https://example.com/b", "<html><p>Café au lait.</p></html>".encode(),
                                     "text/html; charset=utf-8"))
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_warc_responses_with_html_are_pages_and_the_rest_is_counted(tmp_path, name):
    (tmp_path / name).write_bytes(warc_bytes(gzipped=name.endswith(".gz")))
    found = read_file(tmp_path / name, tmp_path, Settings())

    assert found.rejections == []
    assert [(a.source_record, a.metadata.url, a.form) for a in found.articles] == [
        (3, "https://example.com/a", "html"),
        (6, "https://example.com/b", "html"),
    ]
    assert found.articles[0].text == PAGE  # the HTTP body, decoded with the page's declared charset
    assert found.articles[1].text == "<html><p>Café au lait.</p></html>"
    assert (found.n_records, found.n_skipped) == (6, 4)  # warcinfo, request, image, 404


def test_a_truncated_warc_keeps_the_records_before_the_break(tmp_path):
    whole, before_last = warc_bytes(), warc_bytes(last=False)
    (tmp_path / "cut.warc.gz").write_bytes(whole[: (len(whole) + len(before_last)) // 2])  # inside the last record
    found = read_file(tmp_path / "cut.warc.gz", tmp_path, Settings())

    assert [a.source_record for a in found.articles] == [3]
    (truncated,) = found.rejections
    assert truncated.reason == "truncated"
    assert truncated.detail.startswith("the file breaks off at record 6")


def test_sidecar_values_win_and_problems_are_named(tmp_path):
    sidecar = tmp_path / "meta.csv"
    sidecar.write_text(
        "source_file,title,outlet,published_at,authors\n"
        "a.txt,Budget passes,Gazette,2016-09-12,Ann Lee; Bo Chan\n"
        "./sub\\b.txt,,Herald,not a date,\n"
        ",Nameless,,,\n"
        "a.txt,Again,,,\n",
        encoding="utf-8",
    )
    read = read_sidecar(sidecar)

    assert read.lookup("a.txt", None) == Metadata(
        title="Budget passes", outlet="Gazette", authors=("Ann Lee", "Bo Chan"), published_date=date(2016, 9, 12),
        date_source="sidecar",
    )
    assert read.lookup("sub/b.txt", 3) == Metadata(outlet="Herald")  # a file's row holds for its every record
    assert read.problems == (
        "meta.csv row 3: publication date 'not a date' is not an ISO 8601 or RFC 2822 date; its date is left out",
        "meta.csv row 4: empty source_file; row left out",
        "meta.csv row 5: a second row for a.txt; the first is used",
    )
    assert read.unmatched({"a.txt"}) == ["sub/b.txt"]
    assert read.lookup("a.txt", None).over(Metadata(title="From the page", url="https://x")).title == "Budget passes"


@pytest.mark.parametrize("suffix", [".tsv", ".jsonl", ".parquet"])
def test_sidecar_formats(tmp_path, suffix):
    frame = pd.DataFrame(
        {"source_file": ["a.txt"], "source_record": [2], "published_at": ["2016-09-12T23:30:00+02:00"]}
    )
    path = tmp_path / f"meta{suffix}"
    {".tsv": lambda: frame.to_csv(path, sep="\t", index=False),
     ".jsonl": lambda: frame.to_json(path, orient="records", lines=True),
     ".parquet": lambda: frame.to_parquet(path)}[suffix]()
    found = read_sidecar(path).lookup("a.txt", 2)
    assert found.published_date == date(2016, 9, 12)
    assert found.published_at == datetime(2016, 9, 12, 21, 30, tzinfo=timezone.utc)


def test_a_sidecar_that_cannot_be_used_says_why(tmp_path):
    (tmp_path / "meta.csv").write_text("file,title\na.txt,A\n", encoding="utf-8")
    with pytest.raises(SidecarError, match="no source_file column"):
        read_sidecar(tmp_path / "meta.csv")
    (tmp_path / "meta.xlsx").write_bytes(b"PK")
    with pytest.raises(SidecarError, match="must be one of .csv"):
        read_sidecar(tmp_path / "meta.xlsx")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2016-09-12", (None, date(2016, 9, 12))),
        ("20160912", (None, date(2016, 9, 12))),
        ("2016-09-12 13:54:00", (None, date(2016, 9, 12))),  # no offset: the instant is not guessed
        ("2016-09-12T23:30:00Z", (datetime(2016, 9, 12, 23, 30, tzinfo=timezone.utc), date(2016, 9, 12))),
        ("2016-09-12T22:30:00-04:00", (datetime(2016, 9, 13, 2, 30, tzinfo=timezone.utc), date(2016, 9, 12))),
        ("Mon, 12 Sep 2016 08:00:00 +0100", (datetime(2016, 9, 12, 7, 0, tzinfo=timezone.utc), date(2016, 9, 12))),
        (date(2016, 9, 12), (None, date(2016, 9, 12))),
        (None, (None, None)),
        ("", (None, None)),
    ],
)
def test_publication_dates(value, expected):
    assert parse_published(value) == expected


def test_usual_field_names_and_authors():
    found = from_fields({"headline": " A  title ", "publisher": {"name": "Reuters"}, "author": "Smith, John; Doe, Jane",
                         "lang": "en"}, "jsonl")
    assert (found.title, found.outlet, found.authors, found.language) == (
        "A title", "Reuters", ("Smith, John", "Doe, Jane"), "en")
    with pytest.raises(BadMetadata):
        from_fields({"date": "soon"}, "jsonl")


def test_hostile_records_are_rejected_one_by_one(tmp_path):
    lines = [
        json.dumps({"text": "The mayor said \ud83d the plan works.\n\nIt does."}),  # a broken \u escape
        '{"text": "A story.", "nested": ' + "[" * 100_000 + "]" * 100_000 + "}",  # deeper than json reads
        json.dumps({"text": "Dated by a zero date.\n\nStill an article.", "date_publish": "0001-01-01T00:00:00+01:00"}),
        json.dumps({"text": "Odd fields.\n\nStill an article.", "title": ["A", "B"], "outlet": True,
                    "author": {"@type": "Person", "name": "Ann Lee"}}),
    ]
    (tmp_path / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = read_file(tmp_path / "dump.jsonl", tmp_path, Settings())

    reasons = {r.source_record: r.reason for r in found.rejections}
    assert reasons == {1: "undecodable", 2: "not_json"}
    dated, odd = found.articles
    assert dated.metadata.published_date is None and "out of range" in found.notes[0]
    assert (odd.metadata.title, odd.metadata.outlet, odd.metadata.authors) == ("A", None, ("Ann Lee",))


def test_a_page_naming_a_charset_that_is_no_charset_is_read_by_its_bytes(tmp_path):
    page = "<html><head><meta charset='base64'></head><body><p>Caf\xe9 society.</p></body></html>"
    (tmp_path / "page.html").write_bytes(page.encode("cp1252"))
    (article,) = read_file(tmp_path / "page.html", tmp_path, Settings()).articles
    assert "Café" in article.text


def test_the_same_bytes_read_another_way_are_another_cache_entry(tmp_path):
    (tmp_path / "story.txt").write_text("A story.\n\nWith text.", encoding="utf-8")
    (tmp_path / "story.html").write_text("A story.\n\nWith text.", encoding="utf-8")
    as_text, as_page = (read_file(tmp_path / name, tmp_path, Settings()).articles[0]
                        for name in ("story.txt", "story.html"))
    assert as_text.article_id == as_page.article_id and as_text.key != as_page.key


def test_a_crlf_line_of_exactly_the_limit_is_read(tmp_path):
    line = json.dumps({"text": "A story.\n\nWith text."}).encode()
    (tmp_path / "dump.jsonl").write_bytes(line + b"\r\n" + line + b"x\r\n")
    found = read_file(tmp_path / "dump.jsonl", tmp_path, Settings(max_bytes=len(line)))
    assert [a.source_record for a in found.articles] == [1]
    assert [(r.source_record, r.reason) for r in found.rejections] == [(2, "too_large")]


def test_sidecar_record_numbers_written_as_floats_and_missing_timestamps(tmp_path):
    frame = pd.DataFrame({"source_file": ["a.jsonl", "b.txt"], "source_record": [2.0, None],
                          "published_at": [pd.Timestamp("2016-09-12T10:00:00Z"), pd.NaT]})
    frame.to_parquet(tmp_path / "meta.parquet")
    read = read_sidecar(tmp_path / "meta.parquet")
    assert read.problems == ()
    assert read.lookup("a.jsonl", 2).published_date == date(2016, 9, 12)
    assert read.lookup("b.txt", None) == Metadata()
