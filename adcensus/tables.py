"""The output tables of a dedupe run, built from the features, the scored pairs and the
clusters: ads (one row per input ad, in order), persons, pairs, and the summary.

String columns are built in Arrow and handed to pandas as "str" columns: building
them from Python strings costs seconds at a million ads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from adcensus import __version__
from adcensus import columns as col
from adcensus.link.flat import FlatPhones
from adcensus.outputs.contract import DECISION_PRIORITY, REVIEW_QUEUE, Decision, Summary
from adcensus.read import UNREADABLE_DATE, AdTable
from adcensus.setaside import EMPTY, SET_ASIDE_FLAG, TOTAL, SetAside
from adcensus.settings import Settings
from adcensus.text import common_spelling, fold_place, join_lists


def _arrow(values: pd.Series) -> pa.Array:
    """A column as one pyarrow large-string array, missing values null."""
    array = pa.array(values.astype("str").array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string())


def _taken(values: pd.Series, rows: np.ndarray) -> pa.Array:
    """`_arrow(values).take(rows)`, taken from the column's chunks as they are: the
    evidence of seven million pairs is not copied whole to pick the rows written."""
    array = pa.array(values.astype("str").array)
    taken = array.take(pa.array(rows, type=pa.int64()))
    if isinstance(taken, pa.ChunkedArray):
        taken = taken.combine_chunks()
    return taken.cast(pa.large_string())


def strings(values: Any) -> pa.Array:
    """Python strings (None for missing) as a pyarrow large-string array."""
    return pa.array(values, type=pa.large_string())


def _column(array: pa.Array) -> pd.api.extensions.ExtensionArray:
    """A pyarrow string array as a pandas "str" column, with no trip through Python objects.

    Handing pandas Python strings costs seconds at a million ads (it builds the Arrow
    array from them); the result is the same column.
    """
    return pd.array(array, dtype="str")


@dataclass(frozen=True)
class Linked:
    """What linking found for the ads of `table`: everything the output tables are
    built from (adcensus.dedupe.dedupe_table makes it)."""

    table: AdTable  # the ads (rows set aside are not in it)
    features: pd.DataFrame  # one row per ad (adcensus.normalize)
    scored: pd.DataFrame  # the scored pairs: a, b, score, evidence, agency_phone[, review]
    outcome: np.ndarray  # per scored pair, what clustering did: joined, same, conflict, ""
    labels: np.ndarray  # person label per ad
    person_ids: pa.Array  # id per person label
    networks: np.ndarray  # network label per ad
    network_ids: pa.Array  # id per network label
    ranks: np.ndarray  # each ad's key's rank (adcensus.link.flat.key_ranks)
    flat: FlatPhones  # the ads' phone numbers
    settings: Settings


def ads_table(linked: Linked) -> pd.DataFrame:
    """The input rows with our columns added."""
    table, features, scored, outcome = linked.table, linked.features, linked.scored, linked.outcome
    ranks, flat = linked.ranks, linked.flat
    n = len(features)
    reason: pa.Array = pa.nulls(n, pa.large_string()).fill_null("alone")
    joined = np.flatnonzero((outcome == "joined") | (outcome == "same"))
    if len(joined):
        a, b = scored["a"].to_numpy()[joined], scored["b"].to_numpy()[joined]
        score = scored["score"].to_numpy(dtype=float)[joined]
        strongest = _strongest_links(n, a, b, score, ranks)
        has_link = strongest >= 0
        rows = joined[np.where(has_link, strongest, 0)]
        evidence = _taken(scored["evidence"], rows)
        reason = pc.if_else(pa.array(has_link), evidence, reason)
    date_flags = pd.Series(np.where(features["date_unreadable"], UNREADABLE_DATE, ""))
    flags = _joined_flags(
        [_arrow(table.flags.fillna("")), _arrow(date_flags), _arrow(features["phone_flags"])]
    )
    out = table.frame.copy(deep=False)
    added = {
        col.PERSON_ID: linked.person_ids.take(pa.array(linked.labels)),
        col.NETWORK_ID: linked.network_ids.take(pa.array(linked.networks)),
        col.PHONES: join_lists(flat.counts, flat.values, ";"),
        col.LINK_REASON: reason,
        col.AD_KEY: _arrow(features["key"]),
        col.FLAGS: flags,
    }
    for name, values in added.items():
        out[_output_name(name, table.frame.columns)] = _column(values)
    return out


def _joined_flags(parts: list[pa.Array]) -> pa.Array:
    """Per row, the non-empty flags of each part joined by ";", in the order given."""
    nothing = pa.scalar("", pa.large_string())
    semicolon = pa.scalar(";", pa.large_string())
    flags = parts[0]
    for part in parts[1:]:
        both = pc.and_(pc.not_equal(flags, ""), pc.not_equal(part, ""))
        separator = pc.if_else(both, semicolon, nothing)
        flags = pc.binary_join_element_wise(flags, separator, part, nothing)
    return flags


def _output_name(name: str, originals: pd.Index) -> str:
    """Our column's name: an input column with the same name is kept, ours gets a prefix."""
    return name if name not in originals else f"adcensus_{name}"


