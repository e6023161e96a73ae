"""Settings out of range, Ctrl-C while starting, 10,000 repeated headers, `-` twice
(issue 15: 11)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run

from adcensus.errors import InputError
from adcensus.read import read_ads
from adcensus.settings import RANGES, Settings, load_settings, parse_setting


@pytest.mark.parametrize(
    "spec",
    [
        "link_threshold=5",
        "link_threshold=-0.1",
        "doubtful_margin=2",
        "block_window=-5",
        "block_window=0",
        "max_phones=-1",
        "max_phones=0",
        "name_window=0",
        "em_min_pairs=-1",
        "text_key_max_ads=1",
        "boilerplate_min_ads=0",
        "block_window=100000000",
    ],
)
def test_a_setting_out_of_its_range_is_refused(spec: str, months, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="must be between"):
        parse_setting(spec)
    code, out, err = run("dedupe", months[0], "-o", tmp_path / "out", "--set", spec)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"--set: setting {spec.split('=')[0]!r} must be between" in err
    assert not (tmp_path / "out").exists()


def test_every_numeric_setting_has_a_range_and_the_defaults_are_in_it() -> None:
    numeric = {
        name
        for name, value in Settings().to_dict().items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    assert numeric == set(RANGES)
    for name in numeric:
        low, high = RANGES[name]
        assert low <= getattr(Settings(), name) <= high


def test_a_settings_file_and_the_library_are_held_to_the_ranges(tmp_path: Path) -> None:
    path = tmp_path / "adcensus.toml"
    path.write_text("[link]\nmax_phones = -1\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"{path.name}: setting 'max_phones' must be between"):
        load_settings(path)
    with pytest.raises(InputError, match="must be between"):
        Settings(link_threshold=5.0)


@pytest.mark.parametrize("delay", [0.3, 0.6])
def test_ctrl_c_while_starting_exits_130_without_a_traceback(delay: float, months) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "adcensus", "dedupe", str(months[0]), "-o", "never"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "Traceback" not in err and err.count("\n") <= 1 and out == ""
    assert not Path("never").exists()


def test_ten_thousand_repeated_headers_give_one_line(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(";".join(["x"] * 10_000) + ";tel\n" + "1;" * 10_000 + "0639981001\n")
    started = time.monotonic()
    table = read_ads(path)
    assert time.monotonic() - started < 30
    about = [n for n in table.notes if "header" in n.removeprefix(str(path))]
    assert about == [
        f"{path}: 9,999 columns repeat a header ('x' 10,000 times); each repeat is named "
        "after it with .2, .3, … (e.g. 'x.2')."
    ]
    assert all(len(n) < 500 for n in table.notes)
    assert list(table.frame.columns[:3]) == ["x", "x.2", "x.3"]
    code, _, err = run("dedupe", path, "-o", tmp_path / "out")
    assert code == 0 and "columns not used: x, x.2" in err and "and 9,970 more." in err
    assert err.count("repeat a header") == 1 and len(err) < 5_000


def test_two_repeated_headers_still_get_a_note_each(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text("tel;tel;;ville;ville\n0639981001;0639981002;a;Lens;Arras\n")
    notes = read_ads(path).notes
    assert f"{path}: column 2 repeats the header 'tel'; it is named 'tel.2'." in notes
    assert f"{path}: column 5 repeats the header 'ville'; it is named 'ville.2'." in notes
    assert f"{path}: column 3 has no header; it is named 'column_3'." in notes


@pytest.mark.parametrize("store", [False, True], ids=["folder", "store"])
def test_stdin_given_twice_is_refused_clearly(store: bool, tmp_path: Path) -> None:
    where = ["--store", tmp_path / "s.db"] if store else ["-o", tmp_path / "out"]
    code, _, err = run("dedupe", "-", "-", *where)
    assert code == 2 and "given more than once" in err and "is empty" not in err
    assert not (tmp_path / "s.db").exists()
