"""Read a census store: its description, the dedupe files it holds, the ads tally counts.

Every reader takes one read transaction, so a load committing meanwhile is seen
entirely or not at all.
"""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import pandas as pd

from adcensus import columns as col
from adcensus.decisions import DECISIONS_FILE, decisions_path_for
from adcensus.errors import InputError
from adcensus.outputs import DedupeResult, pseudonymize_result, write_outputs
from adcensus.profiles import person_profiles, with_profiles
from adcensus.store.schema import SCHEMA_VERSION, connect, is_store_file, translate_errors
from adcensus.write import temporary_folder


@contextlib.contextmanager
def reading(store: Path) -> Iterator[sqlite3.Connection]:
    """A connection to an existing store inside one read transaction."""
    store = Path(store)
    conn = connect(store)
    try:
        with translate_errors(store):
            conn.execute("BEGIN")
            yield conn
            conn.execute("COMMIT")
    finally:
        conn.close()


def _scalar(conn: sqlite3.Connection, sql: str) -> Any:
    return conn.execute(sql).fetchone()[0]


def store_info(store: Path) -> dict[str, Any]:
    """What a store holds: counts, dates, the settings of the last load, and each load."""
    store = Path(store)
    with reading(store) as conn:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        loads = pd.read_sql_query(
            "SELECT load_id, started_at, finished_at, version, rows, added, duplicates,"
            " persons_new, merges, splits, ads_moved, ads_total, persons_total, settings"
            " FROM loads ORDER BY load_id",
            conn,
        )
        files = pd.read_sql_query(
            "SELECT load_id, path, sha256, rows, added, duplicates FROM files ORDER BY file_id",
            conn,
        )
        info: dict[str, Any] = {
            "store": str(store),
            "schema_version": int(meta.get("schema_version", SCHEMA_VERSION)),
            "created_at": meta.get("created_at"),
            "created_by": meta.get("created_by"),
            "size_bytes": store.stat().st_size,
            "loads": len(loads),
            "files": len(files),
            "ads": _scalar(conn, "SELECT COUNT(*) FROM ads"),
            "persons": _scalar(conn, "SELECT COUNT(*) FROM persons WHERE status = 'active'"),
            "person_ids_given": _scalar(conn, "SELECT COUNT(*) FROM persons"),
            "person_ids_merged": _scalar(
                conn, "SELECT COUNT(*) FROM persons WHERE status = 'merged'"
            ),
            "networks": _scalar(conn, "SELECT COUNT(DISTINCT network_id) FROM ads"),
            "merges": _scalar(conn, "SELECT COUNT(*) FROM merges"),
            "splits": _scalar(conn, "SELECT COUNT(*) FROM splits"),
            "ads_moved": _scalar(conn, "SELECT COUNT(*) FROM moves"),
            "first_ad_date": _scalar(conn, "SELECT MIN(date) FROM ads"),
            "last_ad_date": _scalar(conn, "SELECT MAX(date) FROM ads"),
            "ads_without_date": _scalar(conn, "SELECT COUNT(*) FROM ads WHERE date IS NULL"),
        }
    info["doublon_rate"] = round(1 - info["persons"] / info["ads"], 6) if info["ads"] else 0.0
    info["last_load_at"] = loads["finished_at"].iloc[-1] if len(loads) else None
    info["settings"] = json.loads(loads["settings"].iloc[-1]) if len(loads) else {}
    info["load_history"] = [
        {
            **{k: _plain(v) for k, v in row.items() if k != "settings"},
            "files": files.loc[
                files["load_id"] == row["load_id"],
                ["path", "sha256", "rows", "added", "duplicates"],
            ]
            .astype(object)
            .to_dict("records"),
        }
        for row in loads.to_dict("records")
    ]
    return info


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value json can write."""
    return value.item() if hasattr(value, "item") else value


def export_store(
    store: Path,
    out_dir: Path,
    force: bool = False,
    delimiter: str = ";",
    xlsx: bool = False,
    key: bytes | None = None,
    drop_text: bool = False,
) -> list[Path]:
    """Write the store's ads, persons, pairs and summary as `adcensus dedupe` writes them
    (see `store_result`).

    With a `key`, with keyed tokens (adcensus.outputs.pseudonymize_result; `drop_text`
    drops the title and text): the tables are pseudonymised in memory, so no plain copy
    is ever written to disk; only the tokens reach `out_dir`.
    """
    result = store_result(store)
    if key is not None:
        result = pseudonymize_result(result, key, drop_text)
    return write_outputs(result, Path(out_dir), force=force, delimiter=delimiter, xlsx=xlsx)


def store_result(store: Path) -> DedupeResult:
    """The store's ads, persons, pairs and summary as the tables of a dedupe run, in memory.

    ads.csv holds every stored ad in load order, then row order of its file, with its
    original columns (the union over the files) and a `source_file` column when the store
    holds more than one file; ad keys (`A000001`) and ids are the store's. With `xlsx`,
    the workbook `adcensus dedupe --format xlsx` writes too.
    """
    with reading(Path(store)) as conn:
        files = conn.execute("SELECT file_id, path, columns FROM files ORDER BY file_id").fetchall()
        if not files:
            raise InputError(f"{store}: the store holds no ads yet; load a file first")
        ads = pd.read_sql_query(
            "SELECT file_id, row, person_id, network_id, phones, link_reason, ad_key, flags"
            " FROM ads ORDER BY file_id, row_number",
            conn,
            dtype=object,
        )
        persons = pd.read_sql_query(
            "SELECT " + ", ".join(col.PERSONS_COLUMNS) + " FROM persons WHERE status = 'active'"
            " ORDER BY ads DESC, person_id",
            conn,
        )
        pairs = pd.read_sql_query(
            "SELECT ad_a, ad_b, score, decision, evidence, same_person FROM pairs"
            " ORDER BY ad_a, ad_b",
            conn,
        )
        summary = json.loads(_scalar(conn, "SELECT summary FROM loads ORDER BY load_id DESC"))
    headers: list[str] = []
    for _, _, columns in files:
        headers += [h for h in json.loads(columns) if h not in headers]
    frame = pd.DataFrame.from_records(
        [json.loads(row) for row in ads["row"]], columns=headers
    ).astype("str")
    if len(files) > 1:
        paths = {file_id: path for file_id, path, _ in files}
        name = col.SOURCE_FILE if col.SOURCE_FILE not in headers else f"adcensus_{col.SOURCE_FILE}"
        frame[name] = ads["file_id"].map(paths).astype("str")
    for name in col.ADS_OUTPUT_COLUMNS:
        frame[name if name not in headers else f"adcensus_{name}"] = ads[name].astype("str")
    # persons.csv ends with the profile columns, read from the ads as dedupe reads them
    persons = with_profiles(persons.fillna(""), person_profiles(frame))
    return DedupeResult(ads=frame, persons=persons, pairs=pairs, summary=summary)


@contextlib.contextmanager
def dedupe_folder(location: str | Path) -> Iterator[Path]:
    """The dedupe folder `location`, or what `adcensus store export` writes of a store.

    For a census store the folder is temporary (gone on leaving the block) and holds the
    store's review decisions (STORE.review.jsonl) as review.jsonl, as a dedupe folder
    does. Raises InputError when `location` is neither a folder nor a store.
    """
    path = Path(location)
    if path.is_dir() or not path.exists():  # a missing one: the reader says what it wants
        yield path
        return
    if not is_store_file(path):
        raise InputError(
            f"{path}: neither a folder written by `adcensus dedupe` nor a census store; "
            "give one of them"
        )
    with temporary_folder("store") as tmp:
        folder = tmp / "export"
        export_store(path, folder)
        decisions = decisions_path_for(path)
        if decisions.is_file():
            shutil.copyfile(decisions, folder / DECISIONS_FILE)
        yield folder


P = ParamSpec("P")
R = TypeVar("R")


def reads_stores_too(
    read: Callable[Concatenate[Path, P], R],
) -> Callable[Concatenate[str | Path, P], R]:
    """`read` of a dedupe folder, made to take a census store as well (see `dedupe_folder`)."""

    @functools.wraps(read)
    def reader(location: str | Path, *args: P.args, **kwargs: P.kwargs) -> R:
        with dedupe_folder(location) as folder:
            return read(folder, *args, **kwargs)

    return reader


def store_columns(store: Path) -> list[str]:
    """The original columns of the store's files (union, in load order)."""
    with reading(Path(store)) as conn:
        rows = conn.execute("SELECT columns FROM files ORDER BY file_id").fetchall()
    headers: list[str] = []
    for (columns,) in rows:
        headers += [h for h in json.loads(columns) if h not in headers]
    return headers


