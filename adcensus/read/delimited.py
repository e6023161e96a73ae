"""Delimited text (CSV, TSV, `;` or `|`): the delimiter sniffed, rows read by pyarrow, and
the rows that do not fit the header read again by the csv module.

A row with more fields than the header keeps its extras in `_extra` (RAGGED_ROW), one with
fewer is padded (SHORT_ROW), and the lines after a quote never closed are read without
quoting (UNCLOSED_QUOTE); each such row goes back to its place in the file.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from adcensus.read.encoding import SNIFF_CHARS
from adcensus.read.table import (
    EXTRA_COLUMN,
    RAGGED_ROW,
    SHORT_ROW,
    UNCLOSED_QUOTE,
    input_error,
    rows_text,
    text_array,
    unique_name,
)

_DELIMITERS = (",", ";", "\t", "|")
# Each delimiter as messages name it.
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# Title records looked for above the headers (as the rows searched for headers, read.reader).
_TITLE_SCAN_ROWS = 20


def read_delimited(
    name: str, payload: bytes, delimiter: str | None
) -> tuple[list[str | None], pd.DataFrame, list[str] | None, str, list[str]]:
    """Parse delimited text with pyarrow; rows that do not fit the header go through csv."""
    hint = re.match(rb"sep=([^\r\n])\r?\n", payload)  # Excel's own delimiter line
    if hint:
        delimiter = delimiter or hint.group(1).decode()
        payload = payload[hint.end() :]
    if not re.search(rb"\S", payload):
        raise input_error(name, "holds no header and no rows; give the file that holds the ads.")
    sample_text = payload[:SNIFF_CHARS].decode("utf-8", errors="ignore")
    delimiter = delimiter or _sniff_delimiter(sample_text, len(payload) > SNIFF_CHARS)
    titles, title_bytes = _title_lines(sample_text, delimiter, len(payload) > SNIFF_CHARS)
    if titles:
        return _below_titles(name, titles, payload[title_bytes:], delimiter)
    sample = csv.reader(io.StringIO(sample_text, newline=""), delimiter=delimiter)
    width = len(next((record for record in sample if record), []))
    multiline = _newline_in_quotes(payload)
    odd: list[tuple[int, int, list[str], bool]] = []  # data row, part, fields, after bad quote
    bad: list[tuple[int, str]] = []
    try:
        try:
            table = _parse_arrow(payload, delimiter, width, multiline, None)
        except (pa.ArrowException, ValueError):
            table = _parse_arrow(payload, delimiter, width, multiline, bad)
        headers = [table.column(i)[0].as_py() for i in range(table.num_columns)]
        tail = _unclosed_tail(payload, table, delimiter)
        good = table.slice(1, table.num_rows - 1 - (tail is not None)).to_pandas(split_blocks=True)
        for number, text in bad:
            records, unclosed = _csv_rows(name, text, delimiter)
            odd += [(number - 2, k, r, k >= unclosed) for k, r in enumerate(records)]
        if tail is not None:
            records, unclosed = _csv_rows(name, payload[tail:].decode("utf-8"), delimiter)
            odd += [(len(good) + len(bad) + i, 0, r, i >= unclosed) for i, r in enumerate(records)]
    except (pa.ArrowException, ValueError):  # pyarrow cannot parse it: csv reads every row
        records, unclosed = _csv_rows(name, payload.decode("utf-8"), delimiter)
        headers = list(records[0])
        good = pd.DataFrame({i: text_array([]) for i in range(len(headers))})
        odd = [(i, 0, r, i + 1 >= unclosed) for i, r in enumerate(records[1:])]
    headers = [h or None for h in headers]
    if not odd:
        return headers, good, None, delimiter, []
    extra = unique_name(EXTRA_COLUMN, {h for h in headers if h})
    frame, flags, notes = _merge_odd_rows(name, good, odd, delimiter, extra)
    return [*headers, extra][: frame.shape[1]], frame, flags, delimiter, notes


def _title_lines(sample: str, delimiter: str, truncated: bool) -> tuple[list[list[str]], int]:
    """The records above the headers that are narrower than the table and hold one cell (a
    title line saved without the delimiters that would fill its row), and the bytes they
    take; ([], 0) when the first record is as wide as the table.

    The table's width is the most common width of the sample's records; the headers are
    the first record that has it, within the rows searched for headers (_TITLE_SCAN_ROWS).
    """
    lines = io.StringIO(sample, newline="").readlines()
    if truncated and len(lines) > 1:
        lines.pop()  # probably cut in the middle
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    records: list[tuple[list[str], int]] = []  # each record, and the line after it
    for record in itertools.islice(reader, 200):
        if record:
            records.append((record, reader.line_num))
    widths = [len(record) for record, _ in records]
    if len(widths) < 2:
        return [], 0
    width = max(set(widths), key=lambda w: (widths.count(w), w))
    first = next(i for i, w in enumerate(widths) if w == width)
    if first == 0 or first >= _TITLE_SCAN_ROWS or any(w > width for w in widths[:first]):
        return [], 0
    # A title is one cell; narrower headers with cells of their own ("a;b;c" above rows that
    # end in ";") are the file's headers.
    if any(sum(bool(cell.strip()) for cell in record) > 1 for record, _ in records[:first]):
        return [], 0
    end = records[first - 1][1]
    return [record for record, _ in records[:first]], len("".join(lines[:end]).encode("utf-8"))


def _below_titles(
    name: str, titles: list[list[str]], rest: bytes, delimiter: str
) -> tuple[list[str | None], pd.DataFrame, list[str] | None, str, list[str]]:
    """`rest` read as a file of its own, the title records put back above it as rows padded
    to its width, so that the rows keep their numbers and the headers are found below."""
    headers, frame, flags, delimiter, notes = read_delimited(name, rest, delimiter)
    width = len(headers)
    rows = [[cell or None for cell in record] + [None] * (width - len(record)) for record in titles]
    rows += [headers]
    above = pd.DataFrame(
        {column: text_array([row[i] for row in rows[1:]]) for i, column in enumerate(frame.columns)}
    )
    frame = pd.concat([above, frame], ignore_index=True)
    frame.columns = pd.RangeIndex(width)
    flags = [""] * len(above) + flags if flags is not None else None
    return rows[0], frame, flags, delimiter, notes


def _unclosed_tail(payload: bytes, table: pa.Table, delimiter: str) -> int | None:
    """Where the last line starts if the last cell opens a quote that runs to the end.

    pyarrow reads such a cell without complaint, swallowing every later line into it.
    """
    last = [table.column(i)[-1].as_py() or "" for i in range(table.num_columns)]
    cell = last[-1] if table.num_rows > 1 else ""
    raw = b'"' + cell.replace('"', '""').encode("utf-8")
    if ("\n" not in cell and "\r" not in cell) or not payload.endswith(raw):
        return None
    quote = len(payload) - len(raw)
    start = max(payload.rfind(b"\n", 0, quote), payload.rfind(b"\r", 0, quote)) + 1
    line = payload[start:quote].decode("utf-8")
    before = next(csv.reader([line], delimiter=delimiter), None) or [""]
    return start if before == [*last[:-1], ""] else None  # the quote opens the last field


def _merge_odd_rows(
    name: str,
    good: pd.DataFrame,
    odd: list[tuple[int, int, list[str], bool]],
    delimiter: str,
    extra_column: str,
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Shape the rows that did not fit the header, flag them and put them back in place."""
    width = good.shape[1]
    cells: list[list[str | None]] = []
    extras: list[str | None] = []
    flags: list[str] = []
    first: dict[str, int] = {}
    counts = dict.fromkeys((RAGGED_ROW, SHORT_ROW, UNCLOSED_QUOTE), 0)
    for row, _, record, unclosed in odd:
        codes = [UNCLOSED_QUOTE] if unclosed else []
        extra = record[width:]
        while extra and extra[-1] == "":
            extra.pop()  # trailing delimiters carry nothing
        if extra:
            codes.append(RAGGED_ROW)
        elif len(record) < width:
            codes.append(SHORT_ROW)
        cells.append([*record[:width], *[None] * (width - len(record))])
        extras.append(delimiter.join(extra) or None)
        flags.append(";".join(codes))
        for code in codes:
            counts[code] += 1
            first.setdefault(code, row + 1)
    columns = list(zip(*cells, strict=True)) if cells else [()] * width
    fixed = pd.DataFrame({i: text_array(list(c)) for i, c in enumerate(columns)})
    good.columns = fixed.columns
    frame = pd.concat([good, fixed.where(fixed != "")], ignore_index=True)
    odd_rows = np.array([o[0] for o in odd], dtype=np.int64)
    good_rows = np.setdiff1d(np.arange(len(good) + len(np.unique(odd_rows))), odd_rows)
    parts = np.concatenate([np.zeros(len(good), np.int64), [o[1] for o in odd]])
    order = np.lexsort((parts, np.concatenate([good_rows, odd_rows])))
    frame = frame.iloc[order].reset_index(drop=True)
    if counts[RAGGED_ROW]:
        frame[width] = text_array([*[None] * len(good), *extras])[order]
    notes = [
        f"{name}: {rows_text(count)} flagged {code}: {what} (first: data row {first[code]})."
        for code, what in (
            (RAGGED_ROW, f"more fields than the header, the extras kept in {extra_column!r}"),
            (SHORT_ROW, "fewer fields than the header"),
            (UNCLOSED_QUOTE, "after a quote never closed, so read without quoting"),
        )
        if (count := counts[code])
    ]
    return frame, np.array([""] * len(good) + flags, dtype=object)[order].tolist(), notes


