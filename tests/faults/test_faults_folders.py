"""A dedupe folder is one run: built beside, swapped in whole, checked when read; and no
command writes over its own inputs (issue 15: 2, 3)."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import run

from adcensus import write
from adcensus.outputs import run_id_of

NAMES = ("ads.csv", "persons.csv", "pairs.csv", "rejected.csv", "summary.json")


def contents(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in NAMES}


@pytest.fixture
def old_folder(months, tmp_path: Path) -> Path:
    """A dedupe folder of the October file, with a note of the analyst's beside."""
    out = tmp_path / "out"
    assert run("dedupe", months[0], "-o", out)[0] == 0
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    return out


def full_disk_at(monkeypatch: pytest.MonkeyPatch, name: str, error: BaseException) -> None:
    """The disk fills (or `error` strikes) while the file `name` is flushed."""
    real = write.os.fsync

    def fsync(fd: int) -> None:
        if f".{name}." in os.readlink(f"/proc/self/fd/{fd}"):
            raise error
        real(fd)

    monkeypatch.setattr(write.os, "fsync", fsync)


@pytest.mark.parametrize("name", ["persons.csv", "rejected.csv", "summary.json"])
def test_a_full_disk_leaves_the_old_folder_whole(old_folder, months, monkeypatch, name) -> None:
    before = contents(old_folder)
    full_disk_at(monkeypatch, name, OSError(errno.ENOSPC, "No space left on device"))
    code, _, err = run("dedupe", months[1], "-o", old_folder, "--force")
    assert code == 1
    error = err[err.index("error:") :]
    assert f"{old_folder / name}: cannot write (No space left on device)" in error
    assert "(the folder is as it was)" in error
    assert contents(old_folder) == before
    assert (old_folder / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert sorted(p.name for p in old_folder.parent.iterdir()) == ["out"]
    monkeypatch.undo()
    assert run("tally", old_folder, "--by", "city")[0] == 0


def test_ctrl_c_while_writing_leaves_the_old_folder_whole(old_folder, months, monkeypatch) -> None:
    before = contents(old_folder)
    full_disk_at(monkeypatch, "pairs.csv", KeyboardInterrupt())
    assert run("dedupe", months[1], "-o", old_folder, "--force")[0] == 130
    assert contents(old_folder) == before
    assert sorted(p.name for p in old_folder.parent.iterdir()) == ["out"]


def test_a_replaced_folder_keeps_the_files_adcensus_did_not_write(old_folder, months) -> None:
    (old_folder / "review.jsonl").write_text("", encoding="utf-8")
    assert run("dedupe", months[1], "-o", old_folder, "--force")[0] == 0
    assert (old_folder / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert (old_folder / "review.jsonl").exists()
    assert sorted(p.name for p in old_folder.parent.iterdir()) == ["out"]


def test_the_run_id_and_file_hashes_are_derived_from_content(months, tmp_path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, month in ((a, months[0]), (b, months[0]), (c, months[1])):
        assert run("dedupe", month, "-o", out)[0] == 0
    assert contents(a) == contents(b)  # byte-identical, summary.json included
    summary = json.loads((a / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["files"]) == {"ads.csv", "persons.csv", "pairs.csv", "rejected.csv"}
    assert summary["files"]["ads.csv"] == write.file_fingerprint(a / "ads.csv")
    assert summary["run_id"] == run_id_of(summary["files"])
    assert summary["run_id"] != json.loads((c / "summary.json").read_text())["run_id"]


READERS = [
    ["tally", "{out}", "--by", "city"],
    ["estimate", "{out}"],
    ["report", "{out}", "-o", "{tmp}/report.html"],
    ["review", "{out}", "--export", "{tmp}/review.xlsx"],
    ["explain", "{out}", "P0"],
    ["evaluate", "{out}", "{tmp}/truth.csv"],
]


CASES = [
    (command, name)
    for command in READERS
    for name in ("ads.csv", "persons.csv", "pairs.csv")
    if command[0] != "evaluate" or name == "ads.csv"  # evaluate reads ads.csv alone
]


@pytest.mark.parametrize(("command", "name"), CASES, ids=[f"{c[0]}-{n}" for c, n in CASES])
def test_every_reader_refuses_a_mixed_folder(months, tmp_path, command, name) -> None:
    out, other = tmp_path / "out", tmp_path / "other"
    assert run("dedupe", months[0], "-o", out)[0] == 0
    assert run("dedupe", months[1], "-o", other)[0] == 0
    (tmp_path / "truth.csv").write_text("ad_id,person_id\nA0001,p1\n", encoding="utf-8")
    shutil.copyfile(other / name, out / name)  # what a failed write used to leave
    args = [a.format(out=out, tmp=tmp_path) for a in command]
    code, _, err = run(*args)
    assert code == 2, err
    assert f"{out} is a mixed folder: {name} does not belong to this run" in err
    assert "(re-run adcensus dedupe)" in err


def test_a_folder_of_an_older_version_is_still_read(old_folder) -> None:
    summary = json.loads((old_folder / "summary.json").read_text(encoding="utf-8"))
    del summary["files"], summary["run_id"]
    (old_folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    assert run("tally", old_folder, "--by", "city")[0] == 0
    assert run("estimate", old_folder)[0] == 0


# Item 3: never write over an input.


def test_report_never_writes_over_the_folder_it_reads(old_folder) -> None:
    before = contents(old_folder)
    for force in ([], ["--force"]):
        code, _, err = run("report", old_folder, "-o", old_folder / "ads.csv", *force)
        assert code == 2
        assert "is an input of this command" in err and "choose another -o" in err
    assert contents(old_folder) == before


def test_report_refuses_an_existing_file_unless_force(old_folder, tmp_path) -> None:
    target = tmp_path / "mine.html"
    target.write_text("keep me", encoding="utf-8")
    code, _, err = run("report", old_folder, "-o", target)
    assert code == 2 and "exists; add --force" in err
    assert target.read_text(encoding="utf-8") == "keep me"
    assert run("report", old_folder, "-o", target, "--force")[0] == 0
    assert target.read_text(encoding="utf-8") != "keep me"


def test_tally_refuses_an_existing_file_unless_force(old_folder, tmp_path) -> None:
    target = tmp_path / "counts.csv"
    target.write_text("keep me", encoding="utf-8")
    code, _, err = run("tally", old_folder, "--by", "city", "-o", target)
    assert code == 2 and "exists; add --force" in err
    assert target.read_text(encoding="utf-8") == "keep me"
    assert run("tally", old_folder, "--by", "city", "-o", target, "--force")[0] == 0
    assert target.read_text(encoding="utf-8-sig").startswith("city;")


def test_dedupe_never_replaces_the_folder_of_its_input(old_folder) -> None:
    before = contents(old_folder)
    code, _, err = run("dedupe", old_folder / "ads.csv", "-o", old_folder, "--force")
    assert code == 2 and "is an input of this command" in err
    assert contents(old_folder) == before


@pytest.mark.parametrize(
    "command",
    [
        ["dedupe", "{ads}", "-o", "{ads}", "--force"],
        ["dedupe", "{ads}", "-o", "{tmp}", "--force"],
        ["dedupe", "{ads}", "--store", "{ads}"],
        ["dedupe", "{ads}", "-o", "{tmp}/o", "--config", "{tmp}/o/adcensus.toml"],
        ["store", "export", "{store}", "-o", "{tmp}", "--force"],
        ["store", "export", "{store}", "-o", "{store}", "--force"],
        ["dedupe", "{ads}", "--store", "{store}", "-o", "{tmp}", "--force"],
        ["review", "{store}", "--export", "{store}", "--force"],
        ["report", "{store}", "-o", "{store}", "--force"],
        ["tally", "{ads}", "-o", "{ads}", "--force"],
    ],
    ids=lambda c: " ".join(c),
)
def test_no_command_writes_over_its_input(months, october, tmp_path, command) -> None:
    ads, store = tmp_path / "ads.csv", tmp_path / "census.db"
    shutil.copyfile(months[0], ads)
    shutil.copyfile(october, store)
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "adcensus.toml").write_text("", encoding="utf-8")
    before = {p: p.read_bytes() for p in (ads, store)}
    code, _, err = run(*[a.format(ads=ads, store=store, tmp=tmp_path) for a in command])
    assert code == 2, err
    assert "is an input of this command" in err
    assert {p: p.read_bytes() for p in (ads, store)} == before


def test_the_workbook_belongs_to_its_run_too(old_folder, months) -> None:
    assert run("dedupe", months[0], "-o", old_folder, "--force", "--format", "xlsx")[0] == 0
    summary = json.loads((old_folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["files"]["adcensus.xlsx"] == write.file_fingerprint(old_folder / "adcensus.xlsx")
    # A run without the workbook replaces the folder: no workbook of the older run stays.
    assert run("dedupe", months[1], "-o", old_folder, "--force")[0] == 0
    assert not (old_folder / "adcensus.xlsx").exists()
    assert (old_folder / "notes.txt").exists()


def test_a_workbook_copied_into_a_folder_is_refused(old_folder, months, tmp_path) -> None:
    other = tmp_path / "other"
    assert run("dedupe", months[1], "-o", other, "--format", "xlsx")[0] == 0
    shutil.copyfile(other / "adcensus.xlsx", old_folder / "adcensus.xlsx")
    code, _, err = run("estimate", old_folder)
    assert code == 2
    assert "is a mixed folder: adcensus.xlsx does not belong to this run" in err
