"""Who and what an article mentions: people, organizations and places.

spaCy's named entities are the raw material; ``find_entities`` merges their
mentions into one entity per real-world referent within an article
("Mr. Nazary" and "Ali Nazary"; "NRF" and "National Resistance Front"),
picks a canonical name, and reads titles, roles and affiliations from the
parse (titles before a name, appositions, "of <place>"). The result,
``Entities``, is complete once built: lookups for resolving speakers, and
the rows.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterator

from spacy.tokens import Doc, Span, Token

from newsflow.doc_text import text_of
from newsflow.identity import NAME_SUFFIXES, name_key
from newsflow.segment import Span as TextSpan


@dataclass(frozen=True)
class Title:
    """A word that stands before a name (lexicons/titles.tsv)."""

    title: str  # the form reported: "Sen." for "Senator"
    gender: str | None = None  # "m" or "f" when the word tells
    kind: str | None = None


@dataclass(frozen=True)
class EntityRules:
    titles: dict[str, Title]  # by title_key of the word
    person_labels: frozenset[str]
    organization_labels: frozenset[str]
    place_labels: frozenset[str]
    first_name_genders: dict[str, str]  # "hillary" -> "f" (lexicons/first_name_genders.tsv)
    known_organizations: dict[str, str]  # name (normalized_name) -> canonical: organizations whatever the label
    # Words that introduce a relative, with the gender they tell: "daughter" (lexicons/relatives.tsv).
    relatives: dict[str, str | None]
    parties: dict[str, str]  # a "(D-Nev.)" letter or a word before a name -> the party: "D", "Democratic"
    state_abbreviations: dict[str, str]  # "Nev." -> "Nevada" (lexicons/place_aliases.tsv)
    organization_heads: frozenset[str]  # "Court", "Union" (lexicons/organization_heads.txt)
    not_organizations: frozenset[str]  # names (normalized_name) that name none: "State" (lexicons/not_organizations.txt)
    law_words: frozenset[str]  # the last word of a law's name: "Act"
    demonyms: dict[str, str]  # "Russian" -> "Russia" (lexicons/demonyms.tsv)
    seats_of_power: frozenset[str]  # names (normalized_name) of a building and its body (lexicons/seats_of_power.txt)
    facility_heads: frozenset[str]  # "Tower", "Street" (lexicons/facility_heads.txt)
    # ("President", "Obama") -> ("Barack Obama", "m") (lexicons/titled_people.tsv)
    titled_people: dict[tuple[str, str], tuple[str, str]]
    presidents: dict[str, str]  # "Obama" -> "Barack Obama" (lexicons/presidents.tsv)
    presidency_words: frozenset[str]  # "administration", "White House" (lexicons/presidency_words.txt)
    # name_key("George Bush"): people whom only their middle initials tell apart (lexicons/distinct_initials.txt)
    distinct_initials: frozenset[str]
    quotation_marks: dict[str, str]  # opening -> closing, of the double marks that delimit quotations
    pronoun_genders: dict[str, str]  # "she" -> "f" (lexicons/pronouns.tsv)

    def title_of(self, token: Token) -> Title | None:
        """The title ``token`` is, if any. A title word in lower case after a
        capitalized modifier is a descriptor, a role: "former Florida governor
        Jeb Bush", "retired Air Force general Lloyd Newton"."""
        title = self.titles.get(title_key(token.text))
        if title is not None and token.text.islower() and token.i > 0:
            before = token.doc[token.i - 1]
            if before.text[:1].isupper() and not before.is_sent_start and before.text not in self.parties:
                return None
        return title


