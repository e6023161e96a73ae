"""Forget a person: delete their ads and every row about them from a census store.

One transaction deletes the person's ads, their person ids (with the ids merged into
them), their pairs, moves, merges, splits and contact log entries, and replaces their phone numbers by
"(forgotten)" in the evidence left on other rows. The `forgotten` table keeps only when
and how many rows went, never an identifier. SQLite overwrites deleted rows with zeros
(`secure_delete`, set on every store connection), then VACUUM rewrites the file without
its free pages. When the VACUUM fails (a full disk), the deletion stays done, the error
says so, and the store remembers (`meta.compact_pending`) that the next `forget`, even of
someone already forgotten, must finish the job.

A later load of a file that still holds the ads adds them again: delete them from the
source files too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from adcensus.errors import InputError, OutputError, UsageError
from adcensus.phones import extract_phones
from adcensus.store.contacts import delete_contacts
from adcensus.store.schema import translate_errors, utc_now, writing

FORGOTTEN_TABLE = """
CREATE TABLE IF NOT EXISTS forgotten (
    forgotten_id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    persons INTEGER NOT NULL,
    ads INTEGER NOT NULL
)
"""
FORGOTTEN_MARK = "(forgotten)"
COMPACT_PENDING = "compact_pending"  # meta key: a forget committed, its VACUUM not yet done
# The tables whose free text quotes phone numbers (see docs/store-schema.md).
_EVIDENCE = (("ads", "link_reason"), ("pairs", "evidence"), ("merges", "evidence"),
             ("splits", "evidence"))  # fmt: skip


@dataclass(frozen=True)
class Forgotten:
    """What `forget` deleted (or, with `dry_run`, would delete)."""

    store: Path
    persons: int  # person ids deleted: the active ones and the ids merged into them
    ads: int
    dry_run: bool
    # The file was (or, in a dry run, will be) compacted after an earlier forget whose
    # VACUUM failed.
    finished_earlier: bool = False
    contacts: int = 0  # entries of the contact log deleted


def forget(
    store: Path,
    phones: Sequence[str] = (),
    persons: Sequence[str] = (),
    region: str = "FR",
    dry_run: bool = False,
) -> Forgotten:
    """Delete from `store` the persons behind `phones` and the person ids `persons`.

    A phone (any written form, read in `region`) selects every person with an ad showing
    it; a person id may be a merged one (its current id is forgotten). Everything goes
    in one transaction, then the file is vacuumed. With `dry_run`, nothing changes.
    Raises InputError for a phone that cannot be read or an unknown person id.
    """
    if not phones and not persons:
        raise UsageError("say whom to forget: --phone NUMBER or --person ID")
    numbers = [_e164(p, region) for p in phones]
    store = Path(store)
    with writing(store) as conn:
        with translate_errors(store):
            conn.execute("BEGIN IMMEDIATE")
            pending = _compact_pending(conn)
            try:
                active = _active_ids(conn, store, numbers, persons)
            except InputError:
                if not pending:
                    raise
                active = set()  # forgotten by the earlier forget, whose VACUUM failed
            ids = _with_merged(conn, active)
            counted, contacts = _delete(conn, ids, numbers)
            if dry_run:
                conn.rollback()
                return Forgotten(store, len(ids), counted, dry_run, pending, contacts)
            if ids:
                conn.execute(FORGOTTEN_TABLE)
                conn.execute(
                    "INSERT INTO forgotten (at, persons, ads) VALUES (?, ?, ?)",
                    (utc_now(), len(ids), counted),
                )
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    (COMPACT_PENDING, utc_now()),
                )
            conn.commit()
        try:
            compact(conn)
            conn.execute("DELETE FROM meta WHERE key = ?", (COMPACT_PENDING,))
        except (sqlite3.Error, OSError) as exc:
            done = f"forgot {len(ids):,} person id(s) and {counted:,} ad(s)" if ids else "nothing"
            raise OutputError(
                f"{store}: {done} (saved: their rows are deleted and overwritten), but could "
                f"not compact the file afterwards ({exc}); free space and run "
                "`adcensus store forget` again to finish"
            ) from None
    return Forgotten(store, len(ids), counted, dry_run, pending, contacts)


def compact(conn: sqlite3.Connection) -> None:
    """Rewrite the store without its free pages (what deleted rows leave behind)."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")


