import os
import stat
from unittest.mock import patch

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcensus import write
from adcensus.errors import OutputError, UsageError
from adcensus.privacy import neutralize_formulas, safe_cell
from adcensus.privacy.cells import neutralize_text
from adcensus.write import (
    atomic_write,
    csv_bytes,
    parse_out_delimiter,
    prepare_out_dir,
    write_csv,
    write_csvs,
)


def test_csv_is_excel_french_friendly():
    data = csv_bytes(pd.DataFrame({"ville": ["Béthune"], "n": [1]}))
    assert data == "\ufeffville;n\r\nBéthune;1\r\n".encode()


def test_a_written_file_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("old")
    os.chmod(path, 0o644)
    umask = os.umask(0o022)
    try:
        write_csv(pd.DataFrame({"a": [1]}), path)
        write_csv(pd.DataFrame({"a": [1]}), tmp_path / "new.csv")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "summary.json"
    path.write_text("old")

    def explode(handle):
        handle.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, explode)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]


def test_unwritable_folder_is_an_output_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises((OutputError, UsageError)):
        atomic_write(blocker / "sub" / "a.csv", lambda h: h.write(b"x"))


def test_out_dir_rules(tmp_path):
    target = tmp_path / "out"
    prepare_out_dir(target, force=False)
    (target / "x").write_text("1")
    with pytest.raises(UsageError, match="--force"):
        prepare_out_dir(target, force=False)
    prepare_out_dir(target, force=True)
    with pytest.raises(UsageError, match="not a folder"):
        prepare_out_dir(target / "x", force=True)


def test_out_delimiter_option():
    assert parse_out_delimiter("tab") == "\t"
    assert parse_out_delimiter(",") == ","
    assert parse_out_delimiter("|", allowed=()) == "|"
    with pytest.raises(UsageError, match="; , or tab"):
        parse_out_delimiter("|")
    with pytest.raises(UsageError, match="one character"):
        parse_out_delimiter(";;", allowed=())


# Holds dedupe inside the write of pairs.csv, after ads.csv and persons.csv are written
# into the new folder built beside OUT, so that the test can kill it there.
HELD_WRITE = """
import os, sys, time
from pathlib import Path
import adcensus.write as write

real_fsync = write.os.fsync

def held(fd):
    real_fsync(fd)
    out = Path(os.environ["OUT"])
    if any(out.parent.glob(f".{out.name}.adcensus-new-*/.pairs.csv.*")):
        Path(os.environ["MARKER"]).touch()
        time.sleep(120)

write.os.fsync = held
from adcensus.cli import app
app(sys.argv[1:], prog_name="adcensus")
"""


def test_a_run_killed_while_writing_leaves_the_old_folder_whole(tmp_path, sample_dir):
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    old_input = tmp_path / "old.csv"
    old_input.write_text("tel;pseudo\n0639981001;Léa\n0639981002;Nina\n", encoding="utf-8")
    base = [sys.executable, "-m", "adcensus", "dedupe"]
    subprocess.run([*base, str(old_input), "-o", str(out)], check=True, capture_output=True)
    names = ("ads.csv", "persons.csv", "pairs.csv", "summary.json")
    old = {name: (out / name).read_bytes() for name in names}
    fresh = tmp_path / "fresh"
    subprocess.run(
        [*base, str(sample_dir / "ads.csv"), "-o", str(fresh)], check=True, capture_output=True
    )
    new = {name: (fresh / name).read_bytes() for name in names}

    marker = tmp_path / "midway"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HELD_WRITE,
            "dedupe",
            str(sample_dir / "ads.csv"),
            "-o",
            str(out),
            "--force",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "OUT": str(out), "MARKER": str(marker)},
    )
    deadline = time.monotonic() + 120
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), child.communicate()[1]
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert {name: (out / name).read_bytes() for name in names} == old
    assert old != new
    # The half-built folder of the killed run is swept by the next run, once stale.
    leftovers = list(tmp_path.glob(".out.adcensus-new-*"))
    assert len(leftovers) == 1
    assert write.sweep_stale_folders(tmp_path, older_than=0) == leftovers


_CELLS = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(list("ab;,\"\t\r\n =+-@'é 0٣\u00a0§æ")), max_size=6),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_CELLS, _CELLS, st.floats(allow_infinity=False)), max_size=12),
    st.sampled_from([";", ",", "\t", "§", "æ"]),  # the last two are several UTF-8 bytes
)
def test_csv_bytes_are_those_of_pandas_to_csv(rows, delimiter):
    frame = pd.DataFrame(rows, columns=["a", "b", "x"]).astype({"a": "str", "b": object})
    expected = neutralize_formulas(frame).to_csv(index=False, sep=delimiter, lineterminator="\r\n")
    assert csv_bytes(frame, delimiter) == expected.encode("utf-8-sig")


