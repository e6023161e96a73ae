"""Fixtures of the fault tests: small generated censuses and the CLI run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from adcensus.cli import app

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    """Exit code, stdout, stderr of `adcensus ARGS`."""
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="package")
def october(months: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the October file (copy it before changing it)."""
    store = tmp_path_factory.mktemp("fault-october") / "census.db"
    assert run("dedupe", months[0], "--store", store)[0] == 0
    return store
