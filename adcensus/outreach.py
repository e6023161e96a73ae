"""The outreach list: one row per person still active, with the number to write to.

`read_outreach_source` reads a census store (with its contact log) or a dedupe output
folder; `outreach_list` keeps the persons last seen within `since_days` of the latest
ad, gives each the number of their most recent ad, their sites and latest city, the
profile fields when a profile table is given (adcensus.profiles), the message version
the team's rules suggest (`read_rules`), and what the contact log says of them;
`write_outreach` writes it as CSV or XLSX, readable by its owner only.

The list holds phone numbers in clear, by design: it is what a team writes to. It is
never part of a report. `read_contact_sheet` reads back the statuses a team filled in
(the list's own `status`, `date` and `note_id` columns, or any sheet with those
columns) for `adcensus contact --import`.
"""

from __future__ import annotations

import io
import json
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from adcensus import columns as col
from adcensus.errors import InputError, UsageError
from adcensus.outputs import read_output_csv, read_summary_if_any
from adcensus.profiles import person_profiles
from adcensus.read import parse_dates, read_sheet
from adcensus.store import is_store_file
from adcensus.store.contacts import (
    ContactEntry,
    check_entry,
    contact_log,
)
from adcensus.store.export import reading
from adcensus.store.schema import CONTACT_STATUSES
from adcensus.write import atomic_write, csv_bytes

DEFAULT_SINCE_DAYS = 30
# The fields adcensus.profiles gives per person; rules may name them before they exist.
PROFILE_FIELDS: tuple[str, ...] = (
    "age_group", "ages_stated", "origin", "presentation", "kind", "may_be_minor",
    "minor_reason", "conflicts",
)  # fmt: skip
BASE_COLUMNS: tuple[str, ...] = (
    col.PERSON_ID, "phone", "other_phones", "first_seen", "last_seen", "ads", "sites", "city",
    col.NETWORK_ID,
)  # fmt: skip
CONTACT_COLUMNS: tuple[str, ...] = ("contacted", "last_status", "last_contact_date")
# Left empty for the team to fill, then read back by `adcensus contact --import`.
FILL_COLUMNS: tuple[str, ...] = ("status", "date", "note_id")
FORMATS: tuple[str, ...] = ("csv", "xlsx")
SHEET = "outreach"
CLEAR_NUMBERS_WARNING = (
    "holds phone numbers in clear: keep it on an encrypted disk, share it with the team "
    "only, delete it when the round is over; never put it in a report"
)


@dataclass(frozen=True)
class OutreachSource:
    """The ads of a store or dedupe folder, as the outreach list reads them.

    `ads`: ad_key, person_id, network_id, date (datetime64, NaT when unknown), site, city,
    phones (`;`-joined E.164), one row per ad in load order. `contacts`: the store's
    contact log resolved to current ids (adcensus.store.contacts.contact_log), None for
    a dedupe folder, which has no log. `table`: the ads with their original columns and
    dedupe's added ones, as ads.csv holds them (what a profile extraction reads).
    """

    ads: pd.DataFrame
    contacts: pd.DataFrame | None
    table: pd.DataFrame
    source: str


@dataclass(frozen=True)
class Rule:
    """Suggest `version` to the persons whose fields match every entry of `when`."""

    when: Mapping[str, tuple[str, ...]]
    version: str


@dataclass(frozen=True)
class Rules:
    """Message-version rules: the first rule that matches a person wins, else `default`."""

    rules: tuple[Rule, ...] = ()
    default: str = ""
    source: str = ""


@dataclass(frozen=True)
class Outreach:
    """An outreach list and what was left out of it.

    `latest`: the day of the latest ad; `since`: the first day counted as active.
    `undated`: persons with no dated ad (left out: nothing says they are active).
    `without_phone`: rows with no number (linked on other evidence). `notes`: what the
    user should know about the rules.
    """

    table: pd.DataFrame
    latest: date | None
    since: date | None
    persons: int
    undated: int
    without_phone: int
    notes: tuple[str, ...] = field(default_factory=tuple)


