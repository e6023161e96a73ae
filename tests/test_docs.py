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


def _set_up_commands(fence: str) -> list[str]:
    section = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{fence}\n(.*?)\n```", section, re.S)


def test_readme_opens_with_the_two_set_up_commands():
    """Two one-line commands, the virtual environment first (Debian's and Ubuntu's Python
    refuse `pip install` outside one), and their PowerShell equivalents."""
    assert README.index("## Set-up") < 1000  # right after the introduction
    install, tests = _set_up_commands("console")
    venv = "python3 -m venv .venv && . .venv/bin/activate && "
    assert (
        install
        == venv
        + "pip install . && adcensus dedupe data/sample/ads.csv --out sample-adcensus --force"
    )
    assert tests == venv + "pip install -e '.[test]' && python -m pytest -q"
    windows = _set_up_commands("powershell")
    assert len(windows) == 2 and all(
        "\n" not in c and c.startswith("py -m venv .venv; ") for c in windows
    )
    assert windows[0].endswith("adcensus dedupe data/sample/ads.csv --out sample-adcensus --force")
    assert windows[1].endswith("python -m pytest -q")


def test_ci_runs_exactly_the_readme_s_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert _set_up_commands("console")[1] in ci.splitlines()
