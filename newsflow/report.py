"""The report: ``report/index.html``, one self-contained page about the
output (corpus, quotes, mentions, numbers and dates, data health), linking
the evidence pages of its featured articles (``newsflow/article_pages.py``).
Pages carry their styles and their charts (SVG) inline and load nothing:
they open from disk, offline, and print.
"""

from __future__ import annotations

from markupsafe import Markup

from newsflow import charts
from newsflow.article_pages import (
    FEATURED,
    KeptPages,
    Reader,
    Writer,
    css,
    environment,
    run_reading,
    write_article_pages,
)
from newsflow.report_data import Ranking, report_data
from newsflow.store import REPORT_DIR, VALIDATION_DIR
from newsflow.validate import DOCS_PAGES

INDEX = f"{REPORT_DIR}/index.html"
DOCS = f"{VALIDATION_DIR}/data_docs"
DOCS_PAGES_FILE = f"{DOCS}/{DOCS_PAGES}"


def _chart(name: str, ranking: Ranking, kind: str = "bars") -> Markup:
    if not ranking.labels:
        return Markup('<p class="empty" id="chart-{}">{}: nothing to show.</p>').format(name, ranking.title)
    draw = charts.columns if kind == "columns" else charts.bars
    return _figure(name, draw(ranking.title, ranking.labels, ranking.values))


def _figure(name: str, svg: str) -> Markup:
    return Markup('<figure class="chart" id="chart-{}">{}</figure>').format(name, Markup(svg))


def write_report(read: Reader, write: Writer, out_dir: str, validation: dict, docs_pages: dict[str, str],
                 featured: int = FEATURED, kept: KeptPages | None = None, pages: list[str] | None = None) -> list[str]:
    """Write the report page and the evidence pages of the ``featured``
    articles with the most quotes, but those ``kept`` has, or link the
    ``pages`` already drawn (``article_pages.featured_articles``); returns
    the ids of the articles given a page (an article whose raw file is gone
    or changed gets none). ``validation`` is the run's validation summary,
    ``docs_pages`` each table's Data Docs page (in the Data Docs folder)."""
    data = report_data(read, validation, featured)
    if pages is None:
        pages = write_article_pages(read, write, data.articles, *run_reading(data.run), kept) if data.run else []
    mapped, history = data.mapped, data.runs  # runs oldest first
    places_map = _figure("places-map", charts.points_on_globe(
        f"Places with coordinates (the {len(mapped)} most mentioned)", list(mapped["name"]),
        [float(v) for v in mapped["longitude"]], [float(v) for v in mapped["latitude"]],
        [float(v) for v in mapped["n_mentions"]])) if len(mapped) else ""
    runs_chart = _figure("runs", charts.stacked(
        "Articles per run", [r["run_id"][:15] for r in history],
        {"extracted": [float(r["n_extracted"]) for r in history], "reused": [float(r["n_reused"]) for r in history]},
    )) if any(r["n_articles"] for r in history) else ""
    page = environment().get_template("report.html").render(
        data=data, run=data.run, out_dir=out_dir, css=css(), chart=_chart, map=places_map, runs=history[::-1],
        runs_chart=runs_chart, docs=f"../{DOCS}", docs_pages=docs_pages, pages=set(pages))
    write(INDEX, page)
    return pages
