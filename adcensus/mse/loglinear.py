"""Three lists or more: hierarchical Poisson log-linear models, their choice and their intervals.

A model is main effects plus interaction terms (pairs of lists, and triples where
the data allow), hierarchical: a triple only with its three pairs. Total =
observed + exp(intercept). A term whose lists share nobody is fitted at minus
infinity (the extended maximum-likelihood estimate of Chan, Silverman & Vincent
2021): the cells holding all its lists are structural zeros. `estimability`
leaves out models whose estimate does not exist or is not determined (the
linear-programming test of Fienberg & Rinaldo 2012, and the rank of the design).

`select_model` chooses a model four ways:

- `exhaustive`: every hierarchical model up to `max_order`, ranked by AIC or BIC
  (Silverman, Chan & Vincent 2024; the R package MultipleSystemsEstimation);
- `stepwise`: add and drop moves on the criterion from several starts, for tables
  with too many models to try them all;
- `sparsemse`: the forward rule of Chan, Silverman & Vincent (2021): add the pair
  whose one-sided Poisson p-value is smallest while it is below `p_threshold`;
- `bhs2015`: the forward rule of Bales, Hesketh & Silverman (2015): add the pair
  that lowers the criterion most while its Wald p-value is at most `p_threshold`.

`profile_interval` is the profile-likelihood interval (Cormack 1992, as in
Rcapture's closedpCI.t).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats
from scipy.special import gammaln, ndtr, pdtr, pdtrc, xlogy

from adcensus.errors import AdcensusError, UsageError
from adcensus.mse.tables import CaptureTable

Interaction = tuple[int, ...]  # a term: the indexes of two lists or more, ascending
CRITERIA = ("aic", "bic")
SEARCHES = ("auto", "exhaustive", "stepwise", "sparsemse", "bhs2015")
AUTO_EXHAUSTIVE_LIMIT = 8_000  # "auto" tries every model up to this: five lists, three-way terms
EXHAUSTIVE_LIMIT = 40_000  # --search exhaustive up to this: six lists, two-way terms (~80 s)
SPARSEMSE_P = 0.02  # the threshold Chan, Silverman & Vincent (2021) recommend
BHS_P = 0.05  # the threshold of Bales, Hesketh & Silverman (2015)


def default_max_order(lists: int) -> int:
    """Highest order of interaction tried by default: three-way terms for four lists only.

    MultipleSystemsEstimation also allows them for five lists; here five lists
    keep two-way terms, the model set of Silverman, Chan & Vincent (2024, UK
    data, maximum order 2), 1,024 models instead of 6,212 (`max_order=3`).
    Six lists and more: two-way terms (three-way would be 3.7 million models).
    """
    return 3 if lists == 4 else 2


@dataclass(frozen=True)
class ModelFit:
    """One fitted model: main effects plus `interactions` (terms as tuples of list indexes).

    `params` are the intercept, the main effects and the finite interactions, in
    that order; `minus_infinity` are the terms fitted at minus infinity because
    their lists share nobody. AIC and BIC count every term, those included.
    """

    interactions: tuple[Interaction, ...]
    total: float
    aic: float
    bic: float
    deviance: float
    params: tuple[float, ...]
    pvalues: tuple[float, ...]
    minus_infinity: tuple[Interaction, ...] = ()

    def label(self, lists: Sequence[str]) -> str:
        """The model in words, e.g. "main effects + LA×NG, NG×GP"."""
        if not self.interactions:
            return "main effects only"
        return "main effects + " + ", ".join(_term_name(t, lists) for t in self.interactions)


def _term_name(term: Interaction, lists: Sequence[str]) -> str:
    return "×".join(lists[i] for i in term)


def _together(table: CaptureTable, term: Interaction) -> int:
    """Persons on every list of `term`, whatever other lists they are on."""
    return int(table.counts[table.histories[:, list(term)].all(axis=1)].sum())


@dataclass(frozen=True)
class _Design:
    """The cells and columns a model is fitted on, once its minus-infinity terms are set aside."""

    keep: np.ndarray  # cells not forced to zero
    x: np.ndarray
    finite: tuple[Interaction, ...]
    minus_infinity: tuple[Interaction, ...]


def _design(table: CaptureTable, terms: Sequence[Interaction]) -> _Design:
    h = table.histories
    on_all = np.column_stack([h[:, list(t)].all(axis=1) for t in terms]) if terms else None
    if on_all is None:
        return _Design(np.ones(len(h), dtype=bool), np.c_[np.ones(len(h)), h], (), ())
    empty = table.counts @ on_all == 0
    keep = np.asarray(~on_all[:, empty].any(axis=1))
    x = np.c_[np.ones(int(keep.sum())), h[keep], on_all[keep][:, ~empty]].astype(float)
    finite = tuple(t for t, e in zip(terms, empty, strict=True) if not e)
    return _Design(keep, x, finite, tuple(t for t, e in zip(terms, empty, strict=True) if e))


def _newton(
    y: np.ndarray, x: np.ndarray, start: np.ndarray | None = None, max_iter: int = 100
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson maximum likelihood by Newton's method: (coefficients, fitted means, Hessian)."""
    if start is None or len(start) != x.shape[1]:
        start, *_ = np.linalg.lstsq(x, np.log(y + 0.5), rcond=None)
    beta = np.asarray(start, dtype=float)
    eta = np.minimum(x @ beta, 700.0)
    mu = np.exp(eta)
    loglik = float(y @ eta - mu.sum())
    for _ in range(max_iter):
        hessian = (x * mu[:, None]).T @ x
        try:
            step = np.linalg.solve(hessian, x.T @ (y - mu))
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hessian, x.T @ (y - mu), rcond=None)[0]
        for _ in range(30):  # halve the step until the likelihood does not fall
            trial = beta + step
            eta = np.minimum(x @ trial, 700.0)
            mu_trial = np.exp(eta)
            new = float(y @ eta - mu_trial.sum())
            if new >= loglik - 1e-12 * (1 + abs(loglik)):
                break
            step /= 2
        beta, mu = trial, mu_trial
        done = abs(new - loglik) <= 1e-11 * (1 + abs(loglik)) and np.abs(step).max() < 1e-6
        loglik = new
        if done:
            break
    return beta, mu, (x * mu[:, None]).T @ x


