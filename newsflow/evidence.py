"""The evidence of one article: its text with every record marked where its
offsets say, drawn by spaCy's displaCy span renderer, and the list of the
records with their raw offsets. Marks are placed on the article's raw
decoded text, re-read from its file, so a page shows exactly what the
offsets point at.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path

from newsflow.config import Settings
from newsflow.formats import FileRead, read_records
from newsflow.ingest import RawArticle

# Record tables marked on the page, the columns a reader judges them by,
# and the label of their marks.
MARKED = {
    "quotes": ("quote_id", ["kind", "text", "speaker", "cue"]),
    "people": ("person_id", ["name", "titles", "roles"]),
    "organizations": ("organization_id", ["name", "acronym"]),
    "places": ("place_id", ["name", "feature", "country_code", "latitude", "longitude"]),
    "numbers": ("number_id", ["text", "kind", "value", "unit", "counts"]),
    "dates": ("date_id", ["text", "kind", "value", "granularity"]),
}
LABELS = {"direct": "DIRECT QUOTE", "partial": "PARTIAL QUOTE", "indirect": "INDIRECT QUOTE", "cue": "CUE",
          "people": "PERSON", "organizations": "ORG", "places": "PLACE", "numbers": "NUMBER", "dates": "DATE"}
COLORS = {"DIRECT QUOTE": "#f4c07a", "PARTIAL QUOTE": "#f7dca8", "INDIRECT QUOTE": "#c9b4e8", "CUE": "#e8a0a0",
          "PERSON": "#9fd3a8", "ORG": "#9cc4e8", "PLACE": "#b5e0dc", "NUMBER": "#e0d080", "DATE": "#d8c3a5"}
_TAG = re.compile(r"<[^>]*>")


@dataclass
class Mark:
    start: int
    end: int
    label: str
    link: str = ""  # a record id on the page (a quote's speaker)
    link_text: str = ""


def evidence_rows(read, article_ids: set[str]) -> dict[str, dict[str, list[dict]]]:
    """The rows of ``article_ids`` in the paragraphs and marked tables, by
    article and table, in order of their start."""
    found: dict[str, dict[str, list[dict]]] = {a: {} for a in article_ids}
    for name in ("paragraphs", *MARKED):
        # Filtered as read: the row groups of other articles are not decoded.
        rows = read(name, filters=[("article_id", "in", sorted(article_ids))]).to_pylist()
        for row in sorted(rows, key=lambda r: (r["start"], r["end"])):
            found[row["article_id"]].setdefault(name, []).append(row)
    return found


def raw_articles(raw_dir: str, articles: list[dict], settings: Settings) -> dict[str, RawArticle]:
    """The articles re-read from their raw files, by id: each file read once,
    and only until it has given the articles wanted of it (a dump may hold
    thousands). An article whose file is gone or no longer holds it (its
    bytes changed since the run) is missing."""
    wanted: dict[str, set[str]] = {}
    for article in articles:
        wanted.setdefault(article["source_file"], set()).add(article["article_id"])
    found: dict[str, RawArticle] = {}
    for source_file, ids in wanted.items():
        path = Path(raw_dir) / source_file
        if not path.is_file():
            continue
        for item in read_records(path, Path(raw_dir), settings, None, FileRead(source_file)):
            if isinstance(item, RawArticle) and item.article_id in ids:
                found[item.article_id] = item
                if ids <= found.keys():
                    break
    return found


def marks_of(rows: dict[str, list[dict]]) -> list[Mark]:
    """Every record's mark; a quote's cue is marked too, and its label names
    its speaker, linked to the speaker's record when one is listed."""
    people = {row["entity_id"]: row["person_id"] for row in rows.get("people", [])}
    marks = []
    for row in rows.get("quotes", []):
        speaker = people.get(row["speaker_entity_id"], row["quote_id"])
        marks.append(Mark(row["start"], row["end"], LABELS[row["kind"]], f"#{speaker}", row["speaker"] or ""))
        if row["cue_start"] is not None:
            marks.append(Mark(row["cue_start"], row["cue_end"], LABELS["cue"]))
    for name in ("people", "organizations", "places"):
        for row in rows.get(name, []):
            marks += [Mark(m["start"], m["end"], LABELS[name]) for m in row["mentions"]]
    for name in ("numbers", "dates"):
        marks += [Mark(row["start"], row["end"], LABELS[name]) for row in rows.get(name, [])]
    return marks


def render_paragraphs(text: str, paragraphs: list[tuple[int, int]], marks: list[Mark]) -> str:
    """displaCy markup of the paragraphs (``(start, end)`` in ``text``) with
    the marks inside them, one ``div`` each: a paragraph is cut into words
    at white space and at every mark's ends, so a mark covers whole words of
    the page even where a quotation mark is glued to a word."""
    parsed = [_parsed(text, start, end, marks) for start, end in paragraphs]
    if not parsed:
        return ""
    # Imported here: spaCy takes about 0.6 s to import, and most runs draw
    # no page (they keep the pages of unchanged articles).
    from spacy import displacy

    # One call for the article: each call builds a renderer, which reads
    # the colour registry's entry points (a millisecond each time).
    return displacy.render(parsed, style="span", manual=True, options={"colors": COLORS})


def _parsed(text: str, start: int, end: int, marks: list[Mark]) -> dict:
    inside = [m for m in marks if m.start < end and m.end > start]
    cuts = sorted({start, end, *(max(m.start, start) for m in inside), *(min(m.end, end) for m in inside)})
    words: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        words += [(a + m.start(), a + m.end()) for m in re.finditer(r"\S+", text[a:b])]
    # Words are in order and do not overlap, so those a mark covers whole
    # are a run of them, found by bisection: a long article has hundreds of
    # marks and thousands of words.
    starts, ends = [a for a, _ in words], [b for _, b in words]
    spans = []
    for mark in inside:
        first, last = bisect_left(starts, mark.start), bisect_right(ends, mark.end)
        if first < last:
            spans.append({"start_token": first, "end_token": last, "label": mark.label,
                          "kb_id": html.escape(mark.link_text), "kb_url": mark.link})
    return {"text": text[start:end], "tokens": [html.unescape(text[a:b]) for a, b in words], "spans": spans}


def displayed_text(article: RawArticle) -> str:
    """The raw text with a web page's tags blanked out, offsets unchanged."""
    if article.form != "html":
        return article.text
    return _TAG.sub(lambda m: " " * len(m.group()), article.text)
