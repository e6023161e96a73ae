"""Add ad files to a census store in one transaction: read, re-link everything, reconcile ids.

A load reads its files first (a bad file never touches the store), then takes the
store's write lock (`BEGIN IMMEDIATE`), keeps the rows whose fingerprint is new, links
every ad of the store and the new ones with `dedupe_table` (the same linking as
`adcensus dedupe`, by construction), names the persons with `reconcile`, writes, and
commits. The store file is created under the same lock, so two first loads at once
make one store. Any error, Ctrl-C or a killed process before the commit leaves the store as it
was: SQLite rolls the transaction back (at the next open, after a kill).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from adcensus import __version__
from adcensus import columns as col
from adcensus.dedupe import dedupe_table
from adcensus.outputs import DedupeResult, Summary
from adcensus.progress import Progress, silent
from adcensus.quality import columns_text, data_quality
from adcensus.read import AdTable, InputInfo, read_ads
from adcensus.read.reader import refuse_stdin_twice
from adcensus.setaside import describe, set_aside
from adcensus.settings import Settings
from adcensus.store import persist
from adcensus.store.ingest import (
    MORE_PHONES,
    linking_table,
    new_rows,
    number_new_ads,
    stored_ads,
)
from adcensus.store.reconcile import Reconciliation, reconcile
from adcensus.store.schema import (
    connect,
    discard_if_new,
    ensure_schema,
    translate_errors,
    utc_now,
)


@dataclass(frozen=True)
class FileLoad:
    """One file of a load: its rows, the ads it added, the rows already known."""

    path: str
    sha256: str
    rows: int
    added: int
    duplicates: int
    roles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LoadResult:
    """What a load did. `load_id` is None when every row was already in the store."""

    store: Path
    load_id: int | None
    files: tuple[FileLoad, ...]
    added: int
    ads: int
    persons: int
    persons_new: int = 0
    merges: int = 0
    splits: int = 0
    ads_moved: int = 0
    summary: Summary = field(default_factory=lambda: Summary())
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The load as JSON-ready values (the `store` block of the printed summary)."""
        return {
            "path": str(self.store),
            "load_id": self.load_id,
            "files": [{k: v for k, v in vars(f).items() if k != "roles"} for f in self.files],
            "added": self.added,
            "ads": self.ads,
            "persons": self.persons,
            "persons_new": self.persons_new,
            "merges": self.merges,
            "splits": self.splits,
            "ads_moved": self.ads_moved,
        }


def load_into_store(
    store: Path,
    paths: Sequence[str | Path],
    settings: Settings | None = None,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    progress: Progress | None = None,
    stdin: BinaryIO | None = None,
    *,
    sheet: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    header_row: int | None = None,
    decisions: pd.DataFrame | None = None,
) -> LoadResult:
    """Add the ads of `paths` to the store at `store` (created when missing), as one load.

    `decisions` (adcensus.decisions, about the store's ad keys) bind the linking as in
    `dedupe_table`. They take effect when the load links, i.e. when it adds ads.

    Each file is read on its own (its headers give its roles; `columns` applies to each;
    `sheet`, `delimiter`, `encoding` and `header_row` are passed to `read_ads`). Rows
    already in the store add nothing; when no row is new, nothing is written. Rows that
    are not ads (empty, totals, notes: adcensus.setaside) are never stored; the load's
    summary counts them in `rows_set_aside`.
    """
    settings = settings or Settings()
    note = progress or silent
    refuse_stdin_twice(paths)
    note("read")
    asides = [
        set_aside(
            read_ads(
                [p],
                columns,
                stdin=stdin,
                sheet=sheet,
                delimiter=delimiter,
                encoding=encoding,
                header_row=header_row,
            )
        )
        for p in paths
    ]
    tables = [aside.ads for aside in asides]
    quality = data_quality(asides, settings.region)
    rows_set_aside = quality["rows_set_aside"]
    store = Path(store)
    conn = connect(store, create=True)
    try:
        with translate_errors(store):
            conn.execute("BEGIN IMMEDIATE")
            ensure_schema(conn, store)
            rows = [aside.positions + 1 for aside in asides]
            result = _load(conn, store, tables, settings, note, decisions, quality, rows)
            warned = [f"warning: {w}" for w in quality["warnings"]]
            unused = quality["columns_unused"]
            warned += [f"columns not used: {columns_text(unused)}."] if unused else []
            aside = describe(rows_set_aside)
            aside_note = (f"{aside}: not stored.",) if aside else ()
            result = replace(
                result,
                notes=(*(n for t in tables for n in t.notes), *warned, *aside_note, *result.notes),
            )
            if result.load_id is None:
                conn.rollback()
            else:
                note("commit")
                conn.commit()
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            if conn.in_transaction:
                conn.rollback()
        discard_if_new(conn, store)  # a store this load created: leave no empty file behind
        conn.close()
        raise
    conn.close()
    return result


