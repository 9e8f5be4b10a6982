"""What is known about an article besides its text: title, URL, outlet,
authors, language and publication date, from wherever the input gives them.

Sources, strongest first: a sidecar file (``--metadata``), the record of a
container (a JSONL line's fields, a WARC record's target URI), the web page
itself, and last a dateline in the text. Each field takes the first source
that has it, and ``date_source`` says where the publication date came from.

A date is kept as the source gives it: ``published_date`` is the calendar
date in the publisher's own time zone; ``published_at`` is the UTC instant,
set only when the source gives a time with its UTC offset (a time without one
could be any of 24 hours, and is not guessed).
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime, timezone
from typing import Any, Mapping

# Field names used by crawlers and exports (news-please, Common Crawl news
# extractions, vendor feeds), first match wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "url": ("url", "canonical_url", "link"),
    "published": ("published_at", "date_publish", "published", "publication_date", "date", "pubdate"),
    "outlet": ("outlet", "source_domain", "publisher", "source", "site_name", "sitename"),
    "authors": ("authors", "author"),
    "language": ("language", "lang"),
}
# A WARC record says when it was crawled, not published: its pages date themselves (html).
DATE_SOURCES = ("sidecar", "jsonl", "html", "dateline")
# "Smith, John" is one author: only these separate several in one string.
_AUTHOR_SEPARATORS = re.compile(r"\s*[;|]\s*")
_SURROGATE = re.compile("[\ud800-\udfff]")


class BadMetadata(ValueError):
    """A metadata value newsflow cannot read (a date that is not a date)."""


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    published_at: datetime | None = None
    published_date: date | None = None
    date_source: str | None = None

    def over(self, weaker: Metadata) -> Metadata:
        """These values, with ``weaker``'s where these have none. The date,
        its time and its source go together: never one source's day with
        another's time."""
        mine = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, ())}
        if self.published_date is not None:
            mine.update(published_at=self.published_at, date_source=self.date_source)
        return replace(weaker, **mine)

    def as_key(self) -> str:
        """A stable text of every value, for cache keys."""
        values = asdict(self)
        return repr(sorted((k, v.isoformat() if isinstance(v, date) else v) for k, v in values.items()))

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) not in (None, ()) for f in fields(self))


def read_fields(record: Mapping[str, Any], source: str) -> tuple[Metadata, str | None]:
    """Metadata from a record's fields, and what was wrong with its date (the
    rest is kept without it), if anything."""
    try:
        return from_fields(record, source), None
    except BadMetadata as bad:
        return from_fields({**record, **dict.fromkeys(ALIASES["published"])}, source), str(bad)


def from_fields(record: Mapping[str, Any], source: str) -> Metadata:
    """Metadata from a record's fields under their usual names; raises
    :class:`BadMetadata` for a publication date that cannot be read."""
    found = {name: _first(record, names) for name, names in ALIASES.items()}
    published_at, published_date = parse_published(found["published"])
    return Metadata(
        title=_text(found["title"]),
        url=_text(found["url"]),
        outlet=_text(found["outlet"]),
        authors=_authors(found["authors"]),
        language=_text(found["language"]),
        published_at=published_at,
        published_date=published_date,
        date_source=source if published_date else None,
    )


def _first(record: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = record.get(name)
        if not _missing(value):
            return value
    return None


def _missing(value: Any) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(value != value)  # NaN, NaT: an empty cell read by pandas
    except (TypeError, ValueError):  # an array has no single truth
        return False


def _text(value: Any) -> str | None:
    """A value as one line of text: {"name": ...} objects (schema.org) give
    their name, a list its first text; a number its digits; nothing else."""
    if isinstance(value, dict):
        return _text(value.get("name"))
    if isinstance(value, (list, tuple)):
        return next((text for text in map(_text, value) if text), None)
    if _missing(value) or isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    # A lone surrogate (a broken \u escape) cannot be stored as UTF-8.
    return " ".join(_SURROGATE.sub("\ufffd", str(value)).split())


def _authors(value: Any) -> tuple[str, ...]:
    if _missing(value):
        return ()
    if isinstance(value, str):
        names = [_text(name) for name in _AUTHOR_SEPARATORS.split(value)]
    elif isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        names = [_text(v) for v in (value.tolist() if hasattr(value, "tolist") else value)]
    else:
        names = [_text(value)]
    return tuple(dict.fromkeys(name for name in names if name))


def parse_published(value: Any) -> tuple[datetime | None, date | None]:
    """``(published_at, published_date)`` from a date, datetime or text."""
    if _missing(value):
        return None, None
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp from a Parquet or CSV sidecar
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        try:
            return _instant(value), value.date()
        except OverflowError:
            raise BadMetadata(f"publication date {value} is out of range") from None
    if isinstance(value, date):
        return None, value
    if not isinstance(value, str):
        raise BadMetadata(f"publication date {value!r} is neither a date nor text")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _rfc_2822(text)
    if parsed is None:
        raise BadMetadata(f"publication date {text!r} is not an ISO 8601 or RFC 2822 date")
    if _DATE_ONLY.fullmatch(text):
        return None, parsed.date()
    try:
        return _instant(parsed), parsed.date()
    except OverflowError:  # "0001-01-01T00:00:00+01:00", a zero date with an offset
        raise BadMetadata(f"publication date {text!r} is out of range") from None


_DATE_ONLY = re.compile(r"\d{4}-\d\d-\d\d|\d{8}")


def _instant(moment: datetime) -> datetime | None:
    return moment.astimezone(timezone.utc) if moment.tzinfo is not None else None


def _rfc_2822(text: str) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
