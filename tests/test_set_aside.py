"""Rows that are not ads (blank lines, totals, notes) are set aside: kept in ads.csv, listed
in rejected.csv with the reason, never counted as ads or persons (issue 14)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from adcensus import cli
from adcensus.cli import app
from adcensus.dedupe import dedupe
from adcensus.outputs import OUTPUT_FILES
from adcensus.read import read_ads
from adcensus.setaside import EMPTY, TOTAL, set_aside
from adcensus.store import export_store, load_into_store

MESSY = Path(__file__).parent / "data" / "bad" / "blank_and_total_rows.csv"
runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_messages(monkeypatch):
    monkeypatch.setattr(cli.err_console, "width", 100_000)


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def run(tmp_path: Path, *paths: Path) -> str:
    """stderr of `adcensus dedupe PATHS -o tmp_path/out`, which must succeed."""
    result = runner.invoke(app, ["dedupe", *map(str, paths), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    return result.stderr


def test_blank_lines_and_a_total_row_are_not_ads(tmp_path):
    stderr = run(tmp_path, MESSY)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["ads"], summary["persons"]) == (3, 2)
    assert summary["rows_read"] == 7
    assert summary["rows_set_aside"] == {"empty": 2, "total": 2}
    assert summary["doublon_rate"] == round(1 - 2 / 3, 6)
    assert summary["ads_per_site"] == {"site-a.example": 2, "site-b.example": 1}
    assert "4 rows set aside as not ads (2 empty, 2 total or note): see rejected.csv" in stderr
    assert len(read_csv(tmp_path / "out" / "persons.csv")) == 2


def test_ads_csv_keeps_every_row_in_place(tmp_path):
    run(tmp_path, MESSY)
    ads = read_csv(tmp_path / "out" / "ads.csv")
    assert ads["Réf"].tolist() == [
        "A1",
        "",
        "A2",
        "A3",
        "",
        "TOTAL :",
        "N.B. : extraction du 3 mars",
    ]
    reasons = ads["link_reason"].tolist()
    assert reasons[1] == reasons[4] == "set aside: empty row"
    assert reasons[5] == reasons[6] == "set aside: total row"
    aside = ads.iloc[[1, 4, 5, 6]]
    assert (aside[["person_id", "network_id", "phones", "ad_key"]] == "").all().all()
    assert aside["flags"].tolist() == ["empty_row;set_aside"] * 2 + ["set_aside"] * 2
    real = ads.iloc[[0, 2, 3]]
    assert (real["person_id"] != "").all()
    assert real["person_id"].iloc[0] == real["person_id"].iloc[1]
    assert not real["flags"].str.contains("set_aside").any()


def test_rejected_csv_lists_the_rows_set_aside_with_their_spreadsheet_row(tmp_path):
    run(tmp_path, MESSY)
    rejected = read_csv(tmp_path / "out" / "rejected.csv")
    assert list(rejected.columns[:2]) == ["row", "reason"]
    assert list(rejected.itertuples(index=False, name=None)) == [
        ("3", "empty row", "", "", "", "", ""),
        ("6", "empty row", "", "", "", "", ""),
        ("7", "total row", "TOTAL :", "", "", "", "3"),
        ("8", "total row", "N.B. : extraction du 3 mars", "", "", "", ""),
    ]


def test_rejected_csv_has_its_header_when_nothing_is_set_aside(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text("tel;texte\n0639984572;Léa\n0781223344;Total relaxation\n", encoding="utf-8")
    run(tmp_path, path)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(OUTPUT_FILES)
    rejected = read_csv(tmp_path / "out" / "rejected.csv")
    assert list(rejected.columns) == ["row", "reason", "tel", "texte"]
    assert rejected.empty


def test_a_workbook_with_blank_rows_and_a_total_counts_its_ads_only(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Téléphone", "Pseudo", "Texte"])
    for k in range(11):
        sheet.append([f"06 39 98 {k:02d} 72", f"Léa{k}", f"Annonce numéro {k}"])
        if k % 4 == 3:
            sheet.append([None, None, None])
    sheet.append([None, "Total général", 11])
    book.save(tmp_path / "ads.xlsx")
    run(tmp_path, tmp_path / "ads.xlsx")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["ads"], summary["persons"], summary["rows_read"]) == (11, 11, 14)
    assert summary["rows_set_aside"] == {"empty": 2, "total": 1}
    assert len(read_csv(tmp_path / "out" / "ads.csv")) == 14
    rejected = read_csv(tmp_path / "out" / "rejected.csv")
    assert rejected[["row", "reason"]].values.tolist() == [
        ["6", "empty row"],
        ["11", "empty row"],
        ["15", "total row"],
    ]


def test_an_ad_whose_text_mentions_total_is_an_ad(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(
        "tel;texte;prix\n"
        ";Total détente, massage total;100\n"
        ";Total;\n"
        "06 39 98 45 72;Total;\n"
        ";Note : je ne réponds pas aux numéros masqués;\n",
        encoding="utf-8",
    )
    aside = set_aside(read_ads([path]))
    # A text that is only the marker, with no phone, is a total row; the others are ads.
    assert aside.reasons.tolist() == ["", TOTAL, "", ""]


@pytest.mark.parametrize(
    "cells",
    [
        ["Total", "", "12"],
        ["TOTAL :", "", "1 234,50 €"],
        ["Sous-total", "", "4"],
        ["", "Somme", "40"],
        ["Nombre d'annonces : 11", "", ""],
        ["Total général", "", "11"],
        ["Moyenne", "", "3,5"],
        ["N.B. les prix sont en euros", "", ""],
        ["Remarque", "", ""],
    ],
)
def test_totals_and_notes_in_french_and_english_are_set_aside(tmp_path, cells):
    path = tmp_path / "ads.csv"
    rows = ["ref;tel;prix", "A1;0639984572;100", ";".join(cells)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert set_aside(read_ads([path])).reasons.tolist() == ["", TOTAL]


@pytest.mark.parametrize(
    "cells",
    [
        ["Total", "0639984572", ""],  # a phone: an ad
        ["Total", "", "voir 0639984572"],  # a phone anywhere: an ad
        ["Total", "", "Paris"],  # a word beside the marker: not a total
        ["Totalement libre", "", ""],  # a word that starts like a marker
    ],
)
def test_rows_that_only_look_like_totals_are_ads(tmp_path, cells):
    path = tmp_path / "ads.csv"
    rows = ["ref;tel;ville", "A1;0639984572;Lens", ";".join(cells)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert set_aside(read_ads([path])).reasons.tolist() == ["", ""]


def test_a_row_with_cells_only_outside_the_role_columns_is_empty(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text("n;tel;texte\n1;0639984572;Léa\n2;;\n", encoding="utf-8")
    assert set_aside(read_ads([path])).reasons.tolist() == ["", EMPTY]


def test_several_files_name_the_file_of_each_row_set_aside(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("tel;texte\n0781223344;Maya\n;\n", encoding="utf-8")
    run(tmp_path, MESSY, other)
    rejected = read_csv(tmp_path / "out" / "rejected.csv")
    assert list(rejected.columns[:3]) == ["row", "source_file", "reason"]
    assert rejected[["row", "source_file"]].values.tolist() == [
        ["3", str(MESSY)],
        ["6", str(MESSY)],
        ["7", str(MESSY)],
        ["8", str(MESSY)],
        ["3", str(other)],
    ]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["ads"], summary["rows_read"]) == (4, 9)


def test_a_file_of_rows_set_aside_only_gives_no_ads(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text("tel;texte\n;\n;;\n;Total\n", encoding="utf-8")
    result = dedupe([path])
    assert (result.summary["ads"], result.summary["persons"]) == (0, 0)
    assert len(result.ads) == 3 and len(result.rejected) == 3


def test_the_store_never_holds_rows_set_aside(tmp_path):
    path = tmp_path / "messy.csv"
    shutil.copy(MESSY, path)
    result = load_into_store(tmp_path / "census.db", [path])
    assert (result.added, result.ads, result.persons) == (3, 3, 2)
    assert result.summary["rows_set_aside"] == {"empty": 2, "total": 2}
    assert "4 rows set aside as not ads (2 empty, 2 total or note): not stored." in result.notes
    export_store(tmp_path / "census.db", tmp_path / "out")
    assert len(read_csv(tmp_path / "out" / "ads.csv")) == 3
    assert read_csv(tmp_path / "out" / "rejected.csv").empty


def test_the_commands_that_read_a_dedupe_folder_count_real_ads_only(tmp_path):
    from adcensus.estimate.lists import lists_from_output
    from adcensus.report import load_report_data
    from adcensus.review.source import open_source
    from adcensus.tally import read_source, tally

    run(tmp_path, MESSY)
    folder = tmp_path / "out"
    for source in (MESSY, folder):
        data, keys = read_source(source, ["Site"])
        assert tally(data, keys)["ads"].sum() == 3
    report = load_report_data(folder)
    assert (len(report.ads), report.ads["person_id"].nunique()) == (3, 2)
    assert "" not in set(open_source(folder).ads["person_id"])
    _, notes = lists_from_output(folder, "Site")
    assert not any("without" in note for note in notes)  # the set-aside rows are no ads


def test_pseudonymized_rejected_csv_holds_no_clear_names(tmp_path):
    from adcensus.outputs import pseudonymize_result

    path = tmp_path / "ads.csv"
    path.write_text("tel;pseudo;texte\n0639984572;Léa;Léa\n;N.B. voir Maya;\n", encoding="utf-8")
    result = pseudonymize_result(dedupe([path]), bytes(range(32)), drop_text=True)
    assert result.rejected["reason"].tolist() == ["total row"]
    assert "texte" not in result.rejected.columns
    assert "Maya" not in result.rejected["pseudo"].iloc[0]


def test_rows_set_aside_keep_the_further_phone_columns_of_the_others(tmp_path):
    # A blank row set aside must not cost the real ads their second phone column.
    path = tmp_path / "ads.csv"
    path.write_text(
        "Réf;Téléphone;Téléphone 2;Pseudo;Texte\n"
        "A1;;06 39 98 10 01;Léa;Douce et discrète\n"
        ";;;;\n"
        "A2;06 39 98 10 01;;Léa;Douce et discrète, nouvelle\n",
        encoding="utf-8",
    )
    result = dedupe([path])
    assert (result.summary["ads"], result.summary["persons"]) == (2, 1)
    assert result.ads["phones"].tolist()[0] == "+33639981001"
