"""The comparisons of two ads, declared one per field: levels, priors, and how a pair is sorted.

Each field is one `Comparison` (its levels and their priors, see `adcensus.link.model`),
sorted into its levels by its block of `pair_levels`. Adding a field is its declaration
in `comparisons()` and its block there; the engine (`compare.score_pairs`) learns its
weights and adds its bits like any other's. A column added with `--compare` needs
nothing more; a new field with evidence words of its own ("same photo") also needs its
part in `evidence.explain_arrow`.

The priors are what the world says before any census is read: `prior_m`, how often one
person's two ads fall in a level (she keeps her number, her pseudonym, her age within a
year); `prior_u`, how often two strangers' ads do (a first name is shared by a few in a
hundred, an age by one in twelve, a number almost never). The census's own pairs then
decide; the priors alone weigh a file too small to learn from.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from adcensus.link.flat import exploded_phones, index_labels
from adcensus.link.model import Comparison, Level
from adcensus.link.similarity import similar, sorted_word_texts, value_codes
from adcensus.normalize import ad_owners
from adcensus.text import arrow_strings, row_cosines

MAX_PHONES_PER_AD = 4

PHONE = Comparison(
    "phone",
    (
        Level("same number", 0.85, 0.01, +1),
        # A number several persons share says two ads come from one agency, not from one
        # person: it never weighs for a link; pseudonym, age and text decide.
        Level("same agency number, names alike", 0.035, 0.035, -1),
        Level("same agency number, a name missing", 0.005, 0.01, -1),
        Level("same agency number, other name", 0.01, 0.05, -1),
        Level("different numbers", 0.10, 0.93, -1),
    ),
)
NAME = Comparison(
    "name",
    (
        Level("same", 0.80, 0.03, +1),
        Level("other digits", 0.02, 0.005, 0),
        Level("similar", 0.12, 0.02, +1),
        Level("partly alike", 0.03, 0.05, 0),
        Level("different", 0.03, 0.895, -1),
    ),
    tf=True,
)
AGE = Comparison(
    "age",
    (
        Level("same", 0.55, 0.08, +1),
        Level("1 year apart", 0.307, 0.15, 0),
        Level("2-3 years apart", 0.10, 0.25, 0),
        Level("4-9 years apart", 0.03, 0.40, -1),
        Level("10+ years apart", 0.003, 0.12, -1),
    ),
    tf=True,  # 22 is a common stated age, 41 a rare one
)
CITY = Comparison("city", (Level("same", 0.6, 0.1, +1), Level("different", 0.4, 0.9, -1)), tf=True)
TEXT = Comparison(
    "text",
    (
        Level("near-identical", 0.45, 0.01, +1),
        Level("close", 0.25, 0.03, +1),
        Level("somewhat alike", 0.20, 0.10, 0),
        Level("different", 0.10, 0.86, -1),
    ),
)
PHOTO = Comparison("photo", (Level("same", 0.5, 0.001, +1), Level("different", 0.5, 0.999, -1)))


def extra_comparison(column: str) -> Comparison:
    """The comparison of a column the analyst adds with `--compare COL`."""
    return Comparison(
        column,
        (
            Level("same", 0.8, 0.05, +1),
            Level("similar", 0.1, 0.05, +1),
            Level("partly alike", 0.05, 0.1, 0),
            Level("different", 0.05, 0.8, -1),
        ),
        tf=True,
    )


# Cut-offs of string similarity (0..1) between levels: one typo in a six-letter word
# keeps fuzz.ratio above 0.83; a reposted text with a few words changed stays above 0.9.
NAME_SIMILAR = 0.85
NAME_PARTLY = 0.70
TEXT_SAME, TEXT_CLOSE, TEXT_DIFFERENT = 0.9, 0.8, 0.65
STYLE_SAME, STYLE_CLOSE, STYLE_DIFFERENT = 0.8, 0.6, 0.3


NAME_DIFFERENT = 4  # the level of NAME that no reader takes for one person


@functools.lru_cache(maxsize=1 << 16)
def name_level(x: str, y: str) -> int:
    """The NAME level of two non-empty pseudonym cores (0 same … 4 different)."""
    if x == y:
        return 0
    letters_x, letters_y = _letters(x), _letters(y)
    if letters_x and letters_x == letters_y:
        return 1
    if fuzz.ratio(x, y) >= 100 * NAME_SIMILAR or fuzz.token_set_ratio(x, y) >= 100:
        return 2
    words_x = {w for w in x.split(" ") if len(w) >= 3}
    if fuzz.ratio(x, y) >= 100 * NAME_PARTLY or words_x & set(y.split(" ")):
        return 3
    return NAME_DIFFERENT


def _letters(core: str) -> str:
    return " ".join(w for w in core.split(" ") if not w.isdigit())


def names_compatible(x: str, y: str) -> bool:
    """Whether two pseudonym cores can be one person's (any level but "different")."""
    return name_level(x, y) < NAME_DIFFERENT


