"""Refuse, before reading, a census that would not fit in this machine's memory.

A run swapping to death is worse than a clear refusal: the analyst waits an hour and
loses the machine. The peak memory of `dedupe` grows with the ads, about 14 bytes of
memory per byte of CSV (benchmarks/run.py: a 278 MB CSV of a million ads peaks at
3.9 GB, all processes). The estimate errs on the high side; `--no-memory-check` skips the check.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from adcensus.errors import UsageError

# Peak memory per byte of input, by format, measured on generated censuses (CSV, JSON
# lines) or derived from their compression (Parquet and XLSX hold text compressed
# about 3-4 times), plus what the program needs with no ads at all.
BYTES_PER_INPUT_BYTE = {".csv": 14, ".tsv": 14, ".txt": 14, ".jsonl": 11, ".json": 11}
COMPRESSED_BYTES_PER_INPUT_BYTE = 60
BASE_BYTES = 300 * 2**20
# A workbook is judged by its parts uncompressed too (a 1.5 MB workbook can hold 1.5 GB
# of text): a generated census of 20,000 ads peaked at 8 bytes per uncompressed byte.
UNCOMPRESSED_BYTES_PER_BYTE = 8
# A long cell costs far more than its bytes (its phone numbers are searched with
# overlapping windows): a 20 MB cell of digits and spaces peaked at 1.5 GB, 73 bytes per
# character; 180 was seen. Cells longer than LONG_CELL_CHARS are counted at that rate
# once read (`check_cells_fit`).
LONG_CELL_CHARS = 100_000
BYTES_PER_LONG_CELL_CHAR = 180


def available_memory() -> int | None:
    """Bytes of memory available to a new program now (Linux: MemAvailable), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def estimated_peak(paths: Sequence[str | Path]) -> int:
    """Bytes of memory `dedupe` is expected to need at its peak for these files."""
    total = BASE_BYTES
    for path in paths:
        if str(path) == "-":
            continue  # stdin: size unknown before reading
        size = Path(path).stat().st_size if Path(path).is_file() else 0
        factor = BYTES_PER_INPUT_BYTE.get(Path(path).suffix.lower(), 0)
        total += max(
            size * (factor or COMPRESSED_BYTES_PER_INPUT_BYTE),
            _uncompressed_size(Path(path)) * UNCOMPRESSED_BYTES_PER_BYTE,
        )
    return total


def _uncompressed_size(path: Path) -> int:
    """Bytes of a zip file's parts (an XLSX workbook) once uncompressed; 0 for other files."""
    try:
        if not path.is_file() or not zipfile.is_zipfile(path):  # never read a device
            return 0
        with zipfile.ZipFile(path) as archive:
            return sum(part.file_size for part in archive.infolist())
    except (OSError, zipfile.BadZipFile):
        return 0


def check_cells_fit(frame: pd.DataFrame, available: int | None = None) -> None:
    """Raise UsageError when the long cells read would need more memory than is available.

    The check before reading assumes ordinary ads; this one, made on the cells actually
    read, counts each cell longer than LONG_CELL_CHARS at BYTES_PER_LONG_CELL_CHAR.
    """
    long_chars = 0
    for column in frame.columns:
        lengths = frame[column].str.len()
        long_chars += int(lengths[lengths > LONG_CELL_CHARS].sum())
    if not long_chars:
        return
    available = available_memory() if available is None else available
    needed = BASE_BYTES + long_chars * BYTES_PER_LONG_CELL_CHAR
    if available is None or needed <= available:
        return
    raise UsageError(
        f"cells longer than {LONG_CELL_CHARS:,} characters ({long_chars:,} characters in all) "
        f"need about {_gb(needed)} of memory and this machine has {_gb(available)} free; "
        "shorten them, or add --no-memory-check to try anyway."
    )


def check_fits(paths: Sequence[str | Path], available: int | None = None) -> None:
    """Raise UsageError when the files would need more memory than is available."""
    available = available_memory() if available is None else available
    if available is None:
        return
    needed = estimated_peak(paths)
    if needed <= available:
        return
    files = [p for p in paths if str(p) != "-" and Path(p).is_file()]
    biggest = max(files, key=lambda p: Path(p).stat().st_size) if files else "input"
    raise UsageError(
        f"{biggest}: these ads need about {_gb(needed)} of memory and this machine has "
        f"{_gb(available)} free; split the census (e.g. by month, loaded one by one with "
        "--store), free memory, or add --no-memory-check to try anyway."
    )


def _gb(size: int) -> str:
    return f"{size / 2**30:.1f} GB"
