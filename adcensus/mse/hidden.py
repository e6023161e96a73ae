"""The hidden total: the whole estimate, its warnings in plain words, and its bootstrap.

`estimate_hidden` picks Chapman for two lists and a chosen log-linear model for
three or more, adds the interval and the warnings, and returns a
`HiddenEstimate`; `bootstrap_totals` repeats the model choice on resampled
tables and gives the BCa interval (bias-corrected and accelerated; Efron 1987),
as the R package MultipleSystemsEstimation does. `round_half_up` is the rounding
rule of every count adcensus reports.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from scipy import stats

from adcensus.errors import AdcensusError, InputError, UsageError
from adcensus.mse.loglinear import Memo, Selection, profile_interval, select_model
from adcensus.mse.tables import CaptureTable
from adcensus.mse.twolists import chapman
from adcensus.progress import Progress, silent

FEW_RECAPTURES = 10
INTERVALS = ("bca", "percentile")


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
    search: str | None = None
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
            "search": self.search,
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
    """Plain-words warnings about overlaps too sparse to trust, and lists nested in others."""
    out = []
    for i, j in itertools.combinations(range(len(table.lists)), 2):
        if table.overlap(i, j) == 0:
            out.append(
                f"No person is on both {table.lists[i]} and {table.lists[j]}: the data cannot show "
                "how these two lists depend on each other."
            )
    out += [f"{problem}." for problem in nested_lists(table)]
    several = table.on_several_lists()
    if several < FEW_RECAPTURES:
        out.append(
            f"Only {several} persons are on two lists or more (fewer than {FEW_RECAPTURES}): "
            "the estimate rests on very few overlaps and can be far off."
        )
    return out


def nested_lists(table: CaptureTable) -> list[str]:
    """Lists that hold every person seen, or every person of another list, in words.

    Such a list cannot have missed anyone the other lists saw, so the overlaps
    say nothing about whom it missed.
    """
    sizes = table.list_sizes()
    out = []
    for i, name in enumerate(table.lists):
        if sizes[name] == table.observed:
            out.append(f"list {name} holds every person seen on any list")
            continue
        for j, other in enumerate(table.lists):
            inside = i != j and sizes[other] > 0 and table.overlap(i, j) == sizes[other]
            if inside and (sizes[other] < sizes[name] or i < j):
                out.append(f"every person on list {other} is also on list {name}")
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


def _no_estimate(table: CaptureTable, why: str) -> InputError:
    """The error for lists that cannot give a hidden total, naming nested lists if any."""
    nested = nested_lists(table)
    if nested:
        why = f"{'; '.join(nested)}: such a list missed nobody the others saw"
    return InputError(
        f"no hidden total from these lists: {why}; use lists that can each miss a person, "
        "or merge or drop that list (docs/methodology.md: what a list must be)"
    )


def estimate_hidden(
    table: CaptureTable,
    confidence: float = 0.95,
    criterion: str = "bic",
    search: str = "auto",
    p_threshold: float | None = None,
    bootstrap: int = 0,
    seed: int = 0,
    max_order: int | None = None,
    interval: str = "bca",
    progress: Progress = silent,
) -> HiddenEstimate:
    """Estimate the total number of persons, seen or not, from the overlap of the lists.

    Lists that cannot give an estimate (no person on two lists, a list holding
    everyone seen) raise an InputError. `bootstrap` resamples repeat the model
    choice; `interval` is "bca" (default) or "percentile".
    """
    if not 0 < confidence < 1:
        raise UsageError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence}")
    if interval not in INTERVALS:
        raise UsageError(f"interval must be one of {', '.join(INTERVALS)}, got {interval!r}")
    if table.on_several_lists() == 0:
        raise InputError(
            "no person is on two lists or more: without any overlap the hidden total "
            "cannot be estimated; use lists that overlap (docs/methodology.md: what a list "
            "must be)"
        )
    warn = overlap_warnings(table)
    common: dict[str, Any] = {
        "lists": table.lists, "list_sizes": table.list_sizes(), "observed": table.observed,
        "on_several_lists": table.on_several_lists(), "confidence": confidence,
    }  # fmt: skip
    if len(table.lists) == 2:
        return _two_lists(table, confidence, warn, common)
    try:
        chosen = select_model(table, criterion, search, p_threshold, max_order)
    except AdcensusError as exc:
        if isinstance(exc, UsageError):
            raise
        raise _no_estimate(table, "even the simplest model has no finite estimate") from None
    fit = chosen.fit
    if fit.total > 1e9:
        raise _no_estimate(table, "the chosen model puts no sensible bound on the hidden total")
    _, low, high = profile_interval(table, fit.interactions, confidence)
    notes = [_search_note(chosen)]
    for term in fit.minus_infinity:
        names = " and ".join(table.lists[i] for i in term)
        notes.append(
            f"{names} share nobody: their interaction is set at minus infinity (nobody can "
            "be on both), as Chan, Silverman & Vincent (2021) do."
        )
    undetermined = [m for m in chosen.left_out if "determine" in m[1] or "finite" in m[1]]
    if undetermined:
        notes.append(
            f"{len(undetermined)} candidate model{'s' if len(undetermined) > 1 else ''} "
            "left out: the overlaps cannot give them a finite, determined estimate."
        )
    boot = None
    if bootstrap > 0:
        boot = bootstrap_totals(
            table, bootstrap, seed, confidence, interval=interval, selection=chosen,
            progress=progress,
        )  # fmt: skip
        models = "" if boot["models"] is None else f" among the {boot['models']} best models"
        notes.append(
            f"Bootstrap: {boot['replicates']} resamples (seed {seed}), model chosen again "
            f"in each{models}; {confidence:.0%} {boot['method']} interval "
            f"{boot['low']:,} to {boot['high']:,}."
        )
    else:
        notes.append(
            "The interval assumes the chosen model is right; --bootstrap also counts the model choice."
        )
    warn += _interval_warnings(fit.total, low, high, table.observed)
    return HiddenEstimate(
        **common, method="log-linear", total=fit.total, low=low, high=high,
        interval_method="profile likelihood", model=fit.label(table.lists), criterion=criterion,
        search=chosen.search, warnings=tuple(warn), notes=tuple(notes), bootstrap=boot,
    )  # fmt: skip


def _search_note(chosen: Selection) -> str:
    rule = {
        "exhaustive": f"{chosen.criterion.upper()} over every hierarchical model",
        "stepwise": f"{chosen.criterion.upper()}, stepwise (add, drop and swap moves, several starts)",
        "sparsemse": "SparseMSE's stepwise rule (Chan, Silverman & Vincent 2021), "
        f"p < {chosen.p_threshold or 0.02}",
        "bhs2015": f"forward {chosen.criterion.upper()} steps with Wald p ≤ "
        f"{chosen.p_threshold or 0.05} (Bales, Hesketh & Silverman 2015)",
    }[chosen.search]
    terms = "two-way" if chosen.max_order == 2 else f"up to {chosen.max_order}-way"
    return f"Model chosen by {rule}, {terms} interactions; {chosen.models_fitted:,} models fitted."


def _two_lists(
    table: CaptureTable, confidence: float, warn: list[str], common: dict[str, Any]
) -> HiddenEstimate:
    n1, n2 = table.list_sizes().values()
    est = chapman(n1, n2, table.overlap(0, 1), confidence)
    if est.both < 7:
        warn.append(
            f"The two lists share only {est.both} persons (fewer than 7): Chapman's estimate "
            "may be biased (Robson & Regier 1964)."
        )
    high: float | None = est.high
    if est.chapman_variance == 0:
        # One list holds the other: Seber's variance is zero, which is not certainty.
        warn.append(
            "The standard error is zero because one list holds every person of the other: "
            "the data cannot say how many both missed, so no upper limit is given."
        )
        high = None
    else:
        warn += _interval_warnings(est.chapman, est.low, est.high, table.observed)
    return HiddenEstimate(
        **common, method="two lists: Chapman", total=est.chapman, low=est.low, high=high,
        interval_method="normal, Seber's variance", lincoln_petersen=est.lincoln_petersen,
        standard_error=est.standard_error, warnings=tuple(warn),
    )  # fmt: skip


def _top_models(selection: Selection, lists: int) -> int | None:
    """How many of the best models the bootstrap chooses among (None: the search is rerun).

    As MultipleSystemsEstimation: every model for three lists, the best 20 for
    four, the best 100 for five or more (Silverman, Chan & Vincent 2024, §4).
    """
    if selection.search not in ("exhaustive", "stepwise"):
        return None
    return {3: len(selection.ranked), 4: 20}.get(lists, 100)


def bootstrap_totals(
    table: CaptureTable,
    replicates: int,
    seed: int,
    confidence: float = 0.95,
    criterion: str = "bic",
    search: str = "auto",
    p_threshold: float | None = None,
    interval: str = "bca",
    selection: Selection | None = None,
    progress: Progress = silent,
) -> dict[str, Any]:
    """Resample the persons seen (multinomial), choose and fit the model again each time.

    The BCa interval (Efron 1987) takes its bias correction from the share of
    totals below the estimate and its acceleration from a delete-one jackknife
    over the distinct histories, as MultipleSystemsEstimation's bcaconfvalues;
    "percentile" gives the plain percentile interval. For an exhaustive or
    stepwise search each resample chooses among the best models of the original
    data (`_top_models`); the SparseMSE and BHS rules are rerun in full. Fits
    start from the original data's. Resamples where no model is estimable are
    dropped and counted.
    """
    if interval not in INTERVALS:
        raise UsageError(f"interval must be one of {', '.join(INTERVALS)}, got {interval!r}")
    chosen = selection or select_model(table, criterion, search, p_threshold)
    top = _top_models(chosen, len(table.lists))
    candidates = None if top is None else chosen.ranked[:top]
    memo: Memo = {}

    def refit(counts: np.ndarray) -> float | None:
        resampled = CaptureTable(table.lists, table.histories, counts)
        try:
            again = select_model(
                resampled, chosen.criterion, chosen.search if top is None else "exhaustive",
                chosen.p_threshold, chosen.max_order, candidates=candidates, warm=candidates or chosen.ranked,
                memo=memo,
            )  # fmt: skip
        except AdcensusError:
            return None
        return again.fit.total

    rng = np.random.default_rng(seed)
    totals = []
    failed = 0
    progress("bootstrap", 0, replicates)
    for done in range(replicates):
        counts = rng.multinomial(table.observed, table.counts / table.observed).astype(float)
        total = refit(counts)
        if total is None:
            failed += 1
        else:
            totals.append(total)
        progress("bootstrap", done + 1, replicates)
    if not totals:
        raise AdcensusError("no bootstrap resample could be fitted; the overlaps are too sparse")
    tails = np.array([(1 - confidence) / 2, (1 + confidence) / 2])
    out: dict[str, Any] = {
        "replicates": len(totals), "failed": failed, "seed": seed, "method": interval,
        "models": top,
    }  # fmt: skip
    estimate = chosen.fit.total
    below = float(np.mean(np.asarray(totals) < estimate))
    if interval == "bca" and 0 < below < 1:
        acceleration = _jackknife_acceleration(table, refit)
        z0 = float(stats.norm.ppf(below))
        z = stats.norm.ppf(tails) + z0
        levels = stats.norm.cdf(z0 + z / (1 - acceleration * z))
        out |= {"bias_correction": round(z0, 6), "acceleration": round(acceleration, 6)}
    else:
        if interval == "bca":
            out["method"] = "percentile"  # BCa needs resamples on both sides of the estimate
        levels = tails
    low, high = np.quantile(totals, levels, method="median_unbiased")
    return out | {"low": round_half_up(float(low)), "high": round_half_up(float(high))}


def _jackknife_acceleration(table: CaptureTable, refit: Any) -> float:
    """BCa acceleration from deleting one person of each distinct history in turn."""
    weights, values = [], []
    for cell in np.flatnonzero(table.counts > 0):
        counts = table.counts.copy()
        counts[cell] -= 1
        total = refit(counts)
        if total is None:
            return 0.0
        weights.append(table.counts[cell])
        values.append(total)
    w, v = np.asarray(weights), np.asarray(values)
    d = (w @ v) / w.sum() - v
    spread = float(w @ d**2)
    return float(w @ d**3) / (6 * spread**1.5) if spread > 0 else 0.0
