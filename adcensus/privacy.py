"""Privacy and safe exports: masked phones for screens, formula-safe spreadsheet cells."""

from __future__ import annotations

import re

import pandas as pd

from adcensus.phones import mask_phone

__all__ = ["mask_phone", "mask_phones_in", "neutralize_formulas", "safe_cell"]

# A cell that starts with one of these is run as a formula by Excel, LibreOffice
# and Google Sheets (OWASP "CSV injection"). A plain signed number or phone
# ("+33 6 39 98 12 34", "-5", "+33639981234;+33639981235") cannot call a function
# or reach outside the sheet, so it is left alone: only cells with letters or
# other symbols after the sign are neutralised.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-][\d\s.,()/;+-]*")
_E164 = re.compile(r"\+\d{6,15}")


def safe_cell(value: object) -> object:
    """`value` with a leading apostrophe when a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        if value[0] in "+-" and _PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every formula-like text cell neutralised (see `safe_cell`)."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            starts = column.astype(pd.StringDtype("pyarrow")).str.startswith(_FORMULA_START)
            risky = starts.fillna(False).to_numpy(dtype=bool)
            if risky.any():
                text = column.astype(object)
                out[name] = text.where(~risky, text[risky].map(safe_cell))
    return out


def mask_phones_in(text: str) -> str:
    """`text` with every E.164 number in it masked (for evidence shown on a terminal)."""
    return _E164.sub(lambda m: mask_phone(m.group(0)), text)
