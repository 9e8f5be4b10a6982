"""The output contract: one explicit pyarrow schema per table.

Written once and used by the writer (types), the validator (keys, enums,
offsets) and the documentation (``newsflow schema`` prints the README's
table reference). Changing a name or a meaning here is a breaking change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from newsflow.gazetteer import FEATURES
from newsflow.metadata import DATE_SOURCES

OFFSET = pa.int64()
INDEX = pa.int32()
COUNT = pa.int32()
MENTION = pa.struct([("text", pa.string()), ("start", OFFSET), ("end", OFFSET)])
EDIT = pa.struct([("kind", pa.string()), ("text", pa.string()), ("start", OFFSET), ("end", OFFSET)])
INPUT = pa.struct([
    ("source_file", pa.string()),
    ("sha256", pa.string()),
    ("n_bytes", pa.int64()),
    ("n_records", COUNT),  # records read: 1 for a file that is one article
    ("n_skipped", COUNT),  # records that are not articles (WARC requests, metadata, images)
])


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    doc: str
    nullable: bool = False
    allowed: tuple[str, ...] | None = None  # closed set of values (an enum)
    between: tuple[float, float] | None = None  # inclusive range of values
    pattern: str | None = None  # regular expression every value matches
    references: str | None = None  # a table whose key every value names


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique per row
    text_column: str | None = None  # holds the cleaned form of raw[start:end]
    sort_by: tuple[str, ...] = field(default=())

    @property
    def schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(c.name, c.type, nullable=c.nullable, metadata={"doc": c.doc}) for c in self.columns],
            metadata={"table": self.name, "doc": self.doc},
        )

    @property
    def has_offsets(self) -> bool:
        names = {c.name for c in self.columns}
        return {"article_id", "start", "end"} <= names

    @property
    def offset_pairs(self) -> list[tuple[str, str]]:
        """Every ``(x_start, x_end)`` pair of offset columns."""
        names = [c.name for c in self.columns]
        pairs = [(n, n.removesuffix("start") + "end") for n in names if n.endswith("start")]
        return [(start, end) for start, end in pairs if end in names]

    @property
    def working_schema(self) -> pa.Schema:
        """The rows between extraction and validation: every column with its
        type, the working columns too, nulls allowed (validation judges them)."""
        return pa.schema([pa.field(c.name, c.type) for c in (*self.columns, *self.working_columns)])

    @property
    def working_columns(self) -> tuple[Column, ...]:
        """Columns the rows carry from extraction to validation, never
        published: what the offset and evidence checks need from the raw
        text, computed where the raw text is at hand."""
        return ((RAW_LENGTH,) if self.offset_pairs else ()) + ((EVIDENCE_MATCHES,) if self.text_column else ())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


ARTICLE_ID = Column("article_id", pa.string(), "First 16 hex digits of the SHA-256 of the article's bytes (the raw "
                    "file's, or its record's: the JSONL line, the WARC record's HTTP body).")
SOURCE_FILE = Column("source_file", pa.string(), "Path of the raw file, relative to the raw folder, with / separators.")
SOURCE_RECORD = Column("source_record", INDEX, "Position of the article in a container file, from 1: the line of a "
                       "JSONL file, the record of a WARC file. Empty for a file that is one article.", nullable=True)
PUBLISHED_DATE = Column("published_date", pa.date32(), "The article's publication date, in the publisher's own time "
                        "zone, when known (see articles.metadata_source).", nullable=True)
OUTLET = Column("outlet", pa.string(), "The publisher or site (sidecar, JSONL field or the page's site name).",
                nullable=True)
# What every row says of its article, beside its id and file.
ARTICLE = (SOURCE_RECORD, PUBLISHED_DATE, OUTLET)
GRANULARITIES = (
    "time", "day", "weekend", "week", "month", "season", "quarter", "year", "decade", "century",  # with a value
    "duration", "recurring", "age", "vague", "anaphoric", "unanchored", "unresolved",  # why there is none
)
# Where a place is, on the places of an article and on the place entities.
GEOCODE = (
    Column("geonames_id", pa.int64(), "GeoNames id of the place the name resolves to "
           "(https://www.geonames.org/<id>); empty when it resolves to none, or to a region or facility of "
           "newsflow's lexicon (place_regions.tsv).", nullable=True),
    Column("feature", pa.string(), "What the place is: continent, country, region (a group of "
           "countries, states or cities: the Middle East, the Midwest), admin1 (a first-level region: a "
           "US state, England, British Columbia), city, or facility (a building or site of newsflow's lexicon, "
           "placed at its city: the White House). Empty when the place resolves to none.",
           nullable=True, allowed=FEATURES),
    Column("country_code", pa.string(), "ISO 3166-1 alpha-2 code of its country (of a region: when it "
           "lies in one).", nullable=True, pattern=r"^[A-Z]{2}$"),
    Column("admin1", pa.string(), "GeoNames code of its first-level region (PA for Pennsylvania).",
           nullable=True),
    Column("latitude", pa.float64(), "WGS84 latitude: a city's own point; for a country, a first-level "
           "region or a region, the point of its city nearest its centre of population (the weighted mean "
           "position of its cities of 15,000+).", nullable=True,
           between=(-90, 90)),
    Column("longitude", pa.float64(), "WGS84 longitude, as latitude.", nullable=True,
           between=(-180, 180)),
)
ALIAS = pa.struct([("text", pa.string()), ("n", COUNT)])
START = Column("start", OFFSET, "Start of the evidence: a character offset into the article's raw decoded text "
               "(the file's, or for a container the record's: the JSON field's value, the WARC record's HTTP body).")
END = Column("end", OFFSET, "End (exclusive) of the evidence in the article's raw decoded text.")
SENTENCE = Column("sentence", INDEX, "Index of the sentence (within the article, from 0) where the record starts.")
PARAGRAPH = Column("paragraph", INDEX, "Index of the paragraph (within the article, from 0; the headline is 0).")
RAW_LENGTH = Column("_raw_length", pa.int64(), "Characters in the article's raw decoded text.")
EVIDENCE_MATCHES = Column("_evidence_matches", pa.bool_(), "Whether the row's text is its raw evidence, cleaned.")


def _entity_table(name: str, id_name: str, doc: str, extra: tuple[Column, ...]) -> Table:
    return Table(
        name,
        doc,
        (
            Column(id_name, pa.string(), "Stable id from the article id and the canonical name."),
            ARTICLE_ID,
            SOURCE_FILE,
            *ARTICLE,
            Column("name", pa.string(), "Canonical name: the fullest form the article gives."),
            Column("entity_id", pa.string(), "The entity across the corpus (entities.entity_id), from its key "
                   "alone, so the same in every article, run and machine: see Identity across articles.",
                   references="entities"),
            *extra,
            Column("n_mentions", COUNT, "Number of mentions in the article."),
            Column("mentions", pa.list_(MENTION), "Every mention as written, with raw offsets."),
            Column("start", OFFSET, "Start of the first mention in the raw decoded text."),
            Column("end", OFFSET, "End of the first mention in the raw decoded text."),
        ),
        key=(id_name,),
        sort_by=("source_file", "source_record", "start", "name"),
    )


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "articles",
            "One row per article that was processed.",
            (
                ARTICLE_ID,
                SOURCE_FILE,
                *ARTICLE,
                Column("title", pa.string(), "Title from the metadata (sidecar, JSONL field, the page's title).",
                       nullable=True),
                Column("url", pa.string(), "URL: sidecar, JSONL field, the page's canonical URL or the WARC "
                       "record's target URI.", nullable=True),
                Column("authors", pa.list_(pa.string()), "Authors from the metadata, in the order given."),
                Column("language", pa.string(), "Language code from the metadata (the page's lang attribute).",
                       nullable=True),
                Column("published_at", pa.timestamp("us", tz="UTC"), "Publication time in UTC, when the source gives "
                       "a time with its UTC offset.", nullable=True),
                Column("metadata_source", pa.string(), "Where published_date came from: sidecar, jsonl, html "
                       "(the page's own metadata, also for pages in a WARC) or dateline (a full date near the top of "
                       "the text).",
                       nullable=True, allowed=DATE_SOURCES),
                Column("format", pa.string(), "How the text was read: text, or html (the main text of a web page, "
                       "without navigation, links and footers).", allowed=("text", "html")),
                Column("sha256", pa.string(), "SHA-256 of the article's bytes."),
                Column("n_bytes", pa.int64(), "Size of the article's bytes (the file, the JSONL line or the HTTP body)."),
                Column("encoding", pa.string(), "Encoding the raw bytes were decoded with."),
                Column("headline", pa.string(), "First non-empty line, cleaned.", nullable=True),
                Column("headline_start", OFFSET, "Start of the headline in the raw decoded text.", nullable=True),
                Column("headline_end", OFFSET, "End of the headline in the raw decoded text.", nullable=True),
                Column("anchor_date", pa.date32(), "The article's own date (dateline), when it carries one.", nullable=True),
                Column("n_chars_raw", pa.int64(), "Characters in the raw decoded text."),
                Column("n_chars_clean", pa.int64(), "Characters after cleaning."),
                Column("n_paragraphs", COUNT, "Paragraphs, headline included."),
                Column("n_sentences", COUNT, "Sentences."),
                Column("n_tokens", COUNT, "spaCy tokens, whitespace excluded."),
                Column("n_quotes", COUNT, "Rows in quotes."),
                Column("n_people", COUNT, "Rows in people."),
                Column("n_organizations", COUNT, "Rows in organizations."),
                Column("n_places", COUNT, "Rows in places."),
                Column("n_numbers", COUNT, "Rows in numbers."),
                Column("n_dates", COUNT, "Rows in dates."),
                Column("n_chars_removed", pa.int64(), "Raw characters removed by cleaning (markup and scraping debris)."),
                Column(
                    "cleaning",
                    pa.list_(EDIT),
                    "What cleaning changed: kind (html_comment, html_tag, html_markup, html_entity, boilerplate, "
                    "unicode_repair, nbsp, zero_width, apostrophe), the raw text and its raw offsets.",
                ),
            ),
            key=("article_id",),
            sort_by=("source_file", "source_record"),
        ),
        Table(
            "paragraphs",
            "Paragraphs of each article; paragraph 0 is the headline.",
            (
                ARTICLE_ID,
                SOURCE_FILE,
                *ARTICLE,
                PARAGRAPH,
                START,
                END,
                Column("text", pa.string(), "The paragraph, cleaned."),
                Column("is_headline", pa.bool_(), "True for the headline."),
            ),
            key=("article_id", "paragraph"),
            text_column="text",
            sort_by=("source_file", "source_record", "paragraph"),
        ),
        Table(
            "sentences",
            "Sentences of each article (a sentence never spans paragraphs).",
            (
                ARTICLE_ID,
                SOURCE_FILE,
                *ARTICLE,
                SENTENCE,
                PARAGRAPH,
                START,
                END,
                Column("text", pa.string(), "The sentence, cleaned."),
                Column("n_tokens", COUNT, "spaCy tokens, whitespace excluded."),
            ),
            key=("article_id", "sentence"),
            text_column="text",
            sort_by=("source_file", "source_record", "sentence"),
        ),
        Table(
            "quotes",
            "Who said what: direct and partial quotations and indirect speech, with cue and speaker.",
            (
                Column("quote_id", pa.string(), "Stable id from the article id, kind and offsets."),
                ARTICLE_ID,
                SOURCE_FILE,
                *ARTICLE,
                Column("kind", pa.string(), "direct (a quoted sentence), partial (quoted words inside the "
                       "reporter's clause) or indirect (reported speech without quotation marks).",
                       allowed=("direct", "partial", "indirect")),
                Column("text", pa.string(), "The quote, cleaned; quotation marks included for direct and partial."),
                START,
                END,
                Column("cue", pa.string(), "The speech cue as written (said, told, according to).", nullable=True),
                Column("cue_start", OFFSET, "Start of the cue in the raw decoded text.", nullable=True),
                Column("cue_end", OFFSET, "End of the cue in the raw decoded text.", nullable=True),
                Column("speaker", pa.string(), "The speaker resolved to the fullest name in the article, or the "
                       "description of an unnamed speaker (a senior administration official).", nullable=True),
                Column("speaker_entity_id", pa.string(), "entity_id of the speaker when a person of the article "
                       "(people.entity_id); empty for an unnamed speaker.", nullable=True, references="entities"),
                Column("speaker_mention", pa.string(), "The speaker as written where attributed (he, the official, "
                       "Mr. Nazary).", nullable=True),
                Column("speaker_start", OFFSET, "Start of the speaker mention in the raw decoded text.", nullable=True),
                Column("speaker_end", OFFSET, "End of the speaker mention in the raw decoded text.", nullable=True),
                PARAGRAPH,
                SENTENCE,
            ),
            key=("quote_id",),
            text_column="text",
            sort_by=("source_file", "source_record", "start", "end", "kind"),
        ),
        _entity_table(
            "people",
            "person_id",
            "People mentioned in each article, one row per person per article.",
            (
                Column("titles", pa.list_(pa.string()), "Titles used before the name (Mr., Rep., Sen., Gen.)."),
                Column("roles", pa.list_(pa.string()), "Roles from appositions (head of foreign relations for ...)."),
                Column("affiliations", pa.list_(pa.string()), "Organizations and places the roles tie the person to."),
                Column("n_quotes", COUNT, "Quotes attributed to this person."),
            ),
        ),
        _entity_table(
            "organizations",
            "organization_id",
            "Organizations mentioned in each article; an acronym and its long form are one row.",
            (Column("acronym", pa.string(), "Acronym (NRF) when the article uses one.", nullable=True),),
        ),
        _entity_table(
            "places",
            "place_id",
            "Places (countries, cities, regions, facilities) mentioned in each article, geocoded offline "
            "against GeoNames when the name is a continent, country, US state or city of 15,000+ people, or a "
            "region or facility of newsflow's lexicon (place_regions.tsv).",
            (
                Column("acronym", pa.string(), "Abbreviation (U.S.) when the article uses one.", nullable=True),
                *GEOCODE,
            ),
        ),
        Table(
            "numbers",
            "Numbers the article asserts, with value, unit, what they count and any hedge.",
            (
                Column("number_id", pa.string(), "Stable id from the article id and offsets."),
                ARTICLE_ID,
                SOURCE_FILE,
                *ARTICLE,
                Column("text", pa.string(), "The numeric expression as written, cleaned."),
                START,
                END,
                Column("kind", pa.string(), "cardinal, percent, money or quantity.",
                       allowed=("cardinal", "percent", "money", "quantity")),
                Column("value", pa.float64(), "Numeric value (60 for 60%, 5.2e9 for $5.2 billion).", nullable=True),
                Column("unit", pa.string(), "Unit (percentage, dollar, mile); empty for plain counts.", nullable=True),
                Column("approximator", pa.string(), "Hedge: estimated, more than, about, nearly...", nullable=True),
                Column("counts", pa.string(), "What is counted (former Afghan soldiers; Panjshir).", nullable=True),
                SENTENCE,
            ),
            key=("number_id",),
            text_column="text",
            sort_by=("source_file", "source_record", "start"),
        ),
        Table(
            "dates",
            "Temporal expressions, resolved against the article's publication date (else its dateline).",
            (
                Column("date_id", pa.string(), "Stable id from the article id and offsets."),
                ARTICLE_ID,
                SOURCE_FILE,
                *ARTICLE,
                Column("text", pa.string(), "The expression as written, cleaned."),
                START,
                END,
                Column("kind", pa.string(), "date or time.", allowed=("date", "time")),
                Column("value", pa.string(), "ISO-style value (2016-09-12, 2016-09-12T14:00, 2016-W37, 2016-W37-WE, "
                       "2016-09, 2016-FA, 2016-Q3, 2016, 201X, 20XX; a range as start/end), empty when the expression "
                       "has no calendar value or cannot be anchored (granularity says which).", nullable=True),
                Column("granularity", pa.string(), "With a value: time, day, weekend, week, month, season, quarter, "
                       "year, decade, century. Without, why not: duration, recurring (daily), age (42 years old), "
                       "vague (recent years), anaphoric (that day, a month later), unanchored (relative, in an "
                       "article without a date), unresolved (no rule reads it).", allowed=GRANULARITIES),
                Column("qualifier", pa.string(), "early, mid or late.", nullable=True, allowed=("early", "mid", "late")),
                SENTENCE,
            ),
            key=("date_id",),
            text_column="text",
            sort_by=("source_file", "source_record", "start"),
        ),
        Table(
            "entities",
            "The people, organizations and places of the whole corpus, one row per entity, rebuilt by every run "
            "from the article tables' entity_id (see Identity across articles).",
            (
                Column("entity_id", pa.string(), "Stable id from the entity's kind and key (people.entity_id, "
                       "organizations.entity_id, places.entity_id, quotes.speaker_entity_id)."),
                Column("kind", pa.string(), "person, organization or place.",
                       allowed=("person", "organization", "place")),
                Column("name", pa.string(), "Canonical name: the name its articles give it most often (the "
                       "longest on a tie)."),
                Column("aliases", pa.list_(ALIAS), "Every form it is mentioned by, with how often, most "
                       "frequent first."),
                Column("n_articles", COUNT, "Articles that mention it."),
                Column("n_mentions", COUNT, "Mentions in all articles."),
                Column("n_quotes", COUNT, "Quotes attributed to it (people; 0 for the others)."),
                Column("first_published", pa.date32(), "Earliest publication date of an article mentioning it.",
                       nullable=True),
                Column("last_published", pa.date32(), "Latest publication date of an article mentioning it.",
                       nullable=True),
                Column("acronym", pa.string(), "Acronym its articles give it most often (organizations, places).",
                       nullable=True),
                *GEOCODE,
            ),
            key=("entity_id",),
            sort_by=("kind", "entity_id"),
        ),
        Table(
            "quarantine",
            "Everything that was set aside, with the reason: files that could not be read and records that "
            "failed validation. Nothing is dropped silently.",
            (
                Column("source_file", pa.string(), "Raw file the problem comes from."),
                Column("source_record", INDEX, "Record of a container file the problem comes from (the JSONL line, "
                       "the WARC record), from 1.", nullable=True),
                Column("article_id", pa.string(), "Article id, when the bytes could be read.", nullable=True),
                Column("stage", pa.string(), "ingest (the file) or validate (a record).", allowed=("ingest", "validate")),
                Column("table_name", pa.string(), "Table the failed record belongs to.", nullable=True),
                Column("record_id", pa.string(), "Key of the failed record.", nullable=True),
                Column("reason", pa.string(), "Short reason. Files (stage ingest): empty, binary, undecodable, "
                       "too_large, line_too_long, too_long, vanished, unreadable, duplicate, extraction_error, "
                       "cache_damaged, link_outside_raw, dangling_link, link_loop, not_a_file, bad_file_name, "
                       "truncated (a container that breaks off), not_json and no_text (a JSONL line), no_article (a "
                       "web page without an article: a login wall, an index page), read_error (reading raised: a "
                       "bug, with its message). Records "
                       "(stage validate): the failed expectation, or article_quarantined for the other rows of an "
                       "article whose own row failed."),
                Column("detail", pa.string(), "Human-readable detail."),
                Column("start", OFFSET, "Start of the failed record in the raw decoded text.", nullable=True),
                Column("end", OFFSET, "End of the failed record in the raw decoded text.", nullable=True),
                Column("record", pa.string(), "The failed record as JSON.", nullable=True),
            ),
            key=("source_file", "source_record", "stage", "table_name", "record_id", "reason"),
            sort_by=("source_file", "source_record", "stage", "table_name", "record_id", "reason"),
        ),
        Table(
            "runs",
            "One row per run: the manifest (inputs, versions, configuration, counts, timings, validation).",
            (
                Column("run_id", pa.string(), "Id of the run (its UTC start time)."),
                Column("started_at", pa.timestamp("us", tz="UTC"), "When the run started."),
                Column("finished_at", pa.timestamp("us", tz="UTC"), "When the run finished."),
                Column("duration_s", pa.float64(), "Wall-clock seconds."),
                Column("raw_dir", pa.string(), "Raw folder as given."),
                Column("inputs_digest", pa.string(), "SHA-256 over every input's path and hash."),
                Column("inputs", pa.list_(INPUT), "Every input file with its hash, size, records read and records "
                       "skipped (not articles)."),
                Column("metadata", pa.string(), "The sidecar (--metadata) as JSON: file, sha256, rows, rows naming "
                       "no file, files without a row, rows or values left out and why.", nullable=True),
                Column("pipeline_version", pa.string(), "Fingerprint of everything that shapes extraction (newsflow's "
                       "extraction code and data files, the model and its configuration, the packages the text "
                       "passes through): runs with the same value reuse each other's results."),
                Column("newsflow_version", pa.string(), "newsflow package version."),
                Column("model", pa.string(), "spaCy model package and version (package==version)."),
                Column("config", pa.string(), "Settings as JSON."),
                Column("packages", pa.string(), "Versions of the main packages as JSON."),
                Column("row_counts", pa.string(), "Rows written per table as JSON."),
                Column("timings", pa.string(), "Seconds per stage as JSON."),
                Column("n_inputs", COUNT, "Files found."),
                Column("n_records", COUNT, "Records read from the files (a file that is one article is one)."),
                Column("n_articles", COUNT, "Articles in the published tables."),
                Column("n_extracted", COUNT, "Articles extracted by this run (new or changed)."),
                Column("n_reused", COUNT, "Articles whose results were reused from an earlier run."),
                Column("n_quarantined", COUNT, "Quarantine rows written."),
                Column("n_files_read", COUNT, "Files read by this run; the others were unchanged since the run "
                       "before and not opened (null before 0.10).", nullable=True),
                Column("n_parts_written", COUNT, "Parts of the article tables written by this run (null before "
                       "0.10).", nullable=True),
                Column("n_parts_reused", COUNT, "Parts of the article tables taken unchanged from the run before, "
                       "with their validation results (null before 0.10).", nullable=True),
                Column("validation_success", pa.bool_(), "True when no record failed validation."),
            ),
            key=("run_id",),
            sort_by=("started_at",),
        ),
    )
}

# Tables of rows per article (extracted, cached, validated and written part
# by part); the others are written once per run for the whole corpus.
DATA_TABLES = tuple(n for n in TABLES if n not in ("entities", "quarantine", "runs"))
# Every table of extracted results: the article tables and the corpus's entities.
RESULT_TABLES = (*DATA_TABLES, "entities")
# Columns whose values name a row of another table, as (table, column, referenced table).
REFERENCES = tuple((t.name, c.name, c.references) for t in TABLES.values() for c in t.columns if c.references)


class SchemaMismatch(ValueError):
    """Rows whose columns are not the table's: a bug in the code that built them."""


