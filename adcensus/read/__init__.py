"""Read ad files of any shape into one table of text, and find what each column holds.

Formats: CSV/TSV (delimiter `,` `;` tab or `|`, sniffed), XLSX, JSON lines, JSON arrays of
objects and Parquet; "-" reads from standard input. The format comes from the file's magic
bytes (Parquet, XLSX), then its extension, then its first character (`[` or `{` is JSON).

What the table holds, whatever the format:
- every row of every file, in order; values stay the text the file holds ("007" stays
  "007"); only empty cells become NA.
- headers as written; a blank header becomes `column_N` (N counts from 1) and a repeated
  header `x` becomes `x.2`, `x.3`, ... A note says so.
- a row with more fields than the header keeps its extra fields, joined by the delimiter,
  in an added column `_extra` (flag `ragged_row`); trailing empty fields are dropped
  silently. A row with fewer fields is padded with NA (flag `short_row`). A quote never
  closed before the end of the file would swallow every later row, so those lines are read
  again without quoting (flag `unclosed_quote`). Rows with no value at all get `empty_row`.
  (A date cell that `parse_dates` cannot read is flagged `unreadable_date` later, by
  dedupe: reading keeps every cell as text.)

The package, by concern (`read_ads` in `reader` calls the others):

- `table`: AdTable, InputInfo, the row flags, unique headers, text cells;
- `formats`: bytes from a file or stdin, the format they hold, XLSX, JSON and Parquet;
- `encoding`: text bytes as UTF-8 (BOM, UTF-8, UTF-16, cp1252, a guess);
- `delimited`: CSV/TSV, the delimiter sniffed, ragged rows and unclosed quotes;
- `roles`: which column holds the phone, the text, ... and `--col` overrides;
- `values`: dates and ages parsed from text cells, and which cells could not be.
"""

from __future__ import annotations

from adcensus.read.formats import read_sheet
from adcensus.read.reader import read_ads, unused_columns
from adcensus.read.roles import detect_roles, parse_role_override, parse_role_overrides
from adcensus.read.table import (
    EMPTY_ROW,
    EXTRA_COLUMN,
    RAGGED_ROW,
    SHORT_ROW,
    UNCLOSED_QUOTE,
    AdTable,
    InputInfo,
)
from adcensus.read.values import UNREADABLE_DATE, parse_ages, parse_dates, unreadable_cells

__all__ = [
    "EMPTY_ROW",
    "EXTRA_COLUMN",
    "RAGGED_ROW",
    "SHORT_ROW",
    "UNCLOSED_QUOTE",
    "UNREADABLE_DATE",
    "AdTable",
    "InputInfo",
    "detect_roles",
    "parse_ages",
    "parse_dates",
    "parse_role_override",
    "parse_role_overrides",
    "read_ads",
    "read_sheet",
    "unreadable_cells",
    "unused_columns",
]
