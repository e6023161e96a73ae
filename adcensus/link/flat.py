"""What every linking stage reads of the features, laid flat once: each ad's phones one
row per (ad, number), and the ads' ranks in key order.

Blocking and compare take the phones as Python objects (`exploded_phones`: any
hashable number will do); clustering and the output tables take them coded by Arrow
(`flat_phones`). Both read the tuples as `features["phones"].explode()` would, without
its cost at a million ads.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _explode(values: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(position, phone) for each item of each tuple or list, in order; anything else
    (a missing cell, a lone number) as pandas' explode reads it. Missing items kept."""
    if not isinstance(values, np.ndarray):
        # One object per ad: np.asarray would make tuples of equal length a 2-D array.
        values = pd.Series(list(values), dtype=object).to_numpy()
    if set(map(type, values)) <= {tuple, list}:
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        flat = itertools.chain.from_iterable(values)
        phones = np.fromiter(flat, dtype=object, count=int(lengths.sum()))
        return np.repeat(np.arange(len(values)), lengths), phones
    exploded = pd.Series(values, dtype=object).explode()
    return exploded.index.to_numpy(dtype=np.int64), exploded.to_numpy(dtype=object)


def exploded_phones(features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(position of the ad, phone) for each phone of each ad, in row order: what
    `features["phones"].explode()` holds, without missing values, made in one pass
    over the tuples (three times faster than explode at a million ads).
    """
    ads, phones = _explode(features["phones"].to_numpy(dtype=object))
    present = ~pd.isna(phones)
    return ads[present], phones[present]


def index_labels(features: pd.DataFrame, positions: np.ndarray) -> np.ndarray:
    """The index labels of ads at `positions` (the positions themselves for a 0..n-1 index)."""
    if features.index.equals(pd.RangeIndex(len(features))):
        return positions
    return features.index.to_numpy()[positions]


@dataclass(frozen=True)
class FlatPhones:
    """The per-ad phone tuples laid flat: one row per (ad, number), in ad order.

    Exploding the tuple column with pandas costs seconds at a million ads, and the
    clustering, the persons table, the ads table and the summary all want it: it is
    laid flat once, by `flat_phones`.
    """

    ads: np.ndarray  # ad position of each row (int64)
    values: pa.Array  # each row's number (large_string, null where missing)
    codes: np.ndarray  # each row's number as its index in `numbers`; -1 when missing
    numbers: pa.Array  # the distinct numbers (large_string), in order of first appearance
    counts: np.ndarray  # how many rows each ad has (int64), an empty tuple gives 0


def flat_phones(phones: Sequence[Any]) -> FlatPhones:
    """Lay the per-ad phone tuples (or lists) flat; see `FlatPhones`.

    Arrow converts the tuples of strings and encodes the numbers in C++, faster than a
    Python flatten and a pandas factorize. Other values (a missing cell, a number that
    is not a string, from a caller's own features) are read as `exploded_phones` reads
    them: a missing cell holds no number, others are written as text.
    """
    values = list(phones)
    try:
        if not set(map(type, values)) <= {tuple, list}:
            raise TypeError("not all tuples")
        lists = pa.array(values, type=pa.large_list(pa.large_string()))
    except (TypeError, pa.ArrowInvalid, pa.ArrowTypeError):
        ads, items = _explode(values)
        present = ~pd.isna(items)
        ads, items = ads[present], items[present]
        counts = np.bincount(ads, minlength=len(values)).astype(np.int64)
        offsets = np.zeros(len(values) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        texts = pa.array([str(item) for item in items], type=pa.large_string())
        lists = pa.LargeListArray.from_arrays(pa.array(offsets), texts)
    counts = np.diff(lists.offsets.to_numpy()).astype(np.int64)
    flat = lists.flatten()
    encoded = pc.dictionary_encode(flat)
    codes = encoded.indices.fill_null(-1).to_numpy().astype(np.int64)
    ads = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    return FlatPhones(ads, flat, codes, encoded.dictionary, counts)


def key_ranks(keys: pd.Series, dense: bool = False) -> np.ndarray:
    """Each ad's rank (from 0) in the order of the ad keys, sorted in Arrow, not as objects.

    Equal keys (there are none in a census: `ad_keys` makes them unique) keep their row
    order, or share a rank when `dense`, so that ranks compare as the keys do.
    """
    if len(keys) == 0:
        return np.empty(0, dtype=np.int64)
    values = pa.array(keys.astype("str").array)
    ranks = pc.rank(values, sort_keys="ascending", tiebreaker="dense" if dense else "first")
    return ranks.to_numpy().astype(np.int64) - 1