SET_ASIDE_REASONS = {EMPTY: "empty row", TOTAL: "total row"}


def with_set_aside(ads: pd.DataFrame, table: AdTable, aside: SetAside) -> pd.DataFrame:
    """The ads table of the real ads with the set-aside rows of `table` put back in place.

    A set-aside row keeps its cells, has no person, network, phones nor key, says why in
    `link_reason` ("set aside: empty row") and has SET_ASIDE_FLAG in `flags`.
    """
    if aside.count == 0:
        return ads
    rows = np.flatnonzero(aside.reasons != "")
    reasons = aside.reasons[rows]
    flags = table.flags.iloc[rows].fillna("").astype(str).to_numpy(dtype=object)
    flags = np.where(flags == "", SET_ASIDE_FLAG, flags + ";" + SET_ASIDE_FLAG)
    extra = table.frame.iloc[rows].reset_index(drop=True)
    originals = table.frame.columns
    link_reason = ["set aside: " + SET_ASIDE_REASONS[r] for r in reasons]
    extra[_output_name(col.LINK_REASON, originals)] = pd.array(link_reason, dtype="str")
    extra[_output_name(col.FLAGS, originals)] = pd.array(flags.tolist(), dtype="str")
    for name in ads.columns:
        if name not in extra.columns:
            extra[name] = pd.array([None] * len(extra), dtype="str")
    whole = pd.concat([ads, extra[list(ads.columns)]], ignore_index=True)
    order = np.empty(len(whole), dtype=np.int64)
    order[aside.positions] = np.arange(len(aside.positions))
    order[rows] = np.arange(len(rows)) + len(aside.positions)
    return whole.take(order).reset_index(drop=True)


def rejected_table(table: AdTable, aside: SetAside) -> pd.DataFrame:
    """rejected.csv: the set-aside rows, each with its `row` in its file (as a spreadsheet
    counts: the rows above the headers count too), its `source_file` when several files
    were read, its `reason`, then its cells as read."""
    rows = np.flatnonzero(aside.reasons != "")
    starts = np.cumsum([0] + [info.rows for info in table.inputs])[:-1]
    headers = np.array([info.header_row for info in table.inputs], dtype=np.int64)
    file_of = np.searchsorted(starts, rows, side="right") - 1
    frame = table.frame.iloc[rows].reset_index(drop=True)
    originals = frame.columns
    row = rows - starts[file_of] + headers[file_of] + 1
    ours: dict[str, Any] = {_output_name("row", originals): row}
    if len(table.inputs) > 1 and col.SOURCE_FILE in frame.columns:
        ours[col.SOURCE_FILE] = frame.pop(col.SOURCE_FILE)
    reasons = [SET_ASIDE_REASONS[r] for r in aside.reasons[rows]]
    ours[_output_name("reason", originals)] = pd.array(reasons, dtype="str")
    return pd.concat([pd.DataFrame(ours), frame], axis=1)


def _strongest_links(
    n: int, a: np.ndarray, b: np.ndarray, score: np.ndarray, ranks: np.ndarray
) -> np.ndarray:
    """Per ad 0..n-1, the index of its strongest link among the pairs a–b (-1: none).

    Ties go to the partner first in key order, so that row order never matters; a
    missing score loses; a pair given twice counts by its first row. The same
    choice as a lexsort on (ad, -score, partner rank), made with ufunc.at (max,
    then min): 2.4 s → 0.1 s on 4M rows.
    """
    ads = np.concatenate([a, b])
    partner_rank = ranks[np.concatenate([b, a])]
    score = np.tile(np.where(np.isnan(score), -np.inf, score), 2)
    best = np.full(n, -np.inf)
    np.maximum.at(best, ads, score)
    top = np.flatnonzero(score == best[ads])
    nearest = np.full(n, len(ranks), dtype=np.int64)
    np.minimum.at(nearest, ads[top], partner_rank[top])
    chosen = top[partner_rank[top] == nearest[ads[top]]]
    first = np.full(n, len(ads), dtype=np.int64)
    np.minimum.at(first, ads[chosen], chosen)
    return np.where(first < len(ads), first % max(len(a), 1), -1)


