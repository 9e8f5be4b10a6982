"""The report page and an article's evidence page, from a real run on a few
articles (text, a JSONL dump with outlets and dates, a web page), opened in
headless Chromium with the network off: they load with no console error,
every chart is drawn, and a screenshot of each is kept as a test artifact
(``test-artifacts/``, or ``$NEWSFLOW_TEST_ARTIFACTS``)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE, SHORT_ARTICLE, cli_environment, run, run_cli

CHARTS = ["articles-by-outlet", "articles-by-month", "speakers-by-quotes", "speakers-by-articles", "quote-kinds",
          "top-people", "top-organizations", "top-places", "places-map", "numbers-counted", "dates-by-year", "runs"]
ARTIFACTS = Path(os.environ.get("NEWSFLOW_TEST_ARTIFACTS", REPO / "test-artifacts"))


@pytest.fixture(scope="module")
def reported(prefect_server, tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("report-raw")
    shutil.copy(SAMPLE, raw / "sample.txt")
    (raw / "empty.txt").write_bytes(b"")
    shutil.copy(REPO / "tests" / "pages" / "harpers.org.justice.html", raw / "justice.html")
    records = [
        {"text": SHORT_ARTICLE, "outlet": "Daily Ledger", "published": "2024-03-05"},
        {"text": SAMPLE.read_text(encoding="utf-8").replace("Nazary", "Nazari"), "outlet": "Kabul Wire",
         "published": "2024-04-11"},
    ]
    (raw / "dump.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path_factory.mktemp("report-out")
    run(raw, out)
    return out


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert binary and driver, "the report test needs Debian's chromium and chromium-driver (make test installs them)"
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600",
                     # The network off: every request but to this machine goes to a closed port.
                     "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))


def _open(browser, page: Path, screenshot: str) -> list[dict]:
    """Open ``page``, save its screenshot, and return its console errors."""
    browser.get(page.as_uri())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1280, min(max(height, 800), 12000))
    assert browser.save_screenshot(str(ARTIFACTS / screenshot))
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_the_report_and_an_article_page_render_offline_with_every_chart(reported):
    from selenium.webdriver.common.by import By

    index = reported / "report" / "index.html"
    articles = sorted((reported / "report" / "articles").glob("*.html"))
    assert index.is_file() and articles
    browser = _browser()
    try:
        assert _open(browser, index, "report.png") == []
        for chart in CHARTS:
            marks = browser.find_elements(By.CSS_SELECTOR, f"#chart-{chart} svg path, #chart-{chart} svg rect")
            assert marks, f"chart {chart} is not drawn"
        sections = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
        assert sections == ["The corpus", "Who is quoted", "Who and what is mentioned", "Numbers and dates",
                            "Data health", "Articles"]
        assert "empty.txt" in browser.find_element(By.ID, "health").find_element(By.XPATH, "following::table").text
        docs = browser.find_element(By.LINK_TEXT, "quotes").get_attribute("href")
        results = Path(docs.removeprefix("file://")).read_text(encoding="utf-8")
        run_id = json.loads((reported / "manifest.json").read_text())["run_id"]
        assert run_id in results and "__none__" not in results and "Data asset:" in results
        link = browser.find_element(By.CSS_SELECTOR, "#articles ~ table a")
        page = reported / "report" / link.get_attribute("href").split("/report/", 1)[1]

        assert _open(browser, page, "article.png") == []
        text = browser.find_element(By.CSS_SELECTOR, ".text").text
        for label in ("DIRECT QUOTE", "INDIRECT QUOTE", "CUE", "PERSON", "ORG", "PLACE", "DATE", "NUMBER"):
            assert label in text, f"no {label} marked"
        assert browser.find_elements(By.CSS_SELECTOR, ".records li[id]")
    finally:
        browser.quit()


def test_show_writes_the_page_of_an_article_named_by_its_file(reported, shared_server):
    shown = run_cli("show", "dump.jsonl#2", "--out", str(reported), cwd=REPO, env=cli_environment(**shared_server))
    assert shown.returncode == 0, shown.stderr
    page = Path(shown.stdout.strip().removeprefix("file://"))
    assert page.parent == reported.resolve() / "report" / "articles" and page.is_file()
    assert "Ali Nazari" in page.read_text(encoding="utf-8")

    missing = run_cli("show", "nowhere.txt", "--out", str(reported), cwd=REPO, env=cli_environment(**shared_server))
    assert missing.returncode == 1 and "no article 'nowhere.txt'" in missing.stderr


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="workers are capped to the CPUs")
def test_a_worker_of_a_run_on_two_draws_the_same_evidence_pages(reported, shared_server, tmp_path):
    from cli.running import EXIT_QUARANTINED
    from newsflow.store import read_table

    raw = read_table(reported, "runs").to_pylist()[-1]["raw_dir"]
    out = tmp_path / "out"
    result = run_cli("run", raw, "--out", str(out), "--workers", "2", "-v", cwd=REPO,
                     env=cli_environment(**shared_server))
    assert result.returncode == EXIT_QUARANTINED, result.stderr  # empty.txt
    assert re.search(r"Task run 'draw-article-pages-\w+' - Finished in state Completed", result.stderr)

    def pages(output: Path) -> dict[str, bytes]:
        return {page.name: page.read_bytes() for page in (output / "report" / "articles").glob("*.html")}

    assert pages(out) and pages(out) == pages(reported)

    # A run that reads no file starts no worker for them: its pages are the published ones.
    again = run_cli("run", raw, "--out", str(out), "--workers", "2", "--force", "-v", cwd=REPO,
                    env=cli_environment(**shared_server))
    assert again.returncode == EXIT_QUARANTINED, again.stderr
    assert "Finished in state Completed" in again.stderr and "draw-article-pages" not in again.stderr
    assert pages(out) == pages(reported)


def test_every_article_still_in_its_file_gets_a_page_and_one_whose_file_is_gone_none(reported, tmp_path):
    from functools import partial

    from newsflow.article_pages import run_reading, write_article_pages
    from newsflow.store import read_table

    read = partial(read_table, reported)
    articles = read("articles").to_pylist()
    run = read("runs").to_pylist()[-1]
    written = []
    pages = write_article_pages(read, lambda path, text: written.append(path), articles, *run_reading(run))
    assert sorted(pages) == sorted(a["article_id"] for a in articles)  # both records of dump.jsonl among them
    assert len(written) == len(articles)
    gone = run_reading({**run, "raw_dir": str(tmp_path)})
    assert write_article_pages(read, lambda path, text: None, articles, *gone) == []


def test_a_mark_covers_the_whole_words_inside_it_and_no_other():
    import random
    import re

    from newsflow.evidence import Mark, _parsed

    rng = random.Random(7)
    text = " ".join(rng.choice(["word", "“quoted”", "a", "longer-word,", "x\n"]) for _ in range(400))
    marks = [Mark(a, a + rng.randint(1, 60), "QUOTE") for a in (rng.randrange(len(text)) for _ in range(150))]
    start, end = 100, len(text) - 100
    parsed = _parsed(text, start, end, marks)
    cuts = sorted({start, end, *(max(m.start, start) for m in marks if m.start < end and m.end > start),
                   *(min(m.end, end) for m in marks if m.start < end and m.end > start)})
    words = [(a + w.start(), a + w.end()) for a, b in zip(cuts, cuts[1:]) for w in re.finditer(r"\S+", text[a:b])]
    expected = []
    for mark in (m for m in marks if m.start < end and m.end > start):
        covered = [i for i, (a, b) in enumerate(words) if a >= mark.start and b <= mark.end]
        if covered:
            expected.append((covered[0], covered[-1] + 1))
    assert [(s["start_token"], s["end_token"]) for s in parsed["spans"]] == expected
    assert len(expected) > 50 and parsed["tokens"] == [text[a:b] for a, b in words]
