"""`dedupe --store`, `store info|export` and `tally` through the CLI, and loads killed midway."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from adcensus.cli import app
from adcensus.tally import TALLY_COLUMNS

ROOT = Path(__file__).parent.parent
runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def october(months, tmp_path_factory) -> Path:
    """A store holding the October file."""
    store = tmp_path_factory.mktemp("october") / "census.db"
    assert run("dedupe", months[0], "--store", store)[0] == 0
    return store


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_monthly_loads_then_info_export_and_tally(months, tmp_path) -> None:
    store = tmp_path / "census.db"
    code, out, err = run("dedupe", months[0], "--store", store)
    assert (code, out) == (0, "")
    assert "load 1" in err and not (tmp_path / "ads-2026-10-adcensus").exists()
    code, out, err = run("dedupe", months[1], "--store", store, "--out", tmp_path / "out")
    assert (code, out) == (0, "")
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "ads.csv", "persons.csv", "pairs.csv", "rejected.csv", "summary.json",
    }  # fmt: skip
    code, out, err = run("dedupe", months[0], "--store", store)
    assert code == 0 and "nothing added: every row is already in" in err

    code, out, _ = run("store", "info", store, "--json")
    info = json.loads(out)
    assert code == 0
    assert (info["loads"], info["files"], info["ads"]) == (2, 2, 120)
    assert [load["files"][0]["path"] for load in info["load_history"]] == [str(p) for p in months]

    code, out, _ = run("tally", store, "--by", "month")  # not a terminal: CSV
    lines = out.removeprefix("\ufeff").splitlines()
    assert code == 0
    assert lines[0] == "month;" + ";".join(TALLY_COLUMNS)
    assert [line.split(";")[0] for line in lines[1:]] == ["2026-10", "2026-11"]
    assert lines[1].split(";")[5] == "0"  # nobody returns in the first month
    code, out, _ = run("tally", store, "--by", "month", "--format", "json", "--since", "2026-11")
    assert [row["month"] for row in json.loads(out)] == ["2026-11"]
    code, out, _ = run("tally", tmp_path / "out", "--by", "month,site", "-f", "markdown")
    assert out.startswith("| month | site | ads |")

    code, out, _ = run("store", "export", store, "-o", tmp_path / "again", "--out-delimiter", ",")
    ads = pd.read_csv(tmp_path / "again" / "ads.csv", encoding="utf-8-sig", dtype=str)
    assert code == 0 and len(ads) == 120 and ads["person_id"].str.fullmatch(r"P\d{6}").all()


def test_dedupe_store_json_is_the_summary_with_the_load(months, tmp_path) -> None:
    code, out, _ = run("dedupe", months[0], "--store", tmp_path / "census.db", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["ads"] == data["load"]["added"] == data["load"]["files"][0]["rows"]
    assert data["store"]["load_id"] == data["load"]["load_id"] == 1


def test_the_rich_table_is_for_people(months, tmp_path) -> None:
    store = tmp_path / "census.db"
    run("dedupe", months[0], months[1], "--store", store)
    code, out, _ = run("tally", store, "--by", "month", "--format", "table")
    assert code == 0
    header, *lines = out.splitlines()[2:]
    assert header.split() == [
        "month",
        "ads",
        "persons",
        "rate",
        "new",
        "returning",
        "touring",
        "networks",
        "networks",
    ]
    assert [line.split()[0] for line in lines] == ["2026-10", "2026-11", "all"]


@pytest.mark.parametrize(
    "args",
    [
        ["tally", "{tmp}/missing.db"],
        ["store", "info", "{tmp}/missing.db"],
        ["store", "info", "{tmp}/notes.txt"],
        ["tally", "{store}", "--format", "xml"],
        ["tally", "{store}", "--by", "pays"],
        ["tally", "{store}", "--since", "2026-12", "--until", "2026-10"],
        ["tally", "{store}", "--until", "31/10/2026"],
        ["store", "export", "{store}", "-o", "{tmp}"],
        ["dedupe", "{tmp}/missing.csv", "--store", "{tmp}/new.db"],
        ["dedupe", "{tmp}/notes.txt", "--store", "{store}"],
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], october, tmp_path) -> None:
    store = Path(shutil.copy(october, tmp_path / "census.db"))
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    before = dump(store)
    code, out, err = run(*(a.format(tmp=tmp_path, store=store) for a in args))
    assert code == 2, err
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert dump(store) == before
    assert not (tmp_path / "new.db").exists()


# The load is held right after it has rewritten the stored ads, inside its transaction,
# so that the test can interrupt it there. A tiny page cache and a padding table make
# SQLite spill the load's pages into the store file: it really is half-written then.
SLOW_LOAD = """
import os, sys, time
from pathlib import Path
from adcensus.store import persist

original = persist.update_stored_ads

def held(conn, *args):
    original(conn, *args)
    conn.execute("PRAGMA cache_size = 8")
    conn.execute("UPDATE ads SET flags = flags || ''")
    # However small the census, write enough inside the load's transaction to spill.
    conn.execute("CREATE TABLE spill_pad (x BLOB)")
    conn.executemany("INSERT INTO spill_pad VALUES (?)", [(b"x" * 4000,)] * 200)
    Path(os.environ["ADCENSUS_TEST_MARKER"]).touch()
    time.sleep(120)

