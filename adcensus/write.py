"""Write outputs atomically: each file goes to a temporary name, then is renamed.

CSV files are written for spreadsheets first, because that is where analysts
open them: UTF-8 with a byte-order mark (so Excel detects UTF-8 and accents
survive) and `;` as delimiter (so Excel with a French locale splits the columns
on a double-click; `,` is the decimal separator there). Pandas reads them back
with `pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str)`. Cells that a
spreadsheet would run as a formula are neutralised (see privacy.safe_cell).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
import time
import zipfile
from collections import deque
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from functools import partial
from itertools import chain
from pathlib import Path
from types import FrameType
from typing import IO, Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from adcensus.errors import OutputError, UsageError
from adcensus.privacy.cells import neutralize_formulas, neutralize_text

CSV_DELIMITER = ";"
CSV_ENCODING = "utf-8-sig"


OUT_DELIMITERS = (";", ",", "\t")


def parse_out_delimiter(value: str, allowed: tuple[str, ...] = OUT_DELIMITERS) -> str:
    """The `--out-delimiter` option as a character ("tab" and "\\t" mean a tab).

    Dedupe folders are written with `;`, `,` or tab only, the delimiters every reader
    of a dedupe folder sniffs; a tally's own CSV may take any one character.
    """
    delimiter = "\t" if value.lower() in ("tab", "\\t") else value
    if len(delimiter) != 1 or (allowed and delimiter not in allowed):
        choices = "; , or tab" if allowed == OUT_DELIMITERS else "one character"
        raise UsageError(f"--out-delimiter must be {choices}, got {value!r}")
    return delimiter


def atomic_write(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Call `write` on a temporary file beside `path`, then rename it over `path`.

    A crash, a full disk or Ctrl-C leaves either the old file or the new one,
    never half a file. The file is readable by its owner only (0600).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot write ({exc.strerror or exc}); check the folder"
        ) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file readable by its owner only (0600), which it stays: outputs
        # hold personal data (docs/reliability.md).
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(
            f"{path}: cannot write ({exc.strerror or exc}); check free space and permissions"
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# Rows are turned into CSV this many at a time, so that a million rows never sit in
# memory as one string (three chunks at most are alive at once: ~250 MiB for 1M ads).
CSV_CHUNK_ROWS = 100_000
# Threads that build chunks of rows; the machines this runs on have two cores or more.
CSV_THREADS = 2


def csv_bytes(frame: pd.DataFrame, delimiter: str = CSV_DELIMITER) -> bytes:
    """`frame` as spreadsheet-safe CSV bytes (BOM, delimiter, neutralised formulas)."""
    out = io.BytesIO()
    write_csv_to(frame, out, delimiter)
    return out.getvalue()


def write_csv_to(frame: pd.DataFrame, handle: IO[bytes], delimiter: str = CSV_DELIMITER) -> None:
    """Write `frame` as CSV to a binary handle, in chunks of rows.

    The bytes are those of pandas' `to_csv` (minimal quoting, CRLF, "" for missing),
    but rows are built by pyarrow and numpy, column by column, in CSV_THREADS threads,
    about fifteen times faster.
    """
    with closing(_built_in_threads(_csv_parts(frame, delimiter))) as pieces:
        for piece in pieces:
            _write_piece(handle, piece)


def write_csvs(
    tables: Sequence[tuple[pd.DataFrame, Path]],
    delimiter: str = CSV_DELIMITER,
    written: Callable[[pd.DataFrame], object] | None = None,
) -> None:
    """Write each frame atomically as CSV at its path, one file after the other.

    The same bytes as `write_csv` file by file, but the rows of the next file are being
    built while a file is flushed to disk. The files are created and renamed in order, so
    a run killed midway leaves the first ones new and the others old. `written(frame)` is
    called once each file is in place.
    """
    parts = chain.from_iterable(chain(_csv_parts(frame, delimiter), [None]) for frame, _ in tables)
    with closing(_built_in_threads(parts)) as pieces:

        def write_file(handle: IO[bytes]) -> None:
            for piece in iter(pieces.__next__, None):  # up to the end of this file
                _write_piece(handle, piece)

        for frame, path in tables:
            atomic_write(path, write_file)
            if written is not None:
                written(frame)


# A piece of a CSV file, to build: its header or a chunk of its rows.
_Part = Callable[[], "bytes | pa.Array"]


def _csv_parts(frame: pd.DataFrame, delimiter: str) -> Iterator[_Part]:
    """The pieces of `frame` as CSV, in order, as work for a thread.

    pandas is read here, as the parts are drawn, in the calling thread; the work handed
    on holds arrow and numpy arrays only.
    """
    header = io.StringIO()
    csv.writer(header, delimiter=delimiter, lineterminator="\r\n").writerow(frame.columns)
    head = header.getvalue().encode(CSV_ENCODING)
    if len(frame.columns) == 1:  # csv writes a lone empty cell as "": let pandas do it
        text = neutralize_formulas(frame).to_csv(
            index=False, header=False, sep=delimiter, lineterminator="\r\n"
        )
        whole = head + text.encode("utf-8")
        yield lambda: whole
        return
    yield lambda: head
    width = len(frame.columns)
    for start in range(0, len(frame), CSV_CHUNK_ROWS):
        rows = slice(start, start + CSV_CHUNK_ROWS)
        columns = [_column_values(frame.iloc[rows, k]) for k in range(width)]
        yield partial(_csv_rows, columns, delimiter)


def _built_in_threads(
    parts: Iterable[_Part | None],
) -> Generator[bytes | pa.Array | None, None, None]:
    """What each part builds, in order, built by CSV_THREADS threads a few parts ahead.

    Arrow and numpy release the GIL, so the threads build while the caller writes; a
    None part passes through as it is. An error in drawing a part is raised when that
    part's turn comes. Close the iterator to stop early.
    """
    pending: deque[Future[bytes | pa.Array] | None] = deque()
    remaining = iter(parts)
    with ThreadPoolExecutor(max_workers=CSV_THREADS) as pool:
        try:
            while True:
                try:
                    part = next(remaining)
                except StopIteration:
                    break
                except Exception as exc:  # raised in its turn: the files before are written
                    failed: Future[bytes | pa.Array] = Future()
                    failed.set_exception(exc)
                    pending.append(failed)
                    break
                pending.append(None if part is None else pool.submit(part))
                if len(pending) > CSV_THREADS:
                    done = pending.popleft()
                    yield None if done is None else done.result()
            while pending:
                done = pending.popleft()
                yield None if done is None else done.result()
        finally:
            for future in pending:
                if future is not None:
                    future.cancel()


def _write_piece(handle: IO[bytes], piece: bytes | pa.Array | None) -> None:
    if isinstance(piece, bytes):
        handle.write(piece)
    elif piece is not None:
        _write_strings(handle, piece)


class _Column(NamedTuple):
    """One column of a chunk, out of pandas: text (arrow) or numbers (numpy)."""

    values: pa.Array | np.ndarray
    formulas: bool  # text whose formula-like cells are still to be neutralised


def _column_values(column: pd.Series) -> _Column:
    """`column` as an arrow text array or a numpy array of numbers."""
    if isinstance(column.dtype, pd.StringDtype):
        return _Column(_large_strings(pa.array(column.array, from_pandas=True)), True)
    if column.dtype == object:
        values = neutralize_formulas(column.to_frame()).iloc[:, 0].to_numpy(dtype=object)
        text = pa.array(values, from_pandas=True, type=pa.large_string())
        return _Column(_large_strings(text), False)
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iuf":
        return _Column(column.to_numpy(), False)
    # bools, dates, categories...: str() of each value, as pandas writes them
    missing = column.isna().to_numpy()
    values = column.to_numpy(dtype=object)
    words = [None if m else str(v) for v, m in zip(values, missing, strict=True)]
    return _Column(pa.array(words, pa.large_string()), False)


def _csv_rows(columns: list[_Column], delimiter: str) -> pa.Array:
    """The CSV lines of a chunk of two columns or more, each ending in CRLF."""
    cells = [_csv_cells(column, delimiter) for column in columns]
    # The line end goes on the last cell, a shorter copy than the whole row.
    end, nothing = pa.scalar("\r\n", pa.large_string()), pa.scalar("", pa.large_string())
    cells[-1] = pc.binary_join_element_wise(cells[-1], nothing, end)
    return pc.binary_join_element_wise(*cells, pa.scalar(delimiter, pa.large_string()))


def _csv_cells(column: _Column, delimiter: str) -> pa.Array:
    """One column as CSV cells: text as pandas writes it, neutralised, quoted where needed."""
    if isinstance(column.values, np.ndarray):
        # numbers hold no delimiter, quote or line end (no `;` `,` or tab in str(float))
        return pc.fill_null(_number_text(column.values), "")
    text = neutralize_text(column.values) if column.formulas else column.values
    return pc.fill_null(_quoted_where_needed(text, delimiter), "")


def _large_strings(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string())


def _number_text(numbers: np.ndarray) -> pa.Array:
    """Numpy ints or floats as pandas writes them, str() of each value; NaN null.

    Integers are cast by arrow, which writes them as str() does. Floats are written by
    str() once per distinct value (told apart by their bits, so -0.0 stays apart from
    0.0): scores and rates repeat a lot.
    """
    if numbers.dtype.kind in "iu":
        return pa.array(numbers).cast(pa.large_string())
    # str() of a float32 or float16 cell is that of the float64 with the same value.
    numbers = numbers.astype(np.float64)
    codes, distinct = pd.factorize(numbers.view(np.int64))
    words = pa.array([str(v) for v in distinct.view(np.float64)], pa.large_string())
    return words.take(pa.array(codes, mask=np.isnan(numbers)))


def _quoted_where_needed(text: pa.Array, delimiter: str) -> pa.Array:
    """`text` with the cells holding the delimiter, a quote or a line end quoted.

    Most columns hold none of these, which a search of the whole column's bytes proves
    at memchr speed; otherwise the cells that hold one are found from the bytes'
    positions and only those are rewritten.
    """
    if len(text) == 0:
        return text
    offsets = np.frombuffer(text.buffers()[1], np.int64)[text.offset : text.offset + len(text) + 1]
    first, last = int(offsets[0]), int(offsets[-1])
    if first == last:
        return text
    raw = bytes(memoryview(text.buffers()[2])[first:last])
    present = [c for c in (delimiter, '"', "\r", "\n") if raw.find(c.encode()) >= 0]
    if not present:
        return text
    mask = np.zeros(len(text), dtype=bool)
    if all(len(c.encode()) == 1 for c in present):
        values = np.frombuffer(raw, np.uint8)
        special = values == ord(present[0])
        for c in present[1:]:
            special |= values == ord(c)
        positions = np.flatnonzero(special) + first
        mask[np.searchsorted(offsets, positions, side="right") - 1] = True
    else:  # a delimiter of several UTF-8 bytes ("§"): searched cell by cell
        for c in present:
            mask |= pc.fill_null(pc.match_substring(text, c), False).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(mask)
    quote = pa.scalar('"', pa.large_string())
    cells = text.take(rows)
    if '"' in present:
        cells = pc.replace_substring(cells, '"', '""')
    quoted = pc.binary_join_element_wise(quote, cells, quote, pa.scalar("", pa.large_string()))
    return pc.replace_with_mask(text, pa.array(mask), quoted)


def _write_strings(handle: IO[bytes], array: pa.Array) -> None:
    """Write the concatenated values of a string array without nulls, from its buffer."""
    if len(array) == 0:
        return
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)
    first, last = offsets[array.offset], offsets[array.offset + len(array)]
    handle.write(memoryview(array.buffers()[2])[first:last])


def write_csv(frame: pd.DataFrame, path: Path, delimiter: str = CSV_DELIMITER) -> None:
    """Write `frame` atomically as spreadsheet-safe CSV."""
    atomic_write(path, lambda handle: write_csv_to(frame, handle, delimiter))


def json_text(data: Any) -> str:
    """Stable, readable JSON (the same data always gives the same bytes)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def write_json(data: Any, path: Path) -> None:
    """Write `data` atomically as JSON."""
    payload = json_text(data).encode("utf-8")
    atomic_write(path, lambda handle: handle.write(payload))


