"""Main text and metadata of an HTML page, with offsets into the page itself.

trafilatura finds the article's main text but gives no offsets, so its
output is aligned back to the page: the markup phase of cleaning makes the
page's visible text (each character mapped to the HTML), trafilatura's lines
are found in it in order, everything else is deleted, and the normalising
phase finishes the job. Nothing is taken from trafilatura's text itself: a
line that cannot be found in the page is dropped, so every character of the
result is the page's own and ``html[start:end]`` is always the evidence.
"""

from __future__ import annotations

import bisect
import json
import re
from datetime import date, datetime, timezone

import trafilatura
from lxml.html import HtmlElement
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from newsflow.clean import CleanText, Edit, MappedText, clean, normalise, strip_markup, trimmed
from newsflow.metadata import Metadata

# Comments are reader debris; tables come out as "| a | b |" rows, which are
# not the page's text, and made no difference on the evaluation pages.
_EXTRACT_OPTIONS = {"include_comments": False, "include_tables": False}

# What text matching ignores: whitespace, and the invisible characters that
# trafilatura drops (controls, soft hyphens, zero-width and direction marks).
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\xad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]+")
# trafilatura marks list items with "- " (nested ones indented): not page text.
_LIST_MARKER = re.compile(r"^\s*- ")
# How a line of prose ends, as a headline, a date or a menu does not.
_SENTENCE_STOPS = ".!?…\"'”’)"
# A sentence ends at whitespace after its stop and any closing quotes.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…:;])|(?<=[.!?…:;][\"'”’)\]]))\s+")
# A line too short to be placed by itself anywhere in the page: "More", "AP".
_MIN_ANYWHERE = 20
# A login wall or an index page still gives trafilatura some lines; an article
# has some sentences. Counted in lines of at least _PROSE_LINE words.
_MIN_PROSE_WORDS = 30
_PROSE_LINE = 6

_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(r"<body\b", re.IGNORECASE)
_FIRST_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.DOTALL | re.IGNORECASE)
_TITLE_SEPARATOR = re.compile(r"\s+[|–—-]\s+")
_MIN_TITLE_WORDS = 3
# htmldate's default latest date is today, which would make a page's date
# depend on the day it is read (and keep the answer in the cache).
_DATE_CONFIG = {"original_date": True, "extensive_search": False, "max_date": "2099-12-31"}
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$")
_PUBLISHED_META = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@name='article:published_time']/@content",
    "//meta[@property='og:article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//*[@itemprop='datePublished']/@datetime",
)


class NoArticleText(ValueError):
    """The page holds no article text (a login wall, an index, an empty page)."""

    reason = "no_article"


def page_text(html: str, url: str | None = None) -> CleanText:
    """The page's headline and main text, cleaned, with offsets into ``html``."""
    # bare_extraction is extract() with the metadata title in the same parse,
    # and before extract's final NFC step, which would keep a decomposed accent
    # from being found in the page.
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True, **_EXTRACT_OPTIONS)
    if document is None or not document.text or not document.text.strip():
        raise NoArticleText("no article text: trafilatura found no main text in the page")
    mapped = MappedText(html)
    strip_markup(mapped)
    visible = _Squeezed(mapped.text)
    body = _body_start(html, mapped, visible)
    spans = _align(visible.key, document.text.splitlines(), body)
    if not spans:
        raise NoArticleText("no article text: none of the main text trafilatura found is in the page's body")
    title = _title_span(visible, _title_candidates(document.title, html), body, _first_prose(visible, spans))
    if title is not None:
        spans = _headed(title, spans)
    _keep(mapped, _whole_words(mapped.text, [visible.span(start, end) for start, end in spans]))
    normalise(mapped, remove_boilerplate_lines=True)
    cleaned = trimmed(mapped)
    main = cleaned.text[cleaned.text.find("\n") + 1 :] if title is not None else cleaned.text
    if _prose_words(main) < _MIN_PROSE_WORDS:
        raise NoArticleText(
            f"no article text: under {_MIN_PROSE_WORDS} words of prose in the page's main text ({main[:60]!r})"
        )
    return cleaned


class _Squeezed:
    """Visible text without what matching ignores, mapped back by index."""

    def __init__(self, text: str):
        self.text = text
        parts, self.index = [], []
        cursor = 0
        for m in _INVISIBLE.finditer(text):
            parts.append(text[cursor : m.start()])
            self.index.extend(range(cursor, m.start()))
            cursor = m.end()
        parts.append(text[cursor:])
        self.index.extend(range(cursor, len(text)))
        self.key = "".join(parts)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Visible ``[start, end)`` of the key's ``[start, end)``."""
        return self.index[start], self.index[end - 1] + 1