def _sniff_delimiter(sample: str, truncated: bool) -> str:
    """The candidate whose header splits in most fields that the next rows repeat.

    When no header is repeated by nine rows in ten (a title line above the headers, one
    field wide whatever the delimiter, or many ragged rows), the candidate that splits
    the rows below any narrower leading lines in the most fields, most consistently.
    """
    parsed = {}
    for candidate in _DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate, strict=False)
        records = [r for r in itertools.islice(reader, 200) if r]
        if truncated and len(records) > 1:
            records.pop()  # probably cut in the middle
        # Per record: its width, and how often it holds the other candidates.
        others = [d for d in _DELIMITERS if d != candidate]
        parsed[candidate] = [
            (len(r), sum(field.count(d) for field in r for d in others)) for r in records
        ]

    def by_header(candidate: str) -> tuple[bool, float, int]:
        widths = [w for w, _ in parsed[candidate]]
        if not widths:
            return (False, 0.0, 0)
        width, rest = widths[0], widths[1:] or widths
        consistency = sum(w == width for w in rest) / len(rest)
        return (width > 1, round(consistency, 2), width)

    def by_rows(candidate: str) -> tuple[bool, bool, int, float]:
        widths = [w for w, _ in parsed[candidate]]
        if not widths:
            return (False, False, 0, 0.0)
        width = max(set(widths), key=lambda w: (widths.count(w), w))
        first = widths.index(width)
        # Lines above, narrower, are titles; not when they hold another candidate as often
        # as the table's own: they are the headers of a file split by the wrong one.
        lead = parsed[candidate][:first]
        if first < _TITLE_SCAN_ROWS and all(w < width and n < width - 1 for w, n in lead):
            widths = widths[first:]
        consistency = widths.count(width) / len(widths)
        return (width > 1, consistency >= 0.9, width, round(consistency, 2))

    best = max(_DELIMITERS, key=by_header)
    wide, consistency, _ = by_header(best)
    if wide and consistency >= 0.9:
        return best
    return max(_DELIMITERS, key=by_rows)


