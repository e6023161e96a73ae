"""The hidden total: the whole estimate, its warnings in plain words, and its bootstrap.

`estimate_hidden` picks Chapman for two lists and a chosen log-linear model for
three or more, adds the interval and the warnings, and returns a
`HiddenEstimate`; `bootstrap_totals` repeats the model choice on resampled
tables. `round_half_up` is the rounding rule of every count adcensus reports.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from adcensus.errors import AdcensusError, UsageError
from adcensus.mse.loglinear import profile_interval, select_model
from adcensus.mse.tables import CaptureTable
from adcensus.mse.twolists import chapman

FEW_RECAPTURES = 10


def round_half_up(value: float | Decimal) -> int:
    """Round to the nearest whole number, halves up (272.5 → 273), unlike Python's round.

    Floats go through their shortest decimal form, so 699 × 0.39 = 272.61 → 273.
    """
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class HiddenEstimate:
    """Estimated total persons (seen + unseen), its interval, and what to beware of."""

    lists: tuple[str, ...]
    list_sizes: dict[str, int]
    observed: int
    on_several_lists: int
    method: str
    total: float
    low: float
    high: float | None
    confidence: float
    interval_method: str
    model: str | None = None
    criterion: str | None = None
    lincoln_petersen: float | None = None
    standard_error: float | None = None
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    bootstrap: dict[str, Any] | None = field(default=None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; keys documented in docs/methodology.md."""
        return {
            "method": self.method,
            "lists": list(self.lists),
            "list_sizes": self.list_sizes,
            "observed": self.observed,
            "on_several_lists": self.on_several_lists,
            "total": round_half_up(self.total),
            "total_estimate": round(self.total, 2),
            "unseen": round_half_up(self.total) - self.observed,
            "confidence": self.confidence,
            "total_low": round_half_up(self.low),
            "total_high": None if self.high is None else round_half_up(self.high),
            "interval_method": self.interval_method,
            "model": self.model,
            "criterion": self.criterion,
            "lincoln_petersen": None
            if self.lincoln_petersen is None
            else round(self.lincoln_petersen, 2),
            "standard_error": None
            if self.standard_error is None
            else round(self.standard_error, 2),
            "bootstrap": self.bootstrap,
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


def overlap_warnings(table: CaptureTable) -> list[str]:
    """Plain-words warnings about overlaps too sparse to trust."""
    out = []
    for i, j in itertools.combinations(range(len(table.lists)), 2):
        if table.overlap(i, j) == 0:
            out.append(
                f"No person is on both {table.lists[i]} and {table.lists[j]}: the data cannot show "
                "whether these two lists depend on each other, and the estimate assumes they do not."
            )
    several = table.on_several_lists()
    if several < FEW_RECAPTURES:
        out.append(
            f"Only {several} persons are on two lists or more (fewer than {FEW_RECAPTURES}): "
            "the estimate rests on very few overlaps and can be far off."
        )
    return out


def _interval_warnings(total: float, low: float, high: float | None, observed: int) -> list[str]:
    out = []
    if high is None:
        out.append(
            "No upper limit was found: the data are compatible with a very large hidden population."
        )
    elif high > 2 * total or high - low > total:
        out.append(
            f"The interval is very wide ({low:,.0f} to {high:,.0f}): read the estimate as an order of magnitude."
        )
    if total - observed > 3 * observed:
        out.append(
            f"Most of the estimated total ({(total - observed) / total:.0%}) was seen by no list: "
            "a dark figure this large depends heavily on the model's assumptions."
        )
    return out


def estimate_hidden(
    table: CaptureTable,
    confidence: float = 0.95,
    criterion: str = "bic",
    search: str = "auto",
    p_threshold: float | None = None,
    bootstrap: int = 0,
    seed: int = 0,
) -> HiddenEstimate:
    """Estimate the total number of persons, seen or not, from the overlap of the lists."""
    if not 0 < confidence < 1:
        raise UsageError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence}")
    if table.on_several_lists() == 0:
        raise AdcensusError(
            "no person is on two lists or more: without any overlap the hidden total "
            "cannot be estimated; try other lists (e.g. --lists month instead of site)"
        )
    warn = overlap_warnings(table)
    common: dict[str, Any] = {
        "lists": table.lists, "list_sizes": table.list_sizes(), "observed": table.observed,
        "on_several_lists": table.on_several_lists(), "confidence": confidence,
    }  # fmt: skip
    if len(table.lists) == 2:
        n1, n2 = table.list_sizes().values()
        est = chapman(n1, n2, table.overlap(0, 1), confidence)
        if est.both < 7:
            warn.append(
                f"The two lists share only {est.both} persons (fewer than 7): Chapman's estimate "
                "may be biased (Robson & Regier 1964)."
            )
        warn += _interval_warnings(est.chapman, est.low, est.high, table.observed)
        return HiddenEstimate(
            **common, method="two lists: Chapman", total=est.chapman, low=est.low, high=est.high,
            interval_method="normal, Seber's variance", lincoln_petersen=est.lincoln_petersen,
            standard_error=est.standard_error, warnings=tuple(warn),
        )  # fmt: skip
    chosen = select_model(table, criterion, search, p_threshold)
    fit = chosen.fit
    if fit.total > 1e9:
        raise AdcensusError(
            "the chosen model puts no sensible bound on the hidden total: the overlaps are "
            "too sparse; try fewer lists or other lists"
        )
    _, low, high = profile_interval(table, fit.interactions, confidence)
    notes = [
        f"Model chosen by {criterion.upper()} ({chosen.search} search, {chosen.models_fitted} models fitted)."
    ]
    undetermined = [m for m in chosen.left_out if len(m[0]) > 1 or "share nobody" not in m[1]]
    if undetermined:
        warn.append(
            f"{len(undetermined)} candidate model{'s' if len(undetermined) > 1 else ''} "
            "left out: the overlaps cannot determine all their parameters."
        )
    boot = None
    if bootstrap > 0:
        boot = bootstrap_totals(
            table, bootstrap, seed, confidence, criterion, chosen.search, p_threshold
        )
        notes.append(
            f"Bootstrap: {boot['replicates']} resamples (seed {seed}), model chosen again in each; "
            f"{confidence:.0%} percentile interval {boot['low']:,} to {boot['high']:,}."
        )
    else:
        notes.append(
            "The interval assumes the chosen model is right; --bootstrap also counts the model choice."
        )
    warn += _interval_warnings(fit.total, low, high, table.observed)
    return HiddenEstimate(
        **common, method="log-linear", total=fit.total, low=low, high=high,
        interval_method="profile likelihood", model=fit.label(table.lists), criterion=criterion,
        warnings=tuple(warn), notes=tuple(notes), bootstrap=boot,
    )  # fmt: skip


def bootstrap_totals(
    table: CaptureTable,
    replicates: int,
    seed: int,
    confidence: float = 0.95,
    criterion: str = "bic",
    search: str = "auto",
    p_threshold: float | None = None,
) -> dict[str, Any]:
    """Resample the persons seen (multinomial), choose and fit the model again each time.

    Returns the percentile interval of the totals; resamples where no model is
    estimable are dropped and counted.
    """
    rng = np.random.default_rng(seed)
    totals = []
    failed = 0
    for _ in range(replicates):
        counts = rng.multinomial(table.observed, table.counts / table.observed).astype(float)
        resampled = CaptureTable(table.lists, table.histories, counts)
        try:
            totals.append(select_model(resampled, criterion, search, p_threshold).fit.total)
        except AdcensusError:
            failed += 1
    if not totals:
        raise AdcensusError("no bootstrap resample could be fitted; the overlaps are too sparse")
    low, high = np.quantile(totals, [(1 - confidence) / 2, (1 + confidence) / 2])
    return {
        "replicates": len(totals), "failed": failed, "seed": seed,
        "low": round_half_up(float(low)), "high": round_half_up(float(high)),
    }  # fmt: skip
