"""Reading the folder written by `adcensus dedupe`: summary.json, pairs.csv, review.jsonl.

Each reader checks what the estimates need and raises an `InputError` that says
what to do; the CSVs and summary.json are read by adcensus.outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from adcensus.errors import InputError
from adcensus.outputs import read_output_csv


def _read_pairs(directory: Path) -> pd.DataFrame:
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
