"""Multiple-systems estimation: how many persons did no list see at all?

A list is one source of ads (a site, a month...). Each person seen is on one or
more lists; the table of how many persons are on each combination of lists (the
"capture histories") says how much the lists overlap, and the overlap says how
many persons were probably missed by all of them (the "dark figure").

- Two lists: Lincoln–Petersen and Chapman's nearly unbiased form, with Seber's
  variance (Seber 1982, *The Estimation of Animal Abundance*, §3.1).
- Three lists or more: Poisson log-linear models with main effects and a subset
  of the two-list interactions, fitted with statsmodels; total = observed +
  exp(intercept). A model is chosen by AIC or BIC, exhaustively when there are
  few candidates and by forward steps otherwise (the stepwise procedure of
  Bales, Hesketh & Silverman 2015, optionally with their p-value rule). Models
  whose estimate does not exist or is not determined by the data are left out
  (zero overlaps; the linear-programming existence test of Fienberg & Rinaldo
  2012 as used by Chan, Silverman & Vincent 2021). Intervals are profile
  likelihood (Cormack 1992, as in Rcapture's closedpCI.t), and optionally a
  bootstrap that repeats the model choice.

docs/methodology.md explains each estimator in plain words.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.special import gammaln, xlogy

from adcensus.errors import AdcensusError, InputError, UsageError

Interaction = tuple[int, int]
CRITERIA = ("aic", "bic")
SEARCHES = ("auto", "exhaustive", "stepwise")
EXHAUSTIVE_MAX_MODELS = 64  # "auto" tries every model up to this: all of them for four lists
EXHAUSTIVE_LIMIT = 4096  # an explicit exhaustive search beyond this would take too long
FEW_RECAPTURES = 10
MAX_LISTS = 12  # 2**12 − 1 combinations of lists; more would not fit in memory for long


@dataclass(frozen=True)
class CaptureTable:
    """Counts of persons for every observable combination of lists.

    `histories` has one row per combination (2**k − 1 rows, all-zero excluded)
    and one 0/1 column per list; `counts[i]` persons have history `histories[i]`.
    """

    lists: tuple[str, ...]
    histories: np.ndarray
    counts: np.ndarray

    @property
    def observed(self) -> int:
        """Persons seen on at least one list."""
        return int(self.counts.sum())

    def list_sizes(self) -> dict[str, int]:
        """Persons on each list."""
        return {
            name: int(self.counts[self.histories[:, i] == 1].sum())
            for i, name in enumerate(self.lists)
        }

    def overlap(self, i: int, j: int) -> int:
        """Persons on both list i and list j (whatever other lists they are on)."""
        both = (self.histories[:, i] == 1) & (self.histories[:, j] == 1)
        return int(self.counts[both].sum())

    def on_several_lists(self) -> int:
        """Persons seen on two lists or more: the recaptures everything rests on."""
        return int(self.counts[self.histories.sum(axis=1) >= 2].sum())


def _all_histories(k: int) -> np.ndarray:
    rows = [h for h in itertools.product((0, 1), repeat=k) if any(h)]
    rows.sort(key=lambda h: (sum(h), [-x for x in h]))
    return np.array(rows, dtype=np.int8).reshape(len(rows), k)


def capture_table(
    memberships: Iterable[Iterable[str]], lists: Sequence[str] | None = None
) -> CaptureTable:
    """Count persons per combination of lists; one item of `memberships` per person.

    Persons on no list are ignored (they cannot be counted by anyone).
    """
    sets = [frozenset(m) for m in memberships]
    names = tuple(lists) if lists is not None else tuple(sorted(set().union(*sets)))
    counter = Counter(tuple(int(name in s) for name in names) for s in sets if s & set(names))
    return _table(names, counter)


def _table(names: tuple[str, ...], counter: Counter[tuple[int, ...]]) -> CaptureTable:
    if len(names) > MAX_LISTS:
        raise UsageError(
            f"{len(names)} lists are too many for multiple-systems estimation (at most "
            f"{MAX_LISTS}); merge the smallest lists into one"
        )
    if len(names) < 2:
        raise UsageError(
            f"multiple-systems estimation needs at least two lists, got {len(names)}; "
            "choose a column with several values for --lists"
        )
    histories = _all_histories(len(names))
    counts = np.array([counter.get(tuple(int(x) for x in h), 0) for h in histories], dtype=float)
    return CaptureTable(names, histories, counts)


def capture_table_from_frame(frame: pd.DataFrame, count_column: str = "count") -> CaptureTable:
    """A table with one 0/1 column per list and a count column (e.g. a published table)."""
    if count_column not in frame.columns:
        raise InputError(
            f"the table has no {count_column!r} column; add one with the number of persons"
        )
    names = tuple(str(c) for c in frame.columns if c != count_column)
    counter: Counter[tuple[int, ...]] = Counter()
    try:
        for row, count in zip(
            frame[list(names)].to_numpy(int), frame[count_column].to_numpy(int), strict=True
        ):
            if not set(row.tolist()) <= {0, 1} or count < 0:
                raise ValueError
            counter[tuple(row.tolist())] += int(count)
    except ValueError:
        raise InputError(
            "list columns must hold 0 or 1 and the count column whole numbers ≥ 0; check the table"
        ) from None
    return _table(names, counter)


def read_capture_table(path: str | Path) -> CaptureTable:
    """Read a capture-history CSV (`,` or `;`); lines starting with # are comments."""
    try:
        frame = pd.read_csv(path, sep=None, engine="python", comment="#", encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found; check the path given to --histories") from None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: not a readable CSV table ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return capture_table_from_frame(frame)


def regroup_lists(table: CaptureTable, groups: Mapping[str, str | None]) -> CaptureTable:
    """Merge or drop lists: `groups` maps a list to its new name, or to None to drop it.

    A person is on a merged list when on any of its parts; persons seen only on
    dropped lists leave the table. E.g. {"PF": "PFNCA", "NCA": "PFNCA"}.
    """
    target = [groups.get(name, name) for name in table.lists]
    names = tuple(dict.fromkeys(t for t in target if t is not None))
    counter: Counter[tuple[int, ...]] = Counter()
    for history, count in zip(table.histories, table.counts, strict=True):
        on = {t for t, x in zip(target, history, strict=True) if x and t is not None}
        if on:
            counter[tuple(int(name in on) for name in names)] += int(count)
    return _table(names, counter)


def round_half_up(value: float | Decimal) -> int:
    """Round to the nearest whole number, halves up (272.5 → 273), unlike Python's round.

    Floats go through their shortest decimal form, so 699 × 0.39 = 272.61 → 273.
    """
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ---- two lists -----------------------------------------------------------------------------


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


# ---- log-linear models ---------------------------------------------------------------------


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


# ---- the whole estimate --------------------------------------------------------------------


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
