"""The README documents every command and every option (as sqlite-utils' test_docs does)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer

from adcensus.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, Any]]:
    root: Any = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []
    for name, command in root.commands.items():
        if hasattr(command, "commands"):
            found += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
        else:
            found.append((name, command))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: str(v).split()[0])
def test_every_command_and_option_is_in_the_readme(name, command):
    assert f"adcensus {name}" in README, f"`adcensus {name}` is not documented in README.md"
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option":
            longest = max(param.opts, key=len)
            if longest == "--help":
                continue
            documented = re.search(rf"(?<![\w-]){re.escape(longest)}(?![\w-])", README)
            assert documented, f"{longest} of `adcensus {name}` is not in README.md"


def test_readme_opens_with_the_two_set_up_commands():
    head = README[:1500]
    assert "adcensus dedupe data/sample/ads.csv" in head
    assert "pip install -e '.[test]' && python -m pytest -q" in head
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "pip install -q -e '.[test]' && python -m pytest -q" in ci