def _load(
    conn: sqlite3.Connection,
    store: Path,
    tables: list[AdTable],
    settings: Settings,
    note: Progress,
    decisions: pd.DataFrame | None = None,
    quality: dict[str, Any] | None = None,
    row_numbers: list[np.ndarray] | None = None,
) -> LoadResult:
    """One load into the open store; `row_numbers` gives each table's rows their data row
    in their file (the rows set aside are not in the tables)."""
    started = utc_now()
    known = {row[0] for row in conn.execute("SELECT fingerprint FROM ads")}
    numbers: list[np.ndarray | None] = [*row_numbers] if row_numbers else [None] * len(tables)
    files = [new_rows(table, known, rows) for table, rows in zip(tables, numbers, strict=True)]
    added = sum(len(f.rows) for f in files)
    file_loads = tuple(
        FileLoad(f.info.path, f.info.sha256, f.info.rows, len(f.rows), f.duplicates, f.roles)
        for f in files
    )
    if added == 0:
        (ads,) = conn.execute("SELECT COUNT(*) FROM ads").fetchone()
        (persons,) = conn.execute("SELECT COUNT(*) FROM persons WHERE status = 'active'").fetchone()
        last = conn.execute("SELECT summary FROM loads ORDER BY load_id DESC LIMIT 1").fetchone()
        summary: Summary = json.loads(last[0]) if last else {}
        return LoadResult(store, None, file_loads, 0, ads, persons, summary=summary)

    note("store")
    changed = _settings_changed(conn, settings)
    stored = stored_ads(conn)
    new = number_new_ads(files, int(stored["ad_no"].max()) + 1 if len(stored) else 1)
    stored_inputs = tuple(
        InputInfo(path, rows, sha)
        for path, rows, sha in conn.execute("SELECT path, rows, sha256 FROM files ORDER BY file_id")
    )
    table = linking_table([stored, new], stored_inputs + tuple(f.info for f in files))
    # The rows that are not ads were set aside as each file was read.
    result = dedupe_table(table, settings, note, decisions, keep_all=True)
    note("reconcile")
    (next_seq,) = conn.execute("SELECT COALESCE(MAX(person_no), 0) + 1 FROM persons").fetchone()
    labels, _ = pd.factorize(result.ads[col.PERSON_ID])
    previous = np.concatenate(
        [stored["person_id"].to_numpy(dtype=object), np.full(len(new), None, dtype=object)]
    )
    order = np.concatenate([stored["ad_no"].to_numpy(), new["ad_no"].to_numpy()])
    rec = reconcile(labels, previous, order, next_seq)

    note("write")
    load_id = conn.execute(
        "INSERT INTO loads (started_at, version, settings) VALUES (?, ?, ?)",
        (started, __version__, json.dumps(settings.to_dict())),
    ).lastrowid
    assert load_id is not None
    file_ids = [persist.insert_file(conn, load_id, f) for f in files]
    ads_state = persist.ads_state(result, rec)
    persons = persist.write_persons(conn, load_id, result, rec, ads_state)
    persist.insert_new_ads(conn, new, file_ids, ads_state.iloc[len(stored) :])
    persist.update_stored_ads(conn, stored, ads_state.iloc[: len(stored)])
    keys = np.concatenate([stored["ad_key"].to_numpy(), new["ad_key"].to_numpy()])
    persist.write_events(conn, load_id, rec, result.pairs, keys, previous)
    conn.execute("DELETE FROM pairs")
    conn.executemany(
        "INSERT INTO pairs (ad_a, ad_b, score, decision, evidence, same_person) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        result.pairs[["ad_a", "ad_b", "score", "decision", "evidence", "same_person"]]
        .astype(object)
        .itertuples(index=False, name=None),
    )
    summary = _summary(conn, result, tables, store, load_id, rec, quality or {})
    conn.execute(
        "UPDATE loads SET finished_at = ?, rows = ?, added = ?, duplicates = ?, persons_new = ?,"
        " merges = ?, splits = ?, ads_moved = ?, ads_total = ?, persons_total = ?, summary = ?"
        " WHERE load_id = ?",
        (
            utc_now(),
            sum(f.rows for f in file_loads),
            added,
            sum(f.duplicates for f in file_loads),
            len(rec.created),
            len(rec.merges),
            len(rec.splits),
            len(rec.moves),
            len(ads_state),
            persons,
            json.dumps(summary, ensure_ascii=False),
            load_id,
        ),
    )
    return LoadResult(
        store=store,
        load_id=load_id,
        files=file_loads,
        added=added,
        ads=len(ads_state),
        persons=persons,
        persons_new=len(rec.created),
        merges=len(rec.merges),
        splits=len(rec.splits),
        ads_moved=len(rec.moves),
        summary=summary,
        notes=changed,
    )