def _compact_pending(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM meta WHERE key = ?", (COMPACT_PENDING,)).fetchone()
    return row is not None


def _e164(phone: str, region: str) -> str:
    found = extract_phones(phone, region)
    if len(found) != 1:
        raise InputError(
            f"--phone {phone!r}: expected one phone number, such as 06 12 34 56 78 or +33612345678"
        )
    return found[0].e164


def _active_ids(
    conn: sqlite3.Connection, store: Path, numbers: list[str], persons: Sequence[str]
) -> set[str]:
    """The active person ids to forget: the persons of ads showing `numbers`, and `persons`."""
    active: set[str] = set()
    for number in numbers:
        rows = conn.execute(
            "SELECT DISTINCT person_id FROM ads WHERE ';' || phones || ';' LIKE ?",
            (f"%;{number};%",),
        ).fetchall()
        if not rows:
            raise InputError(f"{store}: no ad shows the phone number given; nothing to forget")
        active |= {r[0] for r in rows}
    for person in persons:
        seen: set[str] = set()
        current = person
        while current not in seen:
            seen.add(current)
            row = conn.execute(
                "SELECT merged_into FROM persons WHERE person_id = ?", (current,)
            ).fetchone()
            if row is None:
                raise InputError(f"{store}: no person {person!r}; ids look like P000012")
            if row[0] is None:
                break
            current = row[0]
        active.add(current)
    return active


def _with_merged(conn: sqlite3.Connection, active: set[str]) -> set[str]:
    """`active` and every id merged into one of them, directly or through a chain."""
    ids, frontier = set(active), set(active)
    while frontier:
        marks = ",".join("?" * len(frontier))
        rows = conn.execute(
            f"SELECT person_id FROM persons WHERE merged_into IN ({marks})", sorted(frontier)
        ).fetchall()
        frontier = {r[0] for r in rows} - ids
        ids |= frontier
    return ids


def _delete(conn: sqlite3.Connection, ids: set[str], numbers: list[str]) -> tuple[int, int]:
    """Delete the rows of `ids` and scrub their phone numbers; return the ads and contact
    log entries deleted."""
    conn.execute("CREATE TEMP TABLE forget_ids (person_id TEXT PRIMARY KEY)")
    conn.executemany("INSERT INTO forget_ids VALUES (?)", [(i,) for i in sorted(ids)])
    conn.execute(
        "CREATE TEMP TABLE forget_ads AS SELECT ad_key, phones FROM ads"
        " WHERE person_id IN (SELECT person_id FROM forget_ids)"
    )
    theirs = set(numbers)
    for (found,) in conn.execute("SELECT phones FROM forget_ads").fetchall():
        theirs |= {p for p in found.split(";") if p}
    for (found,) in conn.execute(
        "SELECT phones FROM persons WHERE person_id IN (SELECT person_id FROM forget_ids)"
    ).fetchall():
        theirs |= {p.strip() for p in (found or "").split(";") if p.strip()}
    ad_keys = "(SELECT ad_key FROM forget_ads)"
    person_ids = "(SELECT person_id FROM forget_ids)"
    conn.execute(f"DELETE FROM pairs WHERE ad_a IN {ad_keys} OR ad_b IN {ad_keys}")
    conn.execute(f"DELETE FROM moves WHERE ad_key IN {ad_keys}")
    contacts = delete_contacts(conn, person_ids, ad_keys)
    counted = conn.execute(f"DELETE FROM ads WHERE ad_key IN {ad_keys}").rowcount
    conn.execute(
        f"DELETE FROM merges WHERE survivor_id IN {person_ids} OR absorbed_id IN {person_ids}"
    )
    conn.execute(
        f"DELETE FROM splits WHERE person_id IN {person_ids} OR to_person_id IN {person_ids}"
    )
    conn.execute(f"DELETE FROM persons WHERE person_id IN {person_ids}")
    # A number another person still shows (an agency's) stays: their evidence needs it.
    for number in sorted(theirs):
        if _still_shown(conn, number):
            continue
        for table, column in _EVIDENCE:
            conn.execute(
                f"UPDATE {table} SET {column} = replace({column}, ?, ?) WHERE {column} LIKE ?",
                (number, FORGOTTEN_MARK, f"%{number}%"),
            )
    conn.execute("DROP TABLE forget_ids")
    conn.execute("DROP TABLE forget_ads")
    return int(counted), contacts


def _still_shown(conn: sqlite3.Connection, number: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM ads WHERE ';' || phones || ';' LIKE ? LIMIT 1", (f"%;{number};%",)
    ).fetchone()
    return row is not None
