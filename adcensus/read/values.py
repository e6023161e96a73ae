"""Values read from text cells: dates (French, ISO, month names, Unix seconds, Excel serial
numbers, day and month without a year) and ages.

Both parse each distinct value once, with Arrow and pandas over whole columns, never row
by row.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_MONTHS = (
    "janvier|janv|january|jan",
    "fevrier|fevr|fev|february|feb",
    "mars|march|mar",
    "avril|avr|april|apr",
    "mai|may",
    "juin|june|jun",
    "juillet|juil|july|jul",
    "aout|august|aug",
    "septembre|september|sept|sep",
    "octobre|october|oct",
    "novembre|november|nov",
    "decembre|december|dec",
)
UNREADABLE_DATE = "unreadable_date"  # the row flag of a date cell parse_dates cannot read
_WEEKDAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday"
_WEEKDAYS += "|thursday|friday|saturday|sunday|lun|mer|jeu|ven|sam|dim|mon|tue|wed|thu|fri|sat|sun"
# Applied only to values holding letters, in this order; RE2 syntax (no look-arounds).
_WORD_REWRITES = (
    (r"[éèêë]", "e"),
    (r"[ûù]", "u"),
    (r"[àâ]", "a"),
    (rf"\b(?:{_WEEKDAYS})\b\.?", " "),
    (r"(\d)(?:er|st|nd|rd|th)\b", r"\1"),
    (r"(\d{1,2})h(\d\d)", r"\1:\2"),
    (r"(\d{1,2})h\b", r"\1:00"),
    (r"^(\d{4}-\d{1,2}-\d{1,2})t", r"\1 "),
    (r"(:\d\d(?:\.\d+)?)\s*(?:z|utc|gmt)$", r"\1"),
    (r"\b(?:le|a|at|on|the)\b", " "),
    *((rf"\b(?:{names})\b\.?", f" m{n:02d} ") for n, names in enumerate(_MONTHS, 1)),
)
_NUMBER_REWRITES = (
    # A decimal comma in a serial number as French Excel writes it: "43376,5" is 43376.5.
    (r"^(\d{5}),(\d+)$", r"\1.\2"),
    (r",", " "),
    (r"\s+", " "),
    (r"^ | $", ""),
    (r"^(\d{1,2})[.-](\d{1,2})[.-](\d{2,4})", r"\1/\2/\3"),
    (r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3"),
    (r"(:\d\d)[.]\d+", r"\1"),
    (r"(:\d\d) ?[+-]\d\d(?::?\d\d)?$", r"\1"),
)
_DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d m%m %Y", "m%m %d %Y")
_DIGITS = {"%d": r"\d{1,2}", "%m": r"\d{1,2}", "%Y": r"\d{4}", "%y": r"\d\d", "%H": r"\d{1,2}"}
_DIGITS |= {"%M": r"\d\d", "%S": r"\d\d"}
# Format → the shape a value must have to be tried with it; most common formats first.
_DATE_FORMATS = {
    fmt: re.sub(r"%[a-zA-Z]", lambda m: _DIGITS[m.group()], fmt)
    for fmt in (day + clock for clock in ("", " %H:%M:%S", " %H:%M") for day in _DAY_FORMATS)
}
_DATE_FORMATS["%Y%m%d"] = r"\d{8}"
_PLAIN_ISO = r"\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d)?)?"
# Excel's 1900 date system counts 1900-01-01 as 1 and has a fictitious 1900-02-29 (serial
# 60), so from serial 61 on, day N is 1899-12-30 + N days.
_EXCEL_ORIGIN = np.datetime64("1899-12-30", "D")
# Serials read as dates only in 20000 (1954-10-03) .. 73415 (2100-12-31): before 1954 no
# online ad was posted, so a column holding smaller numbers holds counts, prices or ids; the
# upper bound is the last day parse_dates keeps anyway. Five-digit ids and postcodes can
# fall inside, hence the second guard: every unread number of the column must.
EXCEL_SERIALS = (20000, 73415)
_SERIAL = r"\d+(?:\.\d+)?"
# A day and a month without a year, after the rewrites: "9/10", "9 m10", "m10 9", maybe
# followed by a time of day (dropped, as the year that would place it is a guess).
_CLOCK = r"(?: \d{1,2}:\d\d(?::\d\d)?)?"
_PARTIAL = (
    (rf"^(?P<day>\d{{1,2}})/(?P<month>\d{{1,2}}){_CLOCK}$"),
    (rf"^(?P<day>\d{{1,2}}) m(?P<month>\d\d){_CLOCK}$"),
    (rf"^m(?P<month>\d\d) (?P<day>\d{{1,2}}){_CLOCK}$"),
)


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates as datetime64[us] (NaT where none): day-first French, ISO, month names FR/EN.

    "11/12/2018" and "11/12/18" are 11 December 2018; also "2018-12-11T10:00:00", "11.12.2018",
    "11 déc. 2018", "lundi 11 décembre 2018 à 10h30", "Dec 11, 2018", Unix seconds. Time zones
    are dropped (local time kept); years outside 1900–2100 give NaT. Each distinct value is
    parsed once, format by format with pd.to_datetime, never row by row.

    The column as a whole decides two more readings:
    - Excel serial numbers ("43376", "43376.5", "43376,5": 2018-10-03, the time of day
      dropped) when every number left unread lies in EXCEL_SERIALS; one number outside (an
      id, a price) and none is read as a date.
    - A day and month without a year ("le 9/10", "9 oct.", "Oct 9") takes the year that puts
      it inside, or nearest to, the span of the column's other dates, when that span is
      shorter than a year (one collection period); otherwise NaT.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        result = pd.Series(values, copy=True)
        if getattr(result.dt, "tz", None) is not None:
            result = result.dt.tz_localize(None)
        return result.astype("datetime64[us]")
    codes, distinct = _factorize(values)
    text = pc.utf8_trim_whitespace(distinct)
    parsed = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    iso = _fullmatch(text, _PLAIN_ISO)  # what scrapers write: the fast path
    _parse_format(text, np.flatnonzero(iso), "ISO8601", parsed)
    text = pc.utf8_lower(text)
    words = ~iso & pc.match_substring_regex(text, "[a-z]").to_numpy(zero_copy_only=False)
    later: list[tuple[pa.Array, np.ndarray]] = []  # per group: values left unread, their rows
    for rows, rewrites in (
        (np.flatnonzero(words), _WORD_REWRITES + _NUMBER_REWRITES),
        (np.flatnonzero(~iso & ~words), _NUMBER_REWRITES),
    ):
        part = text.take(rows)
        for pattern, replacement in rewrites:
            part = pc.replace_substring_regex(part, pattern, replacement)
        epoch = _fullmatch(part, r"1\d{9}")
        if epoch.any():
            seconds = pc.cast(part.filter(epoch), pa.int64()).to_numpy()
            parsed[rows[epoch]] = pd.to_datetime(seconds, unit="s").to_numpy("datetime64[us]")
        todo = ~epoch
        for fmt, shape in _DATE_FORMATS.items():
            if not todo.any():
                break
            # pd.to_datetime is slow on values it rejects: only give it those of the right shape
            hit = todo & _fullmatch(part, shape)
            _parse_format(part, np.flatnonzero(hit), fmt, parsed, rows)
            todo &= ~hit
        unread = np.flatnonzero(np.isnat(parsed[rows]))
        later.append((part.take(unread), rows[unread]))
    years = parsed.astype("datetime64[Y]").astype(np.int64) + 1970
    parsed[(years < 1900) | (years > 2100)] = np.datetime64("NaT")
    if later:
        _read_excel_serials(later, parsed)
        _read_partial_dates(later, parsed)
    result = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
    result[codes >= 0] = parsed[codes[codes >= 0]]
    return pd.Series(result, index=values.index, name=values.name)


def _read_excel_serials(unread: list[tuple[pa.Array, np.ndarray]], parsed: np.ndarray) -> None:
    """Fill `parsed` with the Excel serials among the unread values, if all numbers are some."""
    shaped = [(text, rows, _fullmatch(text, _SERIAL)) for text, rows in unread]
    serials = np.concatenate(
        [pc.cast(text.filter(is_number), pa.float64()).to_numpy() for text, _, is_number in shaped]
    )
    where = np.concatenate([rows[is_number] for _, rows, is_number in shaped])
    low, high = EXCEL_SERIALS
    if serials.size and ((serials >= low) & (serials < high + 1)).all():
        days = _EXCEL_ORIGIN + np.floor(serials).astype(np.int64)
        parsed[where] = days.astype("datetime64[us]")


def _read_partial_dates(unread: list[tuple[pa.Array, np.ndarray]], parsed: np.ndarray) -> None:
    """Fill `parsed` with the days and months without a year, the year taken from the others.

    Only when the dates already read span less than a year: the year chosen puts the day
    inside that span or, failing that, nearest to it (ties to the earlier year).
    """
    known = parsed[~np.isnat(parsed)].astype("datetime64[D]")
    if not known.size:
        return
    first, last = known.min(), known.max()
    if last - first >= np.timedelta64(365, "D"):
        return
    year = first.astype("datetime64[Y]").astype(np.int64) + 1970
    candidates = np.arange(year - 1, year + 2)
    for text, rows in unread:
        for pattern in _PARTIAL:
            found = pc.extract_regex(text, pattern)
            valid = found.is_valid().to_numpy(zero_copy_only=False)
            if not valid.any():
                continue
            day = pc.cast(found.field("day").filter(valid), pa.int64()).to_numpy()
            month = pc.cast(found.field("month").filter(valid), pa.int64()).to_numpy()
            # one column per candidate year; an impossible day (31/02, 29/02/2019) gives NaT
            tried = [
                pd.to_datetime(
                    pd.DataFrame({"year": np.full(day.size, y), "month": month, "day": day}),
                    errors="coerce",
                ).to_numpy("datetime64[D]")
                for y in candidates
            ]
            options = np.stack(tried, axis=1)
            distance = np.maximum(first - options, options - last).astype(np.float64)
            distance = np.where(np.isnat(options), np.inf, np.maximum(distance, 0))
            best = np.argmin(distance, axis=1)
            chosen = options[np.arange(day.size), best]
            chosen[np.isinf(distance.min(axis=1))] = np.datetime64("NaT")
            parsed[rows[valid]] = chosen.astype("datetime64[us]")


def _factorize(values: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Codes (-1 for missing) and the distinct values as an Arrow string array."""
    codes, uniques = pd.factorize(values.astype("str"))
    return codes, pa.array(np.asarray(uniques, dtype=object), pa.string())


