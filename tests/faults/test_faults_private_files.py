"""Files holding personal data are 0600; weak keys are refused (issue 15: 7)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from conftest import run

from adcensus.errors import InputError
from adcensus.privacy import load_key
from adcensus.privacy.keys import KEY_ENV, parse_key


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():  # type: ignore[no-untyped-def]
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_every_output_file_is_readable_by_its_owner_only(months, tmp_path, usual_umask) -> None:
    out, store = tmp_path / "out", tmp_path / "census.db"
    assert run("dedupe", months[0], "-o", out)[0] == 0
    assert run("dedupe", months[0], "--store", store)[0] == 0
    assert run("store", "export", store, "-o", tmp_path / "export")[0] == 0
    key = tmp_path / "key"
    assert run("keygen", "-o", key)[0] == 0
    written = [*out.iterdir(), *(tmp_path / "export").iterdir(), store, key]
    assert {p.name: mode(p) for p in written} == {p.name: 0o600 for p in written}


def test_an_overwritten_output_file_becomes_private(months, tmp_path, usual_umask) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "ads.csv").write_text("old")
    os.chmod(out / "ads.csv", 0o644)
    assert run("dedupe", months[0], "-o", out, "--force")[0] == 0
    assert mode(out / "ads.csv") == 0o600


@pytest.mark.parametrize(
    "text",
    ["00" * 32, "ff" * 16, "0102" * 16, "deadbeef" * 8, "QUFBQUFBQUFBQUFBQUFBQUFBQUFB"],
    ids=["zeros", "ones", "pattern", "word", "base64-A"],
)
def test_a_weak_key_is_refused_with_a_clear_message(text: str, monkeypatch) -> None:
    with pytest.raises(InputError, match=r"weak key .*adcensus keygen"):
        parse_key(text, "key file k")
    monkeypatch.setenv(KEY_ENV, text)
    with pytest.raises(InputError, match="weak key"):
        load_key(None)


def test_a_random_key_is_accepted() -> None:
    assert len(parse_key(os.urandom(16).hex(), "k")) == 16
    assert len(parse_key(os.urandom(32).hex(), "k")) == 32
