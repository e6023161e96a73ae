"""Compare candidate pairs: per-field evidence, a weight in bits, a score, an explanation.

Every comparison is vectorised over all pairs (rapidfuzz's `cpdist` for strings,
numpy for the rest). Each pair keeps its evidence as readable text, e.g.
`phone +33639981234; name 1.00; age 24/25; text 0.93`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz

from adcensus.link.evidence import explain_arrow, taken
from adcensus.link.flat import exploded_phones, index_labels
from adcensus.link.similarity import similar, sorted_word_texts, str_lengths, value_codes
from adcensus.progress import Progress
from adcensus.settings import Settings
from adcensus.text import row_cosines

MAX_PHONES_PER_AD = 4


PhoneTable = tuple[np.ndarray, np.ndarray, np.ndarray]


def phone_table(features: pd.DataFrame) -> PhoneTable:
    """Each phone of each ad as (ad position, phone code), and the E.164 string of each
    code, in sorted order: made once, read by `phone_codes` and `phone_names`."""
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


def phone_codes(
    features: pd.DataFrame, table: PhoneTable | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(matrix of phone codes per ad, -1 padded; the E.164 string of each code)."""
    positions, codes, uniques = table if table is not None else phone_table(features)
    matrix = np.full((len(features), MAX_PHONES_PER_AD), -1, dtype=np.int64)
    # Each phone's slot on its ad: positions come in order, so a rank within each run.
    starts = np.flatnonzero(np.r_[True, positions[1:] != positions[:-1]])
    slot = np.arange(len(positions)) - np.repeat(starts, np.diff(np.r_[starts, len(positions)]))
    keep = slot < MAX_PHONES_PER_AD
    matrix[index_labels(features, positions[keep]), slot[keep]] = codes[keep]
    return matrix, uniques


