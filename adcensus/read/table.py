"""The table every reader builds: AdTable and InputInfo, the row flags, and the shared pieces.

Also the rules that hold whatever the format: cells are text (`text_array`), headers are
made unique (`unique_headers`), and errors name the file they are about (`input_error`).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
from pandas.api.extensions import ExtensionArray

from adcensus.errors import InputError

RAGGED_ROW = "ragged_row"
SHORT_ROW = "short_row"
EMPTY_ROW = "empty_row"
UNCLOSED_QUOTE = "unclosed_quote"
EXTRA_COLUMN = "_extra"


@dataclass(frozen=True)
class InputInfo:
    """One input file as read: `path` as the user gave it ("-" for stdin); `header_row` is
    the row of its headers as a spreadsheet counts (its data rows follow it)."""

    path: str
    rows: int
    sha256: str
    header_row: int = 1


@dataclass(frozen=True, eq=False)
class AdTable:
    """Every input row as text, with the role of each recognised column.

    `roles` names each role's first column; `more_columns` the further columns of a role
    that has several (phone: "Téléphone 2", "WhatsApp"). `flags` holds per row "" or
    ";"-joined codes (RAGGED_ROW, SHORT_ROW, ...); `notes` holds one line per thing the
    user should know (how each file was read, renamed headers, unused columns, ...).
    """

    frame: pd.DataFrame
    roles: dict[str, str]
    inputs: tuple[InputInfo, ...]
    flags: pd.Series
    notes: tuple[str, ...] = ()
    more_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)


def rows_text(count: int) -> str:
    """ "1 row", "1,234 rows": a count of rows for a message."""
    return f"{count:,} row" + ("s" if count != 1 else "")


def input_error(name: str, message: str) -> InputError:
    """The InputError "name: message", on one line (line breaks in the message become spaces)."""
    return InputError(re.sub(r"[\r\n]+", " ", f"{name}: {message}"))


def text_array(values: list[Any]) -> ExtensionArray:
    """A column of text cells (pandas' str dtype); lone surrogates become U+FFFD."""
    try:
        return pd.array(values, dtype="str")
    except (UnicodeError, pa.ArrowException):  # lone surrogates, e.g. from JSON "\ud800"
        clean = [
            v.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if v else v
            for v in values
        ]
        return pd.array(clean, dtype="str")


# Beyond this many columns renamed for one reason, one note counts them.
_MAX_RENAME_NOTES = 3


def unique_headers(headers: Sequence[str | None]) -> tuple[list[str], list[str]]:
    """Blank headers → column_N; repeats of x → x.2, x.3; returns names and notes.

    A few renamed columns get a note each; more get one note with their count (a file
    of 10,000 columns named alike gives one line, not 9,999).
    """
    names = [h if h and h.strip() else f"column_{i}" for i, h in enumerate(headers, 1)]
    blank = [i for i, n in enumerate(names, 1) if n != headers[i - 1]]
    if len(blank) <= _MAX_RENAME_NOTES:
        notes = [f"column {i} has no header; it is named {names[i - 1]!r}." for i in blank]
    else:
        notes = [
            f"{len(blank):,} columns have no header (columns {_some(blank)}); each is named "
            "column_N after its number N."
        ]
    every = set(names)
    taken: set[str] = set()
    next_suffix: dict[str, int] = {}
    unique: list[str] = []
    repeats: list[tuple[int, str, str]] = []
    for i, name in enumerate(names, 1):
        new = name
        if name in taken:
            k = next_suffix.get(name, 2)
            while f"{name}.{k}" in taken or f"{name}.{k}" in every:
                k += 1
            next_suffix[name] = k + 1
            new = f"{name}.{k}"
            repeats.append((i, name, new))
        taken.add(new)
        unique.append(new)
    if len(repeats) <= _MAX_RENAME_NOTES:
        notes += [
            f"column {i} repeats the header {n!r}; it is named {new!r}." for i, n, new in repeats
        ]
    else:
        counts = Counter(n for _, n, _ in repeats)
        most = ", ".join(f"{n!r} {c + 1:,} times" for n, c in counts.most_common(3))
        more = f" and {len(counts) - 3:,} more" if len(counts) > 3 else ""
        notes.append(
            f"{len(repeats):,} columns repeat a header ({most}{more}); each repeat is named "
            f"after it with .2, .3, … (e.g. {repeats[0][2]!r})."
        )
    return unique, notes


def _some(numbers: list[int], limit: int = 5) -> str:
    shown = ", ".join(f"{n:,}" for n in numbers[:limit])
    return shown + (", …" if len(numbers) > limit else "")


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or the first of name.2, name.3, ... not in `taken`."""
    if name not in taken:
        return name
    return next(f"{name}.{k}" for k in itertools.count(2) if f"{name}.{k}" not in taken)


def list_headers(headers: Sequence[str], limit: int = 30) -> str:
    """The headers quoted for a message, the first `limit` of them ("none" if empty)."""
    if not headers:
        return "none"
    shown = ", ".join(repr(h) for h in headers[:limit])
    return shown + (f" and {len(headers) - limit} more" if len(headers) > limit else "")
