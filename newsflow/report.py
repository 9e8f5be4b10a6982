"""The report: ``report/index.html``, one self-contained page about the
output (corpus, quotes, mentions, numbers and dates, data health), and
``report/articles/<article_id>.html``, the evidence page of an article.
Pages carry their styles and their charts (SVG) inline and load nothing:
they open from disk, offline, and print.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Protocol

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from newsflow import charts
from newsflow.evidence import (
    COLORS,
    MARKED,
    article_settings,
    displayed_text,
    evidence_rows,
    marks_of,
    raw_articles,
    render_paragraphs,
)
from newsflow.ids import record_id
from newsflow.report_data import Ranking, Reader, report_data
from newsflow.store import REPORT_DIR, VALIDATION_DIR
from newsflow.validate import DOCS_PAGES

INDEX = f"{REPORT_DIR}/index.html"
DOCS = f"{VALIDATION_DIR}/data_docs"
DOCS_PAGES_FILE = f"{DOCS}/{DOCS_PAGES}"
_TEMPLATES = files("newsflow") / "templates"
Writer = Callable[[str, str], None]  # relative path in the output, text


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def _chart(name: str, ranking: Ranking, kind: str = "bars") -> Markup:
    if not ranking.labels:
        return Markup('<p class="empty" id="chart-{}">{}: nothing to show.</p>').format(name, ranking.title)
    draw = charts.columns if kind == "columns" else charts.bars
    return _figure(name, draw(ranking.title, ranking.labels, ranking.values))


def _figure(name: str, svg: str) -> Markup:
    return Markup('<figure class="chart" id="chart-{}">{}</figure>').format(name, Markup(svg))


class KeptPages(Protocol):
    def reuse(self, article_id: str) -> bool: ...  # the article's page, kept from an earlier run
    def written(self, article_id: str, relative: str) -> None: ...


def write_report(read: Reader, write: Writer, out_dir: str, validation: dict, docs_pages: dict[str, str],
                 featured: int = 20, kept: KeptPages | None = None) -> list[str]:
    """Write the report page and the evidence pages of the ``featured``
    articles with the most quotes, but those ``kept`` has; returns the ids
    of the articles given a page (an article whose raw file is gone or
    changed gets none). ``validation`` is the run's validation summary,
    ``docs_pages`` each table's Data Docs page (in the Data Docs folder)."""
    data = report_data(read, validation, featured)
    pages = write_article_pages(read, write, data.articles, data.run, kept)
    mapped, history = data.mapped, data.runs  # runs oldest first
    places_map = _figure("places-map", charts.points_on_globe(
        f"Places with coordinates (the {len(mapped)} most mentioned)", list(mapped["name"]),
        [float(v) for v in mapped["longitude"]], [float(v) for v in mapped["latitude"]],
        [float(v) for v in mapped["n_mentions"]])) if len(mapped) else ""
    runs_chart = _figure("runs", charts.stacked(
        "Articles per run", [r["run_id"][:15] for r in history],
        {"extracted": [float(r["n_extracted"]) for r in history], "reused": [float(r["n_reused"]) for r in history]},
    )) if any(r["n_articles"] for r in history) else ""
    page = _environment().get_template("report.html").render(
        data=data, run=data.run, out_dir=out_dir, css=_css(), chart=_chart, map=places_map, runs=history[::-1],
        runs_chart=runs_chart, docs=f"../{DOCS}", docs_pages=docs_pages, pages=set(pages))
    write(INDEX, page)
    return pages


def write_article_pages(read: Reader, write: Writer, articles: list[dict], run: dict,
                        kept: KeptPages | None = None) -> list[str]:
    """Write the evidence page of each article, or take it from ``kept``;
    returns the ids of the articles given a page."""
    if not articles or not run:
        return []
    reused = [a["article_id"] for a in articles if kept is not None and kept.reuse(a["article_id"])]
    articles = [a for a in articles if a["article_id"] not in reused]
    if not articles:
        return reused
    settings = article_settings(json.loads(run.get("config") or "{}"))
    rows_of = evidence_rows(read, {a["article_id"] for a in articles})
    raw_of = raw_articles(run["raw_dir"], articles, settings)
    written = []
    for article in articles:
        raw = raw_of.get(article["article_id"])
        if raw is None:
            continue
        relative = f"{REPORT_DIR}/articles/{article['article_id']}.html"
        write(relative, article_page(article, displayed_text(raw), rows_of[article["article_id"]]))
        if kept is not None:
            kept.written(article["article_id"], relative)
        written.append(article["article_id"])
    return reused + written


def page_key(rows_key: str) -> str:
    """What an article's evidence page is drawn from: its rows (``rows_key``
    covers them and the code that made them) and the report's templates."""
    return record_id(rows_key, _templates_digest())


@cache
def _templates_digest() -> str:
    templates = sorted((entry.name, entry.read_bytes()) for entry in _TEMPLATES.iterdir() if entry.is_file())
    return hashlib.sha256(repr(templates).encode()).hexdigest()


def article_page(article: dict, text: str, rows: dict[str, list[dict]]) -> str:
    """The evidence page of one article: ``text`` is its raw decoded text
    (tags blanked), ``rows`` its rows by table."""
    paragraphs = [(p["start"], p["end"]) for p in rows.get("paragraphs", [])]
    markup = Markup(render_paragraphs(text, paragraphs, marks_of(rows)))
    records = {name: [_record(name, row) for row in rows.get(name, [])] for name in MARKED}
    return _environment().get_template("article.html").render(
        article=article, text=markup, records=records, colors=COLORS, css=_css())


def _record(table: str, row: dict) -> dict:
    id_column, columns = MARKED[table]
    shown = [f"{c}: {_plain(row[c])}" for c in columns if row.get(c) not in (None, [], "")]
    return {"id": row[id_column], "start": row["start"], "end": row["end"], "summary": "; ".join(shown)}


def _plain(value) -> str:
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return value.get("text") or value.get("title") or json.dumps(value, default=str)
    return f"“{value}”" if isinstance(value, str) and len(value) > 40 else str(value)


def _css() -> Markup:
    return Markup((_TEMPLATES / "base.css").read_text())
