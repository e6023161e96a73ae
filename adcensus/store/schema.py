"""The census store's SQLite schema, how a store file is opened, and its readable ids.

A store is one SQLite file (see docs/store-schema.md for every table and column).
Ids inside a store are sequential and readable: ads `A000001`, persons `P000001`,
networks `N000001` (the number of the network's smallest person). They are given
in load order and never reused, which is what keeps them stable from month to month.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from adcensus import __version__
from adcensus.errors import AdcensusError, InputError, OutputError

SCHEMA_VERSION = 1
APPLICATION = "adcensus census store"
BUSY_TIMEOUT = 10.0  # seconds a load waits for another load to finish before giving up

SCHEMA = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE loads (
    load_id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    version TEXT NOT NULL,
    settings TEXT NOT NULL,
    rows INTEGER NOT NULL DEFAULT 0,
    added INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    persons_new INTEGER NOT NULL DEFAULT 0,
    merges INTEGER NOT NULL DEFAULT 0,
    splits INTEGER NOT NULL DEFAULT 0,
    ads_moved INTEGER NOT NULL DEFAULT 0,
    ads_total INTEGER NOT NULL DEFAULT 0,
    persons_total INTEGER NOT NULL DEFAULT 0,
    summary TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE files (
    file_id INTEGER PRIMARY KEY,
    load_id INTEGER NOT NULL REFERENCES loads (load_id),
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows INTEGER NOT NULL,
    added INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    roles TEXT NOT NULL,
    columns TEXT NOT NULL
);
CREATE TABLE persons (
    person_no INTEGER PRIMARY KEY,
    person_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('active', 'merged')),
    merged_into TEXT REFERENCES persons (person_id),
    created_load INTEGER NOT NULL REFERENCES loads (load_id),
    updated_load INTEGER NOT NULL REFERENCES loads (load_id),
    network_id TEXT,
    ads INTEGER NOT NULL,
    sites TEXT,
    cities TEXT,
    first_seen TEXT,
    last_seen TEXT,
    names TEXT,
    phones TEXT
);
CREATE TABLE ads (
    ad_no INTEGER PRIMARY KEY,
    ad_key TEXT NOT NULL UNIQUE,
    fingerprint TEXT NOT NULL UNIQUE,
    file_id INTEGER NOT NULL REFERENCES files (file_id),
    row_number INTEGER NOT NULL,
    date TEXT,
    site TEXT,
    city TEXT,
    url TEXT,
    person_id TEXT NOT NULL REFERENCES persons (person_id),
    first_person_id TEXT NOT NULL,
    network_id TEXT NOT NULL,
    phones TEXT NOT NULL,
    link_reason TEXT NOT NULL,
    flags TEXT NOT NULL,
    read_flags TEXT NOT NULL,
    row TEXT NOT NULL
);
CREATE INDEX ads_person_id ON ads (person_id);
CREATE INDEX ads_date ON ads (date);
CREATE TABLE merges (
    merge_id INTEGER PRIMARY KEY,
    load_id INTEGER NOT NULL REFERENCES loads (load_id),
    at TEXT NOT NULL,
    survivor_id TEXT NOT NULL REFERENCES persons (person_id),
    absorbed_id TEXT NOT NULL REFERENCES persons (person_id),
    survivor_ads INTEGER NOT NULL,
    absorbed_ads INTEGER NOT NULL,
    evidence TEXT NOT NULL
);
CREATE TABLE splits (
    split_id INTEGER PRIMARY KEY,
    load_id INTEGER NOT NULL REFERENCES loads (load_id),
    at TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (person_id),
    to_person_id TEXT NOT NULL REFERENCES persons (person_id),
    to_new_person INTEGER NOT NULL,
    ads INTEGER NOT NULL,
    evidence TEXT NOT NULL
);
CREATE TABLE moves (
    move_id INTEGER PRIMARY KEY,
    load_id INTEGER NOT NULL REFERENCES loads (load_id),
    ad_key TEXT NOT NULL REFERENCES ads (ad_key),
    from_person_id TEXT NOT NULL,
    to_person_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('merge', 'split'))
);
CREATE INDEX moves_ad_key ON moves (ad_key);
CREATE TABLE pairs (
    ad_a TEXT NOT NULL,
    ad_b TEXT NOT NULL,
    score REAL NOT NULL,
    decision TEXT NOT NULL,
    evidence TEXT NOT NULL,
    same_person INTEGER NOT NULL
);
"""

