"""newsflow's extractors as registered spaCy pipeline components.

Each component reads the Doc, writes its results onto it and takes its
rules as config, with the lexicons (``newsflow/lexicons/``) as defaults, so
``nlp.config`` shows every rule that shaped the output:

=====================  ==========================================================
component              results
=====================  ==========================================================
``newsflow_layout``    ``doc._.layout``: paragraphs and sentences
``newsflow_entities``  ``doc._.entities``; ``doc.spans["people"]``,
                       ``["organizations"]``, ``["places"]``: every mention,
                       ``span._.entity`` the entity it names
``newsflow_places``    ``doc._.geocodes``: the gazetteer place of each of
                       ``doc._.entities.places`` (or None); ``span._.place``
                       on every mention in ``doc.spans["places"]``
``newsflow_identity``  ``doc._.identity_keys``: the corpus-wide key of each
                       person, organization and place (or None)
``newsflow_quotes``    ``doc._.quotes``: direct, partial and indirect quotes
                       with their cues and speaker mentions;
                       ``doc.spans["quotations"]``: every quoted stretch
``newsflow_speakers``  ``doc._.quotes`` with the name each speaker mention
                       resolves to
``newsflow_numbers``   ``doc._.numbers``
``newsflow_dates``     ``doc._.dates``, resolved against
                       ``doc._.published_date`` (set before parsing)
=====================  ==========================================================

The records (``Quote``, ``NumberMention``, ``DateMention``) hold exact
clean-text offsets; ``doc.spans["quotes"]``, ``["numbers"]`` and
``["dates"]`` show them as spans of whole tokens labelled with their kind.
They are views, not the records' home: a quotation mark glued to a word
starts a quote inside a token, and two quotes glued together (``“Aye”,“Nay”``)
can share their tokens, where spaCy would store one ``Span._`` value for
both. Rows are built from the records by ``newsflow.article``.
"""

from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from newsflow import lexicons
from newsflow.dates import DateReader, default_rules
from newsflow.gazetteer import Region, key
from newsflow.geocode import GeocodeRules, geocode, places_in_text
from newsflow.identity import IdentityRules, bare_name, name_key, organization_key, people_keys, person_key, place_key
from newsflow.mentions import EntityRules, Title, find_entities, join_same_places, normalized_name
from newsflow.numbers import NumberRules, find_numbers, prepare_quantity_parser
from newsflow.quotes import QuoteRules, find_quotes, quotation_marks, quoted_tokens
from newsflow.resolution import ResolutionRules, resolve_speakers
from newsflow.segment import Layout
from newsflow.speakers import QuotedDoc

for _name in ("layout", "entities", "geocodes", "identity_keys", "quotes", "numbers", "dates", "published_date"):
    Doc.set_extension(_name, default=None, force=True)
for _name in ("entity", "place"):
    Span.set_extension(_name, default=None, force=True)


class Extractor:
    """A pipeline component: its rules, and what it does with them to a Doc."""

    def __init__(self, rules, extract):
        self.rules = rules
        self._extract = extract

    def __call__(self, doc: Doc) -> Doc:
        self._extract(doc, self.rules)
        return doc


@Language.factory("newsflow_layout")
def make_layout(nlp: Language, name: str) -> Extractor:
    return Extractor(None, _layout)


def _layout(doc: Doc, rules: None) -> None:
    doc._.layout = Layout.of(doc)


