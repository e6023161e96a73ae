"""Ads going into a store: fingerprints, the rows a file adds, the table that linking reads.

An ad is recognised by its fingerprint: `url:` + its normalised url when the url cell
is filled, else `sha256:` + the hash of its normalised values (see `fingerprints`).
A row whose fingerprint is already in the store, or earlier in the same load, adds
nothing: it is counted as a duplicate.

Linking reads one table with a column per role (`phone`, `text`, ...) whatever the
headers of each month's file, so that files with different headers link together.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from adcensus import columns as col
from adcensus.read import AdTable, InputInfo, parse_dates
from adcensus.store.schema import ad_key
from adcensus.text import ARROW_STR, normalize_urls

ROW_KEY = "ad_id"  # the linking table's ad id column: the store's ad keys
# The key of a file's `roles` (JSON) naming its further phone columns ("Téléphone 2",
# "WhatsApp"): no role has this name.
MORE_PHONES = "more_phone"
LINK_ROLES: tuple[str, ...] = tuple(role for role in col.ROLES if role != col.AD_ID)


@dataclass(frozen=True)
class NewRows:
    """The rows of one input file that are new to the store, in the file's order.

    `rows`: row_number (1-based data row of the file), fingerprint, date (ISO day or
    None), site, city, url, read_flags, row (the original cells as a JSON object), and
    one column per linking role present in the file; `phone` holds the cells of every
    phone column (`more_phones` names those after the first), joined by " ; ".
    """

    info: InputInfo
    roles: dict[str, str]
    columns: tuple[str, ...]
    rows: pd.DataFrame
    duplicates: int
    more_phones: tuple[str, ...] = ()

    def roles_json(self) -> dict[str, str | list[str]]:
        """The file's roles as stored: role → header, and MORE_PHONES → further phone headers."""
        more: dict[str, str | list[str]] = {MORE_PHONES: list(self.more_phones)}
        return {**self.roles, **(more if self.more_phones else {})}


_SPACE = r"[\s\p{Z}]+"  # ASCII white space and every Unicode space (NBSP, thin space, …)


def _large(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _normalized(values: pd.Series) -> pa.ChunkedArray:
    """Cells as Arrow text: Unicode NFC, white space runs as one space, trimmed; null if empty."""
    text = pa.array(values.astype(ARROW_STR), pa.large_string())
    if isinstance(text, pa.Array):
        text = pa.chunked_array([text])
    text = pc.utf8_normalize(text, "NFC")
    text = pc.utf8_trim(pc.replace_substring_regex(text, _SPACE, " "), " ")
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()), text)


def normalize_url(value: str) -> str:
    """One url as its fingerprint (see `normalize_urls`), after trimming white space."""
    urls = _normalized(pd.Series([value], dtype="str"))
    return str(normalize_urls(urls)[0].as_py() or "")


def fingerprints(table: AdTable) -> pd.Series:
    """The fingerprint of each row of `table` (see the module docstring).

    The content hash covers every filled cell except `source_file`, each cell as
    "role or header = value" with Unicode NFC and collapsed white space, in sorted order:
    the same ad collected under other headers ("Tél" or "Téléphone") hashes the same;
    an added empty column changes nothing.
    """
    frame = table.frame
    role_of = {header: role for role, header in table.roles.items()}
    names = {
        header: role_of.get(header, "column " + str(header).strip().casefold())
        for header in frame.columns
        if header != col.SOURCE_FILE
    }
    parts = [
        pc.binary_join_element_wise(
            _large(names[header]), _normalized(frame[header]), _large("\x1f")
        )
        for header in sorted(names, key=lambda h: names[h])
    ]
    rows = pc.binary_join_element_wise(*parts, _large("\x1e"), null_handling="skip")
    prints = np.array(
        ["sha256:" + hashlib.sha256(r.encode("utf-8")).hexdigest() for r in rows.to_pylist()],
        dtype=object,
    )
    url_header = table.roles.get(col.URL)
    if url_header is not None:
        urls = normalize_urls(_normalized(frame[url_header]))
        has_url = pc.fill_null(pc.not_equal(urls, ""), False).to_numpy(zero_copy_only=False)
        found = urls.filter(pa.array(has_url)).to_pylist()
        prints[has_url] = ["url:" + u for u in found]
    return pd.Series(prints, dtype=object)


def _iso_days(values: pd.Series) -> np.ndarray:
    days = parse_dates(values).dt.strftime("%Y-%m-%d")
    return days.astype(object).where(days.notna(), None).to_numpy(dtype=object)


def _cells(values: pd.Series) -> np.ndarray:
    return values.astype(object).where(values.notna(), None).to_numpy(dtype=object)


def _joined(cells: list[list[object]]) -> list[object]:
    """Per row, its filled cells of several columns joined by " ; " (None when none is)."""
    joined = [" ; ".join(str(c) for c in row if c is not None and str(c).strip()) for row in cells]
    return [text or None for text in joined]


