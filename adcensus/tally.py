"""Group counts for scripts: ads, persons, doublon rate, new, returning and touring persons.

`read_source` reads a census store, a dedupe output folder or an ad file (deduped in
memory) into a `TallyInput`; `tally` counts per group; `render` writes the counts as
CSV, JSON or Markdown. Definitions (the README repeats them):

- groups: the distinct values of the `--by` keys: `month` (YYYY-MM of the ad's date),
  `week` (ISO week, YYYY-Www), `site`, `city` (spellings that fold alike are one group,
  shown by their most common spelling, ties: not in capitals, then alphabetical),
  `network`, or any original column.
- period of a group: its week when `week` is a key, else its month when `month` is,
  else the whole `--since`..`--until` window (unbounded where not given).
- new persons: persons of the group whose first ad in the whole source (not only the
  window) is dated within the group's period.
- returning persons: persons of the group with an ad dated before the period starts.
- touring persons: persons with ads in two or more cities within the group.
- networks: distinct network ids among the group's ads (a person alone is a network of
  one); persons_in_networks: persons of the group whose network has two or more persons.

Ads without a readable date belong to no month or week (an empty group key), are
neither new nor returning there, and are left out when `--since` or `--until` is given.

A `--by` key that names a phone, url, pseudonym or photo-hash column (or a title or
text) groups by those values, so they are written in the output; `pseudonymize_keys`
turns them into the keyed tokens `adcensus dedupe --pseudonymize` writes.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from adcensus import columns as col
from adcensus.errors import InputError, UsageError
from adcensus.privacy import Tokens, mask_phones_in_text, neutralize_formulas
from adcensus.progress import Progress
from adcensus.read import AdTable, parse_dates, read_ads
from adcensus.settings import Settings
from adcensus.text import fold
from adcensus.write import json_text

BUILTIN_KEYS: tuple[str, ...] = ("month", "week", "site", "city", "network")
TALLY_COLUMNS: tuple[str, ...] = (
    "ads", "persons", "doublon_rate", "new_persons", "returning_persons", "touring_persons",
    "persons_in_networks", "networks",
)  # fmt: skip
FORMATS: tuple[str, ...] = ("table", "csv", "json", "markdown")
_AD_FIELDS = ("person_id", "network_id", "date", "site", "city")
_TOKEN_KINDS = {col.URL: "url", col.NAME: "name", col.PHOTO_HASH: "photo"}


@dataclass(frozen=True)
class TallyInput:
    """Ads as tally reads them, whatever the source.

    `ads`: person_id, network_id, date (datetime64, NaT when unknown), site, city, one row
    per ad. `originals`: the original columns asked for by `--by`, aligned with `ads`.
    `roles`: the role of each original column that has one (header → role); `region`:
    the country of numbers written without +CC.
    """

    ads: pd.DataFrame
    originals: pd.DataFrame
    source: str
    roles: Mapping[str, str] = field(default_factory=dict)
    region: str = "FR"


def parse_day(value: str, option: str, end: bool = False) -> date:
    """A `--since`/`--until` day: YYYY-MM-DD, or YYYY-MM (its first day, or last with `end`)."""
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = int(text[:4]), int(text[5:])
            day = calendar.monthrange(year, month)[1] if end else 1
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option} must be a day YYYY-MM-DD or a month YYYY-MM, got {value!r}"
        ) from None


def resolve_keys(by: Sequence[str], available: Sequence[str], source: str) -> list[str]:
    """`--by` keys as given (comma lists split), original columns matched to their header.

    A built-in key (month, week, site, city, network) is matched exactly; anything else
    must be an original column: exact header, or one header equal to it ignoring case.
    """
    keys: list[str] = []
    for item in by:
        for raw in item.split(","):
            key = raw.strip()
            if not key:
                continue
            if key not in BUILTIN_KEYS and key not in available:
                folded = [h for h in available if h.casefold() == key.casefold()]
                if len(folded) != 1:
                    shown = ", ".join(repr(h) for h in available[:30])
                    raise UsageError(
                        f"--by {key!r}: not month, week, site, city or network, and {source} "
                        f"has no such column; its columns: {shown}"
                    )
                key = folded[0]
            if key not in keys:
                keys.append(key)
    return keys


def read_source(
    source: Path,
    by: Sequence[str] = (),
    settings: Settings | None = None,
    columns: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> tuple[TallyInput, list[str]]:
    """Read a store, a dedupe output folder or an ad file; return it and the resolved keys."""
    from adcensus import store

    source = Path(source)
    if source.is_dir():
        return _read_output_dir(source, by)
    if not source.exists():
        raise InputError(
            f"{source}: not found; give a census store, a dedupe output folder or an ad file"
        )
    if store.is_store_file(source):
        keys = resolve_keys(by, store.store_columns(source), str(source))
        wanted = [k for k in keys if k not in BUILTIN_KEYS]
        ads, originals = store.tally_ads(source, wanted)
        roles, region = _roles_and_region(store.last_summary(source) if wanted else {})
        return TallyInput(ads, originals, str(source), roles, region), keys
    from adcensus.dedupe import dedupe_table

    settings = settings or Settings()
    table = read_ads([source], columns)
    keys = resolve_keys(by, [str(c) for c in table.frame.columns], str(source))
    result = dedupe_table(table, settings, progress)
    ads = _ads_frame(table, result.ads[col.PERSON_ID], result.ads[col.NETWORK_ID])
    wanted = [k for k in keys if k not in BUILTIN_KEYS]
    roles = {header: role for role, header in table.roles.items()}
    originals = table.frame[wanted].reset_index(drop=True)
    return TallyInput(ads, originals, str(source), roles, settings.region), keys


def _roles_and_region(summary: Mapping[str, Any]) -> tuple[dict[str, str], str]:
    """Each original header's role (over every file of a store) and the run's region."""
    roles = {str(h): r for r, h in (summary.get("roles") or {}).items()}
    for role, headers in (summary.get("role_headers") or {}).items():
        roles.update({str(h): role for h in headers if str(h) not in roles})
    return roles, str((summary.get("settings") or {}).get("region") or "FR")


def _role_values(table: AdTable, headers: Sequence[str]) -> pd.Series:
    """The first filled value among `headers` (a role's headers over a store's files)."""
    values = pd.Series(pd.NA, index=table.frame.index, dtype="str")
    for header in headers:
        if header in table.frame.columns:
            values = values.fillna(table.frame[header].astype("str"))
    return values


def _ads_frame(
    table: AdTable,
    person: pd.Series,
    network: pd.Series,
    role_headers: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    def role(name: str) -> pd.Series:
        headers = list((role_headers or {}).get(name, []))
        if name in table.roles and table.roles[name] not in headers:
            headers.insert(0, table.roles[name])
        return _role_values(table, headers)

    return pd.DataFrame(
        {
            "person_id": person.astype("str").to_numpy(),
            "network_id": network.astype("str").to_numpy(),
            "date": parse_dates(role(col.DATE)).to_numpy(),
            "site": role(col.SITE).to_numpy(),
            "city": role(col.CITY).to_numpy(),
        }
    )


def _read_output_dir(folder: Path, by: Sequence[str]) -> tuple[TallyInput, list[str]]:
    """A folder written by `adcensus dedupe` or `adcensus store export`."""
    path = folder / "ads.csv"
    if not path.is_file():
        raise InputError(
            f"{folder}: no ads.csv in this folder; give a folder written by adcensus dedupe"
        )
    summary: dict[str, Any] = {}
    summary_path = folder / "summary.json"
    if summary_path.is_file():
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            summary = {}
    table = read_ads([path])
    headers = [str(c) for c in table.frame.columns]
    ours = {name: f"adcensus_{name}" if f"adcensus_{name}" in headers else name
            for name in (col.PERSON_ID, col.NETWORK_ID)}  # fmt: skip
    if ours[col.PERSON_ID] not in headers:
        raise InputError(
            f"{path}: no {col.PERSON_ID} column; give a folder written by adcensus dedupe"
        )
    roles = {r: h for r, h in (summary.get("roles") or {}).items() if h in headers}
    table = AdTable(table.frame, {**table.roles, **roles}, table.inputs, table.flags)
    network = table.frame.get(ours[col.NETWORK_ID], table.frame[ours[col.PERSON_ID]])
    added = set(col.ADS_OUTPUT_COLUMNS) | set(ours.values())
    keys = resolve_keys(by, [h for h in headers if h not in added], str(folder))
    ads = _ads_frame(
        table, table.frame[ours[col.PERSON_ID]], network, summary.get("role_headers") or {}
    )
    wanted = [k for k in keys if k not in BUILTIN_KEYS]
    originals = table.frame[wanted].reset_index(drop=True)
    return TallyInput(ads, originals, str(folder), *_roles_and_region(summary)), keys


def pseudonymize_keys(data: TallyInput, key: bytes) -> TallyInput:
    """`data` with its phone, url, pseudonym and photo-hash key columns as keyed tokens.

    The tokens are those `adcensus dedupe --pseudonymize` writes with the same key (a cell
    of a phone column: the `;`-joined tokens of its numbers), so tallies still link across
    months; titles and texts keep their words, their phone numbers become tokens. Values
    that are tokens already (a pseudonymized folder) stay as they are.
    """
    tokens = Tokens(key, data.region)
    originals = data.originals.copy()
    for name in originals.columns:
        role = data.roles.get(str(name))
        values = originals[name].astype(object)
        if role == col.PHONE:
            originals[name] = tokens.phone_cells(values)
        elif role in _TOKEN_KINDS:
            originals[name] = tokens.column(values, _TOKEN_KINDS[role])
        elif role in (col.TITLE, col.TEXT):
            originals[name] = tokens.phones_in_texts(values)
    return replace(data, originals=originals)


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


def _spelled(values: pd.Series) -> pd.Series:
    """Group values for site or city: folded key, shown by its most common spelling."""
    raw = values.astype("str").str.strip()
    key = fold(raw).astype(object)
    frame = pd.DataFrame({"key": key, "raw": raw.astype(object)})
    frame = frame[frame["key"] != ""]
    counts = frame.groupby(["key", "raw"]).size().reset_index(name="n")
    counts["capitals"] = counts["raw"].str.isupper()  # ties: "Lens" rather than "LENS"
    counts = counts.sort_values(
        ["key", "n", "capitals", "raw"], ascending=[True, False, True, True]
    )
    shown = counts.drop_duplicates("key").set_index("key")["raw"]
    return key.map(shown).astype(object)


def _key_values(name: str, data: TallyInput) -> pd.Series:
    ads = data.ads
    dates = ads["date"]
    if name == "month":
        return dates.dt.strftime("%Y-%m").astype(object)
    if name == "week":
        iso = dates.dt.isocalendar()
        text = iso["year"].astype("str") + "-W" + iso["week"].astype("str").str.zfill(2)
        return text.astype(object).where(dates.notna(), None)
    if name in ("site", "city"):
        return _spelled(ads[name])
    if name == "network":
        return ads["network_id"].astype(object)
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
) -> pd.DataFrame:
    """Counts per group of `by` keys (see the module docstring); one row when `by` is empty.

    Columns: the keys (named as given; `by_<key>` when a key is named like a count), then
    TALLY_COLUMNS. Rows sorted by the keys, empty keys last.
    """
    ads = data.ads
    dates = ads["date"]
    first_seen = dates.groupby(ads["person_id"]).transform("min")
    in_network = ads.groupby("network_id")["person_id"].transform("nunique") > 1
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
        _person=ads["person_id"].to_numpy(),
        _network=ads["network_id"].to_numpy(),
        _city=fold(ads["city"]).replace("", None).astype(object).to_numpy(),
        _new=new.to_numpy(),
        _returning=returning.to_numpy(),
        _in_network=in_network.to_numpy(),
    )[keep]
    keys = names or ["_all"]
    people = frame.groupby([*keys, "_person"], dropna=False, sort=False).agg(
        new=("_new", "any"),
        returning=("_returning", "any"),
        cities=("_city", "nunique"),
        in_network=("_in_network", "first"),
    )
    people["touring"] = people["cities"] >= 2
    per_person = people.groupby(level=keys, dropna=False, sort=False).agg(
        persons=("new", "size"),
        new_persons=("new", "sum"),
        returning_persons=("returning", "sum"),
        touring_persons=("touring", "sum"),
        persons_in_networks=("in_network", "sum"),
    )
    per_ad = frame.groupby(keys, dropna=False, sort=False).agg(
        ads=("_person", "size"), networks=("_network", "nunique")
    )
    out = per_ad.join(per_person).reset_index()
    out["doublon_rate"] = (1 - out["persons"] / out["ads"]).round(6)
    out = out.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)
    for name in TALLY_COLUMNS:
        if name != "doublon_rate":
            out[name] = out[name].astype(np.int64)
    for name in names:
        out[name] = out[name].astype(object).where(out[name].notna(), None)
    return out[[*names, *TALLY_COLUMNS]]


def render(frame: pd.DataFrame, fmt: str, delimiter: str = ",") -> str:
    """Tally rows as `csv` (spreadsheet-safe cells), `json` (a list of objects) or `markdown`."""
    if fmt == "csv":
        return neutralize_formulas(frame).to_csv(index=False, sep=delimiter, lineterminator="\n")
    records = [
        {
            k: (None if v is None or (isinstance(v, float) and np.isnan(v)) else v)
            for k, v in r.items()
        }
        for r in frame.astype(object).to_dict("records")
    ]
    if fmt == "json":
        return json_text(records)
    if fmt == "markdown":
        numeric = set(TALLY_COLUMNS)
        lines = [
            "| " + " | ".join(frame.columns) + " |",
            "|" + "|".join("---:" if c in numeric else "---" for c in frame.columns) + "|",
        ]
        for record in records:
            cells = ["" if v is None else str(v).replace("|", "\\|") for v in record.values()]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"
    raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