def phone_names(features: pd.DataFrame, table: PhoneTable | None = None) -> pd.DataFrame:
    """Distinct (phone, folded name) pairs over all ads with both, sorted by phone, name."""
    positions, codes, uniques = table if table is not None else phone_table(features)
    names = features["name"]
    named = (str_lengths(names) > 0).to_numpy(dtype=bool)[positions]
    if not named.any():
        return pd.DataFrame({"phones": [], "name": []}, dtype=object)
    # Sorted codes of both, packed in one integer: np.unique sorts and deduplicates.
    name_codes, name_values = pd.factorize(
        names.iloc[positions[named]].to_numpy(dtype=object), sort=True
    )
    packed = np.unique(codes[named] * len(name_values) + name_codes)
    return pd.DataFrame(
        {
            "phones": uniques[packed // len(name_values)],
            "name": np.asarray(name_values, dtype=object)[packed % len(name_values)],
        },
        dtype=object,
    )


def _text_similar(ads: _AdArrays, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`fuzz.token_sort_ratio` / 100 of the texts of ads `a` and `b` (both with text).

    Where both texts are ASCII their words are sorted once per text, not once per
    pair, and compared with `fuzz.ratio`: the same number, five times faster.
    """
    ca, cb = ads.text_codes[a], ads.text_codes[b]
    fast = ads.text_ascii[ca] & ads.text_ascii[cb]
    if fast.all():
        return similar(ca, cb, ads.text_sorted, fuzz.ratio)
    sims = np.empty(len(a), dtype=np.float32)
    sims[fast] = similar(ca[fast], cb[fast], ads.text_sorted, fuzz.ratio)
    sims[~fast] = similar(ca[~fast], cb[~fast], ads.texts, fuzz.token_sort_ratio)
    return sims


def agency_phones(pairs: pd.DataFrame, settings: Settings) -> set[str]:
    """Phones whose ads carry several clearly different pseudonyms: an agency's booking line.

    `pairs` is `phone_names(features)`, computed once for this and `common_names`.
    """
    phones = pairs["phones"].to_numpy(dtype=object)
    # Phones with at least two names (a groupby's transform("size"), by bincount).
    codes, _ = pd.factorize(phones)
    several = (codes >= 0) & (np.bincount(codes[codes >= 0], minlength=1)[codes] >= 2)
    phones = phones[several]
    names = pairs["name"].to_numpy(dtype=object)[several]
    bounds: list[int] = []
    if len(phones):
        bounds = np.flatnonzero(np.r_[True, phones[1:] != phones[:-1], True]).tolist()
    agencies: set[str] = set()
    for start, stop in itertools.pairwise(bounds):
        distinct: list[str] = []
        for name in names[start:stop]:
            if all(fuzz.ratio(name, d) / 100.0 < settings.name_similar for d in distinct):
                distinct.append(name)
        if len(distinct) >= settings.agency_min_names:
            agencies.add(str(phones[start]))
    return agencies


def common_names(pairs: pd.DataFrame, settings: Settings) -> set[str]:
    """Pseudonyms seen with at least `common_name_phones` different phones (`pairs` as above)."""
    phones_per_name = pairs.groupby("name")["phones"].size()
    return set(phones_per_name[phones_per_name >= settings.common_name_phones].index)


@dataclass(frozen=True)
class _AdArrays:
    """What scoring needs of each ad, computed once for all chunks of pairs.

    Names, texts and photos are codes (-1: none) into their distinct values, so that
    equal values are found by comparing integers and each distinct pair is scored once.
    """

    phones: np.ndarray  # codes, -1 padded, MAX_PHONES_PER_AD per ad
    first_phone: np.ndarray  # column 0 of phones, contiguous
    several_phones: np.ndarray
    phone_text: np.ndarray
    phone_arrow: pa.Array | None  # phone_text as pyarrow strings, if all are strings
    is_agency: np.ndarray  # per phone code
    name_codes: np.ndarray
    names: np.ndarray  # per name code
    common_name: np.ndarray
    name_from_text: np.ndarray
    ages: np.ndarray
    text_codes: np.ndarray
    texts: np.ndarray  # per text code
    text_sorted: np.ndarray  # per text code, see similarity.sorted_words
    text_ascii: np.ndarray  # per text code
    photo_codes: np.ndarray

    @classmethod
    def of(cls, features: pd.DataFrame, settings: Settings) -> _AdArrays:
        table = phone_table(features)
        matrix, phone_text = phone_codes(features, table)
        seen_together = phone_names(features, table)
        agencies = agency_phones(seen_together, settings)
        name_codes, names = value_codes(features["name"])
        text_codes, texts = value_codes(features["text"])
        ascii_text = np.array([t.isascii() for t in texts], dtype=bool)
        from_text = features.get("name_from_text", pd.Series(False, index=features.index))
        common_set = common_names(seen_together, settings)
        common = np.array([name in common_set for name in names], dtype=bool)
        return cls(
            phones=matrix,
            first_phone=matrix[:, 0].copy(),
            several_phones=matrix[:, 1] >= 0,
            phone_text=phone_text,
            phone_arrow=_arrow_strings(phone_text),
            is_agency=np.array([p in agencies for p in phone_text], dtype=bool),
            name_codes=name_codes,
            names=names,
            common_name=np.r_[common, False][name_codes],
            name_from_text=from_text.to_numpy(dtype=bool),
            ages=features["age"].to_numpy(dtype=float),
            text_codes=text_codes,
            texts=texts,
            text_sorted=sorted_word_texts(texts, ascii_text),
            text_ascii=ascii_text,
            photo_codes=value_codes(features["photo"])[0],
        )


def _arrow_strings(values: np.ndarray) -> pa.Array | None:
    """`values` as a pyarrow string array, or None if some are no (UTF-8) strings."""
    try:
        return pa.array(values, pa.string())
    except (ValueError, TypeError):
        return None


# Pairs are scored this many at a time, so that the temporary arrays stay small.
SCORE_CHUNK = 1_000_000


def score_pairs(
    features: pd.DataFrame,
    pairs: pd.DataFrame,
    settings: Settings,
    style: Any = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Evidence, weight (bits), score (0..1) and explanation for each candidate pair.

    `style` is the matrix of text.style_vectors; without it, text is compared on
    the boilerplate-free comparison text alone. Similarities are kept as float32.
    """
    ads = _AdArrays.of(features, settings)
    n = len(pairs)
    parts = []
    for start in range(0, max(n, 1), SCORE_CHUNK):
        parts.append(_score_chunk(ads, pairs.iloc[start : start + SCORE_CHUNK], settings, style))
        if progress is not None:
            progress("compare", min(start + SCORE_CHUNK, n), n)
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def _shared_phones(ads: _AdArrays, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the first phone code of `a` also on `b`, or -1; whether a shared phone is no agency's)."""
    first_a, first_b = ads.first_phone[a], ads.first_phone[b]
    shared_code = np.where((first_a == first_b) & (first_a >= 0), first_a, -1)
    shared_private = np.zeros(len(a), dtype=bool)
    if len(ads.is_agency):
        shared_private = (shared_code >= 0) & ~ads.is_agency[np.maximum(shared_code, 0)]
    # Nearly every ad has one phone; the few pairs where one has more are searched fully.
    rows = np.flatnonzero(ads.several_phones[a] | ads.several_phones[b])
    if len(rows):
        pa_, pb = ads.phones[a[rows]], ads.phones[b[rows]]
        code = np.full(len(rows), -1, dtype=np.int64)
        private = np.zeros(len(rows), dtype=bool)
        for i in range(MAX_PHONES_PER_AD):
            for j in range(MAX_PHONES_PER_AD):
                hit = (pa_[:, i] == pb[:, j]) & (pa_[:, i] >= 0)
                code = np.where(hit & (code < 0), pa_[:, i], code)
                if len(ads.is_agency):
                    private |= hit & ~ads.is_agency[np.maximum(pa_[:, i], 0)]
        shared_code[rows], shared_private[rows] = code, private
    return shared_code, shared_private


def _score_chunk(
    ads: _AdArrays, pairs: pd.DataFrame, settings: Settings, style: Any
) -> pd.DataFrame:
    a = pairs["a"].to_numpy(dtype=np.int64)
    b = pairs["b"].to_numpy(dtype=np.int64)
    out = pairs.reset_index(drop=True)

    shared_code, shared_private = _shared_phones(ads, a, b)
    shared = shared_code >= 0
    disjoint = ~shared & (ads.first_phone[a] >= 0) & (ads.first_phone[b] >= 0)

    names_a, names_b = ads.name_codes[a], ads.name_codes[b]
    has_names = (names_a >= 0) & (names_b >= 0)
    name_sim = np.full(len(a), np.nan)
    if has_names.any():
        name_sim[has_names] = similar(names_a[has_names], names_b[has_names], ads.names, fuzz.ratio)
    common = ads.common_name[a]
    age_gap = np.abs(ads.ages[a] - ads.ages[b])
    has_text = (ads.text_codes[a] >= 0) & (ads.text_codes[b] >= 0)
    text_sim = np.full(len(a), np.nan)
    if has_text.any():
        text_sim[has_text] = _text_similar(ads, a[has_text], b[has_text])
    style_sim = row_cosines(style, a, b) if style is not None else np.full(len(a), np.nan)
    photos_a = ads.photo_codes[a]
    photo_same = (photos_a == ads.photo_codes[b]) & (photos_a >= 0)

    s = settings
    weight = np.zeros(len(a))
    weight += np.where(
        shared_private, s.w_phone_shared, np.where(shared, s.w_phone_shared_agency, 0.0)
    )
    weight += np.where(disjoint, s.w_phone_disjoint, 0.0)
    exact = name_sim >= 1.0
    weight += np.select(
        # A common pseudonym is weak evidence across phones, but behind one shared
        # phone (an agency's) it is exactly what tells its persons apart.
        [
            exact & (~common | shared),
            exact,
            name_sim >= s.name_similar,
            name_sim < s.name_different,
        ],
        [s.w_name_exact, s.w_name_exact_common, s.w_name_similar, s.w_name_different],
        0.0,
    )
    weight += np.select(
        [age_gap <= 1, age_gap <= s.max_age_span, age_gap > s.max_age_span],
        [s.w_age_close, s.w_age_near, s.w_age_far],
        0.0,
    )
    # Text counts once: the stronger of the words (text_sim) and the style (style_sim).
    unlike_words = ~has_text | (text_sim < s.text_different)
    weight += np.select(
        [
            (text_sim >= s.text_same) | (style_sim >= s.style_same),
            (text_sim >= s.text_close) | (style_sim >= s.style_close),
            has_text & unlike_words & ~(style_sim >= s.style_different),
        ],
        [s.w_text_same, s.w_text_close, s.w_text_different],
        0.0,
    )
    weight += np.where(photo_same, s.w_photo_same, 0.0)
    score = 1.0 / (1.0 + np.exp2(-weight))

    # Text columns are made as pyarrow arrays, the storage of pandas' str dtype.
    if ads.phone_arrow is not None:
        out["shared_phone"] = pd.array(taken(ads.phone_arrow, shared_code, shared), dtype="str")
    else:
        out["shared_phone"] = np.where(shared, ads.phone_text[np.maximum(shared_code, 0)], "")
    out["agency_phone"] = shared & ~shared_private
    out["phone_disjoint"] = disjoint
    out["name_sim"] = name_sim
    out["name_from_text"] = ads.name_from_text[a] | ads.name_from_text[b]
    out["age_gap"] = age_gap
    out["text_sim"] = text_sim
    out["style_sim"] = style_sim
    out["photo_same"] = photo_same
    # Evidence is written for the pairs anybody will read: links, near misses, agencies.
    wanted = np.flatnonzero(
        (score >= s.link_threshold - s.doubtful_margin) | (shared & ~shared_private)
    )
    explained = explain_arrow(
        {
            "shared_phone": shared_code[wanted],
            "agency_phone": (shared & ~shared_private)[wanted],
            "phone_disjoint": disjoint[wanted],
            "photo_same": photo_same[wanted],
            "name_sim": name_sim[wanted],
            "name_from_text": out["name_from_text"].to_numpy()[wanted],
            "text_sim": text_sim[wanted],
            "style_sim": style_sim[wanted],
        },
        ads.ages[a[wanted]],
        ads.ages[b[wanted]],
        ads.phone_text,
    )
    if len(out):
        slot = np.zeros(len(out), dtype=np.int64)
        slot[wanted] = np.arange(len(wanted))
        present = np.zeros(len(out), dtype=bool)
        present[wanted] = True
        out["evidence"] = pd.array(taken(explained, slot, present), dtype="str")
    else:
        out["evidence"] = np.empty(0, dtype=object)
    for column in ("name_sim", "age_gap", "text_sim", "style_sim"):
        out[column] = out[column].astype(np.float32)
    out["weight"] = weight
    out["score"] = score
    return out
