"""Compare candidate pairs: per-field evidence, a weight in bits, a score, an explanation.

Every comparison is vectorised over all pairs (rapidfuzz's `cpdist` for strings,
numpy for the rest). Each pair keeps its evidence as readable text, e.g.
`phone +33639981234; name 1.00; age 24/25; text 0.93`.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from adcensus.settings import Settings
from adcensus.text import row_cosines

MAX_PHONES_PER_AD = 4


def phone_codes(features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(matrix of phone codes per ad, -1 padded; the E.164 string of each code)."""
    exploded = features["phones"].explode()
    exploded = exploded[exploded.notna()]
    codes, uniques = pd.factorize(exploded, sort=True)
    matrix = np.full((len(features), MAX_PHONES_PER_AD), -1, dtype=np.int64)
    slot = exploded.groupby(level=0).cumcount().to_numpy()
    keep = slot < MAX_PHONES_PER_AD
    matrix[exploded.index.to_numpy()[keep], slot[keep]] = codes[keep]
    return matrix, np.asarray(uniques, dtype=object)


def _similar(a: list[str], b: list[str]) -> np.ndarray:
    return cpdist(a, b, scorer=fuzz.ratio, workers=-1) / 100.0


def phone_names(features: pd.DataFrame) -> pd.DataFrame:
    """Distinct (phone, folded name) pairs over all ads with both."""
    exploded = features[["phones", "name"]].explode("phones")
    has_both = exploded["phones"].notna() & (exploded["name"].str.len() > 0)
    return exploded[has_both].drop_duplicates().sort_values(["phones", "name"])


def agency_phones(pairs: pd.DataFrame, settings: Settings) -> set[str]:
    """Phones whose ads carry several clearly different pseudonyms: an agency's booking line.

    `pairs` is `phone_names(features)`, computed once for this and `common_names`.
    """
    pairs = pairs[pairs.groupby("phones")["name"].transform("size") >= 2]
    phones = pairs["phones"].to_numpy(dtype=object)
    names = pairs["name"].to_numpy(dtype=object)
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


def score_pairs(
    features: pd.DataFrame, pairs: pd.DataFrame, settings: Settings, style: Any = None
) -> pd.DataFrame:
    """Evidence, weight (bits), score (0..1) and explanation for each candidate pair.

    `style` is the matrix of text.style_vectors; without it, text is compared on
    the boilerplate-free comparison text alone.
    """
    a = pairs["a"].to_numpy(dtype=np.int64)
    b = pairs["b"].to_numpy(dtype=np.int64)
    out = pairs.copy()

    matrix, phone_text = phone_codes(features)
    seen_together = phone_names(features)
    agencies = agency_phones(seen_together, settings)
    is_agency = np.array([p in agencies for p in phone_text], dtype=bool)
    pa, pb = matrix[a], matrix[b]
    shared_code = np.full(len(a), -1, dtype=np.int64)
    shared_private = np.zeros(len(a), dtype=bool)
    for i in range(MAX_PHONES_PER_AD):
        for j in range(MAX_PHONES_PER_AD):
            hit = (pa[:, i] == pb[:, j]) & (pa[:, i] >= 0)
            shared_code = np.where(hit & (shared_code < 0), pa[:, i], shared_code)
            if len(is_agency):
                shared_private |= hit & ~is_agency[np.maximum(pa[:, i], 0)]
    shared = shared_code >= 0
    disjoint = ~shared & (pa[:, 0] >= 0) & (pb[:, 0] >= 0)

    names = features["name"].astype(object).to_numpy()
    na, nb = names[a], names[b]
    has_names = (pd.Series(na).str.len().to_numpy() > 0) & (pd.Series(nb).str.len().to_numpy() > 0)
    name_sim = np.where(has_names, _similar(list(na), list(nb)), np.nan)
    common = pd.Series(na).isin(common_names(seen_together, settings)).to_numpy(dtype=bool)

    ages = features["age"].to_numpy(dtype=float)
    age_gap = np.abs(ages[a] - ages[b])

    texts = features["text"].astype(object).to_numpy()
    ta, tb = texts[a], texts[b]
    has_text = (pd.Series(ta).str.len().to_numpy() > 0) & (pd.Series(tb).str.len().to_numpy() > 0)
    text_sim = np.where(
        has_text,
        cpdist(list(ta), list(tb), scorer=fuzz.token_sort_ratio, workers=-1) / 100.0,
        np.nan,
    )
    style_sim = row_cosines(style, a, b) if style is not None else np.full(len(a), np.nan)
    photos = features["photo"].astype(object).to_numpy()
    photo_same = (photos[a] == photos[b]) & (pd.Series(photos[a]).str.len().to_numpy() > 0)

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

    out["shared_phone"] = np.where(
        shared, phone_text[np.maximum(shared_code, 0)] if len(phone_text) else "", ""
    )
    out["agency_phone"] = shared & ~shared_private
    out["phone_disjoint"] = disjoint
    out["name_sim"] = name_sim
    if "name_from_text" in features:
        from_text = features["name_from_text"].to_numpy(dtype=bool)
        out["name_from_text"] = from_text[a] | from_text[b]
    else:
        out["name_from_text"] = False
    out["age_gap"] = age_gap
    out["text_sim"] = text_sim
    out["style_sim"] = style_sim
    out["photo_same"] = photo_same
    out["weight"] = weight
    out["score"] = 1.0 / (1.0 + np.exp2(-weight))
    # Evidence is written for the pairs anybody will read: links, near misses, agencies.
    wanted = (out["score"].to_numpy() >= s.link_threshold - s.doubtful_margin) | out[
        "agency_phone"
    ].to_numpy()
    evidence = np.full(len(out), "", dtype=object)
    evidence[wanted] = explain(out[wanted], ages[a][wanted], ages[b][wanted])
    out["evidence"] = evidence
    return out


def explain(scored: pd.DataFrame, age_a: np.ndarray, age_b: np.ndarray) -> list[str]:
    """One readable line of evidence per pair, strongest fields first."""
    lines = []
    for row, aa, ab in zip(scored.itertuples(index=False), age_a, age_b, strict=True):
        parts = []
        if row.shared_phone:
            parts.append(("agency phone " if row.agency_phone else "phone ") + row.shared_phone)
        elif row.phone_disjoint:
            parts.append("different phones")
        if row.photo_same:
            parts.append("same photo")
        if not np.isnan(row.name_sim):
            parts.append(
                f"name {row.name_sim:.2f}" + (" (from text)" if row.name_from_text else "")
            )
        if not np.isnan(row.text_sim):
            parts.append(f"text {row.text_sim:.2f}")
        if not np.isnan(row.style_sim) and row.style_sim > 0:
            parts.append(f"style {row.style_sim:.2f}")
        if not (np.isnan(aa) or np.isnan(ab)):
            parts.append(f"age {aa:g}/{ab:g}")
        lines.append("; ".join(parts) if parts else "no evidence")
    return lines
