"""Which gazetteer place each place an article names is, decided by the
article's own context, then by prominence. A name the gazetteer does not
know stays unresolved: nothing is guessed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc

from newsflow.doc_text import text_of
from newsflow.gazetteer import FEATURES, Gazetteer, Place, Region, key, load_gazetteer
from newsflow.mentions import Entity


@dataclass(frozen=True)
class GeocodeRules:
    aliases: dict[str, int]  # key(alias) -> geonames id
    labels: frozenset[str]  # entity labels of names worth looking up (not FAC: a "Liberty Bell" is no town)
    min_city_population: int
    min_alternate_name_population: int
    min_town_abroad_population: int
    regions: tuple[Region, ...] = ()

    @cached_property
    def facilities(self) -> frozenset[str]:
        """The names (``key``) of the lexicon's facilities, looked up whatever their label."""
        return frozenset(key(n) for r in self.regions if r.feature == "facility" for n in (r.name, *r.also))

    def gazetteer(self) -> Gazetteer:
        """The gazetteer these rules look names up in (read once per process)."""
        return load_gazetteer(self.min_city_population, self.min_alternate_name_population, self.regions)


@dataclass(frozen=True)
class PlaceInText:
    """A place of one article as geocoding sees it: the names it goes by,
    fullest first ("United States", "U.S."; none when it is not to be
    looked up), and the other places of the article (by position in the
    list) named near it: in the same paragraphs, or written right after it
    as its region ("Paris, Texas")."""

    names: tuple[str, ...]
    near: frozenset[int] = frozenset()
    written_in: frozenset[int] = frozenset()


def places_in_text(
    doc: Doc, places: Sequence[Entity], labels: frozenset[str], facilities: frozenset[str] = frozenset()
) -> list[PlaceInText]:
    """What geocoding needs to know of each place entity of ``doc``. A place
    is looked up when a mention has one of ``labels`` and its name a capital
    letter (a lower-case "us" or "china" is no place name), or when it is
    one of ``facilities`` (names, as ``key`` makes them); a name the
    sentence's full stop follows is looked up with it first, since the
    stop may be the abbreviation's own ("Beaumont, Tex."), unless written
    in capitals (an acronym: "outside the VA." is no Virginia)."""
    text = text_of(doc)
    label_at = {i: ent.label_ for ent in doc.ents for i in range(ent.start_char, ent.end_char)}
    paragraph_of = doc._.layout.paragraph_of
    paragraphs = [{paragraph_of(m.start) for m in place.mentions} for place in places]
    starts = {m.start: j for j, place in enumerate(places) for m in place.mentions}
    found = []
    for i, place in enumerate(places):
        looked_up = (any(label_at.get(m.end - 1) in labels for m in place.mentions) and not place.name.islower()
                     or key(place.name) in facilities)
        names = (place.name, place.acronym) if place.acronym else (place.name,)
        abbreviation = not place.name.endswith(".") and not place.name.isupper()  # "Tex", not "VA" (an acronym)
        if abbreviation and any(text[m.end : m.end + 1] == "." for m in place.mentions):
            names = (place.name + ".", *names)
        found.append(PlaceInText(
            names if looked_up else (),
            near=frozenset(j for j, theirs in enumerate(paragraphs) if j != i and theirs & paragraphs[i]),
            written_in=frozenset(
                starts[m.end + 2] for m in place.mentions
                if text[m.end : m.end + 2] == ", " and m.end + 2 in starts and _ends_phrase(doc, m.end + 2)
            ),
        ))
    return found


