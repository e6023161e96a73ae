"""The shared pieces of the command line: one-line errors, and `--debug` anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from adcensus.cli import app
from adcensus.errors import InputError

runner = CliRunner()


def test_an_error_is_one_line_and_exit_2_without_debug(tmp_path: Path) -> None:
    result = runner.invoke(app, ["dedupe", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2 and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--debug", "dedupe", "{missing}"],
        ["dedupe", "{missing}", "--debug"],
        ["dedupe", "--debug", "{missing}"],
        ["review", "{missing}", "--debug"],
        ["store", "info", "{missing}", "--debug"],
    ],
)
def test_debug_is_taken_before_or_after_the_command_name(tmp_path: Path, args: list[str]) -> None:
    missing = str(tmp_path / "missing.csv")
    result = runner.invoke(app, [missing if a == "{missing}" else a for a in args])
    assert isinstance(result.exception, InputError)  # raised, for its traceback


def test_debug_after_a_double_dash_is_not_an_option(tmp_path: Path) -> None:
    result = runner.invoke(app, ["dedupe", "--", "--debug"])
    assert result.exit_code == 2 and not isinstance(result.exception, InputError)