@Language.factory(
    "newsflow_entities",
    default_config={
        "titles": {
            row["word"]: {"title": row["title"], "gender": row["gender"], "kind": row["kind"]}
            for row in lexicons.table("titles.tsv")
        },
        "person_labels": ["PERSON"],
        "organization_labels": ["ORG"],
        "place_labels": ["GPE", "LOC", "FAC"],
        "first_name_genders": {row["name"]: row["gender"] for row in lexicons.table("first_name_genders.tsv")},
        "known_organizations": [{"alias": row["alias"], "organization": row["organization"]}
                                for row in lexicons.table("organization_aliases.tsv")],
        "relatives": {row["word"]: row["gender"] for row in lexicons.table("relatives.tsv")},
        "parties": {"R": "Republican Party", "D": "Democratic Party", "Republican": "Republican Party",
                    "GOP": "Republican Party", "Democratic": "Democratic Party", "Democrat": "Democratic Party",
                    "Libertarian": "Libertarian Party"},
        # Records, not a dict: config keys with periods ("Nev.") read back as sections.
        "state_abbreviations": [{"abbreviation": row["alias"], "state": row["place"].split(" (")[0]}
                                for row in lexicons.table("place_aliases.tsv") if row["place"].endswith("(admin1, US)")],
        "organization_heads": list(lexicons.entries("organization_heads.txt")),
        "not_organizations": list(lexicons.entries("not_organizations.txt")),
        "demonyms": {row["demonym"]: row["country"] for row in lexicons.table("demonyms.tsv")},
        "seats_of_power": list(lexicons.entries("seats_of_power.txt")),
        "facility_heads": list(lexicons.entries("facility_heads.txt")),
        "titled_people": [dict(row) for row in lexicons.table("titled_people.tsv")],
        "presidents": {row["surname"]: row["person"] for row in lexicons.table("presidents.tsv")},
        "presidency_words": list(lexicons.entries("presidency_words.txt")),
        "distinct_initials": list(lexicons.entries("distinct_initials.txt")),
        "quotation_marks": quotation_marks("double"),
        "pronoun_genders": {row["pronoun"]: row["gender"] for row in lexicons.table("pronouns.tsv") if row["gender"]},
    },
)
def make_entities(
    nlp: Language, name: str, titles: dict[str, dict[str, str]], person_labels: list[str],
    organization_labels: list[str], place_labels: list[str], first_name_genders: dict[str, str],
    known_organizations: list[dict], relatives: dict[str, str], parties: dict[str, str], state_abbreviations: list[dict],
    organization_heads: list[str], not_organizations: list[str], demonyms: dict[str, str], seats_of_power: list[str],
    facility_heads: list[str], titled_people: list[dict], presidents: dict[str, str], presidency_words: list[str],
    distinct_initials: list[str], quotation_marks: dict[str, str], pronoun_genders: dict[str, str],
) -> Extractor:
    last_words = "last word:"
    rules = EntityRules(
        titles={word: Title(t["title"], t.get("gender") or None, t.get("kind") or None) for word, t in titles.items()},
        person_labels=frozenset(person_labels),
        organization_labels=frozenset(organization_labels),
        place_labels=frozenset(place_labels),
        first_name_genders=dict(first_name_genders),
        known_organizations={normalized_name(row["alias"]): row["organization"] for row in known_organizations},
        relatives={word: gender or None for word, gender in relatives.items()},
        parties=dict(parties),
        state_abbreviations={row["abbreviation"]: row["state"] for row in state_abbreviations},
        organization_heads=frozenset(organization_heads),
        not_organizations=frozenset(normalized_name(n) for n in not_organizations if not n.startswith(last_words)),
        law_words=frozenset(n.removeprefix(last_words).strip() for n in not_organizations if n.startswith(last_words)),
        demonyms=dict(demonyms),
        seats_of_power=frozenset(normalized_name(n) for n in seats_of_power),
        facility_heads=frozenset(facility_heads),
        titled_people={(row["title"], row["surname"]): (row["person"], row["gender"]) for row in titled_people},
        presidents=dict(presidents),
        presidency_words=frozenset(presidency_words),
        distinct_initials=frozenset(name_key(bare_name(n)) for n in distinct_initials),
        quotation_marks=dict(quotation_marks),
        pronoun_genders=dict(pronoun_genders),
    )
    return Extractor(rules, _entities)


def _entities(doc: Doc, rules: EntityRules) -> None:
    found = find_entities(doc, rules)
    doc._.entities = found
    for group, members in (("people", found.people), ("organizations", found.organizations), ("places", found.places)):
        doc.spans[group] = [_mention(doc, m, entity) for entity in members for m in entity.mentions]


def _listed(cell: str) -> list[str]:
    """The values of a comma-separated lexicon cell."""
    return [value.strip() for value in cell.split(",") if value.strip()]