def fit_loglinear(
    table: CaptureTable,
    interactions: Sequence[Interaction] = (),
    start: Sequence[float] | None = None,
) -> ModelFit:
    """Fit the Poisson model; BIC uses log(persons observed), as Silverman, Chan & Vincent (2024).

    `start` (the `params` of an earlier fit of the same model) speeds the fit up.
    The estimability of the model is not checked here: see `estimability`.
    """
    terms = tuple(tuple(t) for t in interactions)
    return _fit(table, terms, _design(table, terms), start)


def _fit(
    table: CaptureTable,
    terms: tuple[Interaction, ...],
    design: _Design,
    start: Sequence[float] | None,
) -> ModelFit:
    y = table.counts[design.keep]
    beta, mu, hessian = _newton(y, design.x, None if start is None else np.asarray(start))
    loglik = float((xlogy(y, mu) - mu - gammaln(y + 1)).sum())
    n_params = 1 + len(table.lists) + len(terms)
    try:
        se = np.sqrt(np.clip(np.diag(np.linalg.inv(hessian)), 0, None))
        pvalues = 2 * ndtr(-np.abs(beta) / np.where(se > 0, se, np.inf))
    except np.linalg.LinAlgError:
        pvalues = np.ones_like(beta)
    return ModelFit(
        interactions=terms,
        total=table.observed + math.exp(min(float(beta[0]), 700.0)),  # 700: no float overflow
        aic=-2 * loglik + 2 * n_params,
        bic=-2 * loglik + math.log(table.observed) * n_params,
        deviance=float(2 * (xlogy(y, y / np.where(mu > 0, mu, 1)) - (y - mu)).sum()),
        params=tuple(beta.tolist()),
        pvalues=tuple(np.asarray(pvalues, dtype=float).tolist()),
        minus_infinity=design.minus_infinity,
    )


