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
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import json
import re
import sys
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from pandas.api.extensions import ExtensionArray

from adcensus.columns import (
    AD_ID,
    ADS_OUTPUT_COLUMNS,
    AGE,
    CITY,
    DATE,
    NAME,
    PHONE,
    PHOTO_HASH,
    ROLES,
    SITE,
    SOURCE_FILE,
    TEXT,
    TITLE,
    URL,
)
from adcensus.errors import InputError

__all__ = [
    "EMPTY_ROW",
    "EXTRA_COLUMN",
    "RAGGED_ROW",
    "SHORT_ROW",
    "UNCLOSED_QUOTE",
    "AdTable",
    "InputInfo",
    "detect_roles",
    "parse_ages",
    "parse_dates",
    "parse_role_override",
    "read_ads",
]

RAGGED_ROW = "ragged_row"
SHORT_ROW = "short_row"
EMPTY_ROW = "empty_row"
UNCLOSED_QUOTE = "unclosed_quote"
EXTRA_COLUMN = "_extra"

# Synonyms are folded like headers (accents, case and punctuation ignored).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    AD_ID: ("ad_id", "id", "ref", "réf", "reference", "identifiant", "annonce id", "id annonce"),
    SITE: ("site", "source", "domaine", "plateforme", "platform", "website", "site web"),
    URL: ("url", "lien", "link", "adresse", "href", "permalink"),
    DATE: ("date", "date de collecte", "publié", "date de publication", "collected", "posted"),
    CITY: ("city", "ville", "commune", "lieu", "localisation", "location", "town"),
    PHONE: ("phone", "tel", "téléphone", "numéro", "mobile", "contact", "portable", "gsm"),
    NAME: ("name", "pseudo", "pseudonyme", "prénom", "nom", "username"),
    AGE: ("age",),
    TITLE: ("title", "titre"),
    TEXT: ("text", "texte", "description", "annonce", "texte de l'annonce", "body", "contenu"),
    PHOTO_HASH: ("photo_hash", "image_hash", "phash"),
}
# Too generic inside longer headers ("Adresse e-mail", "Ville de l'annonce"): exact match only.
# "id" and "link" likewise: "person_id" is not an ad id, "link_reason" is not a url.
_EXACT_ONLY = {"annonce", "contact", "source", "adresse", "id", "link"}
_VETO_WORDS = {"naissance", "birth", "email", "mail", "courriel"}
_STOPWORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "en", "sur", "par"}
_STOPWORDS |= {"of", "the", "at", "on", "in", "by", "for", "n", "no", "nr"}
# When one header matches several roles equally ("Lien de l'annonce"), the first role here wins.
_ROLE_PRIORITY = (URL, PHONE, DATE, AGE, PHOTO_HASH, AD_ID, TITLE, CITY, SITE, NAME, TEXT)
_USABLE_ROLES = (PHONE, TEXT, TITLE, NAME)