def last_summary(store: Path) -> dict[str, Any]:
    """The summary.json of the store's last load (roles, `role_headers`, settings)."""
    with reading(Path(store)) as conn:
        row = conn.execute("SELECT summary FROM loads ORDER BY load_id DESC LIMIT 1").fetchone()
    return json.loads(row[0]) if row else {}


def tally_ads(store: Path, columns: Sequence[str] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored ads as tally reads them: (ads, originals), aligned, one row per ad.

    ads: person_id, network_id, date (datetime64, NaT when unknown), site, city.
    originals: the original columns named in `columns`, read from each ad's stored cells.
    """
    with reading(Path(store)) as conn:
        ads = pd.read_sql_query(
            "SELECT person_id, network_id, date, site, city"
            + (", row" if columns else "")
            + " FROM ads ORDER BY ad_no",
            conn,
            dtype=object,
        )
    records = [json.loads(row) for row in ads.pop("row")] if columns else []
    originals = pd.DataFrame(
        {name: pd.array([r.get(name) for r in records], dtype="str") for name in columns},
        index=ads.index,
    )
    ads["date"] = pd.to_datetime(ads["date"], format="%Y-%m-%d").astype("datetime64[us]")
    for name in (col.PERSON_ID, col.NETWORK_ID, "site", "city"):
        ads[name] = ads[name].astype("str")
    return ads, originals


def current_person_id(store: Path, person: str) -> str:
    """The active id a person id now stands for: itself, or the end of its merge chain."""
    with reading(Path(store)) as conn:
        seen = set()
        while True:
            row = conn.execute(
                "SELECT status, merged_into FROM persons WHERE person_id = ?", (person,)
            ).fetchone()
            if row is None:
                raise InputError(f"{store}: no person {person!r}; ids look like P000012")
            if row[0] == "active" or row[1] is None or person in seen:
                return person
            seen.add(person)
            person = row[1]
