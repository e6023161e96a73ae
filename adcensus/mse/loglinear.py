"""Three lists or more: Poisson log-linear models, their choice and their intervals.

Main effects and a subset of the two-list interactions, fitted with statsmodels;
total = observed + exp(intercept). `estimability` leaves out models whose
estimate does not exist or is not determined (zero overlaps; the
linear-programming test of Fienberg & Rinaldo 2012). `select_model` chooses by
AIC or BIC, exhaustively or by forward steps (Bales, Hesketh & Silverman 2015).
`profile_interval` is the profile-likelihood interval (Cormack 1992, as in
Rcapture's closedpCI.t).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats
from scipy.special import gammaln, xlogy

from adcensus.errors import AdcensusError, UsageError
from adcensus.mse.tables import CaptureTable

Interaction = tuple[int, int]
CRITERIA = ("aic", "bic")
SEARCHES = ("auto", "exhaustive", "stepwise")
EXHAUSTIVE_MAX_MODELS = 64  # "auto" tries every model up to this: all of them for four lists
EXHAUSTIVE_LIMIT = 4096  # an explicit exhaustive search beyond this would take too long


@dataclass(frozen=True)
class ModelFit:
    """One fitted log-linear model: main effects plus `interactions` (pairs of list indexes)."""

    interactions: tuple[Interaction, ...]
    total: float
    aic: float
    bic: float
    deviance: float
    params: tuple[float, ...]
    pvalues: tuple[float, ...]

    def label(self, lists: Sequence[str]) -> str:
        """The model in words, e.g. "main effects + LA×NG, NG×GP"."""
        if not self.interactions:
            return "main effects only"
        return "main effects + " + ", ".join(f"{lists[i]}×{lists[j]}" for i, j in self.interactions)


def _design(histories: np.ndarray, interactions: Sequence[Interaction]) -> np.ndarray:
    columns = [np.ones(len(histories)), *histories.T.astype(float)]
    columns += [(histories[:, i] * histories[:, j]).astype(float) for i, j in interactions]
    return np.column_stack(columns)


def _glm(y: np.ndarray, x: np.ndarray) -> Any:
    import statsmodels.api as sm  # slow to import: only when a model is fitted

    with warnings.catch_warnings():
        # Estimability is checked before fitting; statsmodels' warnings would only repeat it.
        warnings.simplefilter("ignore")
        return sm.GLM(y, x, family=sm.families.Poisson()).fit()


def fit_loglinear(table: CaptureTable, interactions: Sequence[Interaction] = ()) -> ModelFit:
    """Fit the Poisson model; BIC uses log(persons observed), as Silverman, Chan & Vincent (2024)."""
    x = _design(table.histories, interactions)
    result = _glm(table.counts, x)
    params = np.asarray(result.params, dtype=float)
    n_params = x.shape[1]
    return ModelFit(
        interactions=tuple(interactions),
        total=table.observed + math.exp(min(params[0], 700.0)),  # 700: no float overflow
        aic=-2 * result.llf + 2 * n_params,
        bic=-2 * result.llf + math.log(table.observed) * n_params,
        deviance=float(result.deviance),
        params=tuple(params.tolist()),
        pvalues=tuple(np.asarray(result.pvalues, dtype=float).tolist()),
    )


def estimability(table: CaptureTable, interactions: Sequence[Interaction]) -> str | None:
    """None when the model's estimate exists and is determined; else the reason, in words.

    An interaction between two lists that share nobody would be minus infinity.
    Otherwise the estimate exists when some strictly positive table has the same
    margins as the observed one (a linear programme; Fienberg & Rinaldo 2012), and
    is determined when the design has full column rank.
    """
    for i, j in interactions:
        if table.overlap(i, j) == 0:
            return f"{table.lists[i]} and {table.lists[j]} share nobody"
    x = _design(table.histories, interactions)
    if np.linalg.matrix_rank(x) < x.shape[1]:
        return "more parameters than the overlaps can determine"
    if (table.counts > 0).all():
        return None  # the observed table itself is a strictly positive solution
    cells, n_params = x.shape
    # Maximise t subject to xᵀz = xᵀy and z ≥ t (t ≤ 1): the estimate exists iff t > 0.
    result = optimize.linprog(
        c=np.r_[np.zeros(cells), -1.0],
        A_ub=np.c_[-np.eye(cells), np.ones(cells)],
        b_ub=np.zeros(cells),
        A_eq=np.c_[x.T, np.zeros(n_params)],
        b_eq=x.T @ table.counts,
        bounds=[(None, None)] * cells + [(None, 1.0)],
        method="highs",
    )
    if result.status != 0 or -result.fun <= 1e-9:
        return "the observed overlaps leave no finite estimate"
    return None


@dataclass(frozen=True)
class Selection:
    """The chosen model, and what the search considered and left out."""

    fit: ModelFit
    criterion: str
    search: str
    p_threshold: float | None
    models_fitted: int
    left_out: tuple[tuple[tuple[Interaction, ...], str], ...]


def _score(fit: ModelFit, criterion: str) -> float:
    return fit.aic if criterion == "aic" else fit.bic


def select_model(
    table: CaptureTable,
    criterion: str = "bic",
    search: str = "auto",
    p_threshold: float | None = None,
) -> Selection:
    """Choose main effects + two-list interactions by `criterion` (lower is better).

    `search="exhaustive"` fits every estimable subset of interactions;
    `"stepwise"` adds the interaction that lowers the criterion most, while it
    lowers it and, when `p_threshold` is set, while the added interaction's Wald
    p-value is at most `p_threshold` (Bales, Hesketh & Silverman 2015 used AIC
    and 0.05). `"auto"` is exhaustive up to 64 models (four lists), else stepwise.
    """
    if criterion not in CRITERIA:
        raise UsageError(f"criterion must be one of {', '.join(CRITERIA)}, got {criterion!r}")
    if search not in SEARCHES:
        raise UsageError(f"search must be one of {', '.join(SEARCHES)}, got {search!r}")
    pairs = list(itertools.combinations(range(len(table.lists)), 2))
    usable = [p for p in pairs if table.overlap(*p) > 0]
    left_out: list[tuple[tuple[Interaction, ...], str]] = [
        ((p,), f"{table.lists[p[0]]} and {table.lists[p[1]]} share nobody")
        for p in pairs
        if p not in usable
    ]
    if search == "auto":
        search = "exhaustive" if 2 ** len(usable) <= EXHAUSTIVE_MAX_MODELS else "stepwise"
    elif search == "exhaustive" and 2 ** len(usable) > EXHAUSTIVE_LIMIT:
        raise UsageError(
            f"an exhaustive search would fit {2 ** len(usable):,} models; use --search stepwise"
        )
    if estimability(table, ()) is not None:
        raise AdcensusError(
            "even the simplest model has no finite estimate for these lists; "
            "the overlaps are too sparse to estimate a hidden total"
        )
    best = fit_loglinear(table)
    fitted = 1
    if search == "exhaustive":
        for size in range(1, len(usable) + 1):
            for subset in itertools.combinations(usable, size):
                reason = estimability(table, subset)
                if reason is not None:
                    left_out.append((subset, reason))
                    continue
                candidate = fit_loglinear(table, subset)
                fitted += 1
                if _score(candidate, criterion) < _score(best, criterion):
                    best = candidate
    else:
        while True:
            trials = []
            for index, pair in enumerate(usable):
                if pair in best.interactions:
                    continue
                model = (*best.interactions, pair)
                reason = estimability(table, model)
                if reason is not None:
                    left_out.append((model, reason))
                    continue
                candidate = fit_loglinear(table, model)
                fitted += 1
                trials.append((_score(candidate, criterion), index, candidate))
            if not trials:
                break
            score, _, candidate = min(trials, key=lambda t: (t[0], t[1]))
            if score >= _score(best, criterion):
                break
            if p_threshold is not None and candidate.pvalues[-1] > p_threshold:
                break
            best = candidate
    return Selection(best, criterion, search, p_threshold, fitted, tuple(left_out))


def profile_interval(
    table: CaptureTable,
    interactions: Sequence[Interaction] = (),
    confidence: float = 0.95,
    reach: float = 10.0,
) -> tuple[float, float, float | None]:
    """(maximum, low, high) of the multinomial profile likelihood of the total.

    Cormack (1992), as in Rcapture's closedpCI.t: the model is refitted with the
    dark cell set to N − observed for each candidate N; high is None when the
    likelihood has not dropped enough by `reach` × the estimate.
    """
    n = table.observed
    x = np.vstack(
        [
            _design(table.histories, interactions),
            np.r_[1.0, np.zeros(table.histories.shape[1] + len(interactions))],
        ]
    )

    def loglik(total: float) -> float:
        dark = max(total - n, 0.0)
        deviance = float(_glm(np.r_[table.counts, dark], x).deviance)
        # log( dark^dark · N! / (N^N · dark!) ): the multinomial correction term.
        correction = (
            xlogy(dark, dark) + gammaln(total + 1) - xlogy(total, total) - gammaln(dark + 1)
        )
        return -(deviance - 2 * correction) / 2

    poisson_total = fit_loglinear(table, interactions).total
    top = optimize.minimize_scalar(
        lambda t: -loglik(t),
        bounds=(n, 3 * poisson_total),
        method="bounded",
        options={"xatol": 1e-4},
    )
    best, level = float(top.x), -float(top.fun) - stats.chi2.ppf(confidence, 1) / 2
    low = (
        float(n)
        if loglik(n) >= level
        else optimize.brentq(lambda t: loglik(t) - level, n, best, xtol=1e-4)
    )
    far = reach * poisson_total
    high = (
        None
        if loglik(far) >= level
        else optimize.brentq(lambda t: loglik(t) - level, best, far, xtol=1e-4)
    )
    return best, low, high
