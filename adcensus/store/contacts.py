"""The contact log of a census store: who the team reached, when, and what came of it.

A contact entry holds a status (CONTACT_STATUSES), a day and an optional note id (a
reference into the team's own files), never what was written or said. It is tied to
the ad keys its person had when it was recorded (`contact_ads`), not to the person id
alone, because ids change: when a later load merges that person into another, the
entry follows its ads to the survivor; when a load splits the person, the entry stays
with the part that holds most of those ads (ties: the part holding the oldest one),
the part that keeps the person's id (adcensus.store.reconcile). Reading the log
(`contact_log`) resolves every entry to the person id in use now.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from adcensus.errors import InputError
from adcensus.store.export import reading
from adcensus.store.schema import (
    CONTACT_STATUSES,
    ensure_schema,
    has_table,
    translate_errors,
    utc_now,
    writing,
)

# Levels of the follow-up funnel: the statuses that count as each.
REPLIED_STATUSES: tuple[str, ...] = ("replied", "declined", "support")
SUPPORT_STATUSES: tuple[str, ...] = ("support",)
NOTE_ID_MAX = 40  # characters: an id into the team's notes, not a note
CONTACT_LOG_COLUMNS: tuple[str, ...] = (
    "contact_id", "person_id", "status", "date", "note_id", "recorded_at", "recorded_as",
)  # fmt: skip


@dataclass(frozen=True)
class ContactEntry:
    """One contact to record: a person id (current or merged), a status, a day YYYY-MM-DD.

    `where` names the entry in messages ("contacts.xlsx, row 4"); empty for one given
    on the command line.
    """

    person_id: str
    status: str
    date: str
    note_id: str | None = None
    where: str = ""


def check_entry(entry: ContactEntry) -> None:
    """Raise InputError when a status, day or note id cannot be recorded as given."""
    at = f"{entry.where}: " if entry.where else ""
    if entry.status not in CONTACT_STATUSES:
        raise InputError(f"{at}status {entry.status!r} is not one of {', '.join(CONTACT_STATUSES)}")
    try:
        pd.Timestamp(entry.date)
        valid = len(entry.date) == 10 and entry.date[4] == "-" and entry.date[7] == "-"
    except ValueError:
        valid = False
    if not valid:
        raise InputError(f"{at}date {entry.date!r} is not a day such as 2026-11-02")
    if entry.note_id is not None and len(entry.note_id) > NOTE_ID_MAX:
        raise InputError(
            f"{at}note id of {len(entry.note_id)} characters: give an id of up to "
            f"{NOTE_ID_MAX} (a reference to your notes, never the note itself)"
        )


def record_contacts(store: Path, entries: Sequence[ContactEntry]) -> list[str]:
    """Add `entries` to the store's contact log, in one transaction; return each one's
    current person id.

    A merged person id is recorded for the person it was merged into. Every entry is
    checked before anything is written: an unknown person, status or day is an
    InputError naming the entry, and nothing is recorded. A store of schema 1 is
    migrated first (adcensus.store.schema.migrate).
    """
    for entry in entries:
        check_entry(entry)
    store = Path(store)
    with writing(store) as conn, translate_errors(store):
        conn.execute("BEGIN IMMEDIATE")
        ensure_schema(conn, store)
        now = utc_now()
        current: list[str] = []
        for entry in entries:
            person = _current_id(conn, store, entry)
            keys = [
                row[0]
                for row in conn.execute(
                    "SELECT ad_key FROM ads WHERE person_id = ? ORDER BY ad_no", (person,)
                )
            ]
            contact_id = conn.execute(
                "INSERT INTO contacts (recorded_at, person_id, status, date, note_id)"
                " VALUES (?, ?, ?, ?, ?)",
                (now, person, entry.status, entry.date, entry.note_id),
            ).lastrowid
            conn.executemany(
                "INSERT INTO contact_ads (contact_id, ad_key) VALUES (?, ?)",
                [(contact_id, key) for key in keys],
            )
            current.append(person)
        conn.commit()
    return current


def _current_id(conn: sqlite3.Connection, store: Path, entry: ContactEntry) -> str:
    """The active id `entry.person_id` stands for (the end of its merge chain)."""
    person, seen = entry.person_id.strip(), set()
    while person not in seen:
        seen.add(person)
        row = conn.execute(
            "SELECT status, merged_into FROM persons WHERE person_id = ?", (person,)
        ).fetchone()
        if row is None:
            at = f"{entry.where}: " if entry.where else ""
            raise InputError(
                f"{at}{store} has no person {entry.person_id!r}; ids look like P000012 "
                "(see persons.csv or `adcensus outreach`)"
            )
        if row[0] == "active" or row[1] is None:
            return person
        person = row[1]
    return person


def contact_log(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every contact entry of the open store, resolved to the person id in use now.

    Columns CONTACT_LOG_COLUMNS: `person_id` is the current id, `recorded_as` the id
    when the entry was recorded. Sorted by date, then contact_id. Empty (with these
    columns) for a store of schema 1, which has no log yet.
    """
    if not has_table(conn, "contacts"):
        return pd.DataFrame({name: pd.Series(dtype=object) for name in CONTACT_LOG_COLUMNS})
    shares = pd.read_sql_query(
        "SELECT c.contact_id, a.person_id, COUNT(*) AS ads, MIN(a.ad_no) AS oldest"
        " FROM contact_ads c JOIN ads a ON a.ad_key = c.ad_key"
        " GROUP BY c.contact_id, a.person_id",
        conn,
    )
    home = shares.sort_values(["contact_id", "ads", "oldest"], ascending=[True, False, True])
    home = home.drop_duplicates("contact_id").set_index("contact_id")["person_id"]
    log = pd.read_sql_query(
        "SELECT contact_id, person_id AS recorded_as, status, date, note_id, recorded_at"
        " FROM contacts ORDER BY date, contact_id",
        conn,
        dtype=object,
    )
    # An entry whose person had no ad left when recorded keeps the id it was recorded as.
    log["person_id"] = log["contact_id"].map(home).fillna(log["recorded_as"])
    log["contact_id"] = log["contact_id"].astype(int)
    return log[list(CONTACT_LOG_COLUMNS)].reset_index(drop=True)