def prepare_out_dir(out_dir: Path, force: bool) -> None:
    """Refuse a non-empty output folder unless `force`; refuse a file in its place."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir}: exists and is not a folder; choose another --out")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise UsageError(
            f"{out_dir}: folder is not empty; add --force to overwrite it or choose another --out"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the folder ({exc.strerror or exc})") from None


@contextlib.contextmanager
def replaced_folder(out_dir: Path, ours: Collection[str]) -> Iterator[Path]:
    """A new empty folder beside `out_dir`, swapped into its place when the block ends well.

    The files are written into `.NAME.adcensus-new-…` in the same parent; then the old
    folder is renamed aside, the new one renamed into place, and the old one removed. A
    failure (a full disk, Ctrl-C, SIGTERM) anywhere before the swap leaves the old folder
    as it was and removes the new one: readers never see a folder mixing two runs. Files
    of the old folder not named in `ours` (the files a run writes, whichever options
    wrote them: adcensus.outputs.FOLDER_FILES) are moved into the new.
    """
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        sweep_stale_folders(parent)  # those of a run killed with -9
        new = Path(
            tempfile.mkdtemp(prefix=f".{out_dir.name}.adcensus-new-{os.getpid()}-", dir=parent)
        )
    except OSError as exc:
        raise OutputError(
            f"{out_dir}: cannot write ({exc.strerror or exc}); check the folder"
        ) from None
    try:
        yield new
        _swap_in(new, out_dir, ours)
    except OutputError as exc:  # a file of the new folder: named as it would have been
        message = str(exc).replace(str(new), str(out_dir))
        raise OutputError(f"{message} (the folder is as it was)") from None
    except OSError as exc:
        raise OutputError(
            f"{out_dir}: cannot write ({exc.strerror or exc}); check free space and "
            "permissions (the folder is as it was)"
        ) from None
    finally:
        shutil.rmtree(new, ignore_errors=True)


def _swap_in(new: Path, out_dir: Path, ours: Collection[str]) -> None:
    """Put the folder `new` in the place of `out_dir` (see `replaced_folder`)."""
    if not out_dir.exists():
        new.rename(out_dir)
        return
    moved: list[str] = []
    try:
        for entry in sorted(p.name for p in out_dir.iterdir()):
            if entry not in ours and not (new / entry).exists():
                (out_dir / entry).rename(new / entry)
                moved.append(entry)
        old = Path(
            tempfile.mkdtemp(
                prefix=f".{out_dir.name}.adcensus-old-{os.getpid()}-", dir=out_dir.parent
            )
        )
        out_dir.rename(old / "folder")
    except BaseException:
        for entry in moved:  # the old folder gets back what was moved out of it
            with contextlib.suppress(OSError):
                (new / entry).rename(out_dir / entry)
        raise
    try:
        new.rename(out_dir)
    except BaseException:
        (old / "folder").rename(out_dir)
        for entry in moved:
            with contextlib.suppress(OSError):
                (new / entry).rename(out_dir / entry)
        shutil.rmtree(old, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def file_manifest(folder: Path, names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of each named file of `folder`: `{name: {bytes, sha256}}`."""
    return {name: file_fingerprint(folder / name) for name in names}


