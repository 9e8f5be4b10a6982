"""Who is who across articles: the key a person, organization or place of
one article is known by in the whole corpus, and the entity id made from it.

A key depends on the article's own entity alone, never on what else is in
the corpus, so an entity keeps its id run after run and machine after
machine whatever articles come and go.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from newsflow.gazetteer import Place
from newsflow.ids import record_id

NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})  # as name_key writes them
_POSSESSIVE = re.compile(r"'s?$")
_INITIAL = re.compile(r"^(?:[A-Z]\.?){1,3}$")  # J, J., H.W.


@dataclass(frozen=True)
class IdentityRules:
    organization_aliases: dict[str, str]  # name_key(alias) -> canonical name
    # name_key("George Bush") -> the keys of the people only their middle initials tell apart ("george w bush", ...)
    distinct_initials: dict[str, frozenset[str]]
    first_names: dict[str, str]  # name_key of a short form -> the given name it shortens ("joe" -> "joseph")
    person_aliases: dict[str, str]  # person_key(alias) -> person_key(canonical name)


def name_key(name: str) -> str:
    """A name as compared: case, accents, periods, commas, a possessive and
    a leading "the" do not count ("the U.N." is "un", "José" is "jose",
    "Trump’s" is "trump")."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = _POSSESSIVE.sub("", "".join(c for c in folded if not unicodedata.combining(c)).replace("’", "'"))
    words = plain.replace(".", "").replace(",", " ").split()
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def person_key(name: str, rules: IdentityRules) -> str | None:
    """The key of a person's full name: "Donald J. Trump" and "Donald Trump"
    are one, "Donald Trump Jr." another; "Joe Biden" and "Joseph Biden"
    are one (the short forms of given names are data), and so are the
    names the curated aliases join ("Hillary Rodham Clinton"). Middle
    initials count only for names in ``rules.distinct_initials`` (George W.
    and George H.W. Bush); a middle name always counts ("Ahmad Shah Massoud"
    is not his son Ahmad Massoud). A single name ("Trump", "Sally") is no
    key: a surname alone joins a full name inside its article only, never
    across articles."""
    words = name.replace(",", " ").split()
    suffix = [w for w in words[-1:] if name_key(w) in NAME_SUFFIXES] if len(words) > 2 else []
    core = words[: len(words) - len(suffix)]
    if len(core) < 2:
        return None
    first, *middle, last = core
    bare = name_key(" ".join([first, last]))
    if bare not in rules.distinct_initials:
        middle = [w for w in middle if not _INITIAL.match(w)]
    elif middle and all(_INITIAL.match(w) for w in middle):
        middle = ["".join(middle)]  # "H. W." is "H.W."
    first = rules.first_names.get(name_key(first), first)
    key = name_key(" ".join([first, *middle, last, *suffix]))
    return rules.person_aliases.get(key, key)


def people_keys(names: list[str], rules: IdentityRules) -> list[str | None]:
    """The keys of the people of one article, named by ``names``: each
    ``person_key``, except that a name whose initials tell people apart,
    written without them, is the one of those people the article does not
    name otherwise when it names all the others ("Mr. Bush's father, George
    Bush" in an article naming George W. Bush is George H.W. Bush)."""
    keys = [person_key(name, rules) for name in names]
    named = set(keys)
    return [_the_one_left(key, named, rules) for key in keys]


def _the_one_left(key: str | None, named: set[str | None], rules: IdentityRules) -> str | None:
    people = rules.distinct_initials.get(key) if key else None
    left = people - named if people else None
    return next(iter(left)) if left and len(left) == 1 and left != people else key


def bare_name(name: str) -> str:
    """A name's first and last words: "George Bush" of "George H.W. Bush"."""
    words = name.split()
    return " ".join([words[0], words[-1]])


def organization_key(name: str, acronym: str | None, rules: IdentityRules) -> str:
    """The key of an organization: its canonical name when the curated
    aliases know the name or its acronym (GOP, Republican Party; DOJ,
    Justice Department), else its own name."""
    for known in (name, acronym):
        canonical = rules.organization_aliases.get(name_key(known)) if known else None
        if canonical:
            return name_key(canonical)
    return name_key(name)


def place_key(name: str, place: Place | None) -> str:
    """The key of a place: what it resolves to in the gazetteer ("Pa." and
    "Pennsylvania" are one; "Mideast" and "Middle East"), else its name."""
    if place is None:
        return name_key(name)
    return f"geonames:{place.geonames_id}" if place.geonames_id is not None else f"region:{name_key(place.name)}"


def entity_id(kind: str, key: str | None, article_id: str, name: str) -> str:
    """The corpus id of an entity with ``key``; without a key, an id of its
    own in its article."""
    return record_id("entity", kind, key) if key is not None else record_id("entity", kind, article_id, name)