persist.update_stored_ads = held
from adcensus.cli import app
app(sys.argv[1:], prog_name="adcensus")
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_an_interrupted_load_leaves_no_trace(
    sig: signal.Signals, months, october, tmp_path
) -> None:
    store = Path(shutil.copy(october, tmp_path / "census.db"))
    journal = store.with_name("census.db-journal")
    before, before_bytes = dump(store), store.read_bytes()
    marker = tmp_path / "midway"
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_LOAD, "dedupe", str(months[1]), "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ADCENSUS_TEST_MARKER": str(marker)},
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), child.communicate()[1]
    assert store.read_bytes() != before_bytes and journal.exists()  # midway through writing
    child.send_signal(sig)
    out, err = child.communicate(timeout=30)
    if sig == signal.SIGINT:
        assert child.returncode == 130
        assert "interrupted" in err and out == ""
    else:
        assert child.returncode == -signal.SIGKILL
    assert dump(store) == before  # after a kill, the next open rolls the load back
    assert store.read_bytes() == before_bytes and not journal.exists()
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    if sig == signal.SIGKILL:
        assert run("dedupe", months[1], "--store", store)[0] == 0  # the load can run again


def options(*path: str) -> list[str]:
    """The long options of a command, e.g. options("store", "export")."""
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return [
        o
        for p in command.params
        if p.param_type_name == "option"
        for o in p.opts
        if o.startswith("--")
    ]


def test_the_readme_documents_every_store_and_tally_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `adcensus store` and `adcensus tally`")[1].split("\n### ")[0]
    for path in (("tally",), ("store", "info"), ("store", "export")):
        for option in options(*path):
            assert re.search(rf"`[^`\n]*{re.escape(option)}\b[^`\n]*`", section), (path, option)
    assert "`adcensus dedupe INPUT... --store STORE`" in section
    for column in TALLY_COLUMNS:
        assert f"`{column}`" in section, column
    schema = (ROOT / "docs" / "store-schema.md").read_text(encoding="utf-8")
    from adcensus.store.schema import SCHEMA

    for table in (
        line.split()[2] for line in SCHEMA.splitlines() if line.startswith("CREATE TABLE")
    ):
        assert f"### `{table}`" in schema, table


def test_tally_header_row_names_the_row_of_an_ad_file_headers(tmp_path):
    # Row 2 takes roles too ("Ville", "Site"): only --header-row tells which row is which.
    text = (
        "Relevé;octobre\nVille;Site\nTéléphone;Ville\n"
        "06 39 98 45 01;Calais\n06 39 98 45 01;Calais\n06 39 98 45 02;Lille\n"
    )
    path = tmp_path / "ads.csv"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("tally", path, "--by", "Ville", "--header-row", "3", "-f", "json")
    assert code == 0, err
    counts = {row["Ville"]: (row["ads"], row["persons"]) for row in json.loads(out)}
    assert counts == {"Calais": (2, 1), "Lille": (1, 1)}


def test_tally_csv_opens_in_french_excel_as_dedupe_s_csv_files_do(sample_output) -> None:
    result = runner.invoke(app, ["tally", str(sample_output), "--by", "month"])
    assert result.exit_code == 0, result.stderr
    data = result.stdout_bytes
    assert data.startswith(b"\xef\xbb\xbfmonth;ads;persons;doublon_rate;")  # BOM, ;
    assert b"\r\n2018-09;146;" in data
    comma = runner.invoke(
        app, ["tally", str(sample_output), "--by", "month", "--out-delimiter", ","]
    )
    assert b"\r\n2018-09,146," in comma.stdout_bytes


def test_tally_xlsx_holds_numbers_and_a_percentage(sample_output, tmp_path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "par ville.xlsx"
    code, out, err = run("tally", sample_output, "--by", "city", "-o", path)
    assert (code, out) == (0, ""), err
    sheet = load_workbook(path)["tally"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["city", "ads", "persons", "doublon_rate"]
    assert isinstance(sheet["B2"].value, int) and isinstance(sheet["D2"].value, float)
    assert sheet["D2"].number_format == "0.00%"
    assert sheet.auto_filter.ref.startswith("A1:")
    piped = runner.invoke(app, ["tally", str(sample_output), "--by", "city", "-f", "xlsx"])
    assert piped.exit_code == 0 and piped.stdout_bytes.startswith(b"PK\x03\x04")
    code, out, _ = run("tally", sample_output, "--by", "month", "-o", tmp_path / "m.json")
    assert json.loads((tmp_path / "m.json").read_text())[0]["month"] == "2018-09"
    code, _, err = run("tally", sample_output, "-f", "table", "-o", tmp_path / "t.txt")
    assert code == 2 and "--out writes csv, json, markdown or xlsx" in err


def test_store_export_writes_the_workbook_with_format_xlsx(sample_store, tmp_path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "export"
    code, _, err = run("store", "export", sample_store, "-o", out, "--format", "xlsx")
    assert code == 0, err
    assert "adcensus.xlsx" in err
    book = load_workbook(out / "adcensus.xlsx")
    assert book.sheetnames == ["persons", "ads", "pairs"]
    assert book["ads"].max_row == 700 and book["persons"].max_row == 276