@Language.factory(
    "newsflow_places",
    default_config={
        # Records, not a dict: config keys with periods ("U.S.") read back as sections.
        "aliases": [{"alias": row["alias"], "geonames_id": int(row["geonames_id"])}
                    for row in lexicons.table("place_aliases.tsv")],
        "labels": ["GPE", "LOC"],
        "min_city_population": 15000,
        "min_alternate_name_population": 1000000,
        "min_town_abroad_population": 100000,
        "regions": [{"region": row["region"], "also": _listed(row["also"]), "feature": row["feature"],
                     "members": _listed(row["members"])} for row in lexicons.table("place_regions.tsv")],
    },
    requires=["doc._.layout", "doc._.entities"],
)
def make_places(
    nlp: Language, name: str, aliases: list[dict], labels: list[str], min_city_population: int,
    min_alternate_name_population: int, min_town_abroad_population: int, regions: list[dict],
) -> Extractor:
    rules = GeocodeRules(
        {key(a["alias"]): a["geonames_id"] for a in aliases}, frozenset(labels), min_city_population,
        min_alternate_name_population, min_town_abroad_population,
        tuple(Region(r["region"], tuple(r["also"]), r["feature"], tuple(r["members"])) for r in regions),
    )
    rules.gazetteer()  # read once, when the pipeline is built, not in the first article
    return Extractor(rules, _places)


def _places(doc: Doc, rules: GeocodeRules) -> None:
    places = doc._.entities.places
    in_text = places_in_text(doc, places, rules.labels, rules.facilities)
    found = join_same_places(places, geocode(in_text, rules.gazetteer(), rules))
    places[:] = [entity for entity, _ in found]
    doc._.geocodes = [place for _, place in found]
    doc.spans["places"] = [_mention(doc, m, entity) for entity in places for m in entity.mentions]
    place_of = {id(entity): place for entity, place in found}
    for span in doc.spans["places"]:
        span._.place = place_of[id(span._.entity)]


@Language.factory(
    "newsflow_identity",
    default_config={
        "organization_aliases": [{"alias": row["alias"], "organization": row["organization"]}
                                 for row in lexicons.table("organization_aliases.tsv")],
        "distinct_initials": list(lexicons.entries("distinct_initials.txt")),
        "first_names": {row["short"]: row["first_name"] for row in lexicons.table("first_name_forms.tsv")},
        "person_aliases": {row["alias"]: row["person"] for row in lexicons.table("person_aliases.tsv")},
    },
    requires=["doc._.entities", "doc._.geocodes"],
)
def make_identity(
    nlp: Language, name: str, organization_aliases: list[dict], distinct_initials: list[str],
    first_names: dict[str, str], person_aliases: dict[str, str],
) -> Extractor:
    unaliased = IdentityRules(
        {name_key(a["alias"]): a["organization"] for a in organization_aliases},
        {name_key(bare_name(n)): frozenset() for n in distinct_initials},
        {name_key(short): name_key(first) for short, first in first_names.items()},
        {},
    )
    # Aliases and the people told apart by initials are keyed as names are,
    # so that "Joseph R. Biden Jr." finds "Joseph Biden Jr.", and "George H. W. Bush" "George H.W. Bush".
    told_apart: dict[str, set[str]] = {}
    for person in distinct_initials:
        told_apart.setdefault(name_key(bare_name(person)), set()).add(person_key(person, unaliased))
    rules = replace(unaliased, distinct_initials={bare: frozenset(keys) for bare, keys in told_apart.items()},
                    person_aliases={person_key(alias, unaliased): person_key(person, unaliased)
                                    for alias, person in person_aliases.items()})
    return Extractor(rules, _identity)


def _identity(doc: Doc, rules: IdentityRules) -> None:
    found = doc._.entities
    doc._.identity_keys = {
        "people": people_keys([p.full_name for p in found.people], rules),
        "organizations": [organization_key(o.name, o.acronym, rules) for o in found.organizations],
        "places": [place_key(p.name, g) for p, g in zip(found.places, doc._.geocodes)],
    }


@Language.factory(
    "newsflow_quotes",
    default_config={
        "speech_verbs": {row["lemma"]: row["reports"] for row in lexicons.table("speech_verbs.tsv")},
        "naming_verbs": list(lexicons.entries("naming_verbs.txt")),
        "statement_nouns": list(lexicons.entries("statement_nouns.txt")),
        "quotation_marks": quotation_marks("double"),
        "min_quote_chars": 3,
        "max_attribution_tokens": 15,
    },
    requires=["doc._.layout", "doc._.entities"],
)
def make_quotes(
    nlp: Language, name: str, speech_verbs: dict[str, str], naming_verbs: list[str], statement_nouns: list[str],
    quotation_marks: dict[str, str], min_quote_chars: int, max_attribution_tokens: int,
) -> Extractor:
    rules = QuoteRules(
        speech_verbs=frozenset(speech_verbs),
        indirect_verbs=frozenset(lemma for lemma, reports in speech_verbs.items() if reports == "indirect"),
        naming_verbs=frozenset(naming_verbs),
        statement_nouns=frozenset(statement_nouns),
        opening=dict(quotation_marks),
        min_quote_chars=min_quote_chars,
        max_attribution_tokens=max_attribution_tokens,
    )
    return Extractor(rules, _quotes)


