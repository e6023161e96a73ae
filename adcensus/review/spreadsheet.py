"""Review in a spreadsheet: the pairs of a queue as an XLSX sheet, and its answers read back.

The sheet `review` holds one row per pair: `pair` (its id, from the two ad keys),
`mode`, `decision` (a drop-down: same, different, skip), why it is shown, score,
the two ad keys, then each field of the two ads side by side, and the evidence.
Phone numbers are masked unless asked otherwise; with a key, phones and pseudonyms are
the keyed tokens of `adcensus dedupe --pseudonymize`. Columns are found by their header
when reading back, so they may be moved, hidden or added to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from adcensus.decisions import append_decision
from adcensus.errors import InputError, UsageError
from adcensus.privacy import Tokens, key_id, mask_phones_in
from adcensus.progress import Progress, silent
from adcensus.read import read_sheet
from adcensus.review.queue import (
    DOUBTFUL,
    MODES,
    SAMPLE,
    WHY,
    ReviewPair,
    export_queue,
    pairs_of,
    repair_decisions_file,
    standing_records,
)
from adcensus.review.screen import FIELD_ORDER, ad_fields
from adcensus.review.source import ReviewSource, pseudonymize_source
from adcensus.write import atomic_write

SHEET = "review"
CHOICES = {"y": "same", "n": "different", "s": "skip"}
# Answers read back, case ignored: the drop-down's words, the review keys, and French.
ACCEPTED = {
    "same": "y", "same person": "y", "y": "y", "yes": "y", "oui": "y", "même": "y",
    "different": "n", "different persons": "n", "n": "n", "no": "n", "non": "n",
    "différent": "n", "différente": "n",
    "skip": "s", "s": "s", "passer": "s",
}  # fmt: skip
LEAD = ("pair", "mode", "decision", "why", "score", "ad_a", "ad_b")
TEXT_FIELDS = ("title", "text")  # what --drop-text leaves out
WIDE = {"title": 30, "text": 60, "evidence": 50}
HOW_TO = (
    "How to review in this spreadsheet",
    "",
    "Each row of the sheet 'review' is a pair of ads. Read the two ads side by side",
    "(columns '… A' and '… B'), then choose in the 'decision' column:",
    "  same       the two ads are by the same person",
    "  different  they are by two different persons",
    "  skip       not sure: leave the pair for later",
    "Leave 'decision' empty for pairs you did not look at. Do not change 'pair' or 'mode'.",
    "",
    "Then read the answers back:  adcensus review DIR --import THIS_FILE.xlsx",
    "and apply them:               adcensus dedupe INPUT --out DIR --force",
)


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: answers saved (by decision), unchanged ones, rows left empty."""

    saved: dict[str, int]
    unchanged: int
    empty: int


