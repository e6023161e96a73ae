"""Counts per group and their rendering (see adcensus.tally for the definitions)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from adcensus import columns as col
from adcensus.errors import UsageError
from adcensus.privacy import mask_phones_in_text
from adcensus.tally.sources import BUILTIN_KEYS, PROFILE_KEYS, TallyInput
from adcensus.text import common_spelling, fold_place
from adcensus.write import CSV_DELIMITER, csv_bytes, json_text, xlsx_bytes

TALLY_COLUMNS: tuple[str, ...] = (
    "ads", "persons", "doublon_rate", "new_persons", "returning_persons", "touring_persons",
    "persons_in_networks", "networks",
)  # fmt: skip
# With --funnel (a store's contact log): persons of the group whose first entry of each
# level is dated before the group's period ends (adcensus.tally's docstring).
FUNNEL_COLUMNS: tuple[str, ...] = ("contacted", "replied", "began_support")
_FUNNEL_LEVELS = dict(zip(FUNNEL_COLUMNS, ("contacted", "replied", "support"), strict=True))
FORMATS: tuple[str, ...] = ("table", "csv", "json", "markdown", "xlsx")


def mask_keys(counts: pd.DataFrame, keys: Sequence[str], data: TallyInput) -> pd.DataFrame:
    """`counts` with the phone numbers in its key columns masked (`+33 6 •• •• •• 78`).

    For the table shown to people. Masked: original columns of an identifying role
    (phone, url, pseudonym, photo, title, text) or of no role; built-in keys and columns
    such as the city or the ad id stay as they are.
    """
    out = counts.copy()
    for name, key in zip(out.columns, keys, strict=False):
        role = data.roles.get(key)
        if key not in BUILTIN_KEYS and (role is None or role in col.IDENTIFYING_ROLES):
            out[name] = out[name].map(
                lambda v: mask_phones_in_text(v, data.region) if isinstance(v, str) else v
            )
    return out


def _key_values(name: str, data: TallyInput) -> pd.Series:
    ads = data.ads
    dates = ads["date"]
    if name == "month":
        return dates.dt.strftime("%Y-%m").astype(object)
    if name == "week":
        iso = dates.dt.isocalendar()
        text = iso["year"].astype("str") + "-W" + iso["week"].astype("str").str.zfill(2)
        return text.astype(object).where(dates.notna(), None)
    if name == "site":
        return common_spelling(ads[name])
    if name == "city":
        return common_spelling(ads[name], fold_place)
    if name == "network":
        return ads[col.NETWORK_ID].astype(object)
    if name in PROFILE_KEYS:
        return ads[name].astype(object)
    values = data.originals[name].astype("str").str.strip()
    return values.astype(object).where(values.notna() & (values != ""), None)


def _period(
    dates: pd.Series, keys: Sequence[str], since: date | None, until: date | None
) -> tuple[pd.Series, pd.Series]:
    """Start and end (exclusive) of each ad's group period; NaT where unbounded or unknown."""
    if "week" in keys:
        start = dates.dt.normalize() - pd.to_timedelta(dates.dt.day_of_week, unit="D")
        return start, start + pd.Timedelta(days=7)
    if "month" in keys:
        month = dates.dt.to_period("M")
        return month.dt.start_time, (month + 1).dt.start_time
    start = pd.Series(pd.Timestamp(since) if since else pd.NaT, index=dates.index)
    end = pd.Series(pd.Timestamp(until + timedelta(days=1)) if until else pd.NaT, index=dates.index)
    return start.astype("datetime64[us]"), end.astype("datetime64[us]")


