"""Who and what an article mentions: people, organizations and places.

spaCy's named entities are the raw material; this module merges their
mentions into one entity per real-world referent within an article
("Mr. Nazary" and "Ali Nazary"; "NRF" and "National Resistance Front"),
picks a canonical name, and reads titles, roles and affiliations from the
parse (titles before a name, appositions, "of <place>").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

# Titles that stand before a person's name, mapped to their full form.
TITLES = {
    "mr": "Mr.", "mrs": "Mrs.", "ms": "Ms.", "miss": "Miss", "dr": "Dr.", "prof": "Prof.",
    "rep": "Rep.", "sen": "Sen.", "gov": "Gov.", "gen": "Gen.", "lt": "Lt.", "col": "Col.",
    "maj": "Maj.", "capt": "Capt.", "adm": "Adm.", "sgt": "Sgt.", "rev": "Rev.", "pres": "President",
    "president": "President", "senator": "Sen.", "representative": "Rep.", "congressman": "Rep.",
    "congresswoman": "Rep.", "governor": "Gov.", "general": "Gen.", "secretary": "Secretary",
    "mayor": "Mayor", "judge": "Judge", "justice": "Justice", "ambassador": "Ambassador",
    "chairman": "Chairman", "chairwoman": "Chairwoman", "speaker": "Speaker", "minister": "Minister",
    "sir": "Sir", "dame": "Dame", "lord": "Lord", "lady": "Lady", "king": "King", "queen": "Queen",
    "prince": "Prince", "princess": "Princess", "pope": "Pope", "sheikh": "Sheikh",
}
# What a definite description ("the senator") says about which title it refers to.
DESCRIPTION_TITLES = {
    "senator": "Sen.", "congressman": "Rep.", "congresswoman": "Rep.", "representative": "Rep.",
    "general": "Gen.", "governor": "Gov.", "president": "President", "secretary": "Secretary",
    "mayor": "Mayor", "judge": "Judge", "ambassador": "Ambassador", "minister": "Minister",
}
GENDER_BY_TITLE = {"Mr.": "m", "Mrs.": "f", "Ms.": "f", "Miss": "f", "Sir": "m", "Dame": "f", "Lord": "m",
                   "Lady": "f", "King": "m", "Queen": "f", "Prince": "m", "Princess": "f",
                   "Congressman": "m", "Congresswoman": "f", "Chairwoman": "f"}
PERSON_LABELS = {"PERSON"}
ORG_LABELS = {"ORG"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
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
    sentence: int
    is_subject: bool = False


@dataclass
class Entity:
    kind: str  # person | organization | place
    name: str
    mentions: list[Mention] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    acronym: str | None = None
    n_quotes: int = 0

    @property
    def gender(self) -> str | None:
        genders = {GENDER_BY_TITLE[t] for t in self.titles if t in GENDER_BY_TITLE}
        return genders.pop() if len(genders) == 1 else None

    @property
    def first(self) -> Mention:
        return min(self.mentions, key=lambda m: m.start)

    def add_unique(self, attribute: str, value: str) -> None:
        values = getattr(self, attribute)
        if value and value not in values:
            values.append(value)


def _strip_span(span: Span) -> tuple[int, int] | None:
    """Token bounds of ``span`` without surrounding spaces, punctuation and ``'s``."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_space or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].is_punct or doc[end - 1].tag_ == "POS"):
        end -= 1
    return (start, end) if end > start else None


def _acronym_of(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _ACRONYM_STOP]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


def _bare(name: str) -> str:
    return _LEADING_THE.sub("", _POSSESSIVE.sub("", name.strip())).strip()


def _norm(name: str) -> str:
    return re.sub(r"[.\s]", "", _bare(name).lower())


