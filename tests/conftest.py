from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


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