_COMPASS = {"North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Central", "Upper", "Lower"}
_KIN_GROUPS = {"family", "families", "clan", "household", "dynasty"}
_QUESTION_VERBS = {"will", "may", "can", "should", "would", "could", "did", "does", "is", "was", "has"}
_PARTICLES = {"al", "bin", "da", "de", "del", "della", "der", "di", "du", "ibn", "la", "le", "van", "von"}
_EDITORIAL_BRACKETS = re.compile(r"[\[\]]")
_DASHES = {"-", "–", "—", "--"}
_ACRONYM_STOP = {"of", "for", "the", "and", "on", "in", "to", "at", "&", "de"}
_POSSESSIVE = re.compile(r"(?:['’]s?|['’])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


def title_key(text: str) -> str:
    return text.lower().rstrip(".")


@dataclass
class Mention:
    """A stretch of clean text that names an entity."""

    start: int
    end: int
    text: str


@dataclass
class Entity:
    kind: str  # person | organization | place
    name: str
    mentions: list[Mention] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    acronym: str | None = None
    genders: set[str] = field(default_factory=set)
    first_name_gender: str | None = None
    known_as: str | None = None  # the full name a title and surname stand for: "Barack Obama" for "President Obama"

    @property
    def full_name(self) -> str:
        """The name surnames and first names are matched against, and the
        person is known by across articles."""
        return self.known_as if self.known_as and len(self.name.split()) < 2 else self.name

    @property
    def gender(self) -> str | None:
        """The gender the titles tell, when they agree; else the first name's."""
        if self.genders:
            return next(iter(self.genders)) if len(self.genders) == 1 else None
        return self.first_name_gender

    def fits(self, gender: str | None) -> bool:
        """Whether a mention of ``gender`` can name this person."""
        return gender is None or self.gender is None or self.gender == gender

    @property
    def first(self) -> Mention:
        return min(self.mentions, key=lambda m: m.start)

    def add_unique(self, attribute: str, value: str) -> None:
        values = getattr(self, attribute)
        if value and value not in values:
            values.append(value)

    def add_title(self, title: Title) -> None:
        self.add_unique("titles", title.title)
        if title.gender:
            self.genders.add(title.gender)


@dataclass(frozen=True)
class Entities:
    """All people, organizations and places of one article."""

    people: list[Entity]
    organizations: list[Entity]
    places: list[Entity]
    person_of_token: dict[int, Entity]

    def person_at(self, token: Token) -> Entity | None:
        return self.person_of_token.get(token.i)

    def entity_at(self, token: Token) -> Entity | None:
        """The person, organization or place one of whose mentions holds ``token``."""
        for group in (self.people, self.organizations, self.places):
            for entity in group:
                for m in entity.mentions:
                    if m.start <= token.idx < m.end:
                        return entity
        return None

    def people_before(self, char: int) -> list[tuple[Mention, Entity]]:
        """Person mentions that end before ``char``, nearest first."""
        found = [(m, p) for p in self.people for m in p.mentions if m.end <= char]
        return sorted(found, key=lambda mp: -mp[0].start)


def labelled_entities(doc: Doc, labels: set[str]) -> Iterator[tuple[Span, int, int, str]]:
    """Entities with one of ``labels`` as ``(entity, start, end, text)``, the
    span trimmed of the whitespace the model sometimes includes."""
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        text = ent.text.strip()
        if text:
            start = ent.start_char + len(ent.text) - len(ent.text.lstrip())
            yield ent, start, start + len(text), text


def find_entities(doc: Doc, rules: EntityRules) -> Entities:
    headline = _title_case_headline(doc)
    person_spans, other, taken = _person_spans(doc, rules, headline)
    people, person_of_token = _people(doc, person_spans, rules)
    # A person's name or part of it is no organization or place ("Melania"
    # labelled a place where Melania Trump is named).
    person_names = {normalized_name(p.name) for p in people} | {normalized_name(w) for p in people for w in _first_and_last(p.name)}
    spans = [o for o in other if set(range(o[1], o[2])).isdisjoint(taken)]
    organizations, places = _organizations_and_places(doc, spans, person_names, rules)
    entities = Entities(people, organizations, places, person_of_token)
    _read_roles(doc, entities, rules, headline)
    return entities


PersonSpan = tuple[int, int, list[Title]]  # token bounds of the name, and the titles before it


def _person_spans(
    doc: Doc, rules: EntityRules, headline: TextSpan | None
) -> tuple[list[PersonSpan], list[tuple[str, int, int]], set[int]]:
    """Names of people (with the titles before them), the other entities
    as ``(label, start, end)``, and the tokens people's names take."""
    person_spans: list[PersonSpan] = []
    other: list[tuple[str, int, int]] = []
    taken: set[int] = set()
    common = _common_lead_words(doc, rules)
    person_names = {name_key(ent.text) for ent in doc.ents if ent.label_ in rules.person_labels}  # as name_key has them
    for ent in doc.ents:
        bounds = _strip_span(ent)
        if bounds is None:
            continue
        start, end = bounds
        if ent.label_ in rules.person_labels:
            start, end = _without_glued_words(doc, start, end, person_names)
            while start < end - 1 and (doc[start].lower_ in ("a", "an", "the")  # "a Donald Trump"
                                       or doc[start].tag_ == "VBG"  # "Entrusting Donald Trump with ..."
                                       or doc[start].is_sent_start and doc[start].text in common
                                       or _describes_person(doc, start, end, rules, person_names)
                                       or _asks(doc, start)):
                start += 1
            if (place := _named_after_person(doc, start, end, rules)) is not None:
                other.append(place)
                continue
            titles = []
            while start < end - 1 and (title := rules.title_of(doc[start])) is not None:
                titles.append(title)
                start += 1
                if start < end - 1 and doc[start].text == ".":
                    start += 1  # "Capt" and "." as the tokenizer splits "Army Capt. Christian Pardo"
            text = doc[start:end].text
            if "’s " in text or "'s " in text or not any(c.isupper() for c in text):
                continue  # "Charlie Wilson’s War" is a title, not a person
            if end - start == 1 and end < len(doc) and doc[end].lower_ in _KIN_GROUPS:
                continue  # "the Khan family's criticism": the family, none of its members
            person_spans.append((start, end, titles))
            taken.update(range(start, end))
        elif ent.label_ in rules.organization_labels | rules.place_labels:
            organization = ent.label_ in rules.organization_labels
            for piece_start, piece_end in _name_pieces(doc, start, end):
                other.append((ent.label_, *_name_bounds(doc, piece_start, piece_end, rules, organization)))
    # "Mr. X" names a person whatever label the model gave X.
    for token in doc:
        title = rules.title_of(token)
        if (title is not None and token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "PROPN" and token.i + 1 not in taken
                and doc[token.i + 1].text not in rules.organization_heads  # "Justice Department"
                and rules.title_of(doc[token.i + 1]) is None):  # "Chairman Rep. Jason Chaffetz": the next title reads on
            end = token.i + 1
            while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].tag_ != "POS" and end not in taken:
                end += 1
            person_spans.append((token.i + 1, end, [title]))
            taken.update(range(token.i + 1, end))
    # "David" of "David and Charles Koch", a known first name the model left out.
    for start, end, _ in list(person_spans):
        given = start - 2
        if (end - start >= 2 and given >= 0 and doc[start - 1].lower_ in ("and", "&") and given not in taken
                and not doc[given].ent_type_ and doc[given].pos_ == "PROPN"
                and doc[given].lower_ in rules.first_name_genders
                and doc[given].text[:1].isupper() and (given == 0 or doc[given - 1].pos_ != "PROPN")):
            person_spans.append((given, given + 1, []))
            taken.add(given)
    # A name the model split in two, read whole ("the U.S. Court of Appeals
    # for the District of Columbia Circuit"), leaves no second entity.
    other = [o for o in other if not any(p != o and p[1] <= o[1] and o[2] <= p[2] for p in other)]
    person_spans += _people_labelled_otherwise(doc, other, person_spans, taken, rules)
    other = [o for o in other if set(range(o[1], o[2])).isdisjoint(taken)]
    if headline is not None:
        person_spans = _confirmed_in_title_case(doc, headline.end, person_spans, taken)
        other = _other_confirmed_in_title_case(doc, headline.end, other)
    with_titles = []
    for start, end, titles in sorted(person_spans, key=lambda p: (p[0], p[1])):
        k = start - 1
        while k >= 0 and (title := rules.title_of(doc[k])) is not None and not titles:
            titles = [title] + titles
            k -= 1
        with_titles.append((start, end, _compound_title(doc, start - len(titles), start, titles)))
    return with_titles, other, taken


def _without_glued_words(doc: Doc, start: int, end: int, person_names: set[str]) -> tuple[int, int]:
    """The bounds of a person's name without the words the model read into
    it: a number, dash or lower-case word set apart after it (a poll
    table's "Donald Trump 384", "Donald Trump - and"; not "Guccifer 2.0"),
    and a lower-case word hyphened to a full name the article gives alone
    ("pro-Jeb Bush", "Jeb Bush-spent"; not "Ban Ki-moon"), and any word
    after one ("Donald Trump Leads" in a title-case line; not a suffix:
    "Donald Trump Jr.")."""
    def named_alone(first: int, last: int) -> bool:
        return last - first > 1 and name_key(doc[first:last].text) in person_names

    def lower_word(i: int) -> bool:
        return doc[i].is_lower and doc[i].is_alpha

    def hyphen_after(i: int) -> bool:  # "pro" + "-" + "Jeb", without spaces
        return doc[i + 1].text == "-" and not doc[i].whitespace_ and not doc[i + 1].whitespace_

    while end - start > 1 and doc[end - 2].whitespace_ and (
            doc[end - 1].is_digit or doc[end - 1].text in _DASHES or lower_word(end - 1)):
        end -= 1
    while end - start > 3 and lower_word(start) and hyphen_after(start) and named_alone(start + 2, end):
        start += 2
    while end - start > 3 and lower_word(end - 1) and hyphen_after(end - 3) and named_alone(start, end - 2):
        end -= 2
    while named_alone(start, end - 1) and name_key(doc[end - 1].text) not in NAME_SUFFIXES:
        end -= 1
    return start, end


def _describes_person(doc: Doc, start: int, end: int, rules: EntityRules, person_names: set[str]) -> bool:
    """Whether the word at ``start`` describes the person named after it: a
    plural ("Floridians Jeb Bush"), or a common word before a first name
    or a name the article gives alone ("Billionaire Donald Trump", "Crooked
    Hillary Clinton", "Certainly Donald Trump"), but a title ("President
    Barack Obama"). (Any word before a name given alone made "Osman Abu
    Laban" "Abu Laban".)"""
    if end - start <= 2 or doc[start].lower_ in rules.first_name_genders or rules.title_of(doc[start]) is not None:
        return False
    if doc[start].tag_ == "NNPS":  # no name has a plural in it
        return True
    return doc[start].pos_ in ("NOUN", "ADJ", "ADV") and (
        doc[start + 1].lower_ in rules.first_name_genders or name_key(doc[start + 1 : end].text) in person_names)


def _asks(doc: Doc, start: int) -> bool:
    """Whether the word at ``start`` opens a question as its verb ("Will
    Sanders come down off the pique?"), not as a first name."""
    token = doc[start]
    return token.is_sent_start and token.lower_ in _QUESTION_VERBS and any(
        t.text == "?" for t in token.sent[-2:])  # a line's last token may be its line break