def test_csv_is_written_in_chunks_of_rows(monkeypatch):
    monkeypatch.setattr(write, "CSV_CHUNK_ROWS", 2)
    frame = pd.DataFrame({"a": ["1", "x;y", None, "=2", "é"], "b": [1.5, 2.0, None, 4.0, 5.0]})
    assert (
        csv_bytes(frame) == '\ufeffa;b\r\n1;1.5\r\n"x;y";2.0\r\n;\r\n\'=2;4.0\r\né;5.0\r\n'.encode()
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(_CELLS, max_size=12))
def test_neutralize_formulas_treats_each_cell_as_safe_cell_does(cells):
    for dtype in ("str", object):
        column = pd.Series(cells, dtype=dtype)
        got = neutralize_formulas(pd.DataFrame({"c": column}))["c"].tolist()
        expected = [safe_cell(v) for v in column]
        assert [None if pd.isna(v) else v for v in got] == [
            None if pd.isna(v) else v for v in expected
        ]


def _expected_csv(frame: pd.DataFrame, delimiter: str) -> bytes:
    """The bytes of pandas' to_csv, the contract that write_csv_to keeps."""
    text = neutralize_formulas(frame).to_csv(index=False, sep=delimiter, lineterminator="\r\n")
    return text.encode("utf-8-sig")


_NUMBERS = st.floats() | st.sampled_from([0.0, -0.0, 1e16, 1e-5, 20.0, 0.1, -1e300, 5e-324])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(_CELLS, _NUMBERS, st.integers(-(2**63), 2**63 - 1), st.booleans()),
        max_size=12,
    ),
    st.sampled_from([";", ",", "\t"]),
    st.integers(1, 5),
)
def test_numbers_and_chunks_are_written_as_pandas_writes_them(rows, delimiter, chunk_rows):
    frame = pd.DataFrame(rows, columns=["a", "x", "n", "b"]).astype(
        {"a": "str", "x": "float64", "n": "int64", "b": "bool"}
    )
    frame["u"] = frame["n"].abs().astype("uint64")
    frame["nullable"] = frame["n"].astype("Int64").mask(frame["b"])
    with patch.object(write, "CSV_CHUNK_ROWS", chunk_rows):
        assert csv_bytes(frame, delimiter) == _expected_csv(frame, delimiter)


def test_cells_behind_a_null_are_neither_quoted_nor_neutralised():
    # Arrow lets a null cell keep bytes; they must not leak into the CSV.
    data = pa.py_buffer(b'=x;y"a')
    offsets = pa.py_buffer(np.array([0, 4, 5, 6], dtype=np.int64).tobytes())
    validity = pa.py_buffer(np.packbits([0, 1, 1], bitorder="little").tobytes())
    text = pa.LargeStringArray.from_buffers(3, offsets, data, validity)
    frame = pd.DataFrame({"a": pd.Series(pd.arrays.ArrowStringArray(text)), "n": [1, 2, 3]})
    assert csv_bytes(frame) == '\ufeffa;n\r\n;1\r\n"""";2\r\na;3\r\n'.encode()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(width=32) | st.sampled_from([1e6, 1e16, -0.0]), max_size=8))
def test_float32_cells_are_str_of_their_value(numbers):
    # pandas writes float32 cells its own way ("1e+06"); they are kept as str() wrote them.
    frame = pd.DataFrame({"x": pd.Series(numbers, dtype="float32"), "n": 1})
    lines = [f"{'' if x != x else float(x)};1" for x in frame["x"].tolist()]
    expected = "\ufeff" + "".join(f"{line}\r\n" for line in ["x;n", *lines])
    assert csv_bytes(frame) == expected.encode()


@settings(max_examples=200, deadline=None)
@given(st.lists(_CELLS, max_size=12), st.integers(0, 3))
def test_neutralize_text_treats_each_cell_as_safe_cell_does(cells, start):
    text = pa.array([None, *cells], pa.large_string()).slice(min(start, len(cells)))
    got = neutralize_text(text).to_pylist()
    assert got == [None if v is None else safe_cell(v) for v in text.to_pylist()]


def test_write_csvs_writes_each_file_as_csv_bytes_does(tmp_path, monkeypatch):
    monkeypatch.setattr(write, "CSV_CHUNK_ROWS", 2)  # several chunks, built by threads
    frames = [
        pd.DataFrame({"a": ["x;y", "=1", None, "é", "5"], "n": range(5)}),
        pd.DataFrame({"only": ["", "a"]}),
        pd.DataFrame({"a": pd.Series([], dtype="str"), "x": pd.Series([], dtype="float64")}),
    ]
    paths = [tmp_path / f"{k}.csv" for k in range(3)]
    seen = []
    write_csvs(list(zip(frames, paths, strict=True)), ";", lambda frame: seen.append(len(frame)))
    assert [path.read_bytes() for path in paths] == [csv_bytes(frame) for frame in frames]
    assert seen == [5, 2, 0]


