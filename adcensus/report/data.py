"""The numbers of the report, read from a dedupe output folder: counts by site, commune, month.

Everything here is a plain table computed from ads.csv, persons.csv and
summary.json, so that every number the report shows can be traced back to the
rows behind it. Columns are found by the roles recorded in summary.json.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from adcensus import columns as col
from adcensus.errors import InputError
from adcensus.outputs import Summary, read_output_csv
from adcensus.profiles import person_profiles, with_profiles
from adcensus.read import parse_dates
from adcensus.text import common_spelling, fold_place

# Ads per person and communes per person are shown in these buckets (lower bounds).
ADS_BUCKETS = (1, 2, 3, 6, 11, 21, 51)
CITY_BUCKETS = (1, 2, 3, 4, 6)
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_DIGITS = re.compile(r"\+?\d[\d .\-/]{5,}\d")
_FORMULA_QUOTE = re.compile(r"^'(?=[=+\-@\t\r])")


@dataclass
class ReportData:
    """What the report is made of: one row per ad, the persons, the run's summary and estimate."""

    source: Path
    summary: Summary
    estimate: dict[str, Any]
    # site, city (one spelling per commune: text.fold_place), date (datetime64), month
    # ("YYYY-MM"), person_id, network_id
    ads: pd.DataFrame
    persons: pd.DataFrame  # persons.csv as text
    has: frozenset[str]  # roles found among site, city, date
    from_store: bool = False  # read from a census store (exported), not a dedupe folder


def scrub(label: str) -> str:
    """`label` without anything that looks like a url or a phone number (for cells from ads)."""
    return _DIGITS.sub("…", _URL.sub("…", label)).strip()


def load_dedupe_output(directory: Path, summary: Summary, estimate: dict[str, Any]) -> ReportData:
    """The report's data from a dedupe output folder (summary and estimate already read)."""
    table = read_output_csv(directory / "ads.csv")

    def own(name: str) -> str:
        # dedupe renames its own column when the input already had one of that name
        prefixed = f"adcensus_{name}"
        return prefixed if prefixed in table.columns else name

    person, network = own(col.PERSON_ID), own(col.NETWORK_ID)
    if person not in table.columns:
        raise InputError(
            f"{directory / 'ads.csv'}: no person_id column; give a folder written by "
            "`adcensus dedupe`"
        )
    table = table[table[person] != ""].reset_index(drop=True)  # rows set aside: no person
    ads = pd.DataFrame({col.PERSON_ID: table[person]})
    ads[col.NETWORK_ID] = table[network] if network in table.columns else table[person]
    has = set()
    for role in (col.SITE, col.CITY):
        cells = _role_cells(table, summary, role)
        if cells is not None:
            values = cells.str.replace(_FORMULA_QUOTE, "", regex=True).str.strip()
            values = values.str.replace(r"\s+", " ", regex=True)
            if role == col.CITY:  # "CALAIS" and "Calais" are one commune, one bar
                values = common_spelling(values, fold_place).fillna("").astype("str")
            ads[role] = values
            has.add(role)
        else:
            ads[role] = ""
    cells = _role_cells(table, summary, col.DATE)
    if cells is not None:
        ads["date"] = parse_dates(cells)
        has.add(col.DATE)
    else:
        ads["date"] = pd.Series(np.full(len(table), np.datetime64("NaT"), "datetime64[us]"))
    ads["month"] = ads["date"].dt.strftime("%Y-%m").fillna("")
    persons_path = directory / "persons.csv"
    persons = read_output_csv(persons_path) if persons_path.is_file() else pd.DataFrame()
    if not persons.empty and not set(col.PROFILE_COLUMNS) <= set(persons.columns):
        # A store's export or a folder written before profiles: read them from the ads.
        frame = ads[[col.PERSON_ID, col.NETWORK_ID, "city", "date"]].copy()
        for role in (col.TEXT, col.TITLE, col.AGE):
            cells = _role_cells(table, summary, role)
            frame[role] = cells.to_numpy() if cells is not None else ""
        origins = str((summary.get("settings") or {}).get("origins") or "")
        persons = with_profiles(persons, person_profiles(frame, origins=origins))
    return ReportData(directory, summary, estimate, ads, persons, frozenset(has))


def _role_cells(table: pd.DataFrame, summary: Summary, role: str) -> pd.Series | None:
    """The cells of a role: its column, or, for a store whose files name it differently
    (summary's `role_headers`), the first non-empty cell among those columns."""
    headers: list[str | None] = [*((summary.get("role_headers") or {}).get(role) or [])]
    headers = headers or [(summary.get("roles") or {}).get(role)]
    present = [h for h in headers if h is not None and h in table.columns]
    if not present:
        return None
    cells = table[present[0]]
    for header in present[1:]:
        cells = cells.where(cells != "", table[header])
    return cells


