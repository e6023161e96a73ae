"""Rows that are not ads: set aside before linking, so that they are never counted.

Spreadsheets hold rows that are not ads: blank lines (Excel saves them as `;;;`) and
totals or notes typed under the data. Counted as ads, each makes a person of its own.
A row is set aside when:

- **empty**: every cell of every column that has a role is empty or whitespace (other
  columns may hold something, e.g. a row number);
- **total**: one cell reads as a total or note marker (`TOTAL_MARKERS`, `NOTE_MARKERS`,
  compared folded: case, accents and punctuation aside, so "TOTAL :", "Sous-total",
  "Total général", "N.B." all match), every other cell is empty or a number, and no
  cell holds eight digits or more (a phone number keeps the row an ad). A note may go
  on after its marker ("Note : extrait du 3 mars") except in a title or text column:
  an ad whose text mentions "total" or "note" is an ad.

Set-aside rows stay in ads.csv, in their place, without a person, and are listed in
rejected.csv with the reason (see adcensus.tables).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from adcensus import columns as col
from adcensus.read import EXTRA_COLUMN, AdTable
from adcensus.text import fold

EMPTY = "empty"
TOTAL = "total"
# The flag a set-aside row gets in ads.csv's `flags`; the reason is in `link_reason`.
SET_ASIDE_FLAG = "set_aside"

# Folded (see adcensus.text.fold): lower case, no accents, punctuation as spaces.
TOTAL_MARKERS = (
    "total",
    "totaux",
    "total general",
    "grand total",
    "sous total",
    "subtotal",
    "sub total",
    "somme",
    "sum",
    "nombre d annonces",
    "nombre",
    "count",
    "moyenne",
    "average",
)
NOTE_MARKERS = ("n b", "nb", "note", "notes", "remarque", "remarques", "remark", "remarks")
# A total's marker may be followed by numbers only; a note's by anything.
_TOTAL_CELL = rf"(?:{'|'.join(TOTAL_MARKERS)})(?: [0-9 ]*)?"
_NOTE_CELL = rf"(?:{'|'.join(NOTE_MARKERS)})(?: .*)?"
_NUMBER_CELL = r"\s*[-+]?[0-9][0-9\s.,'%€$£]*"
_PHONE_DIGITS = 8
# A total row has no phone and a short text at most: only such rows are examined.
_MARKER_MAX_LENGTH = 60


@dataclass(frozen=True, eq=False)
class SetAside:
    """The real ads of a table, and why the other rows were set aside.

    `ads` holds the real ads only, numbered from 0; `positions` gives each its row in
    the input table; `reasons` has one value per input row: "" for an ad, EMPTY or TOTAL.
    """

    ads: AdTable
    positions: np.ndarray
    reasons: np.ndarray

    @property
    def count(self) -> int:
        """Rows set aside."""
        return int((self.reasons != "").sum())

    def counts(self) -> dict[str, int]:
        """Rows set aside by reason: {"empty": n, "total": m}."""
        return {reason: int((self.reasons == reason).sum()) for reason in (EMPTY, TOTAL)}


def describe(counts: dict[str, int]) -> str:
    """Rows set aside in words, e.g. "3 rows set aside as not ads (2 empty, 1 total or
    note)"; "" when there are none."""
    total = sum(counts.values())
    if not total:
        return ""
    kinds = {EMPTY: "empty", TOTAL: "total or note"}
    shown = ", ".join(f"{counts[k]:,} {kinds[k]}" for k in kinds if counts.get(k))
    return f"{total:,} row{'s' if total != 1 else ''} set aside as not ads ({shown})"


def set_aside(table: AdTable) -> SetAside:
    """Split `table` into its real ads and the rows that are empty, totals or notes."""
    frame = table.frame
    reasons = np.full(len(frame), "", dtype=object)
    start = 0
    for info in table.inputs:
        reasons[start : start + info.rows][_empty_rows(table, start, info.rows)] = EMPTY
        start += info.rows
    reasons[_total_rows(table, reasons == "")] = TOTAL
    keep = np.flatnonzero(reasons == "")
    if len(keep) == len(frame):
        return SetAside(table, keep, reasons)
    # replace(), so that every other field (the further phone columns...) is kept.
    ads = replace(
        table,
        frame=frame.iloc[keep].reset_index(drop=True),
        flags=table.flags.iloc[keep].reset_index(drop=True),
    )
    return SetAside(ads, keep, reasons)


def _blank(cells: pd.Series) -> np.ndarray:
    return (cells.isna() | (cells.str.strip() == "")).to_numpy(dtype=bool)


def _empty_rows(table: AdTable, start: int, rows: int) -> np.ndarray:
    """Per row of one file (`rows` rows from `start`), whether its role columns are empty.

    Files read together may have other headers: a role column the file does not have
    (empty in all its rows) is not asked of it; a file with none of the role columns
    has its rows set aside only when every cell is empty.
    """
    frame = table.frame.iloc[start : start + rows]
    content = [c for c in frame.columns if c not in (col.SOURCE_FILE, EXTRA_COLUMN)]
    present = [c for c in content if frame[c].notna().any()]
    headers = [*table.roles.values(), *(h for more in table.more_columns.values() for h in more)]
    roles = [h for h in dict.fromkeys(headers) if h in present]
    blank = np.ones(rows, dtype=bool)
    for header in roles or present:
        # Only the rows still blank are looked at: after a filled column, hardly any.
        still = np.flatnonzero(blank)
        if not len(still):
            break
        blank[still] = _blank(frame[header].iloc[still])
    return blank


def _total_rows(table: AdTable, undecided: np.ndarray) -> np.ndarray:
    """Per row, whether it is a total or note row (only `undecided` rows are examined)."""
    frame = table.frame
    texts = {table.roles.get(role) for role in (col.TITLE, col.TEXT)} - {None}
    phones = (
        [table.roles[col.PHONE], *table.more_columns.get(col.PHONE, ())]
        if col.PHONE in table.roles
        else []
    )
    candidate = undecided.copy()
    for header in texts:
        cells = frame[header]
        candidate &= (cells.isna() | (cells.str.len() <= _MARKER_MAX_LENGTH)).to_numpy(dtype=bool)
    rows = np.flatnonzero(candidate)
    for phone in phones:  # a number in any phone column makes the row an ad's
        if not len(rows):
            break
        digits = frame[phone].iloc[rows].str.count(r"[0-9]").fillna(0).to_numpy(dtype=np.int64)
        rows = rows[digits < _PHONE_DIGITS]
    markers = np.zeros(len(rows), dtype=np.int64)
    content = [c for c in frame.columns if c not in (col.SOURCE_FILE, EXTRA_COLUMN)]
    for header in content:
        if not len(rows):
            break
        cells = frame[header].iloc[rows].reset_index(drop=True)
        folded = fold(cells)
        marker = folded.str.fullmatch(_TOTAL_CELL)
        if header not in texts:
            marker |= folded.str.fullmatch(_NOTE_CELL)
        marker = marker.to_numpy(dtype=bool) & cells.notna().to_numpy(dtype=bool)
        empty = _blank(cells)
        number = cells.str.fullmatch(_NUMBER_CELL).fillna(False).to_numpy(dtype=bool)
        digits = cells.str.count(r"[0-9]").fillna(0).to_numpy(dtype=np.int64)
        # Every cell a marker, a number or empty: a real ad leaves at its first word.
        plain = (marker | empty | number) & (digits < _PHONE_DIGITS)
        rows, markers = rows[plain], (markers + marker)[plain]
    found = np.zeros(len(frame), dtype=bool)
    found[rows[markers > 0]] = True
    return found