def _named_after_person(doc: Doc, start: int, end: int, rules: EntityRules) -> tuple[str, int, int] | None:
    """A building, an organization or a seat of power the model read as a
    person because a person's name begins it: "Trump Tower", "Clinton
    Foundation", "the Obama White House" (the seat alone)."""
    last = doc[end - 1].text
    if last in rules.organization_heads:
        return "ORG", start, end
    if last in rules.facility_heads:
        return "FAC", start, end
    seat = next((k for k in range(start + 1, end) if normalized_name(doc[k:end].text) in rules.seats_of_power), None)
    return ("FAC", seat, end) if seat is not None else None


def _common_lead_words(doc: Doc, rules: EntityRules) -> set[str]:
    """Capitalized words that begin a person's name at the start of a
    sentence but are common words: the article writes them in lower case
    too and no first name is one ("Top" of "Top Clinton adviser sent ..."
    where "top secret" follows; "Young" of "Young Sanders supporters"),
    before the surname of another name of the article; not a particle of
    a surname ("De Blasio" where "Bill de Blasio" is named)."""
    names = [e for e in doc.ents if e.label_ in rules.person_labels and len(e) > 1]
    full_names_of = defaultdict(set)
    for name in names:
        full_names_of[name[-1].text].add(name.text)
    leads = {
        e[0].text for e in names
        if e[0].is_sent_start and len(full_names_of[e[-1].text]) > 1 and e[0].text[:1].isupper() and e[1].is_alpha
        and e[0].lower_ not in rules.first_name_genders and e[0].lower_ not in _PARTICLES
    }
    if not leads:  # most articles: no need to read every word
        return leads
    lower = {t.text for t in doc if t.text.islower()}
    return {lead for lead in leads if lead.lower() in lower}


def _compound_title(doc: Doc, first: int, start: int, titles: list[Title]) -> list[Title]:
    """A title word with the capitalized words of no entity before it is one
    title, as written: "Vice President", "Attorney General", "District
    Judge" (not "President", "Gen.", "Judge")."""
    k = first - 1
    while titles and k >= 0 and _title_word(doc[k]):
        k -= 1
    if not titles or k == first - 1:
        return titles
    gender = next((t.gender for t in titles if t.gender), None)
    return [Title(doc[k + 1 : start].text, gender)]


def _title_word(token: Token) -> bool:
    """A capitalized proper noun no entity holds, as the words of a title
    are ("Vice", "Attorney", "Director")."""
    return token.pos_ == "PROPN" and token.text[:1].isupper() and token.ent_type_ == ""


_COMPANY_SUFFIXES = frozenset({"inc", "corp", "co", "llc", "ltd", "plc"})


def _name_bounds(doc: Doc, start: int, end: int, rules: EntityRules, organization: bool) -> tuple[int, int]:
    """An organization's or place's name without the words the model glues
    to it: a lower-case lead but "the" ("a Crime Statistics Bureau", the
    "-Clinton" of "pro-Clinton Priorities USA Action"), and a person or
    product owned after a possessive ("National Review's Jonah Goldberg",
    "Alphabet Inc's Google"); with the "of" or "for" name the model leaves
    out of an organization's ("the U.S. Court of Appeals for the Sixth
    Circuit")."""
    while start < end - 1 and (doc[start].text[:1].islower() and doc[start].lower_ != "the"
                               or doc[start].text.startswith("-") or start > 0 and doc[start - 1].text.endswith("-")):
        start += 1
    if organization and any(t.text in rules.organization_heads for t in doc[start:end]):
        end = _of_name_after(doc, end)
    for k in range(start + 1, end - 1):
        if doc[k].tag_ == "POS" or doc[k].lower_ in ("'s", "’s"):
            owner, owned = doc[k - 1].lower_.rstrip("."), doc[k + 1].lower_
            if owner in _COMPANY_SUFFIXES or owned in rules.first_name_genders:
                return start, k
            break
    return start, end


