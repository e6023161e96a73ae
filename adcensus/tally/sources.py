"""Where `adcensus tally` reads its ads: a census store, a dedupe output folder, or an
ad file deduped in memory, each read into a `TallyInput` (see adcensus.tally)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from adcensus import columns as col
from adcensus.errors import InputError, UsageError
from adcensus.outputs import check_belongs, read_output_csv, read_summary_if_any
from adcensus.privacy import Tokens
from adcensus.profiles import person_profiles
from adcensus.progress import Progress
from adcensus.read import AdTable, parse_dates, read_ads
from adcensus.settings import Settings

# Keys from each person's profile (adcensus.profiles): every ad counts under its person's.
PROFILE_KEYS: tuple[str, ...] = ("age_group", "origin", "kind", "presentation")
BUILTIN_KEYS: tuple[str, ...] = ("month", "week", "site", "city", "network", *PROFILE_KEYS)
_AD_FIELDS = (col.PERSON_ID, col.NETWORK_ID, "date", "site", "city")
_TOKEN_KINDS = {col.URL: "url", col.NAME: "name", col.PHOTO_HASH: "photo"}


@dataclass(frozen=True)
class TallyInput:
    """Ads as tally reads them, whatever the source.

    `ads`: person_id, network_id, date (datetime64, NaT when unknown), site, city, one row
    per ad; and the PROFILE_KEYS of the ad's person when a `--by` key asks for them. `originals`: the original columns asked for by `--by`, aligned with `ads`.
    `roles`: the role of each original column that has one (header → role); `region`:
    the country of numbers written without +CC. `contacts`: a store's contact log as the
    first day each person reached each funnel level (adcensus.store.contacts.funnel_dates),
    None when not asked for or not a store.
    """

    ads: pd.DataFrame
    originals: pd.DataFrame
    source: str
    roles: Mapping[str, str] = field(default_factory=dict)
    region: str = "FR"
    contacts: pd.DataFrame | None = None


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
                        f"--by {key!r}: not month, week, site, city, network, age_group, "
                        f"origin, kind or presentation, and {source} "
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
    columns: Mapping[str, str | Sequence[str]] | None = None,
    progress: Progress | None = None,
    header_row: int | None = None,
    funnel: bool = False,
) -> tuple[TallyInput, list[str]]:
    """Read a store, a dedupe output folder or an ad file; return it and the resolved keys.

    `header_row` (1-based) names the row of an ad file's headers, as for `read_ads`. With
    `funnel`, a store's contact log is read too; another source is a UsageError (only a
    store keeps a contact log).
    """
    from adcensus import store
    from adcensus.store.contacts import funnel_dates, read_contact_log

    source = Path(source)
    if funnel and not store.is_store_file(source):
        raise UsageError(
            f"--funnel: {source} is not a census store; the contact log lives in the store "
            "(`adcensus contact STORE ...`)"
        )
    if source.is_dir():
        return _read_output_dir(source, by, settings)
    if not source.exists():
        raise InputError(
            f"{source}: not found; give a census store, a dedupe output folder or an ad file"
        )
    if store.is_store_file(source):
        keys = resolve_keys(by, store.store_columns(source), str(source))
        wanted = [k for k in keys if k not in BUILTIN_KEYS]
        profiled = bool(set(keys) & set(PROFILE_KEYS))
        summary = store.last_summary(source) if wanted or profiled else {}
        cells = _profile_headers(summary) if profiled else {}
        read = list(dict.fromkeys([*wanted, *(h for hs in cells.values() for h in hs)]))
        ads, originals = store.tally_ads(source, read)
        if profiled:
            ads = _with_profiles(ads, _first_filled(originals, cells), settings)
        roles, region = _roles_and_region(summary)
        contacts = funnel_dates(read_contact_log(source)) if funnel else None
        return TallyInput(ads, originals[wanted], str(source), roles, region, contacts), keys
    from adcensus.dedupe import dedupe_table

    settings = settings or Settings()
    table = read_ads([source], columns, header_row=header_row)
    keys = resolve_keys(by, [str(c) for c in table.frame.columns], str(source))
    result = dedupe_table(table, settings, progress)
    ads = _ads_frame(table, result.ads[col.PERSON_ID], result.ads[col.NETWORK_ID])
    real = result.ads[col.PERSON_ID].notna().to_numpy(dtype=bool)  # not rows set aside
    ads = _from_persons(ads[real].reset_index(drop=True), result.persons)
    wanted = [k for k in keys if k not in BUILTIN_KEYS]
    roles = {header: role for role, header in table.roles.items()}
    originals = table.frame[wanted][real].reset_index(drop=True)
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
            col.PERSON_ID: person.astype("str").to_numpy(),
            col.NETWORK_ID: network.astype("str").to_numpy(),
            "date": parse_dates(role(col.DATE)).to_numpy(),
            "site": role(col.SITE).to_numpy(),
            "city": role(col.CITY).to_numpy(),
        }
    )


def _read_output_dir(
    folder: Path, by: Sequence[str], settings: Settings | None = None
) -> tuple[TallyInput, list[str]]:
    """A folder written by `adcensus dedupe` or `adcensus store export`."""
    path = folder / "ads.csv"
    if not path.is_file():
        raise InputError(
            f"{folder}: no ads.csv in this folder; give a folder written by adcensus dedupe"
        )
    summary = read_summary_if_any(folder)  # a folder mixing two runs is refused
    check_belongs(path)
    table = read_ads([path])
    headers = [str(c) for c in table.frame.columns]
    ours = {name: f"adcensus_{name}" if f"adcensus_{name}" in headers else name
            for name in (col.PERSON_ID, col.NETWORK_ID)}  # fmt: skip
    if ours[col.PERSON_ID] not in headers:
        raise InputError(
            f"{path}: no {col.PERSON_ID} column; give a folder written by adcensus dedupe"
        )
    roles = {r: h for r, h in (summary.get("roles") or {}).items() if h in headers}
    # Rows set aside as not ads (no person_id) are not counted.
    real = table.frame[ours[col.PERSON_ID]].notna().to_numpy(dtype=bool)
    frame = table.frame[real].reset_index(drop=True)
    flags = table.flags[real].reset_index(drop=True)
    table = AdTable(frame, {**table.roles, **roles}, table.inputs, flags)
    network = table.frame.get(ours[col.NETWORK_ID], table.frame[ours[col.PERSON_ID]])
    added = set(col.ADS_OUTPUT_COLUMNS) | set(ours.values())
    keys = resolve_keys(by, [h for h in headers if h not in added], str(folder))
    ads = _ads_frame(
        table, table.frame[ours[col.PERSON_ID]], network, summary.get("role_headers") or {}
    )
    if set(keys) & set(PROFILE_KEYS):
        persons_path = folder / "persons.csv"
        persons = read_output_csv(persons_path) if persons_path.is_file() else None
        if persons is not None and set(PROFILE_KEYS) <= set(persons.columns):
            ads = _from_persons(ads, persons)
        else:  # a folder written before profiles: read them from its ads
            role_headers = {r: [h] for r, h in table.roles.items()}
            cells = {r: role_headers.get(r, []) for r in _PROFILE_ROLES}
            ads = _with_profiles(ads, _first_filled(table.frame, cells), settings)
    wanted = [k for k in keys if k not in BUILTIN_KEYS]
    originals = table.frame[wanted].reset_index(drop=True)
    return TallyInput(ads, originals, str(folder), *_roles_and_region(summary)), keys


_PROFILE_ROLES = (col.TEXT, col.TITLE, col.AGE)


def _profile_headers(summary: Mapping[str, Any]) -> dict[str, list[str]]:
    """Per role read by profiles (text, title, age), its headers over a store's files."""
    role_headers = summary.get("role_headers") or {}
    roles = summary.get("roles") or {}
    out: dict[str, list[str]] = {}
    for role in _PROFILE_ROLES:
        headers = [str(h) for h in role_headers.get(role, [])]
        if role in roles and str(roles[role]) not in headers:
            headers.insert(0, str(roles[role]))
        out[role] = headers
    return out