def test_write_csvs_stops_at_a_file_that_fails_and_keeps_the_ones_before(tmp_path):
    good = pd.DataFrame({"a": ["x"], "n": [1]})
    bad = pd.DataFrame({"a": pd.Series([1, "y"], dtype=object), "n": [1, 2]})  # no text
    paths = [tmp_path / "good.csv", tmp_path / "bad.csv", tmp_path / "after.csv"]
    with pytest.raises(pa.ArrowTypeError):
        write_csvs(list(zip([good, bad, good], paths, strict=True)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.csv"]


# ---- XLSX ----------------------------------------------------------------------------------


def _sheets(data: bytes) -> dict[str, list[list[object]]]:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return {sheet.title: [[c.value for c in row] for row in sheet.iter_rows()] for sheet in book}


def test_xlsx_keeps_text_as_text_numbers_as_numbers_and_neutralises_formulas():
    import io

    from openpyxl import load_workbook

    frame = pd.DataFrame(
        {
            "Réf": ["0012", "A2", None],
            "phones": ["+33639980120", "0639980120;+33639981001", '=HYPERLINK("x")'],
            "ads": [3, 1, 2],
            "score": [0.59589, np.nan, 1.0],
            "texte": ["a <b> & c\x01\x1f", "", "ligne 1\nligne 2"],
        }
    ).astype({"Réf": "str", "phones": "str", "texte": "str"})
    data = write.xlsx_bytes([("persons", frame), ("vide", frame.iloc[:0])], percent=["score"])
    book = load_workbook(io.BytesIO(data))
    sheet = book["persons"]
    assert [c.value for c in sheet[1]] == ["Réf", "phones", "ads", "score", "texte"]
    assert all(c.font.b for c in sheet[1])
    assert [c.value for c in sheet[2]] == ["0012", "+33639980120", 3, 0.59589, "a <b> & c"]
    assert [c.data_type for c in sheet[2]] == ["s", "s", "n", "n", "s"]
    assert sheet["D2"].number_format == "0.00%"
    assert [c.value for c in sheet[3]] == ["A2", "0639980120;+33639981001", 1, None, None]
    assert [c.value for c in sheet[4]] == [None, '\'=HYPERLINK("x")', 2, 1.0, "ligne 1\nligne 2"]
    assert sheet.auto_filter.ref == "A1:E4" and sheet.freeze_panes == "A2"
    assert book.sheetnames == ["persons", "vide"]
    assert book["vide"].auto_filter.ref == "A1:E1"


def test_xlsx_continues_a_frame_longer_than_a_sheet_on_more_sheets(monkeypatch):
    monkeypatch.setattr(write, "XLSX_MAX_ROWS", 4)  # a header and three rows a sheet
    monkeypatch.setattr(write, "CSV_CHUNK_ROWS", 2)
    frame = pd.DataFrame({"n": range(7), "t": [f"r{k}" for k in range(7)]})
    sheets = _sheets(write.xlsx_bytes([("ads", frame)]))
    assert list(sheets) == ["ads", "ads 2", "ads 3"]
    assert sheets["ads"] == [["n", "t"], [0, "r0"], [1, "r1"], [2, "r2"]]
    assert sheets["ads 3"] == [["n", "t"], [6, "r6"]]


def test_xlsx_is_written_atomically(tmp_path):
    path = tmp_path / "adcensus.xlsx"
    path.write_bytes(b"old")
    frame = pd.DataFrame({"a": ["x"]})
    full = OSError(28, "No space left on device")
    with (
        patch.object(write, "_write_sheet", side_effect=full),
        pytest.raises(OutputError, match="No space left"),
    ):
        write.write_xlsx([("a", frame)], path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["adcensus.xlsx"]
    write.write_xlsx([("a", frame)], path)
    assert _sheets(path.read_bytes()) == {"a": [["a"], ["x"]]}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=8))
def test_xlsx_text_cells_read_back_as_their_csv_cells(cells):
    frame = pd.DataFrame({"t": cells}).astype("str")
    read = [row[0] for row in _sheets(write.xlsx_bytes([("s", frame)]))["s"][1:]]
    legal = [write._XML_ILLEGAL_PY.sub("", safe_cell(c)) or None for c in cells]
    assert read + [None] * (len(legal) - len(read)) == legal


def test_xlsx_cuts_a_cell_at_the_workbook_limit(monkeypatch):
    monkeypatch.setattr(write, "XLSX_MAX_CELL", 5)
    frame = pd.DataFrame({"t": ["abcdefgh", "é&<>\r", "ok"]}).astype("str")
    assert _sheets(write.xlsx_bytes([("s", frame)]))["s"] == [["t"], ["abcde"], ["é&<>\r"], ["ok"]]


def test_xlsx_gives_the_same_bytes_for_the_same_tables_at_another_time():
    """The contract: same input, byte-identical outputs; a zip entry used to carry the
    time it was written, so adcensus.xlsx differed from one run to the next."""
    frame = pd.DataFrame({"person_id": ["P1", "P2"], "ads": [3, 1]})
    first = write.xlsx_bytes([("persons", frame)])
    with patch("time.localtime", return_value=(2031, 5, 6, 7, 8, 9, 0, 0, 0)):
        again = write.xlsx_bytes([("persons", frame)])
    assert first == again
