"""The writes of a load, all inside the load's transaction: files, persons, ads, events.

`store.load` calls these in an order that keeps every foreign key valid at each
statement: the load and its files, then persons, then ads, then merges, splits and moves.
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pandas as pd

from adcensus import columns as col
from adcensus.outputs import DedupeResult
from adcensus.store import evidence
from adcensus.store.ingest import NewRows
from adcensus.store.reconcile import Reconciliation
from adcensus.store.schema import id_number, network_id, utc_now

AD_STATE = ("person_id", "network_id", "phones", "link_reason", "flags")
PERSON_FIELDS = tuple(c for c in col.PERSONS_COLUMNS if c != "person_id")


def insert_file(conn: sqlite3.Connection, load_id: int, rows: NewRows) -> int:
    """Record one input file of a load; return its file_id."""
    file_id = conn.execute(
        "INSERT INTO files (load_id, path, sha256, rows, added, duplicates, roles, columns)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            load_id,
            rows.info.path,
            rows.info.sha256,
            rows.info.rows,
            len(rows.rows),
            rows.duplicates,
            json.dumps(rows.roles_json(), ensure_ascii=False),
            json.dumps(list(rows.columns), ensure_ascii=False),
        ),
    ).lastrowid
    assert file_id is not None
    return file_id


def ads_state(result: DedupeResult, rec: Reconciliation) -> pd.DataFrame:
    """Per ad (linking order): store person and network ids, phones, link reason, flags."""
    network_labels, _ = pd.factorize(result.ads[col.NETWORK_ID])
    seqs = pd.Series([id_number(p) for p in rec.person_ids])
    smallest = seqs.groupby(network_labels).transform("min")
    return pd.DataFrame(
        {
            "person_id": rec.person_ids,
            "network_id": [network_id(s) for s in smallest.tolist()],
            "phones": result.ads[col.PHONES].to_numpy(dtype=object),
            "link_reason": result.ads[col.LINK_REASON].to_numpy(dtype=object),
            "flags": result.ads[col.FLAGS].to_numpy(dtype=object),
        }
    )


def write_persons(
    conn: sqlite3.Connection,
    load_id: int,
    result: DedupeResult,
    rec: Reconciliation,
    ads_state: pd.DataFrame,
) -> int:
    """Insert new persons, update those that changed, mark merged ones; return active count."""
    by_dedupe_id = dict(zip(result.ads[col.PERSON_ID], ads_state["person_id"], strict=True))
    network_of = dict(zip(ads_state["person_id"], ads_state["network_id"], strict=True))
    persons = result.persons.copy()
    persons["person_id"] = persons["person_id"].map(by_dedupe_id)
    persons["network_id"] = persons["person_id"].map(network_of)
    persons["ads"] = persons["ads"].astype(int)
    current = pd.read_sql_query(
        "SELECT person_id, " + ", ".join(PERSON_FIELDS) + " FROM persons WHERE status = 'active'",
        conn,
        dtype=object,
    )
    current["ads"] = current["ads"].astype(int)
    created = set(rec.created)
    fresh = persons[persons["person_id"].isin(created)]
    conn.executemany(
        "INSERT INTO persons (person_no, person_id, status, created_load, updated_load, "
        + ", ".join(PERSON_FIELDS)
        + ") VALUES (?, ?, 'active', ?, ?, "
        + ", ".join("?" * len(PERSON_FIELDS))
        + ")",
        (
            (
                id_number(p["person_id"]),
                p["person_id"],
                load_id,
                load_id,
                *(p[f] for f in PERSON_FIELDS),
            )
            for p in fresh.astype(object).to_dict("records")
        ),
    )
    kept = persons[~persons["person_id"].isin(created)]
    both = kept.merge(current, on="person_id", how="left", suffixes=("", "_old"), indicator=True)
    assert (both["_merge"] == "both").all(), "a cluster kept an id that is not active"
    changed = np.zeros(len(both), dtype=bool)
    for name in PERSON_FIELDS:
        changed |= both[name].astype(str).to_numpy() != both[f"{name}_old"].astype(str).to_numpy()
    conn.executemany(
        "UPDATE persons SET updated_load = ?, "
        + ", ".join(f"{f} = ?" for f in PERSON_FIELDS)
        + " WHERE person_id = ?",
        (
            (load_id, *(p[f] for f in PERSON_FIELDS), p["person_id"])
            for p in both[changed].astype(object).to_dict("records")
        ),
    )
    conn.executemany(
        "UPDATE persons SET status = 'merged', merged_into = ?, updated_load = ? "
        "WHERE person_id = ?",
        zip(
            rec.merges["survivor_id"],
            [load_id] * len(rec.merges),
            rec.merges["absorbed_id"],
            strict=True,
        ),
    )
    return len(persons)


def insert_new_ads(
    conn: sqlite3.Connection, new: pd.DataFrame, file_ids: list[int], state: pd.DataFrame
) -> None:
    """Insert the ads new in this load, with their original cells and their person."""
    columns = ["ad_no", "ad_key", "fingerprint", "file_id", "row_number", "date", "site", "city"]
    columns += ["url", "person_id", "first_person_id", "network_id", "phones", "link_reason"]
    columns += ["flags", "read_flags", "row"]
    frame = new.assign(
        file_id=np.asarray(file_ids, dtype=np.int64)[new["file_index"].to_numpy()],
        person_id=state["person_id"].to_numpy(),
        first_person_id=state["person_id"].to_numpy(),
        network_id=state["network_id"].to_numpy(),
        phones=state["phones"].to_numpy(),
        link_reason=state["link_reason"].to_numpy(),
        flags=state["flags"].to_numpy(),
    )[columns]
    frame = frame.astype(object).where(frame.notna(), None)
    for name in ("ad_no", "file_id", "row_number"):
        frame[name] = frame[name].astype(int)
    conn.executemany(
        f"INSERT INTO ads ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        frame.itertuples(index=False, name=None),
    )


def update_stored_ads(conn: sqlite3.Connection, stored: pd.DataFrame, state: pd.DataFrame) -> None:
    """Update the stored ads whose person, network, phones, reason or flags changed."""
    changed = np.zeros(len(stored), dtype=bool)
    for name in AD_STATE:
        changed |= stored[name].astype(str).to_numpy() != state[name].astype(str).to_numpy()
    rows = state[changed].assign(ad_no=stored["ad_no"].to_numpy()[changed])
    conn.executemany(
        "UPDATE ads SET " + ", ".join(f"{n} = ?" for n in AD_STATE) + " WHERE ad_no = ?",
        rows[[*AD_STATE, "ad_no"]].astype(object).itertuples(index=False, name=None),
    )


def write_events(
    conn: sqlite3.Connection,
    load_id: int,
    rec: Reconciliation,
    pairs: pd.DataFrame,
    keys: np.ndarray,
    previous: np.ndarray,
) -> None:
    """Record merges, splits and every stored ad that changed person (the `moves` table)."""
    at = utc_now()
    stored = pd.notna(previous)
    before = dict(zip(keys[stored], previous[stored], strict=True))
    after = dict(zip(keys, rec.person_ids, strict=True))
    reasons = evidence.merge_evidence(rec.merges, pairs, before, load_id)
    conn.executemany(
        "INSERT INTO merges (load_id, at, survivor_id, absorbed_id, survivor_ads, absorbed_ads,"
        " evidence) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                load_id,
                at,
                m.survivor_id,
                m.absorbed_id,
                int(m.survivor_ads),
                int(m.absorbed_ads),
                why,
            )
            for m, why in zip(rec.merges.itertuples(), reasons, strict=True)
        ),
    )
    reasons = evidence.split_evidence(rec.splits, pairs, before, after, load_id)
    conn.executemany(
        "INSERT INTO splits (load_id, at, person_id, to_person_id, to_new_person, ads, evidence)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (load_id, at, s.person_id, s.to_person_id, int(s.to_new_person), int(s.ads), why)
            for s, why in zip(rec.splits.itertuples(), reasons, strict=True)
        ),
    )
    conn.executemany(
        "INSERT INTO moves (load_id, ad_key, from_person_id, to_person_id, kind)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            (load_id, keys[m.ad], m.from_person_id, m.to_person_id, m.kind)
            for m in rec.moves.itertuples()
        ),
    )