def _clean(value: object) -> object:
    """A cell value openpyxl can write: no control characters; a number stays a number."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _header(pair_fields: Iterable[str]) -> list[str]:
    head = list(LEAD)
    for name in pair_fields:
        head += [f"{name} A", f"{name} B"]
    return [*head, "evidence"]


@dataclass(frozen=True)
class SheetExport:
    """A review spreadsheet written: its rows, of which `sampled` were drawn at random
    (the rest are doubtful links), and the pairs still to answer that did not fit."""

    written: int
    sampled: int
    left_out: int


def export_for_review(
    source: ReviewSource,
    path: Path,
    limit: int,
    sample: int | None = None,
    seed: int = 0,
    show_phones: bool = False,
    force: bool = False,
    key: bytes | None = None,
    drop_text: bool = False,
    progress: Progress = silent,
) -> SheetExport:
    """What `adcensus review DIR --export FILE.xlsx` does: the pairs of `export_queue`
    (doubtful links first, then a seeded sample; or `sample`'s pairs) written by
    `export_review`."""
    pairs, left_out = export_queue(source, limit, seed, sample)
    mode = SAMPLE if sample is not None else DOUBTFUL
    written = export_review(source, pairs, mode, path, show_phones, force, key, drop_text, progress)
    sampled = sum(1 for p in pairs if p.mode == SAMPLE and p.why == SAMPLE)
    return SheetExport(written=written, sampled=sampled, left_out=left_out)


def export_review(
    source: ReviewSource,
    pairs: list[ReviewPair],
    mode: str,
    path: Path,
    show_phones: bool = False,
    force: bool = False,
    key: bytes | None = None,
    drop_text: bool = False,
    progress: Progress = silent,
) -> int:
    """Write `pairs` as a review spreadsheet at `path` (atomically); return the rows written.

    Each row's mode is its pair's (`ReviewPair.mode`), else `mode`. `progress` is told
    `("export", rows done, rows)` as rows are made.

    An existing file is refused without `force`: it may hold answers not read back yet.
    With `key`, phones, pseudonyms and the numbers in titles, texts and evidence are the
    keyed tokens `adcensus dedupe --pseudonymize` writes with that key (see
    `pseudonymize_source`), shown whole; `drop_text` leaves out the title and text
    columns. Pair ids and ad keys stay, so the sheet imports back all the same.
    """
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"{path}: the review spreadsheet must be an .xlsx file")
    if path.exists() and not force:
        raise UsageError(
            f"{path}: exists and may hold answers not imported yet; import it first "
            "(--import), or add --force to overwrite it"
        )
    if key is not None:
        source = pseudonymize_source(source, key)
        evidence = Tokens(key, source.region).e164_in(
            pd.Series([p.evidence for p in pairs], dtype=object)
        )
        pairs = [replace(p, evidence=e) for p, e in zip(pairs, evidence, strict=True)]
        show_phones = True  # tokens hide the numbers already; masking them would hide links
    fields = [f for f in FIELD_ORDER if not (drop_text and f in TEXT_FIELDS)]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    header = _header(fields)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    progress("export", 0, len(pairs))
    for done, pair in enumerate(pairs, start=1):
        left = ad_fields(source, pair.ad_a, show_phones)
        right = ad_fields(source, pair.ad_b, show_phones)
        evidence = pair.evidence if show_phones else mask_phones_in(pair.evidence)
        row: list[Any] = [
            pair.pair_id,
            pair.mode or mode,
            CHOICES[pair.earlier] if pair.earlier in ("y", "n") else "",
            WHY.get(pair.why, pair.why),
            pair.score,
            pair.ad_a,
            pair.ad_b,
        ]
        for name in fields:
            row += [left.get(name, ""), right.get(name, "")]
        sheet.append([_clean(v) for v in [*row, evidence]])
        if done % 100 == 0 or done == len(pairs):
            progress("export", done, len(pairs))
    _format(sheet, header, len(pairs))
    notes = book.create_sheet("how to")
    for line in HOW_TO + (_tokens_note(key, drop_text) if key is not None else ()):
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    atomic_write(path, lambda handle: _save(book, handle))
    return len(pairs)


def _tokens_note(key: bytes, drop_text: bool) -> tuple[str, ...]:
    """What the "how to" sheet says of a pseudonymized export."""
    return (
        "",
        f"Phone numbers and pseudonyms are keyed tokens (key id {key_id(key)}): tel_… for a",
        "number, name_… for a pseudonym. Two ads showing the same token show the same number",
        "or the same pseudonym; the numbers themselves are not in this file.",
        "The titles and texts are left out."
        if drop_text
        else "Titles and texts keep their other words: names and places may remain.",
    )


def _save(book: Workbook, handle: IO[bytes]) -> None:
    book.save(handle)


def _format(sheet: Any, header: list[str], rows: int) -> None:
    """Text cells stay text (a scraped text starting with = is not a formula), a drop-down."""
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    letter = get_column_letter(header.index("decision") + 1)
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(CHOICES.values()) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="decision",
        error="Choose same, different or skip (or leave it empty).",
    )
    sheet.add_data_validation(choices)
    if rows:
        choices.add(f"{letter}2:{letter}{rows + 1}")
    fill = PatternFill("solid", fgColor="FFF2CC")
    column = header.index("decision") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        cell.fill = fill
    for position, name in enumerate(header, start=1):
        base = name.rsplit(" ", 1)[0]
        sheet.column_dimensions[get_column_letter(position)].width = WIDE.get(base, 14)
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = sheet.dimensions


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _source_pairs(source: ReviewSource) -> list[ReviewPair]:
    """Every pair of the source, shown because of its own decision."""
    return pairs_of(source.pairs, source.pairs["decision"].astype(str), {})


def read_review(
    path: Path, source: ReviewSource
) -> tuple[list[tuple[int, ReviewPair, str, str]], int]:
    """The answered rows of a review spreadsheet, (row number, pair, decision, mode), and
    the number of rows left without a decision.

    Every row is checked first; any row that cannot be read is an InputError naming
    the file, the sheet and the row (and nothing is read).
    """
    name, rows = read_sheet(path, SHEET)  # bounded as ad files are (a stray far cell...)
    where = f"{path}, sheet {name!r}"
    header = [_text(v).casefold() for v in (rows[0] if rows else ())]
    missing = [c for c in ("pair", "mode", "decision") if c not in header]
    if missing:
        raise InputError(
            f"{where}: no {', '.join(missing)} column in row 1; use the spreadsheet written "
            "by `adcensus review DIR --export`"
        )
    at = {c: header.index(c) for c in ("pair", "mode", "decision")}
    known = {p.pair_id: p for p in _source_pairs(source)}
    answered: list[tuple[int, ReviewPair, str, str]] = []
    errors: list[str] = []
    first_row: dict[str, tuple[int, str]] = {}
    empty = 0
    for number, values in enumerate(rows[1:], start=2):
        cells = list(values) + [None] * len(header)
        pid, mode, answer = (_text(cells[at[c]]) for c in ("pair", "mode", "decision"))
        if not answer:
            empty += 1 if pid else 0
            continue
        decision = ACCEPTED.get(answer.casefold())
        if not pid:
            errors.append(f"row {number}: no pair id")
        elif pid not in known:
            errors.append(f"row {number}: unknown pair {pid!r} (not in {source.location})")
        elif decision is None:
            errors.append(f"row {number}: decision {answer!r} is not same, different or skip")
        elif mode not in MODES:
            errors.append(f"row {number}: mode {mode!r} is not {' or '.join(MODES)}")
        elif pid in first_row and first_row[pid][1] != decision:
            errors.append(
                f"row {number}: pair {pid} was answered otherwise on row {first_row[pid][0]}"
            )
        else:
            first_row.setdefault(pid, (number, decision))
            answered.append((number, known[pid], decision, mode))
    if errors:
        more = f"; and {len(errors) - 5} more rows" if len(errors) > 5 else ""
        raise InputError(
            f"{where}: {'; '.join(errors[:5])}{more}. Fix these rows and import again "
            "(nothing was imported)"
        )
    return answered, empty


def import_review(path: Path, source: ReviewSource) -> ImportOutcome:
    """Append the answers of a review spreadsheet to the source's decisions file.

    An answer equal to the pair's standing one (same decision, same mode) is not
    written again; empty decision cells are pairs not looked at.
    """
    answered, empty = read_review(path, source)
    standing = standing_records(source.decisions_path)
    last = {
        (a, b): (d, m)
        for a, b, d, m in zip(
            standing["ad_a"], standing["ad_b"], standing["decision"], standing["mode"], strict=True
        )
    }
    repair_decisions_file(source.decisions_path)
    saved = {"y": 0, "n": 0, "s": 0}
    unchanged, seen = 0, set()
    for _, pair, decision, mode in answered:
        key = tuple(sorted((pair.ad_a, pair.ad_b)))
        if key in seen or last.get((key[0], key[1])) == (decision, mode):
            unchanged += 1
            continue
        seen.add(key)
        append_decision(source.decisions_path, pair.ad_a, pair.ad_b, decision, mode)
        saved[decision] += 1
    return ImportOutcome(saved=saved, unchanged=unchanged, empty=empty)
