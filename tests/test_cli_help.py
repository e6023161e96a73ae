"""Help that reads at 80 columns, the same on every Typer version, with an example."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from adcensus.cli import app

runner = CliRunner()


def _commands() -> list[tuple[str, Any]]:
    root: Any = typer.main.get_command(app)
    found: list[tuple[str, Any]] = [("", root)]
    for name, command in root.commands.items():
        found.append((name, command))
        for sub, inner in getattr(command, "commands", {}).items():
            found.append((f"{name} {sub}", inner))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: str(v).split(" at ")[0])
def test_help_fits_80_columns_with_plain_metavars_and_an_example(name: str, command: Any) -> None:
    result = runner.invoke(app, [*name.split(), "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert max(len(line) for line in text.splitlines()) <= 80
    assert not re.search(r"<[a-z][a-z_ \[\]]*>|\{[A-Z_.]+\}", text), text  # <bool>, {INPUT...}
    usage = text.splitlines()[0]
    assert usage.startswith(f"Usage: adcensus {name}".rstrip())
    if hasattr(command, "commands"):
        return
    assert "\nExample:\n" in text
    examples = text.split("\nExample:\n", 1)[1].strip().splitlines()
    for line in examples:
        args = shlex.split(line)
        assert args[: 1 + len(name.split())] == ["adcensus", *name.split()], line
        command.make_context(name, args[1 + len(name.split()) :])  # parses, or raises


def test_dedupe_usage_and_options_read_as_a_person_would_write_them() -> None:
    text = runner.invoke(app, ["dedupe", "--help"], terminal_width=80).stdout
    assert text.startswith("Usage: adcensus dedupe [OPTIONS] INPUT...\n")
    assert re.search(r"^  -o, --out PATH +Output folder", text, re.M)
    assert re.search(r"^  --force +Overwrite", text, re.M)  # a flag takes no value
    assert re.search(r"^  --header-row INTEGER +Row of the headers", text, re.M)
