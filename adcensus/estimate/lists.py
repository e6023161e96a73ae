"""Lists for the hidden total: sites, months or any column of a dedupe output's ads.csv.

A person is on list L when one of their ads is; the capture table built from
these lists is what `adcensus.mse.estimate_hidden` estimates from.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from adcensus import columns as col
from adcensus.errors import InputError, UsageError
from adcensus.mse import CaptureTable, capture_table
from adcensus.outputs import Summary, read_output_csv, read_summary

MAX_LISTS = 6
OTHER_LIST = "(others)"
# The files ads were collected in: the one default that is not a person's own posting.
DEFAULT_LISTS = col.SOURCE_FILE
POSTING_ROLES = (col.SITE, col.DATE, col.CITY, col.AGE, "month")


def posting_behaviour_warning(by: str, roles: dict[str, str]) -> str | None:
    """The warning for lists made of a person's own ads (sites, months, cities...), else None.

    A person is "missed" by such a list only because she did not post there or
    then: the lists measure posting behaviour, not sources that can miss her.
    """
    if by in POSTING_ROLES or by in {roles.get(r) for r in POSTING_ROLES}:
        return (
            f"The lists ({by}) are the persons' own posting behaviour: a person is on no "
            f"{by} only because she did not post there or then, not because a source missed "
            "her. The hidden total then counts posting choices, not persons nobody saw; "
            "read it as a sensitivity figure, never as a count of unseen persons."
        )
    return None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def month_of(value: str) -> str | None:
    """ "YYYY-MM" from an ISO date (2024-03-12…) or a French one (12/03/2024…), else None."""
    text = value.strip()
    iso = re.match(r"(\d{4})[-/.](\d{1,2})(?:\D|$)", text)
    french = re.match(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\D|$)", text)
    if iso:
        year, month = int(iso.group(1)), int(iso.group(2))
    elif french:
        year, month = int(french.group(3)), int(french.group(2))
    else:
        return None
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None


def _refuse_identifying(by: str, column: str, summary: Summary) -> None:
    """A UsageError when `--lists` names phones, urls, pseudonyms or free text.

    Their values would name persons in the output (list names, notes), and a list per
    phone or pseudonym is not a source that saw persons: it is the person.
    """
    headers = {
        str(h) for r, h in (summary.get("roles") or {}).items() if r in col.IDENTIFYING_ROLES
    }
    for role, names in (summary.get("role_headers") or {}).items():
        if role in col.IDENTIFYING_ROLES:
            headers |= {str(h) for h in names}
    ours = {col.PHONES, col.LINK_REASON, f"adcensus_{col.PHONES}", f"adcensus_{col.LINK_REASON}"}
    if by in col.IDENTIFYING_ROLES or column in headers | ours:
        raise UsageError(
            f"--lists {by!r}: a phone, url, pseudonym or text column names persons, not the "
            "sources that saw them; use site, month or a column such as the collection round"
        )


def lists_from_output(
    directory: str | Path, by: str = DEFAULT_LISTS, max_lists: int = MAX_LISTS
) -> tuple[CaptureTable, list[str]]:
    """The capture table of a dedupe output: a person is on list L when one of their ads is.

    `by` is "source_file" (the files read together, the default), "site", "month"
    (from the date column, ISO or dd/mm/yyyy) or any column of ads.csv (by header
    or role). Beyond `max_lists` lists, the smallest
    are merged into one list "(others)". Returns the table and notes in words.
    """
    folder = Path(directory)
    summary = read_summary(folder)
    roles = summary.get("roles") or {}
    ads = read_output_csv(folder / "ads.csv")
    person = f"adcensus_{col.PERSON_ID}" if f"adcensus_{col.PERSON_ID}" in ads else col.PERSON_ID
    role = col.DATE if by == "month" else by
    column = roles.get(role, by)
    _refuse_identifying(by, column, summary)
    if person not in ads.columns:
        raise InputError(
            f"{folder / 'ads.csv'}: no {col.PERSON_ID} column; run `adcensus dedupe` again"
        )
    ads = ads[ads[person] != ""]  # rows set aside as not ads have no person
    if column == DEFAULT_LISTS and (
        column not in ads.columns or ads[column].astype(str).str.strip().nunique() < 2
    ):
        raise UsageError(
            "the hidden total needs lists that can miss a person independently of her own "
            "posting, such as ads collected separately into several files; these ads come "
            "from one file. --lists site or --lists month can be given, knowing that they "
            "measure the persons' own posting (see docs/methodology.md)"
        )
    if column not in ads.columns:
        shown = ", ".join(c for c in ads.columns if c not in col.ADS_OUTPUT_COLUMNS)
        raise InputError(
            f"{folder / 'ads.csv'}: no column for --lists {by!r}; use site, month or one of: {shown}"
        )
    values = ads[column].astype(str).str.strip()
    labels = values.map(month_of) if by == "month" else values.where(values != "", None)
    notes = []
    unplaced = int(labels.isna().sum())
    if unplaced:
        notes.append(f"{_count(unplaced, 'ad')} without a usable {by}: on no list.")
    placed = pd.DataFrame({"person": ads[person], "list": labels}).dropna()
    members = placed.groupby("person")["list"].agg(frozenset)
    missing = ads[person].nunique() - len(members)
    if missing:
        notes.append(f"{_count(missing, 'person')} without any {by}: left out of the lists.")
    sizes = placed.drop_duplicates().groupby("list").size()
    by_size = sorted(sizes.index, key=lambda name: (-sizes[name], name))
    order = sorted(sizes.index) if by == "month" else by_size
    if len(order) > max_lists:
        kept = set(by_size[: max_lists - 1])
        merged = [name for name in order if name not in kept]
        members = members.map(lambda on: frozenset(n if n in kept else OTHER_LIST for n in on))
        order = [name for name in order if name in kept] + [OTHER_LIST]
        shown = ", ".join(merged[:10]) + (", …" if len(merged) > 10 else "")
        notes.append(
            f"{len(sizes)} values of {by}: the {len(merged)} smallest ({shown}) "
            f"are merged into one list {OTHER_LIST!r}."
        )
    table = capture_table(members.tolist(), order)
    return table, notes
