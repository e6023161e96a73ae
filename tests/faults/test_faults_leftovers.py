"""No plain-text copy of personal data is left on disk: pseudonymized exports are
pseudonymized from the start, temporary folders go on every exit the program can catch,
and those of a killed run go at the next run (issue 15: 5)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import run

from adcensus import write


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of this test's own, as $TMPDIR."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_pseudonymized_store_export_writes_no_plain_file(
    october, tmp_path, private_tmp, monkeypatch
) -> None:
    key, out = tmp_path / "key", tmp_path / "export"
    assert run("keygen", "-o", key)[0] == 0
    written: list[Path] = []
    real = write.atomic_write

    def recording(path: Path, writer) -> None:  # type: ignore[no-untyped-def]
        written.append(Path(path))
        real(path, writer)

    monkeypatch.setattr(write, "atomic_write", recording)
    code, _, err = run(
        "store", "export", october, "-o", out, "--pseudonymize", "--key-file", key, "--drop-text"
    )
    assert code == 0, err
    assert written and all(p.parent.name.startswith(".export.adcensus-new-") for p in written)
    assert list(private_tmp.iterdir()) == []


# Holds `adcensus report STORE` once the store is exported to its temporary folder.
HELD_REPORT = """
import sys, time
from pathlib import Path
import adcensus.report as report

def held(folder):
    Path(sys.argv[-1]).touch()
    time.sleep(120)

report._load_folder = held
from adcensus.cli import app
app(sys.argv[1:-1], prog_name="adcensus")
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_report_killed_leaves_no_temporary_folder(october, tmp_path, private_tmp, sig) -> None:
    marker = tmp_path / "held"
    child = subprocess.Popen(
        [sys.executable, "-c", HELD_REPORT, "report", str(october), "-o", str(tmp_path / "r.html"),
         str(marker)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(private_tmp)},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), child.communicate()[1]
    assert [p.name.startswith("adcensus-report-") for p in private_tmp.iterdir()] == [True]
    child.send_signal(sig)
    _, err = child.communicate(timeout=30)
    assert child.returncode == (143 if sig == signal.SIGTERM else 130), err
    assert b"Traceback" not in err
    assert list(private_tmp.iterdir()) == []


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_folders_of_a_killed_run_go_at_the_next_run(october, private_tmp) -> None:
    old = time.time() - 86400  # a day: stale
    stale = private_tmp / f"adcensus-report-{dead_pid()}-abc"
    living = private_tmp / f"adcensus-report-{os.getppid()}-abc"
    young = private_tmp / f"adcensus-review-{dead_pid()}-abc"
    other = private_tmp / "someone-else"
    for folder in (stale, living, young, other):
        folder.mkdir()
        (folder / "ads.csv").write_text("0639981001", encoding="utf-8")
        if folder is not young:
            os.utime(folder, (old, old))
    assert run("store", "info", october)[0] == 0
    assert sorted(p.name for p in private_tmp.iterdir()) == sorted(
        p.name for p in (living, young, other)
    )


def test_the_half_built_folder_of_a_killed_dedupe_goes_at_the_next_run(months, tmp_path) -> None:
    out = tmp_path / "out"
    half = tmp_path / f".out.adcensus-new-{dead_pid()}-abc"
    half.mkdir()
    (half / "ads.csv").write_text("0639981001", encoding="utf-8")
    old = time.time() - 86400  # a day: stale
    os.utime(half, (old, old))
    assert run("dedupe", months[0], "-o", out)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
