"""How many persons, and how sure: from counts, from a dedupe output, and the hidden total.

- From counts: persons = ads × (1 − doublon rate), rounded half up; the inverse;
  and a Wilson interval when the rate comes from a sample of ads checked by hand.
- From a dedupe output folder: the counts of summary.json, a sensitivity range
  from re-linking the pairs of pairs.csv at a stricter and a looser threshold,
  and, when review.jsonl holds a reviewed sample of links, the measured link
  precision carried into an interval on persons by a seeded bootstrap.
- The hidden total: lists (sites, months, any column) built from ads.csv and
  handed to multiple-systems estimation (adcensus.mse).

The package, by stage:

- `counts`: rates, rounding half up, the Wilson interval (`estimate_from_counts`);
- `folder`: reading the files of a dedupe output folder;
- `output`: sensitivity range and review bootstrap (`estimate_from_output`);
- `lists`: the lists of a dedupe output for the hidden total (`lists_from_output`).

Everything public is importable from `adcensus.estimate` itself.
docs/methodology.md explains each number in plain words.
"""

# The `X as X` imports are names the single-file module had, re-exported so that
# `adcensus.estimate.X` still works (tests/test_estimate.py checks the two private ones).
from adcensus.estimate.counts import (
    CountEstimate,
    estimate_from_counts,
    parse_rate,
    parse_reviewed_sample,
    wilson_interval,
)
from adcensus.estimate.folder import read_pairs as read_pairs
from adcensus.estimate.lists import DEFAULT_LISTS, lists_from_output, posting_behaviour_warning
from adcensus.estimate.lists import MAX_LISTS as MAX_LISTS
from adcensus.estimate.lists import OTHER_LIST as OTHER_LIST
from adcensus.estimate.lists import month_of as month_of
from adcensus.estimate.output import DEFAULT_THRESHOLD as DEFAULT_THRESHOLD
from adcensus.estimate.output import LINKING_DECISIONS as LINKING_DECISIONS
from adcensus.estimate.output import OutputEstimate, estimate_from_output, relink_persons
from adcensus.mse import round_half_up

__all__ = [
    "DEFAULT_LISTS",
    "CountEstimate",
    "OutputEstimate",
    "estimate_from_counts",
    "estimate_from_output",
    "lists_from_output",
    "parse_rate",
    "parse_reviewed_sample",
    "posting_behaviour_warning",
    "relink_persons",
    "round_half_up",
    "wilson_interval",
]
