"""Fixtures of the fault tests: small generated censuses and the CLI run in-process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from adcensus.cli import app
from adcensus.synth import CensusSpec, generate_census

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str, str]:
    """Exit code, stdout, stderr of `adcensus ARGS`."""
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="package")
def months(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two monthly files (October, November) of a small generated census."""
    folder = tmp_path_factory.mktemp("fault-months")
    spec = CensusSpec(ads=120, persons=50, sites=4, start=date(2026, 10, 1), end=date(2026, 11, 30))
    ads, _ = generate_census(spec)
    month = pd.to_datetime(ads["Date de collecte"], format="%d/%m/%Y").dt.month
    paths = folder / "ads-2026-10.csv", folder / "ads-2026-11.csv"
    ads[month == 10].to_csv(paths[0], sep=";", index=False)
    ads[month == 11].to_csv(paths[1], sep=";", index=False)
    return paths


@pytest.fixture(scope="package")
def october(months: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the October file (copy it before changing it)."""
    store = tmp_path_factory.mktemp("fault-october") / "census.db"
    assert run("dedupe", months[0], "--store", store)[0] == 0
    return store