def estimability(
    table: CaptureTable,
    interactions: Sequence[Interaction],
    witnesses: dict[bytes, list[np.ndarray]] | None = None,
    memo: Memo | None = None,
) -> str | None:
    """None when the model's estimate exists and is determined; else the reason, in words.

    Terms whose lists share nobody are at minus infinity and their cells set
    aside; on the cells left, the estimate exists when some strictly positive
    table has the same margins as the observed one (a linear programme;
    Fienberg & Rinaldo 2012), and is determined when the design has full rank.
    `witnesses` keeps the positive tables found, by cells kept: a table that
    has a model's margins proves the estimate exists without a new programme
    (so one programme serves a model and all its submodels). `memo` keeps the
    answers by model and cells seen empty, which is all they depend on (so a
    bootstrap resample with the same empty cells needs no new check).
    """
    return _checked(table, tuple(tuple(t) for t in interactions), witnesses, memo)[0]


Memo = dict[tuple[frozenset[Interaction], bytes], tuple[str | None, "_Design"]]


def _checked(
    table: CaptureTable,
    terms: tuple[Interaction, ...],
    witnesses: dict[bytes, list[np.ndarray]] | None,
    memo: Memo | None,
) -> tuple[str | None, _Design]:
    """(estimability reason, design), both of which depend on the cells seen empty only."""
    key = (frozenset(terms), (table.counts > 0).tobytes())
    if memo is not None and key in memo:
        return memo[key]
    design = _design(table, terms)
    reason = _estimability(table, design, witnesses)
    if memo is not None:
        memo[key] = (reason, design)
    return reason, design


def _estimability(
    table: CaptureTable,
    design: _Design,
    witnesses: dict[bytes, list[np.ndarray]] | None,
) -> str | None:
    x, y = design.x, table.counts[design.keep]
    if x.shape[0] < x.shape[1] or np.linalg.matrix_rank(x) < x.shape[1]:
        return "more parameters than the overlaps can determine"
    if (y > 0).all():
        return None  # the observed table itself is a strictly positive solution
    if np.linalg.matrix_rank(x[y > 0]) == x.shape[1]:
        # No direction of the parameters leaves the cells seen unchanged, so none can
        # send the likelihood up forever: the estimate exists (Fienberg & Rinaldo 2012).
        return None
    margins = x.T @ y
    known = None if witnesses is None else witnesses.setdefault(design.keep.tobytes(), [])
    for z in known or ():
        if np.allclose(x.T @ z, margins, rtol=1e-9, atol=1e-7):
            return None
    cells, n_params = x.shape
    # Maximise t subject to xᵀz = xᵀy and z ≥ t (t ≤ 1): the estimate exists iff t > 0.
    result = optimize.linprog(
        c=np.r_[np.zeros(cells), -1.0],
        A_ub=np.c_[-np.eye(cells), np.ones(cells)],
        b_ub=np.zeros(cells),
        A_eq=np.c_[x.T, np.zeros(n_params)],
        b_eq=margins,
        bounds=[(None, None)] * cells + [(None, 1.0)],
        method="highs",
    )
    if result.status != 0 or -result.fun <= 1e-9:
        return "the observed overlaps leave no finite estimate"
    if known is not None:
        known.append(np.asarray(result.x[:cells]))
    return None