def check_columns(table: Table, rows: list[dict], working: bool = False) -> None:
    """Raise :class:`SchemaMismatch` unless every row has exactly the table's
    columns (and its working columns, when ``working``): pyarrow would
    silently drop an unknown key and fill a missing one with nulls."""
    expected = {c.name for c in table.columns} | ({c.name for c in table.working_columns} if working else set())
    for row in rows:
        if row.keys() != expected:
            missing, unknown = sorted(expected - row.keys()), sorted(row.keys() - expected)
            raise SchemaMismatch(f"a {table.name} row has unknown columns {unknown} and lacks {missing}")


def markdown_reference() -> str:
    """The README's table reference, generated from the schemas."""
    lines = []
    for table in TABLES.values():
        lines.append(f"### `{table.name}`\n\n{table.doc} Key: `{', '.join(table.key)}`.\n")
        lines.append("| column | type | null | meaning |\n| --- | --- | --- | --- |")
        for c in table.columns:
            doc = c.doc + (f" One of: {', '.join(c.allowed)}." if c.allowed and c.allowed[0] not in c.doc else "")
            doc += f" From {c.between[0]} to {c.between[1]}." if c.between else ""
            doc += f" Names a row of `{c.references}`." if c.references else ""
            lines.append(f"| `{c.name}` | `{c.type}` | {'yes' if c.nullable else 'no'} | {doc} |")
        lines.append("")
    return "\n".join(lines)
