"""Bounded reading: stray cells, workbooks that inflate, long cells, devices and pipes
(issue 15: 8). Caps are lowered where a real input at the cap would be too big for a test."""

from __future__ import annotations

import io
import os
import re
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import run

from adcensus import memory
from adcensus.errors import InputError, UsageError
from adcensus.read import formats, read_ads, reader

ADS = [("tel", "texte"), ("0639981001", "Léa, 23 ans"), ("0639981002", "Nora, 25 ans")]


def workbook(path: Path, *stray: str) -> Path:
    """Two ads, and a value in each cell named in `stray` (e.g. "XFD1048576")."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in ADS:
        sheet.append(row)
    for cell in stray:
        sheet[cell] = "x"
    book.save(path)
    return path


def with_dimension(path: Path, ref: str) -> Path:
    """The same workbook with the sheet declaring the dimensions `ref`."""
    out = path.with_name("declared-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for part in src.infolist():
            data = src.read(part)
            if part.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), data
                )
            dst.writestr(part, data)
    return out


def test_declared_dimensions_are_not_read(tmp_path: Path) -> None:
    path = with_dimension(workbook(tmp_path / "ads.xlsx"), "A1:XFD1048576")
    started = time.monotonic()
    table = read_ads(path)
    assert time.monotonic() - started < 10
    assert len(table.frame) == 2 and list(table.frame.columns) == ["tel", "texte"]


@pytest.mark.parametrize(
    ("cell", "gap"),
    [("XFD1048576", "1,048,572 empty rows"), ("A1048576", "1,048,572 empty rows"),
     ("XFD2", "16,381 empty columns"), ("AMM1", "1,024 empty columns")],
)  # fmt: skip
def test_a_stray_cell_far_from_the_ads_is_refused_with_its_address(
    cell: str, gap: str, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "ads.xlsx", cell)
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    with pytest.raises(InputError) as error:
        read_ads(path)
    assert time.monotonic() - started < 30
    assert f"has a cell at {cell} after {gap}" in str(error.value)
    code, _, err = run("dedupe", path, "-o", tmp_path / "out")
    assert code == 2 and err.count("\n") == 1 and cell in err


def test_cells_near_the_ads_are_kept(tmp_path: Path) -> None:
    path = workbook(tmp_path / "ads.xlsx", "D3", "A50")  # a note two columns over, a total
    table = read_ads(path)
    assert len(table.frame) == 49 and len(table.frame.columns) == 4


def test_a_workbook_too_big_once_uncompressed_is_refused(tmp_path: Path, monkeypatch) -> None:
    book = openpyxl.Workbook()
    book.active.append(("tel", "texte"))
    for i in range(10):  # 300 KB of text, each cell at Excel's longest
        book.active.append((f"06399810{i:02d}", f"{i}" + "a" * 30_000))
    path = tmp_path / "ads.xlsx"
    book.save(path)
    assert path.stat().st_size < 20_000  # it compresses thirty times and more
    monkeypatch.setattr(formats, "MAX_XLSX_UNCOMPRESSED", 100_000)
    with pytest.raises(InputError, match=r"once uncompressed, more than adcensus reads"):
        read_ads(path)
    # The memory check counts what the workbook holds, not its 5 KB.
    assert memory.estimated_peak([path]) >= memory.BASE_BYTES + 8 * 300_000


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_a_cell_too_long_is_refused_naming_it(kind: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(reader, "MAX_CELL_CHARS", 1_000)
    frame = pd.DataFrame({"tel": ["0639981001", "0639981002"], "texte": ["court", "9" * 2_000]})
    path = tmp_path / f"ads.{kind}"
    if kind == "csv":
        frame.to_csv(path, sep=";", index=False)
    elif kind == "xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_json(path, orient="records", lines=True)
    where = "record 2" if kind == "json" else "row 3"
    with pytest.raises(InputError, match=rf"{where}, column 'texte': a cell of 2,000 characters"):
        read_ads(path)


def test_a_device_is_not_read(tmp_path: Path) -> None:
    started = time.monotonic()
    for device in ("/dev/zero", "/dev/urandom"):
        with pytest.raises(InputError, match="is not a file"):
            read_ads(device)
        code, _, err = run("dedupe", device, "-o", tmp_path / "out")
        assert code == 2 and "is not a file" in err
    assert time.monotonic() - started < 10


def feed(fifo: Path, data: bytes) -> threading.Thread:
    def write() -> None:
        with fifo.open("wb") as pipe:
            pipe.write(data)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_is_read_up_to_its_cap(tmp_path: Path, monkeypatch) -> None:
    fifo = tmp_path / "ads.csv"
    os.mkfifo(fifo)
    text = "tel;texte\n0639981001;Léa\n0639981002;Nora\n".encode()
    writer = feed(fifo, text)
    assert len(read_ads(fifo).frame) == 2
    writer.join(timeout=5)
    monkeypatch.setattr(formats, "MAX_STREAM_BYTES", 20)
    writer = feed(fifo, text)
    with pytest.raises(InputError, match="more than 20 bytes from a pipe"):
        read_ads(fifo)
    writer.join(timeout=5)


def test_stdin_is_read_up_to_its_cap(monkeypatch) -> None:
    monkeypatch.setattr(formats, "MAX_STREAM_BYTES", 20)
    stdin = io.BytesIO(b"tel;texte\n0639981001;Lea\n0639981002;Nora\n")
    with pytest.raises(
        InputError, match="more than 20 bytes from a pipe; save the ads in a file first"
    ):
        read_ads("-", stdin=stdin)


def test_long_cells_read_are_checked_against_the_free_memory() -> None:
    frame = pd.DataFrame({"texte": ["9" * 200_000, "court"]}, dtype="str")
    with pytest.raises(UsageError, match="cells longer than 100,000 characters"):
        memory.check_cells_fit(frame, available=memory.BASE_BYTES + 1_000_000)
    memory.check_cells_fit(frame, available=memory.BASE_BYTES + 200_000 * 180)
    memory.check_cells_fit(frame.head(0), available=0)


@pytest.mark.parametrize("command", ["review", "contact"])
def test_a_filled_in_spreadsheet_is_read_within_the_same_bounds(
    command: str, sample_output: Path, october: Path, tmp_path: Path
) -> None:
    # review --import and contact --import opened sheets by their declared dimensions:
    # a 5 KB workbook with a cell at XFD1048576 made a million rows of 16,384 cells.
    path = workbook(tmp_path / "filled.xlsx", "XFD1048576")
    target = sample_output if command == "review" else october
    code, out, err = run(command, target, "--import", path)
    assert (code, out) == (2, "")
    assert "has a cell at XFD1048576 after 1,048,572 empty rows" in err
