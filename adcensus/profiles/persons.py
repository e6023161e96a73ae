"""Per person, what all her ads state: age group, origins, presentation, kind, and
whether a field team may want to check that she is a minor.

Definitions (the README repeats them):
- ages_stated: every distinct age her ads state (age column and text, see
  ads.stated_ages). age_group comes from the age her ads state most often (ties: the
  youngest): "under 18 stated", "18-21", "22-25", "26-35", "36+", or "unknown" when no
  ad states one. age_conflict: her stated ages differ by three years or more (one or
  two years is a birthday during the census, an ad left online, a rounded age).
- origin, presentation: every distinct value her ads state, ";"-joined; "unknown"
  when none does. Two or more values are a conflict, shown, not resolved.
- kind: "agency" when her network (`network_id`, the linker's booking phones) holds
  two or more persons or an ad has agency wording ("agence", "nos hôtesses",
  "présentée"…); "touring" when two of her ads are dated at most TOURING_DAYS apart in
  different cities, or an ad has touring wording ("de passage", "tournée", "quelques
  jours"…); both are ";"-joined; else "independent".
- may_be_minor: an ad states an age under 18, or her youngest stated age is 18 or 19
  and an ad has wording from words.CHECK_WORDING ("jeune", "petite", "étudiante"…).
  A list for a field team to look at, never a finding: ads lie about ages both ways.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from adcensus import columns as col
from adcensus.errors import InputError
from adcensus.parallel import map_chunks, worker_count
from adcensus.profiles.ads import AdProfile, ad_profile
from adcensus.read import detect_roles, parse_dates
from adcensus.text import fold_place

# A tour moves from city to city every few days; persons who move home, or post from
# two cities months apart, are not touring. Two weeks holds the tours the Pas-de-Calais
# and Hérault diagnostics describe (a few days to two weeks per city).
TOURING_DAYS = 14
# Stated ages this far apart disagree: one or two years is a birthday during the census,
# an ad left online, a rounded age.
AGE_CONFLICT_YEARS = 3
AGE_GROUPS: tuple[str, ...] = ("under 18 stated", "18-21", "22-25", "26-35", "36+", "unknown")
PRESENTATIONS: tuple[str, ...] = ("woman", "trans", "man", "couple", "unknown")
KINDS: tuple[str, ...] = ("independent", "agency", "touring")
PROFILE_COLUMNS = col.PROFILE_COLUMNS
CATEGORY_HEADERS = ("category", "categorie", "catégorie", "rubrique")


def age_group(age: int | None) -> str:
    """The group of a stated age (None: "unknown")."""
    if age is None:
        return "unknown"
    if age < 18:
        return "under 18 stated"
    if age <= 21:
        return "18-21"
    if age <= 25:
        return "22-25"
    if age <= 35:
        return "26-35"
    return "36+"


def _column(ads: pd.DataFrame, role: str, columns: Mapping[str, str]) -> pd.Series | None:
    header = columns.get(role)
    if header is None:
        ours = f"adcensus_{role}"
        header = ours if ours in ads.columns else role
    if header in ads.columns:
        return ads[header]
    return None


def _texts(values: pd.Series | None, n: int) -> list[str]:
    if values is None:
        return [""] * n
    return ["" if v is None or v is pd.NA or v != v else str(v) for v in values.tolist()]


def _touring_by_cities(
    person: np.ndarray, city: pd.Series | None, date: pd.Series | None
) -> set[Any]:
    """Persons with two ads in different cities dated at most TOURING_DAYS apart.

    Sorted by person and date, some pair qualifies exactly when two consecutive ads do.
    """
    if city is None or date is None:
        return set()
    dates = date if pd.api.types.is_datetime64_any_dtype(date) else _parse(date)
    frame = pd.DataFrame(
        {"p": person, "c": fold_place(city.astype("str")).to_numpy(), "d": dates.to_numpy()}
    )
    frame = frame[frame["c"].notna() & (frame["c"] != "") & frame["d"].notna()]
    frame = frame.sort_values(["p", "d", "c"], kind="stable")
    same = frame["p"].to_numpy()[1:] == frame["p"].to_numpy()[:-1]
    moved = frame["c"].to_numpy()[1:] != frame["c"].to_numpy()[:-1]
    gap = np.diff(frame["d"].to_numpy()) <= np.timedelta64(TOURING_DAYS, "D")
    return set(frame["p"].to_numpy()[1:][same & moved & gap].tolist())


def _parse(values: pd.Series) -> pd.Series:
    return parse_dates(values.astype("str"))


@dataclass(frozen=True)
class AdReadings:
    """What each ad states (`read_ad_profiles`): `codes[i]` indexes row i's reading in `distinct`."""

    codes: np.ndarray
    distinct: list[AdProfile]


