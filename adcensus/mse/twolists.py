"""Two lists: the Lincoln–Petersen and Chapman estimates of the total.

Chapman's nearly unbiased form, with Seber's variance and a normal interval
(Seber 1982, *The Estimation of Animal Abundance*, §3.1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from adcensus.errors import UsageError


@dataclass(frozen=True)
class TwoListEstimate:
    """Lincoln–Petersen and Chapman estimates of the total from two overlapping lists."""

    n1: int
    n2: int
    both: int
    lincoln_petersen: float | None
    chapman: float
    chapman_variance: float
    low: float
    high: float
    confidence: float

    @property
    def standard_error(self) -> float:
        """Square root of Seber's variance of the Chapman estimate."""
        return math.sqrt(self.chapman_variance)


def chapman(n1: int, n2: int, both: int, confidence: float = 0.95) -> TwoListEstimate:
    """Chapman's N = (n1+1)(n2+1)/(m+1) − 1, its variance (Seber 1970) and a normal interval.

    The interval is N ± z·SE, its lower end raised to the persons actually seen
    (n1 + n2 − m). Lincoln–Petersen n1·n2/m is None when m = 0.
    """
    if min(n1, n2, both) < 0 or both > min(n1, n2):
        raise UsageError(
            f"impossible list counts n1={n1}, n2={n2}, both={both}: both must be ≤ each list"
        )
    total = (n1 + 1) * (n2 + 1) / (both + 1) - 1
    variance = (n1 + 1) * (n2 + 1) * (n1 - both) * (n2 - both) / ((both + 1) ** 2 * (both + 2))
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    seen = n1 + n2 - both
    half = z * math.sqrt(variance)
    return TwoListEstimate(
        n1, n2, both, n1 * n2 / both if both else None, total, variance,
        max(total - half, seen), total + half, confidence,
    )  # fmt: skip