def read_outreach_source(path: Path) -> OutreachSource:
    """Read a census store (ads and contact log) or a dedupe output folder."""
    path = Path(path)
    if path.is_dir():
        return _read_folder(path)
    if not path.exists():
        raise InputError(f"{path}: not found; give a census store or a dedupe output folder")
    if not is_store_file(path):
        raise InputError(
            f"{path}: neither a census store nor a dedupe output folder; run "
            f"`adcensus dedupe {path} --out FOLDER` first and give FOLDER"
        )
    with reading(path) as conn:
        ads = pd.read_sql_query(
            "SELECT ad_key, person_id, network_id, date, site, city, phones, row"
            " FROM ads ORDER BY ad_no",
            conn,
            dtype=object,
        )
        contacts = contact_log(conn)
        headers: list[str] = []
        for (columns,) in conn.execute("SELECT columns FROM files ORDER BY file_id"):
            headers += [h for h in json.loads(columns) if h not in headers]
    if ads.empty:
        raise InputError(f"{path}: the store holds no ads yet; load a file first")
    table = pd.DataFrame.from_records(
        [json.loads(row) for row in ads.pop("row")], columns=headers
    ).astype("str")
    for name in (col.PERSON_ID, col.NETWORK_ID, col.PHONES, col.AD_KEY):
        table[name if name not in headers else f"adcensus_{name}"] = ads[name].astype("str")
    ads["date"] = pd.to_datetime(ads["date"], format="%Y-%m-%d").astype("datetime64[us]")
    return OutreachSource(_typed(ads), contacts, table, str(path))


def _read_folder(folder: Path) -> OutreachSource:
    """ads.csv and summary.json of a folder written by `adcensus dedupe` or `store export`."""
    table = read_output_csv(folder / "ads.csv")
    summary = read_summary_if_any(folder)
    headers = [str(c) for c in table.columns]

    def ours(name: str) -> pd.Series:
        for header in (f"adcensus_{name}", name):
            if header in headers:
                return table[header].astype("str")
        raise InputError(
            f"{folder / 'ads.csv'}: no {name} column; give a folder written by adcensus dedupe"
        )

    def role(name: str) -> pd.Series:
        found = list((summary.get("role_headers") or {}).get(name) or [])
        first = (summary.get("roles") or {}).get(name)
        if first and first not in found:
            found.insert(0, first)
        values = pd.Series(pd.NA, index=table.index, dtype="str")
        for header in found:
            if header in headers:
                values = values.fillna(table[header].astype("str").replace("", pd.NA))
        return values

    real = ours(col.PERSON_ID).fillna("").to_numpy() != ""  # rows set aside have no person
    ads = pd.DataFrame(
        {
            "ad_key": ours(col.AD_KEY),
            col.PERSON_ID: ours(col.PERSON_ID),
            col.NETWORK_ID: ours(col.NETWORK_ID),
            "date": parse_dates(role(col.DATE)),
            "site": role(col.SITE),
            "city": role(col.CITY),
            "phones": ours(col.PHONES),
        }
    )
    ads = ads[real].reset_index(drop=True)
    return OutreachSource(_typed(ads), None, table[real].reset_index(drop=True), str(folder))


def _typed(ads: pd.DataFrame) -> pd.DataFrame:
    out = ads.copy()
    for name in ("ad_key", col.PERSON_ID, col.NETWORK_ID, "site", "city", "phones"):
        text = out[name].astype("str").str.strip()
        out[name] = text.where(text != "", pd.NA)
    return out


# ---- rules ------------------------------------------------------------------------------


