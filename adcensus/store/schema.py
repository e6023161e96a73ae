"""The census store's SQLite schema, how a store file is opened, and its readable ids.

A store is one SQLite file (see docs/store-schema.md for every table and column).
Ids inside a store are sequential and readable: ads `A000001`, persons `P000001`,
networks `N000001` (the number of the network's smallest person). They are given
in load order and never reused, which is what keeps them stable from month to month.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from adcensus import __version__
from adcensus.errors import AdcensusError, InputError, OutputError

try:
    import fcntl
except ImportError:  # Windows: no flock; a failed first load leaves its empty store
    fcntl = None  # type: ignore[assignment]

SCHEMA_VERSION = 2  # 2: the contact log (contacts, contact_ads)
APPLICATION = "adcensus census store"
BUSY_TIMEOUT = 10.0  # seconds a load waits for another load to finish before giving up
DAMAGED = "damaged: restore it from a backup"

# The contact log (schema 2): a status and a day per contact, never what was written. A
# contact is tied to the ad keys of its person when it was recorded, so it follows the
# person through later merges and splits (adcensus.store.contacts).
CONTACT_STATUSES: tuple[str, ...] = ("contacted", "replied", "declined", "support", "unreachable")
CONTACT_TABLES = f"""
CREATE TABLE contacts (
    contact_id INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    person_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ({", ".join(repr(s) for s in CONTACT_STATUSES)})),
    date TEXT NOT NULL,
    note_id TEXT
);
CREATE TABLE contact_ads (
    contact_id INTEGER NOT NULL REFERENCES contacts (contact_id),
    ad_key TEXT NOT NULL REFERENCES ads (ad_key),
    PRIMARY KEY (contact_id, ad_key)
);
CREATE INDEX contact_ads_ad_key ON contact_ads (ad_key);
"""

SCHEMA = (
    """
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
    + CONTACT_TABLES
)

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


class StoreConnection(sqlite3.Connection):
    """A connection to a store that knows whether it created the file, and holds it open.

    Every adcensus process with a store open holds a shared `flock` on it (POSIX), so a
    load that created the file and then failed can tell whether anyone else opened it
    meanwhile (see `discard_if_new`).
    """

    created: bool = False
    holder: int | None = None

    def close(self) -> None:
        """Close the connection and let go of the store file."""
        super().close()
        if self.holder is not None:
            with contextlib.suppress(OSError):
                os.close(self.holder)
            self.holder = None