def _name_pieces(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """The names in one entity of the model: joint names split at a slash
    ("USC Dornsife/Los Angeles Times", "Reuters/Ipsos"), and a name cut
    before a percentage read into it ("Trump 47.3 percent")."""
    for k in range(start, end - 1):
        if doc[k].like_num and doc[k + 1].lower_ in ("percent", "%"):
            end = k
            break
    pieces, piece_start = [], start
    for k in range(start, end + 1):
        if k == end or doc[k].text == "/":
            if k > piece_start:
                pieces.append((piece_start, k))
            piece_start = k + 1
    return pieces


def _of_name_after(doc: Doc, end: int) -> int:
    """The end of "for the Sixth Circuit" or "of Ohio" after ``end``, or ``end``."""
    if end >= len(doc) or doc[end].lower_ not in ("of", "for"):
        return end
    k = end + 1 + (end + 1 < len(doc) and doc[end + 1].lower_ == "the")
    stop = k
    while stop < len(doc) and "\n" not in doc[stop - 1].whitespace_ and (
            doc[stop].text[:1].isupper()
            or stop > k and doc[stop].lower_ in ("of", "and") and stop + 1 < len(doc) and doc[stop + 1].text[:1].isupper()):
        stop += 1  # "for the District of Columbia Circuit"
    return stop if stop > k else end


def _people_labelled_otherwise(doc: Doc, other: list[tuple[str, int, int]], person_spans: list[PersonSpan],
                               taken: set[int], rules: EntityRules) -> list[PersonSpan]:
    """"Carly Fiorina" labelled an organization where "Fiorina" is labelled
    a person: a first name and the last name of a person of the article."""
    surnames = {doc[end - 1].text for _, end, _ in person_spans}
    found = []
    for _, start, end in other:
        words = doc[start:end]
        if len(words) == 2 and words[0].lower_ in rules.first_name_genders and words[-1].text in surnames:
            found.append((start, end, []))
            taken.update(range(start, end))
    return found


def _other_confirmed_in_title_case(
    doc: Doc, headline_end: int, other: list[tuple[str, int, int]]
) -> list[tuple[str, int, int]]:
    """Organizations and places of a title-case headline (ending at character
    ``headline_end``) that the rest of the article names too ("Obama Power
    Plant Rules Face Key Test" is none)."""
    body = {normalized_name(doc[start:end].text) for _, start, end in other if doc[start].idx >= headline_end}
    return [o for o in other if doc[o[1]].idx >= headline_end or normalized_name(doc[o[1] : o[2]].text) in body]


def _confirmed_in_title_case(
    doc: Doc, headline_end: int, spans: list[PersonSpan], taken: set[int]
) -> list[PersonSpan]:
    """Names in a title-case headline (ending at character ``headline_end``:
    "Hillary Clinton Slams Donald Trump", "Top Clinton Aide Quits") cut down
    to the people the rest of the article names: there the model cannot tell
    a name from the capitalized words around it. A name the rest of the
    article does not confirm is dropped."""
    in_title_case = [doc[start].idx < headline_end for start, _, _ in spans]
    body = [doc[start:end].text for (start, end, _), inside in zip(spans, in_title_case) if not inside]
    full_names = {name for name in body if " " in name}
    words = {word for name in body for word in name.split()}
    kept: list[PersonSpan] = []
    for (start, end, titles), inside in zip(spans, in_title_case):
        if not inside:
            kept.append((start, end, titles))
            continue
        found = _longest_known(doc, start, end, full_names, words)
        if found is None:
            taken.difference_update(range(start, end))
        else:
            taken.difference_update(set(range(start, end)) - set(range(*found)))
            kept.append((*found, titles if found[0] == start else []))
    return kept


def _longest_known(doc: Doc, start: int, end: int, full_names: set[str], words: set[str]) -> tuple[int, int] | None:
    """The longest run of tokens in ``doc[start:end]`` that is a full name of
    ``full_names``, else a single word of ``words``."""
    for length in range(end - start, 0, -1):
        for first in range(start, end - length + 1):
            text = doc[first : first + length].text
            if (length > 1 and text in full_names) or (length == 1 and text in words):
                return first, first + length
    return None


def _title_case_headline(doc: Doc) -> TextSpan | None:
    """The headline when it is in title case and the article has more: the
    headline only, since a byline or a credits line ("Reporting by Valerie
    Volcovici") is title case too, and names people named nowhere else."""
    paragraphs = doc._.layout.paragraphs
    if len(paragraphs) < 2 or not _is_title_case(text_of(doc)[paragraphs[0].start : paragraphs[0].end]):
        return None
    return paragraphs[0]


# Words this short ("of", "the", "and") are lower case in title case too.
_SHORT_WORDS = 3


def _is_title_case(line: str) -> bool:
    """Whether a line capitalizes its words ("Trump Warns Clinton on Trade"),
    as headlines often do, rather than writing them in sentence case."""
    long_words = [w for w in re.findall(r"[A-Za-z][A-Za-z’']*", line) if len(w) > _SHORT_WORDS]
    return len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


def _people(doc: Doc, person_spans: list[PersonSpan], rules: EntityRules) -> tuple[list[Entity], dict[int, Entity]]:
    """One entity per person: full names first; a single word ("Nazary")
    joins the full name it ends or starts once every full name is known:
    never one of another gender ("Mrs. Clinton" is not Bill Clinton), nor
    without a title telling the gender one introduced as a relative ("Trump"
    is not "his daughter Ivanka Trump", even when no other Trump is named in
    full), and of several that fit, the first named. A title and surname
    that name one person wherever they are written stand for that person's
    full name ("President Obama" is known as Barack Obama, and a later
    "Obama" joins him: lexicons/titled_people.tsv)."""
    people: list[Entity] = []
    relatives: set[int] = set()
    introduced: dict[int, int] = {}  # id(person) -> the token their first full name as more than a modifier starts at
    named_in_full: dict[int, list[int]] = {}  # id(person) -> where each of their full-name mentions starts
    full_mentions: list[tuple[int, int, Entity]] = []  # (start, end) tokens of each full-name mention, in order
    person_of_token: dict[int, Entity] = {}
    single_words: list[tuple[Mention, int, int, list[Title]]] = []
    # "[Hillary] Clinton", as quotes write an added word, is "Hillary Clinton".
    names = _with_shared_surnames(doc, person_spans, [_EDITORIAL_BRACKETS.sub("", doc[start:end].text)
                                                      for start, end, _ in person_spans], rules)
    for (start, end, titles), name in zip(person_spans, names):
        mention = _mention(doc, start, end)
        listed = next((rules.titled_people[t.title, name] for t in titles
                       if (t.title, name) in rules.titled_people), None)
        if listed is None and end - start == 1 and name in rules.presidents and _names_a_presidency(doc[start], rules):
            listed = (rules.presidents[name], None)
        words = (listed[0] if listed else name).split()
        if len(words) < 2 or not listed and any(_surname_of(other, name) and (
                words[0].lower() in _PARTICLES or other.split()[0].lower() in rules.first_name_genders)
                for other in names):
            # "Trump"; "De Blasio" of "Bill de Blasio"; "Wasserman Schultz" of "Debbie Wasserman Schultz";
            # not "Hillary Clinton" of "Crooked Hillary Clinton"
            single_words.append((mention, start, end, titles))
            continue
        person = next((p for p in people if _same_full_name(p.full_name.split(), words, rules.distinct_initials)),
                      None)
        if person is None:
            person = Entity("person", name)
            people.append(person)
            if listed:
                person.known_as, person.first_name_gender = listed
            if (relative := _relative_word(doc, start - len(titles), rules.relatives)) is not None:
                relatives.add(id(person))
                if rules.relatives[relative]:
                    person.genders.add(rules.relatives[relative])
        elif len(words) > len(person.name.split()):
            person.name = name
        person.mentions.append(mention)
        named_in_full.setdefault(id(person), []).append(mention.start)
        full_mentions.append((start, end, person))
        if not _modifies_a_noun(doc[end - 1]):
            introduced.setdefault(id(person), start)
        for title in titles:
            person.add_title(title)
        for i in range(start, end):
            person_of_token[i] = person
    for person in people:
        first_name = person.full_name.split()[0].lower()
        person.first_name_gender = person.first_name_gender or rules.first_name_genders.get(first_name)
    # The people of the article in the order they take part in it: named in
    # full as more than a modifier ("Former Bill Clinton pollster Douglas
    # Schoen" introduces Schoen), then any others; relatives last.
    by_default = sorted(people, key=lambda p: (id(p) in relatives, id(p) not in introduced, introduced.get(id(p), 0)))
    singles: list[Entity] = []
    apart: list[Entity] = []  # "the newest Clinton": one of a family, not any of its members named
    # "Mr. and Mrs. Khan" names both: neither title tells who this is.
    single_words = [(mention, start, end, [] if _names_a_couple(doc, start, rules) else titles)
                    for mention, start, end, titles in single_words]
    genders_of_surname: dict[str, set[str]] = {}
    for mention, _, _, titles in single_words:
        genders_of_surname.setdefault(mention.text, set()).update(t.gender for t in titles if t.gender)
    section_starts = _section_starts(text_of(doc))
    for mention, start, end, titles in single_words:
        word = mention.text
        gender = next((t.gender for t in titles if t.gender), None)
        # Where both "Mr. Khan" and "Ms. Khan" are written, a full name
        # whose gender nothing tells could be either: it joins neither.
        both = len(genders_of_surname[word]) > 1
        # A title telling the gender lets the surname join one introduced as
        # a relative ("Ms. Trump" is "his daughter Ivanka Trump" in a story
        # about Donald), unless someone else of the surname named in full
        # may be of that gender: "Mr. Khan" is not "her son, Humayun Khan"
        # where "Khizr and Ghazala Khan" are named.
        others = [p for p in by_default if _surname_of(p.full_name, word) and id(p) not in relatives]
        relative_fits = gender is not None and not any(p.fits(gender) for p in others)
        fitting = [p for p in by_default if _surname_of(p.full_name, word) and p.fits(gender)
                   and (id(p) not in relatives or relative_fits)
                   and not (both and gender is not None and p.gender is None)]
        if not titles and _one_of_a_family(doc, start):
            apart.append(Entity("person", word, mentions=[mention]))
            person_of_token.update(dict.fromkeys(range(start, end), apart[-1]))
            continue
        fitting = _named_in_its_section(fitting, mention.start, section_starts, named_in_full)
        target = (
            _likeliest(fitting, titles, _named_just_before(doc, start, fitting, full_mentions, section_starts, rules))
            or next((p for p in people if p.full_name.split()[0] == word and p.fits(gender)
                     and not _in_a_list_of_names(doc, start)), None)
            or next((p for p in singles if p.name == word and p.fits(gender)), None)
        )
        if target is None:
            target = Entity("person", word)
            singles.append(target)
        target.mentions.append(mention)
        for title in titles:
            target.add_title(title)
        for i in range(start, end):
            person_of_token[i] = target
    # Two people known by one surname alone ("Mr. Clinton" and "Mrs. Clinton"
    # with no full name): each is named with the title that tells them apart.
    gendered = {t.title for t in rules.titles.values() if t.gender}
    shared = {name for name, n in Counter(p.name for p in singles).items() if n > 1}
    for person in singles:
        if person.name in shared:
            title = next((t for t in person.titles if t in gendered), None)
            person.name = f"{title} {person.name}" if title else person.name
    people.extend(singles)
    people.extend(apart)
    for person in people:
        person.mentions.sort(key=lambda m: m.start)
    people.sort(key=lambda p: p.first.start)
    return people, person_of_token


def _with_shared_surnames(doc: Doc, person_spans: list[PersonSpan], names: list[str], rules: EntityRules) -> list[str]:
    """``names``, a given name before "and" completed with the surname it
    shares with the full name after: "David" of "David and Charles Koch" is
    David Koch, "Bill" of "Bill and Hillary Clinton" Bill Clinton. Only a
    known first name, and one that neither ends nor starts another name in
    the article: "Clinton" of "Clinton and Bernie Sanders" is a surname of
    its own, "Hillary" of "Hillary and Huma Abedin" Hillary Clinton. A
    first name the census list lacks is completed only when the article
    names that person in full elsewhere ("Khizr" once "Khizr Khan" is
    written). (Any word found alone once only made "Biden Rice" of "Biden
    and Susan Rice".)"""
    full_names = {name for name in names if len(name.split()) > 1}
    named = {word for name in full_names for word in (name.split()[0], name.split()[-1])}
    completed = list(names)
    for i, ((start, end, titles), (next_start, _, next_titles)) in enumerate(zip(person_spans, person_spans[1:])):
        given, following = names[i], names[i + 1].split()
        if (end - start == 1 and not titles and not next_titles and next_start == end + 1 and _starts_a_name(doc, start)
                and doc[end].lower_ in ("and", "&") and len(following) >= 2
                and name_key(following[-1]) not in NAME_SUFFIXES
                and (f"{given} {following[-1]}" in full_names
                     or given not in named and given.lower() in rules.first_name_genders)):
            completed[i] = f"{given} {following[-1]}"
    return completed


def _section_starts(text: str) -> list[int]:
    """Where each section after the first of a text cut by separator lines
    begins ("___" between the entries of a live blog)."""
    return [match.end() for match in _SECTION_BREAK.finditer(text)]


# A line of nothing but three or more underscores, stars, dashes or hashes ("___.", "* * *").
_SECTION_BREAK = re.compile(r"^[ \t]*(?:[_*#-][ \t]*){3,}\.?[ \t]*$", re.MULTILINE)


def _named_in_its_section(fitting: list[Entity], char: int, section_starts: list[int],
                          named_in_full: dict[int, list[int]]) -> list[Entity]:
    """Of the people a surname at ``char`` can name, those named in full
    earlier in its own section, if any; else all of them. The entries of a
    live blog are stories of their own: "Johnson says" under "Homeland
    Security Secretary Jeh Johnson says" is Jeh Johnson, even after an
    entry about Gary Johnson."""
    if not section_starts:
        return fitting
    section = bisect_right(section_starts, char)
    here = [p for p in fitting if any(bisect_right(section_starts, s) == section and s < char
                                      for s in named_in_full.get(id(p), ()))]
    return here or fitting


def _names_a_presidency(token: Token, rules: EntityRules) -> bool:
    """Whether a surname modifies a presidency word, alone or in a list:
    "the Obama administration", "the Clinton and Obama administrations",
    "Bush-era"; not a hypothetical one: "a Clinton administration", "the
    next Clinton administration", "the Clinton administration will have
    to"."""
    while token.dep_ == "conj" and token.head.i < token.i:
        token = token.head
    head = token.head
    if token.dep_ not in ("compound", "nmod") or head.i <= token.i:
        return False
    doc = token.doc
    phrases = (doc[max(0, head.i - n) : head.i + 1].text for n in range(3))  # "administration", "White House"
    if not (head.lemma_ in rules.presidency_words or not rules.presidency_words.isdisjoint(phrases)):
        return False
    verb = head.head if head.dep_ in ("nsubj", "nsubjpass") else None
    return not (
        any(child.lower_ in _HYPOTHETICAL_MODIFIERS for child in head.children)
        or verb is not None and (any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUXILIARIES for c in verb.children)
                                 or verb.lower_ == "going" and any(c.dep_ == "xcomp" for c in verb.children)))


