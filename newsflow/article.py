"""From decoded articles to table rows: clean, parse and extract, then
build the rows from what the extractors left on each Doc.

Extractors work in clean-text coordinates; this module is the one place
where their spans are turned into raw offsets (``CleanText.to_raw``), so every
row's ``start``/``end`` points at its evidence in the raw decoded text.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable, Iterator, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from newsflow.batching import batched
from newsflow.clean import CleanText, clean
from newsflow.counts import Rows, with_counts
from newsflow.dates import find_anchor
from newsflow.gazetteer import Place
from newsflow.identity import entity_id
from newsflow.ids import record_id
from newsflow.ingest import RawArticle
from newsflow.mentions import Entity
from newsflow.metadata import Metadata
from newsflow.pages import page_metadata, page_text
from newsflow.schemas import GEOCODE, TABLES, check_columns
from newsflow.segment import paragraph_spans


class TooLongForModel(ValueError):
    """An article longer than the model accepts (spaCy's ``nlp.max_length``)."""

    reason = "too_long"


def process_articles(
    articles: Iterable[RawArticle], nlp: Language, batch_size: int
) -> Iterator[tuple[RawArticle, Rows | Exception]]:
    """Rows of every table for each article, parsed ``batch_size`` at a time
    with ``nlp.pipe``.

    An article whose cleaning, parse or extraction fails yields its
    exception instead of rows, so that one odd article never stops the
    others: when a batch fails in ``nlp.pipe`` (the model or an extractor
    component), its articles are processed one by one to find the one that
    broke it.
    """
    for batch in batched(articles, batch_size):
        prepared: list[tuple[RawArticle, Read]] = []
        for article in batch:
            outcome = _attempt(_read, article, nlp)
            if isinstance(outcome, Exception):
                yield article, outcome
            else:
                prepared.append((article, outcome))
        try:
            docs: list[Doc | Exception] = list(nlp.pipe([_unparsed(nlp, r) for _, r in prepared], batch_size=batch_size))
        except Exception:  # noqa: BLE001 - one of the batch broke the parse: find which
            docs = [_attempt(nlp, _unparsed(nlp, r)) for _, r in prepared]
        for (article, read), doc in zip(prepared, docs):
            yield article, doc if isinstance(doc, Exception) else _attempt(_checked_rows, article, read, doc)


class Read(NamedTuple):
    """An article's clean text, and what is known of it before parsing."""

    cleaned: CleanText
    metadata: Metadata  # with the dateline's date where nothing else gives one
    dateline: date | None


def _read(article: RawArticle, nlp: Language) -> Read:
    if article.form == "html":
        cleaned = page_text(article.text, article.metadata.url)
        metadata = article.metadata.over(page_metadata(article.text, article.metadata.url))
    else:
        cleaned, metadata = clean(article.text), article.metadata
    if len(cleaned.text) > nlp.max_length:
        raise TooLongForModel(
            f"{len(cleaned.text):,} characters after cleaning is over the model's limit of {nlp.max_length:,}"
        )
    dateline = find_anchor(cleaned.text, [p.start for p in paragraph_spans(cleaned.text)])
    metadata = metadata.over(Metadata(published_date=dateline, date_source="dateline" if dateline else None))
    return Read(cleaned, metadata, dateline)


def _unparsed(nlp: Language, read: Read) -> Doc:
    """The article's tokens, with the date its relative dates count from."""
    doc = nlp.make_doc(read.cleaned.text)
    doc._.published_date = read.metadata.published_date
    return doc


def _checked_rows(article: RawArticle, read: Read, doc: Doc) -> Rows:
    tables = article_rows(article, read, doc)
    for name, rows in tables.items():
        check_columns(TABLES[name], rows)
    return tables


def _geocode(place: Place | None) -> dict:
    return {c.name: getattr(place, c.name) if place else None for c in GEOCODE}


def _attempt(function, *args):
    """``function(*args)``, or the exception it raised."""
    try:
        return function(*args)
    except Exception as exc:  # noqa: BLE001 - reported per article, with its type and message
        return exc


def article_rows(article: RawArticle, read: Read, doc: Doc) -> Rows:
    cleaned, metadata = read.cleaned, read.metadata
    text = cleaned.text

    def raw(start: int, end: int) -> tuple[int, int]:
        return cleaned.to_raw(start, end)

    layout = doc._.layout
    paragraphs, sentences = layout.paragraphs, layout.sentences
    entities = doc._.entities
    quotes, numbers, dates = doc._.quotes, doc._.numbers, doc._.dates
    base = {
        "article_id": article.article_id,
        "source_file": article.source_file,
        "source_record": article.source_record,
        "published_date": metadata.published_date,
        "outlet": metadata.outlet,
    }

    tables: Rows = {}
    tables["paragraphs"] = [
        {**base, "paragraph": i, **_span(raw, p.start, p.end), "text": text[p.start : p.end], "is_headline": i == 0}
        for i, p in enumerate(paragraphs)
    ]
    tables["sentences"] = [
        {
            **base,
            "sentence": i,
            "paragraph": layout.paragraph_of(s.start),
            **_span(raw, s.start, s.end),
            "text": text[s.start : s.end],
            "n_tokens": sum(1 for t in doc.char_span(s.start, s.end, alignment_mode="expand") if not t.is_space),
        }
        for i, s in enumerate(sentences)
    ]
    keys = doc._.identity_keys
    people_ids = [
        entity_id("person", key, article.article_id, person.name) for person, key in zip(entities.people, keys["people"])
    ]
    # An unnamed speaker's description ("a senior administration official") names no person.
    speaker_ids = dict(zip((p.name for p in entities.people), people_ids))
    tables["quotes"] = [
        {
            "quote_id": record_id(article.article_id, q.kind, q.start, q.end),
            **base,
            "kind": q.kind,
            "text": text[q.start : q.end],
            **_span(raw, q.start, q.end),
            "cue": q.cue,
            **_span(raw, q.cue_start, q.cue_end, "cue_"),
            "speaker": q.speaker,
            "speaker_entity_id": speaker_ids.get(q.speaker),
            "speaker_mention": q.speaker_mention,
            **_span(raw, q.speaker_start, q.speaker_end, "speaker_"),
            "paragraph": q.paragraph,
            "sentence": q.sentence,
        }
        for q in quotes
    ]
    tables["people"] = [
        {
            **_entity_row(base, "person_id", person, raw),
            "entity_id": person_id,
            "titles": person.titles,
            "roles": person.roles,
            "affiliations": person.affiliations,
        }
        for person, person_id in zip(entities.people, people_ids)
    ]
    tables["organizations"] = [
        {
            **_entity_row(base, "organization_id", org, raw),
            "entity_id": entity_id("organization", key, article.article_id, org.name),
            "acronym": org.acronym,
        }
        for org, key in zip(entities.organizations, keys["organizations"])
    ]
    tables["places"] = [
        {
            **_entity_row(base, "place_id", place, raw),
            "entity_id": entity_id("place", key, article.article_id, place.name),
            "acronym": place.acronym,
            **_geocode(found),
        }
        for place, found, key in zip(entities.places, doc._.geocodes, keys["places"])
    ]
    tables["numbers"] = [
        {
            "number_id": record_id(article.article_id, "number", n.start, n.end),
            **base,
            "text": n.text,
            **_span(raw, n.start, n.end),
            "kind": n.kind,
            "value": n.value,
            "unit": n.unit,
            "approximator": n.approximator,
            "counts": n.counts,
            "sentence": n.sentence,
        }
        for n in numbers
    ]
    tables["dates"] = [
        {
            "date_id": record_id(article.article_id, "date", d.start, d.end),
            **base,
            "text": d.text,
            **_span(raw, d.start, d.end),
            "kind": d.kind,
            "value": d.value,
            "granularity": d.granularity,
            "qualifier": d.qualifier,
            "sentence": d.sentence,
        }
        for d in dates
    ]
    headline = paragraphs[0] if paragraphs else None
    removed = [e for e in cleaned.edits if e.kind not in ("nbsp", "apostrophe", "unicode_repair", "zero_width")]
    tables["articles"] = [
        {
            **base,
            "title": metadata.title,
            "url": metadata.url,
            "authors": list(metadata.authors),
            "language": metadata.language,
            "published_at": metadata.published_at,
            "metadata_source": metadata.date_source,
            "format": article.form,
            "sha256": article.sha256,
            "n_bytes": article.n_bytes,
            "encoding": article.encoding,
            "headline": text[headline.start : headline.end] if headline else None,
            **(_span(raw, headline.start, headline.end, "headline_") if headline else {"headline_start": None, "headline_end": None}),
            "anchor_date": read.dateline,
            "n_chars_raw": len(article.text),
            "n_chars_clean": len(text),
            "n_paragraphs": len(paragraphs),
            "n_sentences": len(sentences),
            "n_tokens": sum(1 for t in doc if not t.is_space),
            "n_chars_removed": sum(e.end - e.start for e in removed),
            "cleaning": [{"kind": e.kind, "text": e.text, "start": e.start, "end": e.end} for e in cleaned.edits],
        }
    ]
    return with_counts(tables)


def _span(raw, start: int | None, end: int | None, prefix: str = "") -> dict:
    if start is None or end is None or end <= start:
        return {f"{prefix}start": None, f"{prefix}end": None}
    raw_start, raw_end = raw(start, end)
    return {f"{prefix}start": raw_start, f"{prefix}end": raw_end}


def _entity_row(base: dict, id_name: str, entity: Entity, raw) -> dict:
    mentions = []
    for m in entity.mentions:
        start, end = raw(m.start, m.end)
        mentions.append({"text": m.text, "start": start, "end": end})
    return {
        id_name: record_id(base["article_id"], entity.kind, entity.name),
        **base,
        "name": entity.name,
        "n_mentions": len(mentions),
        "mentions": mentions,
        "start": mentions[0]["start"],
        "end": mentions[0]["end"],
    }
