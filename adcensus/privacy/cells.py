"""Cells that are safe to show and to open: a spreadsheet never runs one as a formula
(`safe_cell`, `neutralize_formulas`, whole columns at once), and phone numbers in
evidence and texts shown on a terminal are masked (`mask_phones_in`,
`mask_phones_in_text`)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from adcensus.phones import extract_phones, mask_phone

# A cell that starts with one of these is run as a formula by Excel, LibreOffice
# and Google Sheets (OWASP "CSV injection"). A plain signed number or phone
# ("+33 6 39 98 12 34", "-5", "+33639981234;+33639981235") cannot call a function
# or reach outside the sheet, so it is left alone: only cells with letters or
# other symbols after the sign are neutralised.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-][\d\s.,()/;+-]*")
E164 = re.compile(r"\+\d{6,15}")


def safe_cell(value: object) -> object:
    """`value` with a leading apostrophe when a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        if value[0] in "+-" and _PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


# _PLAIN_NUMBER in RE2 syntax, for whole columns: Python's \d and \s are Unicode-wide.
_PLAIN_NUMBER_RE2 = (
    r"^[+-][\p{Nd}\t\n\v\f\r \x1c-\x1f\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}"
    r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}.,()/;+-]*$"
)


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every formula-like text cell neutralised (see `safe_cell`).

    Whole columns at once in pyarrow; the same cells as `safe_cell` cell by cell.
    """
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            text = column.astype(pd.StringDtype("pyarrow"))
            starts = text.str.startswith(_FORMULA_START).fillna(False)
            if not starts.any():
                continue
            plain = text.str.match(_PLAIN_NUMBER_RE2).fillna(False)
            risky = (starts & ~plain).to_numpy(dtype=bool)
            if risky.any():
                objects = column.astype(object)
                out[name] = objects.where(~risky, "'" + text[risky].astype(object))
    return out


# The formula starts are ASCII, so a cell starts with one when its first byte is one.
_FORMULA_FIRST_BYTE = np.zeros(256, dtype=bool)
_FORMULA_FIRST_BYTE[list("".join(_FORMULA_START).encode())] = True


def neutralize_text(text: pa.Array) -> pa.Array:
    """`text` (an arrow string array) with every formula-like cell neutralised.

    The same cells as `neutralize_formulas` on a text column, but only the few cells
    whose first byte is a formula start are looked at again, so a clean column costs
    one read of its offsets.
    """
    if len(text) == 0:
        return text
    large = pa.types.is_large_string(text.type) or pa.types.is_large_binary(text.type)
    offsets: np.ndarray = np.frombuffer(text.buffers()[1], np.int64 if large else np.int32)
    offsets = offsets[text.offset : text.offset + len(text) + 1]
    data = text.buffers()[2]
    if data is None or offsets[-1] == offsets[0]:
        return text
    nonempty = np.flatnonzero(offsets[1:] > offsets[:-1])
    first = np.frombuffer(data, np.uint8)[offsets[nonempty]]
    candidates = nonempty[_FORMULA_FIRST_BYTE[first]]
    if text.null_count:  # a null cell may keep bytes behind it; it is still no formula
        candidates = candidates[text.is_valid().to_numpy(zero_copy_only=False)[candidates]]
    if len(candidates) == 0:
        return text
    plain = pc.match_substring_regex(text.take(candidates), _PLAIN_NUMBER_RE2)
    risky = candidates[~plain.to_numpy(zero_copy_only=False)]
    if len(risky) == 0:
        return text
    mask = np.zeros(len(text), dtype=bool)
    mask[risky] = True
    apostrophe, nothing = pa.scalar("'", text.type), pa.scalar("", text.type)
    fixed = pc.binary_join_element_wise(apostrophe, text.take(risky), nothing)
    return pc.replace_with_mask(text, pa.array(mask), fixed)


def mask_phones_in(text: str) -> str:
    """`text` with every E.164 number in it masked (for evidence shown on a terminal)."""
    return E164.sub(lambda m: mask_phone(m.group(0)), text)


def mask_phones_in_text(text: str, region: str) -> str:
    """`text` with every phone number found in it masked, disguised ones included."""
    if not text:
        return text
    try:
        phones = extract_phones(text, region)
    except Exception:  # an unusual text must never stop a command: mask E.164 numbers only
        return mask_phones_in(text)
    for phone in sorted(phones, key=lambda p: p.start, reverse=True):
        text = text[: phone.start] + mask_phone(phone.e164) + text[phone.end :]
    return mask_phones_in(text)