def hierarchical_models(lists: int, max_order: int) -> Iterator[tuple[Interaction, ...]]:
    """Every hierarchical model of `lists` lists with terms up to `max_order` lists.

    Main effects are always in; a term of r lists only with all its terms of
    r − 1 lists. Smaller models come first within each set of pairs.
    """

    def extend(chosen: tuple[Interaction, ...], order: int) -> Iterator[tuple[Interaction, ...]]:
        if order > min(max_order, lists):
            yield chosen
            return
        present = set(chosen)
        eligible = [
            t
            for t in itertools.combinations(range(lists), order)
            if order == 2 or all(s in present for s in itertools.combinations(t, order - 1))
        ]
        for size in range(len(eligible) + 1):
            for subset in itertools.combinations(eligible, size):
                yield from extend(chosen + subset, order + 1)

    yield from extend((), 2)


def count_models(lists: int, max_order: int, limit: int = EXHAUSTIVE_LIMIT) -> int:
    """How many models `hierarchical_models` yields, counting no further than `limit` + 1."""
    if max_order <= 2:
        return min(2 ** math.comb(lists, 2), limit + 1)
    count = 0
    for _ in hierarchical_models(lists, max_order):
        count += 1
        if count > limit:
            break
    return count


@dataclass(frozen=True)
class Selection:
    """The chosen model, the models ranked (exhaustive search), and what was left out."""

    fit: ModelFit
    criterion: str
    search: str
    p_threshold: float | None
    models_fitted: int
    left_out: tuple[tuple[tuple[Interaction, ...], str], ...]
    max_order: int = 2
    ranked: tuple[ModelFit, ...] = ()  # every model fitted, best first


def _score(fit: ModelFit, criterion: str) -> float:
    return fit.aic if criterion == "aic" else fit.bic


class _Models:
    """Fits and estimability checks of one table, each done once."""

    def __init__(
        self,
        table: CaptureTable,
        starts: dict[frozenset[Interaction], ModelFit],
        memo: Memo,
    ):
        self.table = table
        self.memo = memo
        self.fits: dict[frozenset[Interaction], ModelFit | None] = {}
        self.left_out: list[tuple[tuple[Interaction, ...], str]] = []
        self.fitted = 0
        self.starts = starts
        self.witnesses: dict[bytes, list[np.ndarray]] = {}

    def get(self, terms: Sequence[Interaction]) -> ModelFit | None:
        key = frozenset(terms)
        if key not in self.fits:
            ordered = tuple(sorted(key, key=lambda t: (len(t), t)))
            reason, design = _checked(self.table, ordered, self.witnesses, self.memo)
            if reason is not None:
                self.left_out.append((ordered, reason))
                self.fits[key] = None
            else:
                earlier = self.starts.get(key)
                self.fits[key] = _fit(
                    self.table, ordered, design, None if earlier is None else earlier.params
                )
                self.fitted += 1
        return self.fits[key]