def read_rules(path: Path) -> Rules:
    """The message-version rules of a TOML file (format in docs/outreach-rules.md).

    ```toml
    default = "A"                 # when no rule matches (optional; "A" when not given)
    [[rule]]
    when = { origin = ["brésilienne", "Brazil"] }   # every field must match
    version = "B"                 # one value or a list: any of them
    ```

    Fields are the outreach list's columns and the profile fields (PROFILE_FIELDS).
    Values match ignoring case and accents; a cell of several values ("a; b") matches
    when one does; `true`/`false` match yes/no. Raises InputError naming the file and
    the rule for anything else.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: not found; give the rules file (TOML)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    unknown = set(data) - {"default", "rule"}
    if unknown:
        raise InputError(
            f"{path}: unknown key(s) {', '.join(sorted(unknown))}; a rules file holds "
            "`default` and [[rule]] tables"
        )
    default = data.get("default", "A")
    if not isinstance(default, str) or not default.strip():
        raise InputError(f'{path}: default must be a version name such as "A"')
    raw = data.get("rule", [])
    if not isinstance(raw, list):
        raise InputError(f"{path}: write each rule as a [[rule]] table")
    known = set(BASE_COLUMNS) | set(PROFILE_FIELDS) | set(CONTACT_COLUMNS)
    rules = []
    for number, item in enumerate(raw, start=1):
        at = f"{path}: rule {number}"
        if set(item) - {"when", "version"}:
            extra = ", ".join(sorted(set(item) - {"when", "version"}))
            raise InputError(f"{at}: unknown key(s) {extra}; a rule has `when` and `version`")
        version = item.get("version")
        if not isinstance(version, str) or not version.strip():
            raise InputError(f'{at}: give its version, e.g. version = "B"')
        when = item.get("when")
        if not isinstance(when, dict) or not when:
            raise InputError(f'{at}: give its condition, e.g. when = {{ origin = "Brazil" }}')
        checked: dict[str, tuple[str, ...]] = {}
        for name, wanted in when.items():
            if name not in known:
                raise InputError(f"{at}: no field {name!r}; fields: {', '.join(sorted(known))}")
            values = wanted if isinstance(wanted, list) else [wanted]
            if not values or not all(isinstance(v, str | bool | int) for v in values):
                raise InputError(f"{at}: {name} must be a text, number, true/false or a list")
            checked[name] = tuple(_folded(v) for v in values)
        rules.append(Rule(checked, version.strip()))
    return Rules(tuple(rules), default.strip(), str(path))


def _folded(value: object) -> str:
    """A value as rules compare it: yes/no for booleans, no accents, case folded."""
    if isinstance(value, bool):
        value = "yes" if value else "no"
    text = unicodedata.normalize("NFKD", str(value).strip())
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def suggest_versions(table: pd.DataFrame, rules: Rules) -> pd.Series:
    """The message version of each row of `table`: the first rule that matches, else
    the default. A field the table lacks matches nothing."""
    versions = pd.Series(rules.default, index=table.index, dtype=object)
    decided = pd.Series(False, index=table.index)
    for rule in rules.rules:
        match = ~decided
        for name, wanted in rule.when.items():
            if name not in table.columns:
                match &= False
                continue
            cells = table[name].map(
                lambda v: {_folded(p) for p in str(v).split(";")} if _filled(v) else set()
            )
            match &= cells.map(lambda parts, w=set(wanted): bool(parts & w))
        versions[match] = rule.version
        decided |= match
    return versions


def _filled(value: object) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and value != value)
        and (value is not pd.NA and str(value).strip() != "")
    )


# ---- the list ---------------------------------------------------------------------------


def outreach_list(
    source: OutreachSource,
    profiles: pd.DataFrame | None = None,
    rules: Rules | None = None,
    since_days: int = DEFAULT_SINCE_DAYS,
) -> Outreach:
    """One row per person last seen within `since_days` days of the latest ad.

    Columns BASE_COLUMNS (`phone`: the first number of the person's most recent ad that
    shows one; `other_phones`: the person's other numbers, most recent first; `city`:
    of the most recent ad that names one), then the columns of `profiles` (indexed by
    person_id, adcensus.profiles.person_profiles) when given, `message_version` (empty
    without `rules`), then CONTACT_COLUMNS when the source has a contact log, then the
    empty FILL_COLUMNS. Sorted by last_seen, most recent first, then person_id.
    """
    if since_days < 0:
        raise UsageError(f"--since must be 0 days or more, got {since_days}")
    ads = source.ads.sort_values("date", kind="stable", na_position="first")
    dated = ads[ads["date"].notna()]
    persons = int(ads[col.PERSON_ID].nunique())
    if dated.empty:
        latest = None
        active_ids: list[str] = []
    else:
        latest_ts = dated["date"].max()
        latest = latest_ts.date()
        cutoff = latest_ts - pd.Timedelta(days=since_days)
        last = dated.groupby(col.PERSON_ID)["date"].max()
        active_ids = sorted(last[last >= cutoff].index)
    undated = persons - int(dated[col.PERSON_ID].nunique())
    mine = ads[ads[col.PERSON_ID].isin(active_ids)]
    rows = [_person_row(pid, group) for pid, group in mine.groupby(col.PERSON_ID, sort=True)]
    table = pd.DataFrame(rows, columns=list(BASE_COLUMNS))
    table = table.sort_values(
        ["last_seen", col.PERSON_ID], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    notes: list[str] = []
    if profiles is not None:
        shown = profiles.map(_cell) if len(profiles) else profiles
        shown = shown.drop(columns=[c for c in shown.columns if c in table.columns])
        table = table.join(shown, on=col.PERSON_ID)
    if rules is not None:
        table["message_version"] = suggest_versions(table, rules)
        if profiles is None:
            named = sorted({n for r in rules.rules for n in r.when if n in PROFILE_FIELDS})
            if named:
                notes.append(
                    f"{rules.source}: rules on {', '.join(named)} match no one: this list "
                    "has no profile fields"
                )
    else:
        table["message_version"] = ""
    if source.contacts is not None:
        table = table.join(_contact_state(source.contacts), on=col.PERSON_ID)
        table["contacted"] = table["contacted"].fillna("no")
    for name in FILL_COLUMNS:
        table[name] = ""
    table = table.astype(object).where(table.notna(), "")
    since = (latest - pd.Timedelta(days=since_days).to_pytimedelta()) if latest else None
    without_phone = int((table["phone"] == "").sum())
    return Outreach(table, latest, since, persons, undated, without_phone, tuple(notes))


def _person_row(person: str, ads: pd.DataFrame) -> dict[str, Any]:
    """One person's row from their ads, oldest first (undated ones first)."""
    numbers: list[str] = []
    for cell in reversed(ads["phones"].dropna().tolist()):
        numbers += [p for p in str(cell).split(";") if p and p not in numbers]
    cities = ads["city"].dropna()
    sites = ads["site"].dropna().value_counts()
    dates = ads["date"].dropna()
    return {
        col.PERSON_ID: person,
        "phone": numbers[0] if numbers else "",
        "other_phones": "; ".join(numbers[1:]),
        "first_seen": dates.min().strftime("%Y-%m-%d"),
        "last_seen": dates.max().strftime("%Y-%m-%d"),
        "ads": len(ads),
        "sites": "; ".join(sorted(sites.index, key=lambda s: (-sites[s], s))),
        "city": cities.iloc[-1] if len(cities) else "",
        col.NETWORK_ID: ads[col.NETWORK_ID].dropna().iloc[-1]
        if ads[col.NETWORK_ID].notna().any()
        else "",
    }