_TEXT_FORMATS = {".csv": "csv", ".tsv": "csv", ".tab": "csv", ".txt": "csv", ".json": "json"}
_TEXT_FORMATS |= {".jsonl": "json", ".ndjson": "json"}
_BINARY_FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
_SAVE_AS = "open it and save it as .xlsx or CSV UTF-8"
_UNSUPPORTED = {
    ".ods": _SAVE_AS,
    ".numbers": _SAVE_AS,
    ".zip": "unzip it and give the files inside",
}
_UNSUPPORTED |= {".gz": "decompress it first", ".pdf": "export the ads as CSV or .xlsx"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SNIFF_CHARS = 65536
# cp1252 bytes that French or English text almost never holds (undefined, Ž, ˆ, ‰, ...).
_ODD_CP1252 = bytes([0x81, 0x83, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8D, 0x8E, 0x8F, 0x90])
_ODD_CP1252 += bytes([0x98, 0x9A, 0x9B, 0x9D, 0x9E, 0x9F])
_NOT_ODD = bytes(b for b in range(256) if b not in _ODD_CP1252)
_HIGH_BYTES = bytes(range(128, 256))
# Windows-1252 as browsers decode it: the five undefined bytes map to the same code points.
_CP1252_TABLE = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")


@dataclass(frozen=True)
class InputInfo:
    """One input file as read: `path` as the user gave it ("-" for stdin)."""

    path: str
    rows: int
    sha256: str


@dataclass(frozen=True, eq=False)
class AdTable:
    """Every input row as text, with the role of each recognised column.

    `flags` holds per row "" or ";"-joined codes (RAGGED_ROW, SHORT_ROW, ...); `notes` holds
    one line per thing the user should know (how each file was read, renamed headers, ...).
    """

    frame: pd.DataFrame
    roles: dict[str, str]
    inputs: tuple[InputInfo, ...]
    flags: pd.Series
    notes: tuple[str, ...] = ()


@dataclass
class _Part:
    frame: pd.DataFrame
    flags: np.ndarray
    info: InputInfo
    notes: list[str]


def read_ads(
    paths: Sequence[str | Path] | str | Path,
    columns: Mapping[str, str] | None = None,
    *,
    stdin: BinaryIO | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> AdTable:
    """Read ad files (CSV/TSV, XLSX, JSON, Parquet; "-" is stdin) into one AdTable.

    `columns` maps roles to headers and wins over detection. `sheet` (name or 1-based number)
    picks an XLSX sheet instead of the first non-empty one; `delimiter` and `encoding` skip
    sniffing for delimited text. Raises InputError, naming the file, for anything unreadable.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    if not paths:
        raise InputError("no input file given; name one or more ad files, or - for stdin.")
    delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter or "", delimiter)
    if delimiter is not None and len(delimiter) != 1:
        raise InputError(f"delimiter {delimiter!r} is not one character; give e.g. ';' or tab.")
    parts = [_read_one(str(p), stdin, sheet, delimiter, encoding) for p in paths]
    notes = [note for part in parts for note in part.notes]
    if len(parts) > 1:
        for part in parts:
            if SOURCE_FILE in part.frame.columns:
                new = _unique_name(SOURCE_FILE, set(part.frame.columns))
                part.frame = part.frame.rename(columns={SOURCE_FILE: new})
                notes.append(f"{part.info.path}: its column {SOURCE_FILE!r} is renamed {new!r}.")
        frame = pd.concat([p.frame for p in parts], ignore_index=True, sort=False).astype("str")
        paths_by_row = [part.info.path for part in parts for _ in range(part.info.rows)]
        frame[SOURCE_FILE] = pd.array(paths_by_row, dtype="str")
    else:
        frame = parts[0].frame
    flags = np.concatenate([part.flags for part in parts])
    data_columns = [c for c in frame.columns if c not in (SOURCE_FILE, EXTRA_COLUMN)]
    empty = frame[data_columns].isna().all(axis=1).to_numpy()
    flags[empty] = np.where(flags[empty] == "", EMPTY_ROW, flags[empty] + ";" + EMPTY_ROW)
    names = ", ".join(part.info.path for part in parts)
    headers = [c for c in frame.columns if len(parts) == 1 or c != SOURCE_FILE]
    roles = detect_roles(headers, _resolve_overrides(columns or {}, headers, names))
    if not any(role in roles for role in _USABLE_ROLES):
        raise InputError(
            f"{names}: no column looks like a phone, text, title or name (headers: "
            f"{_list_headers(headers)}); name one with --col ROLE=HEADER, e.g. --col text=Annonce."
        )
    return AdTable(
        frame=frame,
        roles=roles,
        inputs=tuple(part.info for part in parts),
        flags=pd.Series(flags, dtype="str"),
        notes=tuple(notes),
    )


def _read_one(
    name: str, stdin: BinaryIO | None, sheet: str | None, delim: str | None, enc: str | None
) -> _Part:
    data = _load(name, stdin)
    info_hash = hashlib.sha256(data).hexdigest()
    if not re.search(rb"[^\s\x00\xef\xbb\xbf\xff\xfe]", data):
        raise _error(name, "is empty; give the file that holds the ads.")
    fmt = _detect_format(name, data)
    notes: list[str] = []
    flags: list[str] | None = None
    if fmt == "xlsx":
        headers, frame, how = _read_xlsx(name, data, sheet)
    elif fmt == "parquet":
        headers, frame, how = _read_parquet(name, data)
    else:
        payload, used = _decode(name, data, enc)
        del data  # the file may be large: keep one copy only
        if fmt == "sniff":
            fmt = "json" if re.match(rb"\s*[\[{]", payload) else "csv"
        if fmt == "json":
            headers, frame = _read_json(name, payload.decode("utf-8"))
            how = f"JSON, {used}"
        else:
            headers, frame, flags, delim, parse_notes = _read_delimited(name, payload, delim)
            notes += parse_notes
            how = f"CSV, {used}, {_DELIMITER_NAMES.get(delim, repr(delim))}-delimited"
    if len(frame) == 0:
        raise _error(name, "has a header but no data rows; give the file that holds the ads.")
    names, renamed = _unique_headers(headers)
    frame.columns = pd.Index(names, dtype=object)
    notes = [f"{name}: {_rows(len(frame))} ({how}).", *(f"{name}: {r}" for r in renamed), *notes]
    frame = frame.where(frame != "") if fmt != "csv" else frame
    row_flags = np.array(flags if flags is not None else [""] * len(frame), dtype=object)
    return _Part(frame.astype("str"), row_flags, InputInfo(name, len(frame), info_hash), notes)


def _rows(count: int) -> str:
    return f"{count:,} row" + ("s" if count != 1 else "")


def _error(name: str, message: str) -> InputError:
    return InputError(re.sub(r"[\r\n]+", " ", f"{name}: {message}"))


def _load(name: str, stdin: BinaryIO | None) -> bytes:
    if name == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data: Any = stream.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    path = Path(name)
    try:
        if path.is_dir():
            raise _error(name, "is a folder, not a file; give the ad files inside it.")
        return path.read_bytes()
    except FileNotFoundError:
        raise _error(name, "file not found; check the name and the current folder.") from None
    except PermissionError:
        raise _error(name, "permission denied; copy the file somewhere you can read.") from None
    except OSError as exc:
        raise _error(name, f"cannot be read ({exc.strerror or exc}); check the file.") from None


def _detect_format(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in _UNSUPPORTED:
        raise _error(name, f"{suffix} files cannot be read; {_UNSUPPORTED[suffix]}.")
    if data.startswith(b"PAR1") and data.endswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        raise _error(name, f"is an old .xls or a password-protected workbook; {_SAVE_AS}.")
    if data.startswith(b"\x1f\x8b"):
        raise _error(name, "is gzip-compressed; decompress it first.")
    return _BINARY_FORMATS.get(suffix) or _TEXT_FORMATS.get(suffix, "sniff")


def _decode(name: str, data: bytes, encoding: str | None) -> tuple[bytes, str]:
    """UTF-8 bytes without BOM, and the encoding they were read as.

    Order: the encoding given, a BOM, strict UTF-8, UTF-16 without BOM, cp1252 unless its
    letters look wrong (then charset-normalizer's guess), and cp1252 as the last resort.
    """
    if encoding is not None:
        try:
            return _utf8(name, data.decode(encoding)), encoding
        except LookupError:
            raise _error(name, f"unknown encoding {encoding!r}; try utf-8 or cp1252.") from None
        except UnicodeDecodeError as exc:
            raise _error(name, f"byte {exc.start} is not {encoding}; try another.") from None
    for bom, candidate in _BOMS:
        if data.startswith(bom):
            try:
                return _utf8(name, data.decode(candidate)), candidate
            except UnicodeDecodeError:
                message = f"starts as {candidate} but is not; save it as CSV UTF-8."
                raise _error(name, message) from None
    if _is_utf8(data):
        return _checked(name, data), "utf-8"
    head = data[:4096]
    half = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    for candidate, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if half >= 2 and zeros > 0.3 * half and others < 0.05 * half:
            try:
                return _utf8(name, data.decode(candidate)), candidate
            except UnicodeDecodeError:
                break
    if b"\x00" in data:
        raise _binary(name)
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    # charset-normalizer takes short French cp1252 for big5 or cp1006, so cp1252 goes first
    # unless its decoding shows letters French or English text would not hold.
    if len(data.translate(None, _NOT_ODD)) * 20 > high:
        from charset_normalizer import from_bytes

        guess = from_bytes(data[:1_000_000]).best()
        if guess is not None:
            try:
                return _utf8(name, data.decode(guess.encoding)), guess.encoding
            except (UnicodeDecodeError, LookupError):
                pass
    return _utf8(name, codecs.charmap_decode(data, "strict", _CP1252_TABLE)[0]), "cp1252"


def _is_utf8(data: bytes) -> bool:
    """Strict UTF-8 check by Arrow: ten times faster than bytes.decode on accented text."""
    offsets = pa.array([0, len(data)], pa.int64()).buffers()[1]
    try:
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]).validate(
            full=True
        )
    except pa.ArrowInvalid:
        return False
    return True


def _utf8(name: str, text: str) -> bytes:
    return _checked(name, text.removeprefix("\ufeff").encode("utf-8"))


def _checked(name: str, payload: bytes) -> bytes:
    """`payload` unless it holds NUL or many control characters, as binary files do."""
    sample = payload[: _SNIFF_CHARS * 4].decode("utf-8", errors="ignore")
    if b"\x00" in payload or len(_CONTROL_CHARS.findall(sample)) * 100 > len(sample):
        raise _binary(name)
    return payload


def _binary(name: str) -> InputError:
    return _error(name, "is not text (a binary file?); give a CSV, XLSX, JSON or Parquet file.")


def _read_delimited(
    name: str, payload: bytes, delimiter: str | None
) -> tuple[list[str | None], pd.DataFrame, list[str] | None, str, list[str]]:
    """Parse delimited text with pyarrow; rows that do not fit the header go through csv."""
    hint = re.match(rb"sep=([^\r\n])\r?\n", payload)  # Excel's own delimiter line
    if hint:
        delimiter = delimiter or hint.group(1).decode()
        payload = payload[hint.end() :]
    if not re.search(rb"\S", payload):
        raise _error(name, "holds no header and no rows; give the file that holds the ads.")
    sample_text = payload[:_SNIFF_CHARS].decode("utf-8", errors="ignore")
    delimiter = delimiter or _sniff_delimiter(sample_text, len(payload) > _SNIFF_CHARS)
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
        good = pd.DataFrame({i: _text_array([]) for i in range(len(headers))})
        odd = [(i, 0, r, i + 1 >= unclosed) for i, r in enumerate(records[1:])]
    headers = [h or None for h in headers]
    if not odd:
        return headers, good, None, delimiter, []
    extra = _unique_name(EXTRA_COLUMN, {h for h in headers if h})
    frame, flags, notes = _merge_odd_rows(name, good, odd, delimiter, extra)
    return [*headers, extra][: frame.shape[1]], frame, flags, delimiter, notes


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
    fixed = pd.DataFrame({i: _text_array(list(c)) for i, c in enumerate(columns)})
    good.columns = fixed.columns
    frame = pd.concat([good, fixed.where(fixed != "")], ignore_index=True)
    odd_rows = np.array([o[0] for o in odd], dtype=np.int64)
    good_rows = np.setdiff1d(np.arange(len(good) + len(np.unique(odd_rows))), odd_rows)
    parts = np.concatenate([np.zeros(len(good), np.int64), [o[1] for o in odd]])
    order = np.lexsort((parts, np.concatenate([good_rows, odd_rows])))
    frame = frame.iloc[order].reset_index(drop=True)
    if counts[RAGGED_ROW]:
        frame[width] = _text_array([*[None] * len(good), *extras])[order]
    notes = [
        f"{name}: {_rows(count)} flagged {code}: {what} (first: data row {first[code]})."
        for code, what in (
            (RAGGED_ROW, f"more fields than the header, the extras kept in {extra_column!r}"),
            (SHORT_ROW, "fewer fields than the header"),
            (UNCLOSED_QUOTE, "after a quote never closed, so read without quoting"),
        )
        if (count := counts[code])
    ]
    return frame, np.array([""] * len(good) + flags, dtype=object)[order].tolist(), notes


def _sniff_delimiter(sample: str, truncated: bool) -> str:
    """The candidate whose header splits in most fields that the next rows repeat."""

    def score(candidate: str) -> tuple[bool, float, int]:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate, strict=False)
        records = [r for r in itertools.islice(reader, 200) if r]
        if truncated and len(records) > 1:
            records.pop()  # probably cut in the middle
        if not records:
            return (False, 0.0, 0)
        width, rest = len(records[0]), records[1:] or records
        consistency = sum(len(r) == width for r in rest) / len(rest)
        return (width > 1, round(consistency, 2), width)

    return max(_DELIMITERS, key=score)


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
        raise _error(name, f"cannot be read as CSV ({exc}); check its quotes.") from None
    finally:
        csv.field_size_limit(old_limit)
    if not records:
        raise _error(name, "holds no header and no rows; give the file that holds the ads.")
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


def _read_xlsx(
    name: str, data: bytes, sheet: str | None
) -> tuple[list[str | None], pd.DataFrame, str]:
    import openpyxl  # imported here: slow to import and only needed for workbooks

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = book.worksheets
            titles = [ws.title for ws in sheets]
            if sheet is not None:
                matches = [ws for i, ws in enumerate(sheets, 1) if sheet in (ws.title, str(i))]
                if not matches:
                    raise _error(name, f"has no sheet {sheet!r}; its sheets are {titles}.")
                sheets = matches
            for ws in sheets:
                if sheet is None and ws.sheet_state != "visible":
                    continue
                rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
                filled = [i for i, row in enumerate(rows) if any(v is not None for v in row)]
                if filled:
                    break
            else:
                where = f"sheet {sheet!r}" if sheet else "any sheet"
                raise _error(name, f"has no data in {where}; give the file that holds the ads.")
        finally:
            book.close()
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises anything on a damaged file
        raise _error(name, f"is not a readable .xlsx ({type(exc).__name__}); {_SAVE_AS}.") from None
    rows = rows[filled[0] : filled[-1] + 1]
    width = max((max((i for i, v in enumerate(r) if v is not None), default=-1) + 1) for r in rows)
    rows = [r[:width] + [None] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(
        {i: _text_array([r[i] for r in rows[1:]]) for i in range(width)}, index=range(len(rows) - 1)
    )
    how = f"sheet {ws.title!r}" + (f" of {len(titles)}" if len(titles) > 1 else "")
    return rows[0], frame, f"Excel {how}, header on row {filled[0] + 1}"


def _cell_text(value: Any) -> str | None:
    """Text of a spreadsheet or Parquet value: 25 → "25", 612345678.0 → "612345678"."""
    if value is None or isinstance(value, str):
        return value
    if value != value:  # NaN
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _text_array(values: list[Any]) -> ExtensionArray:
    try:
        return pd.array(values, dtype="str")
    except (UnicodeError, pa.ArrowException):  # lone surrogates, e.g. from JSON "\ud800"
        clean = [
            v.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if v else v
            for v in values
        ]
        return pd.array(clean, dtype="str")


class _JsonNumber(str):
    """A JSON number kept as the text the file holds ("25.50" stays "25.50")."""


_JSON_KINDS = {_JsonNumber: "a number", str: "a string", bool: "true or false", list: "an array"}


def _read_json(name: str, text: str) -> tuple[list[str | None], pd.DataFrame]:
    """A JSON array of objects, or one object per line (JSON Lines)."""
    hooks: dict[str, Any] = {"parse_int": _JsonNumber, "parse_float": _JsonNumber}
    hint = "a JSON file must be an array of objects or hold one object per line"
    array = text.lstrip().startswith("[")
    lines = [text] if array else text.split("\n")
    items: list[Any] = []
    for number, line in enumerate(lines, 1):
        try:
            if line.strip():
                items.append(json.loads(line, **hooks))
        except json.JSONDecodeError as exc:
            where = f"at line {exc.lineno}, column {exc.colno}" if array else f"on line {number}"
            raise _error(name, f"is not valid JSON {where} ({exc.msg}); {hint}.") from None
        except RecursionError:
            raise _error(name, f"is nested too deeply; {hint}.") from None
    items = items[0] if array else items
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            kind = _JSON_KINDS.get(type(item), "null")
            where = f"item {number} of the array" if array else f"line {number}"
            raise _error(name, f"{where} is {kind}, not an object; {hint}.")
    keys = list(dict.fromkeys(key for item in items for key in item))
    columns = {
        i: _text_array([_json_text(item.get(k)) for item in items]) for i, k in enumerate(keys)
    }
    return [k or None for k in keys], pd.DataFrame(columns, index=range(len(items)))


def _json_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)  # nested: compact JSON (numbers quoted)


def _read_parquet(name: str, data: bytes) -> tuple[list[str | None], pd.DataFrame, str]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
        columns = {i: _arrow_text(table.column(i)) for i in range(table.num_columns)}
    except Exception as exc:  # pyarrow raises OSError, ArrowInvalid, ... on damaged files
        raise _error(name, f"is not a readable Parquet file ({type(exc).__name__}).") from None
    frame = pd.DataFrame(columns, index=range(table.num_rows))
    return [h or None for h in table.column_names], frame, "Parquet"


def _arrow_text(column: pa.ChunkedArray) -> pd.Series:
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = kind.value_type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pd.Series(column.to_pandas(), dtype="str")
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind) or pa.types.is_date(kind):
        return pd.Series(pc.cast(column, pa.string()).to_pandas(), dtype="str")
    return pd.Series(_text_array([_cell_text(v) for v in column.to_pylist()]))


def _unique_headers(headers: Sequence[str | None]) -> tuple[list[str], list[str]]:
    """Blank headers → column_N; repeats of x → x.2, x.3; returns names and notes."""
    names = [h if h and h.strip() else f"column_{i}" for i, h in enumerate(headers, 1)]
    notes = [
        f"column {i} has no header; it is named {n!r}."
        for i, n in enumerate(names, 1)
        if n != headers[i - 1]
    ]
    taken: set[str] = set()
    unique = []
    for i, name in enumerate(names, 1):
        new = _unique_name(name, taken | set(names)) if name in taken else name
        if new != name:
            notes.append(f"column {i} repeats the header {name!r}; it is named {new!r}.")
        taken.add(new)
        unique.append(new)
    return unique, notes


def _unique_name(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    return next(f"{name}.{k}" for k in itertools.count(2) if f"{name}.{k}" not in taken)


def _list_headers(headers: Sequence[str], limit: int = 30) -> str:
    shown = ", ".join(repr(h) for h in headers[:limit])
    return shown + (f" and {len(headers) - limit} more" if len(headers) > limit else "")


def parse_role_override(spec: str) -> tuple[str, str]:
    """Split a `--col ROLE=HEADER` spec: "phone=Numéro tel" → ("phone", "Numéro tel")."""
    role, sep, header = spec.partition("=")
    role, header = role.strip().lower().replace("-", "_"), header.strip()
    roles = ", ".join(ROLES)
    if not sep or not role or not header:
        raise InputError(
            f"--col {spec!r}: expected ROLE=HEADER, e.g. --col phone=Tel; roles: {roles}."
        )
    if role not in ROLES:
        raise InputError(f"--col {spec!r}: unknown role {role!r}; use one of: {roles}.")
    return role, header


def _fold(text: str) -> list[str]:
    """Header words without accents, case or punctuation: "Texte de l'Annonce" → 4 words."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", text.casefold())


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _resolve_overrides(
    overrides: Mapping[str, str], headers: Sequence[str], where: str
) -> dict[str, str]:
    resolved = {}
    for role, header in overrides.items():
        if role not in ROLES:
            raise InputError(
                f"--col {role}={header}: unknown role {role!r}; use one of: {', '.join(ROLES)}."
            )
        folded = [h for h in headers if _fold(h) == _fold(header)]
        if header not in headers and len(folded) != 1:
            raise InputError(
                f"--col {role}={header}: {where} has no column {header!r}; "
                f"use one of its headers: {_list_headers(headers)}."
            )
        resolved[role] = header if header in headers else folded[0]
    return resolved


def detect_roles(
    headers: Sequence[str], overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Role → header from English or French headers; `overrides` (role → header) win.

    Exact synonym first, then headers holding a synonym as words ("Numéro de téléphone");
    one column per role (the first best match), one role per column.
    """
    roles = _resolve_overrides(overrides or {}, headers, "the input")
    # The columns adcensus itself adds (re-reading a dedupe output) never take a role.
    used = set(roles.values()) | (set(headers) & set(ADS_OUTPUT_COLUMNS))
    exact = {" ".join(_fold(s)): role for role, syns in _SYNONYMS.items() for s in syns}
    for header in headers:
        role = exact.get(" ".join(_fold(header)))
        if role and role not in roles and header not in used:
            roles[role] = header
            used.add(header)
    candidates = []
    for index, header in enumerate(headers):
        words = [_stem(w) for w in _fold(header) if w not in _STOPWORDS]
        if header in used or not words or _VETO_WORDS & set(words):
            continue
        for role, synonyms in _SYNONYMS.items():
            covered: set[int] = set()
            for synonym in synonyms:
                syn = [_stem(w) for w in _fold(synonym) if w not in _STOPWORDS]
                if " ".join(syn) in _EXACT_ONLY:
                    continue
                for start in range(len(words) - len(syn) + 1):
                    if words[start : start + len(syn)] == syn:
                        covered.update(range(start, start + len(syn)))
            if covered:
                rank = (-len(covered) / len(words), _ROLE_PRIORITY.index(role), index)
                candidates.append((rank, role, header))
    for _, role, header in sorted(candidates):
        if role not in roles and header not in used:
            roles[role] = header
            used.add(header)
    return {role: roles[role] for role in ROLES if role in roles}


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


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates as datetime64[us] (NaT where none): day-first French, ISO, month names FR/EN.

    "11/12/2018" and "11/12/18" are 11 December 2018; also "2018-12-11T10:00:00", "11.12.2018",
    "11 déc. 2018", "lundi 11 décembre 2018 à 10h30", "Dec 11, 2018", Unix seconds. Time zones
    are dropped (local time kept); years outside 1900–2100 give NaT. Each distinct value is
    parsed once, format by format with pd.to_datetime, never row by row.
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
    years = parsed.astype("datetime64[Y]").astype(np.int64) + 1970
    parsed[(years < 1900) | (years > 2100)] = np.datetime64("NaT")
    result = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
    result[codes >= 0] = parsed[codes[codes >= 0]]
    return pd.Series(result, index=values.index, name=values.name)


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