def select_model(
    table: CaptureTable,
    criterion: str = "bic",
    search: str = "auto",
    p_threshold: float | None = None,
    max_order: int | None = None,
    candidates: Sequence[ModelFit] | None = None,
    warm: Sequence[ModelFit] = (),
    memo: Memo | None = None,
) -> Selection:
    """Choose a model by `search` (see the module's docstring); lower criterion is better.

    `"auto"` is exhaustive when there are at most 8,000 hierarchical models (five
    lists, three-way terms), else stepwise; `"exhaustive"` goes up to 40,000 (six
    lists, two-way terms). `p_threshold` is the threshold of
    the sparsemse (default 0.02) and bhs2015 (default 0.05) rules. `candidates`
    restricts the choice to these models (the bootstrap's top models); the fits
    in `warm` (and `candidates`) start the fits of the same models; `memo` keeps
    estimability answers from one call to the next (see `estimability`).
    """
    if criterion not in CRITERIA:
        raise UsageError(f"criterion must be one of {', '.join(CRITERIA)}, got {criterion!r}")
    if search not in SEARCHES:
        raise UsageError(f"search must be one of {', '.join(SEARCHES)}, got {search!r}")
    if p_threshold is not None and search not in ("sparsemse", "bhs2015"):
        raise UsageError("--p-threshold goes with --search sparsemse or bhs2015")
    k = len(table.lists)
    order = default_max_order(k) if max_order is None else max_order
    if not 2 <= order <= k - 1 and k > 2:
        raise UsageError(f"--max-order must be between 2 and {k - 1} for {k} lists, got {order}")
    if search in ("sparsemse", "bhs2015"):
        order = 2
    how_many = count_models(k, order)
    if search == "auto":
        search = "exhaustive" if how_many <= AUTO_EXHAUSTIVE_LIMIT else "stepwise"
    elif search == "exhaustive" and how_many > EXHAUSTIVE_LIMIT and candidates is None:
        raise UsageError(
            f"an exhaustive search would fit more than {EXHAUSTIVE_LIMIT:,} models; "
            "use --search stepwise or a lower --max-order"
        )
    known = [*warm, *(candidates or ())]
    models = _Models(
        table, {frozenset(c.interactions): c for c in known}, {} if memo is None else memo
    )
    base = models.get(())
    if base is None:
        raise AdcensusError(
            "even the simplest model has no finite estimate for these lists; "
            "the overlaps are too sparse to estimate a hidden total"
        )
    if candidates is not None:
        # Largest models first: their existence proofs then serve their submodels.
        pool = sorted((c.interactions for c in candidates), key=len, reverse=True)
        fits = [f for f in (models.get(m) for m in pool) if f is not None]
        if not fits:
            raise AdcensusError("none of the candidate models has an estimate for this table")
        best = min(fits, key=lambda f: _score(f, criterion))
    elif search == "exhaustive":
        pool = sorted(hierarchical_models(k, order), key=len, reverse=True)
        fits = [f for f in (models.get(m) for m in pool) if f is not None]
        best = min(fits, key=lambda f: _score(f, criterion))
    elif search == "stepwise":
        best = _stepwise(models, base, criterion, order)
    elif search == "sparsemse":
        threshold = SPARSEMSE_P if p_threshold is None else p_threshold
        best = _sparsemse(models, base, threshold)
    else:
        threshold = BHS_P if p_threshold is None else p_threshold
        best = _bhs2015(models, base, criterion, threshold)
    ranked = tuple(
        sorted(
            (f for f in models.fits.values() if f is not None), key=lambda f: _score(f, criterion)
        )
    )
    return Selection(
        best, criterion, search, p_threshold, models.fitted, tuple(models.left_out), order, ranked
    )


def _neighbours(terms: frozenset[Interaction], k: int, order: int) -> Iterator[frozenset]:
    """Hierarchical models one move away: a term added, one dropped, or one swapped for another."""
    added, dropped = [], []
    for size in range(2, order + 1):
        for term in itertools.combinations(range(k), size):
            if term in terms:
                if not any(len(t) == size + 1 and set(term) <= set(t) for t in terms):
                    dropped.append(term)
            elif size == 2 or all(s in terms for s in itertools.combinations(term, size - 1)):
                added.append(term)
    for term in added:
        yield terms | {term}
    for term in dropped:
        yield terms - {term}
    for out, into in itertools.product(dropped, added):
        if len(into) == 2 or out not in itertools.combinations(into, len(into) - 1):
            yield (terms - {out}) | {into}


def _stepwise(models: _Models, base: ModelFit, criterion: str, order: int) -> ModelFit:
    """Best-improvement moves (add, drop or swap a term) from several starts; the best end wins.

    Starts: main effects only; each single pair; all pairs whose lists overlap;
    the SparseMSE choice. Swaps let the search cross a model where a term must
    go for another to come in; the starts let it leave a local optimum that
    one path would stop at. A model reached twice is fitted once.
    """
    k = len(models.table.lists)
    pairs = list(itertools.combinations(range(k), 2))
    overlapping = [p for p in pairs if _together(models.table, p) > 0]
    starts = [base, models.get(overlapping), _sparsemse(models, base, SPARSEMSE_P)]
    starts += [models.get((p,)) for p in pairs]
    ends: dict[frozenset[Interaction], ModelFit] = {}
    for start in starts:
        if start is None or frozenset(start.interactions) in ends:
            continue
        current = start
        while True:
            moves = [
                f
                for f in (
                    models.get(tuple(m))
                    for m in _neighbours(frozenset(current.interactions), k, order)
                )
                if f is not None
            ]
            better = min(moves, key=lambda f: _score(f, criterion), default=None)
            if better is None or _score(better, criterion) >= _score(current, criterion):
                break
            current = better
        ends[frozenset(start.interactions)] = current
    return min(ends.values(), key=lambda f: _score(f, criterion))