TABLES: tuple[str, ...] = (
    "meta", "loads", "files", "persons", "ads", "merges", "splits", "moves", "pairs",
)  # fmt: skip

_SQLITE_MAGIC = b"SQLite format 3\x00"


def person_id(seq: int) -> str:
    """The readable id of the `seq`-th person of a store: 12 → "P000012"."""
    return f"P{seq:06d}"


def network_id(person_seq: int) -> str:
    """A network's id: the number of its smallest person, 12 → "N000012"."""
    return f"N{person_seq:06d}"


def ad_key(ad_no: int) -> str:
    """The readable key of the `ad_no`-th ad of a store: 7 → "A000007"."""
    return f"A{ad_no:06d}"


def id_number(readable_id: str) -> int:
    """The number inside a readable id: "P000012" → 12."""
    return int(readable_id[1:])


def utc_now() -> str:
    """Now, UTC, as ISO 8601 to the second ("2026-11-02T06:00:00Z")."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_store_file(path: Path) -> bool:
    """True when `path` is an SQLite file (a store, or another SQLite database)."""
    try:
        with path.open("rb") as handle:
            return handle.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


def connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """Open the store at `path` (autocommit mode: transactions are explicit).

    With `create`, a missing file becomes an empty store (the caller creates the
    schema inside its first transaction, see `create_schema`). Raises InputError when
    `path` is missing (without `create`), a folder, or not an adcensus store.
    """
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the census store's file name (e.g. census.db)")
    exists = path.exists()
    if not exists and not create:
        raise InputError(
            f"{path}: no such census store; create it with "
            f"`adcensus dedupe ADS_FILE --store {path}`"
        )
    if exists and path.stat().st_size > 0 and not is_store_file(path):
        raise InputError(
            f"{path}: not a census store (not an SQLite file); give the file made by "
            "`adcensus dedupe --store`, or a new file name"
        )
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None)
    except sqlite3.Error as exc:
        raise OutputError(f"{path}: cannot open the census store ({exc})") from None
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: a 100k-ad load stays in memory
    if exists and path.stat().st_size > 0:
        with translate_errors(path):
            check_schema(conn, path)
    return conn


def create_schema(conn: sqlite3.Connection) -> None:
    """Create the tables of an empty store (inside the caller's transaction)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [
            ("application", APPLICATION),
            ("schema_version", str(SCHEMA_VERSION)),
            ("created_at", utc_now()),
            ("created_by", f"adcensus {__version__}"),
        ],
    )


def check_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse an SQLite file that is not an adcensus store, or one from a newer adcensus."""
    found = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "meta" not in found:
        raise InputError(
            f"{path}: an SQLite file, but not a census store (no meta table); give the file "
            "made by `adcensus dedupe --store`, or a new file name"
        )
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    version = int(meta.get("schema_version", "0"))
    if meta.get("application") != APPLICATION or version < 1:
        raise InputError(f"{path}: an SQLite file, but not a census store made by adcensus")
    if version > SCHEMA_VERSION:
        raise InputError(
            f"{path}: made by a newer adcensus (store schema {version}, this one reads "
            f"{SCHEMA_VERSION}); upgrade adcensus"
        )


@contextlib.contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """Turn SQLite errors into one-line messages that say what to do."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise AdcensusError(
                f"{path}: another adcensus command is writing to this store; "
                "wait for it to finish and run again"
            ) from None
        if "readonly" in text or "read-only" in text:
            raise OutputError(
                f"{path}: the store is read-only; copy it somewhere you can write"
            ) from None
        if "full" in text or "I/O" in text:
            raise OutputError(
                f"{path}: cannot write the store ({text}); check free space; "
                "the store is as it was before this command"
            ) from None
        raise AdcensusError(f"{path}: census store error ({text})") from None
    except sqlite3.DatabaseError as exc:
        raise InputError(
            f"{path}: damaged or not a census store ({exc}); restore it from a backup"
        ) from None