def _first_filled(frame: pd.DataFrame, cells: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Per role, the first filled cell among its headers (one column per role)."""
    out = {}
    for role, headers in cells.items():
        values = pd.Series(pd.NA, index=frame.index, dtype="str")
        for header in headers:
            if header in frame.columns:
                values = values.fillna(frame[header].astype("str"))
        out[role] = values.to_numpy()
    return pd.DataFrame(out, index=frame.index)


def _with_profiles(
    ads: pd.DataFrame, cells: pd.DataFrame, settings: Settings | None
) -> pd.DataFrame:
    """`ads` with its persons' PROFILE_KEYS, profiles read from the cells of their ads."""
    frame = pd.concat([ads.reset_index(drop=True), cells.reset_index(drop=True)], axis=1)
    profiles = person_profiles(frame, origins=(settings or Settings()).origins)
    return _from_persons(ads, profiles.reset_index())


def _from_persons(ads: pd.DataFrame, persons: pd.DataFrame) -> pd.DataFrame:
    """`ads` with the PROFILE_KEYS of each ad's person, from a persons table."""
    if not set(PROFILE_KEYS) <= set(persons.columns):
        return ads
    table = persons.set_index(persons[col.PERSON_ID].astype("str"))
    out = ads.copy()
    for name in PROFILE_KEYS:
        out[name] = table[name].reindex(ads[col.PERSON_ID].astype("str")).to_numpy()
    return out


def pseudonymize_keys(
    data: TallyInput, key: bytes, found: dict[str, dict[str, int]] | None = None
) -> TallyInput:
    """`data` with its phone, url, pseudonym and photo-hash key columns as keyed tokens.

    The tokens are those `adcensus dedupe --pseudonymize` writes with the same key (a cell
    of a phone column: the `;`-joined tokens of its numbers), so tallies still link across
    months; in titles, texts and columns of no role (`--by WhatsApp`), the phone numbers
    and urls found become tokens, counted per column into `found`. Values that are tokens
    already (a pseudonymized folder) stay as they are.
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
        else:
            originals[name], phones, urls = tokens.identifiers_in_texts(values)
            if found is not None and (phones or urls):
                found[str(name)] = {"phones": phones, "urls": urls}
    return replace(data, originals=originals)
