"""`read_ads`: each file read by its format, the files stacked into one AdTable with roles."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from adcensus.columns import ADS_OUTPUT_COLUMNS, PHONE, SOURCE_FILE
from adcensus.errors import InputError
from adcensus.read.delimited import DELIMITER_NAMES, read_delimited
from adcensus.read.encoding import decode_to_utf8
from adcensus.read.formats import detect_format, load_bytes, read_json, read_parquet, read_xlsx
from adcensus.read.roles import (
    USABLE_ROLES,
    detect_roles,
    header_score,
    more_phone_columns,
    resolve_overrides,
    split_overrides,
)
from adcensus.read.table import (
    EMPTY_ROW,
    EXTRA_COLUMN,
    RAGGED_ROW,
    AdTable,
    InputInfo,
    input_error,
    list_headers,
    rows_text,
    unique_headers,
    unique_name,
)


@dataclass
class _Part:
    """One file read: its frame, row flags, how it was read, and notes for the user."""

    frame: pd.DataFrame
    flags: np.ndarray
    info: InputInfo
    notes: list[str]


# Rows searched for the headers when the first row does not look like headers.
_HEADER_SCAN_ROWS = 20


def read_ads(
    paths: Sequence[str | Path] | str | Path,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    *,
    stdin: BinaryIO | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    header_row: int | None = None,
) -> AdTable:
    """Read ad files (CSV/TSV, XLSX, JSON, Parquet; "-" is stdin) into one AdTable.

    `columns` maps roles to headers and wins over detection; phone may map to several
    headers (all are searched for numbers). `sheet` (name or 1-based number) picks an XLSX
    sheet instead of the first non-empty one; `delimiter` and `encoding` skip sniffing for
    delimited text. The headers of CSV and XLSX are on the first row unless it does not
    look like headers (a title above them): then on the first of the next rows whose cells
    take roles; `header_row` (1-based, as a spreadsheet counts) forces the row. Rows above
    the headers are dropped, with a note. Raises InputError, naming the file, for anything
    unreadable.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    if not paths:
        raise InputError("no input file given; name one or more ad files, or - for stdin.")
    refuse_stdin_twice(paths)
    delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter or "", delimiter)
    if delimiter is not None and len(delimiter) != 1:
        raise InputError(f"delimiter {delimiter!r} is not one character; give e.g. ';' or tab.")
    if header_row is not None and header_row < 1:
        raise InputError(f"--header-row {header_row}: rows count from 1; give e.g. 3.")
    first_headers, more_headers = split_overrides(columns or {})
    named = [*first_headers.values(), *(h for hs in more_headers.values() for h in hs)]
    parts = [_read_one(str(p), stdin, sheet, delimiter, encoding, header_row, named) for p in paths]
    notes = [note for part in parts for note in part.notes]
    if len(parts) > 1:
        for part in parts:
            if SOURCE_FILE in part.frame.columns:
                new = unique_name(SOURCE_FILE, set(part.frame.columns))
                part.frame = part.frame.rename(columns={SOURCE_FILE: new})
                notes.append(f"{part.info.path}: its column {SOURCE_FILE!r} is renamed {new!r}.")
        frame = pd.concat([p.frame for p in parts], ignore_index=True, sort=False).astype("str")
        paths_by_row = [part.info.path for part in parts for _ in range(part.info.rows)]
        frame[SOURCE_FILE] = pd.array(paths_by_row, dtype="str")
    else:
        frame = parts[0].frame
    flags = np.concatenate([part.flags for part in parts])
    data_columns = [c for c in frame.columns if c not in (SOURCE_FILE, EXTRA_COLUMN)]
    empty = frame[data_columns].isna().all(axis=1).to_numpy()
    flags[empty] = np.where(flags[empty] == "", EMPTY_ROW, flags[empty] + ";" + EMPTY_ROW)
    names = ", ".join(part.info.path for part in parts)
    headers = [c for c in frame.columns if len(parts) == 1 or c != SOURCE_FILE]
    roles = detect_roles(headers, resolve_overrides(first_headers, headers, names))
    more_columns = _more_columns(headers, roles, more_headers, names)
    if not any(role in roles for role in USABLE_ROLES):
        raise InputError(
            f"{names}: no column looks like a phone, text, title or name (headers: "
            f"{list_headers(headers)}); name one with --col ROLE=HEADER, e.g. --col text=Annonce."
        )
    return AdTable(
        frame=frame,
        roles=roles,
        inputs=tuple(part.info for part in parts),
        flags=pd.Series(flags, dtype="str"),
        notes=tuple(notes),
        more_columns=more_columns,
    )


