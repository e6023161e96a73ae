"""`adcensus estimate` through the CLI: data on stdout, explanations on stderr, exit codes."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adcensus.cli import app, err_console

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["estimate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_issue_example_prints_273_and_the_formula() -> None:
    code, out, err = run("--ads", "699", "--doublon-rate", "0.61")
    assert code == 0
    assert out == "273\n"
    assert "699 × (1 − 0.61) = 272.61 → 273 (rounded half up)" in err


def test_json_is_the_documented_object() -> None:
    code, out, _ = run("--ads", "699", "--doublon-rate", "61%", "--json")
    assert code == 0
    assert json.loads(out) == {"ads": 699, "doublon_rate": 0.61, "persons": 273}


def test_french_decimal_comma_and_spaced_percent() -> None:
    code, out, _ = run("--ads", "699", "--doublon-rate", "61,5 %")
    assert (code, out) == (0, "269\n")  # 699 × 0.385 = 269.115


def test_the_inverse_prints_the_rate() -> None:
    code, out, err = run("--ads", "699", "--persons", "273")
    assert (code, out) == (0, "0.609442\n")
    assert "60.9 %" in err


def test_a_reviewed_sample_adds_interval_fields() -> None:
    code, out, err = run("--ads", "699", "--reviewed-sample", "25/40", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["persons"] == 262
    assert data["persons_low"] < 262 < data["persons_high"]
    assert "95% interval (Wilson)" in err


@pytest.mark.parametrize(
    "args",
    [
        ["--ads", "699", "--doublon-rate", "1.2"],
        ["--ads", "699", "--doublon-rate", "100%"],
        ["--ads", "699", "--reviewed-sample", "41/40"],
        ["--ads", "0", "--doublon-rate", "0.5"],
        ["--ads", "699"],
        ["--doublon-rate", "0.5"],
        [],
        [str(DATA / "estimate" / "small"), "--ads", "10", "--doublon-rate", "0.5"],
        ["--ads", "699", "--doublon-rate", "0.6", "--hidden"],
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str]) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1


def test_a_dedupe_output_gives_persons_and_a_range() -> None:
    code, out, err = run(str(DATA / "estimate" / "small"))
    assert (code, out) == (0, "7\n")
    assert "persons at threshold 0.85 (stricter)" in err
    assert "No review.jsonl" in err


def test_a_dedupe_output_with_review_and_hidden_total_as_json() -> None:
    folder = DATA / "estimate" / "reviewed"
    code, out, _ = run(str(folder), "--lists", "month", "--bootstrap", "50", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["review"]["precision"] == 0.75
    assert data["review"]["replicates"] == 50
    assert data["hidden"]["method"] == "two lists: Chapman"
    assert data["hidden"]["lists"] == ["2024-01", "2024-02"]


def test_a_published_table_of_overlaps_can_be_estimated_directly() -> None:
    code, out, err = run("--histories", str(DATA / "mse" / "Korea.csv"))
    assert (code, out) == (0, "157\n")
    assert "main effects + b×c, c×d" in err


def test_the_uk_procedure_of_bales_hesketh_and_silverman_from_the_command_line() -> None:
    code, out, _ = run(
        "--histories", str(DATA / "mse" / "UKdat_5.csv"), "--criterion", "aic",
        "--search", "bhs2015", "--p-threshold", "0.05", "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0
    assert (data["total"], data["total_low"], data["total_high"]) == (11313, 9889, 13063)


def test_a_real_subprocess_run() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "adcensus", "estimate", "--ads", "699", "--doublon-rate", "61%"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout == "273\n"


DOCS = Path(__file__).parent.parent / "docs"


def console_examples(page: str) -> list[tuple[str, str]]:
    """(command, expected output) for each runnable `$ adcensus estimate` example of a page."""
    text = (DOCS / page).read_text(encoding="utf-8")
    examples = []
    for block in text.split("```console\n")[1:]:
        lines = block.split("```")[0].splitlines()
        if lines[0].startswith("$ adcensus estimate") and not lines[1].startswith("$"):
            examples.append((lines[0][2:], "\n".join(lines[1:])))
    return examples


def test_both_methodology_pages_show_the_same_examples() -> None:
    assert console_examples("methodology.md") == console_examples("methodologie.md")
    assert len(console_examples("methodology.md")) == 7


@pytest.mark.parametrize(
    ("command", "expected"),
    console_examples("methodology.md"),
    ids=[command for command, _ in console_examples("methodology.md")],
)
def test_documented_examples_print_what_the_docs_show(
    command: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(err_console, "width", 80)  # the docs were made on an 80-column screen
    monkeypatch.chdir(Path(__file__).parent.parent)
    result = runner.invoke(app, shlex.split(command)[1:])
    assert result.exit_code == 0
    shown = "\n".join(line.rstrip() for line in result.output.splitlines())
    assert shown == expected


def test_sparsemse_rule_and_percentile_interval_by_name() -> None:
    code, out, err = run(
        "--histories", str(DATA / "mse" / "Korea.csv"), "--search", "sparsemse",
        "--bootstrap", "30", "--interval", "percentile", "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0
    assert data["total"] == 269 and data["search"] == "sparsemse"
    assert data["bootstrap"]["method"] == "percentile"
    assert "SparseMSE's stepwise rule" in err


def test_lists_sharing_nobody_at_all_exit_2(tmp_path: Path) -> None:
    table = tmp_path / "apart.csv"
    table.write_text("A,B,C,count\n1,0,0,5\n0,1,0,4\n0,0,1,3\n", encoding="utf-8")
    code, out, err = run("--histories", str(table))
    assert (code, out) == (2, "")
    assert "no person is on two lists or more" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("A,B,count\n1,0,1.9\n0,1,3\n1,1,2\n", "data row 1: count 1.9 is not a whole number"),
        ("A,B,count\n1,0,4\n0,1,\n1,1,2\n", "data row 2: the 'count' cell is empty"),
        ("A,B,count\n1,0,4\n0,0,3\n1,1,2\n", "data row 2: 0 on every list"),
    ],
)
def test_unusable_histories_are_one_line(tmp_path: Path, content: str, message: str) -> None:
    table = tmp_path / "h.csv"
    table.write_text(content, encoding="utf-8")
    code, out, err = run("--histories", str(table))
    assert (code, out) == (2, "")
    assert message in err and len(err.strip().splitlines()) == 1


def test_hidden_alone_on_a_one_file_output_exits_2_with_the_reason() -> None:
    code, out, err = run(str(DATA / "estimate" / "small"), "--hidden")
    assert (code, out) == (2, "")
    assert "independently of her own posting" in err


def test_lists_by_site_print_the_posting_warning_first() -> None:
    code, _, err = run(str(DATA / "estimate" / "small"), "--lists", "site")
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert "own posting behaviour" in warnings[0]


def test_a_census_store_is_estimated_as_its_export_is(sample_store: Path, tmp_path: Path) -> None:
    code, out, err = run(str(sample_store), "--json")
    assert code == 0, err
    exported = tmp_path / "export"
    assert (
        runner.invoke(app, ["store", "export", str(sample_store), "-o", str(exported)]).exit_code
        == 0
    )
    assert run(str(exported), "--json")[1] == out
    assert json.loads(out)["persons"] == 275


def test_a_stores_review_decisions_give_the_estimate_its_interval(
    sample_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "census.db"
    store.write_bytes(sample_store.read_bytes())
    exported = tmp_path / "export"
    assert runner.invoke(app, ["store", "export", str(store), "-o", str(exported)]).exit_code == 0
    pairs = (exported / "pairs.csv").read_text(encoding="utf-8-sig").splitlines()[1:6]
    with (tmp_path / "census.review.jsonl").open("w", encoding="utf-8") as handle:
        for line in pairs:
            a, b = line.split(";")[:2]
            handle.write(
                json.dumps({"ad_a": a, "ad_b": b, "decision": "y", "mode": "sample"}) + "\n"
            )
    code, out, err = run(str(store), "--json")
    assert code == 0, err
    assert json.loads(out)["review"]["sampled_links"] == 5


def test_a_file_that_is_neither_a_folder_nor_a_store_is_one_line(tmp_path: Path) -> None:
    other = tmp_path / "ads.xlsx"
    other.write_bytes(b"PK\x03\x04 not a store")
    code, out, err = run(str(other))
    assert code == 2 and out == ""
    assert "neither a folder written by `adcensus dedupe` nor a census store" in err
    assert err.strip().count("\n") == 0