def _cell(value: object) -> object:
    """A profile value as a spreadsheet cell: lists joined, booleans yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return value


def _contact_state(log: pd.DataFrame) -> pd.DataFrame:
    """Per current person id: contacted (yes), last status and its day."""
    if log.empty:
        return pd.DataFrame(columns=list(CONTACT_COLUMNS)).rename_axis(col.PERSON_ID)
    last = log.sort_values(["date", "contact_id"]).groupby(col.PERSON_ID).last()
    return pd.DataFrame(
        {
            "contacted": "yes",
            "last_status": last["status"],
            "last_contact_date": last["date"],
        },
        index=last.index,
    )


# ---- writing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OutreachRun:
    """An outreach list written: the list, the format it was written in, and whether the
    source keeps a contact log (a store), whose state the list's `contacted` column shows."""

    listed: Outreach
    written: str
    has_contact_log: bool


def run_outreach(
    source: Path,
    out: Path,
    since_days: int = DEFAULT_SINCE_DAYS,
    rules_file: Path | None = None,
    fmt: str | None = None,
    force: bool = False,
) -> OutreachRun:
    """What `adcensus outreach SOURCE -o OUT` does: read the store or folder, the persons'
    profiles (from the ads, as persons.csv's are), the rules, and write the list."""
    rules = read_rules(rules_file) if rules_file is not None else None
    data = read_outreach_source(source)
    profiles = person_profiles(data.table)
    listed = outreach_list(data, profiles, rules, since_days)
    written = write_outreach(listed.table, out, fmt, force, inputs=[source])
    return OutreachRun(listed, written, data.contacts is not None)


def output_format(path: Path, fmt: str | None) -> str:
    """The format to write: `fmt` when given, else xlsx for a .xlsx name, else csv."""
    chosen = (fmt or ("xlsx" if path.suffix.lower() == ".xlsx" else "csv")).lower()
    if chosen not in FORMATS:
        raise UsageError(f"--format must be csv or xlsx, got {fmt!r}")
    return chosen