def _distinct_joined(
    labels: np.ndarray, codes: np.ndarray, uniques: Any, n_groups: int
) -> pa.Array:
    """Per label, its distinct non-empty values (stripped), sorted and `;`-joined.

    The values come factorized (`codes` into `uniques`, -1 for missing): each distinct
    string is stripped and sorted once, in Arrow (the order pandas sorts in); the rest
    is integer work on (label, sorted code).
    """
    values = pd.Series(uniques)
    if values.dtype != "str":  # as str() makes them, e.g. for numbers
        values = values.astype(object).astype(str)
    stripped = _arrow(values.str.strip())
    order = pc.array_sort_indices(stripped).to_numpy()
    ordered = stripped.take(pa.array(order))
    first = np.ones(len(order), dtype=bool)  # first of its value in sorted order
    if len(order) > 1:
        first[1:] = pc.not_equal(ordered[1:], ordered[:-1]).to_numpy(zero_copy_only=False)
    to_sorted = np.empty(len(order), dtype=np.int64)
    to_sorted[order] = np.cumsum(first) - 1
    distinct = ordered.filter(pa.array(first))
    known = codes >= 0
    width = max(len(distinct), 1)
    pairs = np.sort(labels[known].astype(np.int64) * width + to_sorted[codes[known]])
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
    groups, value_codes = pairs // width, pairs % width
    if len(distinct) and distinct[0].as_py() == "":  # "" sorts first: drop code 0
        groups, value_codes = groups[value_codes > 0], value_codes[value_codes > 0]
    items = distinct.take(pa.array(value_codes))
    return join_lists(np.bincount(groups, minlength=n_groups), items, ";")


def _days(stamps: pd.Series) -> pa.Array:
    """Timestamps as "YYYY-MM-DD" (null for NaT), each distinct one formatted once."""
    codes, uniques = pd.factorize(stamps)
    text = _arrow(pd.Series(uniques).dt.strftime("%Y-%m-%d"))
    return text.take(pa.array(np.maximum(codes, 0), mask=codes < 0))


def persons_table(linked: Linked) -> pd.DataFrame:
    """One row per person, most ads first (README, persons.csv)."""
    table, features, labels, flat = linked.table, linked.features, linked.labels, linked.flat
    person_ids, network_ids, networks = linked.person_ids, linked.network_ids, linked.networks

    def original(role: str) -> pa.Array:
        header = table.roles.get(role)
        if header is None:
            return join_lists(np.zeros(n, dtype=np.int64), pa.nulls(0, pa.large_string()), ";")
        cells = table.frame[header]
        if role == col.CITY:  # "Calais;CALAIS" is one commune: its most frequent spelling
            cells = common_spelling(cells, fold_place)
        codes, uniques = pd.factorize(cells)
        return _distinct_joined(labels, codes, uniques, n)

    n = len(person_ids)
    ads = np.bincount(labels, minlength=n)
    # Most ads first, then by id: a stable sort in Arrow, without pandas factorizing the
    # ids. The labels are renumbered in that order, so every column comes out sorted.
    keys = pa.table({"ads": ads, col.PERSON_ID: person_ids})
    order = pc.sort_indices(keys, sort_keys=[("ads", "descending"), (col.PERSON_ID, "ascending")])
    order = order.to_numpy()
    place = np.empty(n, dtype=np.int64)
    place[order] = np.arange(n)
    labels = place[labels]
    first_ad = np.full(n, len(labels), dtype=np.int64)
    np.minimum.at(first_ad, labels, np.arange(len(labels)))
    dates = pd.Series(features["date"].to_numpy()).groupby(labels)
    persons = pd.DataFrame(
        {
            col.PERSON_ID: _column(person_ids.take(pa.array(order))),
            col.NETWORK_ID: _column(network_ids.take(pa.array(networks[first_ad]))),
            "ads": ads[order],
            "sites": _column(original(col.SITE)),
            "cities": _column(original(col.CITY)),
            "first_seen": _column(_days(dates.min())),
            "last_seen": _column(_days(dates.max())),
            "names": _column(original(col.NAME)),
            "phones": _column(
                _distinct_joined(labels[flat.ads], flat.codes, _column(flat.numbers), n)
            ),
        }
    )
    return persons[list(col.PERSONS_COLUMNS)].fillna("")


