"""`adcensus review` driven through a real pseudo-terminal, as a person at a keyboard would.

Single keys (no Enter), Ctrl-C in the middle, a closed terminal, and a second run that
resumes where the first stopped. The folder is the hand-written dedupe output of
test_review.py, whose doubtful queue is C1-C2, B1-B2, D1-D2, E1-E2, E1-E3 and three
links inside a person of ten ads.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import pexpect
import pytest
from test_review import write_folder

from adcensus.review import standing_records

ROOT = Path(__file__).resolve().parent.parent


def spawn(*args: str, command: str | None = None) -> pexpect.spawn:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
    }
    if command is not None:
        return pexpect.spawn(
            "/bin/sh", ["-c", command], dimensions=(50, 140), encoding="utf-8", timeout=30, env=env
        )
    return pexpect.spawn(
        sys.executable,
        ["-m", "adcensus", "review", *args],
        dimensions=(50, 140),
        encoding="utf-8",
        timeout=30,
        env=env,
    )


def screen(child: pexpect.spawn, counter: str) -> str:
    """Wait for the screen showing `counter` to be drawn in full; return it."""
    child.expect_exact("adcensus review ")
    child.expect_exact(counter)
    head = str(child.before)
    child.expect_exact(" quit")
    return head + counter + str(child.before)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "out")


def records(folder: Path) -> list[tuple[str, str, str]]:
    lines = (folder / "review.jsonl").read_text(encoding="utf-8").splitlines()
    return [(r["ad_a"], r["ad_b"], r["decision"]) for r in map(json.loads, lines)]


def test_keys_undo_ctrl_c_and_resume(folder):
    child = spawn(str(folder))
    first = screen(child, "pair 1 of 3 · 3 left")
    assert "mode: doubtful links" in first and "ad A  C1" in first
    child.send("y")  # one key, no Enter
    second = screen(child, "pair 2 of 3 · 2 left")
    assert "ad A  B1" in second and "+33 6 •• •• •• 01" in second and "06 39 98" not in second
    assert "\x1b[1;31m" in second and "\x1b[1;32m" in second  # the texts' differences
    child.send("n")
    screen(child, "pair 3 of 3 · 1 left")
    child.send("u")  # back to B1-B2: the "n" is undone
    undone = screen(child, "pair 2 of 3 · 2 left")
    assert "undone" in undone and "ad A  B1" in undone
    child.send("s")
    assert "ad A  D1" in screen(child, "pair 3 of 3 · 2 left")  # the skipped pair is left
    child.sendintr()  # Ctrl-C
    child.expect_exact("1 decision saved")
    child.expect_exact("2 pairs left; run again to resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert records(folder) == [
        ("C1", "C2", "y"), ("B1", "B2", "n"), ("B1", "B2", "s"), ("B1", "B2", "s")
    ]  # fmt: skip

    again = spawn(str(folder))  # resumes at D1-D2; the skipped B1-B2 waits at the end
    resumed = screen(again, "pair 1 of 2 · 2 left")  # as many as the last session left
    assert "ad A  D1" in resumed and "ad B  D2" in resumed
    again.send("n")
    screen(again, "pair 2 of 2 · 1 left")
    again.send("q")
    again.expect_exact("1 decision saved")
    again.expect_exact("1 pair left")
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 0
    standing = standing_records(folder / "review.jsonl")
    assert set(zip(standing["ad_a"], standing["decision"], strict=True)) == {
        ("C1", "y"), ("B1", "s"), ("D1", "n")
    }  # fmt: skip


def test_a_closed_terminal_loses_no_answer(folder):
    child = spawn(str(folder))
    screen(child, "pair 1 of 3")
    child.send("n")
    screen(child, "pair 2 of 3")
    child.close(force=True)  # the terminal goes away: SIGHUP, then worse
    assert records(folder) == [("C1", "C2", "n")]
    again = spawn(str(folder))
    assert "ad A  B1" in screen(again, "pair 1 of 2")
    again.send("q")
    again.expect(pexpect.EOF)
    again.close()


def test_sample_mode_says_so_and_the_terminal_is_restored(folder):
    # quoted: a clone's path may hold spaces ("clone été test")
    review = shlex.join([sys.executable, "-m", "adcensus", "review", str(folder)])
    review += " --sample 2 --seed 5"
    child = spawn(command=f"{review}; echo; stty -a")
    assert "mode: random sample of links" in screen(child, "pair 1 of 2")
    child.send("y")
    screen(child, "pair 2 of 2")
    child.send("n")
    child.expect_exact("done: 2 decisions saved")
    child.expect(pexpect.EOF)
    settings = str(child.before)
    child.close()
    assert " icanon" in settings and " echo" in settings  # not left in cbreak mode
    sample = standing_records(folder / "review.jsonl", "sample")
    assert sorted(sample["decision"]) == ["n", "y"]