def connect(path: Path, *, create: bool = False) -> StoreConnection:
    """Open the store at `path` (autocommit mode: transactions are explicit).

    With `create`, a missing file becomes an empty store, readable by its owner only
    (0600): the caller creates the schema inside its first write transaction, under the
    store's lock (`ensure_schema`), so two first loads at once make one store. An
    existing store is checked (`PRAGMA quick_check`) before use. Raises InputError when
    `path` is missing (without `create`), a folder, damaged, or not an adcensus store.
    """
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the census store's file name (e.g. census.db)")
    created, holder = _open_file(path, create)
    size = os.fstat(holder).st_size if holder is not None else path.stat().st_size
    if size > 0 and not is_store_file(path):
        _release(holder)
        raise InputError(
            f"{path}: not a census store (not an SQLite file); give the file made by "
            "`adcensus dedupe --store`, or a new file name"
        )
    try:
        conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT, isolation_level=None, factory=StoreConnection
        )
    except sqlite3.Error as exc:
        _release(holder)
        raise OutputError(f"{path}: cannot open the census store ({exc})") from None
    assert isinstance(conn, StoreConnection)
    conn.created, conn.holder = created, holder
    try:
        with translate_errors(path):
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: a 100k-ad load stays in memory
            # Deleted rows are overwritten with zeros, not left readable in free pages.
            conn.execute("PRAGMA secure_delete = ON")
            if size > 0:
                quick_check(conn, path)
                check_schema(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def writing(path: Path) -> Iterator[StoreConnection]:
    """`connect(path)` for a command that writes: a transaction still open when the block
    fails is rolled back, and the connection is closed however the block ends."""
    conn = connect(path)
    try:
        yield conn
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            if conn.in_transaction:
                conn.rollback()
        raise
    finally:
        conn.close()


def _open_file(path: Path, create: bool) -> tuple[bool, int | None]:
    """(whether this call created the file, a descriptor holding it with a shared lock).

    The file is created with O_EXCL: of two processes, exactly one creates it. The
    descriptor is None where `flock` does not exist (Windows).
    """
    for _ in range(100):
        created = False
        if create:
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
                created = True
            except FileExistsError:
                pass
            except OSError as exc:
                raise OutputError(
                    f"{path}: cannot create the census store ({exc.strerror or exc}); "
                    "check the folder"
                ) from None
        if fcntl is None:
            if not path.exists():
                raise _missing(path)
            return created, None
        try:
            holder = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            if not create:
                raise _missing(path) from None
            continue  # removed by a load that created it and failed: create it again
        except OSError as exc:
            raise InputError(
                f"{path}: cannot open the census store ({exc.strerror or exc})"
            ) from None
        fcntl.flock(holder, fcntl.LOCK_SH)
        try:
            same = os.path.samestat(os.fstat(holder), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            return created, holder
        os.close(holder)  # removed (and perhaps created again) while this call waited
        if not create:
            raise _missing(path)
    raise OutputError(f"{path}: the store keeps being removed while opened; try again")


def _missing(path: Path) -> InputError:
    return InputError(
        f"{path}: no such census store; create it with `adcensus dedupe ADS_FILE --store {path}`"
    )


def _release(holder: int | None) -> None:
    if holder is not None:
        os.close(holder)


def discard_if_new(conn: StoreConnection, path: Path) -> None:
    """After a failed first load, remove the store file if nothing else can miss it.

    Only a file this connection created, that no other process has open (a shared lock
    held by nobody else) and that holds nothing committed (empty) is removed; anything
    else stays. Call it after the rollback, before `close`.
    """
    if not conn.created or conn.holder is None or fcntl is None:
        return
    try:
        fcntl.flock(conn.holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another process has the store open: it is theirs too now
    try:
        if os.fstat(conn.holder).st_size == 0:
            for leftover in (path, path.with_name(path.name + "-journal")):
                leftover.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(conn.holder, fcntl.LOCK_SH)


def ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Inside a write transaction: create the tables of an empty store, else check them and
    bring an older store up to this schema (`migrate`)."""
    (tables,) = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    if tables == 0:
        create_schema(conn)
    else:
        check_schema(conn, path)
        migrate(conn)


def migrate(conn: sqlite3.Connection) -> None:
    """Inside a write transaction: bring a store of an older schema up to SCHEMA_VERSION.

    Schema 1 → 2 adds the contact log's tables (empty). Nothing else changes, so a store
    is migrated by the first command that writes to it; reading one never changes it.
    """
    (version,) = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if int(version) < 2:
        for statement in CONTACT_TABLES.split(";"):
            if statement.strip():
                conn.execute(statement)
    if int(version) < SCHEMA_VERSION:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
        )


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """True when the store has table `name` (a store of an older schema may lack it)."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a store whose pages SQLite finds damaged (`PRAGMA quick_check`)."""
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        raise InputError(f"{path}: {DAMAGED} (`adcensus store check {path}` says more)")


def integrity_problems(path: Path) -> list[str]:
    """What SQLite's full `PRAGMA integrity_check` finds wrong in the store (empty: none).

    SQLite's problems name pages, tables and indexes, never a stored value. Raises
    InputError when `path` is missing or not an SQLite file at all.
    """
    if not path.is_file():
        raise _missing(path)
    if not is_store_file(path):
        raise InputError(f"{path}: not a census store (not an SQLite file)")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
    except sqlite3.Error as exc:
        raise OutputError(f"{path}: cannot open the census store ({exc})") from None
    try:
        with translate_errors(path):
            rows = conn.execute("PRAGMA integrity_check").fetchall()
    except InputError as exc:
        return [str(exc).removeprefix(f"{path}: ")]
    finally:
        conn.close()
    return [] if rows == [("ok",)] else [line for r in rows for line in str(r[0]).splitlines()]


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
    """Turn SQLite errors into one-line messages that say what to do.

    The messages hold SQLite's own words and the store's name, never a stored value.
    """
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
    except (sqlite3.DatabaseError, pd.errors.DatabaseError) as exc:
        cause = exc.__cause__ if isinstance(exc, pd.errors.DatabaseError) else exc
        if isinstance(cause, sqlite3.OperationalError):
            with translate_errors(path):
                raise cause from None
        raise InputError(f"{path}: {DAMAGED} (SQLite: {_sqlite_words(cause)})") from None


def _sqlite_words(exc: BaseException | None) -> str:
    """SQLite's message without the SQL statement pandas puts in front of it."""
    text = str(exc)
    return text.rsplit(": ", 1)[-1] if "Execution failed on sql" in text else text
