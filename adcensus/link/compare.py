"""Compare candidate pairs: levels per field, weights learned from this census, a score, evidence.

The comparisons are declared in `adcensus.link.comparisons`; their weights are learned
by `adcensus.link.model` (EM, u from random pairs). Each pair gets the bits every field
added, the match probability they give, and one readable line of evidence with the
bits of each field, e.g. `phone +33639981234 (+9.1); name 1.00 (+3.4); age 24/25 (+0.6)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from adcensus.link.comparisons import (
    PairData,
    PairLevels,
    comparisons,
    pair_levels,
)
from adcensus.link.evidence import explain_arrow, taken
from adcensus.link.flat import key_ranks
from adcensus.link.model import MAX_BITS, Model, estimate_u, fit
from adcensus.progress import Progress
from adcensus.settings import Settings

# Pairs are scored this many at a time, so that the temporary arrays stay small.
SCORE_CHUNK = 1_000_000
# Random pairs drawn to learn u. Enough that a level reached by one pair in ten
# thousand is seen some twenty times.
RANDOM_PAIRS = 200_000
RANDOM_SEED = 20180901


@dataclass(frozen=True)
class ScoredPairs:
    """The candidate pairs with their measures, bits, score and evidence; the model used."""

    pairs: pd.DataFrame
    model: Model


def random_pairs(
    features: pd.DataFrame, count: int = RANDOM_PAIRS
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of distinct ads drawn at random (every pair when there are fewer than `count`).

    Drawn over the ads in key order, with a fixed seed: the same census gives the same
    pairs, whatever the order of its rows.
    """
    n = len(features)
    if n < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    by_rank = np.empty(n, dtype=np.int64)
    by_rank[key_ranks(features["key"])] = np.arange(n)
    if n * (n - 1) // 2 <= count:
        a, b = np.triu_indices(n, k=1)
    else:
        rng = np.random.default_rng(RANDOM_SEED)
        a = rng.integers(0, n, size=count)
        b = rng.integers(0, n - 1, size=count)
        b = b + (b >= a)
    return by_rank[a], by_rank[b]


def score_pairs(
    features: pd.DataFrame,
    pairs: pd.DataFrame,
    settings: Settings,
    style: Any = None,
    progress: Progress | None = None,
) -> ScoredPairs:
    """Levels, bits, score (a match probability, 0..1) and evidence of each candidate pair.

    `style` is the matrix of text.style_vectors (None: text compared on the comparison
    text alone). The columns of `settings.compare` (`--compare`) are compared too
    (features holds them as `compare:COL`). Weights are learned from `pairs` unless `settings.learn_weights`
    is off or there are fewer than `settings.em_min_pairs` of them.
    """
    extra = settings.compare
    data = PairData.of(features, style, extra)
    declared = comparisons(extra)
    n = len(pairs)
    a_all = pairs["a"].to_numpy(dtype=np.int64)
    b_all = pairs["b"].to_numpy(dtype=np.int64)
    chunks: list[PairLevels] = []
    for start in range(0, max(n, 1), SCORE_CHUNK):
        stop = min(start + SCORE_CHUNK, n)
        chunks.append(pair_levels(data, a_all[start:stop], b_all[start:stop]))
        if progress is not None:
            progress("compare", stop, n)
    ra, rb = random_pairs(features)
    u = estimate_u(pair_levels(data, ra, rb).gamma, declared)
    gamma = np.concatenate([c.gamma for c in chunks])
    model = fit(gamma, u, declared, settings.em_min_pairs, settings.learn_weights)
    del gamma
    parts = []
    for start in range(0, max(n, 1), SCORE_CHUNK):
        chunk = pairs.iloc[start : start + SCORE_CHUNK].reset_index(drop=True)
        # Popped, so that each chunk's levels are freed once weighed.
        parts.append(_weigh(data, chunk, chunks.pop(0), model, settings))
    scored = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    return ScoredPairs(scored, model)


