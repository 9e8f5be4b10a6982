"""The evidence pages of articles, ``report/articles/<article_id>.html``:
which articles get one, and drawing them. Apart from the report page
(``newsflow/report.py``), which needs the corpus's entities, so that a run
can draw the pages while it builds them; and without pandas, so that a
worker that holds spaCy draws them at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Protocol

import pyarrow as pa
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from newsflow.config import Settings
from newsflow.evidence import (
    COLORS,
    MARKED,
    displayed_text,
    evidence_rows,
    marks_of,
    raw_articles,
    render_paragraphs,
)
from newsflow.ids import record_id
from newsflow.store import REPORT_DIR

FEATURED = 20  # articles given a page by a run: those with the most quotes
# The columns of ``articles`` a page and the report's list of them show.
ARTICLE_COLUMNS = ["article_id", "source_file", "source_record", "outlet", "published_date", "headline", "n_quotes",
                   "n_people"]
_TEMPLATES = files("newsflow") / "templates"
Reader = Callable[..., pa.Table]  # (table name, columns=None, filters=None) -> the table
Writer = Callable[[str, str], None]  # relative path in the output, text


class KeptPages(Protocol):
    def reuse(self, article_id: str) -> bool: ...  # the article's page, kept from an earlier run
    def written(self, article_id: str, relative: str) -> None: ...


def featured_articles(articles: pa.Table, featured: int = FEATURED) -> list[dict]:
    """The ``featured`` articles with the most quotes (ties by id), as rows."""
    ranked = articles.sort_by([("n_quotes", "descending"), ("article_id", "ascending")])
    return ranked.slice(0, featured).to_pylist()


def write_article_pages(read: Reader, write: Writer, articles: list[dict], raw_dir: str, settings: Settings,
                        kept: KeptPages | None = None) -> list[str]:
    """Write the evidence page of each article, or take it from ``kept``;
    returns the ids of the articles given a page. The articles are re-read
    from ``raw_dir`` as ``settings`` read them."""
    reused = [a["article_id"] for a in articles if kept is not None and kept.reuse(a["article_id"])]
    articles = [a for a in articles if a["article_id"] not in reused]
    if not articles:
        return reused
    rows_of = evidence_rows(read, {a["article_id"] for a in articles})
    raw_of = raw_articles(raw_dir, articles, settings)
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


def run_reading(run: dict) -> tuple[str, Settings]:
    """The raw folder of a run (a ``runs`` row) and settings that read its
    articles as it did: its size limits."""
    config = json.loads(run.get("config") or "{}")
    limits = {k: config[k] for k in ("max_bytes", "max_line_chars") if k in config}
    return run["raw_dir"], Settings().with_overrides(**limits)


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
    return environment().get_template("article.html").render(
        article=article, text=markup, records=records, colors=COLORS, css=css())


@cache
def environment() -> Environment:
    """The templates' environment: one per process, which compiles each
    template once."""
    return Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def css() -> Markup:
    return Markup((_TEMPLATES / "base.css").read_text())


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
