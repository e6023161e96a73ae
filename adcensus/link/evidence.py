"""The evidence of a pair as one readable line, e.g. `phone +33639981234; name 1.00; text 0.93`.

Made in pyarrow from small lists of wordings, so that no Python string is built per
pair and field (`explain_arrow`; `explain` is the same wording per pair in Python,
kept as the reference the tests hold it to).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# "0.00" … "1.00": similarities are shown to two decimals, looked up rather than formatted.
_HUNDREDTHS = [f"{k / 100:.2f}" for k in range(101)]


def _hundredths(values: np.ndarray) -> np.ndarray:
    return np.rint(np.clip(np.nan_to_num(values), 0.0, 1.0) * 100).astype(np.int64)


def _part(words: list[str], index: np.ndarray, present: np.ndarray) -> pa.Array:
    """`words[index]` where `present`, null elsewhere: one field of the evidence, in C."""
    return pc.take(pa.array(words, pa.string()), pa.array(index, mask=~present))


def taken(words: pa.Array, index: np.ndarray, present: np.ndarray) -> pa.Array:
    """`words[index]` where `present`, "" elsewhere."""
    return pc.fill_null(pc.take(words, pa.array(index, mask=~present)), "")


def explain(scored: pd.DataFrame, age_a: np.ndarray, age_b: np.ndarray) -> np.ndarray:
    """One readable line of evidence per pair, strongest fields first, e.g.
    `phone +33639981234; name 1.00; age 24/25; text 0.93`.

    Each field is taken from a small list of its possible wordings (pyarrow `take`) and
    the fields are joined in C, skipping absent ones: no Python string per pair and field.
    """
    if len(scored) == 0:
        return np.empty(0, dtype=object)
    joined = explain_arrow(scored, age_a, age_b)
    return np.asarray(joined.to_numpy(zero_copy_only=False), dtype=object)


def _with_bits(part: pa.Array, bits: np.ndarray | None) -> pa.Array:
    """`part` followed by the bits its field added, e.g. "name 1.00 (+3.4)"."""
    if bits is None:
        return part
    known = ~np.isnan(bits)
    index = np.rint(np.clip(np.nan_to_num(bits), -_BITS_RANGE, _BITS_RANGE) * 10).astype(np.int64)
    words = _part(_BITS_WORDS, index + 10 * _BITS_RANGE, known)
    # Joined with "" for a missing bits word, then trimmed: pyarrow's null_handling="skip"
    # loses rows where every input is null (pyarrow 26).
    joined = pc.binary_join_element_wise(part, pc.fill_null(words, ""), " ")
    return pc.utf8_rtrim(joined, " ")


_BITS_RANGE = 30
_BITS_WORDS = [f"({k / 10:+.1f})" for k in range(-10 * _BITS_RANGE, 10 * _BITS_RANGE + 1)]


def explain_arrow(
    scored: Mapping[str, Any],
    age_a: np.ndarray,
    age_b: np.ndarray,
    phone_text: np.ndarray | None = None,
    bits: Mapping[str, np.ndarray] | None = None,
) -> pa.Array:
    """`explain` as a pyarrow array; `scored` maps the column names to arrays or Series.

    With `phone_text`, `scored["shared_phone"]` holds codes into it (-1: none) rather
    than the phones themselves. With `bits` (field → the bits each pair's level added),
    each field's words are followed by its bits: the waterfall a reviewer reads.
    Optional entries of `scored`: `city_level` (0 same, 1 different), `photo_level`
    (0 same, 1 different) and `extra` (column → similarity) for `--compare` columns.
    """
    n = len(age_a)
    if n == 0:
        return pa.array([], pa.string())
    if phone_text is None:
        shared = np.asarray(scored["shared_phone"], dtype=object)
        codes, numbers = pd.factorize(shared)
        has_shared = shared != ""
    else:
        shared_code = np.asarray(scored["shared_phone"], dtype=np.int64)
        has_shared = shared_code >= 0
        # The phones of this chunk, renumbered 0, 1, … in code order (no sort needed).
        used = np.zeros(len(phone_text) + 1, dtype=bool)
        used[shared_code] = True  # a -1 marks the spare last slot
        codes = (np.cumsum(used) - 1)[shared_code]
        numbers = phone_text[np.flatnonzero(used[:-1])]
    phone_words = [f"phone {p}" for p in numbers] + [f"agency phone {p}" for p in numbers]
    agency = np.asarray(scored["agency_phone"], dtype=bool)
    disjoint = np.asarray(scored["phone_disjoint"], dtype=bool)
    phone_index = np.where(has_shared, codes + len(numbers) * agency, 2 * len(numbers))
    phone = _part(
        [*phone_words, "different phones"], np.maximum(phone_index, 0), has_shared | disjoint
    )
    photo = np.asarray(scored["photo_same"], dtype=bool)
    name_sim = np.asarray(scored["name_sim"], dtype=float)
    from_text = np.asarray(scored["name_from_text"], dtype=bool)
    name_words = [f"name {h}" for h in _HUNDREDTHS] + [f"name {h} (from text)" for h in _HUNDREDTHS]
    name = _part(name_words, _hundredths(name_sim) + 101 * from_text, ~np.isnan(name_sim))
    text_sim = np.asarray(scored["text_sim"], dtype=float)
    style_sim = np.asarray(scored["style_sim"], dtype=float)
    ages = np.concatenate([age_a, age_b])
    known = np.unique(ages[~np.isnan(ages)])
    age_words = [f"age {x:g}/{y:g}" for x in known for y in known]
    index_a = np.searchsorted(known, np.nan_to_num(age_a, nan=-1.0))
    index_b = np.searchsorted(known, np.nan_to_num(age_b, nan=-1.0))
    both_aged = ~(np.isnan(age_a) | np.isnan(age_b))
    age_index = np.where(both_aged, index_a * len(known) + index_b, 0)
    bits = bits or {}
    text_present = ~np.isnan(text_sim)
    style_present = ~np.isnan(style_sim) & (style_sim > 0)
    text_bits = bits.get("text")
    parts = [
        _with_bits(phone, bits.get("phone")),
        _with_bits(_photo_part(scored, photo, n), bits.get("photo")),
        _with_bits(name, bits.get("name")),
        _with_bits(
            _part([f"text {h}" for h in _HUNDREDTHS], _hundredths(text_sim), text_present),
            text_bits,
        ),
        _with_bits(
            _part([f"style {h}" for h in _HUNDREDTHS], _hundredths(style_sim), style_present),
            None if text_bits is None else np.where(text_present, np.nan, text_bits),
        ),
        _with_bits(_part(age_words or [""], age_index, both_aged), bits.get("age")),
    ]
    if "city_level" in scored:
        city = np.asarray(scored["city_level"])
        parts.append(
            _with_bits(
                _part(["same city", "other city"], np.maximum(city, 0), city >= 0),
                bits.get("city"),
            )
        )
    for column, sim in scored.get("extra", {}).items():
        sim = np.asarray(sim, dtype=float)
        words = [f"{column} {h}" for h in _HUNDREDTHS]
        parts.append(_with_bits(_part(words, _hundredths(sim), ~np.isnan(sim)), bits.get(column)))
    # A last part that is never null, trimmed off after: pyarrow (26) drops the rows
    # where every input is null when null_handling="skip". No part ends in ";" or " ".
    parts.append(pa.array([""] * n, pa.string()))
    joined = pc.utf8_rtrim(pc.binary_join_element_wise(*parts, "; ", null_handling="skip"), "; ")
    return pc.if_else(pc.equal(joined, ""), "no evidence", joined)


def _photo_part(scored: Mapping[str, Any], photo: np.ndarray, n: int) -> pa.Array:
    """ "same photo", or "other photo" where both ads have one (given `photo_level`)."""
    if "photo_level" not in scored:
        return _part(["same photo"], np.zeros(n, dtype=np.int64), photo)
    level = np.asarray(scored["photo_level"])
    return _part(["same photo", "other photo"], np.maximum(level, 0), level >= 0)
