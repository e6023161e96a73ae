"""Reading the folder written by `adcensus dedupe`: summary.json, pairs.csv, review.jsonl.

Each reader checks what the estimates need and raises an `InputError` that says
what to do; `_read_csv` reads any of the folder's CSV files, whatever delimiter
it was written with.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from adcensus.errors import InputError


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
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: cannot be read as a dedupe CSV ({reason})") from None


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