def read_ad_profiles(
    ads: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    origins: str = "",
    workers: int | None = 1,
) -> AdReadings:
    """Read what every row of `ads` states (text, title, age, site category): each
    distinct ad once, over `workers` processes (under 20,000 distinct ads one is used).

    dedupe reads them before linking, while its process is small: the worker processes
    are forked, and a process forked after linking carries the linker's gigabytes.
    """
    columns = {**detect_roles([str(c) for c in ads.columns]), **(columns or {})}
    n = len(ads)
    category = next((c for c in ads.columns if str(c).casefold() in CATEGORY_HEADERS), None)
    cells = zip(
        _texts(_column(ads, col.TEXT, columns), n),
        _texts(_column(ads, col.TITLE, columns), n),
        _texts(_column(ads, col.AGE, columns), n),
        _texts(ads[category] if category is not None else None, n),
        strict=True,
    )
    # Reposts share their cells: each distinct ad is read once, over the cores.
    index: dict[tuple[str, str, str, str], int] = {}
    codes = np.fromiter((index.setdefault(key, len(index)) for key in cells), np.int64, n)
    distinct = list(index)
    read: list[AdProfile] = []
    jobs = worker_count(len(distinct), workers)
    for _, part in map_chunks(_read_chunk, (distinct, origins), len(distinct), jobs):
        read.extend(part)
    return AdReadings(codes, read)


def person_profiles(
    ads: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    origins: str = "",
    workers: int | None = 1,
    readings: AdReadings | None = None,
) -> pd.DataFrame:
    """One row per person (index person_id, sorted) with the PROFILE_COLUMNS.

    `ads`: the ads table dedupe writes (person_id, network_id, and the original
    columns, e.g. ads.csv read back as text); the text, title, age, city and date
    columns are found by their headers, English or French, as dedupe finds them
    ("Texte de l'annonce", "Âge", "Ville"); `columns` (role → header, dedupe's
    `roles`) names them instead. A column named category, catégorie or rubrique gives
    the site's category. Rows without a person (set aside) are skipped.
    `origins`: a user origins file (see adcensus.profiles.words.load_origins).
    `workers` caps the processes that read the ads (None or 0: all cores; under 20,000
    distinct ads one is used); the result does not depend on it. `readings`: the rows
    of `ads` already read (`read_ad_profiles`, row for row), as dedupe does before linking.
    """
    columns = {**detect_roles([str(c) for c in ads.columns]), **(columns or {})}
    person_col = _column(ads, col.PERSON_ID, columns)
    if person_col is None:
        raise InputError(
            "the ads have no person_id column; give the ads.csv `adcensus dedupe` wrote"
        )
    real = person_col.notna().to_numpy(dtype=bool) & (person_col.astype("str") != "").to_numpy(
        dtype=bool
    )
    ads = ads[real].reset_index(drop=True)
    person = person_col[real].astype("str").to_numpy(dtype=object)
    if readings is None:
        readings = read_ad_profiles(ads, columns, origins, workers)
    else:
        readings = AdReadings(readings.codes[real], readings.distinct)
    network = _column(ads, col.NETWORK_ID, columns)
    in_network: set[Any] = set()
    if network is not None:
        net = pd.Series(network.astype("str").to_numpy(dtype=object))
        sizes = pd.Series(person).groupby(net).nunique()
        big = set(sizes[sizes >= 2].index)
        in_network = {p for p, k in zip(person.tolist(), net.tolist(), strict=True) if k in big}
    touring = _touring_by_cities(
        person, _column(ads, col.CITY, columns), _column(ads, col.DATE, columns)
    )
    gathered: dict[str, list[AdProfile]] = {}
    distinct = readings.distinct
    for p, code in zip(person.tolist(), readings.codes.tolist(), strict=True):
        gathered.setdefault(p, []).append(distinct[code])
    rows = {p: _person_row(found, p in in_network, p in touring) for p, found in gathered.items()}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(PROFILE_COLUMNS))
    out.index.name = col.PERSON_ID
    out = out.sort_index()
    out["age_conflict"] = out["age_conflict"].astype(bool)
    out["may_be_minor"] = out["may_be_minor"].astype(bool)
    return out