def _settings_changed(conn: sqlite3.Connection, settings: Settings) -> tuple[str, ...]:
    """A note when the settings differ from the last load's: every ad is re-linked with them."""
    last = conn.execute("SELECT settings FROM loads ORDER BY load_id DESC LIMIT 1").fetchone()
    if last is None:
        return ()
    before, now = json.loads(last[0]), settings.to_dict()
    diff = [f"{k} {before.get(k)} → {v}" for k, v in now.items() if before.get(k) != v]
    if not diff:
        return ()
    return (
        f"settings differ from the last load ({', '.join(diff)}): every ad of the store is "
        "linked again with the new ones; persons that change are recorded as merges and splits.",
    )


def _summary(
    conn: sqlite3.Connection,
    result: DedupeResult,
    tables: list[AdTable],
    store: Path,
    load_id: int,
    rec: Reconciliation,
    quality: dict[str, Any],
) -> Summary:
    """summary.json of the store after this load: dedupe's summary with the files' roles.

    `rows_read` and `rows_set_aside` are this load's: the rows of its files, and those
    set aside as not ads (never stored); so is `data_quality` (adcensus.quality, without
    the counts per phone column: a store links one phone column per ad).
    """
    headers: dict[str, list[str]] = {}
    for (roles,) in conn.execute("SELECT roles FROM files ORDER BY file_id"):
        stored = json.loads(roles)
        # The further phone columns are phone headers too (privacy masks them all).
        more = [(col.PHONE, h) for h in stored.pop(MORE_PHONES, [])]
        for role, header in [*stored.items(), *more]:
            headers.setdefault(role, [])
            if header not in headers[role]:
                headers[role].append(header)
    (merged,) = conn.execute("SELECT COUNT(*) FROM persons WHERE status = 'merged'").fetchone()
    summary: Summary = {**result.summary}
    summary["rows_read"] = sum(info.rows for table in tables for info in table.inputs)
    summary["rows_set_aside"] = {
        **result.summary["rows_set_aside"],
        **(quality.get("rows_set_aside") or {}),
    }
    if quality:
        summary["data_quality"] = quality
    summary["roles"] = dict(tables[-1].roles)
    summary["role_headers"] = headers
    summary["store"] = {
        "path": str(store),
        "load_id": load_id,
        "person_ids_given": rec.next_seq - 1,
        "person_ids_merged": int(merged),
    }
    return summary
