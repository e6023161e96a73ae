"""The data-quality summary, and a spreadsheet as analysts keep it counted right (issue 14).

tests/data/messy/releve-octobre.csv is such a file, saved by Excel in French (cp1252, `;`,
CRLF): a title row and a blank row above the headers, blank rows between the ads, a total
row under them, dates as Excel serial numbers (one with a decimal comma), and a second
phone column. It holds 9 real ads by 5 persons; every number is a fiction number.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from adcensus import cli
from adcensus.cli import app
from adcensus.dedupe import dedupe
from adcensus.outputs import write_outputs
from adcensus.phones import few_numbers_warning
from adcensus.report import build_report
from adcensus.store import load_into_store

MESSY = Path(__file__).parent / "data" / "messy" / "releve-octobre.csv"
# The persons of the file, by the Réf of their ads: Léa's third ad gives her number in
# "Téléphone 2" only, Inès's first gives the number of her second there.
PERSONS = [{"A01", "A02", "A03"}, {"A04", "A05"}, {"A06", "A07"}, {"A08"}, {"A09"}]
runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_messages(monkeypatch):
    monkeypatch.setattr(cli.err_console, "width", 100_000)


def messy_workbook(folder: Path) -> Path:
    """The same sheet as an .xlsx: a merged title, blank rows, a total, numeric dates."""
    lines = MESSY.read_bytes().decode("cp1252").splitlines()
    book = openpyxl.Workbook()
    sheet = book.active
    for number, line in enumerate(lines, 1):
        cells = line.split(";")
        for column, cell in enumerate(cells, 1):
            if not cell:
                continue
            value: object = cell
            if column == 7 and number > 3:  # the date column: serial numbers, as Excel keeps
                value = float(cell.replace(",", "."))
            sheet.cell(number, column, value)
    sheet.merge_cells("A1:H1")
    path = folder / "releve-octobre.xlsx"
    book.save(path)
    return path


def persons_by_ref(ads: pd.DataFrame) -> list[set[str]]:
    real = ads[ads["person_id"].notna() & (ads["person_id"] != "")]
    groups = real.groupby("person_id")["Réf"].agg(set).tolist()
    return sorted(groups, key=lambda refs: min(refs))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_spreadsheet_as_analysts_keep_it_gives_its_real_ads_and_persons(tmp_path, kind):
    path = MESSY if kind == "csv" else messy_workbook(tmp_path)
    result = dedupe([path])
    summary = result.summary
    assert (summary["ads"], summary["persons"]) == (9, 5)
    assert persons_by_ref(result.ads) == PERSONS
    assert summary["rows_set_aside"] == {"empty": 3, "total": 1}
    # Their rows as the spreadsheet counts them, the title and blank row above the headers too.
    assert result.rejected["row"].tolist() == [6, 12, 15, 16]
    lea = result.persons[result.persons["names"] == "Léa"].iloc[0]
    # 43376 and 43380,5 are Excel serials: 3 and 7 October 2018.
    assert (lea["first_seen"], lea["last_seen"]) == ("2018-10-03", "2018-10-07")
    quality = summary["data_quality"]
    assert quality["rows_read"] == 13 and quality["ads"] == 9
    assert quality["unreadable_cells"] == {"Date": 0}
    assert quality["columns_unused"] == []
    assert quality["phones_by_column"] == {
        "Téléphone": {"filled": 8, "with_number": 8, "numbers": 6},
        "Téléphone 2": {"filled": 2, "with_number": 2, "numbers": 2},
    }
    assert quality["phones_in_text_only"] == 0
    assert quality["warnings"] == []


def test_dedupe_says_the_data_quality_on_stderr(tmp_path):
    result = runner.invoke(app, ["dedupe", str(MESSY), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.stderr.splitlines()]
    start = lines.index("data quality:")
    assert lines[start + 1 : start + 5] == [
        "rows read: 13, ads: 9; 4 rows set aside as not ads (3 empty, 1 total or note): "
        "see rejected.csv",
        "phone column 'Téléphone': a number in 8 of 8 filled cells (6 distinct numbers)",
        "phone column 'Téléphone 2': a number in 2 of 2 filled cells (2 distinct numbers)",
        "numbers found in the ad's text only: 0 ads",
    ]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["data_quality"]["rows_read"] == summary["rows_read"] == 13


def test_the_data_quality_lines_are_not_cut_at_80_columns(tmp_path):
    # A terminal of 80 columns cut "(6 distinct\nnumbers)" in two, read as two lines.
    command = [sys.executable, "-m", "adcensus", "dedupe", str(MESSY), "-o", str(tmp_path / "o")]
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert (
        "  phone column 'Téléphone': a number in 8 of 8 filled cells (6 distinct numbers)" in lines
    )
    assert lines[-1].startswith("written to ") and lines[-1].endswith("summary.json)")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ads.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_unreadable_cells_unused_columns_and_a_phone_column_of_few_numbers(tmp_path):
    path = write(
        tmp_path,
        "Téléphone;WhatsApp;Date;Âge;Notes;Texte\n"
        "06 39 98 45 72;oui;03/10/2018;25 ans;rappeler;Léa à Calais\n"
        "06 39 98 45 73;non;bientôt;vingt;;Maya à Lille\n"
        "06 39 98 45 74;06 39 98 45 74;04/10/2018;;;Inès à Arras\n"
        "voir annonce;oui;;31;;Zoé, appelez le 06 39 98 45 75\n",
    )
    result = runner.invoke(app, ["dedupe", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    quality = json.loads((tmp_path / "out" / "summary.json").read_text())["data_quality"]
    assert quality["unreadable_cells"] == {"Date": 1, "Âge": 1}
    assert quality["columns_unused"] == ["Notes"]
    assert quality["phones_by_column"]["WhatsApp"] == {"filled": 4, "with_number": 1, "numbers": 1}
    assert quality["phones_in_text_only"] == 1
    assert quality["warnings"] == [
        "the phone column 'WhatsApp' gives a number in 1 of its 4 filled cells (25%); if it "
        "holds no phone numbers, name the phone columns with --col phone=HEADER."
    ]
    stderr = " ".join(result.stderr.split())
    assert "unreadable cells: 'Date' 1, 'Âge' 1" in stderr
    assert "columns not used: Notes." in stderr
    assert "warning: the phone column 'WhatsApp' gives a number in 1 of its 4" in stderr
    assert stderr.count("columns not used") == 1


def test_a_phone_column_giving_a_number_in_half_its_cells_is_not_warned_about():
    assert few_numbers_warning("Tel", filled=10, with_number=5) is None
    assert few_numbers_warning("Tel", filled=10, with_number=4) is not None
    assert few_numbers_warning("Tel", filled=0, with_number=0) is None


def test_the_report_shows_the_data_quality(tmp_path):
    write_outputs(dedupe([MESSY]), tmp_path / "out")
    english = build_report(tmp_path / "out", lang="en").html
    assert "<h3>Data quality</h3>" in english
    assert "Numbers found, column “Téléphone 2”" in english
    assert "in 2 of 2 filled cells (2 distinct numbers)" in english
    french = build_report(tmp_path / "out", lang="fr").html
    assert "<h3>Qualité des données</h3>" in french
    assert "Lignes mises de côté (vides, totaux ou notes)" in french


def test_a_store_load_keeps_the_data_quality_of_its_files(tmp_path):
    path = write(
        tmp_path, "Téléphone;Notes;Texte\n06 39 98 45 72;x;Léa\n;;\n06 39 98 45 73;;Maya\n"
    )
    loaded = load_into_store(tmp_path / "census.db", [path])
    quality = loaded.summary["data_quality"]
    assert (quality["rows_read"], quality["ads"], quality["rows_set_aside"]["empty"]) == (3, 2, 1)
    assert quality["columns_unused"] == ["Notes"]
    assert "columns not used: Notes." in loaded.notes
