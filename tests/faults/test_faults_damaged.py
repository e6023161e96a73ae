"""A damaged store: one line saying so, from every command, with no ad in it (issue 15: 10)."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import run

COMMANDS = [
    ["store", "info", "{store}"],
    ["store", "export", "{store}", "-o", "{tmp}/out"],
    ["tally", "{store}", "--by", "city"],
    ["dedupe", "{ads}", "--store", "{store}"],
    ["store", "forget", "{store}", "--person", "P000001", "--yes"],
    ["store", "check", "{store}"],
]


def damage(store: Path, seed: int) -> None:
    """Flip 20 bytes of the store's pages (never the 100-byte file header)."""
    data = bytearray(store.read_bytes())
    rng = random.Random(seed)
    page = 4096
    for _ in range(20):
        # The start of a page holds its b-tree header: damage there is always structural.
        at = rng.randrange(1, len(data) // page) * page + rng.randrange(0, 12)
        data[at] ^= 0xFF
    store.write_bytes(bytes(data))


def stored_values(store: Path) -> list[str]:
    conn = sqlite3.connect(store)
    try:
        rows = conn.execute("SELECT url, phones, city FROM ads").fetchall()
    finally:
        conn.close()
    return [v for row in rows for value in row if value for v in value.split(";") if len(v) > 4]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_damaged_store_is_named_damaged_in_one_line(
    args: list[str], seed: int, october: Path, months, tmp_path: Path
) -> None:
    store = Path(shutil.copy(october, tmp_path / "census.db"))
    values = stored_values(store)
    damage(store, seed)
    code, out, err = run(*(a.format(store=store, tmp=tmp_path, ads=months[1]) for a in args))
    assert code == 2, err
    assert err.count("\n") == 1 and "damaged: restore it from a backup" in err, err
    assert out == "" and "unexpected" not in err and "Traceback" not in err
    assert not [v for v in values if v in err]


def test_store_check_says_ok_on_a_sound_store(october: Path) -> None:
    code, _, err = run("store", "check", october)
    assert code == 0 and "ok, no damage found" in err


def test_an_unexpected_error_quotes_no_url_or_number() -> None:
    from adcensus.cli.base import without_data

    text = "could not convert 'Sonia 06 12 34 56 78 https://ads.example/a/1 s@x.fr' to float"
    assert without_data(text) == "could not convert 'Sonia … … …' to float"
