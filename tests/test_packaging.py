"""The installed package holds every file it reads, not only the editable clone does."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_data_file_of_the_package_is_declared_for_the_wheel() -> None:
    # `pip install .` (the README's first command) left origins.toml out of the wheel:
    # dedupe then failed on every census, while the editable install of the tests worked.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["adcensus"]
    package = ROOT / "adcensus"
    data = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    assert data, "the package has data files (origins.toml at least)"
    missing = [name for name in data if not any(fnmatch(name, p) for p in patterns)]
    assert missing == []