def file_fingerprint(path: Path) -> dict[str, Any]:
    """`{"bytes": size, "sha256": hex}` of the file at `path`."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for block in iter(partial(handle.read, 1 << 20), b""):
            digest.update(block)
            size += len(block)
    return {"bytes": size, "sha256": digest.hexdigest()}


STALE_SECONDS = 600
_TEMP_PREFIX = "adcensus-"
# The same for the folders built beside an output folder (`.OUT.adcensus-new-PID-…`).
_TEMP_NAME = re.compile(r"(?:adcensus-[a-z]+|\..+\.adcensus-(?:new|old))-(\d+)-")


@contextlib.contextmanager
def temporary_folder(kind: str) -> Iterator[Path]:
    """A private temporary folder (0700), removed on every exit the program can catch.

    Its name holds this process id; stale folders of dead processes of this user are
    swept first (see `sweep_stale_folders`). SIGTERM is turned into an exception for the
    time of the block (see `terminate_as_exception`), so a kill cleans up as Ctrl-C does.
    """
    sweep_stale_folders()
    folder = Path(tempfile.mkdtemp(prefix=f"{_TEMP_PREFIX}{kind}-{os.getpid()}-"))
    try:
        with terminate_as_exception():
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep_stale_folders(root: Path | None = None, older_than: float = STALE_SECONDS) -> list[Path]:
    """Remove `adcensus-KIND-PID-…` (and `.OUT.adcensus-new-PID-…`) folders of this user in
    `root` (default: the temporary folder) whose process is gone and which were last
    changed more than `older_than` seconds ago; return those removed."""
    root = Path(root or tempfile.gettempdir())
    removed: list[Path] = []
    if os.name != "posix":  # no owner uid, and os.kill(pid, 0) would end the process
        return removed
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is None:
            continue
        try:
            info = entry.lstat()
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            continue
        if now - info.st_mtime < older_than or _alive(int(match.group(1))):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that `finally` blocks clean up."""


