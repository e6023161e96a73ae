"""Reading the folder written by `adcensus dedupe`: summary.json, pairs.csv, review.jsonl.

Each reader checks what the estimates need and raises an `InputError` that says
what to do; the CSVs and summary.json are read by adcensus.outputs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from adcensus.decisions import DECISIONS_FILE, load_decisions
from adcensus.errors import InputError
from adcensus.outputs import read_output_csv


def read_pairs(directory: Path) -> pd.DataFrame:
    """pairs.csv of a dedupe folder with `score` as numbers (no pairs: an empty table)."""
    path = directory / "pairs.csv"
    if not path.is_file():
        return pd.DataFrame({"ad_a": [], "ad_b": [], "score": [], "decision": []})
    pairs = read_output_csv(path)
    missing = {"ad_a", "ad_b", "score", "decision"} - set(pairs.columns)
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    scores = pd.to_numeric(pairs["score"].str.replace(",", ".", regex=False), errors="coerce")
    if scores.isna().any():
        raise InputError(f"{path}: some scores are not numbers; run `adcensus dedupe` again")
    return pairs.assign(score=scores)


def read_review(directory: Path) -> pd.DataFrame | None:
    """The standing answers of review.jsonl: the last one per pair, skips included."""
    path = directory / DECISIONS_FILE
    if not path.is_file():
        return None
    return load_decisions(path, include_skipped=True)