def pairs_table(linked: Linked) -> pd.DataFrame:
    """The scored pairs that were linked or are worth a look, with their decision."""
    features, scored, outcome = linked.features, linked.scored, linked.outcome
    labels, settings, ranks = linked.labels, linked.settings, linked.ranks
    score = scored["score"].to_numpy()
    thr, margin = settings.link_threshold, settings.doubtful_margin
    a, b = scored["a"].to_numpy(), scored["b"].to_numpy()
    same = labels[a] == labels[b]
    conflict = (score >= thr) & (outcome == "conflict") & ~same  # cluster's outcome, not a Decision
    # Each pair's decision as its place in DECISION_PRIORITY, plus one (0: not written),
    # set from the weakest rule to the strongest (the strongest that holds wins): a
    # masked assignment each, lighter than np.select at 7M pairs.
    code = np.zeros(len(scored), dtype=np.int64)
    rank = {decision: k for k, decision in enumerate(DECISION_PRIORITY, start=1)}
    code[scored["agency_phone"].to_numpy(dtype=bool)] = rank[Decision.AGENCY]
    code[score >= thr] = rank[Decision.LINK]
    code[np.abs(score - thr) < margin] = rank[Decision.DOUBTFUL]
    code[conflict] = rank[Decision.CONFLICT]
    if "review" in scored:
        review = scored["review"].to_numpy()
        code[review == "n"] = rank[Decision.REJECTED]
        code[review == "y"] = rank[Decision.CONFIRMED]
    names = strings(["", *(str(decision) for decision in DECISION_PRIORITY)])
    kept = np.flatnonzero(code)
    decision = names.take(pa.array(code[kept]))
    a, b = a[kept], b[kept]
    swap = ranks[a] > ranks[b]
    first, second = np.where(swap, b, a), np.where(swap, a, b)
    if len(ranks) < 2**31:  # one int64 key sorts as the pair of ranks, and twice as fast
        order = np.argsort(ranks[first] * len(ranks) + ranks[second], kind="stable")
    else:
        order = np.lexsort((ranks[second], ranks[first]))
    first, second, kept = first[order], second[order], kept[order]
    keys = _arrow(features["key"])
    return pd.DataFrame(
        {
            "ad_a": _column(keys.take(pa.array(first))),
            "ad_b": _column(keys.take(pa.array(second))),
            "score": np.round(score[kept], 4),
            "decision": _column(decision.take(pa.array(order))),
            "evidence": _column(_taken(scored["evidence"], kept)),
            "same_person": same[kept].astype(int),
        }
    )


def _phone_counts(flat: FlatPhones, statuses: pd.Series) -> dict[str, int]:
    """Distinct phone numbers found, by status (valid, fictional, unallocated)."""
    # A number's status is the one of its last row (drop_duplicates(keep="last") did
    # that); the rows of those last occurrences stay in their order.
    found = np.flatnonzero(flat.codes >= 0)
    last = np.full(len(flat.numbers), -1, dtype=np.int64)
    np.maximum.at(last, flat.codes[found], found)
    last = np.sort(last[last >= 0])
    status = pa.array(list(statuses), type=pa.large_list(pa.large_string())).flatten()
    by_status = pd.Series(status.take(pa.array(last)).to_numpy(zero_copy_only=False)).value_counts()
    counts = {"distinct": len(last), "valid": 0, "fictional": 0, "unallocated": 0}
    counts.update({str(k): int(v) for k, v in by_status.items()})
    return counts


def summary_of(
    linked: Linked, persons: pd.DataFrame, pairs: pd.DataFrame, boilerplate: int, aside: SetAside
) -> Summary:
    """summary.json; `aside` says which rows were set aside, `boilerplate` how many
    sentences were found repeated across persons."""
    table, settings, flat, features = linked.table, linked.settings, linked.flat, linked.features
    n_ads, n_persons = len(table.frame), len(persons)
    site_header = table.roles.get(col.SITE)
    per_site: dict[str, int] = {}
    if site_header is not None:
        counts = table.frame[site_header].fillna("(none)").astype(str).value_counts()
        per_site = {
            str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        }
    decisions = pairs["decision"].value_counts()
    return {
        "ads": n_ads,
        "persons": n_persons,
        "doublon_rate": round(1 - n_persons / n_ads, 6) if n_ads else 0.0,
        "rows_read": len(aside.reasons),
        "rows_set_aside": aside.counts(),
        "networks": int(persons[col.NETWORK_ID].nunique()),
        "persons_in_networks": int(
            persons.groupby(col.NETWORK_ID)[col.PERSON_ID].transform("size").gt(1).sum()
        ),
        "sites": len(per_site),
        "ads_per_site": per_site,
        "pairs": {str(d): int(decisions.get(d, 0)) for d in Decision},
        "pairs_to_review": int(sum(decisions.get(d, 0) for d in REVIEW_QUEUE)),
        "flagged_rows": int((table.flags.fillna("").astype(str) != "").sum()),
        "unreadable_cells": {"date": int(features["date_unreadable"].sum())},
        "ads_without_phone": int((flat.counts == 0).sum()),
        "phones": _phone_counts(flat, features["phone_statuses"]),
        "boilerplate_sentences": boilerplate,
        "roles": dict(table.roles),
        "inputs": [{"path": i.path, "rows": i.rows, "sha256": i.sha256} for i in table.inputs],
        "settings": settings.to_dict(),
        "version": __version__,
    }