def _more_columns(
    headers: Sequence[str], roles: dict[str, str], named: Mapping[str, list[str]], names: str
) -> dict[str, tuple[str, ...]]:
    """The further columns of a role: those `--col` named, else the phone columns found."""
    resolved = {
        role: list(resolve_overrides({role: h}, headers, names)[role] for h in listed)
        for role, listed in named.items()
    }
    taken = set(roles.values())
    found = resolved.get(PHONE) if PHONE in resolved else more_phone_columns(headers, roles)
    phones = tuple(dict.fromkeys(h for h in found or [] if h not in taken))
    return {PHONE: phones} if phones else {}


def refuse_stdin_twice(paths: Sequence[str | Path]) -> None:
    """Raise InputError when "-" (stdin, which can be read once) is given more than once."""
    if sum(str(p) == "-" for p in paths) > 1:
        raise InputError(
            "- (standard input) is given more than once; it can be read only once: give it once"
        )


def unused_columns(table: AdTable) -> list[str]:
    """The columns of `table` no role uses, in order (they are carried through untouched).

    Neither `source_file`, the columns adcensus writes (re-reading a dedupe output) nor the
    extras of ragged rows count.
    """
    used = {*table.roles.values(), *(h for hs in table.more_columns.values() for h in hs)}
    used |= {SOURCE_FILE, *ADS_OUTPUT_COLUMNS}
    return [
        str(h) for h in table.frame.columns if h not in used and not str(h).startswith(EXTRA_COLUMN)
    ]


def _read_one(
    name: str,
    stdin: BinaryIO | None,
    sheet: str | None,
    delim: str | None,
    enc: str | None,
    header_row: int | None = None,
    named: Sequence[str] = (),
) -> _Part:
    data = load_bytes(name, stdin)
    size = len(data)
    info_hash = hashlib.sha256(data).hexdigest()
    if not re.search(rb"[^\s\x00\xef\xbb\xbf\xff\xfe]", data):
        raise input_error(name, "is empty; give the file that holds the ads.")
    fmt = detect_format(name, data)
    notes: list[str] = []
    flags: list[str] | None = None
    first_row = 1  # the row of the file that holds the headers, as a spreadsheet counts
    if fmt == "xlsx":
        headers, frame, (sheet_how, formulas_how), first_row = read_xlsx(name, data, sheet)
    elif fmt == "parquet":
        headers, frame, how = read_parquet(name, data)
    else:
        payload, used, decode_notes = decode_to_utf8(name, data, enc)
        notes += decode_notes
        del data  # the file may be large: keep one copy only
        if fmt == "sniff":
            fmt = "json" if re.match(rb"\s*[\[{]", payload) else "csv"
        if fmt == "json":
            headers, frame = read_json(name, payload.decode("utf-8"))
            how = f"JSON, {used}"
        else:
            headers, frame, flags, delim, parse_notes = read_delimited(name, payload, delim)
            notes += parse_notes
            how = f"CSV, {used}, {DELIMITER_NAMES.get(delim, repr(delim))}-delimited"
    skip = 0
    if fmt in ("xlsx", "csv"):
        ragged = flags is not None and any(RAGGED_ROW in f for f in flags)
        cells = [headers, *_first_rows(frame, _HEADER_SCAN_ROWS - 1)]
        skip = _header_skip(name, cells, named, header_row, first_row, len(frame))
        if skip:
            # The column of a ragged row's extras keeps its name: it is no header of the file.
            headers = [*cells[skip][: len(headers) - ragged], *headers[len(headers) - ragged :]]
            frame = frame.iloc[skip:].reset_index(drop=True)
            flags = flags[skip:] if flags is not None else None
            above = f"row {first_row}" if skip == 1 else f"rows {first_row}–{first_row + skip - 1}"
            notes.append(
                f"{name}: headers found on row {first_row + skip}; {above} above them skipped "
                "(a title, not ads)."
                if header_row is None
                else f"{name}: headers on row {first_row + skip} (--header-row); {above} skipped."
            )
    elif header_row is not None:
        notes.append(f"{name}: --header-row does not apply ({fmt}: its keys name the columns).")
    if fmt == "xlsx":
        how = f"{sheet_how}, header on row {first_row + skip}{formulas_how}"
    if len(frame) == 0:
        raise input_error(name, "has a header but no data rows; give the file that holds the ads.")
    names, renamed = unique_headers(headers)
    frame.columns = pd.Index(names, dtype=object)
    notes = [
        f"{name}: {rows_text(len(frame))} ({how}).",
        *(f"{name}: {r}" for r in renamed),
        *notes,
    ]
    frame = frame.where(frame != "") if fmt != "csv" else frame
    row_flags = np.array(flags if flags is not None else [""] * len(frame), dtype=object)
    frame = frame.astype("str")
    if size > MAX_CELL_CHARS or fmt in ("xlsx", "parquet"):  # else no cell can be that long
        _refuse_long_cells(name, frame, first_row + skip if fmt in ("xlsx", "csv") else None)
    info = InputInfo(name, len(frame), info_hash, first_row + skip)
    return _Part(frame, row_flags, info, notes)