def field_bits(levels: PairLevels, model: Model) -> dict[str, np.ndarray]:
    """Per comparison, the bits each pair's level adds (0 where a side lacks the value).

    Where a comparison is frequency-adjusted and the two ads share a value, the level's
    bits move by log2(the chance two posters share a value / share of posters using it)
    (only when the model was learned: a small file's shares say little).
    """
    out = {}
    for k, (comparison, bits) in enumerate(zip(model.comparisons, model.bits(), strict=True)):
        level = levels.gamma[:, k].astype(np.int64)
        value = np.where(level >= 0, bits[np.maximum(level, 0)], 0.0)
        tf = levels.tf.get(comparison.field)
        if comparison.tf and tf is not None and model.trained:
            # As Splink: the level's weight, moved by how much rarer (or commoner) this
            # value is than the value two strangers share on average (the sum of the
            # squared shares: the chance that two posters drawn at random agree).
            share = np.where(np.isnan(tf), 1.0, tf)
            average = levels.tf_average[comparison.field]
            adjusted = np.clip(bits[0] + np.log2(average / share), 0.0, MAX_BITS)
            value = np.where(~np.isnan(tf), adjusted, value)
        out[comparison.field] = value
    return out


def _weigh(
    data: PairData, out: pd.DataFrame, levels: PairLevels, model: Model, settings: Settings
) -> pd.DataFrame:
    a = out["a"].to_numpy(dtype=np.int64)
    b = out["b"].to_numpy(dtype=np.int64)
    bits = field_bits(levels, model)
    weight = model.prior_bits() + np.sum(list(bits.values()), axis=0) if bits else np.zeros(len(a))
    score = 1.0 / (1.0 + np.exp2(-np.asarray(weight, dtype=float)))
    shared = levels.shared_code >= 0
    agency = shared & ~levels.shared_private
    if data.phone_arrow is not None:
        out["shared_phone"] = pd.array(
            taken(data.phone_arrow, levels.shared_code, shared), dtype="str"
        )
    else:
        out["shared_phone"] = np.where(
            shared, data.phone_text[np.maximum(levels.shared_code, 0)], ""
        )
    from_text = data.name_from_text[a] | data.name_from_text[b]
    out["agency_phone"] = agency
    out["phone_disjoint"] = levels.disjoint
    out["name_sim"] = levels.name_sim.astype(np.float32)
    out["name_level"] = levels.gamma[:, 1]
    out["name_from_text"] = from_text
    out["age_gap"] = levels.age_gap.astype(np.float32)
    out["text_sim"] = levels.text_sim.astype(np.float32)
    out["style_sim"] = levels.style_sim.astype(np.float32)
    out["photo_same"] = levels.photo_same
    # Evidence is written for the pairs anybody will read: links, near misses, agencies.
    wanted = np.flatnonzero((score >= settings.link_threshold - settings.doubtful_margin) | agency)
    city_level = levels.gamma[:, 3]
    explained = explain_arrow(
        {
            "shared_phone": levels.shared_code[wanted],
            "agency_phone": agency[wanted],
            "phone_disjoint": levels.disjoint[wanted],
            "photo_same": levels.photo_same[wanted],
            "photo_level": levels.gamma[wanted, 5],
            "name_sim": levels.name_sim[wanted],
            "name_from_text": from_text[wanted],
            "text_sim": levels.text_sim[wanted],
            "style_sim": levels.style_sim[wanted],
            "city_level": city_level[wanted],
            "extra": {k: v[wanted] for k, v in levels.extra_sim.items()},
        },
        data.ages[a[wanted]],
        data.ages[b[wanted]],
        data.phone_text,
        bits={field: value[wanted] for field, value in bits.items()},
    )
    if len(out):
        slot = np.zeros(len(out), dtype=np.int64)
        slot[wanted] = np.arange(len(wanted))
        present = np.zeros(len(out), dtype=bool)
        present[wanted] = True
        out["evidence"] = pd.array(taken(explained, slot, present), dtype="str")
    else:
        out["evidence"] = np.empty(0, dtype=object)
    out["weight"] = weight
    out["score"] = score
    return out