def _ends_phrase(doc: Doc, start: int) -> bool:
    """Whether the name starting at character ``start`` is the end of a
    "Town, Region" phrase: a name with a capital, followed by punctuation or
    the end of the text, and not by more names of a list ("Paris, Texas."
    but not "In Paris, the United States pledged" or "Paris, Ukraine, Libya")."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None or not doc[span.start].text[:1].isupper():
        return False
    ent = next((e for e in doc.ents if e.start_char <= start < e.end_char), None)
    after = ent.end if ent is not None else span.end
    if after + 1 < len(doc) and doc[after].text == "," and (
            doc[after + 1].lower_ == "and" or doc[after + 1].ent_type_ in ("GPE", "LOC")):
        # a list: "to Houston, New York, and New Jersey"; "in Paris, Ukraine, Libya"
        # (not "In Washington, Iowa, Pastor Joseph Brown ...")
        return False
    return after >= len(doc) or doc[after].is_punct or doc[after].is_space


def geocode(places: Sequence[PlaceInText], gazetteer: Gazetteer, rules: GeocodeRules) -> list[Place | None]:
    """The gazetteer place each of the places of one article stands for.

    Each place is first read on its own; those readings are the context the
    others are then read in: "Washington" near Seattle is the state, "Paris,
    Texas" the Texan town, "Georgia" among Ohio and Florida the state."""
    candidates = [_candidates(place.names, gazetteer, rules) for place in places]
    alone = [_pick(found, _Context(), rules) for found in candidates]

    def context(i: int) -> _Context:
        def readings(indexes) -> tuple[Place, ...]:
            return tuple(alone[j] for j in sorted(indexes) if j != i and alone[j] is not None)

        place = places[i]
        return _Context(readings(place.written_in), readings(place.near), readings(range(len(places))))

    return [_pick(found, context(i), rules) for i, found in enumerate(candidates)]


def _candidates(names: Sequence[str], gazetteer: Gazetteer, rules: GeocodeRules) -> tuple[Place, ...]:
    for name in names:
        alias = rules.aliases.get(key(name))
        found = (gazetteer.by_id[alias],) if alias is not None else gazetteer.named(name)
        if found:
            return found
    return ()


@dataclass(frozen=True)
class _Context:
    written_in: tuple[Place, ...] = ()
    near: tuple[Place, ...] = ()
    article: tuple[Place, ...] = ()


def _pick(candidates: Sequence[Place], context: _Context, rules: GeocodeRules) -> Place | None:
    """The candidate the context supports, by these rules in turn:

    1. one inside the place written right after the name (Paris, Texas;
       Springfield, Ill.); none when the name is a town's and no candidate
       is (Salinas, Mexico: the Mexican town is too small for the gazetteer);
    2. a region with one of its cities named nearby (Washington with Seattle;
       Georgia with Atlanta);
    3. a capital, unless a country has the name (Washington, not the state
       or a town; Luxembourg the country);
    4. a city with a place of its region named nearby (Portland with Maine);
    5. a region when another region of its country is named in the article
       (Georgia with Ohio);
    6. the biggest, in a country the article names first (Birmingham,
       Alabama in an article naming the U.S.), by kind (continent, country,
       region, city), then by population.

    A town (not a capital, under ``min_town_abroad_population``) in a country
    the article does not name is left unresolved: it is more often a place
    too small for the gazetteer that shares its name (Palm Beach, Florida
    read as Palm Beach, Queensland), or no place at all. So is a region of
    one country the article does not name ("the Northeast" of India in a
    story about India).
    """
    if not candidates:
        return None
    regions_after = [p for p in context.written_in if p.feature in ("country", "admin1")]
    # Not a list of regions ("Ohio, Georgia and Iowa") or a capital ("Paris, Ukraine and Libya").
    towns = all(c.feature == "city" and not c.capital for c in candidates)
    if towns and regions_after and not any(c.within(p) for c in candidates for p in regions_after):
        return None  # a town of the region written after it too small for the gazetteer
    supported = (
        [c for c in candidates if any(c.within(p) for p in regions_after)]
        or [c for c in candidates if c.feature == "admin1" and any(p.feature == "city" and p.within(c)
                                                                 for p in context.near)]
        or ([c for c in candidates if c.capital]
            if not any(c.feature in ("continent", "country") for c in candidates) else [])
        or [c for c in candidates if c.feature == "city" and any(_same_region(c, p) for p in context.near)]
        or [c for c in candidates if c.feature == "admin1" and any(_sibling_region(c, p) for p in context.article)]
        or candidates
    )
    countries = {p.country_code for p in context.article}
    best = min(
        supported,
        key=lambda c: (c.country_code not in countries, FEATURES.index(c.feature), -c.population, c.geonames_id or 0),
    )
    if best.country_code not in countries:
        if best.feature == "city" and not best.capital and best.population < rules.min_town_abroad_population:
            return None
        if best.feature == "region" and best.country_code is not None:
            return None
    return best


def _same_region(candidate: Place, other: Place) -> bool:
    return (
        other.feature in ("admin1", "city")
        and candidate.admin1 is not None
        and (candidate.country_code, candidate.admin1) == (other.country_code, other.admin1)
    )


def _sibling_region(candidate: Place, other: Place) -> bool:
    return other.feature == "admin1" and other.country_code == candidate.country_code and other != candidate
