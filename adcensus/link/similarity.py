"""Similarity of names and texts, each distinct pair of values scored once.

Ads are coded by their distinct values (`value_codes`); a pair of ads becomes a pair
of codes, and reposts make the same two codes meet again and again. rapidfuzz's
`token_sort_ratio` is `ratio` of the texts with their words sorted: for ASCII text the
words are sorted once per text (`sorted_word_texts`), not once per pair.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz.process import cpdist


def str_lengths(values: pd.Series) -> pd.Series:
    """`values.str.len()`: in pyarrow for pandas' str dtype, else on the values as objects
    (so that a column of missing values, float64, has lengths NaN as well)."""
    if isinstance(values.dtype, pd.StringDtype):
        return values.str.len()
    return values.astype(object).str.len()


def value_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per ad, a code of its non-empty value (-1: none), and the value of each code."""
    present = (str_lengths(values) > 0).to_numpy(dtype=bool)
    codes = np.full(len(values), -1, dtype=np.int64)
    # Factorized as they are stored (pyarrow for pandas' str): no Python string per ad.
    found, uniques = pd.factorize(values[present])
    codes[present] = found
    return codes, np.asarray(uniques, dtype=object)


def sorted_words(text: str) -> str:
    """What `fuzz.token_sort_ratio` compares: the words of `text`, sorted, space-joined.

    Only for ASCII text: there rapidfuzz splits on the same whitespace as `str.split`
    (beyond ASCII it does not split on U+0085 and U+00A0, Python does).
    """
    return " ".join(sorted(text.split()))


def similar(
    codes_a: np.ndarray, codes_b: np.ndarray, values: np.ndarray, scorer: Any
) -> np.ndarray:
    """`scorer(values[codes_a], values[codes_b]) / 100`, each distinct pair of codes scored once.

    Reposts make the same two values meet again and again (a pseudonym, a text): the
    790k candidate pairs of 100k ads hold 330k distinct text pairs, 40k name pairs.
    """
    combined = codes_a * len(values) + codes_b
    inverse, distinct = pd.factorize(combined)
    left, right = values[distinct // len(values)], values[distinct % len(values)]
    return (cpdist(list(left), list(right), scorer=scorer, workers=-1) / 100.0)[inverse]


# Leading, trailing or repeated spaces, or other ASCII whitespace: Python's split differs
# from a split on " " there, so such texts are sorted by `sorted_words` itself.
_IRREGULAR_SPACE = r"^ | $|  |[\t\n\x0b\x0c\r\x1c-\x1f]"


def sorted_word_texts(texts: np.ndarray, ascii_text: np.ndarray) -> np.ndarray:
    """`sorted_words` of each ASCII text (others unchanged), made in pyarrow.

    Words are split on single spaces, ranked by one sort of the distinct words and
    ordered within each text by one sort of packed (text, rank) integers.
    """
    result = np.array(texts, dtype=object)
    array = pa.array(result[ascii_text], pa.large_string())
    irregular = np.asarray(pc.match_substring_regex(array, _IRREGULAR_SPACE), dtype=bool)
    lists = pc.split_pattern(array.filter(pa.array(~irregular)), " ")
    words = pc.list_flatten(lists)
    encoded = pc.dictionary_encode(words)
    order = np.asarray(pc.array_sort_indices(encoded.dictionary), dtype=np.int64)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    parents = np.asarray(pc.list_parent_indices(lists), dtype=np.int64)
    packed = np.sort(parents << 32 | rank[np.asarray(encoded.indices, dtype=np.int64)])
    sorted_words_ = encoded.dictionary.take(pa.array(order[packed & 0xFFFFFFFF]))
    lengths = np.asarray(pc.list_value_length(lists), dtype=np.int64)
    offsets = pa.array(np.r_[0, np.cumsum(lengths)].astype(np.int32))
    separator = pa.scalar(" ", pa.large_string())
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, sorted_words_), separator)
    regular = np.flatnonzero(ascii_text)[~irregular]
    result[regular] = joined.to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(ascii_text)[irregular]:
        result[i] = sorted_words(result[i])
    return result