def _fullmatch(text: pa.Array, pattern: str) -> np.ndarray:
    return pc.match_substring_regex(text, f"^(?:{pattern})$").to_numpy(zero_copy_only=False)


def _parse_format(
    text: pa.Array, rows: np.ndarray, fmt: str, parsed: np.ndarray, where: Any = None
) -> None:
    if rows.size:
        dates = pd.to_datetime(text.take(rows).to_pandas(), format=fmt, errors="coerce")
        parsed[rows if where is None else where[rows]] = dates.to_numpy("datetime64[us]")


def unreadable_cells(values: pd.Series, parsed: pd.Series) -> np.ndarray:
    """Per row, True where the cell holds something (not only spaces) that parsed to nothing.

    `parsed` is what parse_dates or parse_ages made of `values`: NaT or NaN where none.
    """
    filled = values.fillna("").astype("str").str.strip().ne("").to_numpy(dtype=bool)
    return filled & parsed.isna().to_numpy(dtype=bool)


def parse_ages(values: pd.Series) -> pd.Series:
    """Ages as float (NaN where none): the first whole number, e.g. "25 ans", "âge: 25", "25ans".

    Values outside 16–99 give NaN (a year, a phone number, an implausible age).
    """
    codes, distinct = _factorize(values)
    found = pc.extract_regex(distinct, r"^[^0-9]*(?P<n>[0-9]{1,3})(?:[^0-9]|$)").field("n")
    ages = pd.to_numeric(found.to_pandas(), errors="coerce").to_numpy(dtype=float, copy=True)
    ages[(ages < 16) | (ages > 99)] = np.nan
    result = np.full(len(values), np.nan)
    result[codes >= 0] = ages[codes[codes >= 0]]
    return pd.Series(result, index=values.index, name=values.name)
