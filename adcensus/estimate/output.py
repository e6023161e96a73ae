"""Persons of a dedupe output, and how sure: threshold sensitivity and the review bootstrap.

The counts of summary.json; a sensitivity range from re-linking the pairs of
pairs.csv at a stricter and a looser threshold; and, when review.jsonl holds a
reviewed sample of links, the measured link precision carried into an interval
on persons by a seeded bootstrap. With `hidden_lists`, the hidden total of
`adcensus.mse` on the lists of `adcensus.estimate.lists`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from adcensus.errors import InputError, UsageError
from adcensus.estimate.counts import check_confidence, wilson_interval
from adcensus.estimate.folder import read_pairs, read_review
from adcensus.estimate.lists import MAX_LISTS, lists_from_output, posting_behaviour_warning
from adcensus.mse import HiddenEstimate, estimate_hidden, round_half_up
from adcensus.outputs import LINKING, joining, read_summary
from adcensus.progress import Progress, silent
from adcensus.settings import Settings
from adcensus.store import reads_stores_too

# pairs.csv decisions that can join two ads (adcensus.outputs.LINKING).
LINKING_DECISIONS = LINKING
DEFAULT_THRESHOLD = Settings().link_threshold


def relink_persons(pairs: pd.DataFrame, n_ads: int, threshold: float) -> int:
    """Persons when every "link"/"doubtful" pair scoring ≥ threshold joins its two ads.

    Connected components over those pairs: an approximation of the full
    clustering, which also refuses links that would join different pseudonyms or
    ages. Ads in no pair are persons on their own.
    """
    linked = pairs[joining(pairs, threshold)]
    return _component_counter(linked, n_ads)(np.ones(len(linked), dtype=bool))


def _component_counter(links: pd.DataFrame, n_ads: int) -> Callable[[np.ndarray], int]:
    """A fast count of persons for any subset (boolean mask) of `links`."""
    codes, keys = pd.factorize(pd.concat([links["ad_a"], links["ad_b"]], ignore_index=True))
    a, b, nodes = codes[: len(links)], codes[len(links) :], len(keys)

    def count(keep: np.ndarray) -> int:
        if nodes == 0:
            return n_ads
        graph = coo_matrix((np.ones(int(keep.sum())), (a[keep], b[keep])), shape=(nodes, nodes))
        components, _ = connected_components(graph, directed=False)
        return n_ads - nodes + int(components)

    return count


def _pair_key(a: pd.Series, b: pd.Series) -> pd.Series:
    return pd.Series(np.where(a < b, a + "\t" + b, b + "\t" + a), index=a.index)


@dataclass(frozen=True)
class OutputEstimate:
    """Persons of a dedupe output with a sensitivity range, a review interval, a hidden total."""

    ads: int
    persons: int
    confidence: float
    sensitivity: dict[str, Any]
    review: dict[str, Any] | None
    notes: tuple[str, ...]
    hidden: HiddenEstimate | None = field(default=None)

    @property
    def range(self) -> tuple[int, int]:
        """The widest of the sensitivity range and the review interval."""
        lows = [self.persons, self.sensitivity["persons_looser"]]
        highs = [self.persons, self.sensitivity["persons_stricter"]]
        if self.review is not None:
            lows.append(self.review["persons_low"])
            highs.append(self.review["persons_high"])
        return min(lows), max(highs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; keys documented in docs/methodology.md."""
        low, high = self.range
        return {
            "ads": self.ads,
            "doublon_rate": round(1 - self.persons / self.ads, 6),
            "persons": self.persons,
            "confidence": self.confidence,
            "persons_low": low,
            "persons_high": high,
            "doublon_rate_low": round(1 - high / self.ads, 6),
            "doublon_rate_high": round(1 - low / self.ads, 6),
            "sensitivity": self.sensitivity,
            "review": self.review,
            "hidden": None if self.hidden is None else self.hidden.to_dict(),
            "notes": list(self.notes),
        }


