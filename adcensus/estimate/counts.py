"""Persons from counts: ads and a doublon rate, the inverse, and a hand-checked sample.

persons = ads × (1 − doublon rate), rounded half up; the rate from persons; and
a Wilson interval when the rate comes from a sample of ads checked by hand.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from scipy import stats

from adcensus.errors import UsageError
from adcensus.mse import round_half_up


def parse_rate(text: str | float | Decimal) -> Decimal:
    """A doublon rate from "0.61", "61%", "61 %", "61,5 %" or "0,61"; it must lie in [0, 1)."""
    raw = str(text).strip().replace("\u00a0", " ").replace("\u202f", " ")
    percent = raw.endswith("%")
    number = raw.rstrip("%").strip().replace(",", ".")
    try:
        if not re.fullmatch(r"\d*\.?\d+|\d+\.", number):
            raise InvalidOperation
        value = Decimal(number) / (100 if percent else 1)
    except InvalidOperation:
        raise UsageError(f"doublon rate {raw!r} is not a number; write it as 0.61 or 61%") from None
    if not 0 <= value < 1:
        hint = f" (did you mean {number}%?)" if not percent and value < 100 else ""
        raise UsageError(
            f"doublon rate {raw} is outside 0–1: it is the share of ads that repeat a person "
            f"already counted, e.g. 0.61 or 61%{hint}"
        )
    return value


def parse_reviewed_sample(text: str) -> tuple[int, int]:
    """(K, N) from "K/N": K duplicates found among N ads checked by hand."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match:
        raise UsageError(
            f"--reviewed-sample {text!r}: write K/N, e.g. 25/40 for 25 duplicates among 40 ads"
        )
    k, n = int(match.group(1)), int(match.group(2))
    if n == 0 or k > n:
        raise UsageError(
            f"--reviewed-sample {text}: need at least one ad checked and no more duplicates "
            "than ads checked (K ≤ N)"
        )
    if k == n:
        raise UsageError(
            f"--reviewed-sample {text}: every checked ad was a duplicate, which would mean no "
            "person at all; check the sample, or review more ads"
        )
    return k, n


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n (Wilson 1927; Newcombe 1998, method 3)."""
    if n <= 0 or not 0 <= k <= n:
        raise UsageError(f"a proportion needs 0 ≤ k ≤ n and n > 0, got {k}/{n}")
    check_confidence(confidence)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def check_confidence(confidence: float) -> None:
    """Refuse a confidence level outside (0, 1)."""
    if not 0 < confidence < 1:
        raise UsageError(f"--confidence must be between 0 and 1, e.g. 0.95; got {confidence}")


@dataclass(frozen=True)
class CountEstimate:
    """Persons from ads and a doublon rate (or the rate from persons), with the formula used."""

    ads: int
    doublon_rate: float
    persons: int
    formula: str
    confidence: float | None = None
    doublon_rate_low: float | None = None
    doublon_rate_high: float | None = None
    persons_low: int | None = None
    persons_high: int | None = None
    reviewed: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        """`ads`, `doublon_rate`, `persons`, plus the interval fields when there is one."""
        out: dict[str, Any] = {
            "ads": self.ads,
            "doublon_rate": self.doublon_rate,
            "persons": self.persons,
        }
        if self.reviewed is not None:
            out |= {
                "confidence": self.confidence,
                "doublon_rate_low": round(self.doublon_rate_low or 0.0, 6),
                "doublon_rate_high": round(self.doublon_rate_high or 0.0, 6),
                "persons_low": self.persons_low,
                "persons_high": self.persons_high,
                "interval_method": "Wilson score",
                "reviewed_duplicates": self.reviewed[0],
                "reviewed_ads": self.reviewed[1],
            }
        return out


def estimate_from_counts(
    ads: int,
    doublon_rate: str | float | Decimal | None = None,
    persons: int | None = None,
    reviewed_sample: tuple[int, int] | None = None,
    confidence: float = 0.95,
) -> CountEstimate:
    """persons = ads × (1 − rate), rounded half up; or rate = 1 − persons / ads.

    Give exactly one of `doublon_rate`, `persons` or `reviewed_sample` (K, N):
    K duplicates among N ads checked by hand, which also gives a Wilson interval
    carried to persons (persons fall as the rate rises, so the ends swap).
    """
    given = [x is not None for x in (doublon_rate, persons, reviewed_sample)]
    if sum(given) != 1:
        raise UsageError(
            "give exactly one of --doublon-rate, --persons or --reviewed-sample with --ads"
        )
    if ads < 1:
        raise UsageError(f"--ads must be at least 1, got {ads}")
    if persons is not None:
        if not 1 <= persons <= ads:
            raise UsageError(
                f"--persons must be between 1 and the number of ads ({ads}), got {persons}"
            )
        rate = 1 - persons / ads
        return CountEstimate(
            ads,
            rate,
            persons,
            f"doublon rate = 1 − {persons} / {ads} = {rate:.4f} ({rate * 100:.1f} %)",
        )
    if reviewed_sample is not None:
        k, n = reviewed_sample
        if n < 1 or not 0 <= k < n:
            raise UsageError(f"reviewed sample {k}/{n}: need 0 ≤ K < N")
        low, high = wilson_interval(k, n, confidence)
        point = _persons(ads, Decimal(k) / Decimal(n))
        return replace(
            point,
            formula=f"{point.formula}; rate = {k}/{n} checked by hand",
            confidence=confidence,
            doublon_rate_low=low,
            doublon_rate_high=high,
            # Rounding, and the floor of one person, must not leave the point outside.
            persons_low=min(point.persons, max(1, round_half_up(ads * (1 - high)))),
            persons_high=max(point.persons, round_half_up(ads * (1 - low))),
            reviewed=(k, n),
        )
    assert doublon_rate is not None
    return _persons(ads, parse_rate(doublon_rate))


def _persons(ads: int, rate: Decimal) -> CountEstimate:
    exact = Decimal(ads) * (1 - rate)
    persons = round_half_up(exact)
    how = "rounded half up" if persons else "at least one person posted them"
    persons = max(1, persons)
    formula = f"{ads} × (1 − {rate.normalize():f}) = {exact.normalize():f} → {persons} ({how})"
    return CountEstimate(ads, float(rate), persons, formula)