_HYPOTHETICAL_MODIFIERS = {"a", "an", "next", "future", "potential", "possible", "prospective", "incoming"}
_FUTURE_AUXILIARIES = {"will", "would", "'ll", "’ll", "shall", "could", "might"}


def _names_a_couple(doc: Doc, start: int, rules: EntityRules) -> bool:
    """Whether the titles before token ``start`` are two joined by "and":
    "Mr. and Mrs. Khan"."""
    k = start - 1
    while k >= 0 and (doc[k].text == "." or rules.title_of(doc[k]) is not None):
        k -= 1
    return k >= 1 and k < start - 1 and doc[k].lower_ in ("and", "&") and rules.title_of(doc[k - 1]) is not None


def _in_a_list_of_names(doc: Doc, start: int) -> bool:
    """Whether token ``start`` ends a list of three or more names ("Michael,
    Stephen, Robin and Bill", in a death notice): a first name there is not
    the person of that first name the article names in full. (Two names,
    "Obama and Xi", say nothing; nor does "his son George", who may be the
    George named in full.)"""
    words = [t.text for t in doc[max(0, start - 4) : start]]
    return (len(words) == 4 and words[3] in (",", "and", "&") and words[1] == ","
            and doc[start - 2].pos_ == doc[start - 4].pos_ == "PROPN")


def _starts_a_name(doc: Doc, start: int) -> bool:
    """Whether token ``start`` begins a name rather than continuing a list
    or a title: not "Monica" of "Brandy, Monica and Lauryn Hill", nor
    "Reagan" of "Presidents Reagan and George W. Bush"."""
    before = doc[start - 1] if start > 0 else None
    if before is None or doc[start].is_sent_start:
        return True
    if before.text == ",":
        return start < 2 or doc[start - 2].pos_ != "PROPN"
    return not before.text[:1].isupper()


def _surname_of(name: str, surname: str) -> bool:
    """Whether ``surname`` ends ``name``: "Clinton" of "Hillary Clinton",
    "De Blasio" of "Bill de Blasio" (a particle in any case)."""
    words, ending = name.split(), surname.split()
    return len(words) > len(ending) and words[-1] == ending[-1] and (
        [w.lower() for w in words[-len(ending):]] == [w.lower() for w in ending])


def _modifies_a_noun(token: Token) -> bool:
    """Whether a name ending at ``token`` only modifies the noun after it:
    "Bill Clinton pollster", "Trump campaign". Not before a noun the parse
    makes its root, a verb it misread ("President Barack Obama stars as the
    motivator")."""
    head = token.head
    return token.dep_ == "compound" and head.i > token.i and head.pos_ in ("NOUN", "PROPN") and head.dep_ != "ROOT"


def _likeliest(fitting: list[Entity], titles: list[Title], named_just_before: Entity | None) -> Entity | None:
    """Of the people a surname alone can name (in order of preference),
    the only one that bears its title ("President Clinton" where Bill
    Clinton is the president; not "Mr.", which only tells a gender), else
    the one named in full just before (``_named_just_before``), else the
    first: an article's subject is named first. (Tried on the 149 judged surnames,
    where the first named set 138 right, and 140 once a name that only
    modifies a noun no longer counts as naming: the one named in full
    nearest before, within 200, 400 or 800 characters, 139, 135 and 130;
    the one named in full most often, 122; the one named in full last
    before it in its paragraph, 140, and 173 of the 186 judged mentions of
    the top 100 people against 171, but then "Obama spoke" after "President
    Obama met Michelle Obama" is Michelle. Leaving out one whose full
    name bears another title only, "former President Bill Clinton" for
    "Secretary Clinton", split Sen. Barack Obama from President Obama and
    Rep. Trey Gowdy from Chairman Gowdy. Leaving apart a surname whose
    title none of several bears split "President Clinton" from a Bill
    Clinton named without his title. The only one named in full in the
    sentence or the one before: 140 and 178; as a subject, 143 and 182, and
    the first named otherwise: 142 and 179.)"""
    titled = [p for p in fitting if any(t.gender is None and t.title in p.titles for t in titles)]
    if len(titled) == 1:
        return titled[0]
    return named_just_before or next(iter(fitting), None)