@contextlib.contextmanager
def terminate_as_exception() -> Iterator[None]:
    """Within the block, SIGTERM raises `Terminated` (in the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# ---- XLSX ----------------------------------------------------------------------------------
# A workbook is a zip of XML files. openpyxl (already a dependency, for reading) writes
# about 30,000 cells a second without lxml: two minutes for 200,000 ads. The sheets are
# built here instead as the CSV rows are, column by column with arrow, 0.7 to 1 million
# cells a second; openpyxl reads them back in the tests, and LibreOffice 7.4 reads
# the same cells (checked by hand: sheets converted to CSV equal the CSV files).

XLSX_MAX_ROWS = 1_048_576  # a sheet's rows, the header included (Excel's limit)
XLSX_MAX_CELL = 32_767  # characters in a cell (Excel's limit)
# Characters XML 1.0 cannot hold: control characters but tab and line ends, U+FFFE/FFFF.
_XML_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]"
_XML_ILLEGAL_PY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BOLD, _PERCENT = 1, 2  # cell styles of _XLSX_STYLES
_XLSX_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def write_xlsx(
    sheets: Sequence[tuple[str, pd.DataFrame]], path: Path, percent: Iterable[str] = ()
) -> None:
    """Write each frame as a sheet of one .xlsx workbook at `path`, atomically.

    Text stays text, whatever it looks like (a phone `+33639…`, an id `0012`, a date
    as written), numbers are numbers, and text a spreadsheet would run as a formula is
    neutralised as in the CSV files. The header row is bold and frozen, with the filter
    buttons on. Columns named in `percent` show their numbers as percentages. A frame of
    more rows than a sheet holds goes on "NAME", "NAME 2", … Characters a workbook
    cannot hold (control characters but tab and line ends) are left out, and a cell is
    cut at 32,767 characters (the CSV files keep every character).
    """
    atomic_write(path, lambda handle: write_xlsx_to(sheets, handle, percent))


def xlsx_bytes(sheets: Sequence[tuple[str, pd.DataFrame]], percent: Iterable[str] = ()) -> bytes:
    """The bytes of `write_xlsx`'s workbook."""
    out = io.BytesIO()
    write_xlsx_to(sheets, out, percent)
    return out.getvalue()


