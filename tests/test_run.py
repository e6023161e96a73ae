"""adcensus.run.run_dedupe: what `adcensus dedupe` does, from Python, with the same files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from adcensus.cli import app
from adcensus.decisions import DECISIONS_FILE, append_decision
from adcensus.errors import UsageError
from adcensus.outputs import OUTPUT_FILES, XLSX_FILE, read_folder
from adcensus.run import (
    DecisionsObeyed,
    DedupeOptions,
    Notice,
    TableRead,
    run_dedupe,
)

MESSY = Path(__file__).parent / "data" / "messy" / "releve-octobre.csv"


def test_run_dedupe_writes_the_files_the_command_writes_with_the_same_options(
    tmp_path: Path,
) -> None:
    """A French Excel file read with its encoding and delimiter named, as the CLI's
    --encoding and --delimiter do: the same bytes in every file."""
    told: list[Notice] = []
    options = DedupeOptions(
        out=tmp_path / "lib", encoding="cp1252", delimiter=";", header_row=3, xlsx=True
    )
    run = run_dedupe([str(MESSY)], options, notice=told.append)
    assert (run.summary["ads"], run.summary["persons"]) == (9, 5)
    assert run.out == tmp_path / "lib" and run.result is not None and run.load is None
    command = ["dedupe", str(MESSY), "-o", str(tmp_path / "cli"), "-e", "cp1252", "-d", ";"]
    done = CliRunner().invoke(app, [*command, "--header-row", "3", "--format", "xlsx"])
    assert done.exit_code == 0, done.stderr
    for name in (*OUTPUT_FILES, XLSX_FILE):
        assert (tmp_path / "lib" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    (read,) = [n for n in told if isinstance(n, TableRead)]
    assert "phone" in read.roles


def test_run_dedupe_obeys_the_decisions_kept_in_its_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_dedupe([str(MESSY)], DedupeOptions(out=out, encoding="cp1252", header_row=3))
    assert first.result is not None
    pairs = first.result.pairs
    linked = pairs[pairs["decision"] == "link"].iloc[0]
    append_decision(out / DECISIONS_FILE, linked["ad_a"], linked["ad_b"], "n", "doubtful")
    told: list[Notice] = []
    options = DedupeOptions(out=out, force=True, encoding="cp1252", header_row=3)
    again = run_dedupe([str(MESSY)], options, notice=told.append)
    (obeyed,) = [n for n in told if isinstance(n, DecisionsObeyed)]
    assert obeyed.path == out / DECISIONS_FILE and not obeyed.given
    assert again.summary["decisions"] == {"given": 1, "applied": 1}
    rejected = read_folder(out).pairs
    assert (rejected["decision"] == "rejected").sum() == 1


def test_run_dedupe_loads_a_store_and_exports_it(tmp_path: Path) -> None:
    store, out = tmp_path / "census.db", tmp_path / "export"
    options = DedupeOptions(store=store, out=out, encoding="cp1252", header_row=3)
    run = run_dedupe([str(MESSY)], options)
    assert run.load is not None and run.result is None
    assert run.load.added == 9 and run.to_json()["load"]["added"] == 9
    assert read_folder(out).summary["persons"] == run.summary["persons"] == 5


def test_run_dedupe_refuses_a_workbook_for_a_store_without_a_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--format xlsx with --store needs --out"):
        run_dedupe([str(MESSY)], DedupeOptions(store=tmp_path / "census.db", xlsx=True))
    assert not (tmp_path / "census.db").exists()