def _body_start(html: str, mapped: MappedText, visible: _Squeezed) -> int:
    """Key index where the page's body begins: the <title> in its head repeats
    the headline, and would be taken for it."""
    found = [m.start() for m in (_HEAD_END.search(html), _BODY_START.search(html)) if m]
    if not found:
        return 0
    raw = min(found)
    return bisect.bisect_left(range(len(visible.key)), raw, key=lambda i: mapped.starts[visible.index[i]])


def _squeeze(text: str) -> str:
    return _INVISIBLE.sub("", text)


class _Taken:
    """Disjoint key spans already given to a line, kept sorted."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        return (i == 0 or self.ends[i - 1] <= start) and (i == len(self.starts) or end <= self.starts[i])

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def _find(key: str, needle: str, start: int, end: int, taken: _Taken) -> int:
    """First free occurrence of ``needle`` in ``key[start:end]``, or -1."""
    i = key.find(needle, start, end)
    while i != -1 and not taken.free(i, i + len(needle)):
        i = key.find(needle, i + 1, end)
    return i


def _align(key: str, lines: list[str], body: int) -> list[tuple[int, int]]:
    """Key spans of trafilatura's lines in the body, in page order.

    Each line is looked for after the previous one, then anywhere still free
    if it is long enough not to match by chance; a line found nowhere is
    aligned sentence by sentence, and what is still missing is dropped.
    """
    taken = _Taken()
    cursor = body
    for line in lines:
        for needle in _needles(line, key, body, taken):
            i = _find(key, needle, cursor, len(key), taken)
            if i == -1 and len(needle) >= _MIN_ANYWHERE:
                i = _find(key, needle, body, cursor, taken)
            if i == -1:
                continue
            taken.add(i, i + len(needle))
            cursor = max(cursor, i + len(needle))
    return list(zip(taken.starts, taken.ends))


def _needles(line: str, key: str, body: int, taken: _Taken) -> list[str]:
    """The line's text to look for: whole if it is in the body (with or without
    trafilatura's list marker), else its sentences."""
    unmarked = _LIST_MARKER.sub("", line)
    for whole in dict.fromkeys((_squeeze(line), _squeeze(unmarked))):
        if whole and _find(key, whole, body, len(key), taken) != -1:
            return [whole]
    return [s for s in map(_squeeze, _SENTENCE_END.split(unmarked)) if s]


def _title_candidates(title: str | None, html: str) -> list[str]:
    """The metadata title, the first <h1>, and the title without a site suffix;
    none under _MIN_TITLE_WORDS words, which is a logo or a section name."""
    candidates = [title, _first_h1(html), title and _TITLE_SEPARATOR.split(title)[0]]
    return [c for c in dict.fromkeys(candidates) if c and len(c.split()) >= _MIN_TITLE_WORDS]


def _first_h1(html: str) -> str | None:
    h1 = _FIRST_H1.search(html)
    if h1 is None:
        return None
    return clean(h1.group(1), remove_boilerplate_lines=False).text or None


def _title_span(visible: _Squeezed, candidates: list[str], body: int, prose: int) -> tuple[int, int] | None:
    """Key span of the headline between the body's start and the first prose:
    the candidate occurrence nearest the prose, one that is a line of its own
    if there is one."""
    found = []
    for needle in map(_squeeze, candidates):
        i = visible.key.find(needle, body, prose)
        while i != -1:
            found.append((i, i + len(needle)))
            i = visible.key.find(needle, i + 1, prose)
    whole_lines = [span for span in found if _is_line(visible, *span)]
    return max(whole_lines or found, key=lambda span: (span[1], -span[0]), default=None)


def _first_prose(visible: _Squeezed, spans: list[tuple[int, int]]) -> int:
    """Key index where the first sentence-like span starts (the first span if none is)."""
    for start, end in spans:
        text = visible.text[slice(*visible.span(start, end))]
        if len(text.split()) >= _PROSE_LINE and text.rstrip()[-1] in _SENTENCE_STOPS:
            return start
    return spans[0][0]


