import signal
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent

# A suite started in the background (`nohup … &`, a job without job control) inherits
# SIGINT ignored, and so would every adcensus process it starts: the tests that press
# Ctrl-C on one would wait for it in vain. With a handler here, a child starts with
# SIGINT at its default, as in a terminal (an exec resets handled signals, not ignored
# ones).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def sample_dir() -> Path:
    return ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A census store holding the sample (read only: copy it before changing it)."""
    from typer.testing import CliRunner

    from adcensus.cli import app

    store = tmp_path_factory.mktemp("store") / "census.db"
    sample = ROOT / "data" / "sample" / "ads.csv"
    result = CliRunner().invoke(app, ["dedupe", str(sample), "--store", str(store)])
    assert result.exit_code == 0, result.stderr
    return store


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's dedupe folder (read only: copy it before changing it)."""
    from typer.testing import CliRunner

    from adcensus.cli import app

    out = tmp_path_factory.mktemp("dedupe") / "sample-adcensus"
    sample = ROOT / "data" / "sample" / "ads.csv"
    result = CliRunner().invoke(app, ["dedupe", str(sample), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def months(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two monthly files (October, November) of a small generated census (read only)."""
    from adcensus.synth import CensusSpec, generate_census

    folder = tmp_path_factory.mktemp("months")
    spec = CensusSpec(ads=120, persons=50, sites=4, start=date(2026, 10, 1), end=date(2026, 11, 30))
    ads, _ = generate_census(spec)
    month = pd.to_datetime(ads["Date de collecte"], format="%d/%m/%Y").dt.month
    paths = folder / "ads-2026-10.csv", folder / "ads-2026-11.csv"
    ads[month == 10].to_csv(paths[0], sep=";", index=False)
    ads[month == 11].to_csv(paths[1], sep=";", index=False)
    return paths