def tally(
    data: TallyInput,
    by: Sequence[str] = (),
    since: date | None = None,
    until: date | None = None,
    funnel: bool = False,
) -> pd.DataFrame:
    """Counts per group of `by` keys (see the module docstring); one row when `by` is empty.

    Columns: the keys (named as given; `by_<key>` when a key is named like a count), then
    TALLY_COLUMNS, then FUNNEL_COLUMNS with `funnel` (which needs `data.contacts`). Rows
    sorted by the keys, empty keys last.
    """
    if funnel and data.contacts is None:
        raise UsageError("--funnel needs a census store: the contact log lives there")
    ads = data.ads
    dates = ads["date"]
    first_seen = dates.groupby(ads[col.PERSON_ID]).transform("min")
    in_network = ads.groupby(col.NETWORK_ID)[col.PERSON_ID].transform("nunique") > 1
    keep = np.ones(len(ads), dtype=bool)
    if since is not None:
        keep &= (dates >= pd.Timestamp(since)).to_numpy()
    if until is not None:
        keep &= (dates < pd.Timestamp(until + timedelta(days=1))).to_numpy()
    start, end = _period(dates, by, since, until)
    timed = ("week" in by) or ("month" in by)
    known = first_seen.notna() & (dates.notna() if timed else True)
    new = known & (start.isna() | (first_seen >= start)) & (end.isna() | (first_seen < end))
    returning = known & start.notna() & (first_seen < start)
    names = [f"by_{k}" if k in TALLY_COLUMNS else k for k in by]
    frame = pd.DataFrame(
        {name: _key_values(key, data) for name, key in zip(names, by, strict=True)}
    )
    frame = frame.assign(
        _all="",
        _person=ads[col.PERSON_ID].to_numpy(),
        _network=ads[col.NETWORK_ID].to_numpy(),
        _city=fold_place(ads["city"]).replace("", None).astype(object).to_numpy(),
        _new=new.to_numpy(),
        _returning=returning.to_numpy(),
        _in_network=in_network.to_numpy(),
    )
    if funnel:
        assert data.contacts is not None
        firsts = data.contacts.reindex(ads[col.PERSON_ID].to_numpy())
        for name, level in _FUNNEL_LEVELS.items():
            reached = pd.Series(firsts[level].to_numpy(), index=ads.index)
            frame[f"_{name}"] = (reached.notna() & (end.isna() | (reached < end))).to_numpy()
    frame = frame[keep]
    keys = names or ["_all"]
    levels = FUNNEL_COLUMNS if funnel else ()
    people = frame.groupby([*keys, "_person"], dropna=False, sort=False).agg(
        new=("_new", "any"),
        returning=("_returning", "any"),
        cities=("_city", "nunique"),
        in_network=("_in_network", "first"),
        **{name: (f"_{name}", "any") for name in levels},
    )
    people["touring"] = people["cities"] >= 2
    per_person = people.groupby(level=keys, dropna=False, sort=False).agg(
        persons=("new", "size"),
        new_persons=("new", "sum"),
        returning_persons=("returning", "sum"),
        touring_persons=("touring", "sum"),
        persons_in_networks=("in_network", "sum"),
        **{name: (name, "sum") for name in levels},
    )
    per_ad = frame.groupby(keys, dropna=False, sort=False).agg(
        ads=("_person", "size"), networks=("_network", "nunique")
    )
    out = per_ad.join(per_person).reset_index()
    out["doublon_rate"] = (1 - out["persons"] / out["ads"]).round(6)
    out = out.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)
    for name in (*TALLY_COLUMNS, *levels):
        if name != "doublon_rate":
            out[name] = out[name].astype(np.int64)
    for name in names:
        out[name] = out[name].astype(object).where(out[name].notna(), None)
    return out[[*names, *TALLY_COLUMNS, *levels]]


def render(frame: pd.DataFrame, fmt: str, delimiter: str = CSV_DELIMITER) -> bytes:
    """Tally rows as the bytes of a file: `csv`, `json` (a list of objects), `markdown`, `xlsx`.

    CSV is written as the dedupe folder's CSV files are (UTF-8 with a byte-order mark,
    `;` by default, numbers with a decimal point, spreadsheet-safe cells); the `xlsx`
    workbook has one sheet, `tally`, with the doublon rate shown as a percentage.
    """
    if fmt == "csv":
        return csv_bytes(frame, delimiter)
    if fmt == "xlsx":
        return xlsx_bytes([("tally", frame)], percent=["doublon_rate"])
    records = [
        {
            k: (None if v is None or (isinstance(v, float) and np.isnan(v)) else v)
            for k, v in r.items()
        }
        for r in frame.astype(object).to_dict("records")
    ]
    if fmt == "json":
        return json_text(records).encode("utf-8")
    if fmt == "markdown":
        numeric = set(TALLY_COLUMNS) | set(FUNNEL_COLUMNS)
        lines = [
            "| " + " | ".join(frame.columns) + " |",
            "|" + "|".join("---:" if c in numeric else "---" for c in frame.columns) + "|",
        ]
        for record in records:
            cells = ["" if v is None else str(v).replace("|", "\\|") for v in record.values()]
            lines.append("| " + " | ".join(cells) + " |")
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