def _headed(title: tuple[int, int], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Key spans with the title first: what trafilatura kept above the headline
    is page furniture (kicker, breadcrumb, date), and a line that overlaps it
    joins it."""
    start, end = title
    for s, e in spans:
        if s < end and e > start:
            start, end = min(start, s), max(end, e)
    return [(start, end)] + [(s, e) for s, e in spans if s >= end]


def _is_line(visible: _Squeezed, start: int, end: int) -> bool:
    text = visible.text
    start, end = visible.span(start, end)
    before = text[text.rfind("\n", 0, start) + 1 : start]
    newline = text.find("\n", end)
    after = text[end : newline if newline != -1 else len(text)]
    return not _squeeze(before) and not _squeeze(after)


def _keep(mapped: MappedText, spans: list[tuple[int, int]]) -> None:
    """Delete all but the visible ``spans``: text between two of them becomes a
    paragraph break, recorded as boilerplate; only edits inside the kept
    stretch of the page are kept."""
    text = mapped.text
    gaps = [(end, start) for (_, end), (start, _) in zip(spans, spans[1:]) if _squeeze(text[end:start])]
    raw_gaps = [(mapped.starts[start], mapped.ends[end - 1]) for start, end in gaps]
    gap_starts = [a for a, _ in raw_gaps]
    first, last = mapped.starts[spans[0][0]], mapped.ends[spans[-1][1] - 1]

    def in_a_gap(edit: Edit) -> bool:
        i = bisect.bisect_right(gap_starts, edit.start) - 1
        return i >= 0 and edit.end <= raw_gaps[i][1]

    mapped.edits = [e for e in mapped.edits if first <= e.start and e.end <= last and not in_a_gap(e)]
    mapped.edits.extend(Edit("boilerplate", mapped.raw[a:b], a, b) for a, b in raw_gaps)
    pieces = [(0, spans[0][0], "")] + [(start, end, "\n\n") for start, end in gaps] + [(spans[-1][1], len(text), "")]
    mapped.splice([(start, end, new) for start, end, new in pieces if end > start], None)


def _whole_words(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Visible spans widened to whole words and merged: trafilatura can lose a
    drop cap's letter, and half a word is never a paragraph's edge."""
    widened: list[tuple[int, int]] = []
    for start, end in spans:
        floor = widened[-1][1] if widened else 0
        while start > floor and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
            end += 1
        if widened and start <= widened[-1][1]:
            widened[-1] = (widened[-1][0], max(end, widened[-1][1]))
        else:
            widened.append((start, end))
    return widened


def _prose_words(text: str) -> int:
    counts = (len(line.split()) for line in text.splitlines())
    return sum(n for n in counts if n >= _PROSE_LINE)


def page_metadata(html: str, url: str | None = None) -> Metadata:
    """Title, canonical URL, outlet, authors, language and publication date.

    ``published_date`` is trafilatura's (htmldate's) date; ``published_at``
    adds the time only from explicit metadata with a UTC offset, and only
    when its local date is that date.
    """
    # Not htmldate's extensive search: it reads "© 2024" as 1 January 2024.
    meta = extract_metadata(html, default_url=url, date_config=_DATE_CONFIG, extensive=False)
    tree = load_html(html)
    title = _without_outlet(meta.title, meta.sitename) if meta.title else _first_h1(html)
    published_date = date.fromisoformat(meta.date) if meta.date else None
    published_at = None
    for stamp in _published_stamps(tree) if tree is not None else []:
        if stamp.date() == published_date:
            published_at = stamp.astimezone(timezone.utc)
            break
    return Metadata(
        title=title,
        url=meta.url or url,
        outlet=meta.sitename,
        authors=tuple(a.strip() for a in (meta.author or "").split(";") if a.strip()),
        language=_language(tree) if tree is not None else None,
        published_at=published_at,
        published_date=published_date,
        date_source="html" if published_date else None,
    )


def _without_outlet(title: str, outlet: str | None) -> str:
    """The title without the " | Outlet" or "Outlet | " that pages add to it."""
    if not outlet:
        return title
    name = re.escape(outlet)
    return re.sub(rf"^{name}\s+[|–—-]\s+|\s+[|–—-]\s+{name}$", "", title, flags=re.IGNORECASE) or title


def _published_stamps(tree: HtmlElement) -> list[datetime]:
    """Publication times the page states with a UTC offset, meta tags first."""
    values = [v for xpath in _PUBLISHED_META for v in tree.xpath(xpath)]
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            values.extend(_json_values(json.loads(script), "datePublished"))
        except ValueError:
            continue
    return [stamp for v in values if isinstance(v, str) and (stamp := _timestamp(v.strip()))]


def _timestamp(value: str) -> datetime | None:
    """An ISO timestamp with its offset, or None (also for "2024-02-30T10:00Z")."""
    if not _TIMESTAMP.match(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _json_values(node: object, name: str) -> list:
    if isinstance(node, dict):
        return [v for k, child in node.items() for v in ([child] if k == name else _json_values(child, name))]
    if isinstance(node, list):
        return [v for child in node for v in _json_values(child, name)]
    return []


def _language(tree: HtmlElement) -> str | None:
    """Primary language subtag from <html lang>, else a content-language meta."""
    values = tree.xpath("/html/@lang | /html/@xml:lang") + tree.xpath(
        "//meta[@http-equiv='content-language' or @http-equiv='Content-Language']/@content"
        " | //meta[@property='og:locale']/@content"
    )
    for value in values:
        primary = re.split(r"[-_]", value.strip())[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", primary):
            return primary
    return None