def new_rows(table: AdTable, known: set[str], row_numbers: np.ndarray | None = None) -> NewRows:
    """The rows of `table` (one file) whose fingerprint is not in `known`; adds theirs to it.

    `row_numbers` gives each row of `table` its 1-based data row in the file (default: its
    position + 1): a table whose rows that are not ads were set aside passes theirs.
    """
    frame = table.frame
    numbers = np.arange(1, len(frame) + 1) if row_numbers is None else np.asarray(row_numbers)
    prints = fingerprints(table).to_numpy(dtype=object)
    keep = np.zeros(len(frame), dtype=bool)
    for i, fingerprint in enumerate(prints):
        if fingerprint not in known:
            known.add(fingerprint)
            keep[i] = True
    rows = frame[keep]
    headers = [str(h) for h in frame.columns]
    cells = rows.astype(object).where(rows.notna(), None).to_numpy(dtype=object).tolist()
    out = pd.DataFrame(
        {
            "row_number": numbers[keep],
            "fingerprint": prints[keep],
            "read_flags": table.flags[keep].fillna("").astype(str).to_numpy(dtype=object),
            "row": [
                json.dumps(dict(zip(headers, c, strict=True)), ensure_ascii=False) for c in cells
            ],
        }
    )
    more_phones = table.more_columns.get(col.PHONE, ()) if col.PHONE in table.roles else ()
    for role in LINK_ROLES:
        header = table.roles.get(role)
        if header is not None:
            values = rows[header]
            out[role] = _iso_days(values) if role == col.DATE else _cells(values)
    if more_phones:
        phones = [_cells(rows[h]) for h in (table.roles[col.PHONE], *more_phones)]
        out[col.PHONE] = _joined([list(row) for row in zip(*phones, strict=True)])
    for role in (col.DATE, col.SITE, col.CITY, col.URL):
        if role not in out.columns:
            out[role] = None
    return NewRows(
        info=table.inputs[0],
        roles=dict(table.roles),
        columns=tuple(headers),
        rows=out,
        duplicates=int(len(frame) - keep.sum()),
        more_phones=tuple(more_phones),
    )


def stored_roles(rows: Iterable[str], roles: dict[str, Any], dates: Iterable[object]) -> dict:
    """Linking-role columns of stored ads, from their original cells (JSON) and stored dates.

    `roles` is the file's as stored (NewRows.roles_json): the phone role reads every phone
    column of the file.
    """
    records = [json.loads(r) for r in rows]
    out: dict[str, list[object]] = {
        role: [record.get(header) for record in records]
        for role, header in roles.items()
        if role in LINK_ROLES and role != col.DATE
    }
    more = roles.get(MORE_PHONES) or []
    if col.PHONE in out and more:
        headers = [roles[col.PHONE], *more]
        out[col.PHONE] = _joined([[record.get(h) for h in headers] for record in records])
    out[col.DATE] = list(dates)
    return out


def linking_table(parts: list[pd.DataFrame], inputs: tuple[InputInfo, ...]) -> AdTable:
    """One AdTable over stored and new ads: `ad_id` (store ad keys) and one column per role.

    Each part has `ad_key`, `read_flags` and role columns; parts are stacked in order.
    """
    frame = pd.concat(parts, ignore_index=True, sort=False)
    flags = frame["read_flags"].fillna("").astype("str")
    present = [role for role in LINK_ROLES if role in frame.columns]
    table = pd.DataFrame({ROW_KEY: frame["ad_key"].astype("str")})
    for role in present:
        table[role] = frame[role].astype("str")
    roles = {col.AD_ID: ROW_KEY, **{role: role for role in present}}
    return AdTable(frame=table, roles=roles, inputs=inputs, flags=flags)


def stored_ads(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every stored ad in ad_no order: its key, state, and its linking-role columns."""
    stored = pd.read_sql_query(
        "SELECT ad_no, ad_key, file_id, date, read_flags, row, person_id, network_id, phones,"
        " link_reason, flags FROM ads ORDER BY ad_no",
        conn,
        dtype=object,
    )
    roles_of = {
        file_id: json.loads(roles)
        for file_id, roles in conn.execute("SELECT file_id, roles FROM files")
    }
    parts = []
    for file_id, group in stored.groupby("file_id", sort=False):
        values = stored_roles(group["row"], roles_of[int(file_id)], group["date"])
        parts.append(pd.DataFrame(values, index=group.index))
    roles = pd.concat(parts).loc[stored.index] if parts else pd.DataFrame(index=stored.index)
    stored["ad_no"] = stored["ad_no"].astype(np.int64)
    return pd.concat([stored.drop(columns=["row", "date"]), roles], axis=1)


def number_new_ads(files: list[NewRows], first_ad_no: int) -> pd.DataFrame:
    """New ads with their ad_no: numbered by date, then fingerprint (row order never counts)."""
    new = pd.concat([f.rows.assign(file_index=i) for i, f in enumerate(files)], ignore_index=True)
    new = new.sort_values(["date", "fingerprint"], na_position="last", kind="stable")
    new = new.reset_index(drop=True)
    new["ad_no"] = np.arange(first_ad_no, first_ad_no + len(new), dtype=np.int64)
    new["ad_key"] = [ad_key(n) for n in new["ad_no"].tolist()]
    return new
