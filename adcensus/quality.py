"""The data-quality summary of a run: what was read, set aside, left unread and unused, and
what each phone column gave, with a warning for a phone column that gives few numbers.

It is `summary.json`'s `data_quality` object; `quality_lines` says it in words for stderr,
and the report shows it. Every count is of the rows read (`rows_read`) or of the real ads
(the rest): rows set aside as not ads (adcensus.setaside) have no cell to read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from adcensus import columns as col
from adcensus.normalize import PhoneColumnCount
from adcensus.phones import few_numbers_warning, phone_column_warnings
from adcensus.read import (
    UNREADABLE_DATE,
    parse_ages,
    parse_dates,
    unreadable_cells,
    unused_columns,
)
from adcensus.setaside import SetAside, describe

# The roles whose cells are read as values (the others are kept as text): date and age.
_VALUE_ROLES = (col.DATE, col.AGE)


def data_quality(
    asides: Sequence[SetAside],
    region: str,
    features: pd.DataFrame | None = None,
    phone_columns: Mapping[str, PhoneColumnCount] | None = None,
    phones_in_text_only: int | None = None,
) -> dict[str, Any]:
    """The `data_quality` object of summary.json for the tables `asides` split (one per
    load of a store, one for dedupe).

    `rows_read`, `ads`, `rows_set_aside` (by reason), `unreadable_cells` (per column of a
    date or age role: filled cells that give no date or age), `columns_unused`,
    `phones_by_column` (per phone column: `filled` cells, cells `with_number`, distinct
    `numbers`) and `phones_in_text_only` (ads whose numbers are in their title or text
    only) when the scan's counts are given, and `warnings`: a phone column read in the
    wrong region (adcensus.phones.coverage) or giving few numbers (`few_numbers_warning`).

    `features` (one row per real ad of a single table, from adcensus.normalize) spares
    parsing the dates again.
    """
    reasons = [aside.counts() for aside in asides]
    quality: dict[str, Any] = {
        "rows_read": int(sum(len(aside.reasons) for aside in asides)),
        "ads": int(sum(len(aside.ads.frame) for aside in asides)),
        "rows_set_aside": {k: sum(r[k] for r in reasons) for k in (reasons[0] if reasons else {})},
        "unreadable_cells": _unreadable(asides, features),
        "columns_unused": list(
            dict.fromkeys(h for aside in asides for h in unused_columns(aside.ads))
        ),
    }
    warnings = [w for aside in asides for w in phone_column_warnings(aside.ads, region)]
    # A region warning already says the role's column gives few numbers.
    warned = {aside.ads.roles.get(col.PHONE) for aside in asides} if warnings else set()
    if phone_columns is not None:
        quality["phones_by_column"] = {
            header: {
                "filled": count.filled,
                "with_number": count.with_number,
                "numbers": len(count.numbers),
            }
            for header, count in phone_columns.items()
        }
        quality["phones_in_text_only"] = int(phones_in_text_only or 0)
        for header, count in phone_columns.items():
            warning = few_numbers_warning(header, count.filled, count.with_number)
            if warning is not None and header not in warned:
                warnings.append(warning)
    quality["warnings"] = warnings
    return quality


def _unreadable(asides: Sequence[SetAside], features: pd.DataFrame | None) -> dict[str, int]:
    """Per column of a date or age role, the filled cells of real ads that give nothing."""
    parsed_already = features if features is not None and len(asides) == 1 else None
    counts: dict[str, int] = {}
    for aside in asides:
        table = aside.ads
        for role in _VALUE_ROLES:
            header = table.roles.get(role)
            if header is None:
                continue
            cells = table.frame[header].reset_index(drop=True)
            if parsed_already is not None:
                parsed = pd.Series(parsed_already[role].to_numpy())
            else:
                parsed = parse_dates(cells) if role == col.DATE else parse_ages(cells)
            found = int(unreadable_cells(cells, parsed).sum())
            counts[header] = counts.get(header, 0) + found
    return counts


# Columns named in one line at most; a file of 10,000 columns gives one readable line.
MAX_COLUMNS_LISTED = 30


def columns_text(headers: Sequence[str]) -> str:
    """Headers for a message: "a, b, c", or the first 30 "and 9,970 more"."""
    shown = ", ".join(headers[:MAX_COLUMNS_LISTED])
    more = len(headers) - MAX_COLUMNS_LISTED
    return shown + (f" and {more:,} more" if more > 0 else "")


def quality_lines(
    quality: Mapping[str, Any], set_aside_note: str = "see rejected.csv"
) -> list[str]:
    """The data-quality summary in a few lines of plain text for stderr (no numbers shown:
    phone columns by header only), the warnings last, each starting "warning: "."""
    lines = ["data quality:"]
    read = f"  rows read: {quality.get('rows_read', 0):,}, ads: {quality.get('ads', 0):,}"
    aside = describe(dict(quality.get("rows_set_aside") or {}))
    lines.append(read + (f"; {aside}: {set_aside_note}" if aside else ""))
    unreadable = quality.get("unreadable_cells") or {}
    if any(unreadable.values()):
        shown = ", ".join(f"{h!r} {n:,}" for h, n in unreadable.items() if n)
        lines.append(
            f"  unreadable cells: {shown} (left empty; flagged {UNREADABLE_DATE} for dates)"
        )
    unused = quality.get("columns_unused") or []
    if unused:
        lines.append(f"  columns not used: {columns_text(unused)}.")
    by_column = quality.get("phones_by_column")
    if by_column is not None:
        for header, count in by_column.items():
            lines.append(
                f"  phone column {header!r}: a number in {count['with_number']:,} of "
                f"{count['filled']:,} filled cells ({count['numbers']:,} distinct numbers)"
            )
        text_only = int(quality.get("phones_in_text_only") or 0)
        s = "s" if text_only != 1 else ""
        lines.append(f"  numbers found in the ad's text only: {text_only:,} ad{s}")
    lines += [f"warning: {w}" for w in quality.get("warnings") or []]
    return lines