@reads_stores_too
def estimate_from_output(
    directory: str | Path,
    confidence: float = 0.95,
    delta: float = 0.05,
    replicates: int = 1000,
    seed: int = 0,
    hidden_lists: str | None = None,
    max_lists: int = MAX_LISTS,
    criterion: str = "bic",
    search: str = "auto",
    p_threshold: float | None = None,
    hidden_bootstrap: int = 0,
    max_order: int | None = None,
    interval: str = "bca",
    progress: Progress = silent,
) -> OutputEstimate:
    """Persons, doublon rate and how sure, from the folder written by `adcensus dedupe`
    (or a census store).

    The sensitivity range re-links pairs.csv at link_threshold ± `delta`, shifted
    so that the threshold itself gives the official count. With review.jsonl,
    the precision p of sampled links (Wilson interval) is carried to persons:
    each of `replicates` draws takes p from its Jeffreys posterior, drops each
    unreviewed link with probability 1 − p, and re-links (seeded, reproducible).
    `hidden_lists` ("source_file", "site", "month" or a column) adds the hidden
    total, with a warning when the lists are the persons' own posting: see
    `lists_from_output` and `adcensus.mse.estimate_hidden` for the other options.
    """
    check_confidence(confidence)
    if not 0 < delta < 1:
        raise UsageError(f"--delta must be between 0 and 1, e.g. 0.05; got {delta}")
    if replicates < 1:
        raise UsageError(f"the review bootstrap needs at least 1 draw, got {replicates}")
    folder = Path(directory)
    summary = read_summary(folder)
    pairs = read_pairs(folder)
    n_ads, persons = int(summary["ads"]), int(summary["persons"])
    if n_ads < 1:
        raise InputError(f"{folder}: the dedupe output has no ads")
    settings = summary.get("settings") or {}
    threshold = float(settings.get("link_threshold", DEFAULT_THRESHOLD))
    base = relink_persons(pairs, n_ads, threshold)
    # Rounded so that a pair scored 0.85 in pairs.csv counts at threshold 0.80 + 0.05.
    stricter = round(min(threshold + delta, 1.0), 9)
    looser = round(max(threshold - delta, 0.0), 9)
    sensitivity = {
        "link_threshold": threshold,
        "delta": delta,
        "stricter_threshold": stricter,
        "looser_threshold": looser,
        "persons_stricter": persons + relink_persons(pairs, n_ads, stricter) - base,
        "persons_looser": persons + relink_persons(pairs, n_ads, looser) - base,
        "method": "re-linking pairs.csv (connected components)",
    }
    notes = []
    margin = settings.get("doubtful_margin")
    if margin is not None and delta > float(margin):
        notes.append(
            f"pairs.csv keeps only pairs scoring above {threshold - float(margin):.2f}, so the "
            f"looser count at {looser:.2f} misses some links: persons_looser is too high."
        )
    review = _review_interval(
        folder, pairs, n_ads, persons, threshold, base, confidence, replicates, seed, notes
    )
    hidden = None
    if hidden_lists is not None:
        table, list_notes = lists_from_output(folder, hidden_lists, max_lists)
        notes += list_notes
        hidden = estimate_hidden(
            table, confidence, criterion, search, p_threshold, hidden_bootstrap, seed,
            max_order, interval, progress,
        )  # fmt: skip
        posting = posting_behaviour_warning(hidden_lists, summary.get("roles") or {})
        if posting is not None:
            hidden = replace(hidden, warnings=(posting, *hidden.warnings))
    return OutputEstimate(n_ads, persons, confidence, sensitivity, review, tuple(notes), hidden)


def _review_interval(
    folder: Path,
    pairs: pd.DataFrame,
    n_ads: int,
    persons: int,
    threshold: float,
    base: int,
    confidence: float,
    replicates: int,
    seed: int,
    notes: list[str],
) -> dict[str, Any] | None:
    review = read_review(folder)
    if review is None:
        notes.append(
            "No review.jsonl: the range reflects the link threshold only. Review a random "
            "sample of links to measure how many are wrong and narrow this down."
        )
        return None
    sample = review[review["mode"] == "sample"]
    correct, wrong = int((sample["decision"] == "y").sum()), int((sample["decision"] == "n").sum())
    if correct + wrong == 0:
        notes.append("review.jsonl has no sampled link answered yes or no: precision unknown.")
        return None
    links = pairs[joining(pairs, threshold)]
    keys = _pair_key(links["ad_a"], links["ad_b"])
    answered = review[review["decision"].isin(["y", "n"])]
    verdict = dict(
        zip(_pair_key(answered["ad_a"], answered["ad_b"]), answered["decision"], strict=True)
    )
    known = keys.map(verdict).fillna("").to_numpy()
    count = _component_counter(links, n_ads)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(replicates):
        precision = rng.beta(correct + 0.5, wrong + 0.5)
        keep = (known == "y") | ((known == "") & (rng.random(len(links)) < precision))
        draws.append(persons + count(keep) - base)
    low, high = wilson_interval(correct, correct + wrong, confidence)
    q_low, q_high = np.quantile(draws, [(1 - confidence) / 2, (1 + confidence) / 2])
    return {
        "sampled_links": correct + wrong,
        "correct": correct,
        "wrong": wrong,
        "skipped": int((sample["decision"] == "s").sum()),
        "precision": round(correct / (correct + wrong), 6),
        "precision_low": round(low, 6),
        "precision_high": round(high, 6),
        "persons_low": round_half_up(float(q_low)),
        "persons_median": round_half_up(float(np.median(draws))),
        "persons_high": round_half_up(float(q_high)),
        "replicates": replicates,
        "seed": seed,
    }