def _fitted_means(table: CaptureTable, fit: ModelFit) -> np.ndarray:
    """Expected count of each cell under `fit`; zero on the cells of minus-infinity terms."""
    design = _design(table, fit.interactions)
    means = np.zeros(len(table.counts))
    means[design.keep] = np.exp(np.minimum(design.x @ np.asarray(fit.params), 700.0))
    return means


def _sparsemse(models: _Models, base: ModelFit, threshold: float) -> ModelFit:
    """Chan, Silverman & Vincent (2021), §3.2: forward steps on a one-sided Poisson p-value.

    For each pair not yet in the model, the persons on both lists are Poisson
    under the current model; p = min(P(X ≤ seen), P(X ≥ seen)). The pair with
    the smallest p is added (ties: the first pair) if p < `threshold` and the
    larger model has an estimate; else the search stops.
    """
    table = models.table
    pairs = list(itertools.combinations(range(len(table.lists)), 2))
    on_both = np.column_stack([table.histories[:, list(p)].all(axis=1) for p in pairs])
    seen = table.counts @ on_both
    current = base
    while True:
        expected = _fitted_means(table, current) @ on_both
        p = np.minimum(pdtr(seen, expected), np.where(seen > 0, pdtrc(seen - 1, expected), 1.0))
        for index in np.lexsort((np.arange(len(pairs)), p)):  # smallest p, then first pair
            if p[index] >= threshold:
                return current
            if pairs[index] in current.interactions:
                continue
            candidate = models.get((*current.interactions, pairs[index]))
            if candidate is not None:
                current = candidate
                break
        else:
            return current


def _bhs2015(models: _Models, base: ModelFit, criterion: str, threshold: float) -> ModelFit:
    """Bales, Hesketh & Silverman (2015): add the overlapping pair that lowers the
    criterion most, while it lowers it and its Wald p-value is at most `threshold`."""
    table = models.table
    pairs = [
        p for p in itertools.combinations(range(len(table.lists)), 2) if _together(table, p) > 0
    ]
    current = base
    while True:
        trials = []
        for index, pair in enumerate(pairs):
            if pair in current.interactions:
                continue
            candidate = models.get((*current.interactions, pair))
            if candidate is not None:
                trials.append((_score(candidate, criterion), index, candidate))
        if not trials:
            return current
        score, index, candidate = min(trials, key=lambda t: (t[0], t[1]))
        if score >= _score(current, criterion) or _wald_p(candidate, pairs[index]) > threshold:
            return current
        current = candidate


def _wald_p(fit: ModelFit, term: Interaction) -> float:
    """The Wald p-value of `term` in `fit` (params: intercept, main effects, finite terms)."""
    finite = [t for t in fit.interactions if t not in fit.minus_infinity]
    mains = len(fit.params) - 1 - len(finite)
    return fit.pvalues[1 + mains + finite.index(term)]


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
    design = _design(table, [tuple(t) for t in interactions])
    x = np.vstack([design.x, np.r_[1.0, np.zeros(design.x.shape[1] - 1)]])
    seen = table.counts[design.keep]
    start = np.asarray(fit_loglinear(table, interactions).params)

    def loglik(total: float) -> float:
        dark = max(total - n, 0.0)
        y = np.r_[seen, dark]
        _, mu, _ = _newton(y, x, start)
        deviance = float(2 * (xlogy(y, y / np.where(mu > 0, mu, 1)) - (y - mu)).sum())
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