def _named_just_before(doc: Doc, start: int, fitting: list[Entity], full_mentions: list[tuple[int, int, Entity]],
                       section_starts: list[int], rules: EntityRules) -> Entity | None:
    """Of the people a surname alone at token ``start`` can name, the only
    one named in full as a subject earlier in its sentence or in the
    sentence before: "Hillary Clinton rebuffed a heckler. 'You're very
    rude,' Clinton told her" in a story about Bill; "President Obama met
    Michelle Obama. Obama said". Not the subject of a clause that describes
    a noun ("a visit Bill Clinton made") or tells what someone said or
    thought ("she took it to mean Hillary Clinton knew. Juanita Broaddrick,
    who said Clinton raped her"), nor one named otherwise ("a
    teacher's aide, Anne Marie Murphy, who was gunned down. 'It takes
    courage,' Murphy said" is the senator the story is about) or inside a
    quotation ("'If Anne Marie Murphy could do that ...' Murphy has an
    ally"); never across a separator line, nor one a pronoun before the
    surname in its clause can stand for ("Dena Grayson was a lobbyist.
    After she began seeing Grayson" is not Dena)."""
    sentence = doc[start].sent
    window = doc[sentence.start - 1].sent.start if sentence.start > 0 else 0
    since = max([doc[window].idx, *(s for s in section_starts if s <= doc[start].idx)])
    subjects = {id(person) for first, last, person in full_mentions
                if first < start and doc[first].idx >= since and _a_subject(doc[first:last].root)
                and not _quoted(text_of(doc), doc[first].idx, rules.quotation_marks)}
    chosen = [p for p in fitting if id(p) in subjects]
    if len(chosen) != 1:
        return None
    pronouns = {t.lower_ for a in doc[start].ancestors for t in a.children if t.dep_ in ("nsubj", "nsubjpass")
                and t.i < start and t.lower_ in rules.pronoun_genders}
    return None if chosen[0].gender in {rules.pronoun_genders[p] for p in pronouns} else chosen[0]


def _quoted(text: str, char: int, marks: dict[str, str]) -> bool:
    """Whether ``char`` is inside a quotation opened earlier in its
    paragraph, by one of ``marks`` or by two apostrophes ('' as some
    archives write a double mark)."""
    closings = set(marks.values())
    inside = False
    for c in text[text.rfind("\n", 0, char) + 1 : char].replace("''", '"'):
        if c in marks and c in closings:
            inside = not inside  # a straight mark opens and closes
        elif c in marks or c in closings:
            inside = c in marks
    return inside


def _a_subject(token: Token) -> bool:
    """Whether ``token`` is the subject of a clause that neither describes a
    noun nor tells what someone said or thought ("she took it to mean
    Hillary Clinton knew"). What an attribution after it tells ("when
    George H.W. Bush ran in 1988, he 'wrapped himself in the mantle',
    Lichtman said") is the story told, as news writes it."""
    return token.dep_ in ("nsubj", "nsubjpass") and not any(
        t.dep_ in ("relcl", "acl") or t.dep_ == "ccomp" and t.head.i < t.i for t in token.ancestors)


def _one_of_a_family(doc: Doc, start: int) -> bool:
    """Whether the surname at token ``start`` names one of a family by
    comparison, not a member named in the article: "the newest Clinton",
    "the elder Bush", "the youngest Kennedy"."""
    return start > 1 and doc[start - 1].tag_ in ("JJR", "JJS") and doc[start - 2].lower_ == "the"


def _relative_word(doc: Doc, start: int, relatives: dict[str, str | None]) -> str | None:
    """The relative word that comes right before token ``start``, with only
    adjectives or a comma between, if any ("his daughter Ivanka", "her
    husband, Bill", "Trump's eldest son, Eric"; not "native sons John
    Kasich"). An apposition after the name ("Liz Cheney, the daughter of
    Dick Cheney") is not one: it introduces the article's subject."""
    for token in reversed(doc[max(0, start - 4) : start]):
        word = next((w for w in (token.lemma_.lower(), token.lower_) if w in relatives), None)
        if word is not None:
            return word if any(t.tag_ in ("PRP$", "POS") for t in doc[max(0, token.i - 3) : token.i]) else None
        if not (token.text == "," or token.pos_ == "ADJ"):
            return None
    return None


def _organizations_and_places(
    doc: Doc, spans: list[tuple[str, int, int]], person_names: set[str], rules: EntityRules
) -> tuple[list[Entity], list[Entity]]:
    # The label a name gets most often wins: the small model calls
    # "Panjshir" a place once and an organization the next time.
    # A name the lexicon knows as an organization is one ("E.U.", "F.B.I."
    # labelled places).
    votes: dict[str, Counter] = {}
    for label, start, end in spans:
        key = normalized_name(doc[start:end].text)
        organization = label in rules.organization_labels or key in rules.known_organizations
        votes.setdefault(key, Counter())["organization" if organization else "place"] += 1
    acronyms = _acronym_definitions(doc, rules.organization_labels | rules.place_labels)

    def entity_key(name: str, kind: str) -> str:
        key = normalized_name(name)
        if kind == "organization" and key in rules.known_organizations:
            return "known:" + rules.known_organizations[key]  # ISIS and the Islamic State: one
        return "place:" + key if kind == "place" and key in rules.seats_of_power else key

    by_key: dict[str, Entity] = {}
    for label, start, end in spans:
        text = doc[start:end].text
        key = normalized_name(text)
        # A name has a capital letter: "n’t", "mosques" or "treasury" labelled
        # by the model are common words.
        if (not key or key in person_names or not any(c.isupper() for c in text) or text.startswith("-")
                or key in rules.not_organizations or doc[end - 1].text in rules.law_words
                or start > 0 and doc[start - 1].ent_type_ == "TIME"  # "9:00 a.m. Eastern": a time zone
                or label in rules.organization_labels and _a_member(doc, start, end)
                or start > 0 and doc[start - 1].text == "#" and not doc[start - 1].whitespace_):  # "#NeverTrump"
            continue
        if key in rules.seats_of_power:  # typed mention by mention, by what it does there
            kind = "organization" if _acts(doc, start, end) else "place"
        else:
            kind = votes[key].most_common(1)[0][0]
        if kind == "place" and label != "FAC" and any(c.isdigit() for c in text):
            continue  # "Future45": no town or country has a digit in its name
        long_form = acronyms.get(_bare(text))
        key = entity_key(long_form or text, kind)
        entity = by_key.get(key)
        if entity is None:
            entity = by_key[key] = Entity(kind, _bare(long_form or text))
        entity.mentions.append(_mention(doc, start, end))
    _join_undefined_acronyms(by_key)
    _join_short_forms(by_key)
    for acronym, long_form in acronyms.items():
        entity = by_key.get(entity_key(long_form, "organization")) or by_key.get(entity_key(long_form, "place"))
        if entity is not None:
            entity.acronym = acronym
    named: dict[tuple[str, str], Entity] = {}
    for entity in by_key.values():
        # The fullest written form is the canonical name.
        if " " not in entity.name:
            longest = max((_bare(m.text) for m in entity.mentions), key=len)
            if " " in longest:
                entity.name = longest
        same = named.setdefault((entity.kind, entity.name), entity)
        if same is not entity:  # one name is one entity, whichever way its mentions were joined
            same.mentions.extend(entity.mentions)
            same.acronym = same.acronym or entity.acronym
    organizations, places = [], []
    for entity in named.values():
        entity.mentions.sort(key=lambda m: m.start)
        if entity.acronym is None:  # "ISIS" beside "Islamic State", joined by the known names; not "NBC" of "NBC News"
            entity.acronym = next((_bare(m.text) for m in entity.mentions if _is_acronym(_bare(m.text))
                                   and _bare(m.text) not in entity.name.split() and " " in entity.name), None)
        (organizations if entity.kind == "organization" else places).append(entity)
    organizations.sort(key=lambda e: e.first.start)
    places.sort(key=lambda e: e.first.start)
    return organizations, places


