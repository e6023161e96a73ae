"""`store forget` on a full disk, and on an SQLite whose secure_delete is off (issue 15: 6)."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import run

from adcensus.store import forget as forget_module
from adcensus.store import schema


def a_person(store: Path) -> tuple[str, str]:
    """A person with one phone number no one else shows: (person id, number)."""
    with contextlib.closing(sqlite3.connect(store)) as conn:
        return conn.execute(
            "SELECT person_id, phones FROM persons WHERE status = 'active'"
            " AND phones NOT LIKE '%;%' AND phones != '' ORDER BY ads DESC LIMIT 1"
        ).fetchone()


@pytest.fixture
def store(october: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the October store, opened by an SQLite whose secure_delete is off by
    default (SQLite's own default; this machine's build may differ)."""
    copy = Path(shutil.copy(october, tmp_path / "census.db"))
    real_connect = sqlite3.connect

    def connect_secure_delete_off(*args, **kwargs):  # type: ignore[no-untyped-def]
        conn = real_connect(*args, **kwargs)
        conn.execute("PRAGMA secure_delete = OFF")
        return conn

    monkeypatch.setattr(schema.sqlite3, "connect", connect_secure_delete_off)
    return copy


def full_disk(conn: sqlite3.Connection) -> None:
    raise sqlite3.OperationalError("database or disk is full")


def test_a_forget_whose_vacuum_fails_says_what_was_done_and_a_retry_finishes(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    person, phone = a_person(store)
    monkeypatch.setattr(forget_module, "compact", full_disk)
    code, _, err = run("store", "forget", store, "--phone", phone, "--yes")
    assert code == 1
    assert "forgot 1 person id(s)" in err and "run `adcensus store forget` again" in err
    assert "as it was" not in err and phone not in err
    # secure_delete: the number is gone from the file even without the vacuum.
    assert phone.encode() not in store.read_bytes()
    with contextlib.closing(sqlite3.connect(store)) as conn:
        found = conn.execute("SELECT COUNT(*) FROM persons WHERE person_id = ?", (person,))
        assert found.fetchone() == (0,)
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] > 0
    monkeypatch.undo()
    code, _, err = run("store", "forget", store, "--phone", phone, "--dry-run")
    assert code == 0 and "compact the file after the earlier forget" in err
    code, _, err = run("store", "forget", store, "--phone", phone)
    assert code == 0, err
    assert "finished the earlier forget" in err
    with contextlib.closing(sqlite3.connect(store)) as conn:
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert conn.execute("SELECT value FROM meta WHERE key = 'compact_pending'").fetchall() == []
    # Once finished, a forget of the same number has nothing to do again.
    code, _, err = run("store", "forget", store, "--phone", phone, "--yes")
    assert code == 2 and "nothing to forget" in err


def test_every_store_connection_deletes_securely(store: Path) -> None:
    conn = schema.connect(store)
    try:
        assert conn.execute("PRAGMA secure_delete").fetchone() == (1,)
    finally:
        conn.close()
