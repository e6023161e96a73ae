"""Store faults: two first loads at once, a failing first load, private files (issue 15: 1, 7).

Loads run as real processes; a load is held inside its transaction (after it has
rewritten the stored ads) until the test lets it go, so that the second one really
starts while the first holds the store.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

from conftest import run

# A load that opens the store, says so (marker OPENED), and, once it is inside its
# transaction, says so (marker HELD), waits for the file RELEASE, then goes on or fails.
HELD_LOAD = """
import os, sys, time
from pathlib import Path
from adcensus.store import load, persist

def wait_for(name):
    deadline = time.monotonic() + 60
    while not Path(os.environ[name]).exists() and time.monotonic() < deadline:
        time.sleep(0.05)

opened = load.connect
def connect(*args, **kwargs):
    conn = opened(*args, **kwargs)
    Path(os.environ["OPENED"]).touch()
    return conn
load.connect = connect

original = persist.update_stored_ads
def held(conn, *args):
    original(conn, *args)
    Path(os.environ["HELD"]).touch()
    wait_for("RELEASE")
    if os.environ.get("FAIL"):
        raise OSError(28, "No space left on device")

persist.update_stored_ads = held
from adcensus.cli import app
app(sys.argv[1:], prog_name="adcensus")
"""


def start(tmp_path: Path, name: str, *args: str | Path, fail: bool = False) -> subprocess.Popen:
    env = {
        **os.environ,
        "OPENED": str(tmp_path / f"{name}.opened"),
        "HELD": str(tmp_path / f"{name}.held"),
        "RELEASE": str(tmp_path / f"{name}.release"),
        "FAIL": "1" if fail else "",
    }
    return subprocess.Popen(
        [sys.executable, "-c", HELD_LOAD, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for(path: Path, child: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not path.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.exists(), child.communicate()[1]


def ads_in(store: Path) -> int:
    conn = sqlite3.connect(store)
    try:
        return conn.execute("SELECT COUNT(*) FROM ads").fetchone()[0]
    finally:
        conn.close()


def test_two_first_loads_at_once_make_one_store(months, tmp_path) -> None:
    store = tmp_path / "new.db"
    first = start(tmp_path, "first", "dedupe", months[0], "--store", store)
    wait_for(tmp_path / "first.held", first)  # the first load holds the new store
    second = start(tmp_path, "second", "dedupe", months[1], "--store", store)
    wait_for(tmp_path / "second.opened", second)  # the second waits for the lock
    (tmp_path / "first.release").touch()
    (tmp_path / "second.release").touch()
    _, err1 = first.communicate(timeout=60)
    _, err2 = second.communicate(timeout=60)
    assert (first.returncode, second.returncode) == (0, 0), err1 + err2
    assert store.exists()
    _, out, _ = run("store", "info", store, "--json")
    assert '"load_id": 2' in out
    assert ads_in(store) > 0


def test_a_failing_first_load_keeps_a_store_another_load_opened(months, tmp_path) -> None:
    store = tmp_path / "new.db"
    first = start(tmp_path, "first", "dedupe", months[0], "--store", store, fail=True)
    wait_for(tmp_path / "first.held", first)
    second = start(tmp_path, "second", "dedupe", months[1], "--store", store)
    wait_for(tmp_path / "second.opened", second)
    (tmp_path / "second.release").touch()
    (tmp_path / "first.release").touch()  # the first fails: a full disk
    _, err1 = first.communicate(timeout=60)
    _, err2 = second.communicate(timeout=60)
    assert first.returncode == 1 and "No space left" in err1
    assert second.returncode == 0, err2
    assert store.exists() and ads_in(store) > 0


def test_a_failing_first_load_alone_leaves_no_file(months, tmp_path) -> None:
    store = tmp_path / "new.db"
    first = start(tmp_path, "first", "dedupe", months[0], "--store", store, fail=True)
    wait_for(tmp_path / "first.held", first)
    (tmp_path / "first.release").touch()
    _, err = first.communicate(timeout=60)
    assert first.returncode == 1, err
    assert sorted(p.name for p in tmp_path.iterdir() if "new.db" in p.name) == []


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_is_readable_by_its_owner_only(months, tmp_path) -> None:
    store = tmp_path / "census.db"
    old = os.umask(0o022)
    try:
        assert run("dedupe", months[0], "--store", store)[0] == 0
    finally:
        os.umask(old)
    assert mode(store) == 0o600