def _a_member(doc: Doc, start: int, end: int) -> bool:
    """Whether the one-word name at ``start:end`` heads a noun phrase with
    "a" or "an": one of its members, not the organization ("a Marine was
    found guilty"; not "a CNN poll", "an Istanbul-based professor")."""
    modifies = end < len(doc) and (doc[end].pos_ in ("NOUN", "PROPN", "ADJ") or doc[end].text in ("-", "–"))
    return (end - start == 1 and start > 0 and doc[start - 1].lower_ in ("a", "an") and not modifies
            and doc[start].dep_ not in ("compound", "nmod", "amod"))


def _acts(doc: Doc, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` acts: the subject of a verb, a
    possessor or a modifier of another noun."""
    root = doc[start:end].root
    return root.dep_ in ("nsubj", "nsubjpass", "poss", "compound") or end < len(doc) and doc[end].tag_ == "POS"


def join_same_places(places: list[Entity], resolved: list) -> list[tuple[Entity, object]]:
    """The places of an article with what each resolves to (a gazetteer
    place or None), those that resolve to one place joined ("America",
    "the United States" and "U.S."): named by the fullest name, its short
    form the acronym, mentioned first where the first of them is."""
    joined: dict[object, tuple[Entity, object]] = {}
    for entity, place in zip(places, resolved):
        same = place if place is not None else id(entity)
        if same not in joined:
            joined[same] = (entity, place)
            continue
        kept = joined[same][0]
        kept.mentions = sorted(kept.mentions + entity.mentions, key=lambda m: m.start)
        names = sorted({kept.name, entity.name, *([kept.acronym] if kept.acronym else [])},
                       key=lambda n: (_is_acronym(n), -len(n.split()), -len(n)))
        kept.name = names[0]
        kept.acronym = next((n for n in names[1:] if _is_acronym(n)), None) if not _is_acronym(kept.name) else None
    return list(joined.values())


def _join_undefined_acronyms(by_key: dict[str, Entity]) -> None:
    """An acronym never defined in parentheses still joins the long form
    whose initials it spells ("U.S." and "the United States")."""
    for key in list(by_key):
        entity = by_key.get(key)
        if entity is None or " " in entity.name:
            continue
        letters = entity.name.replace(".", "")
        if not _is_acronym(entity.name):
            continue
        target = next(
            (e for k, e in by_key.items() if k != key and " " in e.name and _acronym_of(e.name) == letters and e.kind == entity.kind),
            None,
        )
        if target is not None:
            target.mentions.extend(entity.mentions)
            target.acronym = target.acronym or entity.name
            del by_key[key]


def _join_short_forms(by_key: dict[str, Entity]) -> None:
    """A name that begins or ends the name of one other organization or
    place of the article is that one ("the Supreme Court" after "the U.S.
    Supreme Court", "the Times" after "The New York Times", "Goldman" after
    "Goldman Sachs"); a place after a compass word is another place
    ("Jerusalem" and "East Jerusalem", "Virginia" and "West Virginia")."""
    for key in sorted(by_key, key=lambda k: len(by_key[k].name)):
        entity = by_key[key]
        words = _bare(entity.name).split()
        if entity.acronym or len(words) > 3:
            continue
        longer = [
            e for k, e in by_key.items()
            if k != key and e.kind == entity.kind and len(e.name.split()) > len(words)
            and (words == e.name.split()[: len(words)]
                 or words == e.name.split()[-len(words):] and not (e.kind == "place" and e.name.split()[0] in _COMPASS))
        ]
        if len(longer) == 1:
            longer[0].mentions.extend(entity.mentions)
            del by_key[key]


def _acronym_definitions(doc: Doc, labels: frozenset[str]) -> dict[str, str]:
    """``{"NRF": "National Resistance Front"}`` from "National Resistance Front (NRF)"."""
    found = {}
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        after = doc[ent.end : ent.end + 3]
        if len(after) == 3 and after[0].text == "(" and after[2].text == ")":
            acronym = after[1].text
            long_form = _bare(ent.text)
            if acronym.isupper() and _acronym_of(long_form).startswith(acronym[0]):
                found[acronym] = long_form
    return found


def _read_roles(doc: Doc, entities: Entities, rules: EntityRules, headline: TextSpan | None) -> None:
    """Roles and affiliations from appositions, "of <place>" and "at
    <organization>"; none in a title-case ``headline`` ("Pat Caddell:
    Democrat Voters Worried")."""
    org_names = {normalized_name(m.text): e.name for e in entities.organizations for m in e.mentions}
    place_names = {normalized_name(m.text): e.name for e in entities.places for m in e.mentions}
    ents = doc.ents  # a new tuple of new Spans on every access

    def affiliations_in(tokens: Span) -> list[str]:
        names = []
        for ent in ents:
            if ent.start >= tokens.start and ent.end <= tokens.end:
                name = org_names.get(normalized_name(ent.text)) or place_names.get(normalized_name(ent.text))
                if name:
                    names.append(name)
        return names

    def state_name(abbreviation: str) -> str:
        """"Nev." and "S.C" as the states they stand for; anything else as it is."""
        states = rules.state_abbreviations
        return states.get(abbreviation) or states.get(abbreviation + ".") or abbreviation

    def add_role(person: Entity, role: Span, ties: Span | None = None) -> None:
        """``role`` as a role, and the organizations and places in ``ties``
        (the role's whole phrase: "ABC's host", "mayor of Boston") as
        affiliations."""
        text = _clean_role(role.text)
        label = _PARTY_AND_STATE.match(text)
        if label:  # "R-Utah", "(D-Nev.)": the party and the state, no role
            party, state = label.group("party").upper(), label.group("state") or ""
            for name in (rules.parties.get(party), state_name(state.strip())):
                if name:
                    person.add_unique("affiliations", name)
            return
        if not text or not any(c.isalpha() for c in text) or role.root.pos_ == "PRON" or role.root.lower_ in (
                "percent", "%") or any(t.like_num and t.is_alpha for t in role):
            # "Diana Ruocco, 21,": an age; "Reagan himself"; "Johnson 3 percent"; "one of the states",
            # "the first person of his faith", "the last two winners": no role
            return
        state = state_name(text)
        if state != text:  # "Fla." left of a "(D-Fla.)" label the parse split
            person.add_unique("affiliations", state)
            return
        last = text.split()[-1]
        if last in rules.parties:  # "a Republican", "a California Democrat": a party, and a place
            person.add_unique("affiliations", rules.parties[last])
            for name in affiliations_in(role):
                person.add_unique("affiliations", name)
            return
        words = _LEADING_DETERMINER.sub("", text).split()
        while len(words) > 1 and (words[0] in rules.parties or words[0].isdigit()):
            # "the 2012 Republican presidential nominee": a presidential nominee, of the Republican Party
            if words[0] in rules.parties:
                person.add_unique("affiliations", rules.parties[words[0]])
            words = words[1:]
        person.add_unique("roles", " ".join(words))
        for name in affiliations_in(ties if ties is not None else role):
            person.add_unique("affiliations", name)

    seen_heads: set[int] = set()
    places = set(place_names.values())
    for person in entities.people:
        homes: list[str] = []  # "Jason Gilbert of Cheyenne": where a person lives ties them to nothing
        for mention in person.mentions:
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            head = span.root
            if head.i in seen_heads or headline is not None and head.idx < headline.end:
                continue
            seen_heads.add(head.i)
            for child in head.rights:
                if child.dep_ == "appos" and entities.person_at(child) is None:
                    add_role(person, *_role_phrase(child))
                elif child.dep_ == "prep" and child.text == "at":  # "Dan McLaughlin at the National Review"
                    for name in affiliations_in(doc[child.i + 1 : child.right_edge.i + 1]):
                        if name not in places:
                            person.add_unique("affiliations", name)
                elif child.dep_ == "prep" and child.text == "of":
                    objects = [t for t in child.children if t.dep_ == "pobj"]
                    if objects:
                        for name in affiliations_in(doc[objects[0].left_edge.i : objects[0].i + 1]):
                            if name in places:
                                homes.append(name)
                            else:
                                person.add_unique("affiliations", name)
            # "Afghanistan's former vice president, Amrullah Saleh"
            if head.dep_ == "appos" and head.head.pos_ == "NOUN":
                add_role(person, *_role_phrase(head.head, before_only=True))
            _read_descriptor(doc, span.start, person, rules, add_role, affiliations_in)
        if person.titles or person.roles:  # "Judge Emmet G. Sullivan of Washington" serves there
            for name in homes:
                person.add_unique("affiliations", name)


def _role_phrase(head: Token, before_only: bool = False) -> tuple[Span, Span]:
    """The role an apposition's noun states, and the phrase its affiliations
    are read from. The role is the noun with the words before it, past an
    owner ("ABC's host" is a host, of ABC), and an "of" phrase that names
    nothing ("head of foreign relations"; "mayor of Boston" is a mayor, of
    Boston); what follows ("a student from Fresno who ...") is left out."""
    doc = head.doc
    start = head.left_edge.i
    for child in head.lefts:
        if child.dep_ == "poss":
            start = child.right_edge.i + 1
    end = ties_end = head.i + 1
    preps = [] if before_only else [c for c in head.rights if c.dep_ == "prep" and c.lower_ in ("of", "for", "at")]
    for prep in preps:  # "chief strategist for the Republican National Committee": an affiliation
        ties_end = max(ties_end, prep.right_edge.i + 1)
    of = next((c for c in preps if c.lower_ == "of"), None)
    obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    if obj is not None and not any(t.ent_type_ for t in doc[obj.left_edge.i : obj.i + 1]):
        end = obj.i + 1
    return doc[start:end], doc[head.left_edge.i : ties_end]


def _read_descriptor(doc: Doc, start: int, person: Entity, rules: EntityRules, add_role, affiliations_in) -> None:
    """What the words before a name say of the person: past the titles (and
    capitalized words no entity holds, a title too: "FBI Director"), a
    lower-case descriptor is a role ("real estate mogul Donald Trump",
    "former governor Jeb Bush"), and the organization, place or party just
    before it an affiliation ("FBI Director James Comey", "Hewlett Packard
    Enterprise chief executive Meg Whitman", "Republican presidential
    nominee Donald Trump")."""
    k = start - 1
    while k >= 0 and rules.title_of(doc[k]) is not None:
        k -= 1
    known = k < start - 1
    while k >= 0 and _title_word(doc[k]) and doc[k].text not in rules.parties:  # "Libertarian Gary Johnson"
        k -= 1
    if not known and k < start - 1:  # capitalized words of no entity are a title too ("FBI Director")
        person.add_unique("titles", doc[k + 1 : start].text)
    descriptor_end = k + 1
    while k >= 0 and doc[k].text.islower() and doc[k].pos_ in ("NOUN", "ADJ") and doc[k].ent_type_ == "":
        k -= 1
    descriptor = doc[k + 1 : descriptor_end]
    if any(t.pos_ == "NOUN" for t in descriptor):
        add_role(person, descriptor)
    if k > 0 and (doc[k].tag_ == "POS" or doc[k].lower_ in ("'s", "’s")):
        k -= 1  # "NBC's Dante Chinni"
    if k < 0 or not doc[k].text[:1].isupper():
        return
    party = rules.parties.get(doc[k].text)
    country = rules.demonyms.get(doc[k].text) or rules.demonyms.get(doc[k - 1 : k + 1].text if k > 0 else "")
    if party:
        person.add_unique("affiliations", party)
    elif country:  # "Russian President Vladimir Putin"
        person.add_unique("affiliations", country)
    elif doc[k].ent_type_:
        owner_start = k
        while owner_start > 0 and doc[owner_start].ent_iob_ == "I":
            owner_start -= 1
        for name in affiliations_in(doc[owner_start : k + 1]):
            person.add_unique("affiliations", name)


def _mention(doc: Doc, start: int, end: int) -> Mention:
    span = doc[start:end]
    return Mention(span.start_char, span.end_char, span.text)


def _strip_span(span: Span) -> tuple[int, int] | None:
    """Token bounds of ``span`` without surrounding spaces, punctuation and
    ``'s`` (also where the tagger took it for a name: "Donald Trump’s" at
    NNP)."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_space or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].is_punct or doc[end - 1].tag_ == "POS"
                           or _POSSESSIVE.fullmatch(doc[end - 1].text)):
        end -= 1
    return (start, end) if end > start else None


def _is_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return letters.isupper() and letters.isalpha() and 2 <= len(letters) <= 6


def _acronym_of(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _ACRONYM_STOP]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


def _bare(name: str) -> str:
    return _LEADING_THE.sub("", _POSSESSIVE.sub("", name.strip())).strip()


def normalized_name(name: str) -> str:
    """A name as mentions are matched: case, spaces, periods, a leading "the"
    and a possessive aside."""
    return re.sub(r"[.\s]", "", _bare(name).lower())


def _same_full_name(a: list[str], b: list[str], distinct_initials: frozenset[str]) -> bool:
    """"Michael T. McCaul" is "Michael McCaul"; "Ahmad Shah Massoud" is not
    "Ahmad Massoud"; and for a name of ``distinct_initials`` the initials
    count too: "George Bush" of "Mr. Bush's father, George Bush" is not the
    "George W. Bush" of the same article."""
    if a[0] != b[0] or a[-1] != b[-1]:
        return False
    if name_key(f"{a[0]} {a[-1]}") in distinct_initials:  # "H. W." is "H.W."
        return name_key("".join(a[1:-1])) == name_key("".join(b[1:-1]))
    middle_a = [w for w in a[1:-1] if not _is_initial(w)]
    middle_b = [w for w in b[1:-1] if not _is_initial(w)]
    return middle_a == middle_b


def _first_and_last(name: str) -> list[str]:
    words = name.split()
    return [words[0], words[-1]] if len(words) > 1 else words


def _is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1


# "(D-Nev.)", "R-Utah", and a lone "R" or "I" where the parse split the label.
_PARTY_AND_STATE = re.compile(r"^\(?(?P<party>[RDI])(?:-(?P<state>[A-Z][A-Za-z. ]*?))?\)?$")
_LEADING_DETERMINER = re.compile(r"^(?:(?:a|an|another|the|his|her|its|their)\s+)+", re.IGNORECASE)


def _clean_role(text: str) -> str:
    return text.strip(" ,;:—–-")