def counts_by(ads: pd.DataFrame, column: str) -> pd.DataFrame:
    """Ads and distinct persons per value of `column`, most ads first (ties by name).

    An empty value ("no city") is kept as a row of its own with an empty label.
    """
    grouped = ads.groupby(column, sort=False).agg(
        ads=(col.PERSON_ID, "size"), persons=(col.PERSON_ID, "nunique")
    )
    table = grouped.reset_index().rename(columns={column: "label"})
    table["blank"] = table["label"].eq("")
    table = table.sort_values(["blank", "ads", "label"], ascending=[True, False, True])
    return table.drop(columns="blank").reset_index(drop=True)


def by_month(ads: pd.DataFrame) -> pd.DataFrame:
    """Per calendar month with ads: ads, persons, new persons and returning persons.

    A person is new in the first month the data holds an ad of theirs, and returning
    in each later month with an ad. Months without any ad between the first and the
    last are kept, with zeros. Ads without a date are left out.
    """
    dated = ads[ads["month"] != ""]
    if dated.empty:
        return pd.DataFrame(columns=["month", "ads", "persons", "new", "returning"])
    first = dated.groupby(col.PERSON_ID)["month"].min()
    table = dated.groupby("month").agg(
        ads=(col.PERSON_ID, "size"), persons=(col.PERSON_ID, "nunique")
    )
    table["new"] = first.value_counts().reindex(table.index, fill_value=0)
    table["returning"] = table["persons"] - table["new"]
    span = pd.period_range(table.index.min(), table.index.max(), freq="M").strftime("%Y-%m")
    table = table.reindex(span, fill_value=0)
    return table.rename_axis("month").reset_index()


def bucket_counts(values: pd.Series, lower_bounds: tuple[int, ...]) -> list[tuple[str, int]]:
    """How many values fall in each bucket: [("1", n), ("2", n), ("3–5", n), …, ("51+", n)]."""
    out: list[tuple[str, int]] = []
    bounds = [*lower_bounds, None]
    for low, high in itertools.pairwise(bounds):
        assert low is not None
        if high is None:
            label, hit = f"{low}+", values >= low
        elif high == low + 1:
            label, hit = str(low), values == low
        else:
            label, hit = f"{low}–{high - 1}", (values >= low) & (values < high)
        out.append((label, int(hit.sum())))
    return out


def ads_per_person(ads: pd.DataFrame) -> list[tuple[str, int]]:
    """Persons by their number of ads, in buckets (1, 2, 3–5, 6–10, 11–20, 21–50, 51+)."""
    return bucket_counts(ads.groupby(col.PERSON_ID).size(), ADS_BUCKETS)


def cities_per_person(ads: pd.DataFrame) -> list[tuple[str, int]]:
    """Persons by the number of communes they advertised in (ads without a commune left out)."""
    placed = ads[ads["city"] != ""]
    return bucket_counts(placed.groupby(col.PERSON_ID)["city"].nunique(), CITY_BUCKETS)


def moves(ads: pd.DataFrame) -> pd.DataFrame:
    """Touring: persons who moved from one commune to another, per (from, to), most first.

    A person's dated ads are taken in date order; each change of commune between two
    consecutive ads is a move. A person counts once per (from, to) however often.
    """
    placed = ads[(ads["city"] != "") & ads["date"].notna()]
    ordered = placed.sort_values([col.PERSON_ID, "date", "city"], kind="stable")
    same_person = ordered[col.PERSON_ID].eq(ordered[col.PERSON_ID].shift())
    changed = same_person & ordered["city"].ne(ordered["city"].shift())
    steps = pd.DataFrame(
        {
            col.PERSON_ID: ordered[col.PERSON_ID][changed],
            "from": ordered["city"].shift()[changed],
            "to": ordered["city"][changed],
        }
    ).drop_duplicates()
    if steps.empty:
        return pd.DataFrame(columns=["from", "to", "persons"])
    table = steps.groupby(["from", "to"]).size().rename("persons").reset_index()
    table = table.sort_values(["persons", "from", "to"], ascending=[False, True, True])
    return table.reset_index(drop=True)


def date_span(ads: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last dates of the ads, or None when no ad has a date."""
    dates = ads["date"].dropna()
    if dates.empty:
        return None
    return dates.min(), dates.max()


def top_persons(data: ReportData, limit: int = 15) -> pd.DataFrame:
    """The persons with most ads (for --show-identifiers): persons.csv's first rows."""
    if data.persons.empty:
        return data.persons
    table = data.persons.copy()
    table["ads_n"] = pd.to_numeric(table.get("ads"), errors="coerce").fillna(0).astype(int)
    table = table.sort_values(["ads_n", col.PERSON_ID], ascending=[False, True])
    return table.head(limit).reset_index(drop=True)
