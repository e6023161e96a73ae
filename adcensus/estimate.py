"""How many persons, and how sure: from counts, from a dedupe output, and the hidden total.

- From counts: persons = ads × (1 − doublon rate), rounded half up; the inverse;
  and a Wilson interval when the rate comes from a sample of ads checked by hand.
- From a dedupe output folder: the counts of summary.json, a sensitivity range
  from re-linking the pairs of pairs.csv at a stricter and a looser threshold,
  and, when review.jsonl holds a reviewed sample of links, the measured link
  precision carried into an interval on persons by a seeded bootstrap.
- The hidden total: lists (sites, months, any column) built from ads.csv and
  handed to multiple-systems estimation (adcensus.mse).

docs/methodology.md explains each number in plain words.
"""

from __future__ import annotations

import importlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from adcensus import columns as col
from adcensus.errors import InputError, UsageError
from adcensus.mse import (
    CaptureTable,
    HiddenEstimate,
    capture_table,
    estimate_hidden,
    round_half_up,
)

__all__ = [
    "CountEstimate",
    "OutputEstimate",
    "estimate_from_counts",
    "estimate_from_output",
    "lists_from_output",
    "parse_rate",
    "parse_reviewed_sample",
    "relink_persons",
    "round_half_up",
    "wilson_interval",
]

LINKING_DECISIONS = ("link", "doubtful")  # pairs.csv decisions that can join two ads
DEFAULT_THRESHOLD = 0.80
MAX_LISTS = 6
OTHER_LIST = "(others)"


# ---- from counts ---------------------------------------------------------------------------


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
    _check_confidence(confidence)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _check_confidence(confidence: float) -> None:
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
            persons_low=max(1, round_half_up(ads * (1 - high))),
            persons_high=round_half_up(ads * (1 - low)),
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


# ---- from a dedupe output ------------------------------------------------------------------


def _read_csv(path: Path) -> pd.DataFrame:
    """A dedupe CSV as text, whatever delimiter it was written with (; , or tab)."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            header = handle.readline()
        delimiter = max(";,\t", key=header.count)
        return pd.read_csv(
            path, sep=delimiter, encoding="utf-8-sig", dtype=str, keep_default_na=False
        )
    except FileNotFoundError:
        raise InputError(
            f"{path}: not found; give the folder written by `adcensus dedupe`"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as a dedupe CSV ({exc})") from None


def _read_summary(directory: Path) -> dict[str, Any]:
    if not directory.is_dir():
        raise InputError(f"{directory}: not a folder; give the folder written by `adcensus dedupe`")
    path = directory / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{directory}: no summary.json; give the folder written by `adcensus dedupe`"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc}); run `adcensus dedupe` again") from None
    if not isinstance(summary, dict) or not {"ads", "persons"} <= summary.keys():
        raise InputError(f"{path}: lacks the ads and persons counts; run `adcensus dedupe` again")
    return summary


def _read_pairs(directory: Path) -> pd.DataFrame:
    path = directory / "pairs.csv"
    if not path.is_file():
        return pd.DataFrame({"ad_a": [], "ad_b": [], "score": [], "decision": []})
    pairs = _read_csv(path)
    missing = {"ad_a", "ad_b", "score", "decision"} - set(pairs.columns)
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    scores = pd.to_numeric(pairs["score"].str.replace(",", ".", regex=False), errors="coerce")
    if scores.isna().any():
        raise InputError(f"{path}: some scores are not numbers; run `adcensus dedupe` again")
    return pairs.assign(score=scores)


def relink_persons(pairs: pd.DataFrame, n_ads: int, threshold: float) -> int:
    """Persons when every "link"/"doubtful" pair scoring ≥ threshold joins its two ads.

    Connected components over those pairs: an approximation of the full
    clustering, which also refuses links that would join different pseudonyms or
    ages. Ads in no pair are persons on their own.
    """
    linked = pairs[pairs["decision"].isin(LINKING_DECISIONS) & (pairs["score"] >= threshold)]
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


def _relink_function() -> Callable[[pd.DataFrame, int, float], int]:
    """The linking code's own `relink` when it offers one (exact), else `relink_persons`."""
    try:
        link = importlib.import_module("adcensus.link")
    except ImportError:
        return relink_persons
    found: Callable[[pd.DataFrame, int, float], int] = getattr(link, "relink", relink_persons)
    return found