@dataclass(frozen=True)
class PairData:
    """What the comparisons read of each ad, computed once for all chunks of pairs.

    Values are codes (-1: none) into their distinct values, so that equal values are
    found by comparing integers and each distinct pair of values is compared once.
    """

    phones: np.ndarray  # codes, -1 padded, MAX_PHONES_PER_AD per ad
    first_phone: np.ndarray
    several_phones: np.ndarray
    phone_text: np.ndarray  # E.164 per phone code
    phone_arrow: pa.Array | None
    is_agency: np.ndarray  # per phone code
    core_codes: np.ndarray
    cores: np.ndarray  # per core code
    core_tf: np.ndarray  # per core code: share of posters using it
    name_from_text: np.ndarray
    ages: np.ndarray
    age_codes: np.ndarray  # per ad, code of its stated age (-1: none)
    age_tf: np.ndarray  # per age code: share of posters stating it
    city_codes: np.ndarray
    city_tf: np.ndarray
    text_codes: np.ndarray
    texts: np.ndarray
    text_sorted: np.ndarray
    text_ascii: np.ndarray
    style: Any  # sparse matrix or None
    written: np.ndarray  # per ad: whether it has any text at all (stock phrases included)
    photo_codes: np.ndarray
    extra: tuple[tuple[str, np.ndarray, np.ndarray, np.ndarray], ...]  # (name, codes, values, tf)

    @functools.cached_property
    def tf_average(self) -> dict[str, float]:
        """Per frequency-adjusted comparison, the chance that two posters drawn at random
        share a value: the sum of the squared shares."""
        average = {
            "name": _squared_sum(self.core_tf),
            "age": _squared_sum(self.age_tf),
            "city": _squared_sum(self.city_tf),
        }
        for column, _, _, shares in self.extra:
            average[column] = _squared_sum(shares)
        return average

    @classmethod
    def of(cls, features: pd.DataFrame, style: Any, extra: tuple[str, ...] = ()) -> PairData:
        """`features` as `adcensus.normalize.prepare` makes them.

        A frame without `core` compares the names as they are; without `owner`, each
        ad's poster is its first phone, else its name, else the ad itself.
        """
        owners = pd.factorize(_owners(features))[0].astype(np.int64)
        core_codes, cores = value_codes(
            features["core"] if "core" in features else features["name"]
        )
        positions, codes, phone_text = phone_table(features)
        matrix = np.full((len(features), MAX_PHONES_PER_AD), -1, dtype=np.int64)
        starts = np.flatnonzero(np.r_[True, positions[1:] != positions[:-1]])
        slot = np.arange(len(positions)) - np.repeat(starts, np.diff(np.r_[starts, len(positions)]))
        keep = slot < MAX_PHONES_PER_AD
        matrix[index_labels(features, positions[keep]), slot[keep]] = codes[keep]
        text_codes, texts = value_codes(features["text"])
        ascii_text = np.array([t.isascii() for t in texts], dtype=bool)
        ages = features["age"].to_numpy(dtype=float)
        age_codes = pd.factorize(ages)[0].astype(np.int64)  # NaN → -1
        city = features["city"] if "city" in features else pd.Series([""] * len(features))
        city_codes, cities = value_codes(city)
        from_text = features.get("name_from_text", pd.Series(False, index=features.index))
        extras = []
        for column in extra:
            column_codes, values = value_codes(features[f"compare:{column}"])
            extras.append(
                (column, column_codes, values, poster_shares(column_codes, len(values), owners))
            )
        return cls(
            phones=matrix,
            first_phone=matrix[:, 0].copy(),
            several_phones=matrix[:, 1] >= 0,
            phone_text=phone_text,
            phone_arrow=_arrow_strings(phone_text),
            is_agency=agency_phones(positions, codes, len(phone_text), core_codes, cores),
            core_codes=core_codes,
            cores=cores,
            core_tf=poster_shares(core_codes, len(cores), owners),
            name_from_text=from_text.to_numpy(dtype=bool),
            ages=ages,
            age_codes=age_codes,
            age_tf=poster_shares(
                age_codes, int(age_codes.max()) + 1 if len(age_codes) else 0, owners
            ),
            city_codes=city_codes,
            city_tf=poster_shares(city_codes, len(cities), owners),
            text_codes=text_codes,
            texts=texts,
            text_sorted=sorted_word_texts(texts, ascii_text),
            text_ascii=ascii_text,
            style=style,
            written=_written(features, text_codes, style),
            photo_codes=value_codes(features["photo"])[0],
            extra=tuple(extras),
        )