def write_outreach(
    table: pd.DataFrame,
    path: Path,
    fmt: str | None = None,
    force: bool = False,
    inputs: Sequence[Path] = (),
) -> str:
    """Write the list atomically at `path`, readable by its owner only (0600); return the
    format written.

    An existing file is refused without `force`; a path that is one of `inputs` (or a
    file inside an input folder) is refused always.
    """
    path = Path(path)
    chosen = output_format(path, fmt)
    target = path.resolve()
    for given in inputs:
        source = Path(given).resolve()
        if target == source or (source.is_dir() and target.parent == source and path.exists()):
            raise UsageError(
                f"{path}: is the input (or one of its files); write the list elsewhere"
            )
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name such as contacts.csv")
    if path.exists() and not force:
        raise UsageError(f"{path}: exists; add --force to overwrite it, or give another name")
    if chosen == "csv":
        data = csv_bytes(table.map(lambda v: "" if v is None else str(v)))
        atomic_write(path, lambda handle: handle.write(data))
    else:
        atomic_write(path, lambda handle: _write_xlsx(table, handle))
    return chosen


def _write_xlsx(table: pd.DataFrame, handle: IO[bytes]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.itertuples(index=False, name=None):
        sheet.append([_xlsx_value(v) for v in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # a text that looks like a formula stays a text
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    handle.write(buffer.getvalue())


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if hasattr(value, "item"):
        return value.item()
    return value


# ---- reading back a filled sheet ----------------------------------------------------------


@dataclass(frozen=True)
class ContactSheet:
    """The entries of a filled contact sheet, and the rows left without a status."""

    entries: tuple[ContactEntry, ...]
    skipped: int


def read_contact_sheet(path: Path) -> ContactSheet:
    """Contact entries from a CSV or XLSX sheet with columns person_id, status, date and
    optionally note_id (headers in any case; other columns are ignored).

    A row with no status is skipped (counted); any other row that cannot be recorded is
    an InputError naming the file, its row and column, and nothing is read.
    """
    path = Path(path)
    header, rows = _sheet_rows(path)
    names = [str(h or "").strip().casefold() for h in header]
    missing = [n for n in (col.PERSON_ID, "status", "date") if n not in names]
    if missing:
        raise InputError(
            f"{path}: no column {', '.join(missing)}; the sheet needs person_id, status "
            "and date (note_id optional)"
        )
    at: dict[str, int] = {
        n: names.index(n) for n in (col.PERSON_ID, "status", "date", "note_id") if n in names
    }
    entries: list[ContactEntry] = []
    skipped = 0
    for number, row in rows:

        def cell(name: str, row: Sequence[object] = row) -> object:
            i = at.get(name)
            return row[i] if i is not None and i < len(row) else None

        status = _text(cell("status")).casefold()
        if not status:
            skipped += 1
            continue
        where = f"{path}, row {number}"
        if status not in CONTACT_STATUSES:
            raise InputError(
                f"{where}, column status: {status!r} is not one of {', '.join(CONTACT_STATUSES)}"
            )
        person = _text(cell(col.PERSON_ID))
        if not person:
            raise InputError(f"{where}, column person_id: empty; give the person's id (P000012)")
        day = _day(cell("date"))
        if day is None:
            raise InputError(
                f"{where}, column date: {_text(cell('date'))!r} is not a day; write it as "
                "2026-11-02 or 02/11/2026"
            )
        note = _text(cell("note_id")) or None
        entry = ContactEntry(person, status, day, note, where)
        check_entry(entry)
        entries.append(entry)
    return ContactSheet(tuple(entries), skipped)


def _sheet_rows(path: Path) -> tuple[list[object], list[tuple[int, list[object]]]]:
    """The header and the (row number, cells) of the first sheet of an XLSX, or of a CSV."""
    if path.suffix.lower() == ".xlsx":
        values: list[list[object]] = [list(r) for r in read_sheet(path, SHEET)[1]]  # bounded
    else:
        if not path.is_file():
            raise InputError(f"{path}: not found")
        frame = read_output_csv(path).astype(object)
        values = [list(frame.columns), *frame.to_numpy().tolist()]
    if not values:
        raise InputError(f"{path}: empty; the sheet needs person_id, status and date columns")
    rows = [
        (number, row)
        for number, row in enumerate(values[1:], start=2)
        if any(_text(v) for v in row)
    ]
    return values[0], rows


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _day(value: object) -> str | None:
    """A sheet's day as YYYY-MM-DD (a spreadsheet date, ISO or day-first text), or None."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    text = _text(value)
    if not text:
        return None
    parsed = parse_dates(pd.Series([text], dtype="str")).iloc[0]
    return None if pd.isna(parsed) else parsed.strftime("%Y-%m-%d")