def _read_chunk(
    data: tuple[list[tuple[str, str, str, str]], str], start: int, stop: int
) -> list[AdProfile]:
    """The profiles of the distinct ads start..stop (run in a worker process)."""
    keys, origins = data
    return [
        ad_profile(t, title, age, category, origins) for t, title, age, category in keys[start:stop]
    ]


def _person_row(found: list[AdProfile], in_network: bool, tours: bool) -> list[Any]:
    ages = Counter(a for f in found for a in f.ages)
    usual = min(ages, key=lambda a: (-ages[a], a)) if ages else None
    conflict = bool(ages) and max(ages) - min(ages) >= AGE_CONFLICT_YEARS
    origins = sorted({o for f in found for o in f.origins})
    shown = sorted({f.presentation for f in found} - {"unknown"})
    kinds = {k for f in found for k in f.kinds}
    if in_network:
        kinds.add("agency")
    if tours:
        kinds.add("touring")
    wording = sorted({x for f in found for x in f.wording})
    youngest = min(ages) if ages else None
    reason = ""
    if youngest is not None and youngest < 18:
        reason = f"stated age {youngest}"
    elif youngest in (18, 19) and wording:
        reason = f"stated age {youngest} with wording: {', '.join(wording)}"
    conflicts = [
        name
        for name, disagree in (
            ("age", conflict),
            ("origin", len(origins) > 1),
            ("presentation", len(shown) > 1),
        )
        if disagree
    ]
    return [
        age_group(usual),
        ";".join(str(a) for a in sorted(ages)),
        conflict,
        ";".join(origins) or "unknown",
        ";".join(shown) or "unknown",
        ";".join(k for k in KINDS if k in kinds) or "independent",
        bool(reason),
        reason,
        ";".join(conflicts),
    ]


def with_profiles(persons: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
    """persons.csv's table with the PROFILE_COLUMNS added at the end, as text: the
    yes/no columns as "yes" and "no"."""
    shown = profiles.reindex(persons[col.PERSON_ID].astype("str"))
    out = persons.copy()
    for name in PROFILE_COLUMNS:
        values = shown[name].to_numpy(dtype=object)
        if name in ("age_conflict", "may_be_minor"):
            values = np.where(values == True, "yes", "no")  # noqa: E712 (NaN is no)
        out[name] = pd.array(["" if v is None or v != v else str(v) for v in values], dtype="str")
    return out


def profiles_summary(profiles: pd.DataFrame) -> dict[str, Any]:
    """The `profiles` object of summary.json: persons per age group, origin, presentation
    and kind (a person with two values counts once under their ";"-joined value), the
    share aged 25 or less among persons with a stated age, and the may-be-minor count."""

    def counts(name: str, order: tuple[str, ...] = ()) -> dict[str, int]:
        found = profiles[name].value_counts()
        keys = [k for k in order if k in found.index] if order else []
        keys += sorted((str(k) for k in found.index if k not in keys), key=lambda k: (-found[k], k))
        return {k: int(found[k]) for k in keys}

    groups = profiles["age_group"]
    stated = int((groups != "unknown").sum())
    young = int(groups.isin(["under 18 stated", "18-21", "22-25"]).sum())
    return {
        "persons": len(profiles),
        "age_group": {g: int((groups == g).sum()) for g in AGE_GROUPS},
        "aged_25_or_less_share": round(young / stated, 4) if stated else None,
        "with_stated_age": stated,
        "origin": counts("origin"),
        "presentation": counts("presentation", PRESENTATIONS),
        "kind": counts("kind", ("independent", "agency", "touring", "agency;touring")),
        "may_be_minor": int(profiles["may_be_minor"].sum()),
        "conflicts": int((profiles["conflicts"] != "").sum()),
    }
