"""A Fellegi–Sunter model whose weights are learned from the census being read.

Each comparison (phone, pseudonym, age, …) sorts a pair of ads into one of its levels
(`Level`), or none when a side lacks the value. A level's weight in bits is
log2(m / u): m is the chance of that level when the two ads are one person, u when they
are two. As Splink does:

- u comes from random pairs of ads of this census (almost all are two persons);
- m, the share of candidate pairs that are one person (lambda), and u among the
  candidate pairs come from EM over the candidate pairs, with the levels' declared
  `prior_m` and the random pairs' u as weak Dirichlet priors. u is learned again among
  candidates because blocking chose them for sharing something: two strangers paired
  for sharing a pseudonym share it by construction, and the random pairs' u would
  count that agreement as evidence a second time. EM runs on the distinct patterns of levels, so a million pairs cost no more
  than a few thousand;
- a level that says "agree" can never weigh against a link, nor a "disagree" for one
  (`Level.sign`): the bounds that keep EM from fitting noise;
- with too few candidate pairs (`min_pairs`) the declared priors are used as m and u
  (random pairs of a small file are mostly one person's), only lambda is learned, no
  frequency adjustment is made, and the model says so (`Model.trained`, `Model.note`).

The match probability of a pair is 1 / (1 + 2**-(log2(lambda / (1 - lambda)) + bits)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

MISSING = -1  # the level of a pair where either ad lacks the value
# Pseudo-pairs of the prior on each comparison's m: enough to keep a level that no
# candidate pair reaches away from 0, too few to outweigh a census's own pairs.
PRIOR_PAIRS = 10.0
# Candidate pairs share a phone, a pseudonym or a piece of text: before a census says
# otherwise, about one in three is taken to be one person's two ads.
PRIOR_SHARE = 0.3
MAX_ITERATIONS = 200
TOLERANCE = 1e-6
# Bits are capped: no single clue is worth more than a million to one.
MAX_BITS = 20.0


@dataclass(frozen=True)
class Level:
    """One outcome of a comparison. `sign` +1: agreement (never against a link), -1:
    disagreement (never for one), 0: either, as the census says."""

    label: str
    prior_m: float
    prior_u: float
    sign: int


@dataclass(frozen=True)
class Comparison:
    """A field compared between two ads, as ordered levels (strongest agreement first).

    `tf`: the first level's weight follows the frequency of the shared value (a common
    pseudonym or a big city is weaker evidence than a rare one).
    """

    field: str
    levels: tuple[Level, ...]
    tf: bool = False

    @property
    def prior(self) -> np.ndarray:
        m = np.array([level.prior_m for level in self.levels], dtype=float)
        return m / m.sum()

    @property
    def prior_u(self) -> np.ndarray:
        u = np.array([level.prior_u for level in self.levels], dtype=float)
        return u / u.sum()


@dataclass(frozen=True)
class Model:
    """Learned m and u per comparison and level, lambda, and how they were learned."""

    comparisons: tuple[Comparison, ...]
    m: tuple[np.ndarray, ...]
    u: tuple[np.ndarray, ...]  # among candidate pairs of two persons
    match_share: float  # lambda: share of candidate pairs that are one person
    trained: bool
    iterations: int
    pairs: int
    note: str

    def bits(self) -> tuple[np.ndarray, ...]:
        """Per comparison, the weight of each level in bits, within its sign's bounds."""
        out = []
        for comparison, m, u in zip(self.comparisons, self.m, self.u, strict=True):
            bits = np.clip(np.log2(m / u), -MAX_BITS, MAX_BITS)
            signs = np.array([level.sign for level in comparison.levels])
            bits = np.where(signs > 0, np.maximum(bits, 0.0), bits)
            out.append(np.where(signs < 0, np.minimum(bits, 0.0), bits))
        return tuple(out)

    def prior_bits(self) -> float:
        """log2 of the prior odds that a candidate pair is one person."""
        share = min(max(self.match_share, 1e-9), 1 - 1e-9)
        return float(np.log2(share / (1 - share)))

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON-ready values (summary.json's `model`)."""
        weights = {}
        for comparison, m, u, bits in zip(
            self.comparisons, self.m, self.u, self.bits(), strict=True
        ):
            weights[comparison.field] = {
                level.label: {
                    "m": round(float(mi), 6),
                    "u": round(float(ui), 6),
                    "bits": round(float(b), 3),
                }
                for level, mi, ui, b in zip(comparison.levels, m, u, bits, strict=True)
            }
        return {
            "trained": self.trained,
            "note": self.note,
            "candidate_pairs": self.pairs,
            "match_share": round(self.match_share, 6),
            "em_iterations": self.iterations,
            "weights": weights,
        }


def estimate_u(gamma: np.ndarray, comparisons: tuple[Comparison, ...]) -> tuple[np.ndarray, ...]:
    """u per comparison and level from the levels of random pairs (`gamma`, one column
    per comparison). Half a pair is added to every level (Jeffreys), so that a level no
    random pair reached has a small u, not none."""
    out = []
    for k, comparison in enumerate(comparisons):
        column = gamma[:, k]
        counts = np.bincount(column[column >= 0], minlength=len(comparison.levels))
        out.append((counts + 0.5) / (counts.sum() + 0.5 * len(comparison.levels)))
    return tuple(out)


def distinct_patterns(gamma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of `gamma` and how many pairs have each."""
    if len(gamma) == 0:
        return np.empty((0, gamma.shape[1]), dtype=gamma.dtype), np.empty(0, dtype=np.int64)
    # Each row packed into one integer (levels + 1 in base `radix`, MISSING as 0): one
    # sort of integers instead of a lexicographic sort of rows, 10x faster at 7M pairs.
    radix = int(gamma.max()) + 2
    if radix ** gamma.shape[1] >= 2**62:
        return np.unique(gamma, axis=0, return_counts=True)
    code = np.zeros(len(gamma), dtype=np.int64)
    for k in range(gamma.shape[1]):
        code = code * radix + (gamma[:, k].astype(np.int64) + 1)
    distinct, counts = np.unique(code, return_counts=True)
    patterns = np.empty((len(distinct), gamma.shape[1]), dtype=gamma.dtype)
    for k in reversed(range(gamma.shape[1])):
        patterns[:, k] = distinct % radix - 1
        distinct = distinct // radix
    return patterns, counts


def _log_likelihood(patterns: np.ndarray, tables: tuple[np.ndarray, ...]) -> np.ndarray:
    total = np.zeros(len(patterns))
    for k, table in enumerate(tables):
        level = patterns[:, k]
        present = level >= 0
        total[present] += np.log(table[level[present]])
    return total


def _posterior(
    patterns: np.ndarray, m: tuple[np.ndarray, ...], u: tuple[np.ndarray, ...], share: float
) -> np.ndarray:
    log_match = np.log(share) + _log_likelihood(patterns, m)
    log_other = np.log1p(-share) + _log_likelihood(patterns, u)
    return 1.0 / (1.0 + np.exp(np.clip(log_other - log_match, -700, 700)))


def fit(
    gamma: np.ndarray,
    u: tuple[np.ndarray, ...],
    comparisons: tuple[Comparison, ...],
    min_pairs: int,
    train: bool = True,
) -> Model:
    """EM for m and lambda over the candidate pairs' levels `gamma` (see module docstring)."""
    patterns, counts = distinct_patterns(gamma)
    n = int(counts.sum())
    priors = tuple(c.prior for c in comparisons)
    learn_m = train and n >= min_pairs
    if not train:
        note = "weights: the priors (learning switched off)"
    elif learn_m:
        note = f"weights learned by EM from {n:,} candidate pairs"
    else:
        note = (
            f"weights: the priors ({n:,} candidate pairs, fewer than {min_pairs:,} to learn from)"
        )
    m, random_u = priors, u
    if not learn_m:
        u = tuple(c.prior_u for c in comparisons)
    share = PRIOR_SHARE
    iterations = 0
    for iterations in range(1, MAX_ITERATIONS + 1):  # noqa: B007 (the count is reported)
        if n == 0:
            break
        posterior = _posterior(patterns, m, u, share)
        p, q = posterior * counts, (1 - posterior) * counts
        # A Beta prior of PRIOR_PAIRS pairs, PRIOR_SHARE of them one person's, keeps a
        # file of a few pairs from deciding that all or none of them are.
        new_share = (p.sum() + PRIOR_PAIRS * PRIOR_SHARE) / (n + PRIOR_PAIRS)
        new_m, new_u = m, u
        if learn_m:
            new_u = tuple(
                _m_step(patterns[:, k], q, random_u[k], len(random_u[k]))
                for k in range(len(comparisons))
            )
            new_m = tuple(
                _bounded(_m_step(patterns[:, k], p, prior, len(prior)), new_u[k], c)
                for k, (prior, c) in enumerate(zip(priors, comparisons, strict=True))
            )
        change = abs(new_share - share) + max(
            float(np.abs(a - b).max()) for a, b in zip((*new_m, *new_u), (*m, *u), strict=True)
        )
        m, u, share = new_m, new_u, new_share
        if change < TOLERANCE:
            break
    return Model(comparisons, m, u, share, learn_m, iterations, n, note)


def _bounded(m: np.ndarray, u: np.ndarray, comparison: Comparison) -> np.ndarray:
    """`m` moved within its levels' signs (an agreement at least as likely among one
    person's ads as among strangers', a disagreement at most), still summing to 1.

    Bounding inside EM, not only when weighing, keeps the "one person" class from
    absorbing pairs that only look alike through a shared booking phone or template.
    """
    signs = np.array([level.sign for level in comparison.levels])
    for _ in range(20):
        m = np.where(signs > 0, np.maximum(m, u), np.where(signs < 0, np.minimum(m, u), m))
        m = m / m.sum()
        if ((signs <= 0) | (m >= u - 1e-12)).all() and ((signs >= 0) | (m <= u + 1e-12)).all():
            break
    return m


def _m_step(levels: np.ndarray, weight: np.ndarray, prior: np.ndarray, size: int) -> np.ndarray:
    present = levels >= 0
    expected = np.bincount(levels[present], weights=weight[present], minlength=size)
    m = expected + PRIOR_PAIRS * prior
    return m / m.sum()