def write_xlsx_to(
    sheets: Sequence[tuple[str, pd.DataFrame]], handle: IO[bytes], percent: Iterable[str] = ()
) -> None:
    """Write the workbook of `write_xlsx` to a seekable binary handle."""
    percent = set(percent)
    parts: list[tuple[str, pd.DataFrame]] = []
    per_sheet = XLSX_MAX_ROWS - 1
    for name, frame in sheets:
        pieces = max(1, -(-len(frame) // per_sheet))
        for k in range(pieces):
            title = name if k == 0 else f"{name} {k + 1}"
            parts.append((title, frame.iloc[k * per_sheet : (k + 1) * per_sheet]))
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr(_entry("[Content_Types].xml"), _content_types(len(parts)))
        book.writestr(
            _entry("_rels/.rels"),
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr(_entry("xl/workbook.xml"), _workbook(parts))
        book.writestr(_entry("xl/_rels/workbook.xml.rels"), _workbook_rels(len(parts)))
        book.writestr(_entry("xl/styles.xml"), _XLSX_STYLES)
        for k, (_, frame) in enumerate(parts, start=1):
            # ZIP64, which a sheet of 2 GiB or more needs, only then: not every reader has it.
            large = int(frame.memory_usage(deep=True).sum()) * 2 + 80 * frame.size > 2**31
            with book.open(_entry(f"xl/worksheets/sheet{k}.xml"), "w", force_zip64=large) as sheet:
                _write_sheet(sheet, frame, percent)


def _entry(name: str) -> zipfile.ZipInfo:
    """A workbook part dated 1980-01-01 (the zip epoch), so that the same tables give the
    same bytes, as every output of a dedupe folder does; deflated at level 1 (speed)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = 1  # type: ignore[attr-defined]  # Python 3.13 also names it compress_level
    info.external_attr = 0o600 << 16
    return info


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="{_SHEET_TYPE}"/>'
        for k in range(1, sheets + 1)
    )
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return (
        f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{office}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{office}.styles+xml"/>'
        f"{overrides}</Types>"
    )


def _workbook(parts: list[tuple[str, pd.DataFrame]]) -> str:
    sheets = "".join(
        f'<sheet name="{_xml_escape(name)}" sheetId="{k}" r:id="rId{k}"/>'
        for k, (name, _) in enumerate(parts, start=1)
    )
    # Excel keeps each sheet's filter range in a hidden name, and asks for it.
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{k}" hidden="1">'
        f"'{_xml_escape(name)}'!$A$1:${_column_letter(max(1, frame.shape[1]))}"
        f"${len(frame) + 1}</definedName>"
        for k, (name, frame) in enumerate(parts)
    )
    return (
        f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        f"<sheets>{sheets}</sheets><definedNames>{filters}</definedNames></workbook>"
    )


def _workbook_rels(sheets: int) -> str:
    links = "".join(
        f'<Relationship Id="rId{k}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{k}.xml"/>'
        for k in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
    return f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">{links}{styles}</Relationships>'


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xml_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _write_sheet(handle: IO[bytes], frame: pd.DataFrame, percent: set[str]) -> None:
    width = frame.shape[1]
    last = f"{_column_letter(max(1, width))}{len(frame) + 1}"
    columns = "".join(
        f'<col min="{k}" max="{k}" width="{min(max(len(str(name)) + 4, 12), 40)}" customWidth="1"/>'
        for k, name in enumerate(frame.columns, start=1)
    )
    header = "".join(
        f'<c t="inlineStr" s="{_BOLD}"><is><t xml:space="preserve">'
        f"{_xml_escape(re.sub(_XML_ILLEGAL_PY, '', str(name)))}</t></is></c>"
        for name in frame.columns
    )
    handle.write(
        (
            f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
            f'<dimension ref="A1:{last}"/><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f"{f'<cols>{columns}</cols>' if columns else ''}<sheetData><row>{header}</row>"
        ).encode()
    )
    styles = [_PERCENT if name in percent else 0 for name in frame.columns]
    letters = [_column_letter(k) for k in range(1, width + 1)]
    text = partial(pa.scalar, type=pa.large_string())
    for start in range(0, len(frame) if width else 0, CSV_CHUNK_ROWS):
        rows = slice(start, start + CSV_CHUNK_ROWS)
        numbers = pa.array(np.arange(start + 2, start + 2 + len(frame.iloc[rows]))).cast(
            pa.large_string()
        )
        cells = [
            _xlsx_cells(_column_values(frame.iloc[rows, k]), styles[k], letters[k], numbers)
            for k in range(width)
        ]
        row = pc.binary_join_element_wise(
            text('<row r="'), numbers, text('">'), *cells, text("</row>"), text("")
        )
        _write_strings(handle, row)
    handle.write(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>'.encode())


def _xlsx_cells(column: _Column, style: int, letter: str, rows: pa.Array) -> pa.Array:
    """One column as XLSX cells: numbers as numbers, the rest as text; nothing if missing.

    `rows` holds the row numbers of the cells (as text), for their references.
    """
    text = partial(pa.scalar, type=pa.large_string())
    if isinstance(column.values, np.ndarray):
        numbers = column.values
        if numbers.dtype.kind == "f":  # NaN and infinities have no cell value
            numbers = np.where(np.isfinite(numbers), numbers, np.nan)
        values = _number_text(numbers)
        styled = f' s="{style}"' if style else ""
        opened, closed = f'"{styled}><v>', "</v></c>"
    else:
        values = _xml_text(neutralize_text(column.values) if column.formulas else column.values)
        values = pc.if_else(pc.equal(pc.utf8_length(values), 0), None, values)
        opened, closed = '" t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
    cells = pc.binary_join_element_wise(
        text(f'<c r="{letter}'), rows, text(opened), values, text(closed), text("")
    )
    return pc.fill_null(cells, "")


def _xml_text(text: pa.Array) -> pa.Array:
    """Text cells as XML text: characters XML cannot hold left out, cut at XLSX_MAX_CELL,
    `&`, `<`, `>` and carriage returns escaped (XML reads a bare one as a line feed).

    Each rewrite is done only when the column's bytes, searched at memchr speed, need it.
    """
    if len(text) == 0:
        return text
    offsets = np.frombuffer(text.buffers()[1], np.int64)[text.offset : text.offset + len(text) + 1]
    if offsets[-1] == offsets[0]:
        return text
    raw = bytes(memoryview(text.buffers()[2])[int(offsets[0]) : int(offsets[-1])])
    codes = np.frombuffer(raw, np.uint8)
    control = (codes < 0x20) & (codes != 0x09) & (codes != 0x0A) & (codes != 0x0D)
    if control.any() or b"\xef\xbf\xbe" in raw or b"\xef\xbf\xbf" in raw:
        text = pc.replace_substring_regex(text, _XML_ILLEGAL, "")
    if np.diff(offsets).max() > XLSX_MAX_CELL:  # bytes: at least as many as characters
        text = pc.utf8_slice_codeunits(text, 0, XLSX_MAX_CELL)
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
        if character.encode() in raw:
            text = pc.replace_substring(text, character, entity)
    return text