# The longest cell read: beyond it, a cell is no ad (an ad's text is a few thousand
# characters) and finding phones in it would take minutes and gigabytes.
MAX_CELL_CHARS = 16 * 2**20


def _refuse_long_cells(name: str, frame: pd.DataFrame, header_row: int | None) -> None:
    """Raise InputError naming the first cell longer than MAX_CELL_CHARS, if any.

    `header_row` is the file's row of the headers (data row i is on row header_row + 1 + i);
    None for JSON and Parquet, whose rows are counted from 1.
    """
    for column in frame.columns:
        lengths = frame[column].str.len()
        longest = lengths.max()
        if pd.notna(longest) and longest > MAX_CELL_CHARS:
            i = int(np.argmax(lengths.fillna(0).to_numpy()))
            where = f"row {header_row + 1 + i}" if header_row is not None else f"record {i + 1}"
            raise input_error(
                name,
                f"{where}, column {column!r}: a cell of {int(longest):,} characters, more than "
                f"the {MAX_CELL_CHARS:,} adcensus reads in one cell; is it the file of ads? "
                "Shorten that cell.",
            )


def _first_rows(frame: pd.DataFrame, count: int) -> list[list[str | None]]:
    """The first `count` rows of `frame` as lists of cells (None when empty)."""
    head = frame.head(count)
    return [[None if pd.isna(v) else str(v) for v in row] for row in head.itertuples(False)]


def _header_skip(
    name: str,
    rows: list[list[str | None]],
    named: Sequence[str],
    header_row: int | None,
    first_row: int,
    data_rows: int,
) -> int:
    """How many of the rows read as data come before the headers (0: the first row holds them).

    `rows` are the first row and the next ones. Without `header_row`, the first row keeps the
    headers when two of its cells or more take roles, or one does and most are filled; else
    the headers are on the first row that takes as many roles as the best, two at most.
    """
    if header_row is not None:
        skip = header_row - first_row
        if skip < 0 or skip > data_rows:
            last = first_row + data_rows
            raise input_error(
                name, f"--header-row {header_row}: its rows run from {first_row} to {last}."
            )
        return skip
    scores = [header_score(row, named) for row in rows]
    filled = sum(bool(c and c.strip()) for c in rows[0])
    if scores[0] >= 2 or (scores[0] == 1 and 2 * filled > len(rows[0])):
        return 0
    best = max(scores)
    if best <= scores[0]:
        return 0
    return next(i for i, score in enumerate(scores) if score >= min(2, best))
