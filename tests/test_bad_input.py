"""Bad files are named, quarantined with their reason, and stop nothing else.

One real flow run over a folder holding the sample article next to every kind
of bad input; each test checks one of them.
"""

from __future__ import annotations

import json
import shutil

import pytest

import newsflow.article
import tasks.ingest
from newsflow.ingest import list_raw_files
from tests.conftest import SAMPLE, read

BAD_FILES = {
    "empty.txt": b"",
    "binary.bin": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    "undecodable.txt": "Une d\u00e9claration du minist\u00e8re a \u00e9t\u00e9 publi\u00e9e. ".encode() * 5 + b"\xff\xfe\xfa broken",
    "one_line.txt": b"word " * 40_000,  # a single 200,000-character line
}


@pytest.fixture(scope="module")
def bad_run(prefect_server, tmp_path_factory):
    from flows.pipeline import newsflow_pipeline

    raw = tmp_path_factory.mktemp("bad-raw")
    (raw / "good").mkdir()
    shutil.copy(SAMPLE, raw / "good" / SAMPLE.name)
    shutil.copy(SAMPLE, raw / "good" / "copy_of_sample.txt")
    for name, data in BAD_FILES.items():
        (raw / name).write_bytes(data)
    with open(raw / "huge.txt", "wb") as handle:  # 50 MB
        handle.truncate(50 * 1024 * 1024)
    vanishing = raw / "vanishing.txt"
    vanishing.write_text("An article that is deleted after it was listed.\n\nIt said things.", encoding="utf-8")

    def list_then_delete(raw_dir):
        # The file exists when the folder is listed and is gone when it is
        # read: the race of a file removed while the run is under way.
        listed = list_raw_files(raw_dir)
        vanishing.unlink()
        return listed

    (raw / "poison.txt").write_text("Headline\n\nAn article that trips a bug in extraction.", encoding="utf-8")
    (raw / "suspect.txt").write_text(
        'City budget\n\n"We will balance the budget this year," Mayor Jane Smith said on Monday.\n', encoding="utf-8"
    )
    real_article_rows = newsflow.article.article_rows

    def article_rows_with_a_bug(article, cleaned, doc):
        if article.source_file == "poison.txt":
            raise RuntimeError("simulated extractor bug")
        rows = real_article_rows(article, cleaned, doc)
        if article.source_file == "suspect.txt":  # a record that breaks the quotes contract
            rows["quotes"][0]["kind"] = "rumour"
        return rows

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(tasks.ingest, "list_raw_files", list_then_delete)
    monkeypatch.setattr(newsflow.article, "article_rows", article_rows_with_a_bug)
    out = tmp_path_factory.mktemp("bad-out")
    try:
        summary = newsflow_pipeline(raw_dir=str(raw), out_dir=str(out), batch_size=3)
    finally:
        monkeypatch.undo()
    return out, summary


def quarantined(bad_run, source_file):
    out, summary = bad_run
    rows = read(out, "quarantine")
    found = rows[(rows["source_file"] == source_file) & (rows["stage"] == "ingest")]
    assert len(found) == 1, f"{source_file} should be quarantined once, found {len(found)}"
    in_summary = [q for q in summary["quarantine"] if q["source_file"] == source_file]
    assert in_summary and in_summary[0]["reason"] == found.iloc[0]["reason"]
    return found.iloc[0]


def test_the_good_article_is_processed_despite_bad_neighbours(bad_run):
    out, summary = bad_run
    articles = read(out, "articles")
    assert list(articles["source_file"]) == ["good/000_b04a174037bea8be.txt", "suspect.txt"]
    assert len(read(out, "quotes")) > 40
    assert summary["n_articles"] == 2


@pytest.mark.parametrize(
    "source_file, reason, detail",
    [
        ("empty.txt", "empty", "empty"),
        ("binary.bin", "binary", "NUL"),
        ("undecodable.txt", "undecodable", "0xff"),
        ("huge.txt", "too_large", "52,428,800 bytes"),
        ("one_line.txt", "line_too_long", "200,000"),
        ("vanishing.txt", "vanished", "disappeared"),
        ("good/copy_of_sample.txt", "duplicate", "good/000_b04a174037bea8be.txt"),
        ("poison.txt", "extraction_error", "RuntimeError: simulated extractor bug"),
    ],
    ids=["empty", "binary", "undecodable", "huge", "enormous-line", "vanished", "duplicate", "extractor-bug"],
)
def test_each_bad_file_is_quarantined_with_its_reason(bad_run, source_file, reason, detail):
    row = quarantined(bad_run, source_file)
    assert row["reason"] == reason
    assert detail in row["detail"]


def test_run_manifest_lists_every_input(bad_run):
    out, _ = bad_run
    run = read(out, "runs").iloc[-1]
    names = {i["source_file"] for i in run["inputs"]}
    assert names == {"good/000_b04a174037bea8be.txt", "good/copy_of_sample.txt", "huge.txt", "vanishing.txt",
                     "poison.txt", "suspect.txt", *BAD_FILES}
    assert run["n_quarantined"] == 9  # eight files and one record


def test_a_record_that_fails_validation_is_kept_aside_with_the_failed_expectation(bad_run):
    out, summary = bad_run
    rows = read(out, "quarantine")
    found = rows[rows["stage"] == "validate"]
    assert list(found["source_file"]) == ["suspect.txt"]
    assert list(found["table_name"]) == ["quotes"]
    assert list(found["reason"]) == ["expect_column_values_to_be_in_set(kind)"]
    assert json.loads(found.iloc[0]["record"])["kind"] == "rumour"
    assert "rumour" not in set(read(out, "quotes")["kind"])
    assert summary["validation_success"] is False
    report = json.loads((out / "_validation" / "summary.json").read_text())
    kind = next(v for k, v in report["quotes"].items() if k.startswith("expect_column_values_to_be_in_set") and '"kind"' in k)
    assert kind["unexpected"] == 1
