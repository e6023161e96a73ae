"""Worker processes die with their parent, even after `kill -9` (issue 15: 9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adcensus import parallel

# A parent that runs four slow chunks in two workers; each worker writes its pid.
PARENT = """
import os, sys, time
from pathlib import Path
from adcensus.parallel import map_chunks

def slow(data, start, stop):
    Path(sys.argv[1], str(os.getpid())).touch()
    time.sleep(120)
    return stop

for _ in map_chunks(slow, None, rows=4, workers=2, chunk=1):
    pass
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_workers_die_when_their_parent_is_killed(tmp_path: Path) -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(tmp_path)])
    deadline = time.monotonic() + 60
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.name) for p in tmp_path.iterdir()]
    assert len(workers) == 2 and all(alive(w) for w in workers)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [w for w in workers if alive(w)]
    for w in survivors:
        os.kill(w, signal.SIGKILL)
    assert survivors == []


def test_without_prctl_a_watchdog_ends_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    ended: list[int] = []
    started: list[object] = []
    monkeypatch.setattr(parallel, "_ask_kernel_to_kill_on_parent_death", lambda: False)
    monkeypatch.setattr(parallel.threading, "Thread", lambda **kw: started.append(kw) or _Noop())
    monkeypatch.setattr(parallel.os, "_exit", ended.append)
    parallel.die_with_parent(os.getppid())
    assert len(started) == 1 and ended == []
    parallel.die_with_parent(os.getppid() + 1_000_000)  # a parent already gone
    assert ended == [1]
    monkeypatch.setattr(parallel.os, "getppid", iter([7, 7, 1]).__next__)
    monkeypatch.setattr(parallel.time, "sleep", lambda s: None)
    parallel._watch_parent(7)
    assert ended == [1, 1]


class _Noop:
    def start(self) -> None:
        pass