def _read_review(directory: Path) -> pd.DataFrame | None:
    path = directory / "review.jsonl"
    if not path.is_file():
        return None
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            rows.append({k: str(row[k]) for k in ("ad_a", "ad_b", "decision", "mode")})
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(
                f'{path}, line {number}: expected {{"ad_a", "ad_b", "decision", "mode"}}; '
                "fix or remove that line"
            ) from None
    return pd.DataFrame(rows, columns=["ad_a", "ad_b", "decision", "mode"])


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
) -> OutputEstimate:
    """Persons, doublon rate and how sure, from the folder written by `adcensus dedupe`.

    The sensitivity range re-links pairs.csv at link_threshold ± `delta`, shifted
    so that the threshold itself gives the official count. With review.jsonl,
    the precision p of sampled links (Wilson interval) is carried to persons:
    each of `replicates` draws takes p from its Jeffreys posterior, drops each
    unreviewed link with probability 1 − p, and re-links (seeded, reproducible).
    `hidden_lists` ("site", "month" or a column) adds the hidden total: see
    `lists_from_output` and `adcensus.mse.estimate_hidden` for the other options.
    """
    _check_confidence(confidence)
    if not 0 < delta < 1:
        raise UsageError(f"--delta must be between 0 and 1, e.g. 0.05; got {delta}")
    if replicates < 1:
        raise UsageError(f"the review bootstrap needs at least 1 draw, got {replicates}")
    folder = Path(directory)
    summary = _read_summary(folder)
    pairs = _read_pairs(folder)
    n_ads, persons = int(summary["ads"]), int(summary["persons"])
    if n_ads < 1:
        raise InputError(f"{folder}: the dedupe output has no ads")
    settings = summary.get("settings") or {}
    threshold = float(settings.get("link_threshold", DEFAULT_THRESHOLD))
    relink = _relink_function()
    base = relink(pairs, n_ads, threshold)
    # Rounded so that a pair scored 0.85 in pairs.csv counts at threshold 0.80 + 0.05.
    stricter = round(min(threshold + delta, 1.0), 9)
    looser = round(max(threshold - delta, 0.0), 9)
    sensitivity = {
        "link_threshold": threshold,
        "delta": delta,
        "stricter_threshold": stricter,
        "looser_threshold": looser,
        "persons_stricter": persons + relink(pairs, n_ads, stricter) - base,
        "persons_looser": persons + relink(pairs, n_ads, looser) - base,
        "method": "re-linking pairs.csv"
        + (" (connected components)" if relink is relink_persons else ""),
    }
    notes = []
    margin = settings.get("doubtful_margin")
    if margin is not None and delta > float(margin):
        notes.append(
            f"pairs.csv keeps only pairs scoring above {threshold - float(margin):.2f}, so the "
            f"looser count at {looser:.2f} misses some links: persons_looser is too high."
        )
    review = _review_interval(
        folder, pairs, n_ads, persons, threshold, base, relink, confidence, replicates, seed, notes
    )
    hidden = None
    if hidden_lists is not None:
        table, list_notes = lists_from_output(folder, hidden_lists, max_lists)
        notes += list_notes
        hidden = estimate_hidden(
            table, confidence, criterion, search, p_threshold, hidden_bootstrap, seed
        )
    return OutputEstimate(n_ads, persons, confidence, sensitivity, review, tuple(notes), hidden)


