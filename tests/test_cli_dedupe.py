"""`adcensus dedupe` through Typer's CliRunner, and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from adcensus import memory
from adcensus.cli import app
from adcensus.errors import UsageError

runner = CliRunner()

SMALL = (
    "Réf;Téléphone;Pseudo;Âge;Texte\n"
    "A1;06 39 98 10 01;Léa;24;Nouvelle sur Arras, douce\n"
    "A2;0639981001;LEA;24;Douce et discrète\n"
    "A3;06 39 98 20 02;Sofia;31;Sofia sur Lens\n"
)


def write_small(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_json_summary_on_stdout_and_files_written(tmp_path):
    path = write_small(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["dedupe", str(path), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["ads"], summary["persons"]) == (3, 2)
    assert summary["doublon_rate"] == round(1 - 2 / 3, 6)
    assert sorted(p.name for p in out.iterdir()) == [
        "ads.csv", "pairs.csv", "persons.csv", "rejected.csv", "summary.json"
    ]  # fmt: skip
    ads = pd.read_csv(out / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert ads["Réf"].tolist() == ["A1", "A2", "A3"]


def test_default_output_folder_is_named_after_the_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_small(tmp_path)
    result = runner.invoke(app, ["dedupe", "ads.csv"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ads-adcensus" / "summary.json").is_file()


def test_non_empty_output_folder_needs_force(tmp_path):
    path = write_small(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    result = runner.invoke(app, ["dedupe", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert runner.invoke(app, ["dedupe", str(path), "-o", str(out), "--force"]).exit_code == 0


def test_missing_file_is_one_line_exit_2(tmp_path):
    result = runner.invoke(app, ["dedupe", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_column_override_and_comma_output(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text("ref,numero appel,blabla\nA1,0639981001,x\nA2,06 39 98 10 01,y\n")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "dedupe",
            str(path),
            "-o",
            str(out),
            "--col",
            "phone=numero appel",
            "--out-delimiter",
            ",",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "phone ← 'numero appel'" in result.stderr
    ads = pd.read_csv(out / "ads.csv", encoding="utf-8-sig", dtype=str)
    assert ads["person_id"].nunique() == 1


def test_bad_option_values_exit_2(tmp_path):
    path = write_small(tmp_path)
    assert runner.invoke(app, ["dedupe", str(path), "--col", "nonsense"]).exit_code == 2
    assert runner.invoke(app, ["dedupe", str(path), "--out-delimiter", ";;"]).exit_code == 2
    assert runner.invoke(app, ["dedupe", str(path), "--out-delimiter", "|"]).exit_code == 2
    assert runner.invoke(app, ["dedupe", str(path), "--threshold", "2"]).exit_code == 2


def test_input_delimiter_and_encoding_can_be_forced(tmp_path):
    path = tmp_path / "ads.txt"
    path.write_bytes("tel|pseudo\n0639981001|Hélène\n06 39 98 10 01|Helene\n".encode("cp1252"))
    out = tmp_path / "out"
    args = ["dedupe", str(path), "-o", str(out), "-d", "|", "-e", "cp1252", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["persons"] == 1
    ads = pd.read_csv(out / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert ads["pseudo"].tolist() == ["Hélène", "Helene"]


def test_stdin_is_read_as_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["dedupe", "-", "--json"], input=SMALL.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["persons"] == 2
    assert (tmp_path / "stdin-adcensus" / "ads.csv").is_file()


def test_console_output_masks_phone_numbers(tmp_path):
    path = write_small(tmp_path)
    result = runner.invoke(app, ["dedupe", str(path), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0
    assert "0639981001" not in result.output and "+33639981001" not in result.output


US_ADS = "ref,phone,name,text\n" + "".join(
    f"A{k},({area}) 555-01{k % 3:02d},{name},Hi I'm {name} call me\n"
    for k, (area, name) in enumerate([("201", "Amber"), ("312", "Jade")] * 3)
)


def test_a_phone_column_read_in_the_wrong_region_is_warned_about(tmp_path):
    path = tmp_path / "us.csv"
    path.write_text(US_ADS, encoding="utf-8")
    result = runner.invoke(app, ["dedupe", str(path), "-o", str(tmp_path / "fr"), "--json"])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "try --region US" in result.stderr
    assert json.loads(result.stdout)["ads_without_phone"] == 6
    result = runner.invoke(
        app, ["dedupe", str(path), "-o", str(tmp_path / "us"), "--region", "US", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.stderr
    assert json.loads(result.stdout)["ads_without_phone"] == 0


def test_real_subprocess_on_the_sample(tmp_path, sample_dir):
    out = tmp_path / "sample-out"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "adcensus",
            "dedupe",
            str(sample_dir / "ads.csv"),
            "-o",
            str(out),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    summary = json.loads(completed.stdout)
    assert summary["ads"] == 699
    assert 0.55 < summary["doublon_rate"] < 0.67
    assert "persons" in completed.stderr


def test_a_file_too_big_for_free_memory_is_refused_in_one_line(tmp_path, monkeypatch):
    path = write_small(tmp_path)
    monkeypatch.setattr(memory, "available_memory", lambda: 100 * 2**20)
    result = runner.invoke(app, ["dedupe", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"{path}: these ads need about 0.3 GB of memory" in result.stderr
    assert "--no-memory-check" in result.stderr
    assert not (tmp_path / "out").exists()
    forced = ["dedupe", str(path), "-o", str(tmp_path / "out"), "--no-memory-check"]
    assert runner.invoke(app, forced).exit_code == 0


def test_memory_estimate_grows_with_the_files(tmp_path):
    small, big = tmp_path / "a.csv", tmp_path / "b.parquet"
    small.write_bytes(b"x" * 1000)
    big.write_bytes(b"x" * 1000)
    base = memory.estimated_peak([])
    assert memory.estimated_peak([small]) == base + 14_000
    assert memory.estimated_peak([small, big, "-"]) == base + 14_000 + 60_000
    memory.check_fits([small], available=base + 14_000)
    with pytest.raises(UsageError, match=r"a\.csv: these ads need"):
        memory.check_fits([small], available=base)


def test_show_weights_and_compare(tmp_path):
    path = tmp_path / "ads.csv"
    rows = [line + ";x" for line in SMALL.splitlines()[1:]]
    path.write_text("\n".join(["Réf;Téléphone;Pseudo;Âge;Texte;Téléphone 2", *rows]) + "\n")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "dedupe",
            str(path),
            "-o",
            str(out),
            "--json",
            "--show-weights",
            "--compare",
            "Téléphone 2",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["settings"]["compare"] == ["Téléphone 2"]
    assert "Téléphone 2" in summary["model"]["weights"]
    assert "priors" in summary["model"]["note"]  # three ads: too few pairs to learn from
    assert "weights (weights: the priors" in result.stderr and "bits" in result.stderr
    pairs = pd.read_csv(out / "pairs.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert pairs["evidence"].str.contains(r"\(\+\d+\.\d\)").all()
    missing = runner.invoke(
        app, ["dedupe", str(path), "-o", str(out), "--force", "--compare", "Nope"]
    )
    assert missing.exit_code == 2 and "--compare 'Nope': no such column" in missing.stderr


def test_second_phone_and_whatsapp_columns_link_ads(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(
        "Réf;Téléphone;Téléphone 2;WhatsApp;Pseudo;Texte;Notes;Commentaire\n"
        "A1;06 71 23 45 67;;;Léa;Nouvelle sur Arras, douce;vu;\n"
        "A2;07 81 22 33 44;06 71 23 45 67;;Léa;Léa, douce, de passage à Lille;;ok\n"
        "A3;;;+33 7 81 22 33 44;LEA;Léa la douce, à Douai;;\n"
        "A4;06 12 00 45 67;;;Zoé;Rien à voir;;\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["dedupe", str(path), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["persons"] == 2
    assert "columns not used: Notes, Commentaire." in " ".join(result.stderr.split())
    ads = pd.read_csv(out / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert ads["phones"].tolist() == [
        "+33671234567", "+33781223344;+33671234567", "+33781223344", "+33612004567"
    ]  # fmt: skip
    assert ads["person_id"].iloc[:3].nunique() == 1


def test_title_row_above_the_headers_of_a_workbook(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Relevé des annonces – octobre"
    sheet.merge_cells("A1:H1")
    sheet.append(["Réf", "Téléphone", "Pseudo", "Annonce"])
    sheet.append(["A1", "06 39 98 10 01", "Léa", "Nouvelle sur Arras"])
    sheet.append(["A2", "0639981001", "LEA", "Douce et discrète"])
    path = tmp_path / "x.xlsx"
    book.save(path)
    for number, extra in enumerate(([], ["--header-row", "2"], ["--col", "text=Annonce"])):
        out = tmp_path / f"out{number}"
        result = runner.invoke(app, ["dedupe", str(path), "-o", str(out), "--json", *extra])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["ads"] == 2
        stderr = " ".join(result.stderr.split())  # rich wraps long lines
        assert "x.xlsx: headers found on row 2; row 1 above them skipped" in stderr or (
            "x.xlsx: headers on row 2 (--header-row); row 1 skipped." in stderr
        )
        assert "header on row 2)" in stderr
        ads = pd.read_csv(out / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str)
        assert ads["Réf"].tolist() == ["A1", "A2"]
        assert ads["person_id"].nunique() == 1


def test_col_phone_twice_reads_both_columns(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text("ref,appel,rappel,blabla\nA1,0639981001,,x\nA2,,06 39 98 10 01,y\n")
    out = tmp_path / "out"
    args = ["dedupe", str(path), "-o", str(out), "--col", "phone=appel", "--col", "phone=rappel"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "phone ← 'appel', 'rappel'" in result.stderr
    ads = pd.read_csv(out / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert ads["person_id"].nunique() == 1


def test_format_xlsx_writes_persons_ads_and_pairs_sheets_phones_as_text(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "ads.csv"
    path.write_text(SMALL + "A4;0639982002;=cmd|' /C calc'!A0;31;Sofia à Lens\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["dedupe", str(path), "-o", str(out), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    assert "adcensus.xlsx" in result.stderr
    book = load_workbook(out / "adcensus.xlsx")
    assert book.sheetnames == ["persons", "ads", "pairs"]
    ads = pd.read_csv(
        out / "ads.csv", sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    sheet = book["ads"]
    rows = [[("" if c.value is None else c.value) for c in row] for row in sheet.iter_rows()]
    assert rows[0] == list(ads.columns)
    assert rows[1:] == ads.to_numpy().tolist()  # the CSV's cells, neutralised alike
    assert "'=cmd|' /C calc'!A0" in [r[2] for r in rows]
    phones = rows[0].index("Téléphone")
    assert {sheet.cell(row=k, column=phones + 1).data_type for k in range(2, 6)} == {"s"}
    persons = book["persons"]
    n_persons = len(pd.read_csv(out / "persons.csv", sep=";", encoding="utf-8-sig"))
    last = persons.cell(1, persons.max_column).column_letter
    assert persons.auto_filter.ref == f"A1:{last}{n_persons + 1}"
    assert isinstance(persons["C2"].value, int)  # ads per person, a number
    assert book["pairs"].max_row >= 2


def test_format_must_be_csv_or_xlsx(tmp_path):
    result = runner.invoke(
        app, ["dedupe", str(write_small(tmp_path)), "-o", str(tmp_path / "o"), "-f", "ods"]
    )
    assert result.exit_code == 2
    assert "--format must be csv or xlsx" in result.stderr