def _parse_arrow(
    payload: bytes, delimiter: str, width: int, multiline: bool, bad: list[tuple[int, str]] | None
) -> pa.Table:
    """All-text table whose row 0 is the header; rows that do not fit raise, or go to `bad`.

    With `bad`, the read is single-threaded so that pyarrow knows each row's number.
    """

    def skip(row: Any) -> str:
        if bad is None or row.number is None:
            raise ValueError("row number unknown")
        bad.append((row.number, row.text))
        return "skip"

    table = pa_csv.read_csv(
        pa.BufferReader(payload),
        read_options=pa_csv.ReadOptions(
            autogenerate_column_names=True, block_size=1 << 23, use_threads=bad is None
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=multiline,
            invalid_row_handler=skip if bad is not None else None,
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={f"f{i}": pa.string() for i in range(width)},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    if table.num_rows == 0 or not all(pa.types.is_string(t) for t in table.schema.types):
        raise ValueError("not read as text")
    return table


def _newline_in_quotes(payload: bytes) -> bool:
    """Whether a line break may follow an odd number of quotes (a multi-line cell).

    Without such cells pyarrow may cut the file at any line break and reads twice as fast
    on big files; with them, a cut there would split a cell in two.
    """
    if len(payload) < 1 << 24:
        return True  # small: not worth checking
    quotes_before, step, newline = 0, 1 << 26, 10 if b"\n" in payload else 13
    for start in range(0, len(payload), step):
        chunk = np.frombuffer(payload, np.uint8, min(step, len(payload) - start), start)
        quotes = np.flatnonzero(chunk == 34)
        breaks = np.flatnonzero(chunk == newline)
        if ((np.searchsorted(quotes, breaks) + quotes_before) % 2).any():
            return True
        quotes_before += len(quotes)
    return False


def _csv_rows(name: str, text: str, delimiter: str) -> tuple[list[list[str]], int]:
    """Records of `text` by the csv module, and the index from which they follow a quote
    never closed (which would swallow every later line: those lines are read unquoted)."""
    lines = io.StringIO(text, newline="").readlines()
    old_limit = csv.field_size_limit(2**31 - 1)
    try:
        records, starts = _csv_records(lines, delimiter, csv.QUOTE_MINIMAL)
        unclosed = len(records)
        last = lines[starts[-1] :] if starts else []
        if len(last) > 1 and not _parses_strictly(last, delimiter):
            records[-1:] = _csv_records(last, delimiter, csv.QUOTE_NONE)[0]
            unclosed = len(starts) - 1
    except csv.Error as exc:
        raise input_error(name, f"cannot be read as CSV ({exc}); check its quotes.") from None
    finally:
        csv.field_size_limit(old_limit)
    if not records:
        raise input_error(name, "holds no header and no rows; give the file that holds the ads.")
    return records, unclosed


def _csv_records(
    lines: list[str], delimiter: str, quoting: Literal[0, 3]
) -> tuple[list[list[str]], list[int]]:
    """Records without blank lines, and the 0-based line where each starts."""
    reader = csv.reader(lines, delimiter=delimiter, strict=False, quoting=quoting)
    records: list[list[str]] = []
    starts: list[int] = []
    line = 0
    for record in reader:
        if record:
            records.append(record)
            starts.append(line)
        line = reader.line_num
    return records, starts


def _parses_strictly(lines: list[str], delimiter: str) -> bool:
    try:
        for _ in csv.reader(lines, delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return False
    return True
