"""File formats: the bytes of a file or stdin, which format they hold (magic bytes, then
extension, then first character), and the readers of XLSX, JSON (array or lines) and Parquet.

Delimited text is read by `delimited`, once `encoding` has decoded it. Spreadsheet and
Parquet values become the text a person would read: 612345678.0 → "612345678", a datetime
at midnight → its date; a formula no spreadsheet ever computed (a workbook written by a
script) → its text. A JSON key repeated in one object (`x`) becomes `x.2`, `x.3`, ...
"""

from __future__ import annotations

import io
import json
import re
import stat
import sys
import warnings
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from adcensus.errors import InputError
from adcensus.read.table import input_error, text_array, unique_name

_TEXT_FORMATS = {".csv": "csv", ".tsv": "csv", ".tab": "csv", ".txt": "csv", ".json": "json"}
_TEXT_FORMATS |= {".jsonl": "json", ".ndjson": "json"}
_BINARY_FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
_SAVE_AS = "open it and save it as .xlsx or CSV UTF-8"
_UNSUPPORTED = {
    ".ods": _SAVE_AS,
    ".numbers": _SAVE_AS,
    ".zip": "unzip it and give the files inside",
}
_UNSUPPORTED |= {".gz": "decompress it first", ".pdf": "export the ads as CSV or .xlsx"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# Bounds on what is read (docs/reliability.md). A pipe or stdin has no size to check
# beforehand: past this many bytes it is refused. A workbook is compressed: past these
# sizes once uncompressed (all its parts; its shared strings, which openpyxl holds in
# memory as Python strings) it is refused. Sheets are read as the cells they hold, not
# the dimensions they declare; an empty gap of more rows or columns than these, before
# a filled cell, is a stray cell far from the ads and is refused with its address.
MAX_STREAM_BYTES = 2**30
MAX_XLSX_UNCOMPRESSED = 4 * 2**30
MAX_XLSX_SHARED_STRINGS = 2**30
MAX_EMPTY_ROWS_GAP = 10_000
MAX_EMPTY_COLUMNS_GAP = 1_000


def load_bytes(name: str, stdin: BinaryIO | None) -> bytes:
    """The bytes of file `name` ("-": standard input), within the size bounds."""
    if name == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return _read_capped(name, stream)
    path = Path(name)
    try:
        if path.is_dir():
            raise input_error(name, "is a folder, not a file; give the ad files inside it.")
        kind = path.stat().st_mode
        if stat.S_ISFIFO(kind):
            with path.open("rb") as pipe:
                return _read_capped(name, pipe)
        if not stat.S_ISREG(kind):
            raise input_error(name, "is not a file (a device or a socket); give an ad file.")
        return path.read_bytes()
    except FileNotFoundError:
        raise input_error(name, "file not found; check the name and the current folder.") from None
    except PermissionError:
        raise input_error(
            name, "permission denied; copy the file somewhere you can read."
        ) from None
    except OSError as exc:
        raise input_error(
            name, f"cannot be read ({exc.strerror or exc}); check the file."
        ) from None


def _read_capped(name: str, stream: Any) -> bytes:
    """All of a pipe or stdin, refused past MAX_STREAM_BYTES."""
    data: Any = stream.read(MAX_STREAM_BYTES + 1)
    data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(data) > MAX_STREAM_BYTES:
        raise input_error(
            name,
            f"more than {_size(MAX_STREAM_BYTES)} from a pipe; save the ads in a "
            "file first (its size is then checked against the free memory).",
        )
    return data


def _size(count: int) -> str:
    return f"{count / 2**30:,.1f} GB" if count >= 2**30 else f"{count:,} bytes"


def detect_format(name: str, data: bytes) -> str:
    """The format of the file's bytes: "parquet", "xlsx", "csv", "json", or "sniff" (look at
    the text); a kind that cannot be read (.xls, gzip, PDF...) raises, saying what to do."""
    suffix = Path(name).suffix.lower()
    if suffix in _UNSUPPORTED:
        raise input_error(name, f"{suffix} files cannot be read; {_UNSUPPORTED[suffix]}.")
    if data.startswith(b"PAR1") and data.endswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        raise input_error(name, f"is an old .xls or a password-protected workbook; {_SAVE_AS}.")
    if data.startswith(b"\x1f\x8b"):
        raise input_error(name, "is gzip-compressed; decompress it first.")
    return _BINARY_FORMATS.get(suffix) or _TEXT_FORMATS.get(suffix, "sniff")


def read_xlsx(
    name: str, data: bytes, sheet: str | None
) -> tuple[list[str | None], pd.DataFrame, tuple[str, str], int]:
    """Headers, rows, how it was read (sheet; formulas), the sheet row (1-based) of the headers.

    Rows between the first and the last filled one are all kept, empty ones too: data row
    i (0-based) is sheet row header row + 1 + i.
    """
    import openpyxl  # imported here: slow to import and only needed for workbooks

    _check_uncompressed(name, data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = book.worksheets
            titles = [ws.title for ws in sheets]
            if sheet is not None:
                matches = [ws for i, ws in enumerate(sheets, 1) if sheet in (ws.title, str(i))]
                if not matches:
                    raise input_error(name, f"has no sheet {sheet!r}; its sheets are {titles}.")
                sheets = matches
            for ws in sheets:
                if sheet is None and ws.sheet_state != "visible":
                    continue
                rows = _sheet_rows(name, ws)
                filled = [i for i, row in enumerate(rows) if any(v is not None for v in row)]
                if filled:
                    break
            else:
                where = f"sheet {sheet!r}" if sheet else "any sheet"
                raise input_error(
                    name, f"has no data in {where}; give the file that holds the ads."
                )
        finally:
            book.close()
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises anything on a damaged file
        raise input_error(
            name, f"is not a readable .xlsx ({type(exc).__name__}); {_SAVE_AS}."
        ) from None
    formulas = _unsaved_formulas(data, ws.title, rows) if _has_formulas(data) else 0
    rows = rows[filled[0] : filled[-1] + 1]
    width = max((max((i for i, v in enumerate(r) if v is not None), default=-1) + 1) for r in rows)
    rows = [r[:width] + [None] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(
        {i: text_array([r[i] for r in rows[1:]]) for i in range(width)}, index=range(len(rows) - 1)
    )
    how = f"sheet {ws.title!r}" + (f" of {len(titles)}" if len(titles) > 1 else "")
    note = f"; {formulas:,} formula(s) never computed (no saved value) kept as text"
    return rows[0], frame, (f"Excel {how}", note if formulas else ""), filled[0] + 1


def read_sheet(path: str | Path, prefer: str | None = None) -> tuple[str, list[list[str | None]]]:
    """(title, rows as text) of the sheet named `prefer` when the workbook has one, else of
    its first sheet: read within the bounds ad files are read with (uncompressed size,
    stray far cells refused by their address, empty rows kept between filled ones, so
    that rows[i] is sheet row i + 1). For the spreadsheets people fill and give back
    (review --import, contact --import)."""
    import openpyxl  # imported here: slow to import and only needed for workbooks

    name = str(path)
    data = load_bytes(name, None)
    _check_uncompressed(name, data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything on a damaged file
        raise input_error(name, f"is not a readable .xlsx file ({type(exc).__name__}).") from None
    try:
        title = str(prefer if prefer in book.sheetnames else book.sheetnames[0])
        return title, _sheet_rows(name, book[title])
    finally:
        book.close()


def _check_uncompressed(name: str, data: bytes) -> None:
    """Refuse a workbook too large once uncompressed (a zip bomb, or a census to save as CSV)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says it is not a readable workbook
    total = sum(part.file_size for part in parts)
    strings = sum(part.file_size for part in parts if part.filename.endswith("sharedStrings.xml"))
    if total > MAX_XLSX_UNCOMPRESSED or strings > MAX_XLSX_SHARED_STRINGS:
        raise input_error(
            name,
            f"holds {_size(total)} once uncompressed, more than adcensus reads from a "
            f"workbook ({_size(MAX_XLSX_UNCOMPRESSED)}, {_size(MAX_XLSX_SHARED_STRINGS)} of "
            f"text); {_SAVE_AS} in parts.",
        )


def _sheet_rows(name: str, ws: Any) -> list[list[str | None]]:
    """The rows of a read-only sheet as text, each as long as its last filled cell.

    The sheet's declared dimensions are ignored (a stray cell at XFD1048576 would make
    17 billion cells); empty rows after the last filled one are not kept. A filled cell
    after an empty gap of more than MAX_EMPTY_ROWS_GAP rows or MAX_EMPTY_COLUMNS_GAP
    columns is refused with its address: it is far from the ads, and would make a
    million empty ads or columns.
    """
    from openpyxl.utils import get_column_letter

    ws.reset_dimensions()
    rows: list[list[str | None]] = []
    empty_run = 0  # empty rows since the last filled one
    used_columns = 0  # columns up to the last filled cell of any row so far
    for number, values in enumerate(ws.iter_rows(values_only=True), 1):
        row = [_cell_text(v) for v in values]
        while row and row[-1] is None:
            row.pop()
        if not row:
            empty_run += 1
            continue
        stray, gap = None, ""
        if rows and empty_run > MAX_EMPTY_ROWS_GAP:
            stray = next(i for i, v in enumerate(row) if v is not None)
            gap = f"{empty_run:,} empty rows"
        elif len(row) - used_columns > MAX_EMPTY_COLUMNS_GAP:
            last = used_columns - 1
            for column, value in enumerate(row):
                if value is None:
                    continue
                if column - last > MAX_EMPTY_COLUMNS_GAP:
                    stray, gap = column, f"{column - last - 1:,} empty columns"
                    break
                last = column
        if stray is not None:
            raise input_error(
                name,
                f"sheet {ws.title!r} has a cell at {get_column_letter(stray + 1)}{number} after "
                f"{gap}, far from the ads; delete it (Ctrl+End in Excel goes to the last "
                "cell) and save the workbook again.",
            )
        rows.extend([] for _ in range(empty_run))
        empty_run = 0
        rows.append(row)
        used_columns = max(used_columns, len(row))
    return rows


def _has_formulas(data: bytes) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            return any(re.search(rb"<(?:\w+:)?f[ >]", archive.read(n)) for n in sheets)
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return False


def _unsaved_formulas(data: bytes, title: str, rows: list[list[str | None]]) -> int:
    """Put in `rows` the formula of each cell that has one but no saved value; their count.

    A workbook written by a program (openpyxl, a script) holds formulas that no spreadsheet
    ever computed: read for values only, those cells would silently be empty.
    """
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    count = 0
    sheet = book[title]
    sheet.reset_dimensions()  # the rows as _sheet_rows read them
    try:
        for row, formulas in zip(rows, sheet.iter_rows(values_only=True), strict=False):
            for column, formula in enumerate(formulas):
                if isinstance(formula, str) and formula[:1] == "=":
                    row.extend([None] * (column + 1 - len(row)))  # rows end at their last value
                    if row[column] is None:
                        row[column] = formula
                        count += 1
    finally:
        book.close()
    return count


def _cell_text(value: Any) -> str | None:
    """Text of a spreadsheet or Parquet value: 25 → "25", 612345678.0 → "612345678"."""
    if value is None or isinstance(value, str):
        return value
    if value != value:  # NaN
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


class _JsonNumber(str):
    """A JSON number kept as the text the file holds ("25.50" stays "25.50")."""


_JSON_KINDS = {_JsonNumber: "a number", str: "a string", bool: "true or false", list: "an array"}


def read_json(name: str, text: str) -> tuple[list[str | None], pd.DataFrame]:
    """A JSON array of objects, or one object per line (JSON Lines)."""
    hooks: dict[str, Any] = {"parse_int": _JsonNumber, "parse_float": _JsonNumber}
    hooks["object_pairs_hook"] = _unique_keys
    hint = "a JSON file must be an array of objects or hold one object per line"
    array = text.lstrip().startswith("[")
    lines = [text] if array else text.split("\n")
    items: list[Any] = []
    for number, line in enumerate(lines, 1):
        try:
            if line.strip():
                items.append(json.loads(line, **hooks))
        except json.JSONDecodeError as exc:
            where = f"at line {exc.lineno}, column {exc.colno}" if array else f"on line {number}"
            raise input_error(name, f"is not valid JSON {where} ({exc.msg}); {hint}.") from None
        except RecursionError:
            raise input_error(name, f"is nested too deeply; {hint}.") from None
    items = items[0] if array else items
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            kind = _JSON_KINDS.get(type(item), "null")
            where = f"item {number} of the array" if array else f"line {number}"
            raise input_error(name, f"{where} is {kind}, not an object; {hint}.")
    keys = list(dict.fromkeys(key for item in items for key in item))
    columns = {
        i: text_array([_json_text(item.get(k)) for item in items]) for i, k in enumerate(keys)
    }
    return [k or None for k in keys], pd.DataFrame(columns, index=range(len(items)))


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose repeated key `x` becomes `x.2`, `x.3`, ...: no value is lost."""
    item: dict[str, Any] = {}
    for key, value in pairs:
        if key in item:
            key = unique_name(key, set(item) | {k for k, _ in pairs})
        item[key] = value
    return item


def _json_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)  # nested: compact JSON (numbers quoted)


def read_parquet(name: str, data: bytes) -> tuple[list[str | None], pd.DataFrame, str]:
    """Headers, rows as text, and how it was read, of a Parquet file."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
        columns = {i: _arrow_text(table.column(i)) for i in range(table.num_columns)}
    except Exception as exc:  # pyarrow raises OSError, ArrowInvalid, ... on damaged files
        raise input_error(name, f"is not a readable Parquet file ({type(exc).__name__}).") from None
    frame = pd.DataFrame(columns, index=range(table.num_rows))
    return [h or None for h in table.column_names], frame, "Parquet"


def _arrow_text(column: pa.ChunkedArray) -> pd.Series:
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = kind.value_type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pd.Series(column.to_pandas(), dtype="str")
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind) or pa.types.is_date(kind):
        return pd.Series(pc.cast(column, pa.string()).to_pandas(), dtype="str")
    return pd.Series(text_array([_cell_text(v) for v in column.to_pylist()]))
