"""`read_ads`: each file read by its format, the files stacked into one AdTable with roles."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from adcensus.columns import SOURCE_FILE
from adcensus.errors import InputError
from adcensus.read.delimited import _DELIMITER_NAMES, _read_delimited
from adcensus.read.encoding import _decode
from adcensus.read.formats import _detect_format, _load, _read_json, _read_parquet, _read_xlsx
from adcensus.read.roles import _USABLE_ROLES, _resolve_overrides, detect_roles
from adcensus.read.table import (
    EMPTY_ROW,
    EXTRA_COLUMN,
    AdTable,
    InputInfo,
    _error,
    _list_headers,
    _Part,
    _rows,
    _unique_headers,
    _unique_name,
)


def read_ads(
    paths: Sequence[str | Path] | str | Path,
    columns: Mapping[str, str] | None = None,
    *,
    stdin: BinaryIO | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> AdTable:
    """Read ad files (CSV/TSV, XLSX, JSON, Parquet; "-" is stdin) into one AdTable.

    `columns` maps roles to headers and wins over detection. `sheet` (name or 1-based number)
    picks an XLSX sheet instead of the first non-empty one; `delimiter` and `encoding` skip
    sniffing for delimited text. Raises InputError, naming the file, for anything unreadable.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    if not paths:
        raise InputError("no input file given; name one or more ad files, or - for stdin.")
    delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter or "", delimiter)
    if delimiter is not None and len(delimiter) != 1:
        raise InputError(f"delimiter {delimiter!r} is not one character; give e.g. ';' or tab.")
    parts = [_read_one(str(p), stdin, sheet, delimiter, encoding) for p in paths]
    notes = [note for part in parts for note in part.notes]
    if len(parts) > 1:
        for part in parts:
            if SOURCE_FILE in part.frame.columns:
                new = _unique_name(SOURCE_FILE, set(part.frame.columns))
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
    roles = detect_roles(headers, _resolve_overrides(columns or {}, headers, names))
    if not any(role in roles for role in _USABLE_ROLES):
        raise InputError(
            f"{names}: no column looks like a phone, text, title or name (headers: "
            f"{_list_headers(headers)}); name one with --col ROLE=HEADER, e.g. --col text=Annonce."
        )
    return AdTable(
        frame=frame,
        roles=roles,
        inputs=tuple(part.info for part in parts),
        flags=pd.Series(flags, dtype="str"),
        notes=tuple(notes),
    )


def _read_one(
    name: str, stdin: BinaryIO | None, sheet: str | None, delim: str | None, enc: str | None
) -> _Part:
    data = _load(name, stdin)
    info_hash = hashlib.sha256(data).hexdigest()
    if not re.search(rb"[^\s\x00\xef\xbb\xbf\xff\xfe]", data):
        raise _error(name, "is empty; give the file that holds the ads.")
    fmt = _detect_format(name, data)
    notes: list[str] = []
    flags: list[str] | None = None
    if fmt == "xlsx":
        headers, frame, how = _read_xlsx(name, data, sheet)
    elif fmt == "parquet":
        headers, frame, how = _read_parquet(name, data)
    else:
        payload, used, decode_notes = _decode(name, data, enc)
        notes += decode_notes
        del data  # the file may be large: keep one copy only
        if fmt == "sniff":
            fmt = "json" if re.match(rb"\s*[\[{]", payload) else "csv"
        if fmt == "json":
            headers, frame = _read_json(name, payload.decode("utf-8"))
            how = f"JSON, {used}"
        else:
            headers, frame, flags, delim, parse_notes = _read_delimited(name, payload, delim)
            notes += parse_notes
            how = f"CSV, {used}, {_DELIMITER_NAMES.get(delim, repr(delim))}-delimited"
    if len(frame) == 0:
        raise _error(name, "has a header but no data rows; give the file that holds the ads.")
    names, renamed = _unique_headers(headers)
    frame.columns = pd.Index(names, dtype=object)
    notes = [f"{name}: {_rows(len(frame))} ({how}).", *(f"{name}: {r}" for r in renamed), *notes]
    frame = frame.where(frame != "") if fmt != "csv" else frame
    row_flags = np.array(flags if flags is not None else [""] * len(frame), dtype=object)
    return _Part(frame.astype("str"), row_flags, InputInfo(name, len(frame), info_hash), notes)