def read_contact_log(store: Path) -> pd.DataFrame:
    """`contact_log` of the store at `store`, read in one read transaction."""
    with reading(Path(store)) as conn:
        return contact_log(conn)


def delete_contacts(conn: sqlite3.Connection, person_ids: str, ad_keys: str) -> int:
    """Inside `store forget`'s transaction: delete the entries of the persons forgotten.

    `person_ids` and `ad_keys` are SQL subqueries naming the ids and the ads forgotten.
    An entry goes when it now resolves to a forgotten person or was recorded for one; the
    forgotten ads are taken off the entries that stay (another person's, after a split).
    Returns the entries deleted.
    """
    if not has_table(conn, "contacts"):
        return 0
    resolved = contact_log(conn)
    doomed = {row[0] for row in conn.execute(f"SELECT person_id FROM {person_ids}").fetchall()}
    gone = resolved.loc[
        resolved["person_id"].isin(doomed) | resolved["recorded_as"].isin(doomed), "contact_id"
    ].tolist()
    conn.execute("CREATE TEMP TABLE forget_contacts (contact_id INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO forget_contacts VALUES (?)", [(int(c),) for c in gone])
    conn.execute(
        "DELETE FROM contact_ads WHERE contact_id IN (SELECT contact_id FROM forget_contacts)"
        f" OR ad_key IN {ad_keys}"
    )
    counted = conn.execute(
        "DELETE FROM contacts WHERE contact_id IN (SELECT contact_id FROM forget_contacts)"
    ).rowcount
    conn.execute("DROP TABLE forget_contacts")
    return int(counted)


def funnel_dates(log: pd.DataFrame) -> pd.DataFrame:
    """Per current person id in `log` (`contact_log`), the first day of each funnel level.

    NaT when not reached. Columns contacted (any entry: every status means the team tried), replied (replied,
    declined or support), support (began support). Used by `adcensus tally --funnel`.
    """
    days = pd.to_datetime(log["date"], format="%Y-%m-%d").astype("datetime64[us]")
    frame = pd.DataFrame(
        {
            "person_id": log["person_id"],
            "contacted": days,
            "replied": days.where(log["status"].isin(REPLIED_STATUSES)),
            "support": days.where(log["status"].isin(SUPPORT_STATUSES)),
        }
    )
    return frame.groupby("person_id").min()
