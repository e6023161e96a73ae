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

The package, by stage:

- `tables`: capture histories (`CaptureTable`) and the ways to build them;
- `twolists`: Lincoln–Petersen and Chapman;
- `loglinear`: fitting, estimability, model choice, profile-likelihood intervals;
- `hidden`: the whole estimate (`estimate_hidden`), its warnings and bootstrap.

Everything public is importable from `adcensus.mse` itself.
docs/methodology.md explains each estimator in plain words.
"""

from adcensus.mse.hidden import (
    FEW_RECAPTURES,
    INTERVALS,
    HiddenEstimate,
    bootstrap_totals,
    estimate_hidden,
    nested_lists,
    overlap_warnings,
    round_half_up,
)
from adcensus.mse.loglinear import (
    CRITERIA,
    EXHAUSTIVE_LIMIT,
    SEARCHES,
    SPARSEMSE_P,
    Interaction,
    ModelFit,
    Selection,
    count_models,
    default_max_order,
    estimability,
    fit_loglinear,
    hierarchical_models,
    profile_interval,
    select_model,
)
from adcensus.mse.tables import (
    MAX_LISTS,
    CaptureTable,
    capture_table,
    capture_table_from_frame,
    read_capture_table,
    regroup_lists,
)
from adcensus.mse.twolists import TwoListEstimate, chapman

__all__ = [
    "CRITERIA",
    "EXHAUSTIVE_LIMIT",
    "FEW_RECAPTURES",
    "INTERVALS",
    "MAX_LISTS",
    "SEARCHES",
    "SPARSEMSE_P",
    "CaptureTable",
    "HiddenEstimate",
    "Interaction",
    "ModelFit",
    "Selection",
    "TwoListEstimate",
    "bootstrap_totals",
    "capture_table",
    "capture_table_from_frame",
    "chapman",
    "count_models",
    "default_max_order",
    "estimability",
    "estimate_hidden",
    "fit_loglinear",
    "hierarchical_models",
    "nested_lists",
    "overlap_warnings",
    "profile_interval",
    "read_capture_table",
    "regroup_lists",
    "round_half_up",
    "select_model",
]