def _review_interval(
    folder: Path,
    pairs: pd.DataFrame,
    n_ads: int,
    persons: int,
    threshold: float,
    base: int,
    relink: Callable[[pd.DataFrame, int, float], int],
    confidence: float,
    replicates: int,
    seed: int,
    notes: list[str],
) -> dict[str, Any] | None:
    review = _read_review(folder)
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
    links = pairs[pairs["decision"].isin(LINKING_DECISIONS) & (pairs["score"] >= threshold)]
    keys = _pair_key(links["ad_a"], links["ad_b"])
    answered = review[review["decision"].isin(["y", "n"])]
    verdict = dict(
        zip(_pair_key(answered["ad_a"], answered["ad_b"]), answered["decision"], strict=True)
    )
    known = keys.map(verdict).fillna("").to_numpy()
    if relink is relink_persons:
        count = _component_counter(links, n_ads)
    else:
        count = lambda keep: relink(links[keep], n_ads, threshold)  # noqa: E731
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


# ---- lists for the hidden total ------------------------------------------------------------


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _month(value: str) -> str | None:
    """ "YYYY-MM" from an ISO date (2024-03-12…) or a French one (12/03/2024…), else None."""
    text = value.strip()
    iso = re.match(r"(\d{4})[-/.](\d{1,2})(?:\D|$)", text)
    french = re.match(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\D|$)", text)
    if iso:
        year, month = int(iso.group(1)), int(iso.group(2))
    elif french:
        year, month = int(french.group(3)), int(french.group(2))
    else:
        return None
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None


def lists_from_output(
    directory: str | Path, by: str = "site", max_lists: int = MAX_LISTS
) -> tuple[CaptureTable, list[str]]:
    """The capture table of a dedupe output: a person is on list L when one of their ads is.

    `by` is "site", "month" (from the date column, ISO or dd/mm/yyyy) or any
    column of ads.csv (by header or role). Beyond `max_lists` lists, the smallest
    are merged into one list "(others)". Returns the table and notes in words.
    """
    folder = Path(directory)
    roles = _read_summary(folder).get("roles") or {}
    ads = _read_csv(folder / "ads.csv")
    person = f"adcensus_{col.PERSON_ID}" if f"adcensus_{col.PERSON_ID}" in ads else col.PERSON_ID
    role = col.DATE if by == "month" else by
    column = roles.get(role, by)
    if person not in ads.columns:
        raise InputError(
            f"{folder / 'ads.csv'}: no {col.PERSON_ID} column; run `adcensus dedupe` again"
        )
    if column not in ads.columns:
        shown = ", ".join(c for c in ads.columns if c not in col.ADS_OUTPUT_COLUMNS)
        raise InputError(
            f"{folder / 'ads.csv'}: no column for --lists {by!r}; use site, month or one of: {shown}"
        )
    values = ads[column].astype(str).str.strip()
    labels = values.map(_month) if by == "month" else values.where(values != "", None)
    notes = []
    unplaced = int(labels.isna().sum())
    if unplaced:
        notes.append(f"{_count(unplaced, 'ad')} without a usable {by}: on no list.")
    placed = pd.DataFrame({"person": ads[person], "list": labels}).dropna()
    members = placed.groupby("person")["list"].agg(frozenset)
    missing = ads[person].nunique() - len(members)
    if missing:
        notes.append(f"{_count(missing, 'person')} without any {by}: left out of the lists.")
    sizes = placed.drop_duplicates().groupby("list").size()
    by_size = sorted(sizes.index, key=lambda name: (-sizes[name], name))
    order = sorted(sizes.index) if by == "month" else by_size
    if len(order) > max_lists:
        kept = set(by_size[: max_lists - 1])
        merged = [name for name in order if name not in kept]
        members = members.map(lambda on: frozenset(n if n in kept else OTHER_LIST for n in on))
        order = [name for name in order if name in kept] + [OTHER_LIST]
        shown = ", ".join(merged[:10]) + (", …" if len(merged) > 10 else "")
        notes.append(
            f"{len(sizes)} values of {by}: the {len(merged)} smallest ({shown}) "
            f"are merged into one list {OTHER_LIST!r}."
        )
    table = capture_table(members.tolist(), order)
    return table, notes
