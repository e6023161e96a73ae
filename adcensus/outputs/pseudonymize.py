"""A dedupe result with its phones, urls, pseudonyms and photo hashes as keyed tokens
(adcensus.privacy.tokens), for `--pseudonymize`: a folder to share without the numbers."""

from __future__ import annotations

import dataclasses

import pandas as pd

from adcensus import columns as col
from adcensus.outputs.contract import DedupeResult, Summary, role_headers
from adcensus.privacy.keys import key_id
from adcensus.privacy.tokens import TOKEN_HEX, Tokens, pseudonymize_persons


def _output_name(name: str, originals: set[str]) -> str:
    """The ads.csv column dedupe appended as `name` (prefixed when an input had that name)."""
    return f"adcensus_{name}" if name in originals else name


def pseudonymize_result(
    result: DedupeResult, key: bytes, drop_text: bool = False, region: str | None = None
) -> DedupeResult:
    """`result` with phones, urls, pseudonyms and photo hashes replaced by keyed tokens.

    In ads.csv: the original phone, url, name and photo-hash columns (from
    `summary["roles"]`), the `phones` and `link_reason` columns, and the phone numbers
    found in the title and text columns; in persons.csv: `names` and `phones`; in
    pairs.csv: the phones in `evidence`. Every other original column (one adcensus
    does not recognise: `WhatsApp`, `Notes`) and the title and text are scanned for phone
    numbers and urls, which become tokens too (`found_in_cells` counts them). Ids,
    counts, sites, cities and dates are otherwise unchanged, so tallies still work and, with the same key, link across months. Other words of free
    text (a pseudonym, an address) are NOT removed: `drop_text` drops the title and text
    columns altogether. `summary["pseudonymized"]` says what was done and with which key.
    """
    roles = role_headers(result.summary)
    region = region or str((result.summary.get("settings") or {}).get("region") or "FR")
    tokens = Tokens(key, region)
    found: dict[str, dict[str, int]] = {}
    ads = _pseudonymize_cells(result.ads, roles, tokens, drop_text, found)
    # The rows set aside keep their original cells too (rejected.csv).
    rejected = _pseudonymize_cells(result.rejected, roles, tokens, drop_text, found)
    added = set(col.ADS_OUTPUT_COLUMNS)
    originals = {h for h in ads.columns if h not in added}
    originals |= {n for n in added if f"adcensus_{n}" in ads.columns}
    kinds = {col.URL: "url", col.NAME: "name", col.PHOTO_HASH: "photo"}
    phones = _output_name(col.PHONES, originals)
    if phones in ads.columns:
        ads[phones] = tokens.joined(ads[phones], "phone")
    reason = _output_name(col.LINK_REASON, originals)
    if reason in ads.columns:
        ads[reason] = tokens.e164_in(ads[reason])
    persons = pseudonymize_persons(result.persons, tokens)
    pairs = result.pairs.copy()
    if "evidence" in pairs.columns:
        pairs["evidence"] = tokens.e164_in(pairs["evidence"])
    summary: Summary = {
        **result.summary,
        "pseudonymized": {
            "key_id": key_id(key),
            "method": f"HMAC-SHA256, first {TOKEN_HEX} hex, prefixed by kind",
            "columns": sorted(
                {h for r, hs in roles.items() if r in (col.PHONE, *kinds) for h in hs}
            ),
            "free_text": "dropped"
            if drop_text
            else "phone numbers and urls replaced, other words kept",
            # Phone numbers and urls found in cells of free text or of columns of no role
            # (`WhatsApp`, `Notes`), replaced by tokens, counted per column.
            "found_in_cells": {name: found[name] for name in sorted(found)},
        },
    }
    return dataclasses.replace(
        result, ads=ads, persons=persons, pairs=pairs, summary=summary, rejected=rejected
    )


def _pseudonymize_cells(
    frame: pd.DataFrame,
    roles: dict[str, list[str]],
    tokens: Tokens,
    drop_text: bool,
    found: dict[str, dict[str, int]],
) -> pd.DataFrame:
    """`frame` with its original phone, url, name and photo-hash cells as tokens, its
    title and text columns dropped or with their phone numbers as tokens, and the phone
    numbers and urls of every other original column as tokens (counted into `found`)."""
    frame = frame.copy()
    tokenised = (col.PHONE, col.URL, col.NAME, col.PHOTO_HASH, col.TITLE, col.TEXT)
    handled = {h for role in tokenised for h in roles.get(role, [])}
    ours = {*col.ADS_OUTPUT_COLUMNS, *(f"adcensus_{n}" for n in col.ADS_OUTPUT_COLUMNS)}
    ours |= {col.SOURCE_FILE, f"adcensus_{col.SOURCE_FILE}", "row", "reason"}
    for header in [h for h in frame.columns if h not in handled and h not in ours]:
        frame[header] = _identifiers_replaced(frame[header], str(header), tokens, found)
    kinds = {col.URL: "url", col.NAME: "name", col.PHOTO_HASH: "photo"}
    for role, headers in roles.items():
        for header in (h for h in headers if h in frame.columns):
            if role == col.PHONE:
                frame[header] = tokens.phone_cells(frame[header])
            elif role in kinds:
                frame[header] = tokens.column(frame[header], kinds[role])
    texts = [h for r in (col.TITLE, col.TEXT) for h in roles.get(r, []) if h in frame.columns]
    if drop_text:
        return frame.drop(columns=texts)
    for header in texts:
        frame[header] = _identifiers_replaced(frame[header], str(header), tokens, found)
    return frame


def _identifiers_replaced(
    values: pd.Series, header: str, tokens: Tokens, found: dict[str, dict[str, int]]
) -> pd.Series:
    """`values` with their phone numbers and urls as tokens, counted into `found[header]`."""
    if not (values.dtype == object or isinstance(values.dtype, pd.StringDtype)):
        return values  # numbers and dates read as such hold no text
    replaced, phones, urls = tokens.identifiers_in_texts(values)
    if phones or urls:
        counts = found.setdefault(header, {"phones": 0, "urls": 0})
        counts["phones"] += phones
        counts["urls"] += urls
    return replaced