def _written(features: pd.DataFrame, text_codes: np.ndarray, style: Any) -> np.ndarray:
    """Per ad, whether it has text: comparison text, or sentences in its style vector
    (an ad made only of stock phrases has text too, and two such ads with no phrase in
    common are texts that differ)."""
    written = text_codes >= 0
    if style is not None and style.shape[0] == len(features):
        written = written | (np.diff(style.tocsr().indptr) > 0)
    return written


def _owners(features: pd.DataFrame) -> np.ndarray:
    """The `owner` column, or for a frame without it, what `normalize.ad_owners` makes."""
    if "owner" in features:
        return features["owner"].to_numpy(dtype=object)
    phones = [tuple(map(str, p)) for p in features["phones"].tolist()]
    return ad_owners(phones, arrow_strings(features["name"])).to_numpy(dtype=object)


def poster_shares(codes: np.ndarray, size: int, owners: np.ndarray) -> np.ndarray:
    """Per value code, the share of posters (distinct owners) that use the value.

    Counted over posters, not ads: a prolific poster does not make her own pseudonym
    look common. The share of a value no poster uses is 1 / posters. `owners` are the
    posters' integer codes (`pd.factorize` of the owner column).
    """
    present = codes >= 0
    if size == 0:
        return np.empty(0)
    width = max(int(owners.max()) + 1, 1) if len(owners) else 1
    pairs = pd.unique(codes[present] * width + owners[present])
    per_value = np.bincount(pairs // width, minlength=size)
    total = max(len(pd.unique(owners[present])), 1)
    return np.maximum(per_value, 1) / total


def _arrow_strings(values: np.ndarray) -> pa.Array | None:
    try:
        return pa.array(values, pa.string())
    except (ValueError, TypeError):
        return None


def phone_table(features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each phone of each ad as (ad position, phone code), and the E.164 string of each
    code, in sorted order."""
    positions, phones = exploded_phones(features)
    codes, uniques = pd.factorize(phones)
    codes = codes.astype(np.int64)
    try:
        # Sorted by pyarrow (UTF-8 bytes sort in code point order, as Python's str).
        order = np.asarray(pc.array_sort_indices(pa.array(uniques, pa.string())), dtype=np.int64)
    except (ValueError, TypeError):  # not all strings, or not UTF-8 (lone surrogates)
        codes, uniques = pd.factorize(phones, sort=True)
        return positions, codes.astype(np.int64), np.asarray(uniques, dtype=object)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return positions, rank[codes], np.asarray(uniques, dtype=object)[order]


def agency_phones(
    positions: np.ndarray,
    codes: np.ndarray,
    n_phones: int,
    core_codes: np.ndarray,
    cores: np.ndarray,
) -> np.ndarray:
    """Per phone code, whether its ads carry several pseudonyms no reader would take for
    one: cores that are not spellings or decorations of one another (`names_compatible`).

    One name mismatch makes no agency: "Kim VIP" and "KIM" have one core.
    """
    agency = np.zeros(n_phones, dtype=bool)
    core = core_codes[positions]
    named = core >= 0
    size = max(len(cores), 1)
    pairs = np.unique(codes[named] * size + core[named])
    phone, core_code = pairs // size, pairs % size
    bounds = np.flatnonzero(np.r_[True, phone[1:] != phone[:-1], True])
    for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        if stop - start < 2:
            continue
        distinct: list[str] = []
        for name in cores[core_code[start:stop]]:
            if all(not names_compatible(name, d) for d in distinct):
                distinct.append(name)
        agency[phone[start]] = len(distinct) >= 2
    return agency


def shared_phones(data: PairData, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the first phone code of `a` also on `b`, or -1; whether a shared phone is no agency's)."""
    first_a, first_b = data.first_phone[a], data.first_phone[b]
    shared_code = np.where((first_a == first_b) & (first_a >= 0), first_a, -1)
    shared_private = np.zeros(len(a), dtype=bool)
    if len(data.is_agency):
        shared_private = (shared_code >= 0) & ~data.is_agency[np.maximum(shared_code, 0)]
    # Nearly every ad has one phone; the few pairs where one has more are searched fully.
    rows = np.flatnonzero(data.several_phones[a] | data.several_phones[b])
    if len(rows):
        pa_, pb = data.phones[a[rows]], data.phones[b[rows]]
        code = np.full(len(rows), -1, dtype=np.int64)
        private = np.zeros(len(rows), dtype=bool)
        for i in range(MAX_PHONES_PER_AD):
            for j in range(MAX_PHONES_PER_AD):
                hit = (pa_[:, i] == pb[:, j]) & (pa_[:, i] >= 0)
                code = np.where(hit & (code < 0), pa_[:, i], code)
                if len(data.is_agency):
                    private |= hit & ~data.is_agency[np.maximum(pa_[:, i], 0)]
        shared_code[rows], shared_private[rows] = code, private
    return shared_code, shared_private


@dataclass
class PairLevels:
    """The levels of a chunk of pairs (one column per comparison, MISSING = -1), the
    measures behind them (for evidence and networks), and the frequency of the shared
    value where a comparison is term-frequency adjusted (NaN elsewhere)."""

    gamma: np.ndarray
    tf: dict[str, np.ndarray]
    tf_average: dict[str, float]  # per adjusted comparison: sum of squared poster shares
    shared_code: np.ndarray
    shared_private: np.ndarray
    disjoint: np.ndarray
    name_sim: np.ndarray
    age_gap: np.ndarray
    text_sim: np.ndarray
    style_sim: np.ndarray
    photo_same: np.ndarray
    extra_sim: dict[str, np.ndarray]


def _distinct_pairs(
    codes_a: np.ndarray, codes_b: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """(index of each row's distinct code pair, the distinct pairs as packed codes)."""
    inverse, distinct = pd.factorize(codes_a * size + codes_b)
    return inverse, np.asarray(distinct)


def _name_levels(data: PairData, ca: np.ndarray, cb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(NAME level, fuzz.ratio / 100) of the cores of pairs where both ads are named."""
    size = max(len(data.cores), 1)
    inverse, distinct = _distinct_pairs(ca, cb, size)
    left, right = data.cores[distinct // size], data.cores[distinct % size]
    ratio = cpdist(list(left), list(right), scorer=fuzz.ratio, workers=-1) / 100.0
    return name_levels(left, right, ratio)[inverse], ratio[inverse]


def name_levels(left: np.ndarray, right: np.ndarray, ratio: np.ndarray | None = None) -> np.ndarray:
    """`name_level` of each pair of non-empty cores, computed over whole arrays.

    rapidfuzz scores all pairs in C; only pairs that may share a word (its
    `partial_token_set_ratio` is 100 then) are looked at word by word in Python.
    """
    left_list, right_list = list(left), list(right)
    if ratio is None:
        ratio = cpdist(left_list, right_list, scorer=fuzz.ratio, workers=-1) / 100.0
    levels = np.full(len(left), NAME_DIFFERENT, dtype=np.int8)
    if not len(left):
        return levels
    subset = cpdist(left_list, right_list, scorer=fuzz.token_set_ratio, workers=-1) >= 100
    levels[ratio >= NAME_PARTLY] = 3
    levels[(ratio >= NAME_SIMILAR) | subset] = 2
    # Letters of each distinct core once (a million ads pair few thousand cores).
    codes, cores = pd.factorize(pd.Series(np.r_[left, right], dtype=object))
    letter_codes, letter_values = pd.factorize(
        pd.Series([_letters(c) for c in cores], dtype=object)
    )
    codes = letter_codes[codes]
    has_letters = np.asarray(letter_values, dtype=object)[codes[: len(left)]] != ""
    same_letters = (codes[: len(left)] == codes[len(left) :]) & has_letters
    levels[same_letters] = 1
    levels[left == right] = 0
    unsure = np.flatnonzero(levels == NAME_DIFFERENT)
    if len(unsure):
        shared = (
            cpdist(
                [left_list[i] for i in unsure],
                [right_list[i] for i in unsure],
                scorer=fuzz.partial_token_set_ratio,
                workers=-1,
            )
            >= 100
        )
        for i in unsure[shared].tolist():
            if {w for w in left_list[i].split(" ") if len(w) >= 3} & set(right_list[i].split(" ")):
                levels[i] = 3
    return levels


def _text_similar(data: PairData, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`fuzz.token_sort_ratio` / 100 of the texts of ads `a` and `b` (both with text).

    Where both texts are ASCII their words are sorted once per text and compared with
    `fuzz.ratio`: the same number, five times faster.
    """
    ca, cb = data.text_codes[a], data.text_codes[b]
    fast = data.text_ascii[ca] & data.text_ascii[cb]
    if fast.all():
        return similar(ca, cb, data.text_sorted, fuzz.ratio)
    sims = np.empty(len(a), dtype=np.float32)
    sims[fast] = similar(ca[fast], cb[fast], data.text_sorted, fuzz.ratio)
    sims[~fast] = similar(ca[~fast], cb[~fast], data.texts, fuzz.token_sort_ratio)
    return sims


def _value_levels(
    codes: np.ndarray, values: np.ndarray, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(level 0 same / 1 similar / 2 partly alike / 3 different / -1 missing, similarity)
    of a string column, with the cut-offs of pseudonyms."""
    ca, cb = codes[a], codes[b]
    both = (ca >= 0) & (cb >= 0)
    sim = np.full(len(a), np.nan)
    if both.any():
        sim[both] = similar(ca[both], cb[both], values, fuzz.ratio)
    level = np.full(len(a), -1, dtype=np.int8)
    level[both] = np.select(
        [ca[both] == cb[both], sim[both] >= NAME_SIMILAR, sim[both] >= NAME_PARTLY], [0, 1, 2], 3
    )
    return level, sim


def comparisons(extra: tuple[str, ...] = ()) -> tuple[Comparison, ...]:
    """The comparisons of a run, in the order of `PairLevels.gamma`'s columns."""
    return (PHONE, NAME, AGE, CITY, TEXT, PHOTO, *(extra_comparison(c) for c in extra))


def _squared_sum(shares: np.ndarray) -> float:
    return float(np.sum(shares**2)) if len(shares) else 1.0


def pair_levels(data: PairData, a: np.ndarray, b: np.ndarray) -> PairLevels:
    """Sort pairs of ads (positions `a`, `b`) into the levels of every comparison."""
    n = len(a)
    gamma = np.full((n, 6 + len(data.extra)), -1, dtype=np.int8)
    tf: dict[str, np.ndarray] = {}

    shared_code, shared_private = shared_phones(data, a, b)
    shared = shared_code >= 0
    disjoint = ~shared & (data.first_phone[a] >= 0) & (data.first_phone[b] >= 0)
    ca, cb = data.core_codes[a], data.core_codes[b]
    named = (ca >= 0) & (cb >= 0)
    name_sim = np.full(n, np.nan)
    if named.any():
        levels, ratio = _name_levels(data, ca[named], cb[named])
        gamma[named, 1] = levels
        name_sim[named] = ratio
    # On a number several persons share, the pseudonym is what tells them apart: the
    # phone's level says whether the names could be one person's (the two clues are
    # not independent there, so they are read together).
    alike, other_name = named & (gamma[:, 1] != NAME_DIFFERENT), gamma[:, 1] == NAME_DIFFERENT
    gamma[:, 0] = np.select(
        [shared_private, shared & alike, shared & ~other_name, shared, disjoint],
        [0, 1, 2, 3, 4],
        -1,
    )
    tf["name"] = np.where(
        gamma[:, 1] == 0, data.core_tf[np.maximum(ca, 0)] if len(data.core_tf) else np.nan, np.nan
    )

    age_gap = np.abs(data.ages[a] - data.ages[b])
    aged = ~np.isnan(age_gap)
    gap = np.nan_to_num(age_gap, nan=0.0)
    gamma[:, 2] = np.where(
        aged, np.select([gap < 0.5, gap <= 1, gap <= 3, gap <= 9], [0, 1, 2, 3], 4), -1
    )
    tf["age"] = np.where(
        gamma[:, 2] == 0,
        data.age_tf[np.maximum(data.age_codes[a], 0)] if len(data.age_tf) else np.nan,
        np.nan,
    )

    city_a, city_b = data.city_codes[a], data.city_codes[b]
    placed = (city_a >= 0) & (city_b >= 0)
    gamma[:, 3] = np.where(placed, np.where(city_a == city_b, 0, 1), -1)
    tf["city"] = np.where(
        gamma[:, 3] == 0,
        data.city_tf[np.maximum(city_a, 0)] if len(data.city_tf) else np.nan,
        np.nan,
    )

    has_text = (data.text_codes[a] >= 0) & (data.text_codes[b] >= 0)
    text_sim = np.full(n, np.nan)
    if has_text.any():
        text_sim[has_text] = _text_similar(data, a[has_text], b[has_text])
    style_sim = row_cosines(data.style, a, b) if data.style is not None else np.full(n, np.nan)
    with np.errstate(invalid="ignore"):
        same = (text_sim >= TEXT_SAME) | (style_sim >= STYLE_SAME)
        close = (text_sim >= TEXT_CLOSE) | (style_sim >= STYLE_CLOSE)
        alike = (text_sim >= TEXT_DIFFERENT) | (style_sim >= STYLE_DIFFERENT)
        written = data.written[a] & data.written[b]
    gamma[:, 4] = np.select([same, close, alike, written], [0, 1, 2, 3], -1)

    photo_a, photo_b = data.photo_codes[a], data.photo_codes[b]
    pictured = (photo_a >= 0) & (photo_b >= 0)
    photo_same = pictured & (photo_a == photo_b)
    gamma[:, 5] = np.where(pictured, np.where(photo_same, 0, 1), -1)

    extra_sim = {}
    for k, (column, codes, values, shares) in enumerate(data.extra):
        level, sim = _value_levels(codes, values, a, b)
        gamma[:, 6 + k] = level
        extra_sim[column] = sim
        tf[column] = np.where(
            level == 0, shares[np.maximum(codes[a], 0)] if len(shares) else np.nan, np.nan
        )

    # Kept for every candidate pair until all are weighed: float32 halves 7M pairs' memory.
    tf = {k: v.astype(np.float32) for k, v in tf.items()}
    name_sim, age_gap = name_sim.astype(np.float32), age_gap.astype(np.float32)
    text_sim, style_sim = text_sim.astype(np.float32), style_sim.astype(np.float32)
    extra_sim = {k: v.astype(np.float32) for k, v in extra_sim.items()}
    return PairLevels(
        gamma, tf, data.tf_average, shared_code, shared_private, disjoint, name_sim, age_gap,
        text_sim, style_sim, photo_same, extra_sim,
    )  # fmt: skip