class EntityIndex:
    """All people, organizations and places of one article, with lookups for
    resolving speaker mentions."""

    def __init__(self, doc: Doc, sentence_of_char):
        self.doc = doc
        self._sentence_of_char = sentence_of_char
        self.people: list[Entity] = []
        self.organizations: list[Entity] = []
        self.places: list[Entity] = []
        self._person_of_token: dict[int, Entity] = {}
        # Single-word names wait until every full name is known.
        self._pending: list[tuple[Entity, int, int, list[str]]] = []
        self._build()

    # -- building ---------------------------------------------------------
    def _mention(self, start_tok: int, end_tok: int) -> Mention:
        span = self.doc[start_tok:end_tok]
        return Mention(
            span.start_char,
            span.end_char,
            span.text,
            self._sentence_of_char(span.start_char),
            is_subject=span.root.dep_ in ("nsubj", "nsubjpass"),
        )

    def _build(self) -> None:
        doc = self.doc
        person_spans: list[tuple[int, int, list[str]]] = []
        other: list[tuple[str, int, int]] = []
        taken: set[int] = set()
        for ent in doc.ents:
            bounds = _strip_span(ent)
            if bounds is None:
                continue
            start, end = bounds
            if ent.label_ in PERSON_LABELS:
                titles = []
                while start < end - 1 and title_key(doc[start].text) in TITLES:
                    titles.append(TITLES[title_key(doc[start].text)])
                    start += 1
                text = doc[start:end].text
                if "’s " in text or "'s " in text or not any(c.isupper() for c in text):
                    continue  # "Charlie Wilson’s War" is a title, not a person
                person_spans.append((start, end, titles))
                taken.update(range(start, end))
            elif ent.label_ in ORG_LABELS | PLACE_LABELS:
                other.append((ent.label_, start, end))
        # "Mr. X" names a person whatever label the model gave X.
        for token in doc:
            key = title_key(token.text)
            if key in TITLES and token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "PROPN" and token.i + 1 not in taken:
                end = token.i + 1
                while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].tag_ != "POS":
                    end += 1
                person_spans.append((token.i + 1, end, [TITLES[key]]))
                taken.update(range(token.i + 1, end))
        for start, end, titles in sorted(person_spans):
            k = start - 1
            while k >= 0 and title_key(doc[k].text) in TITLES and not titles:
                titles = [TITLES[title_key(doc[k].text)]] + titles
                k -= 1
            self._add_person(start, end, titles)
        self._attach_single_names()
        person_names = {_norm(p.name) for p in self.people} | {
            _norm(w) for p in self.people for w in p.name.split()[-1:]
        }
        self._build_orgs_and_places([o for o in other if set(range(o[1], o[2])).isdisjoint(taken)], person_names)
        self._read_roles()

    def _add_person(self, start: int, end: int, titles: list[str]) -> None:
        mention = self._mention(start, end)
        words = mention.text.split()
        if len(words) >= 2:
            for person in self.people:
                known = person.name.split()
                if _same_full_name(known, words):
                    if len(words) > len(known):
                        person.name = mention.text
                    break
            else:
                person = Entity("person", mention.text)
                self.people.append(person)
        else:
            person = Entity("person", mention.text)
            person.mentions.append(mention)
            self._pending.append((person, start, end, titles))
            return
        person.mentions.append(mention)
        for title in titles:
            person.add_unique("titles", title)
        for i in range(start, end):
            self._person_of_token[i] = person

    def _attach_single_names(self) -> None:
        singles: dict[str, Entity] = {}
        for person, start, end, titles in self._pending:
            word = person.name
            target = next((p for p in self.people if p.name.split()[-1] == word), None)
            if target is None:
                target = next((p for p in self.people if p.name.split()[0] == word), None)
            if target is None:
                target = singles.get(word)
            if target is None:
                target = singles[word] = person
            else:
                target.mentions.extend(person.mentions)
            for title in titles:
                target.add_unique("titles", title)
            for i in range(start, end):
                self._person_of_token[i] = target
        self.people.extend(singles.values())
        for person in self.people:
            person.mentions.sort(key=lambda m: m.start)
        self.people.sort(key=lambda p: p.first.start)

    def _build_orgs_and_places(self, spans: list[tuple[str, int, int]], person_names: set[str]) -> None:
        doc = self.doc
        # The label a name gets most often wins: the small model calls
        # "Panjshir" a place once and an organization the next time.
        votes: dict[str, Counter] = {}
        for label, start, end in spans:
            key = _norm(doc[start:end].text)
            votes.setdefault(key, Counter())["organization" if label in ORG_LABELS else "place"] += 1
        acronyms = self._acronym_definitions()
        by_key: dict[str, Entity] = {}
        for label, start, end in spans:
            text = doc[start:end].text
            key = _norm(text)
            if not key or key in person_names:
                continue
            kind = votes[key].most_common(1)[0][0]
            long_form = acronyms.get(_bare(text))
            if long_form is not None:
                key = _norm(long_form)
            entity = by_key.get(key)
            if entity is None:
                entity = by_key[key] = Entity(kind, _bare(long_form or text))
            entity.mentions.append(self._mention(start, end))
        # An acronym never defined in parentheses still joins the long form
        # whose initials it spells ("U.S." and "the United States").
        for key in list(by_key):
            entity = by_key.get(key)
            if entity is None or " " in entity.name:
                continue
            letters = entity.name.replace(".", "")
            if not (letters.isupper() and 2 <= len(letters) <= 6):
                continue
            target = next(
                (e for k, e in by_key.items() if k != key and " " in e.name and _acronym_of(e.name) == letters and e.kind == entity.kind),
                None,
            )
            if target is not None:
                target.mentions.extend(entity.mentions)
                target.acronym = target.acronym or entity.name
                del by_key[key]
        for long_form_acronym, long_form in acronyms.items():
            entity = by_key.get(_norm(long_form))
            if entity is not None:
                entity.acronym = long_form_acronym
        for entity in by_key.values():
            entity.mentions.sort(key=lambda m: m.start)
            # The fullest written form is the canonical name.
            if " " not in entity.name:
                longest = max((_bare(m.text) for m in entity.mentions), key=len)
                if " " in longest:
                    entity.name = longest
            (self.organizations if entity.kind == "organization" else self.places).append(entity)
        self.organizations.sort(key=lambda e: e.first.start)
        self.places.sort(key=lambda e: e.first.start)

    def _acronym_definitions(self) -> dict[str, str]:
        """``{"NRF": "National Resistance Front"}`` from "National Resistance Front (NRF)"."""
        found = {}
        for ent in self.doc.ents:
            if ent.label_ not in ORG_LABELS | PLACE_LABELS:
                continue
            after = self.doc[ent.end : ent.end + 3]
            if len(after) == 3 and after[0].text == "(" and after[2].text == ")":
                acronym = after[1].text
                long_form = _bare(ent.text)
                if acronym.isupper() and _acronym_of(long_form).startswith(acronym[0]):
                    found[acronym] = long_form
        return found

    def _read_roles(self) -> None:
        """Roles and affiliations from appositions and "of <place>"."""
        doc = self.doc
        org_names = {_norm(m.text): e.name for e in self.organizations for m in e.mentions}
        place_names = {_norm(m.text): e.name for e in self.places for m in e.mentions}

        def affiliations_in(tokens) -> list[str]:
            names = []
            for ent in doc.ents:
                if ent.start >= tokens.start and ent.end <= tokens.end:
                    name = org_names.get(_norm(ent.text)) or place_names.get(_norm(ent.text))
                    if name:
                        names.append(name)
            return names

        seen_heads: set[int] = set()
        for person in self.people:
            for mention in person.mentions:
                span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
                if span is None:
                    continue
                head = span.root
                if head.i in seen_heads:
                    continue
                seen_heads.add(head.i)
                for child in head.rights:
                    if child.dep_ == "appos" and self.person_at(child) is None:
                        role = doc[child.left_edge.i : child.right_edge.i + 1]
                        person.add_unique("roles", _clean_role(role.text))
                        for name in affiliations_in(role):
                            person.add_unique("affiliations", name)
                    elif child.dep_ == "prep" and child.text == "of":
                        objects = [t for t in child.children if t.dep_ == "pobj"]
                        if not objects:
                            continue
                        obj = doc[objects[0].left_edge.i : objects[0].i + 1]
                        for name in affiliations_in(obj):
                            person.add_unique("affiliations", name)
                # "Afghanistan's former vice president, Amrullah Saleh"
                if head.dep_ == "appos" and head.head.pos_ == "NOUN":
                    role_head = head.head
                    role = doc[role_head.left_edge.i : role_head.i + 1]
                    person.add_unique("roles", _clean_role(role.text))
                    for name in affiliations_in(role):
                        person.add_unique("affiliations", name)

    # -- lookups -----------------------------------------------------------
    def person_at(self, token: Token) -> Entity | None:
        return self._person_of_token.get(token.i)

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


def _same_full_name(a: list[str], b: list[str]) -> bool:
    """"Michael T. McCaul" is "Michael McCaul"; "Ahmad Shah Massoud" is not "Ahmad Massoud"."""
    if a[0] != b[0] or a[-1] != b[-1]:
        return False
    middle_a = [w for w in a[1:-1] if not _is_initial(w)]
    middle_b = [w for w in b[1:-1] if not _is_initial(w)]
    return middle_a == middle_b


def _is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1


def _clean_role(text: str) -> str:
    return text.strip(" ,;:—–-")

