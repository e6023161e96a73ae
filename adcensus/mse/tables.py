"""Capture histories: how many persons are on each combination of lists.

A `CaptureTable` is what every estimator of `adcensus.mse` starts from. It is
built from each person's lists (`capture_table`), from a published table with
one 0/1 column per list and a count (`capture_table_from_frame`,
`read_capture_table`), or from another table by merging or dropping lists
(`regroup_lists`).
"""

from __future__ import annotations

import csv
import itertools
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from adcensus.errors import InputError, UsageError

MAX_LISTS = 12  # 2**12 − 1 combinations of lists; more would not fit in memory for long


@dataclass(frozen=True)
class CaptureTable:
    """Counts of persons for every observable combination of lists.

    `histories` has one row per combination (2**k − 1 rows, all-zero excluded)
    and one 0/1 column per list; `counts[i]` persons have history `histories[i]`.
    """

    lists: tuple[str, ...]
    histories: np.ndarray
    counts: np.ndarray

    @property
    def observed(self) -> int:
        """Persons seen on at least one list."""
        return int(self.counts.sum())

    def list_sizes(self) -> dict[str, int]:
        """Persons on each list."""
        return {
            name: int(self.counts[self.histories[:, i] == 1].sum())
            for i, name in enumerate(self.lists)
        }

    def overlap(self, i: int, j: int) -> int:
        """Persons on both list i and list j (whatever other lists they are on)."""
        both = (self.histories[:, i] == 1) & (self.histories[:, j] == 1)
        return int(self.counts[both].sum())

    def on_several_lists(self) -> int:
        """Persons seen on two lists or more: the recaptures everything rests on."""
        return int(self.counts[self.histories.sum(axis=1) >= 2].sum())


def _all_histories(k: int) -> np.ndarray:
    rows = [h for h in itertools.product((0, 1), repeat=k) if any(h)]
    rows.sort(key=lambda h: (sum(h), [-x for x in h]))
    return np.array(rows, dtype=np.int8).reshape(len(rows), k)


def capture_table(
    memberships: Iterable[Iterable[str]], lists: Sequence[str] | None = None
) -> CaptureTable:
    """Count persons per combination of lists; one item of `memberships` per person.

    Persons on no list are ignored (they cannot be counted by anyone).
    """
    sets = [frozenset(m) for m in memberships]
    names = tuple(lists) if lists is not None else tuple(sorted(set().union(*sets)))
    counter = Counter(tuple(int(name in s) for name in names) for s in sets if s & set(names))
    return _table(names, counter)


def _table(names: tuple[str, ...], counter: Counter[tuple[int, ...]]) -> CaptureTable:
    if len(names) > MAX_LISTS:
        raise UsageError(
            f"{len(names)} lists are too many for multiple-systems estimation (at most "
            f"{MAX_LISTS}); merge the smallest lists into one"
        )
    if len(names) < 2:
        raise UsageError(
            f"multiple-systems estimation needs at least two lists, got {len(names)}; "
            "choose a column with several values for --lists"
        )
    histories = _all_histories(len(names))
    counts = np.array([counter.get(tuple(int(x) for x in h), 0) for h in histories], dtype=float)
    return CaptureTable(names, histories, counts)


# Headers of the count column, folded (case and accents ignored): English and French.
COUNT_HEADERS = ("count", "effectif", "effectifs", "n", "freq", "frequency", "frequence", "nombre")


def _folded_header(header: object) -> str:
    decomposed = unicodedata.normalize("NFKD", str(header).strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def find_count_column(headers: Iterable[object]) -> str:
    """The header of a histories table's count column: `count`, `effectif`, `n`, `freq`,
    `frequency`, `nombre` (case and accents ignored). InputError when none or several."""
    found = [str(h) for h in headers if _folded_header(h) in COUNT_HEADERS]
    if len(found) == 1:
        return found[0]
    if found:
        raise InputError(
            f"{' and '.join(repr(h) for h in found)} could each be the count column; "
            "rename all but one"
        )
    raise InputError(
        "the table has no count column; add one with the number of persons, headed "
        "'count' (or 'effectif', 'n', 'freq', 'nombre')"
    )


def capture_table_from_frame(frame: pd.DataFrame, count_column: str = "count") -> CaptureTable:
    """A table with one 0/1 column per list and a count column (e.g. a published table).

    Counts must be whole numbers ≥ 0 (1.9 is refused, not truncated); a row with
    0 on every list and a count above 0 is refused (persons on no list cannot
    have been counted). Rows are named as data rows, 1 = the first under the header.
    """
    if count_column not in frame.columns:
        raise InputError(
            f"the table has no {count_column!r} column; add one with the number of persons"
        )
    if frame.empty:
        raise InputError("the table has a header but no rows; add one row per combination of lists")
    names = tuple(str(c) for c in frame.columns if c != count_column)
    lists = frame[list(names)].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    counts = pd.to_numeric(frame[count_column], errors="coerce").to_numpy(float)
    for row, (marks, count) in enumerate(zip(lists, counts, strict=True), start=1):
        if np.isnan(count):
            raise InputError(f"data row {row}: the {count_column!r} cell is empty or not a number")
        if count < 0 or count != np.floor(count):
            raise InputError(
                f"data row {row}: count {count:g} is not a whole number ≥ 0; "
                "a count is a number of persons"
            )
        if np.isnan(marks).any() or not set(marks.tolist()) <= {0.0, 1.0}:
            raise InputError(f"data row {row}: list columns must hold 0 or 1")
        if not marks.any() and count > 0:
            raise InputError(
                f"data row {row}: 0 on every list with {count:g} persons; persons on no list "
                "cannot have been counted (that is what the estimate is for): remove the row"
            )
    counter: Counter[tuple[int, ...]] = Counter()
    for marks, count in zip(lists.astype(int), counts.astype(int), strict=True):
        counter[tuple(marks.tolist())] += int(count)
    return _table(names, counter)


def read_capture_table(path: str | Path) -> CaptureTable:
    """Read a capture-history CSV (`,` or `;`); lines starting with # are comments.

    Every problem is one InputError naming the file (and the row or column).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the error below says it all, in one line
            frame = pd.read_csv(path, sep=None, engine="python", comment="#", encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found; check the path given to --histories") from None
    except (pd.errors.EmptyDataError, csv.Error) as exc:
        if isinstance(exc, csv.Error) and Path(path).read_bytes().strip():
            raise InputError(f"{path}: not a readable CSV table ({exc})") from None
        raise InputError(
            f"{path}: the file is empty; it needs a header (one column per list and "
            "'count') and one row per combination of lists"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV table ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    try:
        return capture_table_from_frame(frame, find_count_column(frame.columns))
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def regroup_lists(table: CaptureTable, groups: Mapping[str, str | None]) -> CaptureTable:
    """Merge or drop lists: `groups` maps a list to its new name, or to None to drop it.

    A person is on a merged list when on any of its parts; persons seen only on
    dropped lists leave the table. E.g. {"PF": "PFNCA", "NCA": "PFNCA"}.
    """
    target = [groups.get(name, name) for name in table.lists]
    names = tuple(dict.fromkeys(t for t in target if t is not None))
    counter: Counter[tuple[int, ...]] = Counter()
    for history, count in zip(table.histories, table.counts, strict=True):
        on = {t for t, x in zip(target, history, strict=True) if x and t is not None}
        if on:
            counter[tuple(int(name in on) for name in names)] += int(count)
    return _table(names, counter)