def _quotes(doc: Doc, rules: QuoteRules) -> None:
    quotations, found = find_quotes(doc, doc._.layout, rules, lambda token: doc._.entities.person_at(token) is not None)
    doc.spans["quotations"] = [doc.char_span(s, e, alignment_mode="expand") for s, e in quotations]
    doc._.quotes = found
    doc.spans["quotes"] = _views(doc, found)


@Language.factory(
    "newsflow_speakers",
    default_config={
        "pronouns": {row["pronoun"]: row["gender"] for row in lexicons.table("pronouns.tsv")},
        "description_titles": {row["noun"]: row["title"] for row in lexicons.table("description_nouns.tsv")},
        "continuation_paragraphs": 2,
    },
    requires=["doc._.layout", "doc._.entities", "doc._.quotes"],
)
def make_speakers(
    nlp: Language, name: str, pronouns: dict[str, str], description_titles: dict[str, str], continuation_paragraphs: int
) -> Extractor:
    rules = ResolutionRules(
        pronouns={word: gender or None for word, gender in pronouns.items()},
        description_titles=dict(description_titles),
        continuation_paragraphs=continuation_paragraphs,
    )
    return Extractor(rules, _speakers)


def _speakers(doc: Doc, rules: ResolutionRules) -> None:
    quoted = QuotedDoc(doc, quoted_tokens(doc, [(s.start_char, s.end_char) for s in doc.spans["quotations"]]))
    doc._.quotes = resolve_speakers(doc._.quotes, quoted, doc._.entities, doc._.layout, rules)


@Language.factory(
    "newsflow_numbers",
    default_config={
        "labels": ["CARDINAL", "PERCENT", "MONEY", "QUANTITY"],
        "hedges": list(lexicons.entries("number_hedges.txt")),
        "unit_by_label": {"PERCENT": "percentage", "MONEY": "currency"},
        "number_words": {row["word"]: float(row["value"]) for row in lexicons.table("number_words.tsv")},
        "currency_symbols": {"$": "dollar", "€": "euro", "£": "pound"},
        "money_words": list(lexicons.entries("money_words.txt")),
    },
    requires=["doc._.layout"],
)
def make_numbers(
    nlp: Language, name: str, labels: list[str], hedges: list[str], unit_by_label: dict[str, str],
    number_words: dict[str, float], currency_symbols: dict[str, str], money_words: list[str],
) -> Extractor:
    prepare_quantity_parser()
    return Extractor(NumberRules(frozenset(labels), tuple(hedges), dict(unit_by_label), dict(number_words),
                                 dict(currency_symbols), frozenset(money_words)), _numbers)


def _numbers(doc: Doc, rules: NumberRules) -> None:
    doc._.numbers = find_numbers(doc, rules, doc._.layout.sentence_of)
    doc.spans["numbers"] = _views(doc, doc._.numbers)


@Language.factory("newsflow_dates", default_config={"rules": default_rules()}, requires=["doc._.layout"])
def make_dates(nlp: Language, name: str, rules: dict) -> Extractor:
    return Extractor(DateReader(rules), _dates)


def _dates(doc: Doc, reader: DateReader) -> None:
    doc._.dates = reader.read(doc, doc._.published_date, doc._.layout.sentence_of)
    doc.spans["dates"] = _views(doc, doc._.dates)


def _mention(doc: Doc, mention, entity) -> Span:
    """A mention's tokens (mentions are whole tokens, and never overlap),
    carrying the entity it names."""
    span = doc.char_span(mention.start, mention.end)
    span._.entity = entity
    return span


def _views(doc: Doc, records) -> list[Span]:
    """The whole tokens over each record's characters, labelled with its kind."""
    return [doc.char_span(r.start, r.end, label=r.kind, alignment_mode="expand") for r in records]
