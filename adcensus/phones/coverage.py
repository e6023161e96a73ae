"""Whether a file's phone column was read in the right region: a mostly filled column in
which few cells give a number is a column of another country's numbers (or not a phone
column at all), and a census that counts its ads as phoneless is silently wrong."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np
import pandas as pd

from adcensus import columns as col
from adcensus.phones.scan import extract_phones_many

# A column is judged only when at least half its rows are filled. A site's phone field is
# filled in nearly every ad (the shipped sample 88 %, the file 96 %); a column
# filled in fewer rows is a free "contact" field or a site that hides numbers, and yields
# few numbers for want of cells, not for a wrong region.
FILLED_SHARE = 0.5
# The warning is given when fewer than half the filled cells give an allocated (or
# fictional) number. Read in its own region a phone column gives one in every cell (100 %
# in the sample and in the hardest synthetic census: obfuscations, missing cells). Read in
# another region it keeps only the cells written with +CC or 00CC, 35 % and 31 % of the
# same cells read as US, Spanish or British numbers (French numbers are only "possible"
# in Britain, Belgium, Switzerland, Australia), or none when a US file is read as French:
# a fifth, the first guess, would miss a French file read with --region US. Junk cells
# ("voir annonce", an e-mail address) are far fewer than half a real phone column.
FOUND_SHARE = 0.5
# Filled cells scanned per file, evenly spaced: at a share of 50 % the standard error of
# the estimate is about one point, and the check costs tens of milliseconds on any file.
SAMPLE_CELLS = 2000
# Regions tried when the one given reads few numbers: those whose ways of writing numbers
# the scanner knows (README, `--region`); CA reads as US.
_TRIED_REGIONS = ("FR", "BE", "CH", "DE", "ES", "IT", "GB", "US", "AU")
_SPACES = re.compile(r"\s+")


class _Input(Protocol):
    """An input file, by the name the user gave it."""

    @property
    def path(self) -> str: ...


class PhoneTable(Protocol):
    """What `phone_column_warnings` reads of a table, as `adcensus.read.AdTable` holds it
    (phones sit below read: they name no type of it)."""

    @property
    def frame(self) -> pd.DataFrame: ...
    @property
    def roles(self) -> Mapping[str, str]: ...
    @property
    def inputs(self) -> Sequence[_Input]: ...


def phone_column_warnings(table: PhoneTable, region: str) -> list[str]:
    """One warning per input file whose phone column is mostly filled (FILLED_SHARE) but
    gives an allocated or fictional number, read in `region`, in few filled cells
    (FOUND_SHARE), with what to do; [] when there is no phone column.

    Up to SAMPLE_CELLS filled cells per file are scanned. Examples of the cells are shown
    masked (every digit but the first is a bullet): a message never shows a number.
    """
    header = table.roles.get(col.PHONE)
    if header is None:
        return []
    cells = table.frame[header].astype("str")
    if len(table.inputs) > 1 and col.SOURCE_FILE in table.frame.columns:
        files = table.frame[col.SOURCE_FILE].astype("str")
        groups = [(str(name), cells[files == name]) for name in files.unique()]
    else:
        groups = [(table.inputs[0].path if table.inputs else "input", cells)]
    warnings = []
    for name, file_cells in groups:
        warning = _column_warning(file_cells, region, f"{name}: the phone column {header!r}")
        if warning is not None:
            warnings.append(warning)
    return warnings


def few_numbers_warning(header: str, filled: int, with_number: int) -> str | None:
    """A warning when fewer than FOUND_SHARE of a phone column's filled cells give a number
    (the whole column counted, however sparse); None otherwise.

    A real phone column gives a number in nearly every filled cell, and its junk ("voir
    annonce", an e-mail address) is far less than half of it (see FOUND_SHARE): a column
    below that is a column of something else ("oui"/"non" under "WhatsApp", a fax column of
    another country) or of numbers written in a way the scanner does not read.
    """
    if not filled or with_number >= FOUND_SHARE * filled:
        return None
    return (
        f"the phone column {header!r} gives a number in {with_number:,} of its {filled:,} "
        f"filled cells ({with_number / filled:.0%}); if it holds no phone numbers, name the "
        "phone columns with --col phone=HEADER."
    )


def _column_warning(cells: pd.Series, region: str, where: str) -> str | None:
    rows = len(cells)
    filled = cells[cells.str.strip().str.len().fillna(0).to_numpy() > 0]
    if not rows or len(filled) < FILLED_SHARE * rows:
        return None
    picked = np.unique(np.linspace(0, len(filled) - 1, min(SAMPLE_CELLS, len(filled))).astype(int))
    sample = filled.iloc[picked].tolist()
    read = _reads(sample, region)
    hits = sum(read)
    if hits >= FOUND_SHARE * len(sample):
        return None
    cells_read = (
        f"{len(sample):,} filled cells sampled"
        if len(sample) < len(filled)
        else f"its {len(sample):,} filled cells"
    )
    shapes = Counter(_masked(cell) for cell, ok in zip(sample, read, strict=True) if not ok)
    looks = ", ".join(f"'{shape}' ({count:,})" for shape, count in shapes.most_common(2))
    message = (
        f"{where} is filled in {len(filled) / rows:.0%} of its {rows:,} rows, but only "
        f"{hits:,} of {cells_read} ({hits / len(sample):.0%}) give a phone number read "
        f"with --region {region.upper()}; the others look like {looks}."
    )
    best = _best_region(sample, region)
    if best is None:
        return message + " Check --region, or name the phone column with --col phone=HEADER."
    other, share = best
    return message + f" They read as numbers of {other} ({share:.0%}): try --region {other}."


def _reads(cells: list[str], region: str) -> list[bool]:
    """Per cell, whether it gives an allocated or fictional number in `region`."""
    return [
        any(phone.status != "unallocated" for phone in phones)
        for phones in extract_phones_many(cells, region)
    ]


def _best_region(cells: list[str], region: str) -> tuple[str, float] | None:
    """The tried region (other than `region`) in which most cells give a number, with its
    share, when that share reaches half the cells; None otherwise."""
    shares = [
        (sum(_reads(cells, other)) / len(cells), other)
        for other in _TRIED_REGIONS
        if other != region.upper()
    ]
    share, other = max(shares, key=lambda pair: pair[0])  # the first of equals
    return (other, share) if share >= 0.5 else None


def _masked(cell: str) -> str:
    """A cell as its shape: spaces collapsed, every digit but the first a bullet, cut at
    30 characters. "06 39 98 45 72" -> "0• •• •• •• ••"."""
    text = _SPACES.sub(" ", cell.strip())
    first = next((k for k, char in enumerate(text) if char.isdigit()), -1)
    shape = "".join("•" if c.isdigit() and k != first else c for k, c in enumerate(text))
    return shape if len(shape) <= 30 else shape[:29] + "…"
